//! The transformer page's inputs as typed, and the one conversion of them into
//! the transformer part of a scenario ([`TransformerScenario::from_form`]), and
//! back ([`TransformerScenario::to_form`]) when a link or a saved scenario is opened.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::arch::{Architecture, FfnKind};
use super::engine::ServingEngine;
use super::hf::{ImportError, import};
use super::memory::InferenceWorkload;
use super::quant::{KvFormat, WeightFormat};
use super::size::{self as rules, Resolved};
use super::training::{
    LoraTargets, MethodKind, Offload, Recipe, Recompute, Schedule, TrainOptimizer,
    TrainingWorkload, ZeroAccounting,
};
use super::zoo::{self, DEFAULT_MODEL};
use crate::input::number_text;
use crate::scenario::{ArchEdits, FieldError, FromForm, ModelRef, TransformerScenario};

pub use crate::mode::Mode;

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
    /// The serving engine whose memory rule applies.
    pub engine: ServingEngine,
    /// The engine's memory fraction; empty for the engine's default.
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
    pub pipeline_schedule: Schedule,
    pub virtual_stages: String,
    pub offload: Offload,
    pub zero_accounting: ZeroAccounting,
    /// Memory per GPU for the reverse questions, in GiB.
    pub memory_gib: String,
}

impl TransformerForm {
    /// The form for a zoo model, other settings at their defaults.
    pub fn for_model(id: &str) -> Option<TransformerForm> {
        let m = zoo::find(id)?;
        let mut form = TransformerForm::defaults(m.imported.arch.clone());
        form.choose_model(id).then_some(form)
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
            prefill_chunk: String::new(),
            flash_attention: inf.flash_attention,
            window_cache: inf.window_cache,
            tensor_parallel: "1".into(),
            overhead_mib: String::new(),
            engine: ServingEngine::Generic,
            utilization: String::new(),
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
            pipeline_schedule: Schedule::OneFOneB,
            virtual_stages: "2".into(),
            offload: Offload::None,
            zero_accounting: ZeroAccounting::Paper,
            memory_gib: "80".into(),
        }
    }

    /// Switches to a zoo model, keeping the workload settings.
    pub fn choose_model(&mut self, id: &str) -> bool {
        match ModelRef::Zoo(id.to_string()).resolve() {
            Ok(m) => {
                self.adopt(m, None);
                true
            }
            Err(_) => false,
        }
    }

    /// Reads a pasted or uploaded config.json; on success the architecture is
    /// replaced, on failure nothing changes.
    pub fn import_config(&mut self, text: &str) -> Result<(), ImportError> {
        import(text)?;
        let text = crate::input::without_bom(text);
        let config = serde_json::from_str::<Map<String, Value>>(text).ok();
        let model = config.clone().map(ModelRef::Config);
        match model.map(|m| m.resolve()) {
            Some(Ok(m)) => {
                self.adopt(m, config);
                Ok(())
            }
            Some(Err(e)) => Err(ImportError {
                field: None,
                message: e.message,
            }),
            None => Err(ImportError {
                field: None,
                message: "a config.json is one JSON object".into(),
            }),
        }
    }

    fn adopt(&mut self, m: Resolved, config: Option<Map<String, Value>>) {
        self.model = m.zoo_id;
        self.name = m.name;
        self.config = config;
        self.arch = ArchFields::of(&m.arch);
        self.base = m.arch;
        self.assumptions = m.assumptions;
    }

    /// Chooses the training method. Activation recomputation follows the method's
    /// common recipe ([`MethodKind::usual_recompute`]) unless it was changed from
    /// the previous method's: adapters are trained with checkpointing.
    pub fn set_method(&mut self, method: MethodKind) {
        if self.recompute == self.method.usual_recompute() {
            self.recompute = method.usual_recompute();
        }
        self.method = method;
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

/// The architecture numbers a scenario may edit: each rule with its text in
/// [`ArchFields`] and its value in [`ArchEdits`].
macro_rules! arch_numbers {
    ($m:ident) => {
        $m!(LAYERS, layers);
        $m!(HIDDEN, hidden);
        $m!(HEADS, heads);
        $m!(KV_HEADS, kv_heads);
        $m!(HEAD_DIM, head_dim);
        $m!(FFN, ffn);
        $m!(MAX_POSITIONS, max_positions);
        $m!(EXPERTS, experts);
        $m!(EXPERTS_PER_TOKEN, experts_per_token);
        $m!(EXPERT_FFN, expert_ffn);
    };
}

impl TransformerScenario {
    /// The transformer part of a scenario, read once from the page's fields. A field
    /// that holds no number keeps its `last` value and gets a message; one that does
    /// not count in the form's mode gets none. Architecture fields become edits only
    /// where they differ from the model's own numbers.
    pub fn from_form(
        form: &TransformerForm,
        last: Option<&TransformerScenario>,
    ) -> FromForm<TransformerScenario> {
        let model = match (&form.model, &form.config) {
            (Some(id), _) => ModelRef::Zoo(id.clone()),
            (None, Some(config)) => ModelRef::Config(config.clone()),
            (None, None) => last.map_or_else(ModelRef::default, |l| l.model.clone()),
        };
        let (mode, method) = (form.mode, form.method);
        let mut r = crate::field::Reader::new(|path: &str| rules::counts(path, mode, method));
        let base = ArchFields::of(&form.base);
        let last_edits = last.map(|l| l.arch.clone()).unwrap_or_default();
        let mut arch = ArchEdits::default();
        macro_rules! edit {
            ($rule:ident, $f:ident) => {
                if form.arch.$f != base.$f {
                    let fallback = last_edits.$f.unwrap_or(0);
                    let v = r.whole(rules::$rule, &form.arch.$f, fallback);
                    arch.$f = (base.$f.parse::<u64>().ok() != Some(v)).then_some(v);
                }
            };
        }
        arch_numbers!(edit);
        if form.arch.vocab != base.vocab {
            let rule = rules::vocab_rule(form.base.kind);
            let v = r.whole(rule, &form.arch.vocab, last_edits.vocab.unwrap_or(0));
            arch.vocab = (form.base.vocab != v).then_some(v);
        }
        arch.gated = (form.arch.gated != base.gated).then_some(form.arch.gated);
        arch.tied = (form.arch.tied != base.tied).then_some(form.arch.tied);

        // Each number: the text read with its rule, or the last value.
        macro_rules! whole {
            ($rule:ident, $f:ident) => {
                r.whole(rules::$rule, &form.$f, last.map_or(0, |s| s.$f))
            };
        }
        macro_rules! decimal {
            ($rule:ident, $f:ident) => {
                r.decimal(rules::$rule, &form.$f, last.map_or(0.0, |s| s.$f))
            };
        }
        let part = TransformerScenario {
            model,
            arch,
            mode,
            weights: form.weights,
            quantize_embeddings: form.quantize_embeddings,
            kv: form.kv,
            sequences: whole!(SEQUENCES, sequences),
            context: whole!(CONTEXT, context),
            prefill_chunk: (!form.prefill_chunk.trim().is_empty()).then(|| {
                r.whole(
                    rules::PREFILL_CHUNK,
                    &form.prefill_chunk,
                    last.and_then(|s| s.prefill_chunk)
                        .unwrap_or_else(|| form.engine.default_prefill_chunk()),
                )
            }),
            flash_attention: form.flash_attention,
            window_cache: form.window_cache,
            tensor_parallel: whole!(TENSOR_PARALLEL, tensor_parallel),
            overhead_mib: (!form.overhead_mib.trim().is_empty()).then(|| {
                r.decimal(
                    rules::OVERHEAD_MIB,
                    &form.overhead_mib,
                    last.and_then(|s| s.overhead_mib).unwrap_or(0.0),
                )
            }),
            engine: form.engine,
            utilization: (!form.utilization.trim().is_empty()).then(|| {
                r.decimal(
                    rules::UTILIZATION,
                    &form.utilization,
                    last.and_then(|s| s.utilization).unwrap_or(1.0),
                )
            }),
            memory_gib: decimal!(MEMORY_GIB, memory_gib),
            method,
            lora_rank: whole!(LORA_RANK, lora_rank),
            lora_targets: form.lora_targets,
            double_quant: form.double_quant,
            recipe: form.recipe,
            optimizer: form.optimizer,
            micro_batch: whole!(MICRO_BATCH, micro_batch),
            recompute: (form.recompute != form.method.usual_recompute()).then_some(form.recompute),
            data_parallel: whole!(DATA_PARALLEL, data_parallel),
            zero_stage: form.zero_stage,
            sequence_parallel: form.sequence_parallel,
            pipeline_parallel: whole!(PIPELINE_PARALLEL, pipeline_parallel),
            micro_batches: whole!(MICRO_BATCHES, micro_batches),
            pipeline_schedule: form.pipeline_schedule,
            virtual_stages: whole!(VIRTUAL_STAGES, virtual_stages),
            offload: form.offload,
            zero_accounting: form.zero_accounting,
        };
        FromForm {
            part,
            unread: r.unread,
        }
    }

    /// The page's fields for this part of a scenario. An unknown model, an
    /// unreadable config or expert edits on a dense model cannot be shown on the
    /// page: that is an error at its path.
    pub fn to_form(&self) -> Result<TransformerForm, FieldError> {
        let m = self.model_with_edits()?;
        let a = &self.arch;
        let mut form = TransformerForm::defaults(m.arch.clone());
        let config = match &self.model {
            ModelRef::Config(map) => Some(map.clone()),
            ModelRef::Zoo(_) => None,
        };
        form.adopt(m, config);
        macro_rules! set {
            ($rule:ident, $f:ident) => {
                if let Some(v) = a.$f {
                    form.arch.$f = v.to_string();
                }
            };
        }
        arch_numbers!(set);
        if let Some(v) = a.vocab {
            form.arch.vocab = v.to_string();
        }
        form.arch.gated = a.gated.unwrap_or(form.arch.gated);
        form.arch.tied = a.tied.unwrap_or(form.arch.tied);
        let whole = |v: u64| v.to_string();
        Ok(TransformerForm {
            mode: self.mode,
            weights: self.weights,
            quantize_embeddings: self.quantize_embeddings,
            kv: self.kv,
            sequences: whole(self.sequences),
            context: whole(self.context),
            prefill_chunk: self.prefill_chunk.map_or_else(String::new, whole),
            flash_attention: self.flash_attention,
            window_cache: self.window_cache,
            tensor_parallel: whole(self.tensor_parallel),
            overhead_mib: self.overhead_mib.map_or_else(String::new, number_text),
            engine: self.engine,
            utilization: self.utilization.map_or_else(String::new, number_text),
            memory_gib: number_text(self.memory_gib),
            method: self.method,
            lora_rank: whole(self.lora_rank),
            lora_targets: self.lora_targets,
            double_quant: self.double_quant,
            recipe: self.recipe,
            optimizer: self.optimizer,
            micro_batch: whole(self.micro_batch),
            recompute: self.recompute(),
            data_parallel: whole(self.data_parallel),
            zero_stage: self.zero_stage,
            sequence_parallel: self.sequence_parallel,
            pipeline_parallel: whole(self.pipeline_parallel),
            micro_batches: whole(self.micro_batches),
            pipeline_schedule: self.pipeline_schedule,
            virtual_stages: whole(self.virtual_stages),
            offload: self.offload,
            zero_accounting: self.zero_accounting,
            ..form
        })
    }
}

impl Default for TransformerScenario {
    fn default() -> TransformerScenario {
        TransformerScenario::from_form(&TransformerForm::default(), None).part
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::mode::Mode;

    #[test]
    fn the_opening_form_is_the_default_scenario_and_back() {
        let read = TransformerScenario::from_form(&TransformerForm::default(), None);
        assert!(read.unread.is_empty());
        assert_eq!(read.part.to_form().unwrap(), TransformerForm::default());
        assert_eq!(read.part.model, ModelRef::Zoo(DEFAULT_MODEL.into()));
    }

    #[test]
    fn edits_and_settings_survive_form_and_back() {
        let s = TransformerScenario {
            model: ModelRef::Zoo("mixtral-8x7b".into()),
            arch: ArchEdits {
                layers: Some(16),
                experts: Some(4),
                tied: Some(true),
                ..ArchEdits::default()
            },
            weights: WeightFormat::Int4G128,
            kv: KvFormat::Fp8,
            sequences: 64,
            context: 32_768,
            overhead_mib: Some(1536.5),
            ..TransformerScenario::default()
        };
        let form = s.to_form().unwrap();
        assert_eq!(form.arch.layers, "16");
        assert_eq!(form.overhead_mib, "1536.5");
        let back = TransformerScenario::from_form(&form, None);
        assert_eq!(back.part, s);
        assert!(back.unread.is_empty());
    }

    #[test]
    fn text_keeps_the_last_number_and_says_why_where_it_counts() {
        let last = TransformerScenario {
            context: 8_192,
            ..TransformerScenario::default()
        };
        let form = TransformerForm {
            context: "8k?".into(),
            micro_batch: "??".into(),
            ..TransformerForm::default()
        };
        let read = TransformerScenario::from_form(&form, Some(&last));
        assert_eq!(read.part.context, 8_192);
        assert_eq!(read.part.micro_batch, last.micro_batch);
        // The micro-batch does not count for serving: no message for it.
        assert_eq!(read.unread.len(), 1, "{:?}", read.unread);
        assert_eq!(read.unread[0].path, rules::CONTEXT.path);
        let training = TransformerForm {
            mode: Mode::Training,
            ..form
        };
        let read = TransformerScenario::from_form(&training, Some(&last));
        assert_eq!(read.unread.len(), 2);
    }

    #[test]
    fn unknown_models_and_expert_edits_of_a_dense_model_cannot_open() {
        let s = TransformerScenario {
            model: ModelRef::Zoo("gpt-5".into()),
            ..TransformerScenario::default()
        };
        assert_eq!(s.to_form().unwrap_err().path, rules::MODEL);
        let s = TransformerScenario {
            arch: ArchEdits {
                experts: Some(8),
                ..ArchEdits::default()
            },
            ..TransformerScenario::default()
        };
        let e = s.to_form().unwrap_err();
        assert_eq!(e.path, rules::EXPERTS.path);
        assert_eq!(e.message, "Llama-3.1-8B is not a mixture of experts");
    }

    #[test]
    fn a_config_with_a_byte_order_mark_is_read() {
        let mut form = TransformerForm::default();
        let gpt2 = zoo::config_text(zoo::find("gpt2").unwrap());
        form.import_config(&format!("\u{feff}{gpt2}")).unwrap();
        assert_eq!(form.model.as_deref(), Some("gpt2"));
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
        let read = TransformerScenario::from_form(&form, None);
        assert_eq!(read.part.arch.layers, Some(6));
    }

    #[test]
    fn adapters_bring_checkpointing_unless_it_was_chosen() {
        use crate::transformer::training::{MethodKind, Recompute};
        let mut f = TransformerForm::default();
        assert_eq!(f.recompute, Recompute::None);
        f.set_method(MethodKind::Qlora);
        assert_eq!(f.recompute, Recompute::Full);
        f.set_method(MethodKind::Lora);
        assert_eq!(f.recompute, Recompute::Full);
        f.set_method(MethodKind::Full);
        assert_eq!(f.recompute, Recompute::None);
        // A choice the user made is kept.
        f.recompute = Recompute::Selective;
        f.set_method(MethodKind::Qlora);
        assert_eq!(f.recompute, Recompute::Selective);
    }
}
