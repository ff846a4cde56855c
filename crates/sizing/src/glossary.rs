//! The terms of art the app shows, each with a one-line explanation (shown on
//! hover and focus where the term appears) and a longer one (the glossary page).

/// One term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    /// Stable id, used by the views to name the term.
    pub id: &'static str,
    /// The term as it appears on screen.
    pub term: &'static str,
    /// One or two short sentences, shown next to the term.
    pub short: &'static str,
    /// More, for the glossary page.
    pub more: &'static str,
}

/// Every term, in alphabetical order of `term` ("≈" among the E's).
pub const TERMS: &[Term] = &[
    Term {
        id: "two-four",
        term: "2:4 sparsity",
        short: "Two of every four consecutive weights are zero: the pattern tensor cores since Ampere can skip, for up to 2× the arithmetic rate.",
        more: "Real layers gain 1.1–1.7× (PyTorch's and torchao's measurements); unstructured sparsity gets nothing from tensor cores, and sparse formats pay for their indices.",
    },
    Term {
        id: "activation-recomputation",
        term: "Activation recomputation",
        short: "Also gradient or activation checkpointing: keep fewer activations in the forward pass and recompute them in the backward pass, trading compute for memory.",
        more: "Full recomputation keeps only each layer's input and costs one extra forward pass (about a third more compute); selective recomputation (Korthikanti et al., 2022) recomputes only the attention scores. LoRA and QLoRA recipes train with it on.",
    },
    Term {
        id: "c-series",
        term: "C-series vGPU",
        short: "NVIDIA's vGPU types for compute (AI) workloads, named <GPU>-<GB>C, e.g. A100-20C: a VM gets that much framebuffer.",
        more: "C-series types need an NVIDIA AI Enterprise licence. Other series (Q for workstations, B and A for VDI) are not sized by headroom.",
    },
    Term {
        id: "engine-fraction",
        term: "Engine memory fraction",
        short: "The share of each GPU a serving engine budgets: vLLM's gpu_memory_utilization (0.9), SGLang's mem_fraction_static, TensorRT-LLM's free_gpu_memory_fraction; the rest stays free.",
        more: "Each engine budgets every GPU on its own, and each means something different by it: vLLM a share of the GPU's total memory, SGLang the share for weights and KV cache, TensorRT-LLM the share of what is free once the model is loaded. llama.cpp and Transformers keep no fraction.",
    },
    Term {
        id: "equal-mixed-size",
        term: "Equal size / mixed size",
        short: "Equal size: every vGPU on one GPU has the same type (vSphere's default). Mixed size: types of different sizes share a GPU (vSphere 8.0 U3 and later, on GPUs that support it).",
        more: "In mixed-size mode a vGPU can start only at the placement IDs its size allows, so the order in which VMs start decides how much memory is stranded; the vSphere placement page simulates it.",
    },
    Term {
        id: "estimated",
        term: "≈ (estimated)",
        short: "The usable memory of this option is derived from nominal figures, not read from a published table.",
        more: "Where NVIDIA publishes the usable memory (MIG profiles in `nvidia-smi mig -lgip`, vGPU framebuffer sizes), headroom uses it; elsewhere it estimates from the nominal size and marks the figure with ≈.",
    },
    Term {
        id: "gb-gib",
        term: "GB and GiB",
        short: "GB = 10⁹ bytes, GiB = 2³⁰ bytes (7.4 % more). GPU memory is sold in binary units: an \"80GB\" GPU holds 80 GiB.",
        more: "headroom computes in bytes and shows either unit (the choice in the header); every figure's exact byte count is in its tooltip.",
    },
    Term {
        id: "headroom",
        term: "Headroom",
        short: "Memory left over on an option after the workload and the safety margin: what the option can still absorb.",
        more: "Tight means it fits, but within the safety margin; too small means the workload does not fit at all, and the row says by how much.",
    },
    Term {
        id: "known-demand",
        term: "Known demand",
        short: "A memory figure you already have — a container's profile, a vendor's sizing, nvidia-smi for a running job — fitted as it is.",
        more: "headroom adds only the margin. Typed with its unit: 24 GB is 24 × 10⁹ bytes, 22.5 GiB is 22.5 × 2³⁰. It is per GPU and is not split further.",
    },
    Term {
        id: "kv-cache",
        term: "KV cache",
        short: "The keys and values of every token so far, kept per sequence so that each new token does not recompute them; grows with context × concurrent sequences.",
        more: "Per token: 2 (keys and values) × layers × KV heads × head dimension × bytes per value. Grouped-query attention (fewer KV heads than query heads) and FP8 caches shrink it.",
    },
    Term {
        id: "mfu-mbu",
        term: "MFU / MBU",
        short: "Model FLOPs utilization and model bandwidth utilization: the share of the GPU's peak arithmetic rate, or of its memory bandwidth, that a real run achieves.",
        more: "Prefill and training are bounded by arithmetic (MFU), decoding one token at a time by reading the weights and the KV cache (MBU). headroom's defaults are calibrated against published runs.",
    },
    Term {
        id: "mig",
        term: "MIG",
        short: "Multi-Instance GPU: an A100, A30, H100 or newer split into up to 7 isolated instances, each with its own memory and compute slices.",
        more: "Profiles are named <compute slices>g.<memory>gb, e.g. 3g.40gb. An instance can be used on bare metal, in a passthrough VM, or behind a MIG-backed vGPU.",
    },
    Term {
        id: "mig-backed",
        term: "MIG-backed vGPU",
        short: "A vGPU that is given a whole MIG instance: its own memory and compute, no time slicing with other VMs.",
        more: "Compare time-sliced vGPU, where VMs take turns on the whole GPU. MIG-backed vGPUs need a GPU with MIG and vGPU support and a recent enough vSphere.",
    },
    Term {
        id: "passthrough",
        term: "Passthrough",
        short: "A whole GPU given to one VM (vSphere DirectPath I/O), or used on bare metal: all of its memory, nobody else's.",
        more: "Large-memory GPUs need 64-bit MMIO enabled and sized in the VM (pciPassthru.use64bitMMIO, pciPassthru.64bitMMIOSizeGB) and EFI firmware; the deployment sheet lists them.",
    },
    Term {
        id: "per-host",
        term: "Per host",
        short: "How many instances of this option one host holds: per GPU × GPUs per host (the cards per host, × 4 GPUs for an A16 card).",
        more: "",
    },
    Term {
        id: "prefill-decode",
        term: "Prefill and decode",
        short: "Prefill reads the whole prompt in one pass (time to first token); decode then produces one token per step (time per output token).",
        more: "Prefill is bounded by arithmetic, decode by memory bandwidth. The prefill budget is how many prompt tokens one forward pass takes: it sizes the activation memory of serving.",
    },
    Term {
        id: "tensor-parallel",
        term: "Tensor / pipeline / data parallel",
        short: "Tensor parallel splits every layer over GPUs; pipeline parallel gives each GPU a run of layers; data parallel runs copies on different data.",
        more: "Tensor parallelism needs a fast interconnect (NVLink) and must divide the attention heads; pipeline parallelism works across hosts; data parallelism multiplies throughput, not capacity, unless ZeRO/FSDP shards the states.",
    },
    Term {
        id: "time-slice",
        term: "Time slice",
        short: "For time-sliced vGPUs: how long one VM runs on the GPU before the next one's turn. Memory is split, compute is shared in turns.",
        more: "A longer slice suits long-running compute kernels; the catalog lists the slice per type where NVIDIA documents it.",
    },
    Term {
        id: "time-sliced",
        term: "Time-sliced vGPU",
        short: "VMs share a whole GPU by taking turns (time slices); each has its own share of the memory (its framebuffer).",
        more: "Compare MIG-backed vGPU, where each VM has dedicated compute and memory.",
    },
    Term {
        id: "ttft-tpot",
        term: "TTFT / TPOT",
        short: "Time to first token (the prompt's prefill plus queueing) and time per output token (one decode step); the two latencies users feel when chatting.",
        more: "",
    },
    Term {
        id: "zero",
        term: "ZeRO / FSDP",
        short: "Sharding the optimizer states (ZeRO-1), also the gradients (ZeRO-2), also the weights (ZeRO-3 / FSDP full shard) over the data-parallel GPUs.",
        more: "Each stage divides that part of the training state by the data-parallel degree, at the cost of more communication.",
    },
];

/// The term with `id`.
pub fn find(id: &str) -> Option<&'static Term> {
    TERMS.iter().find(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_unique_sorted_and_short() {
        for w in TERMS.windows(2) {
            assert!(
                w[0].term.to_lowercase() < w[1].term.to_lowercase()
                    || w[0].term.starts_with('≈')
                    || w[1].term.starts_with('≈'),
                "{} before {}",
                w[0].term,
                w[1].term
            );
        }
        for t in TERMS {
            assert_eq!(TERMS.iter().filter(|u| u.id == t.id).count(), 1, "{}", t.id);
            assert!(t.short.chars().count() <= 220, "{} is long", t.id);
            assert!(
                !t.short.contains("docs/") && !t.more.contains("docs/"),
                "{}",
                t.id
            );
        }
        assert_eq!(find("mig").map(|t| t.term), Some("MIG"));
        assert!(find("nothing").is_none());
    }
}
