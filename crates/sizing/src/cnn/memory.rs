//! The memory model of "Training vs Inference – Memory Consumption by Neural
//! Networks" (frankdenneman.nl, 2022-07-15; see docs/cnn-memory.md), term by term:
//!
//! - training  = weights + gradients + optimizer state (+ FP32 master weights in mixed
//!   precision) + every feature map of the batch + the input batch + runtime overhead;
//! - inference = weights + the feature maps alive at once at the peak (for a plain chain,
//!   the largest pair of consecutive layers) + runtime overhead.

use serde::{Deserialize, Serialize};

use super::analysis::{Analysis, Source};
use crate::precision::Precision;
use crate::units::group_digits;

/// Largest batch the model accepts.
pub const MAX_BATCH: u64 = 1 << 20;

pub use crate::mode::Mode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Optimizer {
    /// Plain stochastic gradient descent: no state.
    Sgd,
    /// SGD with momentum: one velocity value per parameter.
    SgdMomentum,
    /// Adam: first and second moment per parameter.
    Adam,
    /// AdamW: Adam with decoupled weight decay; same state as Adam.
    #[serde(rename = "adamw")]
    AdamW,
}

impl Optimizer {
    pub const ALL: [Optimizer; 4] = [
        Optimizer::Sgd,
        Optimizer::SgdMomentum,
        Optimizer::Adam,
        Optimizer::AdamW,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Optimizer::Sgd => "sgd",
            Optimizer::SgdMomentum => "sgd_momentum",
            Optimizer::Adam => "adam",
            Optimizer::AdamW => "adamw",
        }
    }

    pub fn from_id(id: &str) -> Option<Optimizer> {
        Optimizer::ALL.into_iter().find(|o| o.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Optimizer::Sgd => "SGD",
            Optimizer::SgdMomentum => "SGD with momentum",
            Optimizer::Adam => "Adam",
            Optimizer::AdamW => "AdamW",
        }
    }

    /// Values the optimizer keeps per parameter.
    pub fn states_per_param(self) -> u64 {
        match self {
            Optimizer::Sgd => 0,
            Optimizer::SgdMomentum => 1,
            Optimizer::Adam | Optimizer::AdamW => 2,
        }
    }

    /// What those values are.
    pub fn state_names(self) -> &'static str {
        match self {
            Optimizer::Sgd => "no state",
            Optimizer::SgdMomentum => "momentum (velocity)",
            Optimizer::Adam | Optimizer::AdamW => "first moment m and second moment v",
        }
    }
}

/// How a CNN is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CnnWorkload {
    /// Images per step.
    pub batch: u64,
    /// Format of weights, gradients and feature maps.
    pub precision: Precision,
    pub mode: Mode,
    /// Used in training only.
    pub optimizer: Optimizer,
    /// Mixed precision: keep an FP32 master copy of the weights and FP32 optimizer
    /// state when `precision` is narrower than FP32 (training only).
    pub mixed_precision: bool,
    /// CUDA context, framework and library workspaces, in bytes.
    pub runtime_overhead: u64,
}

impl Default for CnnWorkload {
    fn default() -> CnnWorkload {
        CnnWorkload {
            batch: 32,
            precision: Precision::Fp32,
            mode: Mode::Training,
            optimizer: Optimizer::SgdMomentum,
            mixed_precision: true,
            runtime_overhead: DEFAULT_RUNTIME_OVERHEAD,
        }
    }
}

/// 512 MiB: between ollama's 377 MiB CUDA minimum and the 1,000 MiB vram-calculator
/// assumes for PyTorch's CUDA context and kernels (ollama `llm/memory.go`; furiousteabag/vram-calculator).
pub const DEFAULT_RUNTIME_OVERHEAD: u64 = 512 * 1024 * 1024;

/// The kinds of memory a workload uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    Weights,
    Buffers,
    Gradients,
    MasterWeights,
    OptimizerState,
    FeatureMaps,
    InputBatch,
    PeakFeatureMaps,
    RuntimeOverhead,
}

impl TermKind {
    pub const ALL: [TermKind; 9] = [
        TermKind::Weights,
        TermKind::Buffers,
        TermKind::Gradients,
        TermKind::MasterWeights,
        TermKind::OptimizerState,
        TermKind::FeatureMaps,
        TermKind::InputBatch,
        TermKind::PeakFeatureMaps,
        TermKind::RuntimeOverhead,
    ];

    pub fn id(self) -> &'static str {
        match self {
            TermKind::Weights => "weights",
            TermKind::Buffers => "buffers",
            TermKind::Gradients => "gradients",
            TermKind::MasterWeights => "master_weights",
            TermKind::OptimizerState => "optimizer_state",
            TermKind::FeatureMaps => "feature_maps",
            TermKind::InputBatch => "input_batch",
            TermKind::PeakFeatureMaps => "peak_feature_maps",
            TermKind::RuntimeOverhead => "runtime_overhead",
        }
    }
}

/// One line of a CNN's breakdown (every CNN term is exact).
pub type Term = crate::term::Term<TermKind>;

impl crate::term::Kind for TermKind {
    fn id(self) -> &'static str {
        TermKind::id(self)
    }
}

/// Memory for one workload, term by term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub terms: Vec<Term>,
    pub total: u64,
    /// Things the user should know about the inputs (not errors).
    pub warnings: Vec<String>,
    /// Images per batch, which feature maps and the input batch scale with.
    #[serde(default)]
    pub batch: u64,
}

impl Estimate {
    /// What this estimate asks of a GPU. Split over several GPUs, a CNN runs
    /// data parallel: each GPU keeps the weights, buffers, training state and
    /// runtime overhead, and takes its share of the batch's images, with their
    /// feature maps and input.
    pub fn demand(&self) -> crate::catalog::Demand {
        let per_image = [
            TermKind::FeatureMaps,
            TermKind::InputBatch,
            TermKind::PeakFeatureMaps,
        ]
        .into_iter()
        .map(|k| self.bytes(k))
        .fold(0u64, u64::saturating_add);
        crate::catalog::Demand {
            batch: self.batch.max(1),
            ..crate::catalog::Demand::new(self.total, self.total.saturating_sub(per_image))
        }
    }

    pub fn term(&self, kind: TermKind) -> Option<&Term> {
        self.terms.iter().find(|t| t.kind == kind)
    }

    /// Bytes of a term, 0 when the estimate has no such term.
    pub fn bytes(&self, kind: TermKind) -> u64 {
        self.term(kind).map_or(0, |t| t.bytes)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EstimateError {
    #[error("the batch size must be at least 1")]
    ZeroBatch,
    #[error("the batch size must be at most {}", group_digits(MAX_BATCH))]
    BatchTooLarge,
    #[error("{0} exceeds 16 EiB (64-bit arithmetic); reduce the batch or image size")]
    TooLarge(&'static str),
}

/// Per-layer bytes for the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerBytes {
    pub param_bytes: u64,
    pub feature_bytes_per_image: u64,
    pub feature_bytes_per_batch: u64,
}

fn bytes(p: Precision, elements: u64, what: &'static str) -> Result<u64, EstimateError> {
    p.bytes_for(elements).ok_or(EstimateError::TooLarge(what))
}

fn times(a: u64, b: u64, what: &'static str) -> Result<u64, EstimateError> {
    a.checked_mul(b).ok_or(EstimateError::TooLarge(what))
}

fn check_batch(batch: u64) -> Result<(), EstimateError> {
    match batch {
        0 => Err(EstimateError::ZeroBatch),
        b if b > MAX_BATCH => Err(EstimateError::BatchTooLarge),
        _ => Ok(()),
    }
}

fn fmt_bytes(b: u64) -> String {
    format!("{} B", group_digits(b))
}

/// Parameter and feature-map bytes of every layer.
pub fn layer_bytes(
    analysis: &Analysis,
    workload: &CnnWorkload,
) -> Result<Vec<LayerBytes>, EstimateError> {
    check_batch(workload.batch)?;
    let p = workload.precision;
    analysis
        .layers
        .iter()
        .map(|l| {
            let per_image = bytes(p, l.stored_elements(), "a feature map")?;
            Ok(LayerBytes {
                param_bytes: bytes(p, l.params, "a layer's parameters")?,
                feature_bytes_per_image: per_image,
                feature_bytes_per_batch: bytes(
                    p,
                    times(l.stored_elements(), workload.batch, "a feature map")?,
                    "a feature map",
                )?,
            })
        })
        .collect()
}

/// Bytes of the input image, per image and for the batch.
pub fn input_bytes(
    analysis: &Analysis,
    workload: &CnnWorkload,
) -> Result<LayerBytes, EstimateError> {
    check_batch(workload.batch)?;
    let p = workload.precision;
    Ok(LayerBytes {
        param_bytes: 0,
        feature_bytes_per_image: bytes(p, analysis.input_elements, "the input image")?,
        feature_bytes_per_batch: bytes(
            p,
            times(analysis.input_elements, workload.batch, "the input batch")?,
            "the input batch",
        )?,
    })
}

/// The memory a CNN needs for `workload`, term by term.
pub fn estimate(analysis: &Analysis, workload: &CnnWorkload) -> Result<Estimate, EstimateError> {
    check_batch(workload.batch)?;
    let p = workload.precision;
    let pn = p.name();
    let per = p.bytes_per_value_label();
    let batch = workload.batch;
    let params = analysis.params;
    let mut terms = Vec::new();
    let mut warnings = Vec::new();

    let weights = bytes(p, params, "the weights")?;
    terms.push(Term::new(
        TermKind::Weights,
        "Weights",
        weights,
        format!(
            "{} parameters × {per} ({pn}) = {}",
            group_digits(params),
            fmt_bytes(weights)
        ),
        "Weights and biases of every layer; independent of batch and image size.",
    ));

    if analysis.buffers > 0 {
        let b = bytes(p, analysis.buffers, "the buffers")?;
        terms.push(Term::new(
            TermKind::Buffers,
            "Buffers",
            b,
            format!(
                "{} values × {per} ({pn}) = {}",
                group_digits(analysis.buffers),
                fmt_bytes(b)
            ),
            "Batch-norm running mean and variance: stored with the weights, never trained.",
        ));
    }

    match workload.mode {
        Mode::Training => {
            training_terms(analysis, workload, &mut terms, &mut warnings)?;
        }
        Mode::Inference => {
            let peak = &analysis.peak;
            let elements = times(peak.elements, batch, "the live feature maps")?;
            let b = bytes(p, elements, "the live feature maps")?;
            let names: Vec<&str> = peak
                .tensors
                .iter()
                .map(|s| analysis.source_name(*s))
                .collect();
            terms.push(Term::new(
TermKind::PeakFeatureMaps,
"Feature maps (peak)",
b,
format!(
                    "{} values per image × {} × {per} ({pn}) = {}",
                    group_digits(peak.elements),
                    crate::units::count(batch, "image", "images"),
                    fmt_bytes(b)
                ),
format!(
                    "Inference keeps only the feature maps still needed: the most at once is while computing {} ({} alive: {}). \
                     For a plain chain this is the article's \"two most expensive consecutive layers\".",
                    analysis.layers[peak.layer].name,
                    names.len(),
                    names.join(", ")
                ),
));
            if batch > 4 {
                warnings.push(format!(
                    "Inference usually runs 1–4 images per batch (streaming data); batch {batch} is a throughput setting."
                ));
            }
        }
    }

    terms.push(Term::new(
TermKind::RuntimeOverhead,
"Runtime overhead",
workload.runtime_overhead,
format!(
            "{} ({})",
            fmt_bytes(workload.runtime_overhead),
            if workload.runtime_overhead == DEFAULT_RUNTIME_OVERHEAD { "the default" } else { "as set" }
        ),
"CUDA context, framework and cuDNN workspace. Other estimators assume 377 MiB (ollama) to 1,000 MiB \
               (vram-calculator); set it to what nvidia-smi shows for your stack.",
));

    if p == Precision::Tf32 {
        warnings.push(
            "TF32 is a math mode: tensors stay FP32 in memory, so it saves no memory against FP32."
                .into(),
        );
    }

    let total = terms
        .iter()
        .try_fold(0u64, |acc, t| acc.checked_add(t.bytes))
        .ok_or(EstimateError::TooLarge("the total"))?;
    Ok(Estimate {
        terms,
        total,
        warnings,
        batch,
    })
}

fn training_terms(
    analysis: &Analysis,
    w: &CnnWorkload,
    terms: &mut Vec<Term>,
    warnings: &mut Vec<String>,
) -> Result<(), EstimateError> {
    let p = w.precision;
    let pn = p.name();
    let per = p.bytes_per_value_label();
    let params = analysis.params;
    let master = w.mixed_precision && p.narrower_than_fp32();
    let state_precision = if master { Precision::Fp32 } else { p };

    let grads = bytes(p, params, "the gradients")?;
    terms.push(Term::new(
TermKind::Gradients,
"Gradients",
grads,
format!("{} parameters × {per} ({pn}) = {}", group_digits(params), fmt_bytes(grads)),
"One gradient per parameter, kept for the optimizer step: this is why the article says training roughly doubles parameter memory.",
));

    if master {
        let m = bytes(Precision::Fp32, params, "the master weights")?;
        terms.push(Term::new(
TermKind::MasterWeights,
"Master weights (FP32)",
m,
format!("{} parameters × 4 B (FP32) = {}", group_digits(params), fmt_bytes(m)),
format!(
                "Mixed precision keeps an FP32 copy of the weights for the update; forward and backward run in {pn}."
            ),
));
    }

    let states = w.optimizer.states_per_param();
    let state_values = times(params, states, "the optimizer state")?;
    let s = bytes(state_precision, state_values, "the optimizer state")?;
    terms.push(Term::new(
TermKind::OptimizerState,
"Optimizer state",
s,
format!(
            "{} parameters × {states} × {} ({}) = {}",
            group_digits(params),
            state_precision.bytes_per_value_label(),
            state_precision.name(),
            fmt_bytes(s)
        ),
format!(
            "{}: {} per parameter ({}). The article's rule of thumb (\"with Adam, expect memory to triple\") counts one state; Adam keeps two.",
            w.optimizer.label(),
            match states {
                0 => "no values".to_string(),
                1 => "1 value".to_string(),
                n => format!("{n} values"),
            },
            w.optimizer.state_names()
        ),
));

    let batch = w.batch;
    let fm_elements = times(analysis.feature_elements, batch, "the feature maps")?;
    let fm = bytes(p, fm_elements, "the feature maps")?;
    terms.push(Term::new(
TermKind::FeatureMaps,
"Feature maps",
fm,
format!(
            "{} values per image × {} × {per} ({pn}) = {}",
            group_digits(analysis.feature_elements),
            crate::units::count(batch, "image", "images"),
            fmt_bytes(fm)
        ),
"Every layer's output stays in memory from the forward pass until the backward pass has used it \
               (activation functions run in place; flatten is a view and adds nothing).",
));

    let in_elements = times(analysis.input_elements, batch, "the input batch")?;
    let ib = bytes(p, in_elements, "the input batch")?;
    let input_shape = analysis.source_shape(Source::Input);
    terms.push(Term::new(
        TermKind::InputBatch,
        "Input batch",
        ib,
        format!(
            "{input_shape} = {} values × {} × {per} ({pn}) = {}",
            group_digits(analysis.input_elements),
            crate::units::count(batch, "image", "images"),
            fmt_bytes(ib)
        ),
        "The batch of images on the GPU, already converted to the compute format.",
    ));

    if !p.trainable() {
        warnings.push(if p.info().inference == crate::precision::Use::No {
            // FP64: wider than training needs, not an inference format.
            format!(
                "{pn} is not a training format of neural networks: it doubles FP32's memory and GPUs run it far slower. Use FP32, TF32, BF16 or FP16 (mixed precision) for training."
            )
        } else {
            format!(
                "{pn} is an inference format: frameworks do not train in it. Use FP32, TF32, BF16 or FP16 (mixed precision) for training."
            )
        });
    } else if p.info().training == crate::precision::Use::Emerging {
        warnings.push(format!(
            "Training in {pn} is new: it needs recent GPUs and a library that scales tensors for it (Transformer Engine); weights are still updated in FP32."
        ));
    } else if p.narrower_than_fp32() && !w.mixed_precision {
        warnings.push(format!(
            "Training purely in {pn} without FP32 master weights loses small updates; frameworks use mixed precision."
        ));
    }
    if p == Precision::Fp16 {
        warnings.push("FP16 training needs loss scaling to keep small gradients from underflowing; BF16 does not.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnn::{Preset, analyze};

    fn vgg() -> Analysis {
        analyze(&Preset::Vgg16.network(), Preset::Vgg16.input()).unwrap()
    }

    #[test]
    fn sgd_doubles_and_adam_quadruples_parameter_memory() {
        let a = vgg();
        let mut w = CnnWorkload {
            optimizer: Optimizer::Sgd,
            ..CnnWorkload::default()
        };
        let e = estimate(&a, &w).unwrap();
        let weights = e.bytes(TermKind::Weights);
        assert_eq!(e.bytes(TermKind::Gradients), weights);
        assert_eq!(e.bytes(TermKind::OptimizerState), 0);
        w.optimizer = Optimizer::Adam;
        let e = estimate(&a, &w).unwrap();
        assert_eq!(e.bytes(TermKind::OptimizerState), 2 * weights);
    }

    #[test]
    fn mixed_precision_is_sixteen_bytes_per_parameter_with_adam() {
        // ZeRO paper accounting: 2 (FP16 weights) + 2 (FP16 grads) + 4 (FP32 master) + 8 (Adam m, v).
        let a = vgg();
        let w = CnnWorkload {
            precision: Precision::Fp16,
            optimizer: Optimizer::Adam,
            mixed_precision: true,
            ..CnnWorkload::default()
        };
        let e = estimate(&a, &w).unwrap();
        let per_param = [
            TermKind::Weights,
            TermKind::Gradients,
            TermKind::MasterWeights,
            TermKind::OptimizerState,
        ]
        .iter()
        .map(|k| e.bytes(*k))
        .sum::<u64>()
            / a.params;
        assert_eq!(per_param, 16);
    }

    #[test]
    fn total_is_the_sum_of_the_terms() {
        let a = vgg();
        for mode in Mode::ALL {
            let w = CnnWorkload {
                mode,
                ..CnnWorkload::default()
            };
            let e = estimate(&a, &w).unwrap();
            assert_eq!(e.total, e.terms.iter().map(|t| t.bytes).sum::<u64>());
        }
    }

    #[test]
    fn bad_batches_are_refused() {
        let a = vgg();
        let mut w = CnnWorkload {
            batch: 0,
            ..CnnWorkload::default()
        };
        assert_eq!(estimate(&a, &w), Err(EstimateError::ZeroBatch));
        w.batch = MAX_BATCH + 1;
        assert_eq!(estimate(&a, &w), Err(EstimateError::BatchTooLarge));
    }
}
