//! Inference memory of a transformer, term by term: weights, KV cache, the
//! activation workspace of one forward pass, runtime overhead, and the memory a
//! serving engine keeps free. Plus the reverse questions: the longest context or
//! the most concurrent sequences that fit in a given memory.

use serde::{Deserialize, Serialize};

use super::arch::{Architecture, ModelKind, ParamCount};
use super::engine::{self, Budget};
use super::quant::{KvFormat, WeightFormat, weight_bytes};
use crate::units::{count, group_digits as g};

pub const MIB: u64 = 1_048_576;
pub const GIB: u64 = 1_073_741_824;

/// Most sequences (batch or concurrent users) accepted.
pub const MAX_SEQUENCES: u64 = 1_048_576;
/// Longest context accepted, in tokens.
pub const MAX_CONTEXT: u64 = 16_777_216;
/// Largest tensor-parallel size accepted.
pub const MAX_TP: u32 = 64;

/// The kinds of memory a transformer workload uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    Weights,
    /// Frozen base weights of a LoRA/QLoRA fine-tune.
    FrozenWeights,
    /// LoRA adapter weights.
    Adapters,
    Gradients,
    MasterWeights,
    OptimizerState,
    KvCache,
    Activations,
    Logits,
    RuntimeOverhead,
    EngineReserve,
}

impl TermKind {
    pub const ALL: [TermKind; 11] = [
        TermKind::Weights,
        TermKind::FrozenWeights,
        TermKind::Adapters,
        TermKind::Gradients,
        TermKind::MasterWeights,
        TermKind::OptimizerState,
        TermKind::KvCache,
        TermKind::Activations,
        TermKind::Logits,
        TermKind::RuntimeOverhead,
        TermKind::EngineReserve,
    ];

    pub fn id(self) -> &'static str {
        match self {
            TermKind::Weights => "weights",
            TermKind::FrozenWeights => "frozen_weights",
            TermKind::Adapters => "adapters",
            TermKind::Gradients => "gradients",
            TermKind::MasterWeights => "master_weights",
            TermKind::OptimizerState => "optimizer_state",
            TermKind::KvCache => "kv_cache",
            TermKind::Activations => "activations",
            TermKind::Logits => "logits",
            TermKind::RuntimeOverhead => "runtime_overhead",
            TermKind::EngineReserve => "engine_reserve",
        }
    }
}

/// One line of a transformer's breakdown.
pub type Term = crate::term::Term<TermKind>;

impl crate::term::Kind for TermKind {
    fn id(self) -> &'static str {
        TermKind::id(self)
    }
}

/// Memory of one workload on one GPU.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub terms: Vec<Term>,
    pub total: u64,
    pub low: u64,
    pub high: u64,
    /// GPUs one copy of the model is spread over (tensor × pipeline parallel);
    /// every figure is per GPU.
    pub gpus_per_copy: u32,
    pub warnings: Vec<String>,
    /// Bytes per GPU the engine keeps in host memory instead (not in the
    /// total), and what they are; 0 and empty when nothing is.
    pub host: u64,
    pub host_note: String,
    /// The least memory any GPU of a split must have, whatever its share: what
    /// the engine's fraction leaves free must hold vLLM's CUDA context and
    /// graphs. 0 for other engines.
    pub min_gpu: u64,
    /// vLLM's memory outside the model, for the fit engine's splits.
    pub vllm: Option<crate::catalog::VllmSplit>,
}

impl Estimate {
    pub(crate) fn from_terms(
        terms: Vec<Term>,
        gpus_per_copy: u32,
        warnings: Vec<String>,
    ) -> Estimate {
        let sum = |f: fn(&Term) -> u64| terms.iter().map(f).fold(0u64, u64::saturating_add);
        Estimate {
            total: sum(|t| t.bytes),
            low: sum(|t| t.low),
            high: sum(|t| t.high),
            terms,
            gpus_per_copy,
            warnings,
            host: 0,
            host_note: String::new(),
            min_gpu: 0,
            vllm: None,
        }
    }

    /// The same estimate with `bytes` per GPU in host memory, described by `note`.
    pub(crate) fn with_host(mut self, bytes: u64, note: String) -> Estimate {
        self.host = bytes;
        self.host_note = if bytes > 0 { note } else { String::new() };
        self
    }

    pub fn term(&self, kind: TermKind) -> Option<&Term> {
        self.terms.iter().find(|t| t.kind == kind)
    }

    pub fn bytes(&self, kind: TermKind) -> u64 {
        self.term(kind).map_or(0, |t| t.bytes)
    }

    /// What one GPU must hold, for the fit engine: the per-GPU total, of which the
    /// runtime overhead is needed again on every GPU of a split, the KV cache
    /// splits by key/value heads and the engine's reserve follows each GPU's share.
    /// The heads are set by the caller, who knows the architecture.
    pub fn demand(&self) -> crate::catalog::Demand {
        crate::catalog::Demand {
            total: self.total,
            replicated: self.bytes(TermKind::RuntimeOverhead),
            reserve: self.bytes(TermKind::EngineReserve),
            kv: self.bytes(TermKind::KvCache),
            heads: None,
            min_gpu: self.min_gpu,
            vllm: self.vllm,
            copy_gpus: self.gpus_per_copy.max(1),
            batch: 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum EstimateError {
    #[error("{field}: {message}")]
    Field { field: String, message: String },
    #[error("the result exceeds 16 EiB; reduce the batch, context or model size")]
    TooLarge,
}

fn field_error(field: &str, message: String) -> EstimateError {
    EstimateError::Field {
        field: field.to_string(),
        message,
    }
}

/// How the model is served.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InferenceWorkload {
    pub weights: WeightFormat,
    /// Quantize the embeddings and output head too (non-GGUF quantized formats).
    pub quantize_embeddings: bool,
    pub kv: KvFormat,
    /// Sequences in flight: the batch, or the concurrent users.
    pub sequences: u64,
    /// Tokens per sequence held in the cache: prompt + generated.
    pub context: u64,
    /// Tokens processed in one forward pass (chunked prefill budget).
    pub prefill_chunk: u64,
    /// Attention without materialising the score matrix (FlashAttention, SDPA).
    pub flash_attention: bool,
    /// Local layers keep only their window of keys and values.
    pub window_cache: bool,
    pub tensor_parallel: u32,
    /// CUDA context, libraries, CUDA graphs, communication buffers: bytes per GPU.
    pub runtime_overhead: u64,
    /// The serving engine, whose budget rule and KV rounding apply.
    pub engine: super::ServingEngine,
    /// The engine's memory fraction (vLLM `gpu_memory_utilization`, SGLang
    /// `mem_fraction_static`, TensorRT-LLM `free_gpu_memory_fraction`); 1 = none.
    pub memory_utilization: f64,
    /// Bytes of weights per GPU after a compression recipe (pruned, stored
    /// sparse or quantized: `compress::weights_per_gpu`), which the weights term
    /// and the engine's budget then count; `None`: the model's in `weights`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compressed_weights: Option<u64>,
}

impl Default for InferenceWorkload {
    fn default() -> InferenceWorkload {
        InferenceWorkload {
            weights: WeightFormat::Bf16,
            quantize_embeddings: false,
            kv: KvFormat::Bf16,
            sequences: 1,
            context: 4_096,
            prefill_chunk: super::ServingEngine::Generic.default_prefill_chunk(),
            flash_attention: true,
            window_cache: true,
            tensor_parallel: 1,
            runtime_overhead: DEFAULT_RUNTIME_OVERHEAD,
            engine: super::ServingEngine::Generic,
            memory_utilization: 1.0,
            compressed_weights: None,
        }
    }
}

/// 1 GiB per GPU: CUDA context, cuBLAS/cuDNN workspaces and the serving engine's
/// own buffers. PyTorch's CUDA context alone takes 300 MiB–2 GiB depending on the
/// GPU and libraries (furiousteabag/vram-calculator); vLLM measured 1.79 GiB of
/// non-torch memory, CUDA graphs included, for Llama-3-8B on one H100 (vLLM PR #10511).
pub const DEFAULT_RUNTIME_OVERHEAD: u64 = GIB;

pub(crate) fn to_bytes(v: f64) -> Result<u64, EstimateError> {
    if (0.0..1.8e19).contains(&v) {
        Ok(v.ceil() as u64)
    } else {
        Err(EstimateError::TooLarge)
    }
}

fn add(a: u64, b: u64) -> Result<u64, EstimateError> {
    a.checked_add(b).ok_or(EstimateError::TooLarge)
}

fn mul(a: u64, b: u64) -> Result<u64, EstimateError> {
    a.checked_mul(b).ok_or(EstimateError::TooLarge)
}

/// KV-cache values per token in one decoder layer on one GPU (keys and values).
pub fn kv_values_per_token_layer(arch: &Architecture, tp: u32) -> u64 {
    match &arch.mla {
        // The compressed latent and the shared rotary key: vLLM caches only these,
        // once per GPU (not split by tensor parallelism).
        Some(m) => m.kv_lora_rank + m.qk_rope_head_dim,
        None => {
            let heads = u64::from(arch.kv_heads).div_ceil(u64::from(tp.max(1)));
            2 * heads * arch.head_dim
        }
    }
}

/// KV-cache bytes for one token across all layers, at full context (no window).
pub fn kv_bytes_per_token(arch: &Architecture, kv: KvFormat, tp: u32) -> u64 {
    if !arch.kind.generates() {
        return 0;
    }
    let per_layer = kv_values_per_token_layer(arch, tp);
    u64::from(arch.layers) * kv.bits().bytes(per_layer)
}

/// KV-cache bytes of one sequence of `context` tokens, and the formula.
fn kv_per_sequence(
    arch: &Architecture,
    w: &InferenceWorkload,
) -> Result<(u64, String), EstimateError> {
    let per_layer_values = kv_values_per_token_layer(arch, w.tensor_parallel);
    let per_token_layer = w.kv.bits().bytes(per_layer_values);
    let layers = u64::from(arch.layers);
    let window = arch.window.filter(|_| w.window_cache);
    let local = (0..arch.layers)
        .filter(|i| window.is_some() && arch.is_local_layer(*i))
        .count() as u64;
    let global = layers - local;
    let local_tokens = window.map_or(w.context, |win| win.size.min(w.context));
    let mut bytes = add(
        mul(mul(global, per_token_layer)?, w.context)?,
        mul(mul(local, per_token_layer)?, local_tokens)?,
    )?;
    let what = match &arch.mla {
        Some(m) => format!(
            "(kv_lora_rank {} + rope dim {}) × {}",
            m.kv_lora_rank,
            m.qk_rope_head_dim,
            w.kv.label()
        ),
        None => format!(
            "2 × {} KV heads{} × {} head dim × {}",
            u64::from(arch.kv_heads).div_ceil(u64::from(w.tensor_parallel)),
            if w.tensor_parallel > 1 {
                " per GPU"
            } else {
                ""
            },
            arch.head_dim,
            w.kv.label()
        ),
    };
    let mut formula = if local > 0 {
        format!(
            "{what} = {} B per token per layer; {global} global layers × {} tokens + {local} sliding-window layers × {} tokens",
            g(per_token_layer),
            g(w.context),
            g(local_tokens)
        )
    } else {
        format!(
            "{what} = {} B per token per layer × {layers} layers × {} tokens",
            g(per_token_layer),
            g(w.context)
        )
    };
    if arch.kind == ModelKind::EncoderDecoder {
        // Cross-attention keys and values of the encoder output, one set per decoder layer.
        let cross = mul(mul(layers, per_token_layer)?, w.context)?;
        bytes = add(bytes, cross)?;
        formula.push_str(&format!(
            " (self-attention) + the same for {} encoder tokens (cross-attention)",
            g(w.context)
        ));
    }
    Ok((bytes, formula))
}

/// Tokens one sequence holds, for encoders (which see the whole input at once).
fn encoder_tokens(arch: &Architecture, w: &InferenceWorkload) -> u64 {
    arch.vision.map_or(w.context, |v| v.tokens())
}

/// Widest per-token intermediate of any block: QKV or FFN, on one GPU.
fn widest_intermediate(arch: &Architecture, tp: u64) -> u64 {
    widest(arch, tp, false)
}

/// What the widest block keeps alive at once per token, on one GPU: its
/// projection's output beside what is made of it — the FFN's (gate and) up
/// output beside its activated half (SiLU-and-mul) or its GELU output, the QKV
/// beside the attention's output.
fn widest_live(arch: &Architecture, tp: u64) -> u64 {
    widest(arch, tp, true)
}

fn widest(arch: &Architecture, tp: u64, live: bool) -> u64 {
    let ffn_out = |inner: u64| {
        let out = match arch.ffn_kind {
            super::arch::FfnKind::Plain => inner,
            super::arch::FfnKind::Gated => 2 * inner,
        };
        if live { out + inner } else { out }
    };
    let qkv = match &arch.mla {
        Some(m) => arch.q_dim() + u64::from(arch.heads) * (m.qk_nope_head_dim + m.v_head_dim),
        None => arch.q_dim() + 2 * arch.kv_dim(),
    };
    let qkv = if live { qkv + arch.q_dim() } else { qkv };
    let dense = ffn_out(arch.ffn);
    let moe = arch.moe.map_or(0, |m| {
        (u64::from(m.experts_per_token) + u64::from(m.shared_experts)) * ffn_out(m.expert_ffn)
    });
    let ffn = if arch.moe.is_some_and(|m| m.first_dense_layers == 0) {
        moe
    } else {
        dense.max(moe)
    };
    qkv.max(ffn).div_ceil(tp)
}

/// Peak activation workspace of one forward pass, with its formula.
fn activations(arch: &Architecture, w: &InferenceWorkload) -> Result<(u64, String), EstimateError> {
    let tp = u64::from(w.tensor_parallel.max(1));
    let act = w.weights.compute_precision();
    let act_bytes = f64::from(act.storage_bits()) / 8.0;
    let (tokens, kv_len, token_note) = if arch.kind.generates() {
        // vLLM sizes its memory on a profiling pass of max_num_seqs sequences
        // (the sampler term's count): at least its default, whatever is asked.
        let (seqs, of) = if w.engine == engine::ServingEngine::Vllm {
            (
                w.sequences.max(VLLM_PROFILE_SEQUENCES),
                format!(
                    "{} sequences (max_num_seqs: the sequences asked, at least vLLM's default {})",
                    g(w.sequences.max(VLLM_PROFILE_SEQUENCES)),
                    VLLM_PROFILE_SEQUENCES
                ),
            )
        } else {
            (w.sequences, count(w.sequences, "sequence", "sequences"))
        };
        let all = seqs.saturating_mul(w.context);
        let t = all.min(w.prefill_chunk);
        (
            t,
            w.context,
            format!(
                "{} tokens per forward pass (min of {of} × {} context and the {} prefill budget)",
                g(t),
                g(w.context),
                g(w.prefill_chunk)
            ),
        )
    } else {
        let s = encoder_tokens(arch, w);
        let t = w.sequences.saturating_mul(s);
        (
            t,
            s,
            format!(
                "{} tokens ({} × {} tokens)",
                g(t),
                count(w.sequences, "sequence", "sequences"),
                g(s)
            ),
        )
    };
    let widest = widest_live(arch, tp);
    let width = 2 * arch.hidden + widest;
    let live = tokens as f64 * width as f64 * act_bytes;
    let mut formula = format!(
        "{token_note} × (2 × {} hidden + {} in the widest block: its projection's output and its activation{}) × {} B ({})",
        g(arch.hidden),
        g(widest),
        if tp > 1 { " per GPU" } else { "" },
        act_bytes,
        act.name()
    );
    let mut total = live;
    if !w.flash_attention {
        let heads = u64::from(arch.heads).div_ceil(tp);
        let scores = tokens as f64 * kv_len as f64 * heads as f64 * 4.0;
        total += scores;
        formula.push_str(&format!(
            " + attention scores {} heads × {} queries × {} keys × 4 B (FP32 softmax)",
            heads,
            g(tokens),
            g(kv_len)
        ));
    }
    Ok((to_bytes(total)?, formula))
}

fn logits(arch: &Architecture, w: &InferenceWorkload) -> (u64, String) {
    if !arch.kind.generates() {
        let labels = arch.classifier_labels;
        let b = w.sequences.saturating_mul(labels).saturating_mul(4);
        return (
            b,
            format!(
                "{} × {} labels × 4 B",
                count(w.sequences, "sequence", "sequences"),
                g(labels)
            ),
        );
    }
    let tp = u64::from(w.tensor_parallel.max(1));
    let vocab = arch.vocab.div_ceil(tp);
    let b = w.sequences.saturating_mul(vocab).saturating_mul(4);
    (
        b,
        format!(
            "{} × {} vocabulary{} × 4 B (FP32 logits of the last position, for sampling)",
            count(w.sequences, "sequence", "sequences"),
            g(vocab),
            if tp > 1 { " per GPU" } else { "" }
        ),
    )
}

/// Requests vLLM's profiling run samples for when none are given: its default
/// `max_num_seqs` (256; 1,024 only on large GPUs under `vllm serve`, which a
/// scenario states as its sequences).
pub const VLLM_PROFILE_SEQUENCES: u64 = 256;

/// Bytes per vocabulary entry of each request in vLLM's sampler run: FP32
/// logits, their sorted FP32 copy and the int64 indices of the sort (top-k / top-p).
pub const VLLM_SAMPLER_BYTES: u64 = 16;

/// vLLM's dummy sampler run, for models that generate: `max(sequences, 256)`
/// requests × the whole vocabulary × 16 B, with its formula; `None` for other engines.
fn vllm_sampler(
    arch: &Architecture,
    w: &InferenceWorkload,
) -> Result<Option<(u64, String)>, EstimateError> {
    if w.engine != engine::ServingEngine::Vllm || !arch.kind.generates() {
        return Ok(None);
    }
    let requests = w.sequences.max(VLLM_PROFILE_SEQUENCES);
    let bytes = mul(mul(requests, arch.vocab)?, VLLM_SAMPLER_BYTES)?;
    Ok(Some((
        bytes,
        format!(
            "{} requests (max_num_seqs: the sequences asked, at least vLLM's default {}) × {} vocabulary × {} B (FP32 logits, their sorted copy, int64 sort indices)",
            g(requests),
            VLLM_PROFILE_SEQUENCES,
            g(arch.vocab),
            VLLM_SAMPLER_BYTES
        ),
    )))
}

/// Checks a workload against an architecture; every problem names its field.
pub fn check_inference(arch: &Architecture, w: &InferenceWorkload) -> Vec<EstimateError> {
    let mut errors = Vec::new();
    let mut range = |field: &str, v: u64, max: u64| {
        if v == 0 || v > max {
            errors.push(field_error(
                field,
                format!("must be between 1 and {}, not {}", g(max), g(v)),
            ));
        }
    };
    range("sequences", w.sequences, MAX_SEQUENCES);
    range("context", w.context, MAX_CONTEXT);
    range("prefill_chunk", w.prefill_chunk, MAX_CONTEXT);
    range("tensor_parallel", w.tensor_parallel.into(), MAX_TP.into());
    if let Some(message) = arch.tensor_parallel_problem(w.tensor_parallel) {
        errors.push(field_error("tensor_parallel", message));
    }
    if !(w.memory_utilization.is_finite()
        && w.memory_utilization >= 0.05
        && w.memory_utilization <= 1.0)
    {
        errors.push(field_error(
            "memory_utilization",
            "must be between 0.05 and 1".to_string(),
        ));
    }
    errors
}

/// Inference memory per GPU.
pub fn inference(
    arch: &Architecture,
    params: &ParamCount,
    w: &InferenceWorkload,
) -> Result<Estimate, EstimateError> {
    if let Some(e) = check_inference(arch, w).into_iter().next() {
        return Err(e);
    }
    let tp = w.tensor_parallel.max(1);
    let mut warnings = Vec::new();
    let mut terms = Vec::new();

    let wb = weight_bytes(params, w.weights, w.quantize_embeddings);
    let llama_cpp = w.engine == engine::ServingEngine::LlamaCpp;
    // llama.cpp keeps the input layer, the token embedding, in host memory; a
    // tied head is loaded again on the GPU as the output layer, so only an
    // untied model's embedding leaves the GPU.
    let host_embedding = if llama_cpp && params.output_head > 0 && params.token_embedding > 0 {
        let without = ParamCount {
            token_embedding: 0,
            total: params.total - params.token_embedding,
            ..params.clone()
        };
        wb.bytes
            .saturating_sub(weight_bytes(&without, w.weights, w.quantize_embeddings).bytes)
    } else {
        0
    };
    let on_gpus = wb.bytes - host_embedding;
    let per_gpu = on_gpus.div_ceil(u64::from(tp));
    let mut formula = wb.formula.clone();
    if host_embedding > 0 {
        formula = format!(
            "{formula} − token embedding {} B in host memory = {} B",
            g(host_embedding),
            g(on_gpus)
        );
    }
    if tp > 1 {
        formula = format!("({formula}) ÷ {tp} GPUs = {} B", g(per_gpu));
    }
    // A compression recipe's weights: its own formula replaces this one
    // (`compress::transformer`).
    let (per_gpu, formula) = match w.compressed_weights {
        Some(bytes) => (bytes, format!("compressed: {} B", g(bytes))),
        None => (per_gpu, formula),
    };
    let weight_band = if w.weights.is_gguf() { 1.02 } else { 1.005 };
    let mut note = w.weights.note().to_string();
    if llama_cpp {
        note.push_str(LLAMA_CPP_INPUT_LAYER);
    }
    terms.push(
        Term::new(TermKind::Weights, "Weights", per_gpu, formula, note).band(1.0, weight_band),
    );

    // Encoders too: BERT's 512 learned positions end where its table does.
    if arch.kind != ModelKind::Vision && w.context > arch.max_positions {
        warnings.push(format!(
            "The context of {} tokens is longer than the {} positions the model was trained for.",
            g(w.context),
            g(arch.max_positions)
        ));
    }
    if arch.kind.generates() {
        // The engine keeps each sequence's cache in whole blocks.
        let block = w.engine.block_tokens();
        let cached = InferenceWorkload {
            context: w.context.div_ceil(block).saturating_mul(block),
            ..w.clone()
        };
        let (per_seq, formula) = kv_per_sequence(arch, &cached)?;
        let kv = mul(per_seq, w.sequences)?;
        let rounding = if block > 1 && cached.context != w.context {
            format!(
                " ({} tokens rounded up to {}-token blocks)",
                g(w.context),
                block
            )
        } else {
            String::new()
        };
        let paged_high = if block > 1 {
            1.0
        } else {
            w.context.div_ceil(16) as f64 * 16.0 / w.context.max(1) as f64
        };
        let paging = if block > 1 {
            format!(
                "{} keeps each sequence in {block}-token blocks.",
                w.engine.label()
            )
        } else {
            "Paged engines round each sequence up to their blocks (16 tokens in vLLM: upper band)."
                .to_string()
        };
        let note = if arch.mla.is_some() {
            format!(
                "Multi-head latent attention caches one compressed latent per token and layer, shared by all heads (vLLM, SGLang). {paging}"
            )
        } else {
            format!(
                "2 (keys and values) × layers × KV heads × head dim × bytes × tokens: grouped-query attention caches only the KV heads. {paging}"
            )
        };
        terms.push(
            Term::new(
                TermKind::KvCache,
                "KV cache",
                kv,
                format!(
                    "{} × ({formula}){rounding} = {} B",
                    count(w.sequences, "sequence", "sequences"),
                    g(kv)
                ),
                note,
            )
            .band(1.0, paged_high),
        );
        if arch.window.is_some() && !w.window_cache {
            warnings.push(
                "Sliding-window layers are cached at full context: the engine does not free keys outside the window.".to_string(),
            );
        }
    }

    let (act, formula) = activations(arch, w)?;
    let sampler = vllm_sampler(arch, w)?;
    let compute = if llama_cpp {
        Some(llama_cpp_compute(arch, w)?)
    } else {
        None
    };
    match (&sampler, &compute) {
        (_, Some((bytes, formula))) => terms.push(
            Term::new(
                TermKind::Activations,
                "Compute buffer (llama.cpp)",
                *bytes,
                formula.clone(),
                LLAMA_CPP_COMPUTE,
            )
            .band(0.8, 1.5),
        ),
        (Some((s, s_formula)), None) => terms.push(
            Term::new(
                TermKind::Activations,
                "Activation peak (vLLM's profiling run)",
                act.max(*s),
                format!("max(forward: {formula} = {} B; sampler: {s_formula} = {} B)", g(act), g(*s)),
                "vLLM budgets the peak of its profiling run: a forward pass over the batched-token budget, then, once its intermediates are freed, a sampler run on max_num_seqs dummy requests over the whole vocabulary (v1/worker/gpu_model_runner.py profile_run and _dummy_sampler_run; rank 0 gathers the logits, and vLLM takes the smallest KV room of all ranks). Measured 'torch peak memory increase' on an H100 with 1,024 requests: 1.89 GiB for Llama-3.1-8B and 2.21 GiB for Qwen2.5-7B at tensor parallel 1, 2 and 4 alike (this formula: 1.96 and 2.32 GiB).",
            )
            .band(0.8, 1.25),
        ),
        (None, None) => terms.push(
            Term::new(
                TermKind::Activations,
                "Activation workspace",
                act,
                formula,
                "The largest intermediates alive at once in one forward pass: the residual stream, the normalised input, and the widest block's projection output beside its activation (a gated FFN's gate-and-up output and its activated half; for a mixture of experts, per expert chosen). Engines keep more (fused kernels' workspaces, CUDA-graph pools), hence a wide band: vLLM measured a 1.26 GiB peak for Llama-3-8B (PR #10511), 1.6× this formula's 0.84 GB at an 8,192-token prefill, and 0.77 GiB for CodeLlama-7B (vLLM 0.19), 1.2× its 0.68 GB.",
            )
            .band(0.5, 3.0),
        ),
    }
    let (lg, formula) = logits(arch, w);
    // vLLM's sampler run already holds the logits of more requests than these;
    // llama.cpp's compute buffer holds them, and copies them to host memory.
    if lg > 0 && sampler.is_none() && compute.is_none() {
        terms.push(
            Term::new(
                TermKind::Logits,
                "Logits",
                lg,
                formula,
                "Output scores for the next token of every sequence, in FP32.",
            )
            .band(1.0, 2.0),
        );
    }
    let vllm = w.engine == engine::ServingEngine::Vllm;
    let origin = if w.runtime_overhead == w.engine.default_overhead(tp) {
        if vllm {
            format!("vLLM's non-torch memory at tensor parallel {tp}")
        } else {
            "the default".to_string()
        }
    } else {
        "as set".to_string()
    };
    terms.push(
        Term::new(
            TermKind::RuntimeOverhead,
            if vllm { "Non-torch memory (vLLM)" } else { "Runtime overhead" },
            w.runtime_overhead,
            format!("{} B per GPU, {origin}", g(w.runtime_overhead)),
            if vllm {
                "vLLM counts in its budget the memory that grows outside PyTorch while it profiles: NCCL and custom all-reduce buffers, cuBLAS workspaces. 44 start-up logs of vLLM 0.19 on H100 80GB print 0.24–0.27 GiB at tensor parallel 1 and 2.06–2.21 GiB at 2 and 4 (llm-d-planner accuracy logs); GPUs joined only by PCIe add about what they add at tensor parallel 1 (0.25 GiB on two RTX 4090, vllm-project/vllm#13061): set about 300 MiB there. The CUDA context (0.51 GiB; 1.53 GiB with a process group) and CUDA graphs (0.51–1.85 GiB) live outside the budget, in the share vLLM leaves free: the reserve below makes room for them."
            } else {
                "CUDA context, cuBLAS/cuDNN workspaces, CUDA graphs and communication buffers. PyTorch's context alone is 300 MiB–2 GiB; vLLM measured 1.79 GiB on one H100."
            },
        )
        .band(0.5, 2.0),
    );
    // vLLM's CUDA context and graphs live beside its fraction.
    let (context, graphs) = if vllm && arch.kind.generates() {
        engine::vllm_outside(tp > 1, arch.layers)
    } else {
        (0, 0)
    };
    let outside = context + graphs;
    let budget = w.engine.budget();
    let mut min_gpu = 0;
    if w.memory_utilization < 1.0 && budget != Budget::Exact {
        let sum = |f: fn(&Term) -> u64| terms.iter().map(f).fold(0u64, u64::saturating_add);
        let kind = |k: TermKind, f: fn(&Term) -> u64| {
            terms.iter().filter(|t| t.kind == k).map(f).sum::<u64>()
        };
        let u = w.memory_utilization;
        let reserve_of = |used: u64, kv: u64, weights: u64| -> Result<u64, EstimateError> {
            Ok(
                to_bytes(engine::needed(budget, u, used, kv, weights, outside))?
                    .saturating_sub(used),
            )
        };
        let (used, kv, weights) = (
            sum(|t| t.bytes),
            kind(TermKind::KvCache, |t| t.bytes),
            kind(TermKind::Weights, |t| t.bytes),
        );
        let reserve = reserve_of(used, kv, weights)?;
        let formula = match budget {
            Budget::OfTotal if outside > 0 => format!(
                "max({} B ÷ {u}, (CUDA context {} B + CUDA graphs {} B) ÷ (1 − {u})) − {} B = {} B",
                g(used),
                g(context),
                g(graphs),
                g(used),
                g(reserve)
            ),
            Budget::OfTotal => format!("{} B ÷ {u} − {} B = {} B", g(used), g(used), g(reserve)),
            Budget::Static => format!(
                "max((weights {} B + KV cache {} B) ÷ {u} + {} B held before SGLang measures, {} B) − {} B = {} B",
                g(weights),
                g(kv),
                g(engine::SGLANG_START_RESERVE),
                g(used),
                g(used),
                g(reserve)
            ),
            Budget::OfFree | Budget::Exact => format!(
                "KV cache {} B ÷ {u} − {} B = {} B",
                g(kv),
                g(kv),
                g(reserve)
            ),
        };
        let mut t = Term::new(
            TermKind::EngineReserve,
            "Kept free by the engine",
            reserve,
            formula,
            format!(
                "{} The GPU must be this much larger than what the engine fills ({} = {u}).",
                w.engine.rule(),
                w.engine.knob()
            ),
        );
        // The reserve of the band's ends; under SGLang's rule (a maximum of two
        // needs) an end can cross the figure, so the band is widened to hold it.
        let low = reserve_of(
            sum(|t| t.low),
            kind(TermKind::KvCache, |t| t.low),
            kind(TermKind::Weights, |t| t.low),
        )?;
        let high = reserve_of(
            sum(|t| t.high),
            kind(TermKind::KvCache, |t| t.high),
            kind(TermKind::Weights, |t| t.high),
        )?;
        t.low = low.min(high).min(reserve);
        t.high = low.max(high).max(reserve);
        terms.push(t);
        min_gpu = to_bytes(engine::least_for_outside(u, outside))?;
    }
    if outside > 0 {
        // What vLLM holds outside its fraction must fit in what the fraction
        // leaves free: for a small model that, not the budget, sets the size.
        let used: u64 = terms
            .iter()
            .filter(|t| t.kind != TermKind::EngineReserve)
            .map(|t| t.bytes)
            .fold(0u64, u64::saturating_add);
        let u = w.memory_utilization;
        let gib = |b: f64| format!("{:.2} GiB", b / GIB as f64);
        let what = format!(
            "vLLM keeps its CUDA context (about {}) and CUDA graphs (about {} for {} layers) outside gpu_memory_utilization",
            gib(context as f64),
            gib(graphs as f64),
            arch.layers
        );
        let budget_alone = used as f64 / u;
        let least = engine::least_for_outside(u, outside);
        if u >= 1.0 {
            warnings.push(format!(
                "{what}: at a fraction of 1 nothing is left for them. Give vLLM a lower gpu_memory_utilization."
            ));
        } else if least > budget_alone {
            let eager = budget_alone.max(engine::least_for_outside(u, context));
            warnings.push(format!(
                "{what}, in the {} of the GPU that {u} leaves free: here they set the size, {} where the budget alone needs {}. With --enforce-eager (no CUDA graphs) {} would do; a lower gpu_memory_utilization also leaves them more room.",
                words_share(1.0 - u),
                gib(least),
                gib(budget_alone),
                gib(eager)
            ));
        }
    }
    let gpus = tp;
    let mut estimate = Estimate::from_terms(terms, gpus, warnings);
    estimate.min_gpu = min_gpu;
    if vllm && arch.kind.generates() {
        let u = w.memory_utilization;
        let free = if budget != Budget::Exact && u < 1.0 {
            // The complement as typed, as `least_for_outside` rounds it.
            (((1.0 - u) * 1e9).round() as u32).max(1)
        } else {
            0
        };
        estimate.vllm = Some(crate::catalog::VllmSplit {
            tensor: tp,
            layers: arch.layers,
            default_overhead: w.runtime_overhead == w.engine.default_overhead(tp),
            free_ppb: free,
        });
    }
    Ok(estimate.with_host(
        host_embedding.div_ceil(u64::from(tp)),
        "The token embedding, which llama.cpp keeps in host memory and reads on the CPU."
            .to_string(),
    ))
}

/// A fraction as a share in words: 0.1 → "10 %".
fn words_share(f: f64) -> String {
    format!("{} %", ((f * 1000.0).round() / 10.0))
}

/// What the weights term adds for llama.cpp.
const LLAMA_CPP_INPUT_LAYER: &str = " llama.cpp keeps the input layer, the token embedding, in host memory ('there is very little benefit to offloading the input layer', src/llama-model.cpp); a tied head is loaded again on the GPU as the output layer. Its CI log for OpenLLaMA-7B in F16 on a V100: CPU buffer 250.00 MiB (the embedding, 32,000 × 4,096 × 2 B) beside CUDA0 buffer 12,603.02 MiB.";

/// The note of llama.cpp's compute buffer.
const LLAMA_CPP_COMPUTE: &str = "llama.cpp sizes one compute buffer for the worst case of its graph: a batch of n_ubatch tokens (the prefill budget, 512 unless set) against every KV cell. The graph allocator reuses memory between operations, so the buffer is the largest stage: the output (F32 logits of every token of the batch beside its hidden state; the logits are then copied to a host buffer), the attention (without FlashAttention the F32 scores of every head with their mask and four hidden-wide tensors; with it the F16 mask and those tensors) or the widest projection. Measured in llama.cpp's own CI (OpenLLaMA-7B on a V100, build 2459): 70.50 MiB at n_ctx 512 and 164.00 MiB at 2,048; Llama-3-8B at n_ctx 512: 258.50 MiB. The output stage gives the two 512-token figures; the attention stage's four hidden-wide tensors are what the 2,048-token figure leaves beside the scores and the mask.";

/// llama.cpp's compute buffer on one GPU, and its formula: the largest of its
/// output, attention and projection stages for a batch of `min(n_ubatch, KV
/// cells)` tokens against every KV cell, all in F32.
fn llama_cpp_compute(
    arch: &Architecture,
    w: &InferenceWorkload,
) -> Result<(u64, String), EstimateError> {
    let block = w.engine.block_tokens();
    let cells = mul(w.sequences, w.context.div_ceil(block).saturating_mul(block))?;
    let ub = cells.min(w.prefill_chunk);
    let h = arch.hidden;
    let heads = u64::from(arch.heads);
    let output = if arch.kind.generates() {
        mul(mul(ub, add(arch.vocab, h)?)?, 4)?
    } else {
        0
    };
    let hidden4 = mul(mul(4 * 4, ub)?, h)?;
    let (attention, attention_formula) = if w.flash_attention {
        (
            add(mul(mul(ub, cells)?, 2)?, hidden4)?,
            format!(
                "{} × {} cells × 2 B (F16 mask) + 4 × {} × {} hidden × 4 B",
                g(ub),
                g(cells),
                g(ub),
                g(h)
            ),
        )
    } else {
        (
            add(mul(mul(mul(ub, cells)?, add(heads, 1)?)?, 4)?, hidden4)?,
            format!(
                "{} × {} cells × ({} heads + 1 mask) × 4 B + 4 × {} × {} hidden × 4 B",
                g(ub),
                g(cells),
                heads,
                g(ub),
                g(h)
            ),
        )
    };
    let widest = widest_intermediate(arch, 1);
    let projection = mul(mul(ub, add(2 * h, widest)?)?, 4)?;
    let bytes = output.max(attention).max(projection);
    let formula = format!(
        "max(output: {} tokens × ({} vocabulary + {} hidden) × 4 B = {} B; attention: {attention_formula} = {} B; projection: {} × (2 × {} hidden + {} widest) × 4 B = {} B), {} tokens = min(n_ubatch {}, {} KV cells)",
        g(ub),
        g(arch.vocab),
        g(h),
        g(output),
        g(attention),
        g(ub),
        g(h),
        g(widest),
        g(projection),
        g(ub),
        g(w.prefill_chunk),
        g(cells)
    );
    Ok((bytes, formula))
}

/// Answer to a reverse question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum Reverse {
    /// The largest value that fits, and the memory it then needs.
    Fits { value: u64, total: u64 },
    /// Even the smallest value (1) does not fit; the memory that would take.
    Nothing { total_at_one: u64 },
    /// Every value up to the limit fits.
    Unbounded { limit: u64 },
}

impl Reverse {
    /// The answer as a number: the largest value that fits, 0 when none does,
    /// the limit when every value does.
    pub fn value(&self) -> u64 {
        match *self {
            Reverse::Fits { value, .. } => value,
            Reverse::Nothing { .. } => 0,
            Reverse::Unbounded { limit } => limit,
        }
    }
}

/// Largest `v` in `1..=limit` for which `total(v) ≤ memory` (`total` grows with `v`).
pub(crate) fn largest_fitting(
    memory: u64,
    limit: u64,
    total: impl Fn(u64) -> Option<u64>,
) -> Reverse {
    let fits = |v: u64| total(v).filter(|t| *t <= memory);
    let Some(at_one) = total(1) else {
        return Reverse::Nothing {
            total_at_one: u64::MAX,
        };
    };
    if at_one > memory {
        return Reverse::Nothing {
            total_at_one: at_one,
        };
    }
    if fits(limit).is_some() {
        return Reverse::Unbounded { limit };
    }
    let (mut lo, mut hi) = (1u64, limit);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid).is_some() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Reverse::Fits {
        value: lo,
        total: total(lo).unwrap_or(at_one),
    }
}

/// The longest context per sequence that fits in `memory` bytes per GPU, with the
/// other settings of `w` unchanged.
pub fn max_context(
    arch: &Architecture,
    params: &ParamCount,
    w: &InferenceWorkload,
    memory: u64,
) -> Reverse {
    // Past the model's positions when a longer context is asked (and fits).
    let limit = MAX_CONTEXT.min(arch.max_positions.max(w.context).max(1));
    largest_fitting(memory, limit, |c| {
        let w = InferenceWorkload {
            context: c,
            ..w.clone()
        };
        inference(arch, params, &w).ok().map(|e| e.total)
    })
}

/// The most concurrent sequences of `w.context` tokens that fit in `memory` bytes per GPU.
pub fn max_sequences(
    arch: &Architecture,
    params: &ParamCount,
    w: &InferenceWorkload,
    memory: u64,
) -> Reverse {
    largest_fitting(memory, MAX_SEQUENCES, |s| {
        let w = InferenceWorkload {
            sequences: s,
            ..w.clone()
        };
        inference(arch, params, &w).ok().map(|e| e.total)
    })
}
