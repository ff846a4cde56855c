//! Serving engines and how each budgets a GPU's memory. Every engine budgets
//! each GPU on its own (each tensor-parallel rank measures its own device); they
//! differ in what the fraction is a fraction of, in what must fit outside it,
//! and in how they round the KV cache. The rules, with the code they follow:
//!
//! | ServingEngine | Rule | Default | KV rounding |
//! | --- | --- | --- | --- |
//! | vLLM (V0 ≥ 0.6.5, V1) | weights + activation peak + non-torch memory + KV ≤ `gpu_memory_utilization` × total | 0.9 | 16-token blocks |
//! | SGLang | weights + KV ≤ `mem_fraction_static` × the memory free when the weights start loading (the total less [`SGLANG_START_RESERVE`]); activations and CUDA graphs live in the rest | by GPU size ([`sglang_fraction`]: 0.835 on an 80 GB H100) | 1 token |
//! | TensorRT-LLM | KV = `free_gpu_memory_fraction` × the memory left after weights, activations and buffers | 0.9 | 32-token blocks |
//! | TGI | KV = free memory after warm-up − (1 − 0.9) × total (`TGI_WIGGLE_ROOM`) | 0.9 | 1 token |
//! | llama.cpp | buffers sized exactly: no fraction | — | context padded to 256 cells |
//! | Transformers / PyTorch | no fraction | — | none |

use serde::{Deserialize, Serialize};

/// What an engine's memory fraction is a fraction of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// Everything the engine allocates stays within `u` × the GPU's memory.
    OfTotal,
    /// Weights and the KV cache stay within `u` × the memory free when the
    /// weights start loading; activations, CUDA graphs and the rest fit in what
    /// is left.
    Static,
    /// The KV cache takes `u` of the memory left free once everything else is loaded.
    OfFree,
    /// No fraction: every buffer is sized as asked.
    Exact,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServingEngine {
    /// Any engine: the fraction as typed (1 = none), no block rounding.
    #[default]
    Generic,
    Vllm,
    Sglang,
    #[serde(rename = "tensorrt_llm")]
    TensorRtLlm,
    Tgi,
    #[serde(rename = "llama_cpp")]
    LlamaCpp,
    /// Hugging Face Transformers or plain PyTorch.
    Transformers,
}

impl ServingEngine {
    pub const ALL: [ServingEngine; 7] = [
        ServingEngine::Generic,
        ServingEngine::Vllm,
        ServingEngine::Sglang,
        ServingEngine::TensorRtLlm,
        ServingEngine::Tgi,
        ServingEngine::LlamaCpp,
        ServingEngine::Transformers,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ServingEngine::Generic => "generic",
            ServingEngine::Vllm => "vllm",
            ServingEngine::Sglang => "sglang",
            ServingEngine::TensorRtLlm => "tensorrt_llm",
            ServingEngine::Tgi => "tgi",
            ServingEngine::LlamaCpp => "llama_cpp",
            ServingEngine::Transformers => "transformers",
        }
    }

    pub fn from_id(id: &str) -> Option<ServingEngine> {
        ServingEngine::ALL.into_iter().find(|e| e.id() == id)
    }

    pub fn is_generic(&self) -> bool {
        *self == ServingEngine::Generic
    }

    pub fn label(self) -> &'static str {
        match self {
            ServingEngine::Generic => "Any engine (fraction as set)",
            ServingEngine::Vllm => "vLLM",
            ServingEngine::Sglang => "SGLang",
            ServingEngine::TensorRtLlm => "TensorRT-LLM",
            ServingEngine::Tgi => "Text Generation Inference (TGI)",
            ServingEngine::LlamaCpp => "llama.cpp",
            ServingEngine::Transformers => "Transformers / PyTorch",
        }
    }

    /// The speed model's engine for this one (how close decode comes to the
    /// roofline); `None` when any engine is meant.
    pub fn efficiency(self) -> Option<crate::speed::efficiency::Engine> {
        use crate::speed::efficiency::Engine as Speed;
        match self {
            ServingEngine::Generic => None,
            ServingEngine::LlamaCpp => Some(Speed::LlamaCpp),
            ServingEngine::Transformers => Some(Speed::Transformers),
            _ => Some(Speed::Optimized),
        }
    }

    pub fn budget(self) -> Budget {
        match self {
            ServingEngine::Generic | ServingEngine::Vllm | ServingEngine::Tgi => Budget::OfTotal,
            ServingEngine::Sglang => Budget::Static,
            ServingEngine::TensorRtLlm => Budget::OfFree,
            ServingEngine::LlamaCpp | ServingEngine::Transformers => Budget::Exact,
        }
    }

    /// The fraction when the scenario sets none, on a GPU of `memory` bytes (when
    /// known) at tensor × pipeline parallel `tp` × `pp`.
    pub fn default_fraction(self, memory: Option<u64>, tp: u32, pp: u32) -> f64 {
        match self {
            ServingEngine::Generic | ServingEngine::LlamaCpp | ServingEngine::Transformers => 1.0,
            ServingEngine::Vllm | ServingEngine::TensorRtLlm | ServingEngine::Tgi => 0.9,
            ServingEngine::Sglang => memory.map_or(0.88, |m| sglang_fraction(m, tp, pp)),
        }
    }

    /// Tokens per forward pass when the scenario sets none: llama.cpp's
    /// `n_ubatch` (512, `common/common.h`), and 8,192 for the others (vLLM's
    /// `max_num_batched_tokens` with chunked prefill on an online server, and
    /// a bound for one prefill pass elsewhere).
    pub fn default_prefill_chunk(self) -> u64 {
        match self {
            ServingEngine::LlamaCpp => LLAMA_CPP_UBATCH,
            _ => 8_192,
        }
    }

    /// Runtime overhead per GPU when the scenario sets none, in bytes. vLLM:
    /// the non-torch memory its profiling run adds inside the budget (NCCL and
    /// custom all-reduce buffers, cuBLAS workspaces), [`VLLM_NON_TORCH`] by
    /// tensor parallel size; the CUDA context and CUDA graphs stay outside it.
    /// The others: 1 GiB for the CUDA context, library workspaces and buffers.
    pub fn default_overhead(self, tp: u32) -> u64 {
        match self {
            ServingEngine::Vllm => vllm_non_torch(tp, true),
            _ => super::memory::DEFAULT_RUNTIME_OVERHEAD,
        }
    }

    /// The engine's name for its fraction, for messages and notes.
    pub fn knob(self) -> &'static str {
        match self {
            ServingEngine::Generic => "the memory fraction",
            ServingEngine::Vllm => "gpu_memory_utilization",
            ServingEngine::Sglang => "mem_fraction_static",
            ServingEngine::TensorRtLlm => "free_gpu_memory_fraction",
            ServingEngine::Tgi => "cuda_memory_fraction × TGI_WIGGLE_ROOM",
            ServingEngine::LlamaCpp | ServingEngine::Transformers => "no fraction",
        }
    }

    /// Tokens the KV cache of one sequence is rounded up to (1: none): vLLM's
    /// 16-token blocks, TensorRT-LLM's 32, llama.cpp's context padded to 256 cells.
    pub fn block_tokens(self) -> u64 {
        match self {
            ServingEngine::Vllm => 16,
            ServingEngine::TensorRtLlm => 32,
            ServingEngine::LlamaCpp => 256,
            _ => 1,
        }
    }

    /// The rule, in a sentence, with the code or documentation it follows.
    pub fn rule(self) -> &'static str {
        match self {
            ServingEngine::Generic => {
                "Everything stays within this fraction of each GPU (1 = no cap)."
            }
            ServingEngine::Vllm => {
                "vLLM budgets gpu_memory_utilization × each GPU's total memory for weights, the activation peak of its profiling run, non-torch memory and the KV cache; the CUDA context and CUDA graphs live in the rest (vllm/worker/worker.py determine_num_available_blocks since v0.6.5, PR #10511; v1/worker/gpu_worker.py). The KV cache is kept in 16-token blocks."
            }
            ServingEngine::Sglang => {
                "SGLang keeps weights and the KV cache within mem_fraction_static × the memory free when the weights start loading (the GPU's memory less 0.4 GiB of CUDA context and process group, as its start-up logs show); activations and CUDA graphs must fit in the rest (model_runner.py profile_max_num_token). Without a fraction, headroom takes SGLang's own default (server_args.py, v0.5.3 to v0.5.7) for the memory per GPU given for the KV capacity and the tensor × pipeline size: (memory − reserved) ÷ memory with 512 MiB + 1.5 × the chunked prefill + 2 × the CUDA-graph batch + 128 MiB × TP × PP reserved, at least 10 GiB on GPUs over 60 GiB (0.835 on an 80 GB H100 at TP 1, 0.851 on a 48 GB L40S)."
            }
            ServingEngine::TensorRtLlm => {
                "TensorRT-LLM gives the KV cache free_gpu_memory_fraction (0.9) of the memory still free once weights, activations and runtime buffers are allocated (KvCacheConfig; docs 'Memory Usage of TensorRT-LLM'), in 32-token blocks (PyTorch backend)."
            }
            ServingEngine::Tgi => {
                "TGI sizes its KV cache from the memory free after the warm-up forward, less (1 − 0.9) of the GPU's total (TGI_WIGGLE_ROOM, flash_causal_lm.py warmup, v3)."
            }
            ServingEngine::LlamaCpp => {
                "llama.cpp allocates its model, KV and compute buffers exactly as asked, the KV cache padded to 256 cells; it keeps no fraction free (with --fit on it leaves 1 GiB, which the runtime overhead covers)."
            }
            ServingEngine::Transformers => {
                "Transformers and plain PyTorch allocate as they go: no fraction; the caching allocator's fragmentation is what the margin covers."
            }
        }
    }
}

/// SGLang's `mem_fraction_static` when none is given (python/sglang/srt/server_args.py,
/// v0.5.3 to v0.5.7): memory reserved outside the static pool, in MiB, of
/// 512 + 1.5 × max(chunked prefill, 2048) + 2 × cuda_graph_max_bs + 128 × TP × PP
/// — at least 10,240 on GPUs over 60 GiB —, the chunked prefill and the CUDA-graph
/// batch following the GPU's size; the fraction is (memory − reserved) ÷ memory,
/// rounded to 3 decimals. An 80 GB H100 (81,559 MiB) at TP 1 reserves 13,440 MiB: 0.835.
pub fn sglang_fraction(memory: u64, tp: u32, pp: u32) -> f64 {
    let gpu = memory as f64 / 1_048_576.0;
    if gpu.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return 0.88;
    }
    let wide = tp >= 4;
    let (chunk, graph_bs) = if gpu < 20.0 * 1024.0 {
        (2048.0, 8.0)
    } else if gpu < 35.0 * 1024.0 {
        (2048.0, if wide { 80.0 } else { 24.0 })
    } else if gpu < 60.0 * 1024.0 {
        (4096.0, if wide { 160.0 } else { 32.0 })
    } else if gpu < 160.0 * 1024.0 {
        (8192.0, if wide { 512.0 } else { 256.0 })
    } else {
        (16384.0, 512.0)
    };
    let mut reserved = 512.0
        + 1.5 * f64::max(chunk, 2048.0)
        + 2.0 * graph_bs
        + f64::from(tp.max(1)) * f64::from(pp.max(1)) / 8.0 * 1024.0;
    if gpu > 60.0 * 1024.0 {
        reserved = reserved.max(10.0 * 1024.0);
    }
    let f = ((gpu - reserved) / gpu * 1000.0).round() / 1000.0;
    // A GPU too small for the reserve: the smallest fraction SGLang accepts.
    f.clamp(0.05, 1.0)
}

/// What SGLang's process holds before it measures the memory its fraction is
/// of: the CUDA context and the process group, 0.4 GiB. SGLang takes
/// `mem_fraction_static` of the memory free when the weights start loading, and
/// gives the KV cache what is free after them less (1 − fraction) × that
/// (`model_runner.py`, `profile_max_num_token`). Its start-up logs: "Load weight
/// begin. avail mem=21.63 GB" on an L4 of 22.03 GiB at tensor parallel 4 (0.40
/// GiB taken; SGLang 0.4.3, didier-durand/llms-in-clouds docs/sglang.md), and
/// "avail mem=78.81 GB" on an 80 GB GPU (0.34 GiB of an A100's 79.15, 0.38 of an
/// H100's 79.19; the page does not say which: docs.sglang.ai/start/send_request,
/// January 2025). Both logs' KV caches follow the rule to the token.
pub const SGLANG_START_RESERVE: u64 = (1 << 30) * 2 / 5;

/// vLLM's non-torch memory inside its budget, by tensor parallel size (from
/// that size up): "non-torch forward increase memory" in 44 start-up logs of
/// vLLM 0.19.0 on H100 80GB (llm-d-incubation/llm-d-planner, accuracy/results/
/// v0.19.0/logs): 0.24–0.27 GiB at tensor parallel 1 (0.46 for Granite),
/// 2.06–2.11 GiB at 2 and 2.13–2.21 GiB at 4, where NCCL and custom all-reduce
/// buffers join. That is NVLink's figure: GPUs joined only by PCIe add about
/// what they add at tensor parallel 1 (0.25 GiB on two RTX 4090,
/// vllm-project/vllm#13061; 0.20 GiB on sixteen 24 GB cards, PR #14447), so
/// the default is the larger. The same logs put the CUDA context (0.51 GiB;
/// 1.53 with a process group) and CUDA graphs (0.51–1.85 GiB) outside the budget.
pub const VLLM_NON_TORCH: [(u32, u64); 3] = [
    (1, (1 << 30) / 4),
    (2, (1 << 30) * 21 / 10),
    (3, (1 << 30) * 22 / 10),
];

/// What vLLM holds outside its budget on each GPU, in bytes: the CUDA context
/// it finds in use before it measures, and its CUDA graphs. vLLM 0.19.0's
/// start-up logs on H100 80GB (the same llm-d-planner logs as
/// [`VLLM_NON_TORCH`]): "cuda_memory=0.51GiB" at tensor parallel 1 and 1.53 GiB
/// with a process group at 2 and 4; "CUDA graph pool memory" of 0.51–1.85 GiB
/// over 59 runs, about 0.3 GiB + 18 MiB per decoder layer on the GPU for dense
/// models (Llama-3.1-8B, 32 layers: 0.91 GiB; Llama-3.3-70B, 80 layers at
/// tensor parallel 2: 1.79 GiB; 8 layers per GPU at pipeline parallel 4: 0.51
/// GiB; a fit over 51 dense runs: 0.36 GiB + 16.4 MiB per layer, within 0.24
/// GiB of every run), more for most mixtures of experts: 0.93 GiB for
/// Mixtral-8x7B at tensor parallel 2 (this rule: 0.86), 1.10 for
/// Qwen1.5-MoE-A2.7B (0.72), 1.41 for Qwen3-30B-A3B (1.14), 1.57 for
/// DeepSeek-V2-Lite (0.77) — 20–48 MiB per layer, following neither the
/// number of experts nor the experts per token over seven such models, so no
/// rule of its own. `layers` are the decoder layers on the GPU. `nvlink_group`: the GPU is one of a tensor-parallel group joined
/// by NVLink, whose process group 0.19 counts in the context (1.53 GiB);
/// otherwise 0.51 GiB. GPUs joined only by PCIe open few NCCL channels: eight
/// L40S at tensor parallel 8 found 0.49 GiB in use before vLLM 0.10.2 measured
/// ("Free memory on device (43.93/44.42 GiB)"; four H100 in the same version,
/// 0.6 GiB). Returns (context, graphs).
pub fn vllm_outside(nvlink_group: bool, layers: u32) -> (u64, u64) {
    const MIB: u64 = 1 << 20;
    let context = if nvlink_group { 1_567 * MIB } else { 522 * MIB };
    let graphs = 307 * MIB + 18 * MIB * u64::from(layers);
    (context, graphs)
}

/// vLLM's non-torch memory per GPU at tensor parallel `tp`, its GPUs joined by
/// NVLink or not: [`VLLM_NON_TORCH`] over NVLink (and alone),
/// [`VLLM_NON_TORCH_PCIE`] over PCIe.
pub fn vllm_non_torch(tp: u32, nvlink: bool) -> u64 {
    if tp >= 2 && !nvlink {
        return VLLM_NON_TORCH_PCIE;
    }
    let (_, bytes) = VLLM_NON_TORCH
        .iter()
        .rev()
        .find(|(from, _)| tp >= *from)
        .copied()
        .unwrap_or(VLLM_NON_TORCH[0]);
    bytes
}

/// vLLM's non-torch memory per GPU when tensor parallelism runs over PCIe:
/// about what one GPU adds alone, plus 0.05 GiB. Logs of PCIe-only splits
/// print 0.09–0.25 GiB: 0.25 on two RTX 4090 (vllm-project/vllm#13061), 0.20
/// on sixteen 24 GB cards (PR #14447), 0.17–0.21 on eight L40S (vLLM 0.10.2,
/// custom all-reduce off "on more than two PCIe-only GPUs"), 0.09 on four A30
/// bridged in pairs (#29070). Without NVLink there is no custom all-reduce
/// buffer and NCCL opens few channels.
pub const VLLM_NON_TORCH_PCIE: u64 = 300 << 20;

/// llama.cpp's default physical batch (`n_ubatch`): the tokens of one forward
/// pass, which size its compute buffer.
pub const LLAMA_CPP_UBATCH: u64 = 512;

/// A fraction as the rules use it: in (0, 1], anything else taken as 1.
fn fraction(u: f64) -> f64 {
    if u.is_finite() && u > 0.0 {
        u.min(1.0)
    } else {
        1.0
    }
}

/// The memory one GPU must have for `used` bytes of which `kv` are the KV cache
/// and `weights` the weights, under `budget` at fraction `u`, when the engine
/// also holds `outside` bytes beyond its fraction (vLLM's CUDA context and
/// graphs, [`vllm_outside`]; 0 for the others): the share it leaves free,
/// (1 − `u`) of the GPU, must hold them.
pub fn needed(budget: Budget, u: f64, used: u64, kv: u64, weights: u64, outside: u64) -> f64 {
    let u = fraction(u);
    let used = used as f64;
    match budget {
        Budget::OfTotal => (used / u).max(least_for_outside(u, outside)),
        Budget::Static => ((weights + kv) as f64 / u + SGLANG_START_RESERVE as f64).max(used),
        Budget::OfFree => used + kv as f64 * (1.0 / u - 1.0),
        Budget::Exact => used,
    }
}

/// The least memory a GPU needs for `outside` bytes to fit in the (1 − `u`) of
/// it the engine leaves free; 0 when nothing lies outside, and the bytes
/// themselves at a fraction of 1 (where nothing is left: the report says so).
pub fn least_for_outside(u: f64, outside: u64) -> f64 {
    let u = fraction(u);
    if outside == 0 {
        0.0
    } else if u < 1.0 {
        // 1 − 0.9 is 0.09999999999999998 in binary; the fraction as typed has
        // few decimals, so its complement is rounded to nine.
        outside as f64 / (((1.0 - u) * 1e9).round() / 1e9)
    } else {
        outside as f64
    }
}

/// Bytes of KV cache the engine allocates on a GPU of `memory` bytes, when the
/// rest of what it holds is `other` bytes (weights among them).
pub fn kv_capacity(budget: Budget, u: f64, memory: u64, other: u64, weights: u64) -> u64 {
    let u = fraction(u);
    let m = memory as f64;
    let bytes = match budget {
        Budget::OfTotal => m * u - other as f64,
        Budget::Static => {
            ((m - SGLANG_START_RESERVE as f64) * u - weights as f64).min(m - other as f64)
        }
        Budget::OfFree => u * (m - other as f64),
        Budget::Exact => m - other as f64,
    };
    if bytes > 0.0 { bytes.floor() as u64 } else { 0 }
}

#[cfg(test)]
mod tests {
    /// SGLang's default on the GPUs of its own tiers: nvidia-smi's MiB of an H100
    /// (81,559), an L4 (23,030), an L40S (46,068) and an H200 (143,771).
    #[test]
    fn sglangs_default_follows_the_gpus_size() {
        let mib = |m: u64| m * 1_048_576;
        for (memory, tp, fraction) in [
            (81_559, 1, 0.835),
            (81_559, 2, 0.834),
            (81_559, 4, 0.824),
            (81_559, 8, 0.818),
            (23_030, 1, 0.837),
            (46_068, 1, 0.851),
            (143_771, 8, 0.897),
        ] {
            assert_eq!(
                super::sglang_fraction(mib(memory), tp, 1),
                fraction,
                "{memory} MiB, TP {tp}"
            );
        }
        assert_eq!(ServingEngine::Sglang.default_fraction(None, 1, 1), 0.88);
        assert_eq!(super::sglang_fraction(0, 1, 1), 0.88);
        assert_eq!(super::sglang_fraction(mib(1_024), 8, 1), 0.05);
        assert_eq!(
            ServingEngine::Vllm.default_fraction(Some(mib(81_559)), 1, 1),
            0.9
        );
    }

    use super::*;

    /// vLLM 0.19.0's "non-torch forward increase memory" for Llama-3.1-8B on
    /// H100 80GB (llm-d-planner's logs): 0.25 GiB at tensor parallel 1, 2.07 at
    /// 2, 2.13 at 4; the other engines keep 1 GiB, llama.cpp a 512-token batch.
    #[test]
    fn default_overheads_and_batches_follow_the_engine() {
        const G: u64 = 1 << 30;
        let vllm = ServingEngine::Vllm;
        assert_eq!(vllm.default_overhead(1), G / 4);
        assert_eq!(vllm.default_overhead(2), G * 21 / 10);
        assert_eq!(vllm.default_overhead(4), G * 22 / 10);
        assert_eq!(vllm.default_overhead(8), G * 22 / 10);
        // Over PCIe a split adds little to what one GPU holds.
        assert_eq!(vllm_non_torch(1, false), G / 4);
        assert_eq!(vllm_non_torch(2, false), 300 << 20);
        assert_eq!(vllm_non_torch(8, false), 300 << 20);
        assert_eq!(vllm_non_torch(2, true), G * 21 / 10);
        for e in ServingEngine::ALL.into_iter().filter(|e| *e != vllm) {
            assert_eq!(e.default_overhead(1), G);
            assert_eq!(e.default_overhead(4), G);
        }
        assert_eq!(ServingEngine::LlamaCpp.default_prefill_chunk(), 512);
        assert_eq!(vllm.default_prefill_chunk(), 8_192);
    }

    #[test]
    fn each_rule_gives_back_what_it_asked() {
        const G: u64 = 1 << 30;
        let g = G as f64;
        // (rule, fraction, used, KV cache, weights) → memory needed, in GiB:
        // vLLM at 0.9: 36 used needs 40; TensorRT-LLM at 0.9: 9 of KV takes 10 of
        // free memory; SGLang at 0.88: weights + KV = 22 needs 25 + the 0.4 held
        // before it measures; exact: as used.
        let needs = [
            (Budget::OfTotal, 0.9, 36, 10, 16, 40.0),
            (Budget::OfFree, 0.9, 30, 9, 16, 31.0),
            (Budget::Static, 0.88, 23, 6, 16, 22.0 / 0.88 + 0.4),
            (Budget::Exact, 0.5, 23, 6, 16, 23.0),
        ];
        for (rule, u, used, kv, w, want) in needs {
            // Within a byte: the reserve is 0.4 GiB rounded down to whole bytes.
            let got = needed(rule, u, used * G, kv * G, w * G, 0);
            assert!(
                (got - want * g).abs() < 1.0,
                "{rule:?}: {got} B, not {} B",
                want * g
            );
        }
        // What vLLM holds beyond its fraction must fit in the tenth it leaves:
        // 9 GiB at 0.9 needs 10 GiB, but 1.5 GiB beside the budget needs 15.
        assert_eq!(needed(Budget::OfTotal, 0.9, 9 * G, 0, 0, G / 2), 10.0 * g);
        assert!((needed(Budget::OfTotal, 0.9, 9 * G, 0, 0, 3 * G / 2) - 15.0 * g).abs() < 1024.0);
        // (rule, fraction, memory, the rest, weights) → KV capacity in GiB: a
        // 40 GiB GPU under vLLM holding 26 of other memory keeps 40 × 0.9 − 26.
        let capacities = [
            (Budget::OfTotal, 0.9, 40, 26, 16, 10),
            (Budget::OfFree, 0.9, 31, 21, 16, 9),
        ];
        for (rule, u, memory, other, w, want) in capacities {
            assert_eq!(kv_capacity(rule, u, memory * G, other * G, w * G), want * G);
        }
        // SGLang's log on 4 × L4 (QwQ-32B, 0.85): 21.63 GiB free at start, 15.54
        // of weights, "KV Cache is allocated. #tokens: 46611" of 64 KiB each.
        let mib = |x: f64| (x * 1_048_576.0) as u64;
        let kv = kv_capacity(
            Budget::Static,
            0.85,
            mib(22.03 * 1024.0),
            0,
            mib(15.54 * 1024.0),
        );
        assert_eq!(kv / 65_536, 46_620);
        for e in ServingEngine::ALL {
            assert_eq!(ServingEngine::from_id(e.id()), Some(e));
        }
    }
}
