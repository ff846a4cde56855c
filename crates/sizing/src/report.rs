//! The answer to a scenario: every number the app shows for it, in one serde type
//! the command line prints and the app's compare view lays side by side.

use serde::{Deserialize, Serialize};

use crate::catalog::form::{FitForm, architectures, evaluate_fit};
use crate::catalog::{Catalog, Demand, Fits};
use crate::cnn::form::{CnnResult, evaluate as evaluate_cnn};
use crate::cnn::{self, Preset, Shape};
use crate::mode::Mode;
use crate::scenario::convert::ARCH_FIELDS;
use crate::scenario::{
    CnnScenario, Deployment, FORM_CLASSES, FieldError, NetworkRef, Scenario, TransformerScenario,
    Workload,
};
use crate::term::{Kind, Term, total_formula};
use crate::transformer::form::{TransformerResult, evaluate as evaluate_transformer};
use crate::transformer::memory::Reverse;
use crate::transformer::{self, ParamCount};
use crate::units::group_digits;

/// The report format this build writes.
pub const REPORT_VERSION: u32 = 1;

/// One line of a memory breakdown, for any model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryTerm {
    /// Stable id: "weights", "kv_cache", "feature_maps", ….
    pub id: String,
    pub label: String,
    pub bytes: u64,
    /// The band the true figure is expected in (both `bytes` when exact).
    pub low: u64,
    pub high: u64,
    /// The arithmetic with the actual numbers.
    pub formula: String,
    /// The assumption behind the term and its source.
    pub note: String,
}

/// Memory per GPU, term by term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub terms: Vec<MemoryTerm>,
    pub total: u64,
    pub low: u64,
    pub high: u64,
    pub total_formula: String,
    /// GPUs one copy of the model spans; every figure is per GPU.
    pub gpus_per_copy: u32,
    pub warnings: Vec<String>,
    /// What the fit engine is asked to place.
    pub demand: Demand,
}

impl Memory {
    /// Terms that take memory (the breakdown hides empty ones).
    pub fn visible(&self) -> impl Iterator<Item = &MemoryTerm> {
        self.terms.iter().filter(|t| t.bytes > 0)
    }

    /// Whether any term is a range rather than an exact figure.
    pub fn has_bands(&self) -> bool {
        self.terms.iter().any(|t| t.low != t.high)
    }

    pub fn bytes(&self, id: &str) -> u64 {
        self.terms
            .iter()
            .find(|t| t.id == id)
            .map_or(0, |t| t.bytes)
    }
}

impl<K: Kind> From<&Term<K>> for MemoryTerm {
    fn from(t: &Term<K>) -> MemoryTerm {
        MemoryTerm {
            id: t.kind.id().to_string(),
            label: t.label.clone(),
            bytes: t.bytes,
            low: t.low,
            high: t.high,
            formula: t.formula.clone(),
            note: t.note.clone(),
        }
    }
}

impl Memory {
    /// Either model's breakdown; the totals are the sums of the terms.
    fn of<K: Kind>(
        terms: &[Term<K>],
        gpus_per_copy: u32,
        warnings: &[String],
        demand: Demand,
    ) -> Memory {
        let sum = |f: fn(&Term<K>) -> u64| terms.iter().map(f).fold(0u64, u64::saturating_add);
        let total = sum(|t| t.bytes);
        Memory {
            terms: terms.iter().map(MemoryTerm::from).collect(),
            total,
            low: sum(|t| t.low),
            high: sum(|t| t.high),
            total_formula: total_formula(terms, total),
            gpus_per_copy,
            warnings: warnings.to_vec(),
            demand,
        }
    }
}

impl From<&cnn::Estimate> for Memory {
    fn from(e: &cnn::Estimate) -> Memory {
        Memory::of(&e.terms, 1, &e.warnings, e.demand())
    }
}

impl From<&transformer::Estimate> for Memory {
    fn from(e: &transformer::Estimate) -> Memory {
        Memory::of(&e.terms, e.gpus_per_copy, &e.warnings, e.demand())
    }
}

/// What was sized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// "transformer" or "cnn".
    pub kind: String,
    pub name: String,
    pub parameters: u64,
    /// Parameters that are trained (all, or the LoRA adapters); 0 for inference.
    pub trainable: u64,
    /// The one-line description the app shows above the total.
    pub headline: String,
}

/// The transformer page's reverse questions for `memory` bytes per GPU (inference).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseAnswers {
    pub memory: u64,
    pub max_context: Reverse,
    pub max_sequences: Reverse,
}

/// One row of the CNN page's layer table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerRow {
    pub name: String,
    pub description: String,
    pub output: Shape,
    pub params: u64,
    pub param_bytes: u64,
    pub feature_bytes_per_image: u64,
    pub feature_bytes_per_batch: u64,
}

/// The catalog the fits were taken from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogInfo {
    pub description: String,
    pub gpus: usize,
}

/// Everything headroom shows for a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Report format, [`REPORT_VERSION`].
    pub version: u32,
    pub scenario: Scenario,
    pub model: ModelSummary,
    pub memory: Memory,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverse: Option<ReverseAnswers>,
    /// Transformers: parameters by embedding, block and head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<ParamCount>,
    /// CNNs: the layer table, the input image first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<LayerRow>>,
    pub fits: Fits,
    pub catalog: CatalogInfo,
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serializes")
    }
}

/// The CNN page's headline: "Training VGG-16 on 224×224×3 images, batch 32, FP32".
pub fn cnn_headline(r: &CnnResult, network: &str) -> String {
    let mode = match r.workload.mode {
        Mode::Training => "Training",
        Mode::Inference => "Inference with",
    };
    format!(
        "{mode} {network} on {}×{}×{} images, batch {}, {}",
        r.input.height,
        r.input.width,
        r.input.channels,
        group_digits(r.workload.batch),
        r.workload.precision.name()
    )
}

/// What the CNN page calls a network: the preset's name, or "custom network".
pub fn network_name(preset: Option<Preset>) -> &'static str {
    preset.map_or("custom network", Preset::name)
}

/// Sizes a scenario with exactly the engine the app uses. Every problem is
/// returned, each naming its field (`workload.cnn.batch`).
pub fn size(s: &Scenario, catalog: &Catalog) -> Result<Report, Vec<FieldError>> {
    let mut errors = check_deployment(&s.deployment, catalog);
    let sized = match &s.workload {
        Workload::Transformer(t) => {
            size_transformer(t).map_err(|e| under(e, "workload.transformer"))
        }
        Workload::Cnn(c) => size_cnn(c).map_err(|e| under(e, "workload.cnn")),
    };
    let sized = sized.map_err(|e| errors.extend(e)).ok();
    // The deployment's own fields are checked even when the workload has errors.
    let demand = sized.as_ref().map_or(
        Demand {
            total: 0,
            replicated: 0,
        },
        |s| s.memory.demand,
    );
    let fit_form: FitForm = s.deployment.to_form();
    let fit = evaluate_fit(catalog, &demand, &fit_form, s.units);
    if let Some(m) = &fit.errors.margin {
        errors.push(FieldError::new("deployment.margin_percent", m.clone()));
    }
    if let Some(m) = &fit.errors.cards {
        errors.push(FieldError::new("deployment.cards_per_host", m.clone()));
    }
    match (sized, fit.fits) {
        (Some(sized), Some(fits)) if errors.is_empty() => Ok(Report {
            version: REPORT_VERSION,
            scenario: s.clone(),
            model: sized.model,
            memory: sized.memory,
            reverse: sized.reverse,
            parameters: sized.parameters,
            layers: sized.layers,
            fits,
            catalog: CatalogInfo {
                description: catalog.description.clone(),
                gpus: catalog.gpus.len(),
            },
        }),
        _ => Err(errors),
    }
}

fn under(errors: Vec<FieldError>, prefix: &str) -> Vec<FieldError> {
    errors.into_iter().map(|e| e.under(prefix)).collect()
}

fn check_deployment(d: &Deployment, catalog: &Catalog) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(a) = &d.architecture {
        let known = architectures(catalog);
        if !known.contains(a) {
            errors.push(FieldError::new(
                "deployment.architecture",
                format!(
                    "\"{a}\" is not an architecture of the catalog; use one of {}",
                    known.join(", ")
                ),
            ));
        }
    }
    if let Some(f) = &d.form_class
        && !FORM_CLASSES.contains(&f.as_str())
    {
        errors.push(FieldError::new(
            "deployment.form_class",
            format!(
                "\"{f}\" is not a form factor; use one of {}",
                FORM_CLASSES.join(", ")
            ),
        ));
    }
    errors
}

/// What sizing a workload gives, before the fit question.
struct Sized {
    model: ModelSummary,
    memory: Memory,
    reverse: Option<ReverseAnswers>,
    parameters: Option<ParamCount>,
    layers: Option<Vec<LayerRow>>,
}

fn size_transformer(t: &TransformerScenario) -> Result<Sized, Vec<FieldError>> {
    let form = t.to_form().map_err(|e| vec![e])?;
    let out = evaluate_transformer(&form);
    let field = |k: &str| {
        if ARCH_FIELDS.contains(&k) {
            format!("arch.{k}")
        } else {
            k.to_string()
        }
    };
    if !out.errors.is_empty() {
        return Err(out
            .errors
            .iter()
            .map(|(k, m)| FieldError::new(field(k), m.clone()))
            .collect());
    }
    let r: TransformerResult = out
        .result
        .ok_or_else(|| vec![FieldError::new("", "no estimate for these settings")])?;
    let reverse = match (&r.max_context, &r.max_sequences) {
        (Some(c), Some(s)) => Some(ReverseAnswers {
            memory: r.memory,
            max_context: c.clone(),
            max_sequences: s.clone(),
        }),
        _ => None,
    };
    Ok(Sized {
        model: ModelSummary {
            kind: "transformer".into(),
            name: r.name.clone(),
            parameters: r.params.total,
            trainable: if r.mode == Mode::Training {
                r.trainable
            } else {
                0
            },
            headline: r.headline.clone(),
        },
        memory: Memory::from(&r.estimate),
        reverse,
        parameters: Some(r.params.clone()),
        layers: None,
    })
}

fn size_cnn(c: &CnnScenario) -> Result<Sized, Vec<FieldError>> {
    let form = c.to_form();
    let out = evaluate_cnn(&form);
    let e = &out.errors;
    let mut errors = Vec::new();
    let mut push = |field: &str, m: &Option<String>| {
        if let Some(m) = m {
            errors.push(FieldError::new(field, m.clone()));
        }
    };
    push("height", &e.height);
    push("width", &e.width);
    push("channels", &e.channels);
    push("height", &e.image);
    push("batch", &e.batch);
    push("overhead_mib", &e.overhead);
    if let Some(l) = &e.layers {
        let message = match l.line {
            Some(n) => format!("line {n}: {}", l.message),
            None => l.message.clone(),
        };
        let field = match c.network {
            NetworkRef::Layers(_) => "network.layers",
            NetworkRef::Preset(_) => "network",
        };
        errors.push(FieldError::new(field, message));
    }
    let Some(r) = out.result.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let network = network_name(form.matching_preset());
    let input = LayerRow {
        name: "input".into(),
        description: "Input image".into(),
        output: r.analysis.input,
        params: 0,
        param_bytes: r.input_bytes.param_bytes,
        feature_bytes_per_image: r.input_bytes.feature_bytes_per_image,
        feature_bytes_per_batch: r.input_bytes.feature_bytes_per_batch,
    };
    let rows = r
        .analysis
        .layers
        .iter()
        .zip(&r.layers)
        .map(|(l, b)| LayerRow {
            name: l.name.clone(),
            description: l.description.clone(),
            output: l.output,
            params: l.params,
            param_bytes: b.param_bytes,
            feature_bytes_per_image: b.feature_bytes_per_image,
            feature_bytes_per_batch: b.feature_bytes_per_batch,
        });
    let layers = std::iter::once(input).chain(rows).collect();
    Ok(Sized {
        model: ModelSummary {
            kind: "cnn".into(),
            name: network.to_string(),
            parameters: r.analysis.params,
            trainable: if r.workload.mode == Mode::Training {
                r.analysis.params
            } else {
                0
            },
            headline: cnn_headline(&r, network),
        },
        memory: Memory::from(&r.estimate),
        reverse: None,
        parameters: None,
        layers: Some(layers),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ModelRef, parse};

    fn sized(json: &str) -> Result<Report, Vec<FieldError>> {
        size(&parse(json).unwrap(), Catalog::bundled())
    }

    #[test]
    fn vgg16_training_matches_the_article() {
        // Denneman (2022): 138,357,544 parameters; FP32 feature maps of batch 32.
        let r =
            sized(r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":32}}}"#).unwrap();
        assert_eq!(r.model.parameters, 138_357_544);
        assert_eq!(r.memory.bytes("weights"), 138_357_544 * 4);
        assert_eq!(r.memory.bytes("feature_maps"), 1_931_146_240);
        assert_eq!(
            r.model.headline,
            "Training VGG-16 on 224×224×3 images, batch 32, FP32"
        );
        assert_eq!(
            r.memory.total,
            r.memory.terms.iter().map(|t| t.bytes).sum::<u64>()
        );
        assert!(!r.fits.recommendations.is_empty());
        // The layer table: the input image, then 13 conv, 5 pool, flatten and 3 fc layers; conv1_1 has 64 × 3 × 3 × 3 + 64 parameters.
        let layers = r.layers.unwrap();
        assert_eq!(layers.len(), 23);
        assert_eq!(layers[1].params, 1_792);
        assert_eq!(layers[1].param_bytes, 1_792 * 4);
        assert_eq!(layers.iter().map(|l| l.params).sum::<u64>(), 138_357_544);
    }

    #[test]
    fn llama_inference_matches_the_config() {
        // Llama 3.1 8B, BF16: 8,030,261,248 parameters × 2 B.
        let s = Scenario::new(Workload::Transformer(TransformerScenario {
            model: ModelRef::Zoo("llama-3.1-8b".into()),
            ..TransformerScenario::default()
        }));
        let r = size(&s, Catalog::bundled()).unwrap();
        assert_eq!(r.model.parameters, 8_030_261_248);
        assert_eq!(r.memory.bytes("weights"), 16_060_522_496);
        assert!(r.reverse.is_some());
        assert_eq!(r.memory.demand.total, r.memory.total);
    }

    #[test]
    fn every_bad_value_names_its_field() {
        let e = sized(
            r#"{"version":1,"workload":{"cnn":{"batch":0,"height":2}},
                "deployment":{"margin_percent":250,"architecture":"Kepler","form_class":"USB"}}"#,
        )
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"workload.cnn.batch"), "{fields:?}");
        assert!(fields.contains(&"workload.cnn.height"), "{fields:?}");
        assert!(fields.contains(&"deployment.architecture"), "{fields:?}");
        assert!(fields.contains(&"deployment.form_class"), "{fields:?}");
        assert!(fields.contains(&"deployment.margin_percent"), "{fields:?}");
        let e = sized(
            r#"{"version":1,"workload":{"transformer":{"tensor_parallel":3,"arch":{"layers":0}}}}"#,
        )
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"workload.transformer.arch.layers"),
            "{fields:?}"
        );
    }

    #[test]
    fn a_broken_layer_list_names_its_line() {
        let e = sized(
            r#"{"version":1,"workload":{"cnn":{"network":{"layers":"conv 64 3x3\nconv sixty"}}}}"#,
        )
        .unwrap_err();
        assert_eq!(e[0].field, "workload.cnn.network.layers");
        assert!(e[0].message.starts_with("line 2: "), "{}", e[0].message);
    }
}
