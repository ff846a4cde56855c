//! Sizing a transformer scenario: the model it names is read (zoo entry or pasted
//! config.json), the architecture edits are applied and checked, the workload is
//! checked for its mode, and memory per GPU is computed with the reverse
//! questions. Every problem names its field by the scenario's dotted path, and the
//! field rules below are the only place those paths and ranges are written.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::arch::{Architecture, FfnKind, ModelKind, ParamCount, limits as l};
use super::engine::Budget;
use super::hf::import_object;
use super::memory::{
    Estimate, EstimateError, GIB, InferenceWorkload, MAX_CONTEXT, MAX_SEQUENCES, MAX_TP, MIB,
    Reverse, TermKind, inference, kv_bytes_per_token, max_context, max_sequences,
};
use super::quant::{KvFormat, WeightFormat};
use super::training::{
    MAX_MICRO_BATCH, MAX_PARALLEL, Method, MethodKind, Recompute, TrainingWorkload, lora_params,
    max_micro_batch, max_sequence, training,
};
use super::zoo::{self, DEFAULT_MODEL, zoo};
use crate::field::{Decimal, Problems, Whole};
use crate::input::capitalize;
use crate::mode::Mode;
use crate::scenario::{ArchEdits, FieldError, ModelRef, TransformerScenario};
use crate::units::group_digits;

/// The transformer part of a scenario.
pub const PREFIX: &str = "workload.transformer";
/// The model: a zoo id or a config.json (its keys below it: `….model.hidden_size`).
pub const MODEL: &str = "workload.transformer.model";

pub const LAYERS: Whole = Whole::new("workload.transformer.arch.layers", 1, l::LAYERS);
pub const HIDDEN: Whole = Whole::new("workload.transformer.arch.hidden", 1, l::HIDDEN);
pub const HEADS: Whole = Whole::new("workload.transformer.arch.heads", 1, l::HEADS);
pub const KV_HEADS: Whole = Whole::new("workload.transformer.arch.kv_heads", 1, l::HEADS);
pub const HEAD_DIM: Whole = Whole::new("workload.transformer.arch.head_dim", 1, l::HEAD_DIM);
pub const FFN: Whole = Whole::new("workload.transformer.arch.ffn", 1, l::FFN);
/// Vision transformers have no vocabulary: their minimum is 0 (see [`vocab_rule`]).
pub const VOCAB: Whole = Whole::new("workload.transformer.arch.vocab", 1, l::VOCAB);
pub const MAX_POSITIONS: Whole =
    Whole::tokens("workload.transformer.arch.max_positions", 1, l::POSITIONS);
pub const EXPERTS: Whole = Whole::new("workload.transformer.arch.experts", 2, l::EXPERTS);
pub const EXPERTS_PER_TOKEN: Whole =
    Whole::new("workload.transformer.arch.experts_per_token", 1, l::EXPERTS);
pub const EXPERT_FFN: Whole = Whole::new("workload.transformer.arch.expert_ffn", 1, l::FFN);

pub const SEQUENCES: Whole = Whole::new("workload.transformer.sequences", 1, MAX_SEQUENCES);
pub const CONTEXT: Whole = Whole::tokens("workload.transformer.context", 1, MAX_CONTEXT);
pub const PREFILL_CHUNK: Whole =
    Whole::tokens("workload.transformer.prefill_chunk", 1, MAX_CONTEXT);
pub const TENSOR_PARALLEL: Whole =
    Whole::new("workload.transformer.tensor_parallel", 1, MAX_TP as u64);
pub const OVERHEAD_MIB: Decimal =
    Decimal::new("workload.transformer.overhead_mib", 0.0, 1_048_576.0);
pub const UTILIZATION: Decimal = Decimal::new("workload.transformer.utilization", 0.05, 1.0);
pub const MEMORY_GIB: Decimal = Decimal::new("workload.transformer.memory_gib", 0.001, 1_048_576.0);
pub const LORA_RANK: Whole = Whole::new("workload.transformer.lora_rank", 1, l::RANK);
pub const LORA_TARGETS: &str = "workload.transformer.lora_targets";
pub const MICRO_BATCH: Whole = Whole::new("workload.transformer.micro_batch", 1, MAX_MICRO_BATCH);
pub const DATA_PARALLEL: Whole =
    Whole::new("workload.transformer.data_parallel", 1, MAX_PARALLEL as u64);
pub const PIPELINE_PARALLEL: Whole = Whole::new(
    "workload.transformer.pipeline_parallel",
    1,
    MAX_PARALLEL as u64,
);
pub const MICRO_BATCHES: Whole =
    Whole::new("workload.transformer.micro_batches", 1, MAX_PARALLEL as u64);
pub const ZERO_STAGE: &str = "workload.transformer.zero_stage";
pub const VIRTUAL_STAGES: Whole = Whole::new("workload.transformer.virtual_stages", 1, 128);
pub const PIPELINE_SCHEDULE: &str = "workload.transformer.pipeline_schedule";
pub const OFFLOAD: &str = "workload.transformer.offload";
pub const ZERO_ACCOUNTING: &str = "workload.transformer.zero_accounting";

/// Fields only serving reads.
const INFERENCE_ONLY: [&str; 3] = [SEQUENCES.path, PREFILL_CHUNK.path, UTILIZATION.path];
/// Fields only training reads.
const TRAINING_ONLY: [&str; 10] = [
    LORA_RANK.path,
    LORA_TARGETS,
    MICRO_BATCH.path,
    DATA_PARALLEL.path,
    PIPELINE_PARALLEL.path,
    MICRO_BATCHES.path,
    VIRTUAL_STAGES.path,
    PIPELINE_SCHEDULE,
    OFFLOAD,
    ZERO_ACCOUNTING,
];

/// Whether a field counts for this mode and method. Fields of the other mode keep
/// their values (a link carries them) but are neither checked nor shown.
pub fn counts(path: &str, mode: Mode, method: MethodKind) -> bool {
    match mode {
        Mode::Inference => !TRAINING_ONLY.contains(&path),
        Mode::Training => {
            let adapters = [LORA_RANK.path, LORA_TARGETS];
            !INFERENCE_ONLY.contains(&path)
                && (method != MethodKind::Full || !adapters.contains(&path))
        }
    }
}

/// The vocabulary rule for a model: vision transformers may have none.
pub fn vocab_rule(kind: ModelKind) -> Whole {
    Whole {
        min: u64::from(kind != ModelKind::Vision),
        ..VOCAB
    }
}

/// The model a scenario names, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The zoo entry, also for a pasted config that equals one.
    pub zoo_id: Option<String>,
    pub name: String,
    pub arch: Architecture,
    /// What the config left implicit, and what is not counted.
    pub assumptions: Vec<String>,
}

impl ModelRef {
    /// Reads the model: a zoo entry, or a config.json through the importer.
    pub fn resolve(&self) -> Result<Resolved, FieldError> {
        match self {
            ModelRef::Zoo(id) => zoo::find(id)
                .map(|m| Resolved {
                    zoo_id: Some(m.entry.id.clone()),
                    name: m.entry.name.clone(),
                    arch: m.imported.arch.clone(),
                    assumptions: m.imported.assumptions.clone(),
                })
                .ok_or_else(|| {
                    FieldError::new(
                        MODEL,
                        format!(
                            "\"{id}\" is not in the model zoo; use a zoo id such as \"{DEFAULT_MODEL}\", or the config.json object itself"
                        ),
                    )
                }),
            ModelRef::Config(map) => {
                let imported = import_object(map).map_err(|e| match e.field {
                    Some(k) => FieldError::new(format!("{MODEL}.{k}"), e.message),
                    None => FieldError::new(MODEL, e.message),
                })?;
                // A pasted config equal to a zoo entry's is that zoo model, unless
                // it names another repository (Qwen2-7B has Qwen2.5-7B-Instruct's
                // shapes, and is still Qwen2-7B).
                // Repositories compare by their last part, ignoring case
                // ("Phi-3-mini-4k-instruct" is microsoft/Phi-3-mini-4k-instruct).
                let last = |p: &str| p.trim().trim_end_matches('/').rsplit('/').next().unwrap_or("").to_lowercase();
                let other_repo = map
                    .get("_name_or_path")
                    .and_then(Value::as_str)
                    .map(last)
                    .filter(|p| !p.is_empty());
                let same = zoo().iter().find(|m| {
                    m.imported.arch == imported.arch
                        && other_repo.as_ref().is_none_or(|p| *p == last(&m.entry.hf_repo))
                });
                Ok(Resolved {
                    zoo_id: same.map(|m| m.entry.id.clone()),
                    name: same.map_or(imported.name, |m| m.entry.name.clone()),
                    arch: imported.arch,
                    assumptions: imported.assumptions,
                })
            }
        }
    }
}

impl TransformerScenario {
    /// The activation recomputation: as given, or the method's common recipe.
    pub fn recompute(&self) -> Recompute {
        self.recompute
            .unwrap_or_else(|| self.method.usual_recompute())
    }

    /// The model the scenario names, when its architecture edits can apply to
    /// it: expert numbers on a dense model cannot.
    pub fn model_with_edits(&self) -> Result<Resolved, FieldError> {
        let model = self.model.resolve()?;
        if model.arch.moe.is_none() {
            let a = &self.arch;
            let moe = [
                (EXPERTS, a.experts),
                (EXPERTS_PER_TOKEN, a.experts_per_token),
                (EXPERT_FFN, a.expert_ffn),
            ];
            if let Some((rule, _)) = moe.iter().find(|(_, v)| v.is_some()) {
                return Err(FieldError::new(
                    rule.path,
                    format!("{} is not a mixture of experts", model.name),
                ));
            }
        }
        Ok(model)
    }
}

/// Tokens of KV cache the engine of `w` allocates on a GPU of `memory` bytes,
/// the rest of what it holds as in `estimate`, in whole blocks.
fn kv_tokens(estimate: &Estimate, w: &InferenceWorkload, memory: u64, per_token: u64) -> u64 {
    let kv = estimate.bytes(TermKind::KvCache);
    let reserve = estimate.bytes(TermKind::EngineReserve);
    let other = estimate.total.saturating_sub(kv).saturating_sub(reserve);
    let bytes = super::engine::kv_capacity(
        w.engine.budget(),
        w.memory_utilization,
        memory,
        other,
        estimate.bytes(TermKind::Weights),
    );
    let block = w.engine.block_tokens().max(1);
    bytes.checked_div(per_token).unwrap_or(0) / block * block
}

/// The reverse questions: what fits in `memory` bytes per GPU, the rest of the
/// workload as asked. In serving, the longest context and the most concurrent
/// sequences; in training, the longest sequence and the largest micro-batch
/// (the scenario's mode says which: [`ReverseAnswers::words`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseAnswers {
    pub memory: u64,
    /// The longest context (serving models that generate), or the longest
    /// training sequence at the micro-batch asked (training).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_context: Option<Reverse>,
    /// The most concurrent sequences at the context asked (serving), or the
    /// largest micro-batch at the sequence asked (training).
    pub max_sequences: Reverse,
    /// Tokens of KV cache the engine allocates on a GPU of `memory` bytes, with
    /// the rest of the workload as asked: the figure engines print at start-up
    /// (vLLM "GPU KV cache size: N tokens", SGLang "#tokens: N").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_tokens: Option<u64>,
}

impl ReverseAnswers {
    /// What the two answers are called, for a training scenario or not:
    /// (the length answer, the count answer).
    pub fn words(training: bool) -> (&'static str, &'static str) {
        if training {
            ("Longest sequence", "Largest micro-batch")
        } else {
            ("Longest context", "Most concurrent sequences")
        }
    }

    /// What the length answer counts.
    pub const TOKENS: (&'static str, &'static str) = ("token", "tokens");
    /// What a transformer's count answer counts.
    pub const SEQUENCES: (&'static str, &'static str) = ("sequence", "sequences");
    /// What a CNN's count answer counts.
    pub const IMAGES: (&'static str, &'static str) = ("image", "images");
}

/// Memory per GPU at other context lengths and other numbers of concurrent
/// sequences, the rest of the serving workload as asked: the reverse answers, seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Curves {
    /// `(context, bytes)`, models that generate: doubling from 512 tokens to the
    /// model's longest (at least the context asked), with the context asked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<(u64, u64)>,
    /// `(sequences, bytes)`: doubling from 1 to 4 × the sequences asked (at least 64).
    pub sequences: Vec<(u64, u64)>,
}

/// Points of a curve: doubling from `from` up to `to`, and `asked`, in order.
fn doubling(from: u64, to: u64, asked: u64) -> Vec<u64> {
    let mut xs: Vec<u64> = std::iter::successors(Some(from), |x| x.checked_mul(2))
        .take_while(|x| *x <= to)
        .collect();
    if !xs.contains(&asked) {
        xs.push(asked);
        xs.sort_unstable();
    }
    xs
}

/// The curves of a serving workload; points the memory model refuses are left out.
fn curves(a: &Architecture, params: &ParamCount, w: &InferenceWorkload) -> Curves {
    let total = |v: &InferenceWorkload| inference(a, params, v).ok().map(|e| e.total);
    let context = if a.kind.generates() {
        let longest = a.max_positions.max(w.context).min(MAX_CONTEXT);
        doubling(512.min(w.context), longest, w.context)
            .into_iter()
            .filter_map(|c| {
                total(&InferenceWorkload {
                    context: c,
                    ..w.clone()
                })
                .map(|b| (c, b))
            })
            .collect()
    } else {
        Vec::new()
    };
    let most = w.sequences.saturating_mul(4).clamp(64, MAX_SEQUENCES);
    let sequences = doubling(1, most, w.sequences)
        .into_iter()
        .filter_map(|n| {
            total(&InferenceWorkload {
                sequences: n,
                ..w.clone()
            })
            .map(|b| (n, b))
        })
        .collect();
    Curves { context, sequences }
}

/// A transformer scenario, sized.
#[derive(Clone, Debug, PartialEq)]
pub struct TransformerSized {
    /// The model's name, "(edited)" when the architecture was changed.
    pub name: String,
    pub arch: Architecture,
    pub params: ParamCount,
    pub estimate: Estimate,
    /// KV-cache bytes per token (all layers, one GPU), 0 for encoders.
    pub kv_per_token: u64,
    /// Trainable parameters: all, or the adapters; 0 for inference.
    pub trainable: u64,
    pub mode: Mode,
    /// The one-line description above the total.
    pub headline: String,
    /// Serving: the reverse answers, or the problem with the memory they are asked for.
    pub reverse: Option<Result<ReverseAnswers, FieldError>>,
    /// Serving: memory at other contexts and numbers of sequences.
    pub curves: Option<Curves>,
    /// Serving: what sets the sequences a GPU's memory holds.
    pub room: Option<ServingRoom>,
    /// Serving with a compression recipe: the estimate of the model as given,
    /// before the recipe (`estimate`, the answers, the curves and the room
    /// count the compressed weights).
    pub before_compression: Option<Estimate>,
}

/// How the memory of one GPU grows with the concurrent sequences of a served
/// model, beyond the KV cache: the engine's budget rule and fraction, and the
/// other bytes (all but the KV cache and the engine's reserve), which never
/// shrink as sequences are added: those of the scenario's sequences, those
/// once the forward pass fills the prefill budget (sequences × context ≥ the
/// budget), and past that a line read off the model at 1,024 and 2,048
/// sequences or more (logits and sampler buffers grow with every sequence).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServingRoom {
    pub budget: super::engine::Budget,
    pub fraction: f64,
    /// The scenario's sequences and the other bytes at them.
    pub sequences: u64,
    pub other: f64,
    /// The sequences that fill the prefill budget, and the other bytes there.
    pub full: u64,
    pub other_full: f64,
    /// The other bytes at many sequences: `base` + `per_sequence` × sequences.
    pub base: f64,
    pub per_sequence: f64,
}

impl ServingRoom {
    /// The other bytes at `n` sequences, or more (never less).
    pub fn other_at(&self, n: f64) -> f64 {
        if n <= self.sequences as f64 {
            self.other
        } else if n <= self.full as f64 {
            self.other_full
        } else {
            self.other_full.max(self.base + self.per_sequence * n)
        }
    }
}

impl ServingRoom {
    fn of(a: &Architecture, params: &ParamCount, w: &InferenceWorkload, e: &Estimate) -> Self {
        let other = |e: &Estimate| {
            e.total
                .saturating_sub(e.bytes(TermKind::KvCache))
                .saturating_sub(e.bytes(TermKind::EngineReserve)) as f64
        };
        let at = |sequences: u64| {
            let w = InferenceWorkload {
                sequences,
                ..w.clone()
            };
            inference(a, params, &w).ok().map(|e| other(&e))
        };
        let now = other(e);
        let full = w.prefill_chunk.div_ceil(w.context.max(1)).max(w.sequences);
        let other_full = if full > w.sequences {
            at(full).unwrap_or(now).max(now)
        } else {
            now
        };
        let many = full.max(1_024);
        let (base, per_sequence) = match (at(many), at(many * 2)) {
            (Some(x), Some(y)) => {
                let slope = ((y - x) / many as f64).max(0.0);
                (x - slope * many as f64, slope)
            }
            _ => (now, 0.0),
        };
        ServingRoom {
            budget: w.engine.budget(),
            fraction: w.memory_utilization,
            sequences: w.sequences,
            other: now,
            full,
            other_full,
            base,
            per_sequence,
        }
    }
}

/// The scenario path of a workload field the memory model names in its messages.
fn workload_path(field: &str) -> String {
    let field = match field {
        "sequence" => "context",
        "memory_utilization" => "utilization",
        f => f,
    };
    format!("{PREFIX}.{field}")
}

/// The scenario path of an architecture field [`Architecture::validate`] names:
/// the editable ones under `arch`, the rest belong to the model it came from.
fn arch_path(field: &str) -> String {
    let field = field.strip_prefix("moe.").unwrap_or(field);
    let editable = [
        LAYERS,
        HIDDEN,
        HEADS,
        KV_HEADS,
        HEAD_DIM,
        FFN,
        VOCAB,
        MAX_POSITIONS,
        EXPERTS,
        EXPERTS_PER_TOKEN,
        EXPERT_FFN,
    ];
    editable
        .iter()
        .find(|r| r.path.rsplit('.').next() == Some(field))
        .map_or(MODEL, |r| r.path)
        .to_string()
}

fn estimate_error(e: EstimateError) -> FieldError {
    match e {
        EstimateError::Field { field, message } => {
            FieldError::new(workload_path(&field), capitalize(&message) + ".")
        }
        EstimateError::TooLarge => FieldError::new(CONTEXT.path, capitalize(&e.to_string()) + "."),
    }
}

/// The base architecture with the scenario's edits, every edit checked; `None`
/// with the problems recorded when an edited number is out of range.
fn edited(base: &Architecture, edits: &ArchEdits, p: &mut Problems) -> Option<Architecture> {
    let mut a = base.clone();
    let mut num = |rule: Whole, edit: Option<u64>, base: u64| -> u64 {
        let v = edit.unwrap_or(base);
        p.take(rule.check(v), v)
    };
    a.layers = num(LAYERS, edits.layers, base.layers.into()) as u32;
    a.hidden = num(HIDDEN, edits.hidden, base.hidden);
    a.heads = num(HEADS, edits.heads, base.heads.into()) as u32;
    a.kv_heads = num(KV_HEADS, edits.kv_heads, base.kv_heads.into()) as u32;
    let head_dim = num(HEAD_DIM, edits.head_dim, base.head_dim);
    a.ffn = num(FFN, edits.ffn, base.ffn);
    a.vocab = num(vocab_rule(base.kind), edits.vocab, base.vocab);
    a.max_positions = num(MAX_POSITIONS, edits.max_positions, base.max_positions);
    if let Some(m) = a.moe.as_mut() {
        m.experts = num(EXPERTS, edits.experts, m.experts.into()) as u32;
        m.experts_per_token = num(
            EXPERTS_PER_TOKEN,
            edits.experts_per_token,
            m.experts_per_token.into(),
        ) as u32;
        m.expert_ffn = num(EXPERT_FFN, edits.expert_ffn, m.expert_ffn);
    }
    if let Some(g) = edits.gated {
        a.ffn_kind = if g { FfnKind::Gated } else { FfnKind::Plain };
    }
    if let Some(t) = edits.tied {
        a.tied_embeddings = t;
    }
    if a.mla.is_none() {
        a.head_dim = head_dim;
    } else if head_dim != a.head_dim {
        p.push(FieldError::new(
            HEAD_DIM.path,
            "Multi-head latent attention sets the head width from its own dimensions; import a config to change them.",
        ));
    }
    if !p.is_empty() {
        return None;
    }
    for e in a.validate() {
        p.push(FieldError::new(
            arch_path(&e.field),
            capitalize(&e.message) + ".",
        ));
    }
    Some(a)
}

/// What an edit leaves that the model's own numbers did not have: an attention
/// width (heads × head dim) that no longer equals the hidden size, or multi-head
/// attention turned grouped-query by more query heads alone. Both are valid
/// shapes, but rarely meant: a config.json that changes the hidden size or the
/// heads gets its head dim and KV heads from them.
fn edit_warnings(base: &Architecture, a: &Architecture) -> Vec<String> {
    let mut w = Vec::new();
    let width = |x: &Architecture| u64::from(x.heads).saturating_mul(x.head_dim);
    if a.mla.is_none()
        && width(base) == base.hidden
        && width(a) != a.hidden
        && (a.hidden != base.hidden || a.heads != base.heads)
        && a.head_dim == base.head_dim
    {
        let fitting = if a.heads > 0 && a.hidden.is_multiple_of(u64::from(a.heads)) {
            format!(
                ": a head dim of {} would make them equal",
                group_digits(a.hidden / u64::from(a.heads))
            )
        } else {
            String::new()
        };
        w.push(format!(
            "The attention is {} heads × {} head dim = {} wide, the hidden size {}{fitting}. The head dim stays as the model has it unless it is set.",
            a.heads,
            group_digits(a.head_dim),
            group_digits(width(a)),
            group_digits(a.hidden)
        ));
    }
    if a.mla.is_none()
        && base.kv_heads == base.heads
        && a.heads != base.heads
        && a.kv_heads == base.kv_heads
    {
        w.push(format!(
            "{} query heads share {} key/value heads (grouped-query attention), where the model has one per query head; set the KV heads to {} for multi-head attention.",
            a.heads, a.kv_heads, a.heads
        ));
    }
    w
}

/// The KV-cache format's field.
pub const KV_PATH: &str = "workload.transformer.kv";

/// Where a weight format the engine cannot load is reported.
pub const WEIGHTS_PATH: &str = "workload.transformer.weights";

/// Why `engine` cannot serve weights stored in `weights`, if it cannot. llama.cpp
/// loads GGUF files: F32, F16, BF16, its own types (Q8_0, Q4_K_M, …) and MXFP4,
/// not GPTQ/AWQ, FP8, INT8, NVFP4 or bitsandbytes' NF4. Transformers reads a
/// GGUF file by dequantizing it to the model's dtype (its GGUF guide), so the
/// weights take BF16's memory, not the file's. TensorRT-LLM and TGI load no
/// GGUF; TensorRT-LLM has no bitsandbytes NF4.
pub fn weights_refused(engine: super::ServingEngine, weights: WeightFormat) -> Option<String> {
    use super::ServingEngine as E;
    use WeightFormat as W;
    let name = weights.label().split(" — ").next().unwrap_or("this format");
    match engine {
        E::LlamaCpp
            if matches!(
                weights,
                W::Fp8 | W::Int8 | W::Int4G128 | W::Nvfp4 | W::Nf4 | W::Nf4Dq
            ) =>
        {
            Some(format!(
                "llama.cpp loads GGUF files (F16, BF16, Q8_0, Q4_K_M, … or MXFP4), not {name}: choose a GGUF type, or an engine that loads {name}."
            ))
        }
        E::Transformers if weights.is_gguf() => Some(
            "Transformers dequantizes a GGUF file to the model's dtype when it loads it: size it as BF16 or FP16 weights, or serve the GGUF file with llama.cpp.".to_string(),
        ),
        E::TensorRtLlm | E::Tgi if weights.is_gguf() => Some(format!(
            "{} loads no GGUF files: choose FP8, INT4 (AWQ/GPTQ) or 16-bit weights, or serve the GGUF file with llama.cpp.",
            engine.label()
        )),
        E::TensorRtLlm if matches!(weights, W::Nf4 | W::Nf4Dq) => Some(format!(
            "{} has no bitsandbytes NF4: choose FP8, INT8, INT4 (AWQ/GPTQ) or NVFP4.",
            engine.label()
        )),
        _ => None,
    }
}

/// Why `engine` cannot cache keys and values in `kv`, if it cannot: vLLM,
/// SGLang and TGI cache in the model's format or FP8 (`kv_cache_dtype`);
/// TensorRT-LLM also in INT8; llama.cpp in F32, F16, BF16 or a GGUF type, and
/// quantizes the V cache only with FlashAttention (`-fa`).
pub fn kv_refused(
    engine: super::ServingEngine,
    kv: KvFormat,
    weights: WeightFormat,
    flash: bool,
) -> Option<String> {
    use super::ServingEngine as E;
    let gguf = matches!(kv, KvFormat::Q8_0 | KvFormat::Q4_0);
    let name = kv.label().split(" — ").next().unwrap_or("this format");
    match engine {
        E::Vllm | E::Sglang | E::Tgi if gguf || kv == KvFormat::Int8 => Some(format!(
            "{} caches keys and values in the model's format or FP8 (kv_cache_dtype), not {name}.",
            engine.label(),
        )),
        E::TensorRtLlm if gguf => Some(format!(
            "{} caches keys and values in FP16, BF16, FP8 or INT8, not {name}.",
            engine.label(),
        )),
        // The model's format is FP32 only where the model runs in FP32
        // (vLLM --dtype float32): a 16-bit or quantized model caches in 16 bits or FP8.
        E::Vllm | E::Sglang | E::Tgi | E::TensorRtLlm
            if kv == KvFormat::Fp32 && weights != WeightFormat::Fp32 =>
        {
            Some(format!(
                "{} caches keys and values in FP32 only when the model runs in FP32 (weights FP32): cache in FP16, BF16 or FP8.",
                engine.label(),
            ))
        }
        E::LlamaCpp if matches!(kv, KvFormat::Fp8 | KvFormat::Int8) => Some(
            "llama.cpp caches keys and values in F32, F16, BF16 or a GGUF type (q8_0, q4_0).".to_string(),
        ),
        E::Transformers if gguf => Some(format!(
            "{} has no GGUF cache: FP16, BF16, FP32, or a quantized cache in INT8.",
            engine.label()
        )),
        E::LlamaCpp if gguf && !flash => Some(
            "llama.cpp quantizes the V cache only with FlashAttention (-fa): turn FlashAttention on, or cache in F16.".to_string(),
        ),
        _ => None,
    }
}

/// Sizes the transformer part of a scenario: every problem at once, each at its path.
pub fn size(t: &TransformerScenario) -> Result<TransformerSized, Vec<FieldError>> {
    size_to(t, true)
}

/// [`size`], with the reverse answers and the curves of serving only when
/// `answers` is set (without, both are `None`: the estimate alone, as a
/// report's first part and the fleet's fixes need it).
pub fn size_to(
    t: &TransformerScenario,
    answers: bool,
) -> Result<TransformerSized, Vec<FieldError>> {
    size_compressed(t, answers, None)
}

/// [`size_to`] for serving the model compressed by `recipe`: the weights term,
/// the engine's budget, the reverse answers, the curves and the room count the
/// recipe's weights (`compress::weights_per_gpu`), and `before_compression`
/// keeps the estimate without it. A recipe with problems, or in training,
/// changes nothing here: `compress::transformer` reports its problems.
pub fn size_compressed(
    t: &TransformerScenario,
    answers: bool,
    recipe: Option<&crate::compress::Compression>,
) -> Result<TransformerSized, Vec<FieldError>> {
    let model = t.model_with_edits().map_err(|e| vec![e])?;
    let mut p = Problems::default();
    let arch = edited(&model.arch, &t.arch, &mut p);
    let (mode, method) = (t.mode, t.method);
    let mut whole = |rule: Whole, v: u64| -> u64 {
        if counts(rule.path, mode, method) {
            p.take(rule.check(v), v)
        } else {
            v
        }
    };
    let sequences = whole(SEQUENCES, t.sequences);
    let context = whole(CONTEXT, t.context);
    let chunk = match t.prefill_chunk {
        Some(v) => whole(PREFILL_CHUNK, v),
        None => t.engine.default_prefill_chunk(),
    };
    let tp = whole(TENSOR_PARALLEL, t.tensor_parallel) as u32;
    let rank = whole(LORA_RANK, t.lora_rank);
    let micro_batch = whole(MICRO_BATCH, t.micro_batch);
    let dp = whole(DATA_PARALLEL, t.data_parallel) as u32;
    let pp = whole(PIPELINE_PARALLEL, t.pipeline_parallel) as u32;
    let mbs = whole(MICRO_BATCHES, t.micro_batches) as u32;
    let chunks = whole(VIRTUAL_STAGES, t.virtual_stages) as u32;
    let overhead = t.overhead_mib.map(|v| p.take(OVERHEAD_MIB.check(v), 0.0));
    let utilization = match (mode, t.utilization) {
        (Mode::Training, _) => 1.0,
        (_, Some(u)) if t.engine.budget() == Budget::Exact && u != 1.0 => {
            p.push(FieldError::new(
                UTILIZATION.path,
                format!(
                    "{} keeps no memory fraction: leave this empty, or choose an engine that has one.",
                    t.engine.label()
                ),
            ));
            1.0
        }
        (_, Some(u)) => p.take(UTILIZATION.check(u), 1.0),
        // The engine's default, for the memory per GPU the reverse questions name.
        (_, None) => t.engine.default_fraction(
            MEMORY_GIB
                .check(t.memory_gib)
                .ok()
                .map(|g| (g * GIB as f64).round() as u64),
            tp,
            pp,
        ),
    };
    // A bad memory size for the reverse questions does not block the estimate.
    let memory = MEMORY_GIB.check(t.memory_gib);
    let Some(a) = arch.filter(|_| p.is_empty()) else {
        return Err(p.0);
    };

    let params = a.params();
    let kv_per_token = kv_bytes_per_token(&a, t.kv, 1);
    let overhead = match (overhead, mode) {
        (Some(mib), _) => (mib * MIB as f64).round() as u64,
        (None, Mode::Training) => super::memory::DEFAULT_RUNTIME_OVERHEAD,
        (None, _) => t.engine.default_overhead(tp),
    };
    let name = if a == model.arch {
        model.name.clone()
    } else {
        format!("{} (edited)", model.name)
    };
    if mode == Mode::Training {
        let method = match t.method {
            MethodKind::Full => Method::Full,
            MethodKind::Lora => Method::Lora {
                rank,
                targets: t.lora_targets,
            },
            MethodKind::Qlora => Method::Qlora {
                rank,
                targets: t.lora_targets,
                double_quant: t.double_quant,
            },
        };
        let w = TrainingWorkload {
            method,
            recipe: t.recipe,
            optimizer: t.optimizer,
            micro_batch,
            sequence: context,
            recompute: t.recompute(),
            flash_attention: t.flash_attention,
            data_parallel: dp,
            zero_stage: t.zero_stage,
            tensor_parallel: tp,
            sequence_parallel: t.sequence_parallel,
            pipeline_parallel: pp,
            micro_batches: mbs,
            schedule: t.pipeline_schedule,
            virtual_stages: chunks,
            offload: t.offload,
            accounting: t.zero_accounting,
            runtime_overhead: overhead,
        };
        let mut estimate = training(&a, &params, &w).map_err(|e| vec![estimate_error(e)])?;
        estimate.warnings.extend(edit_warnings(&model.arch, &a));
        let trainable = match method {
            Method::Full => params.total,
            Method::Lora { rank, targets } | Method::Qlora { rank, targets, .. } => {
                lora_params(&a, &params, rank, targets)
            }
        };
        let headline = format!(
            "{} {name}: micro-batch {} × {} tokens, {}, {}",
            t.method.label().split(" (").next().unwrap_or("Training"),
            micro_batch,
            group_digits(a.vision.map_or(context, |v| v.tokens())),
            t.optimizer.label().split(" — ").next().unwrap_or(""),
            parallel_label(tp, pp, dp, t.zero_stage)
        );
        // The reverse questions of training: the largest micro-batch at the
        // sequence asked, and the longest sequence at the micro-batch asked.
        let reverse = answers.then(|| {
            memory.map(|gib| {
                let memory = (gib * 1_073_741_824.0).round() as u64;
                ReverseAnswers {
                    memory,
                    max_context: Some(max_sequence(&a, &params, &w, memory)),
                    max_sequences: max_micro_batch(&a, &params, &w, memory),
                    kv_tokens: None,
                }
            })
        });
        return Ok(TransformerSized {
            name,
            arch: a,
            params,
            estimate,
            kv_per_token,
            trainable,
            mode,
            headline,
            reverse,
            curves: None,
            room: None,
            before_compression: None,
        });
    }
    if let Some(why) = weights_refused(t.engine, t.weights) {
        return Err(vec![FieldError::new(WEIGHTS_PATH, why)]);
    }
    if a.kind.generates()
        && let Some(why) = kv_refused(t.engine, t.kv, t.weights, t.flash_attention)
    {
        return Err(vec![FieldError::new(KV_PATH, why)]);
    }
    let mut w = InferenceWorkload {
        weights: t.weights,
        quantize_embeddings: t.quantize_embeddings,
        kv: t.kv,
        sequences,
        context,
        prefill_chunk: chunk,
        flash_attention: t.flash_attention,
        window_cache: t.window_cache,
        tensor_parallel: tp,
        runtime_overhead: overhead,
        engine: t.engine,
        memory_utilization: utilization,
        compressed_weights: None,
    };
    let before_compression =
        match recipe.and_then(|c| crate::compress::weights_per_gpu(c, t, &a, &params)) {
            Some(bytes) => {
                let before = inference(&a, &params, &w).map_err(|e| vec![estimate_error(e)])?;
                w.compressed_weights = Some(bytes);
                Some(before)
            }
            None => None,
        };
    let mut estimate = inference(&a, &params, &w).map_err(|e| vec![estimate_error(e)])?;
    estimate.warnings.extend(edit_warnings(&model.arch, &a));
    let generates = a.kind.generates();
    let format = t.weights.label().split(" — ").next().unwrap_or("");
    let headline = if generates {
        format!(
            "Serving {name} in {format}: {} sequence{} × {} tokens{}",
            group_digits(sequences),
            if sequences == 1 { "" } else { "s" },
            group_digits(context),
            if tp > 1 {
                format!(", tensor parallel over {tp} GPUs")
            } else {
                String::new()
            }
        )
    } else {
        format!(
            "Inference with {name} in {format}: batch {}",
            group_digits(sequences)
        )
    };
    let curves = answers.then(|| curves(&a, &params, &w));
    let kv_per_token_gpu = kv_bytes_per_token(&a, t.kv, tp);
    let reverse = answers.then(|| {
        memory
            .as_ref()
            .map(|&gib| {
                let memory = (gib * 1_073_741_824.0).round() as u64;
                ReverseAnswers {
                    memory,
                    max_context: generates.then(|| max_context(&a, &params, &w, memory)),
                    max_sequences: max_sequences(&a, &params, &w, memory),
                    kv_tokens: generates
                        .then(|| kv_tokens(&estimate, &w, memory, kv_per_token_gpu)),
                }
            })
            .map_err(FieldError::clone)
    });
    // vLLM's --max-model-len defaults to the model's positions: one sequence of
    // that length must fit the KV cache, or the engine refuses to start.
    if t.engine == super::ServingEngine::Vllm
        && generates
        && let Ok(gib) = &memory
        && let tokens = kv_tokens(
            &estimate,
            &w,
            (gib * 1_073_741_824.0).round() as u64,
            kv_per_token_gpu,
        )
        && tokens < a.max_positions
    {
        let start = if tokens == 0 {
            String::new()
        } else if context <= tokens {
            format!("--max-model-len {} (this context)", group_digits(context))
        } else {
            format!(
                "--max-model-len {} at most (this context of {} does not fit either)",
                group_digits(tokens),
                group_digits(context)
            )
        };
        estimate.warnings.push(if tokens == 0 {
            format!(
                "In {} GiB vLLM has no room left for a KV cache: it would not start.",
                crate::input::number_text(t.memory_gib)
            )
        } else {
            format!(
                "In {} GiB vLLM's KV cache holds {} tokens, fewer than the model's {} positions, which vLLM takes as --max-model-len unless told: it would refuse to start. Start it with {start}.",
                crate::input::number_text(t.memory_gib),
                group_digits(tokens),
                group_digits(a.max_positions)
            )
        });
    }
    let room = ServingRoom::of(&a, &params, &w, &estimate);
    Ok(TransformerSized {
        name,
        arch: a,
        params,
        estimate,
        kv_per_token,
        trainable: 0,
        mode,
        headline,
        reverse,
        curves,
        room: Some(room),
        before_compression,
    })
}

fn parallel_label(tp: u32, pp: u32, dp: u32, zero: u8) -> String {
    let parts: Vec<String> = [("TP", tp), ("PP", pp), ("DP", dp)]
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(what, n)| format!("{what} {n}"))
        .chain((zero > 0).then(|| format!("ZeRO-{zero}")))
        .collect();
    if parts.is_empty() {
        "one GPU".to_string()
    } else {
        format!("per GPU with {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transformer::{ServingEngine, TermKind};

    fn llama() -> TransformerScenario {
        TransformerScenario::default()
    }

    fn message(errors: &[FieldError], path: &str) -> String {
        FieldError::at(errors, path)
            .unwrap_or_else(|| panic!("no message at {path}: {errors:?}"))
            .to_string()
    }

    #[test]
    fn opens_on_llama_3_1_8b_serving_one_sequence() {
        let r = size(&llama()).unwrap();
        assert_eq!(r.params.total, 8_030_261_248);
        assert_eq!(r.estimate.bytes(TermKind::KvCache), 4_096 * 131_072);
        let reverse = r.reverse.unwrap().unwrap();
        assert!(matches!(reverse.max_sequences, Reverse::Fits { .. }));
    }

    #[test]
    fn a_context_past_the_trained_positions_warns_encoders_too() {
        let warned = |s: TransformerScenario| {
            size(&s)
                .unwrap()
                .estimate
                .warnings
                .iter()
                .any(|w| w.contains("positions the model was trained for"))
        };
        // BERT-base: 512 learned positions (max_position_embeddings).
        let bert = |context| TransformerScenario {
            model: ModelRef::Zoo("bert-base".into()),
            context,
            ..llama()
        };
        assert!(warned(bert(8_192)));
        assert!(!warned(bert(512)));
        // Llama 3.1: 131,072.
        assert!(warned(TransformerScenario {
            context: 131_073,
            ..llama()
        }));
        assert!(!warned(llama()));
    }

    /// Empty fields take the engine's defaults; a value typed is kept.
    #[test]
    fn the_overhead_and_the_batch_default_by_engine() {
        const G: u64 = 1 << 30;
        let run = |s: TransformerScenario| size(&s).unwrap().estimate;
        let vllm = |tensor_parallel: u64| TransformerScenario {
            engine: ServingEngine::Vllm,
            tensor_parallel,
            ..llama()
        };
        assert_eq!(run(vllm(1)).bytes(TermKind::RuntimeOverhead), G / 4);
        assert_eq!(run(vllm(2)).bytes(TermKind::RuntimeOverhead), G * 21 / 10);
        let set = TransformerScenario {
            overhead_mib: Some(512.0),
            ..vllm(2)
        };
        assert_eq!(run(set).bytes(TermKind::RuntimeOverhead), G / 2);
        assert_eq!(run(llama()).bytes(TermKind::RuntimeOverhead), G);
        let training = TransformerScenario {
            mode: Mode::Training,
            ..vllm(1)
        };
        assert_eq!(run(training).bytes(TermKind::RuntimeOverhead), G);
        // llama.cpp's compute buffer follows its 512-token batch: the output
        // stage, 512 × (128,256 + 4,096) × 4 B, at 4,096 tokens of context.
        let llama_cpp = TransformerScenario {
            engine: ServingEngine::LlamaCpp,
            ..llama()
        };
        assert_eq!(
            run(llama_cpp).bytes(TermKind::Activations),
            512 * (128_256 + 4_096) * 4
        );
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let s = TransformerScenario {
            sequences: 0,
            overhead_mib: Some(-1.0),
            arch: ArchEdits {
                layers: Some(5_000),
                ..ArchEdits::default()
            },
            ..llama()
        };
        let e = size(&s).unwrap_err();
        assert_eq!(
            message(&e, SEQUENCES.path),
            "Must be between 1 and 1,048,576."
        );
        assert_eq!(
            message(&e, OVERHEAD_MIB.path),
            "Must be between 0 and 1,048,576."
        );
        assert_eq!(message(&e, LAYERS.path), "Must be between 1 and 1,024.");
        // The architecture is checked as a whole once its numbers are in range.
        let s = TransformerScenario {
            arch: ArchEdits {
                kv_heads: Some(5),
                ..ArchEdits::default()
            },
            ..llama()
        };
        assert_eq!(
            message(&size(&s).unwrap_err(), KV_HEADS.path),
            "The 32 query heads do not divide into groups of 5 key/value heads: use 4 or 8."
        );
    }

    #[test]
    fn workload_rules_are_reported_on_their_field() {
        let s = TransformerScenario {
            tensor_parallel: 3,
            ..llama()
        };
        assert_eq!(
            message(&size(&s).unwrap_err(), TENSOR_PARALLEL.path),
            "3 GPUs do not divide the 32 attention heads evenly."
        );
        // Phi-3-medium's shape: 40 query heads, 10 key/value heads. 4 divides the
        // 40 but neither divides the 10 nor is a multiple of it (vLLM refuses it);
        // 5 divides both, and 20 holds two copies of each key/value head.
        let phi = |tp| TransformerScenario {
            arch: ArchEdits {
                heads: Some(40),
                kv_heads: Some(10),
                hidden: Some(5120),
                ..ArchEdits::default()
            },
            tensor_parallel: tp,
            ..llama()
        };
        assert_eq!(
            message(&size(&phi(4)).unwrap_err(), TENSOR_PARALLEL.path),
            "4 GPUs neither divide the 10 key/value heads nor hold whole copies of them: \
             use a degree that divides 10 or is a multiple of it."
        );
        assert!(size(&phi(5)).is_ok());
        assert!(size(&phi(20)).is_ok());
        let s = TransformerScenario {
            mode: Mode::Training,
            pipeline_parallel: 40,
            ..llama()
        };
        assert_eq!(
            message(&size(&s).unwrap_err(), PIPELINE_PARALLEL.path),
            "40 stages is more than the 32 layers."
        );
    }

    #[test]
    fn a_bad_gpu_memory_keeps_the_estimate() {
        let s = TransformerScenario {
            memory_gib: 0.0,
            ..llama()
        };
        let r = size(&s).unwrap();
        assert_eq!(r.reverse.unwrap().unwrap_err().path, MEMORY_GIB.path);
    }

    #[test]
    fn fields_of_the_other_mode_do_not_block() {
        let s = TransformerScenario {
            micro_batch: 0,
            ..llama()
        };
        assert!(size(&s).is_ok());
        let s = TransformerScenario {
            mode: Mode::Training,
            sequences: 0,
            ..llama()
        };
        assert!(size(&s).is_ok());
        assert!(counts(LORA_RANK.path, Mode::Training, MethodKind::Lora));
        assert!(!counts(LORA_RANK.path, Mode::Training, MethodKind::Full));
        // The memory of the reverse questions counts in both: training asks them too.
        assert!(counts(MEMORY_GIB.path, Mode::Training, MethodKind::Full));
        assert!(!counts(SEQUENCES.path, Mode::Training, MethodKind::Full));
    }

    #[test]
    fn an_unknown_model_and_moe_edits_on_a_dense_model_name_the_field() {
        let s = TransformerScenario {
            model: ModelRef::Zoo("gpt-5".into()),
            ..llama()
        };
        assert_eq!(size(&s).unwrap_err()[0].path, MODEL);
        let s = TransformerScenario {
            arch: ArchEdits {
                experts: Some(8),
                ..ArchEdits::default()
            },
            ..llama()
        };
        let e = size(&s).unwrap_err();
        assert_eq!(e[0].path, EXPERTS.path);
        assert_eq!(e[0].message, "Llama-3.1-8B is not a mixture of experts");
    }

    #[test]
    fn an_edit_names_the_model_edited_and_a_pasted_zoo_config_is_the_zoo_model() {
        let gpt2 = zoo::find("gpt2").unwrap();
        let s = TransformerScenario {
            model: ModelRef::Config(gpt2.entry.config.clone()),
            ..llama()
        };
        assert_eq!(size(&s).unwrap().name, "GPT-2 (124M)");
        // Another repository with a zoo model's shapes keeps its own name.
        let mut qwen2 = zoo::find("qwen2.5-7b").unwrap().entry.config.clone();
        qwen2.insert("_name_or_path".into(), "Qwen/Qwen2-7B".into());
        let resolved = ModelRef::Config(qwen2).resolve().unwrap();
        assert_eq!(resolved.name, "Qwen/Qwen2-7B");
        assert_eq!(resolved.zoo_id, None);
        // The zoo's own repository, however written, is the zoo model.
        let mut own = zoo::find("qwen2.5-7b").unwrap().entry.config.clone();
        own.insert(
            "_name_or_path".into(),
            "/models/qwen2.5-7b-instruct/".into(),
        );
        let resolved = ModelRef::Config(own).resolve().unwrap();
        assert_eq!(resolved.zoo_id.as_deref(), Some("qwen2.5-7b"));
        let s = TransformerScenario {
            arch: ArchEdits {
                layers: Some(6),
                ..ArchEdits::default()
            },
            ..s
        };
        assert_eq!(size(&s).unwrap().name, "GPT-2 (124M) (edited)");
        // An "edit" to the model's own value is no edit.
        let s = TransformerScenario {
            arch: ArchEdits {
                layers: Some(12),
                ..ArchEdits::default()
            },
            ..s
        };
        assert_eq!(size(&s).unwrap().name, "GPT-2 (124M)");
    }

    /// GPT-2 with a wider hidden size but its own head dim: the attention stays
    /// 768 wide, as set, and the card says so; more query heads alone make its
    /// multi-head attention grouped-query, said too.
    #[test]
    fn edits_that_change_the_attention_shape_are_said() {
        let gpt2 = |arch: ArchEdits| TransformerScenario {
            model: ModelRef::Zoo("gpt2".into()),
            arch,
            ..TransformerScenario::default()
        };
        let warnings = |s| size(&s).unwrap().estimate.warnings;
        let w = warnings(gpt2(ArchEdits {
            hidden: Some(1536),
            ..ArchEdits::default()
        }));
        assert!(
            w.iter().any(|w| w.starts_with("The attention is 12 heads × 64 head dim = 768 wide, the hidden size 1,536: a head dim of 128 would make them equal.")),
            "{w:?}"
        );
        let w = warnings(gpt2(ArchEdits {
            hidden: Some(1536),
            head_dim: Some(128),
            ..ArchEdits::default()
        }));
        assert!(w.iter().all(|w| !w.contains("head dim")), "{w:?}");
        let w = warnings(gpt2(ArchEdits {
            heads: Some(24),
            head_dim: Some(32),
            ..ArchEdits::default()
        }));
        assert!(
            w.iter()
                .any(|w| w.starts_with("24 query heads share 12 key/value heads")),
            "{w:?}"
        );
        // The model as it is: nothing to say.
        assert!(
            warnings(gpt2(ArchEdits::default()))
                .iter()
                .all(|w| !w.contains("heads"))
        );
    }

    /// A KV-cache format the chosen engine cannot run is refused at the field:
    /// vLLM has no GGUF cache; llama.cpp quantizes the V cache only with
    /// FlashAttention.
    #[test]
    fn a_kv_format_the_engine_lacks_is_refused() {
        use crate::transformer::ServingEngine;
        let served = |engine, kv, flash_attention| TransformerScenario {
            engine,
            kv,
            flash_attention,
            ..TransformerScenario::default()
        };
        let refused = |s: TransformerScenario| {
            size(&s)
                .err()
                .and_then(|e| e.into_iter().find(|e| e.path == KV_PATH))
                .map(|e| e.message)
        };
        assert_eq!(
            refused(served(ServingEngine::Vllm, KvFormat::Q4_0, true)).as_deref(),
            Some(
                "vLLM caches keys and values in the model's format or FP8 (kv_cache_dtype), not GGUF q4_0."
            )
        );
        assert_eq!(
            refused(served(ServingEngine::Vllm, KvFormat::Fp8, true)),
            None
        );
        assert_eq!(
            refused(served(ServingEngine::LlamaCpp, KvFormat::Q8_0, false)).as_deref(),
            Some(
                "llama.cpp quantizes the V cache only with FlashAttention (-fa): turn FlashAttention on, or cache in F16."
            )
        );
        assert_eq!(
            refused(served(ServingEngine::LlamaCpp, KvFormat::Q8_0, true)),
            None
        );
        assert!(refused(served(ServingEngine::LlamaCpp, KvFormat::Fp8, true)).is_some());
        assert!(refused(served(ServingEngine::TensorRtLlm, KvFormat::Int8, true)).is_none());
        assert!(refused(served(ServingEngine::Generic, KvFormat::Q4_0, false)).is_none());
        assert!(refused(served(ServingEngine::Transformers, KvFormat::Q8_0, true)).is_some());
        // FP32 keys and values only where the model runs in FP32.
        assert_eq!(
            refused(served(ServingEngine::Vllm, KvFormat::Fp32, true)).as_deref(),
            Some(
                "vLLM caches keys and values in FP32 only when the model runs in FP32 (weights FP32): cache in FP16, BF16 or FP8."
            )
        );
        let fp32 = TransformerScenario {
            weights: WeightFormat::Fp32,
            ..served(ServingEngine::Vllm, KvFormat::Fp32, true)
        };
        assert_eq!(refused(fp32), None);
        assert!(refused(served(ServingEngine::TensorRtLlm, KvFormat::Fp32, true)).is_some());
        assert!(refused(served(ServingEngine::LlamaCpp, KvFormat::Fp32, true)).is_none());
        assert!(refused(served(ServingEngine::Transformers, KvFormat::Fp32, true)).is_none());
        // An encoder has no KV cache: its format is not asked about.
        let bert = TransformerScenario {
            model: ModelRef::Zoo("bert-base".into()),
            ..served(ServingEngine::Vllm, KvFormat::Q4_0, true)
        };
        assert!(size(&bert).is_ok());
    }

    /// vLLM takes the model's positions as --max-model-len: where the KV cache of
    /// the memory given holds fewer tokens, the card says how to start it.
    #[test]
    fn vllm_says_when_its_default_max_model_len_would_not_start() {
        use crate::transformer::ServingEngine;
        let at = |memory_gib: f64| TransformerScenario {
            engine: ServingEngine::Vllm,
            memory_gib,
            ..TransformerScenario::default()
        };
        let warned = |s: TransformerScenario| {
            size(&s)
                .unwrap()
                .estimate
                .warnings
                .into_iter()
                .find(|w| w.contains("--max-model-len"))
        };
        // Llama-3.1-8B (131,072 positions) in 24 GiB: far fewer tokens fit.
        let w = warned(at(24.0)).expect("a warning");
        assert!(w.starts_with("In 24 GiB vLLM's KV cache holds "), "{w}");
        assert!(
            w.ends_with("Start it with --max-model-len 4,096 (this context)."),
            "{w}"
        );
        // On an 80 GB GPU a whole 131,072-token sequence fits: nothing to say.
        assert_eq!(warned(at(79.19)), None);
        // Where the weights leave nothing, no flag would help.
        let w = size(&at(16.0)).unwrap().estimate.warnings;
        assert!(
            w.iter().any(|w| w == "In 16 GiB vLLM has no room left for a KV cache: it would not start."),
            "{w:?}"
        );
    }
}
