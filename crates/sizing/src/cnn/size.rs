//! Sizing a CNN scenario: the network read (a bundled one or a layer list), the
//! image and workload checked, the shapes derived and the memory computed. Every
//! problem names its field by the scenario's dotted path; the rules below are the
//! only place those paths and ranges are written.

use super::TermKind;
use super::analysis::{Analysis, MAX_IMAGE_SIDE, NetworkError, analyze, min_square_input};
use super::layer::{ImageInput, Network};
use super::memory::{
    CnnWorkload, Estimate, LayerBytes, MAX_BATCH, estimate, input_bytes, layer_bytes,
};
use super::presets::Preset;
use super::text;
use crate::field::{Decimal, Problems, Whole};
use crate::input::capitalize;
use crate::mode::Mode;
use crate::scenario::{CnnScenario, FieldError, NetworkRef};
use crate::transformer::memory::largest_fitting;
use crate::transformer::size::ReverseAnswers;
use crate::units::group_digits;

/// Largest runtime overhead accepted, in MiB (1 TiB).
pub const MAX_OVERHEAD_MIB: f64 = 1_048_576.0;
/// Largest channel count of the input image.
pub const MAX_CHANNELS: u64 = 65_536;

/// A bundled network's id, or (below it) a layer list.
pub const NETWORK: &str = "workload.cnn.network";
/// The layer list, one layer per line; its messages start with "Line N: ".
pub const LAYERS: &str = "workload.cnn.network.layers";
/// The image as a whole (height × width against what the network needs).
pub const IMAGE: &str = "workload.cnn.image";
pub const HEIGHT: Whole = Whole::new("workload.cnn.height", 1, MAX_IMAGE_SIDE as u64);
pub const WIDTH: Whole = Whole::new("workload.cnn.width", 1, MAX_IMAGE_SIDE as u64);
pub const CHANNELS: Whole = Whole::new("workload.cnn.channels", 1, MAX_CHANNELS);
pub const BATCH: Whole = Whole::new("workload.cnn.batch", 1, MAX_BATCH);
pub const OVERHEAD_MIB: Decimal = Decimal::new("workload.cnn.overhead_mib", 0.0, MAX_OVERHEAD_MIB);
/// GPU memory for the reverse question (the largest batch), GiB.
pub const MEMORY_GIB: Decimal = Decimal::new("workload.cnn.memory_gib", 0.001, 1_048_576.0);

/// The reverse question of a CNN: the largest batch that fits in the memory per
/// GPU the scenario gives, the rest of the workload as set (the batch is the
/// only term that grows: feature maps, their gradients, the input). A bad
/// memory size is a problem of this answer alone.
///
/// The weights are those of `r`'s estimate, which a compression recipe may
/// have replaced (no batch changes them).
pub fn reverse(c: &CnnScenario, r: &CnnSized) -> Result<ReverseAnswers, FieldError> {
    let gib = MEMORY_GIB.check(c.memory_gib)?;
    let memory = (gib * 1_073_741_824.0).round() as u64;
    let weights = r.estimate.bytes(TermKind::Weights);
    let max_batch = largest_fitting(memory, MAX_BATCH, |batch| {
        let w = CnnWorkload {
            batch,
            ..r.workload
        };
        estimate(&r.analysis, &w).ok().map(|e| {
            e.total
                .saturating_sub(e.bytes(TermKind::Weights))
                .saturating_add(weights)
        })
    });
    Ok(ReverseAnswers {
        memory,
        max_context: None,
        max_sequences: max_batch,
        kv_tokens: None,
    })
}

/// A CNN scenario, sized.
#[derive(Clone, Debug, PartialEq)]
pub struct CnnSized {
    /// The bundled network's name, or "custom network".
    pub name: &'static str,
    /// The layers as read.
    pub network: Network,
    pub analysis: Analysis,
    /// Bytes of the input image (a row of its own in the layer table).
    pub input_bytes: LayerBytes,
    pub layers: Vec<LayerBytes>,
    pub estimate: Estimate,
    pub workload: CnnWorkload,
    pub input: ImageInput,
    /// "Training VGG-16 on 224×224×3 images, batch 32, FP32".
    pub headline: String,
}

/// The layer list of a network and the bundled network it is, if any.
pub fn layer_text(network: &NetworkRef) -> (String, Option<Preset>) {
    match network {
        NetworkRef::Preset(p) => (text::render(&p.network()), Some(*p)),
        NetworkRef::Layers(t) => (t.clone(), None),
    }
}

/// The bundled network a layer list describes, if any.
pub fn bundled(network: &Network) -> Option<Preset> {
    Preset::ALL.into_iter().find(|p| p.network() == *network)
}

/// The image a network is designed for: the bundled network's, else VGG-16's
/// (224×224×3); the image a scenario leaves out.
pub fn design_input(preset: Option<Preset>) -> ImageInput {
    preset.unwrap_or(Preset::Vgg16).input()
}

/// Sizes the CNN part of a scenario: every problem at once, each at its path.
pub fn size(c: &CnnScenario) -> Result<CnnSized, Vec<FieldError>> {
    let mut p = Problems::default();
    let (layers, preset) = layer_text(&c.network);
    let network_path = if preset.is_some() { NETWORK } else { LAYERS };
    let at_line = |line: Option<usize>, message: String| {
        let message = match line {
            Some(n) => format!("Line {n}: {message}"),
            None => message,
        };
        FieldError::new(network_path, message)
    };
    let parsed = text::parse(&layers)
        .map_err(|e| p.push(at_line(Some(e.line), e.message)))
        .ok();
    // A layer list equal to a bundled network's is that network.
    let preset = preset.or_else(|| bundled(&parsed.as_ref()?.network));
    let design = design_input(preset);
    let height = p.take(HEIGHT.check(c.height.unwrap_or(design.height.into())), 0) as u32;
    let width = p.take(WIDTH.check(c.width.unwrap_or(design.width.into())), 0) as u32;
    let channels = p.take(
        CHANNELS.check(c.channels.unwrap_or(design.channels.into())),
        0,
    ) as u32;
    let batch = p.take(BATCH.check(c.batch), 0);
    let overhead = p.take(OVERHEAD_MIB.check(c.overhead_mib), 0.0);

    let input = ImageInput::new(height, width, channels);
    let analysis = parsed
        .filter(|_| height > 0 && width > 0 && channels > 0)
        .and_then(|parsed| match analyze(&parsed.network, input) {
            Ok(a) => Some((a, parsed.network)),
            Err(e) => {
                if e.is_input_too_small() {
                    p.push(FieldError::new(
                        IMAGE,
                        match min_square_input(&parsed.network, channels) {
                            Some(min) => format!(
                                "The image is too small for this network: it needs at least {min}×{min} pixels."
                            ),
                            None => "The image is too small for this network.".to_string(),
                        },
                    ));
                }
                let message = match &e {
                    NetworkError::Empty => {
                        "Add at least one layer, e.g. conv 64 3x3 pad=1.".to_string()
                    }
                    other => capitalize(&other.to_string()),
                };
                p.push(at_line(e.layer().map(|i| parsed.lines[i]), message));
                None
            }
        });
    let Some((analysis, network)) = analysis.filter(|_| p.is_empty()) else {
        return Err(p.0);
    };
    let workload = CnnWorkload {
        batch,
        precision: c.precision,
        mode: c.mode,
        optimizer: c.optimizer,
        mixed_precision: c.mixed_precision,
        runtime_overhead: (overhead * 1_048_576.0).round() as u64,
    };
    let computed = estimate(&analysis, &workload).and_then(|e| {
        Ok((
            e,
            input_bytes(&analysis, &workload)?,
            layer_bytes(&analysis, &workload)?,
        ))
    });
    let (estimate, input_bytes, layers) = computed.map_err(|e| {
        vec![FieldError::new(
            BATCH.path,
            capitalize(&e.to_string()) + ".",
        )]
    })?;
    let name = preset.map_or("custom network", Preset::name);
    let headline = format!(
        "{} {name} on {height}×{width}×{channels} images, batch {}, {}",
        match c.mode {
            Mode::Training => "Training",
            Mode::Inference => "Inference with",
        },
        group_digits(batch),
        c.precision.name()
    );
    Ok(CnnSized {
        name,
        network,
        analysis,
        input_bytes,
        layers,
        estimate,
        workload,
        input,
        headline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnn::TermKind;

    fn vgg16() -> CnnScenario {
        CnnScenario::default()
    }

    #[test]
    fn the_default_is_vgg16_training_at_batch_32() {
        let r = size(&vgg16()).unwrap();
        assert_eq!(r.name, "VGG-16");
        assert_eq!(r.analysis.params, 138_357_544);
        assert_eq!(r.estimate.bytes(TermKind::FeatureMaps), 1_931_146_240);
        assert_eq!(r.estimate.bytes(TermKind::RuntimeOverhead), 512 * 1_048_576);
        assert_eq!(
            r.headline,
            "Training VGG-16 on 224×224×3 images, batch 32, FP32"
        );
    }

    #[test]
    fn a_3x3_image_into_vgg16_explains_the_minimum() {
        let s = CnnScenario {
            height: Some(3),
            width: Some(3),
            ..vgg16()
        };
        let e = size(&s).unwrap_err();
        assert_eq!(
            FieldError::at(&e, IMAGE),
            Some("The image is too small for this network: it needs at least 32×32 pixels.")
        );
        let layers = FieldError::at(&e, NETWORK).unwrap();
        assert!(
            layers
                .starts_with("Line 6: Layer 6 (pool2): its 2×2 window does not fit the 1×1 input"),
            "{layers}"
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let s = CnnScenario {
            height: Some(0),
            width: Some(1 << 40),
            channels: Some(0),
            batch: 0,
            overhead_mib: f64::NAN,
            network: NetworkRef::Layers("conv 64".into()),
            ..vgg16()
        };
        let e = size(&s).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                LAYERS,
                HEIGHT.path,
                WIDTH.path,
                CHANNELS.path,
                BATCH.path,
                OVERHEAD_MIB.path
            ]
        );
        assert!(e[0].message.starts_with("Line 1: "), "{}", e[0].message);
    }

    #[test]
    fn an_empty_layer_list_asks_for_a_layer() {
        let s = CnnScenario {
            network: NetworkRef::Layers("# nothing yet".into()),
            ..vgg16()
        };
        assert_eq!(
            size(&s).unwrap_err()[0].message,
            "Add at least one layer, e.g. conv 64 3x3 pad=1."
        );
    }

    #[test]
    fn a_layer_list_equal_to_a_bundled_network_is_named_after_it() {
        let s = CnnScenario {
            network: NetworkRef::Layers(text::render(&Preset::AlexNet.network())),
            ..vgg16()
        };
        assert_eq!(size(&s).unwrap().name, "AlexNet");
        let s = CnnScenario {
            network: NetworkRef::Layers(
                text::render(&Preset::AlexNet.network()) + "extra: fc 10\n",
            ),
            ..vgg16()
        };
        assert_eq!(size(&s).unwrap().name, "custom network");
    }
}
