//! The transformer page's inputs as typed, and what they evaluate to: a message
//! per field that is wrong, or the full result. The UI only shows what this returns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::arch::{Architecture, FfnKind, ParamCount};
use super::hf::{ImportError, Imported, import, import_object};
use super::memory::{
    Estimate, EstimateError, InferenceWorkload, MAX_CONTEXT, MAX_SEQUENCES, MAX_TP, MIB, Reverse,
    inference, kv_bytes_per_token, max_context, max_sequences,
};
use super::quant::{KvFormat, WeightFormat};
use super::training::{
    LoraTargets, MAX_MICRO_BATCH, MAX_PARALLEL, Method, Recipe, Recompute, TrainOptimizer,
    TrainingWorkload, lora_params, training,
};
use super::zoo;
use crate::input::{capitalize, parse_decimal, parse_whole, trim_float};

/// The model opened first.
pub const DEFAULT_MODEL: &str = "llama-3.1-8b";

pub use crate::mode::Mode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    Full,
    Lora,
    Qlora,
}

impl MethodKind {
    pub const ALL: [MethodKind; 3] = [MethodKind::Full, MethodKind::Lora, MethodKind::Qlora];

    pub fn id(self) -> &'static str {
        match self {
            MethodKind::Full => "full",
            MethodKind::Lora => "lora",
            MethodKind::Qlora => "qlora",
        }
    }

    pub fn from_id(id: &str) -> Option<MethodKind> {
        MethodKind::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            MethodKind::Full => "Full training / fine-tuning",
            MethodKind::Lora => "LoRA (frozen BF16 base)",
            MethodKind::Qlora => "QLoRA (frozen 4-bit NF4 base)",
        }
    }
}

/// The editable numbers of the architecture, as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchFields {
    pub layers: String,
    pub hidden: String,
    pub heads: String,
    pub kv_heads: String,
    pub head_dim: String,
    pub ffn: String,
    pub vocab: String,
    pub max_positions: String,
    pub experts: String,
    pub experts_per_token: String,
    pub expert_ffn: String,
    pub gated: bool,
    pub tied: bool,
}

impl ArchFields {
    pub fn of(a: &Architecture) -> ArchFields {
        let s = |v: u64| v.to_string();
        ArchFields {
            layers: s(a.layers.into()),
            hidden: s(a.hidden),
            heads: s(a.heads.into()),
            kv_heads: s(a.kv_heads.into()),
            head_dim: s(a.head_dim),
            ffn: s(a.ffn),
            vocab: s(a.vocab),
            max_positions: s(a.max_positions),
            experts: a.moe.map_or(String::new(), |m| s(m.experts.into())),
            experts_per_token: a
                .moe
                .map_or(String::new(), |m| s(m.experts_per_token.into())),
            expert_ffn: a.moe.map_or(String::new(), |m| s(m.expert_ffn)),
            gated: a.ffn_kind == FfnKind::Gated,
            tied: a.tied_embeddings,
        }
    }
}

/// Everything the user can set on the transformer page, numbers as typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformerForm {
    /// The zoo model the architecture came from; `None` for an imported config.
    pub model: Option<String>,
    /// Display name of the model (zoo name, or the imported config's name).
    pub name: String,
    /// The architecture the fields edit (from the zoo or an import).
    pub base: Architecture,
    /// The imported config.json the base was read from; `None` for a zoo model.
    pub config: Option<Map<String, Value>>,
    pub arch: ArchFields,
    /// Notes from the import of the base (defaults used, parts not counted).
    pub assumptions: Vec<String>,
    pub mode: Mode,
    pub weights: WeightFormat,
    pub quantize_embeddings: bool,
    pub kv: KvFormat,
    /// Concurrent sequences (users or batch) for inference.
    pub sequences: String,
    /// Tokens per sequence: the context for inference, the sequence length for training.
    pub context: String,
    pub prefill_chunk: String,
    pub flash_attention: bool,
    pub window_cache: bool,
    pub tensor_parallel: String,
    pub overhead_mib: String,
    /// vLLM gpu_memory_utilization; "1" for none.
    pub utilization: String,
    pub method: MethodKind,
    pub lora_rank: String,
    pub lora_targets: LoraTargets,
    pub double_quant: bool,
    pub recipe: Recipe,
    pub optimizer: TrainOptimizer,
    pub micro_batch: String,
    pub recompute: Recompute,
    pub data_parallel: String,
    pub zero_stage: u8,
    pub sequence_parallel: bool,
    pub pipeline_parallel: String,
    pub micro_batches: String,
    /// Memory per GPU for the reverse questions, in GiB.
    pub memory_gib: String,
}

impl TransformerForm {
    /// The form for a zoo model, other settings at their defaults.
    pub fn for_model(id: &str) -> Option<TransformerForm> {
        let m = zoo::find(id)?;
        Some(TransformerForm {
            model: Some(m.entry.id.clone()),
            name: m.entry.name.clone(),
            base: m.imported.arch.clone(),
            arch: ArchFields::of(&m.imported.arch),
            assumptions: m.imported.assumptions.clone(),
            ..TransformerForm::defaults(m.imported.arch.clone())
        })
    }

    fn defaults(base: Architecture) -> TransformerForm {
        let inf = InferenceWorkload::default();
        let tr = TrainingWorkload::default();
        TransformerForm {
            model: None,
            name: String::new(),
            config: None,
            arch: ArchFields::of(&base),
            base,
            assumptions: Vec::new(),
            mode: Mode::Inference,
            weights: inf.weights,
            quantize_embeddings: inf.quantize_embeddings,
            kv: inf.kv,
            sequences: inf.sequences.to_string(),
            context: inf.context.to_string(),
            prefill_chunk: inf.prefill_chunk.to_string(),
            flash_attention: inf.flash_attention,
            window_cache: inf.window_cache,
            tensor_parallel: "1".into(),
            overhead_mib: trim_float(inf.runtime_overhead as f64 / MIB as f64),
            utilization: "1".into(),
            method: MethodKind::Full,
            lora_rank: "16".into(),
            lora_targets: LoraTargets::ALL_LINEAR,
            double_quant: true,
            recipe: tr.recipe,
            optimizer: tr.optimizer,
            micro_batch: tr.micro_batch.to_string(),
            recompute: tr.recompute,
            data_parallel: "1".into(),
            zero_stage: 0,
            sequence_parallel: false,
            pipeline_parallel: "1".into(),
            micro_batches: "1".into(),
            memory_gib: "80".into(),
        }
    }

    /// Switches to a zoo model, keeping the workload settings.
    pub fn choose_model(&mut self, id: &str) -> bool {
        let Some(m) = zoo::find(id) else {
            return false;
        };
        self.model = Some(m.entry.id.clone());
        self.name = m.entry.name.clone();
        self.config = None;
        self.base = m.imported.arch.clone();
        self.arch = ArchFields::of(&m.imported.arch);
        self.assumptions = m.imported.assumptions.clone();
        true
    }

    /// Reads a pasted or uploaded config.json; on success the architecture is
    /// replaced, on failure nothing changes.
    pub fn import_config(&mut self, text: &str) -> Result<(), ImportError> {
        let imported = import(text)?;
        let config = serde_json::from_str::<Map<String, Value>>(text).ok();
        self.adopt(imported, config);
        Ok(())
    }

    /// Reads a parsed config.json object, as [`TransformerForm::import_config`].
    pub fn import_config_object(&mut self, config: &Map<String, Value>) -> Result<(), ImportError> {
        let imported = import_object(config)?;
        self.adopt(imported, Some(config.clone()));
        Ok(())
    }

    fn adopt(&mut self, imported: Imported, config: Option<Map<String, Value>>) {
        // A pasted config equal to a zoo entry's is that zoo model.
        let same = zoo::zoo().iter().find(|m| m.imported.arch == imported.arch);
        self.model = same.map(|m| m.entry.id.clone());
        self.name = same.map_or(imported.name.clone(), |m| m.entry.name.clone());
        self.config = config;
        self.arch = ArchFields::of(&imported.arch);
        self.base = imported.arch;
        self.assumptions = imported.assumptions;
    }

    /// Whether the architecture fields still hold the base unchanged.
    pub fn edited(&self) -> bool {
        self.arch != ArchFields::of(&self.base)
    }
}

impl Default for TransformerForm {
    fn default() -> TransformerForm {
        TransformerForm::for_model(DEFAULT_MODEL).expect("the default model is in the zoo")
    }
}

/// Everything the page shows when the inputs are valid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransformerResult {
    pub name: String,
    pub arch: Architecture,
    pub params: ParamCount,
    pub estimate: Estimate,
    /// KV-cache bytes per token (all layers, one GPU), 0 for encoders.
    pub kv_per_token: u64,
    /// Trainable parameters (all, or the adapters).
    pub trainable: u64,
    pub mode: Mode,
    /// The reverse questions for the memory in `memory_gib` (inference only).
    pub max_context: Option<Reverse>,
    pub max_sequences: Option<Reverse>,
    pub memory: u64,
    pub headline: String,
}

/// The result, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransformerOutcome {
    /// Messages by field id (the form's field names).
    pub errors: BTreeMap<String, String>,
    pub result: Option<TransformerResult>,
}

/// The form field an architecture or workload field is typed in.
fn form_field(field: &str) -> &str {
    match field {
        "moe.experts" => "experts",
        "moe.experts_per_token" => "experts_per_token",
        "moe.expert_ffn" => "expert_ffn",
        "sequence" => "context",
        "lora_targets" => "lora_rank",
        f => f,
    }
}

/// Validate every field and, if all are valid, compute the result.
pub fn evaluate(form: &TransformerForm) -> TransformerOutcome {
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    let mut whole = |field: &str, text: &str, min: u64, max: u64| -> Option<u64> {
        parse_whole(text, min, max)
            .map_err(|e| {
                errors.insert(field.to_string(), e);
            })
            .ok()
    };
    use super::arch::limits as l;
    let f = &form.arch;
    let mut a = form.base.clone();
    let layers = whole("layers", &f.layers, 1, l::LAYERS);
    let hidden = whole("hidden", &f.hidden, 1, l::HIDDEN);
    let heads = whole("heads", &f.heads, 1, l::HEADS);
    let kv_heads = whole("kv_heads", &f.kv_heads, 1, l::HEADS);
    let head_dim = whole("head_dim", &f.head_dim, 1, l::HEAD_DIM);
    let ffn = whole("ffn", &f.ffn, 1, l::FFN);
    let vocab_min = u64::from(a.kind != super::arch::ModelKind::Vision);
    let vocab = whole("vocab", &f.vocab, vocab_min, l::VOCAB);
    let max_positions = whole("max_positions", &f.max_positions, 1, l::POSITIONS);
    let moe = a.moe.map(|_| {
        (
            whole("experts", &f.experts, 2, l::EXPERTS),
            whole("experts_per_token", &f.experts_per_token, 1, l::EXPERTS),
            whole("expert_ffn", &f.expert_ffn, 1, l::FFN),
        )
    });
    let sequences = whole("sequences", &form.sequences, 1, MAX_SEQUENCES);
    let context = whole("context", &form.context, 1, MAX_CONTEXT);
    let chunk = whole("prefill_chunk", &form.prefill_chunk, 1, MAX_CONTEXT);
    let tp = whole("tensor_parallel", &form.tensor_parallel, 1, MAX_TP.into());
    let training_mode = form.mode == Mode::Training;
    let rank = whole("lora_rank", &form.lora_rank, 1, 65_536);
    let micro_batch = whole("micro_batch", &form.micro_batch, 1, MAX_MICRO_BATCH);
    let dp = whole("data_parallel", &form.data_parallel, 1, MAX_PARALLEL.into());
    let pp = whole(
        "pipeline_parallel",
        &form.pipeline_parallel,
        1,
        MAX_PARALLEL.into(),
    );
    let mbs = whole("micro_batches", &form.micro_batches, 1, MAX_PARALLEL.into());
    let mut decimal = |field: &str, text: &str, min: f64, max: f64| -> Option<f64> {
        parse_decimal(text, min, max)
            .map_err(|e| {
                errors.insert(field.to_string(), e);
            })
            .ok()
    };
    let overhead = decimal("overhead_mib", &form.overhead_mib, 0.0, 1_048_576.0);
    let utilization = decimal("utilization", &form.utilization, 0.05, 1.0);
    let memory_gib = decimal("memory_gib", &form.memory_gib, 0.001, 1_048_576.0);

    // Errors that do not concern the current mode are not shown.
    let inference_only = ["sequences", "prefill_chunk", "utilization", "memory_gib"];
    let training_only = [
        "lora_rank",
        "micro_batch",
        "data_parallel",
        "pipeline_parallel",
        "micro_batches",
    ];
    errors.retain(|k, _| {
        if training_mode {
            !inference_only.contains(&k.as_str())
        } else {
            !training_only.contains(&k.as_str())
        }
    });
    if training_mode && form.method == MethodKind::Full {
        errors.remove("lora_rank");
    }
    let fail = |errors: BTreeMap<String, String>| TransformerOutcome {
        errors,
        result: None,
    };

    let (
        Some(layers),
        Some(hidden),
        Some(heads),
        Some(kv_heads),
        Some(head_dim),
        Some(ffn),
        Some(vocab),
        Some(max_positions),
    ) = (
        layers,
        hidden,
        heads,
        kv_heads,
        head_dim,
        ffn,
        vocab,
        max_positions,
    )
    else {
        return fail(errors);
    };
    a.layers = layers as u32;
    a.hidden = hidden;
    a.heads = heads as u32;
    a.kv_heads = kv_heads as u32;
    a.ffn = ffn;
    a.vocab = vocab;
    a.max_positions = max_positions;
    a.ffn_kind = if f.gated {
        FfnKind::Gated
    } else {
        FfnKind::Plain
    };
    a.tied_embeddings = f.tied;
    if a.mla.is_none() {
        a.head_dim = head_dim;
    } else if head_dim != a.head_dim {
        errors.insert(
            "head_dim".into(),
            "Multi-head latent attention sets the head width from its own dimensions; import a config to change them.".into(),
        );
    }
    if let (Some(m), Some((experts, k, expert_ffn))) = (a.moe.as_mut(), moe) {
        let (Some(experts), Some(k), Some(expert_ffn)) = (experts, k, expert_ffn) else {
            return fail(errors);
        };
        m.experts = experts as u32;
        m.experts_per_token = k as u32;
        m.expert_ffn = expert_ffn;
    }
    for e in a.validate() {
        errors
            .entry(form_field(&e.field).to_string())
            .or_insert_with(|| capitalize(&e.message) + ".");
    }
    // A bad memory size for the reverse questions does not block the estimate.
    if errors.keys().any(|k| k != "memory_gib") {
        return fail(errors);
    }
    let params = a.params();
    let kv_per_token = kv_bytes_per_token(&a, form.kv, 1);
    let overhead = overhead.map(|o| (o * MIB as f64).round() as u64);

    let (Some(context), Some(tp), Some(overhead)) = (context, tp, overhead) else {
        return fail(errors);
    };
    let name = if form.edited() {
        format!("{} (edited)", form.name)
    } else {
        form.name.clone()
    };
    let record = |errors: &mut BTreeMap<String, String>, e: EstimateError| match e {
        EstimateError::Field { field, message } => {
            errors.insert(form_field(&field).to_string(), capitalize(&message) + ".");
        }
        EstimateError::TooLarge => {
            errors.insert("context".into(), capitalize(&e.to_string()) + ".");
        }
    };
    if training_mode {
        let (Some(micro_batch), Some(dp), Some(pp), Some(mbs)) = (micro_batch, dp, pp, mbs) else {
            return fail(errors);
        };
        let method = match form.method {
            MethodKind::Full => Method::Full,
            kind => {
                let Some(rank) = rank else {
                    return fail(errors);
                };
                if kind == MethodKind::Lora {
                    Method::Lora {
                        rank,
                        targets: form.lora_targets,
                    }
                } else {
                    Method::Qlora {
                        rank,
                        targets: form.lora_targets,
                        double_quant: form.double_quant,
                    }
                }
            }
        };
        let w = TrainingWorkload {
            method,
            recipe: form.recipe,
            optimizer: form.optimizer,
            micro_batch,
            sequence: context,
            recompute: form.recompute,
            flash_attention: form.flash_attention,
            data_parallel: dp as u32,
            zero_stage: form.zero_stage,
            tensor_parallel: tp as u32,
            sequence_parallel: form.sequence_parallel,
            pipeline_parallel: pp as u32,
            micro_batches: mbs as u32,
            runtime_overhead: overhead,
        };
        return match training(&a, &params, &w) {
            Ok(estimate) => {
                let trainable = match method {
                    Method::Full => params.total,
                    Method::Lora { rank, targets } | Method::Qlora { rank, targets, .. } => {
                        lora_params(&a, &params, rank, targets)
                    }
                };
                let headline = format!(
                    "{} {name}: micro-batch {} × {} tokens, {}, {}",
                    form.method.label().split(" (").next().unwrap_or("Training"),
                    micro_batch,
                    crate::units::group_digits(context),
                    form.optimizer.label().split(" — ").next().unwrap_or(""),
                    parallel_label(tp as u32, pp as u32, dp as u32, form.zero_stage)
                );
                TransformerOutcome {
                    errors,
                    result: Some(TransformerResult {
                        name,
                        arch: a,
                        params,
                        estimate,
                        kv_per_token,
                        trainable,
                        mode: Mode::Training,
                        max_context: None,
                        max_sequences: None,
                        memory: 0,
                        headline,
                    }),
                }
            }
            Err(e) => {
                record(&mut errors, e);
                fail(errors)
            }
        };
    }
    let (Some(sequences), Some(chunk), Some(utilization)) = (sequences, chunk, utilization) else {
        return fail(errors);
    };
    let w = InferenceWorkload {
        weights: form.weights,
        quantize_embeddings: form.quantize_embeddings,
        kv: form.kv,
        sequences,
        context,
        prefill_chunk: chunk,
        flash_attention: form.flash_attention,
        window_cache: form.window_cache,
        tensor_parallel: tp as u32,
        runtime_overhead: overhead,
        memory_utilization: utilization,
    };
    match inference(&a, &params, &w) {
        Ok(estimate) => {
            // A bad memory size only blanks the reverse answers.
            let memory = memory_gib.map(|g| (g * 1_073_741_824.0).round() as u64);
            let generates = a.kind.generates();
            let headline = if generates {
                format!(
                    "Serving {name} in {}: {} sequence{} × {} tokens{}",
                    form.weights.label().split(" — ").next().unwrap_or(""),
                    crate::units::group_digits(sequences),
                    if sequences == 1 { "" } else { "s" },
                    crate::units::group_digits(context),
                    if tp > 1 {
                        format!(", tensor parallel over {tp} GPUs")
                    } else {
                        String::new()
                    }
                )
            } else {
                format!(
                    "Inference with {name} in {}: batch {}",
                    form.weights.label().split(" — ").next().unwrap_or(""),
                    crate::units::group_digits(sequences)
                )
            };
            TransformerOutcome {
                errors,
                result: Some(TransformerResult {
                    max_context: memory
                        .filter(|_| generates)
                        .map(|m| max_context(&a, &params, &w, m)),
                    max_sequences: memory.map(|m| max_sequences(&a, &params, &w, m)),
                    name,
                    arch: a,
                    params: params.clone(),
                    estimate,
                    kv_per_token,
                    trainable: 0,
                    mode: Mode::Inference,
                    memory: memory.unwrap_or(0),
                    headline,
                }),
            }
        }
        Err(e) => {
            record(&mut errors, e);
            fail(errors)
        }
    }
}

fn parallel_label(tp: u32, pp: u32, dp: u32, zero: u8) -> String {
    let mut parts = Vec::new();
    if tp > 1 {
        parts.push(format!("TP {tp}"));
    }
    if pp > 1 {
        parts.push(format!("PP {pp}"));
    }
    if dp > 1 {
        parts.push(format!("DP {dp}"));
    }
    if zero > 0 {
        parts.push(format!("ZeRO-{zero}"));
    }
    if parts.is_empty() {
        "one GPU".to_string()
    } else {
        format!("per GPU with {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transformer::TermKind;

    #[test]
    fn opens_on_llama_3_1_8b_serving_one_sequence() {
        let out = evaluate(&TransformerForm::default());
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let r = out.result.unwrap();
        assert_eq!(r.params.total, 8_030_261_248);
        assert_eq!(r.estimate.bytes(TermKind::KvCache), 4_096 * 131_072);
        assert!(matches!(r.max_sequences, Some(Reverse::Fits { .. })));
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let mut form = TransformerForm {
            sequences: "0".into(),
            context: "abc".into(),
            overhead_mib: "-1".into(),
            ..TransformerForm::default()
        };
        form.arch.kv_heads = "5".into();
        let out = evaluate(&form);
        assert!(out.result.is_none());
        assert_eq!(out.errors["sequences"], "Must be between 1 and 1,048,576.");
        assert_eq!(out.errors["context"], "'abc' is not a number.");
        assert_eq!(
            out.errors["overhead_mib"],
            "Must be between 0 and 1,048,576."
        );
        // The architecture is checked once its numbers parse.
        form.sequences = "1".into();
        form.context = "4096".into();
        form.overhead_mib = "1024".into();
        assert_eq!(
            evaluate(&form).errors["kv_heads"],
            "The 32 query heads do not divide into groups of 5 key/value heads."
        );
    }

    #[test]
    fn workload_rules_are_reported_on_their_field() {
        let mut form = TransformerForm {
            tensor_parallel: "3".into(),
            ..TransformerForm::default()
        };
        assert_eq!(
            evaluate(&form).errors["tensor_parallel"],
            "3 GPUs do not divide the 32 attention heads evenly."
        );
        form.tensor_parallel = "1".into();
        form.mode = Mode::Training;
        form.pipeline_parallel = "40".into();
        assert_eq!(
            evaluate(&form).errors["pipeline_parallel"],
            "40 stages is more than the 32 layers."
        );
    }

    #[test]
    fn a_bad_gpu_memory_keeps_the_estimate() {
        let form = TransformerForm {
            memory_gib: "lots".into(),
            ..TransformerForm::default()
        };
        let out = evaluate(&form);
        assert_eq!(out.errors["memory_gib"], "'lots' is not a number.");
        let r = out.result.unwrap();
        assert_eq!(r.max_context, None);
        assert_eq!(r.max_sequences, None);
    }

    #[test]
    fn fields_of_the_other_mode_do_not_block() {
        let mut form = TransformerForm {
            micro_batch: "0".into(),
            ..TransformerForm::default()
        };
        assert!(evaluate(&form).result.is_some());
        form.mode = Mode::Training;
        form.sequences = "0".into();
        form.micro_batch = "1".into();
        assert!(evaluate(&form).result.is_some());
    }

    #[test]
    fn importing_keeps_the_model_on_error_and_recognises_zoo_configs() {
        let mut form = TransformerForm::default();
        assert!(form.import_config("{\"model_type\": \"rwkv\"}").is_err());
        assert_eq!(form.model.as_deref(), Some(DEFAULT_MODEL));
        let gpt2 = zoo::config_text(zoo::find("gpt2").unwrap());
        form.import_config(&gpt2).unwrap();
        assert_eq!(form.model.as_deref(), Some("gpt2"));
        assert!(!form.edited());
        form.arch.layers = "6".into();
        assert!(form.edited());
        assert_eq!(
            evaluate(&form).result.unwrap().name,
            "GPT-2 (124M) (edited)"
        );
    }
}
