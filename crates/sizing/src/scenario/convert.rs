//! Scenarios to the app's forms (numbers become the text of the fields) and back.
//!
//! A form goes into a scenario as long as every field that matters for its mode
//! holds a number, even one out of range: the link then keeps what the user typed,
//! and the field shows its message again after a reload.

use super::{
    ArchEdits, CnnScenario, Deployment, FieldError, ModelRef, NetworkRef, TransformerScenario,
};
use crate::catalog::form::FitForm;
use crate::cnn::form::CnnForm;
use crate::cnn::{Preset, text};
use crate::input::{parse_decimal, parse_whole};
use crate::mode::Mode;
use crate::transformer::form::{ArchFields, DEFAULT_MODEL, MethodKind, TransformerForm};

/// A number as a field shows it: whole numbers grouped ("1,024"), others in full
/// (Rust prints the shortest text that reads back as the same `f64`).
pub fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let sign = if v < 0.0 { "-" } else { "" };
        format!("{sign}{}", crate::units::group_digits(v.abs() as u64))
    } else {
        format!("{v}")
    }
}

fn whole(text: &str) -> Option<u64> {
    parse_whole(text, 0, u64::MAX).ok()
}

fn decimal(text: &str) -> Option<f64> {
    parse_decimal(text, f64::MIN, f64::MAX).ok()
}

/// The arch fields that exist in [`ArchEdits`], with their text in [`ArchFields`].
macro_rules! arch_numbers {
    ($m:ident) => {
        $m!(layers);
        $m!(hidden);
        $m!(heads);
        $m!(kv_heads);
        $m!(head_dim);
        $m!(ffn);
        $m!(vocab);
        $m!(max_positions);
        $m!(experts);
        $m!(experts_per_token);
        $m!(expert_ffn);
    };
}

/// Names of the architecture fields, as the transformer form reports errors on them.
pub(crate) const ARCH_FIELDS: [&str; 13] = [
    "layers",
    "hidden",
    "heads",
    "kv_heads",
    "head_dim",
    "ffn",
    "vocab",
    "max_positions",
    "experts",
    "experts_per_token",
    "expert_ffn",
    "gated",
    "tied",
];

impl TransformerScenario {
    /// The transformer page's fields for this scenario; an unknown model or an
    /// unreadable config is an error on `model`.
    pub fn to_form(&self) -> Result<TransformerForm, FieldError> {
        let mut form = match &self.model {
            ModelRef::Zoo(id) => TransformerForm::for_model(id).ok_or_else(|| {
                FieldError::new(
                    "model",
                    format!(
                        "\"{id}\" is not in the model zoo; use a zoo id such as \"{DEFAULT_MODEL}\", or the config.json object itself"
                    ),
                )
            })?,
            ModelRef::Config(map) => {
                let mut form = TransformerForm::default();
                form.import_config_object(map).map_err(|e| match e.field {
                    Some(k) => FieldError::new(format!("model.{k}"), e.message),
                    None => FieldError::new("model", e.message),
                })?;
                form
            }
        };
        let a = &self.arch;
        if form.base.moe.is_none() {
            let moe = [
                ("experts", a.experts),
                ("experts_per_token", a.experts_per_token),
                ("expert_ffn", a.expert_ffn),
            ];
            if let Some((k, _)) = moe.iter().find(|(_, v)| v.is_some()) {
                return Err(FieldError::new(
                    format!("arch.{k}"),
                    format!("{} is not a mixture of experts", form.name),
                ));
            }
        }
        macro_rules! set {
            ($f:ident) => {
                if let Some(v) = a.$f {
                    form.arch.$f = v.to_string();
                }
            };
        }
        arch_numbers!(set);
        if let Some(g) = a.gated {
            form.arch.gated = g;
        }
        if let Some(t) = a.tied {
            form.arch.tied = t;
        }
        form.mode = self.mode;
        form.weights = self.weights;
        form.quantize_embeddings = self.quantize_embeddings;
        form.kv = self.kv;
        form.sequences = self.sequences.to_string();
        form.context = self.context.to_string();
        form.prefill_chunk = self.prefill_chunk.to_string();
        form.flash_attention = self.flash_attention;
        form.window_cache = self.window_cache;
        form.tensor_parallel = self.tensor_parallel.to_string();
        form.overhead_mib = number_text(self.overhead_mib);
        form.utilization = number_text(self.utilization);
        form.memory_gib = number_text(self.memory_gib);
        form.method = self.method;
        form.lora_rank = self.lora_rank.to_string();
        form.lora_targets = self.lora_targets;
        form.double_quant = self.double_quant;
        form.recipe = self.recipe;
        form.optimizer = self.optimizer;
        form.micro_batch = self.micro_batch.to_string();
        form.recompute = self.recompute;
        form.data_parallel = self.data_parallel.to_string();
        form.zero_stage = self.zero_stage;
        form.sequence_parallel = self.sequence_parallel;
        form.pipeline_parallel = self.pipeline_parallel.to_string();
        form.micro_batches = self.micro_batches.to_string();
        Ok(form)
    }

    /// The scenario of the transformer page's fields; `None` while a field that
    /// matters for the mode is not a number. Fields of the other mode that are not
    /// numbers take their opening values.
    pub fn from_form(form: &TransformerForm) -> Option<TransformerScenario> {
        let model = match (&form.model, &form.config) {
            (Some(id), _) => ModelRef::Zoo(id.clone()),
            (None, Some(config)) => ModelRef::Config(config.clone()),
            (None, None) => return None,
        };
        let base = ArchFields::of(&form.base);
        let mut arch = ArchEdits::default();
        macro_rules! edit {
            ($f:ident) => {
                if form.arch.$f != base.$f {
                    arch.$f = Some(whole(&form.arch.$f)?);
                }
            };
        }
        arch_numbers!(edit);
        arch.gated = (form.arch.gated != base.gated).then_some(form.arch.gated);
        arch.tied = (form.arch.tied != base.tied).then_some(form.arch.tied);

        let training = form.mode == Mode::Training;
        let opening = TransformerForm::default();
        // A field of the mode on show must be a number; one of the other mode may
        // hold anything and then keeps its opening value.
        let num = |text: &str, opening: &str, shown: bool| match whole(text) {
            Some(v) => Some(v),
            None if !shown => whole(opening),
            None => None,
        };
        let dec = |text: &str, opening: &str, shown: bool| match decimal(text) {
            Some(v) => Some(v),
            None if !shown => decimal(opening),
            None => None,
        };
        let lora = training && form.method != MethodKind::Full;
        Some(TransformerScenario {
            model,
            arch,
            mode: form.mode,
            weights: form.weights,
            quantize_embeddings: form.quantize_embeddings,
            kv: form.kv,
            sequences: num(&form.sequences, &opening.sequences, !training)?,
            context: whole(&form.context)?,
            prefill_chunk: num(&form.prefill_chunk, &opening.prefill_chunk, !training)?,
            flash_attention: form.flash_attention,
            window_cache: form.window_cache,
            tensor_parallel: whole(&form.tensor_parallel)?,
            overhead_mib: decimal(&form.overhead_mib)?,
            utilization: dec(&form.utilization, &opening.utilization, !training)?,
            // The reverse questions' memory never blocks the estimate.
            memory_gib: dec(&form.memory_gib, &opening.memory_gib, false)?,
            method: form.method,
            lora_rank: num(&form.lora_rank, &opening.lora_rank, lora)?,
            lora_targets: form.lora_targets,
            double_quant: form.double_quant,
            recipe: form.recipe,
            optimizer: form.optimizer,
            micro_batch: num(&form.micro_batch, &opening.micro_batch, training)?,
            recompute: form.recompute,
            data_parallel: num(&form.data_parallel, &opening.data_parallel, training)?,
            zero_stage: form.zero_stage,
            sequence_parallel: form.sequence_parallel,
            pipeline_parallel: num(
                &form.pipeline_parallel,
                &opening.pipeline_parallel,
                training,
            )?,
            micro_batches: num(&form.micro_batches, &opening.micro_batches, training)?,
        })
    }
}

impl Default for TransformerScenario {
    fn default() -> TransformerScenario {
        TransformerScenario::from_form(&TransformerForm::default())
            .expect("the opening form is all numbers")
    }
}

impl CnnScenario {
    /// The CNN page's fields for this scenario.
    pub fn to_form(&self) -> CnnForm {
        let (layers, design) = match &self.network {
            NetworkRef::Preset(p) => (text::render(&p.network()), p.input()),
            NetworkRef::Layers(t) => (t.clone(), Preset::Vgg16.input()),
        };
        let side = |v: Option<u64>, d: u32| v.unwrap_or(u64::from(d)).to_string();
        CnnForm {
            layers,
            height: side(self.height, design.height),
            width: side(self.width, design.width),
            channels: side(self.channels, design.channels),
            batch: self.batch.to_string(),
            precision: self.precision,
            mode: self.mode,
            optimizer: self.optimizer,
            mixed_precision: self.mixed_precision,
            overhead_mib: number_text(self.overhead_mib),
        }
    }

    /// The scenario of the CNN page's fields; `None` while a number field holds
    /// something else. A layer list is kept as typed, even with mistakes.
    pub fn from_form(form: &CnnForm) -> Option<CnnScenario> {
        let preset = form.matching_preset();
        let network = match preset {
            Some(p) => NetworkRef::Preset(p),
            None => NetworkRef::Layers(form.layers.clone()),
        };
        let design = preset.unwrap_or(Preset::Vgg16).input();
        let side = |text: &str, d: u32| -> Option<Option<u64>> {
            let v = whole(text)?;
            Some((v != u64::from(d)).then_some(v))
        };
        Some(CnnScenario {
            network,
            height: side(&form.height, design.height)?,
            width: side(&form.width, design.width)?,
            channels: side(&form.channels, design.channels)?,
            batch: whole(&form.batch)?,
            precision: form.precision,
            mode: form.mode,
            optimizer: form.optimizer,
            mixed_precision: form.mixed_precision,
            overhead_mib: decimal(&form.overhead_mib)?,
        })
    }
}

impl Default for CnnScenario {
    fn default() -> CnnScenario {
        CnnScenario::from_form(&CnnForm::default()).expect("the opening form is all numbers")
    }
}

impl Deployment {
    /// The Fits panel's fields for this deployment question.
    pub fn to_form(&self) -> FitForm {
        FitForm {
            margin: number_text(self.margin_percent),
            cards: self.cards_per_host.to_string(),
            vgpu_mode: self.vgpu_mode,
            ecc: self.ecc,
            architecture: self.architecture.clone(),
            form_class: self.form_class.clone(),
            mode: self.mode,
            show_too_small: self.show_too_small,
            all_profiles: self.all_profiles,
        }
    }

    /// The deployment question of the Fits panel's fields; `None` while the margin
    /// or the cards per host is not a number.
    pub fn from_form(form: &FitForm) -> Option<Deployment> {
        Some(Deployment {
            margin_percent: decimal(&form.margin)?,
            cards_per_host: whole(&form.cards)?,
            vgpu_mode: form.vgpu_mode,
            ecc: form.ecc,
            architecture: form.architecture.clone(),
            form_class: form.form_class.clone(),
            mode: form.mode,
            show_too_small: form.show_too_small,
            all_profiles: form.all_profiles,
        })
    }
}

impl Default for Deployment {
    fn default() -> Deployment {
        Deployment::from_form(&FitForm::default()).expect("the opening form is all numbers")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transformer::{KvFormat, WeightFormat};

    #[test]
    fn numbers_print_as_fields_show_them() {
        assert_eq!(number_text(512.0), "512");
        assert_eq!(number_text(0.9), "0.9");
        assert_eq!(number_text(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(number_text(-2.0), "-2");
        assert_eq!(number_text(1024.0), "1,024");
    }

    #[test]
    fn opening_forms_are_the_default_scenarios() {
        assert_eq!(
            TransformerScenario::default().to_form().unwrap(),
            TransformerForm::default()
        );
        assert_eq!(CnnScenario::default().to_form(), CnnForm::default());
        assert_eq!(Deployment::default().to_form(), FitForm::default());
        assert_eq!(
            CnnScenario::default().network,
            NetworkRef::Preset(Preset::Vgg16)
        );
        assert_eq!(CnnScenario::default().height, None);
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
            overhead_mib: 1536.5,
            ..TransformerScenario::default()
        };
        let form = s.to_form().unwrap();
        assert_eq!(form.arch.layers, "16");
        assert_eq!(form.overhead_mib, "1536.5");
        assert_eq!(TransformerScenario::from_form(&form), Some(s));
    }

    #[test]
    fn out_of_range_numbers_are_kept_and_text_is_not() {
        let mut form = CnnForm {
            batch: "0".into(),
            ..CnnForm::default()
        };
        assert_eq!(CnnScenario::from_form(&form).unwrap().batch, 0);
        form.batch = "lots".into();
        assert_eq!(CnnScenario::from_form(&form), None);
        // A broken layer list is kept as typed.
        form.batch = "8".into();
        form.layers = "conv 64 3x3 pad=1\nconv oops\n".into();
        assert_eq!(
            CnnScenario::from_form(&form).unwrap().network,
            NetworkRef::Layers("conv 64 3x3 pad=1\nconv oops\n".into())
        );
    }

    #[test]
    fn fields_of_the_other_mode_do_not_block_the_scenario() {
        let mut form = TransformerForm {
            micro_batch: "??".into(),
            ..TransformerForm::default()
        };
        let s = TransformerScenario::from_form(&form).unwrap();
        assert_eq!(s.micro_batch, TransformerScenario::default().micro_batch);
        form.mode = Mode::Training;
        assert_eq!(TransformerScenario::from_form(&form), None);
    }

    #[test]
    fn an_unknown_model_and_moe_edits_on_a_dense_model_name_the_field() {
        let s = TransformerScenario {
            model: ModelRef::Zoo("gpt-5".into()),
            ..TransformerScenario::default()
        };
        assert_eq!(s.to_form().unwrap_err().field, "model");
        let s = TransformerScenario {
            arch: ArchEdits {
                experts: Some(8),
                ..ArchEdits::default()
            },
            ..TransformerScenario::default()
        };
        let e = s.to_form().unwrap_err();
        assert_eq!(e.field, "arch.experts");
        assert_eq!(e.message, "Llama-3.1-8B is not a mixture of experts");
    }
}
