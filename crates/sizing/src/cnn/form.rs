//! The CNN page's inputs as typed, and what they evaluate to: a message for each
//! field that is wrong, or the full result. The UI only shows what this returns.

use serde::{Deserialize, Serialize};

use super::analysis::{Analysis, MAX_IMAGE_SIDE, NetworkError, analyze, min_square_input};
use super::layer::ImageInput;
use super::memory::{
    CnnWorkload, Estimate, LayerBytes, MAX_BATCH, Mode, Optimizer, estimate, input_bytes,
    layer_bytes,
};
use super::presets::Preset;
use super::text;
use crate::input::{capitalize, parse_decimal, parse_whole, trim_float};
use crate::precision::Precision;

/// Largest runtime overhead accepted, in MiB (1 TiB).
pub const MAX_OVERHEAD_MIB: f64 = 1_048_576.0;

/// Largest channel count of the input image.
pub const MAX_CHANNELS: u64 = 65_536;

/// Everything the user can set on the CNN page, with numbers as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CnnForm {
    /// The layer list in the text format of [`text`].
    pub layers: String,
    pub height: String,
    pub width: String,
    pub channels: String,
    pub batch: String,
    pub precision: Precision,
    pub mode: Mode,
    pub optimizer: Optimizer,
    pub mixed_precision: bool,
    /// Runtime overhead in MiB.
    pub overhead_mib: String,
}

impl CnnForm {
    /// The form as it opens: `preset` at its design input, batch 32, FP32 training.
    pub fn for_preset(preset: Preset) -> CnnForm {
        let input = preset.input();
        let w = CnnWorkload::default();
        CnnForm {
            layers: text::render(&preset.network()),
            height: input.height.to_string(),
            width: input.width.to_string(),
            channels: input.channels.to_string(),
            batch: w.batch.to_string(),
            precision: w.precision,
            mode: w.mode,
            optimizer: w.optimizer,
            mixed_precision: w.mixed_precision,
            overhead_mib: trim_float(w.runtime_overhead as f64 / 1_048_576.0),
        }
    }

    /// The preset whose layer list this form holds unchanged, if any.
    pub fn matching_preset(&self) -> Option<Preset> {
        let parsed = text::parse(&self.layers).ok()?;
        Preset::ALL
            .into_iter()
            .find(|p| p.network() == parsed.network)
    }
}

impl Default for CnnForm {
    fn default() -> CnnForm {
        CnnForm::for_preset(Preset::Vgg16)
    }
}

/// A problem in the layer list, located on a line when possible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayersError {
    pub line: Option<usize>,
    pub message: String,
}

/// A message per field; `None` where the field is fine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors {
    pub layers: Option<LayersError>,
    pub height: Option<String>,
    pub width: Option<String>,
    pub channels: Option<String>,
    /// About the image size as a whole (too small for the network).
    pub image: Option<String>,
    pub batch: Option<String>,
    pub overhead: Option<String>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        *self == FieldErrors::default()
    }
}

/// Everything the page shows when the inputs are valid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CnnResult {
    pub analysis: Analysis,
    /// Bytes of the input image (a row of its own in the layer table).
    pub input_bytes: LayerBytes,
    pub layers: Vec<LayerBytes>,
    pub estimate: Estimate,
    pub workload: CnnWorkload,
    pub input: ImageInput,
}

/// The result, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CnnOutcome {
    pub errors: FieldErrors,
    pub result: Option<CnnResult>,
}

fn side(text: &str) -> Result<u32, String> {
    parse_whole(text, 1, u64::from(MAX_IMAGE_SIDE)).map(|v| v as u32)
}

/// Validate every field and, if all are valid, compute the result.
pub fn evaluate(form: &CnnForm) -> CnnOutcome {
    let mut errors = FieldErrors::default();
    let height = side(&form.height).map_err(|e| errors.height = Some(e)).ok();
    let width = side(&form.width).map_err(|e| errors.width = Some(e)).ok();
    let channels = parse_whole(&form.channels, 1, MAX_CHANNELS)
        .map(|v| v as u32)
        .map_err(|e| errors.channels = Some(e))
        .ok();
    let batch = parse_whole(&form.batch, 1, MAX_BATCH)
        .map_err(|e| errors.batch = Some(e))
        .ok();
    let overhead = parse_decimal(&form.overhead_mib, 0.0, MAX_OVERHEAD_MIB)
        .map_err(|e| errors.overhead = Some(e))
        .ok();
    let parsed = match text::parse(&form.layers) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.layers = Some(LayersError {
                line: Some(e.line),
                message: e.message,
            });
            None
        }
    };

    let (Some(parsed), Some(height), Some(width), Some(channels)) =
        (parsed, height, width, channels)
    else {
        return CnnOutcome {
            errors,
            result: None,
        };
    };
    let input = ImageInput::new(height, width, channels);
    let analysis = match analyze(&parsed.network, input) {
        Ok(a) => Some(a),
        Err(e) => {
            let line = e.layer().map(|i| parsed.lines[i]);
            let message = match &e {
                NetworkError::Empty => {
                    "Add at least one layer, e.g. conv 64 3x3 pad=1.".to_string()
                }
                other => capitalize(&other.to_string()),
            };
            if e.is_input_too_small() {
                errors.image = Some(match min_square_input(&parsed.network, channels) {
                    Some(min) => format!(
                        "The image is too small for this network: it needs at least {min}×{min} pixels."
                    ),
                    None => "The image is too small for this network.".to_string(),
                });
            }
            errors.layers = Some(LayersError { line, message });
            None
        }
    };

    let (Some(analysis), Some(batch), Some(overhead)) = (analysis, batch, overhead) else {
        return CnnOutcome {
            errors,
            result: None,
        };
    };
    let workload = CnnWorkload {
        batch,
        precision: form.precision,
        mode: form.mode,
        optimizer: form.optimizer,
        mixed_precision: form.mixed_precision,
        runtime_overhead: (overhead * 1_048_576.0).round() as u64,
    };
    let computed = estimate(&analysis, &workload).and_then(|e| {
        Ok((
            e,
            input_bytes(&analysis, &workload)?,
            layer_bytes(&analysis, &workload)?,
        ))
    });
    match computed {
        Ok((estimate, input_bytes, layers)) => CnnOutcome {
            errors,
            result: Some(CnnResult {
                analysis,
                input_bytes,
                layers,
                estimate,
                workload,
                input,
            }),
        },
        Err(e) => {
            errors.batch = Some(capitalize(&e.to_string()) + ".");
            CnnOutcome {
                errors,
                result: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnn::TermKind;

    #[test]
    fn default_form_is_vgg16_training_at_batch_32() {
        let form = CnnForm::default();
        assert_eq!(form.matching_preset(), Some(Preset::Vgg16));
        let out = evaluate(&form);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let r = out.result.unwrap();
        assert_eq!(r.analysis.params, 138_357_544);
        assert_eq!(r.estimate.bytes(TermKind::FeatureMaps), 1_931_146_240);
        assert_eq!(r.estimate.bytes(TermKind::RuntimeOverhead), 512 * 1_048_576);
    }

    #[test]
    fn batch_zero_gets_a_message_on_the_batch_field() {
        let form = CnnForm {
            batch: "0".into(),
            ..CnnForm::default()
        };
        let out = evaluate(&form);
        assert_eq!(
            out.errors.batch.as_deref(),
            Some("Must be between 1 and 1,048,576.")
        );
        assert!(out.result.is_none());
        assert!(out.errors.layers.is_none());
    }

    #[test]
    fn a_3x3_image_into_vgg16_explains_the_minimum() {
        let form = CnnForm {
            height: "3".into(),
            width: "3".into(),
            ..CnnForm::default()
        };
        let out = evaluate(&form);
        assert_eq!(
            out.errors.image.as_deref(),
            Some("The image is too small for this network: it needs at least 32×32 pixels.")
        );
        let layers = out.errors.layers.unwrap();
        assert_eq!(layers.line, Some(6));
        assert!(
            layers
                .message
                .starts_with("Layer 6 (pool2): its 2×2 window does not fit the 1×1 input")
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let form = CnnForm {
            height: "-1".into(),
            width: "abc".into(),
            channels: "".into(),
            batch: "1e999".into(),
            overhead_mib: "NaN".into(),
            layers: "conv 64".into(),
            ..CnnForm::default()
        };
        let e = evaluate(&form).errors;
        assert!(e.height.is_some() && e.width.is_some() && e.channels.is_some());
        assert!(e.batch.is_some() && e.overhead.is_some());
        assert_eq!(e.layers.unwrap().line, Some(1));
    }

    #[test]
    fn an_empty_layer_list_asks_for_a_layer() {
        let form = CnnForm {
            layers: "# nothing yet".into(),
            ..CnnForm::default()
        };
        let e = evaluate(&form).errors.layers.unwrap();
        assert_eq!(e.line, None);
        assert_eq!(e.message, "Add at least one layer, e.g. conv 64 3x3 pad=1.");
    }

    #[test]
    fn edited_layers_are_no_longer_the_preset() {
        let mut form = CnnForm::for_preset(Preset::AlexNet);
        assert_eq!(form.matching_preset(), Some(Preset::AlexNet));
        form.layers.push_str("extra: fc 10\n");
        assert_eq!(form.matching_preset(), None);
        assert!(evaluate(&form).result.is_some());
    }
}
