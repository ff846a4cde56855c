//! Shape derivation, parameter counts and feature-map sizes, per layer and in total.
//! Everything here is per image and independent of precision; the memory model
//! applies batch size and bytes per value.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::layer::{INPUT, ImageInput, Layer, LayerKind, Network, Pair, Shape, pair_text};
use crate::units::group_digits;

/// Largest network the engine analyses, in layers.
pub const MAX_LAYERS: usize = 10_000;

/// Where a layer's operand comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Input,
    Layer(usize),
}

/// Derived facts about one layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerAnalysis {
    pub name: String,
    pub description: String,
    /// Operands: one, or two for a residual add.
    pub sources: Vec<Source>,
    pub output: Shape,
    /// Trainable parameters (weights and biases).
    pub params: u64,
    /// How `params` was counted, in the article's notation ("64 × (3 × 3) × 3 + 64").
    pub param_formula: Option<String>,
    /// Non-trainable state kept with the weights (BatchNorm running mean and variance).
    pub buffers: u64,
    /// True when the output shares its input's memory (Flatten).
    pub view: bool,
    /// Values in the output, per image.
    pub output_elements: u64,
    /// Multiply-accumulates of one image's forward pass: convolutions
    /// (weights × output positions) and dense layers (weights); 0 for the rest.
    pub macs: u64,
}

impl LayerAnalysis {
    /// Values this layer adds to memory, per image: 0 for a view.
    pub fn stored_elements(&self) -> u64 {
        if self.view { 0 } else { self.output_elements }
    }
}

/// The moment of the forward pass when the most feature-map values are alive at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivePeak {
    /// Values alive, per image.
    pub elements: u64,
    /// The layer being computed at that moment.
    pub layer: usize,
    /// The tensors alive then: the layer's inputs, its output, and any kept for a later layer.
    pub tensors: Vec<Source>,
}

/// Derived facts about a whole network for one input size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub input: Shape,
    pub input_elements: u64,
    pub layers: Vec<LayerAnalysis>,
    pub params: u64,
    pub buffers: u64,
    /// Σ of every layer's stored output, per image (the input image is not included).
    pub feature_elements: u64,
    /// Multiply-accumulates of one image's forward pass.
    pub macs: u64,
    /// The largest set of feature maps alive at once during a forward pass (input included).
    pub peak: LivePeak,
    /// Layers whose output no later layer reads (other than the last layer).
    pub unused: Vec<usize>,
}

impl Analysis {
    pub fn source_name(&self, source: Source) -> &str {
        match source {
            Source::Input => INPUT,
            Source::Layer(i) => &self.layers[i].name,
        }
    }

    pub fn source_shape(&self, source: Source) -> Shape {
        match source {
            Source::Input => self.input,
            Source::Layer(i) => self.layers[i].output,
        }
    }
}

/// Why a network cannot be analysed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    #[error("the network has no layers")]
    Empty,
    #[error("the network has {0} layers; the limit is {MAX_LAYERS}")]
    TooManyLayers(usize),
    #[error("the input image {field} must be at least 1")]
    Input { field: &'static str },
    #[error("layer {} ({name}): {problem}", .index + 1)]
    Layer {
        /// Zero-based position in the layer list.
        index: usize,
        name: String,
        problem: Problem,
    },
    #[error("the feature maps alive at once exceed 64-bit arithmetic; reduce the image size")]
    TooLarge,
}

impl NetworkError {
    /// The zero-based layer the error is about, if any.
    pub fn layer(&self) -> Option<usize> {
        match self {
            NetworkError::Layer { index, .. } => Some(*index),
            _ => None,
        }
    }

    /// True when a larger input image would make the error go away.
    pub fn is_input_too_small(&self) -> bool {
        matches!(
            self,
            NetworkError::Layer {
                problem: Problem::WindowTooLarge { .. },
                ..
            }
        )
    }
}

/// What is wrong with one layer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the layer has no name")]
    EmptyName,
    #[error("the name '{INPUT}' is reserved for the network's input")]
    ReservedName,
    #[error("the name is already used by layer {}", .first + 1)]
    DuplicateName { first: usize },
    #[error("no layer is called '{0}'")]
    UnknownSource(String),
    #[error("'{0}' comes later in the list; a layer can only read layers above it")]
    LaterSource(String),
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    #[error(
        "its {window} window does not fit the {input} input (padding {}); the image is too small for this network",
        pair_text(*.padding)
    )]
    WindowTooLarge {
        window: Pair,
        input: Pair,
        padding: Pair,
    },
    #[error("padding {} is more than half of the {window} window", pair_text(*.padding))]
    PoolPadding { window: Pair, padding: Pair },
    #[error(
        "it needs feature maps (H×W×C) but its input is a vector of {} values; move it above the flatten",
        group_digits(*.len)
    )]
    NeedsFeatureMaps { len: u64 },
    #[error(
        "it needs a vector but its input is {shape} feature maps; add a flatten layer before it"
    )]
    NeedsVector { shape: Shape },
    #[error(
        "groups = {groups} must divide both the {channels} input channels and the {filters} filters"
    )]
    Groups {
        groups: u32,
        channels: u64,
        filters: u32,
    },
    #[error(
        "cannot add {a} and {b}: a residual add needs equal shapes (put a 1×1 conv on the shortcut)"
    )]
    AddMismatch { a: Shape, b: Shape },
    #[error("its size overflows 64-bit arithmetic; reduce the image size, filters or units")]
    TooLarge,
}

fn layer_error(index: usize, layer: &Layer, problem: Problem) -> NetworkError {
    NetworkError::Layer {
        index,
        name: layer.name.clone(),
        problem,
    }
}

/// Output length of a sliding window: floor((n + 2p − k) / s) + 1.
fn window_out(n: u64, kernel: u32, stride: u32, pad: u32) -> Option<u64> {
    let padded = n.checked_add(2 * u64::from(pad))?;
    let k = u64::from(kernel);
    if padded < k {
        return None;
    }
    Some((padded - k) / u64::from(stride) + 1)
}

struct Derived {
    output: Shape,
    params: u64,
    param_formula: Option<String>,
    buffers: u64,
    view: bool,
}

fn need_map(shape: Shape) -> Result<(u64, u64, u64), Problem> {
    match shape {
        Shape::Map {
            height,
            width,
            channels,
        } => Ok((height, width, channels)),
        Shape::Vector { len } => Err(Problem::NeedsFeatureMaps { len }),
    }
}

fn positive(value: u32, what: &'static str) -> Result<u64, Problem> {
    if value == 0 {
        Err(Problem::Zero(what))
    } else {
        Ok(u64::from(value))
    }
}

fn windowed(
    (h, w): (u64, u64),
    kernel: Pair,
    stride: Pair,
    padding: Pair,
) -> Result<(u64, u64), Problem> {
    positive(kernel.h, "the kernel height")?;
    positive(kernel.w, "the kernel width")?;
    positive(stride.h, "the stride")?;
    positive(stride.w, "the stride")?;
    let too_large = || Problem::WindowTooLarge {
        window: kernel,
        input: Pair::new(
            u32::try_from(h).unwrap_or(u32::MAX),
            u32::try_from(w).unwrap_or(u32::MAX),
        ),
        padding,
    };
    let oh = window_out(h, kernel.h, stride.h, padding.h).ok_or_else(too_large)?;
    let ow = window_out(w, kernel.w, stride.w, padding.w).ok_or_else(too_large)?;
    Ok((oh, ow))
}

fn derive(kind: &LayerKind, inputs: &[Shape]) -> Result<Derived, Problem> {
    let input = inputs[0];
    let plain = |output: Shape| Derived {
        output,
        params: 0,
        param_formula: None,
        buffers: 0,
        view: false,
    };
    match kind {
        LayerKind::Conv {
            filters,
            kernel,
            stride,
            padding,
            groups,
            bias,
        } => {
            let (h, w, c) = need_map(input)?;
            let f = positive(*filters, "filters")?;
            let g = positive(*groups, "groups")?;
            if !c.is_multiple_of(g) || !f.is_multiple_of(g) {
                return Err(Problem::Groups {
                    groups: *groups,
                    channels: c,
                    filters: *filters,
                });
            }
            let (oh, ow) = windowed((h, w), *kernel, *stride, *padding)?;
            let per_filter = u64::from(kernel.h)
                .checked_mul(u64::from(kernel.w))
                .and_then(|k| k.checked_mul(c / g))
                .ok_or(Problem::TooLarge)?;
            let weights = f.checked_mul(per_filter).ok_or(Problem::TooLarge)?;
            let biases = if *bias { f } else { 0 };
            let params = weights.checked_add(biases).ok_or(Problem::TooLarge)?;
            let mut formula = format!(
                "{} × ({} × {}) × {}",
                group_digits(f),
                kernel.h,
                kernel.w,
                group_digits(c / g)
            );
            if *bias {
                formula.push_str(&format!(" + {}", group_digits(f)));
            }
            Ok(Derived {
                output: Shape::Map {
                    height: oh,
                    width: ow,
                    channels: f,
                },
                params,
                param_formula: Some(formula),
                buffers: 0,
                view: false,
            })
        }
        LayerKind::Pool {
            op: _,
            kernel,
            stride,
            padding,
        } => {
            let (h, w, c) = need_map(input)?;
            if padding.h > kernel.h / 2 || padding.w > kernel.w / 2 {
                return Err(Problem::PoolPadding {
                    window: *kernel,
                    padding: *padding,
                });
            }
            let (oh, ow) = windowed((h, w), *kernel, *stride, *padding)?;
            Ok(plain(Shape::Map {
                height: oh,
                width: ow,
                channels: c,
            }))
        }
        LayerKind::GlobalAvgPool => {
            let (_, _, c) = need_map(input)?;
            Ok(plain(Shape::Map {
                height: 1,
                width: 1,
                channels: c,
            }))
        }
        LayerKind::AdaptiveAvgPool { output } => {
            let (h, w, c) = need_map(input)?;
            let oh = positive(output.h, "the output height")?;
            let ow = positive(output.w, "the output width")?;
            // At its input's own size the pool passes the map through: a view
            // (VGG-16 and AlexNet at 224×224 stay the article's figures).
            Ok(Derived {
                view: (oh, ow) == (h, w),
                ..plain(Shape::Map {
                    height: oh,
                    width: ow,
                    channels: c,
                })
            })
        }
        LayerKind::Flatten => {
            let len = input.elements().ok_or(Problem::TooLarge)?;
            Ok(Derived {
                view: true,
                ..plain(Shape::Vector { len })
            })
        }
        LayerKind::Dense { units, bias } => {
            let n = match input {
                Shape::Vector { len } => len,
                shape @ Shape::Map { .. } => return Err(Problem::NeedsVector { shape }),
            };
            let u = positive(*units, "units")?;
            let weights = n.checked_mul(u).ok_or(Problem::TooLarge)?;
            let biases = if *bias { u } else { 0 };
            let mut formula = format!("{} × {}", group_digits(n), group_digits(u));
            if *bias {
                formula.push_str(&format!(" + {}", group_digits(u)));
            }
            Ok(Derived {
                output: Shape::Vector { len: u },
                params: weights.checked_add(biases).ok_or(Problem::TooLarge)?,
                param_formula: Some(formula),
                buffers: 0,
                view: false,
            })
        }
        LayerKind::BatchNorm => {
            let c = match input {
                Shape::Map { channels, .. } => channels,
                Shape::Vector { len } => len,
            };
            let two_c = c.checked_mul(2).ok_or(Problem::TooLarge)?;
            Ok(Derived {
                output: input,
                params: two_c,
                param_formula: Some(format!("2 × {} (scale γ and shift β)", group_digits(c))),
                buffers: two_c,
                view: false,
            })
        }
        LayerKind::Add { .. } => {
            let (a, b) = (inputs[0], inputs[1]);
            if a != b {
                return Err(Problem::AddMismatch { a, b });
            }
            Ok(plain(a))
        }
    }
}

/// Derive every layer's shape, parameters and feature-map size for `input`.
pub fn analyze(network: &Network, input: ImageInput) -> Result<Analysis, NetworkError> {
    for (value, field) in [
        (input.height, "height"),
        (input.width, "width"),
        (input.channels, "channels"),
    ] {
        if value == 0 {
            return Err(NetworkError::Input { field });
        }
    }
    let n = network.layers.len();
    if n == 0 {
        return Err(NetworkError::Empty);
    }
    if n > MAX_LAYERS {
        return Err(NetworkError::TooManyLayers(n));
    }
    let input_shape = Shape::Map {
        height: u64::from(input.height),
        width: u64::from(input.width),
        channels: u64::from(input.channels),
    };
    let input_elements = input_shape.elements().ok_or(NetworkError::TooLarge)?;

    let mut first_use: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, layer) in network.layers.iter().enumerate() {
        first_use.entry(layer.name.as_str()).or_insert(i);
    }

    let mut layers: Vec<LayerAnalysis> = Vec::with_capacity(n);
    for (i, layer) in network.layers.iter().enumerate() {
        let fail = |problem| layer_error(i, layer, problem);
        if layer.name.is_empty() {
            return Err(fail(Problem::EmptyName));
        }
        if layer.name == INPUT {
            return Err(fail(Problem::ReservedName));
        }
        if first_use[layer.name.as_str()] != i {
            return Err(fail(Problem::DuplicateName {
                first: first_use[layer.name.as_str()],
            }));
        }
        let resolve = |name: &str| -> Result<Source, Problem> {
            if name == INPUT {
                return Ok(Source::Input);
            }
            match first_use.get(name) {
                Some(&j) if j < i => Ok(Source::Layer(j)),
                Some(_) => Err(Problem::LaterSource(name.to_string())),
                None => Err(Problem::UnknownSource(name.to_string())),
            }
        };
        let primary = match &layer.from {
            Some(name) => resolve(name).map_err(fail)?,
            None if i == 0 => Source::Input,
            None => Source::Layer(i - 1),
        };
        let mut sources = vec![primary];
        if let LayerKind::Add { other } = &layer.kind {
            sources.push(resolve(other).map_err(fail)?);
        }
        let shapes: Vec<Shape> = sources
            .iter()
            .map(|s| match *s {
                Source::Input => input_shape,
                Source::Layer(j) => layers[j].output,
            })
            .collect();
        let derived = derive(&layer.kind, &shapes).map_err(fail)?;
        let output_elements = derived
            .output
            .elements()
            .ok_or_else(|| fail(Problem::TooLarge))?;
        let macs = layer_macs(&layer.kind, derived.params, derived.output)
            .ok_or_else(|| fail(Problem::TooLarge))?;
        layers.push(LayerAnalysis {
            name: layer.name.clone(),
            description: layer.kind.describe(),
            sources,
            output: derived.output,
            params: derived.params,
            param_formula: derived.param_formula,
            buffers: derived.buffers,
            view: derived.view,
            output_elements,
            macs,
        });
    }

    let sum = |f: fn(&LayerAnalysis) -> u64| -> Result<u64, NetworkError> {
        layers
            .iter()
            .try_fold(0u64, |acc, l| acc.checked_add(f(l)))
            .ok_or(NetworkError::TooLarge)
    };
    let params = sum(|l| l.params)?;
    let buffers = sum(|l| l.buffers)?;
    let feature_elements = sum(|l| l.stored_elements())?;
    let macs = sum(|l| l.macs)?;
    let (peak, unused) = live_peak(&layers, input_elements)?;

    Ok(Analysis {
        input: input_shape,
        input_elements,
        layers,
        params,
        buffers,
        feature_elements,
        macs,
        peak,
        unused,
    })
}

/// Multiply-accumulates of one forward pass of a layer for one image: a
/// convolution multiplies each weight once per output position, a dense layer
/// each weight once. Pooling, normalization and sums are left out (a few per
/// cent of a CNN's arithmetic; they are bound by memory, not compute).
fn layer_macs(kind: &LayerKind, params: u64, output: Shape) -> Option<u64> {
    match *kind {
        LayerKind::Conv { filters, bias, .. } => {
            let weights = params.checked_sub(if bias { u64::from(filters) } else { 0 })?;
            match output {
                Shape::Map { height, width, .. } => weights.checked_mul(height)?.checked_mul(width),
                Shape::Vector { .. } => Some(weights),
            }
        }
        LayerKind::Dense { units, bias } => {
            params.checked_sub(if bias { u64::from(units) } else { 0 })
        }
        _ => Some(0),
    }
}

/// Buffer ids: 0 is the input image, `i + 1` is the memory layer `i` writes.
fn buffer_of(layers: &[LayerAnalysis], source: Source) -> usize {
    let mut s = source;
    loop {
        match s {
            Source::Input => return 0,
            Source::Layer(i) if layers[i].view => s = layers[i].sources[0],
            Source::Layer(i) => return i + 1,
        }
    }
}

/// Forward-pass liveness: a tensor lives from the step that writes it to the last
/// step that reads it; the network's output lives to the end. For a plain chain
/// this is the article's "largest pair of consecutive feature maps".
fn live_peak(
    layers: &[LayerAnalysis],
    input_elements: u64,
) -> Result<(LivePeak, Vec<usize>), NetworkError> {
    let n = layers.len();
    let buffers = n + 1;
    let mut size = vec![0u64; buffers];
    let mut born = vec![usize::MAX; buffers];
    let mut last = vec![0usize; buffers];
    size[0] = input_elements;
    born[0] = 0;
    for (i, layer) in layers.iter().enumerate() {
        if !layer.view {
            size[i + 1] = layer.output_elements;
            born[i + 1] = i;
            last[i + 1] = i;
        }
        for &s in &layer.sources {
            let b = buffer_of(layers, s);
            last[b] = last[b].max(i);
        }
    }
    let output = buffer_of(layers, Source::Layer(n - 1));
    last[output] = n - 1;

    // Sweep: +size when a buffer is born, −size after its last reader.
    let mut delta = vec![0i128; n + 1];
    for b in 0..buffers {
        if born[b] == usize::MAX {
            continue;
        }
        delta[born[b]] += i128::from(size[b]);
        delta[last[b] + 1] -= i128::from(size[b]);
    }
    let (mut running, mut best, mut at) = (0i128, -1i128, 0usize);
    for (i, d) in delta.iter().take(n).enumerate() {
        running += d;
        if running > best {
            best = running;
            at = i;
        }
    }
    let elements = u64::try_from(best).map_err(|_| NetworkError::TooLarge)?;
    let tensors = (0..buffers)
        .filter(|&b| born[b] != usize::MAX && born[b] <= at && at <= last[b])
        .map(|b| {
            if b == 0 {
                Source::Input
            } else {
                Source::Layer(b - 1)
            }
        })
        .collect();
    let unused = (0..n)
        .filter(|&i| !layers[i].view && born[i + 1] == last[i + 1] && i + 1 != output)
        .collect();
    Ok((
        LivePeak {
            elements,
            layer: at,
            tensors,
        },
        unused,
    ))
}

/// Largest image side the minimum-size search tries.
pub const MAX_IMAGE_SIDE: u32 = 65_536;

/// The smallest square image (side in pixels) this network accepts with `channels`
/// channels, or `None` if no side up to [`MAX_IMAGE_SIDE`] works.
pub fn min_square_input(network: &Network, channels: u32) -> Option<u32> {
    let ok = |side: u32| analyze(network, ImageInput::new(side, side, channels)).is_ok();
    if !ok(MAX_IMAGE_SIDE) {
        return None;
    }
    // Output sizes grow with the input, so the windows that fit at one size fit at every larger one.
    let (mut lo, mut hi) = (1u32, MAX_IMAGE_SIDE);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) { hi = mid } else { lo = mid + 1 }
    }
    Some(lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnn::layer::{Layer, PoolOp};

    fn conv(name: &str, filters: u32, k: u32, stride: u32, pad: u32) -> Layer {
        Layer::new(name, LayerKind::square_conv(filters, k, stride, pad, true))
    }

    fn maxpool(name: &str, k: u32, s: u32) -> Layer {
        Layer::new(name, LayerKind::square_pool(PoolOp::Max, k, s, 0))
    }

    #[test]
    fn output_size_formula() {
        assert_eq!(window_out(224, 3, 1, 1), Some(224));
        assert_eq!(window_out(224, 2, 2, 0), Some(112));
        assert_eq!(window_out(224, 7, 2, 3), Some(112));
        assert_eq!(window_out(224, 11, 4, 2), Some(55));
        assert_eq!(window_out(1, 2, 2, 0), None);
        assert_eq!(window_out(1, 3, 1, 1), Some(1));
    }

    #[test]
    fn chain_peak_is_the_largest_consecutive_pair() {
        let net = Network {
            layers: vec![
                conv("a", 8, 3, 1, 1),
                conv("b", 16, 3, 1, 1),
                maxpool("p", 2, 2),
            ],
        };
        let a = analyze(&net, ImageInput::new(4, 4, 1)).unwrap();
        // sizes: input 16, a 128, b 256, p 64 → largest pair a+b = 384.
        assert_eq!(a.peak.elements, 384);
        assert_eq!(a.peak.layer, 1);
        assert_eq!(a.peak.tensors, vec![Source::Layer(0), Source::Layer(1)]);
        assert_eq!(a.feature_elements, 128 + 256 + 64);
        assert!(a.unused.is_empty());
    }

    #[test]
    fn residual_shortcut_stays_alive() {
        let net = Network {
            layers: vec![
                conv("a", 4, 3, 1, 1),
                conv("b", 4, 3, 1, 1),
                conv("c", 4, 3, 1, 1),
                Layer::new(
                    "sum",
                    LayerKind::Add {
                        other: "a".to_string(),
                    },
                ),
            ],
        };
        let an = analyze(&net, ImageInput::new(2, 2, 4)).unwrap();
        // Every tensor is 16 values; while computing c, a (kept for the add), b and c are alive.
        assert_eq!(an.peak.elements, 48);
        assert_eq!(
            an.peak.tensors,
            vec![Source::Layer(0), Source::Layer(1), Source::Layer(2)]
        );
    }

    #[test]
    fn flatten_is_a_view() {
        let net = Network {
            layers: vec![
                conv("a", 2, 1, 1, 0),
                Layer::new("f", LayerKind::Flatten),
                Layer::new(
                    "fc",
                    LayerKind::Dense {
                        units: 3,
                        bias: true,
                    },
                ),
            ],
        };
        let an = analyze(&net, ImageInput::new(2, 2, 1)).unwrap();
        assert!(an.layers[1].view);
        assert_eq!(an.layers[1].output, Shape::Vector { len: 8 });
        assert_eq!(an.layers[2].params, 8 * 3 + 3);
        assert_eq!(an.feature_elements, 8 + 3);
        // While the FC runs, conv a's buffer (seen through the flatten) and the FC output live.
        assert_eq!(an.peak.elements, 8 + 4);
    }

    #[test]
    fn errors_name_the_layer() {
        let net = Network {
            layers: vec![maxpool("p1", 2, 2), maxpool("p2", 2, 2)],
        };
        let err = analyze(&net, ImageInput::new(3, 3, 3)).unwrap_err();
        assert_eq!(err.layer(), Some(1));
        assert!(err.is_input_too_small());
        assert_eq!(
            err.to_string(),
            "layer 2 (p2): its 2×2 window does not fit the 1×1 input (padding 0); the image is too small for this network"
        );
        assert_eq!(min_square_input(&net, 3), Some(4));
    }

    #[test]
    fn references_are_checked() {
        let later = Network {
            layers: vec![conv("a", 1, 1, 1, 0).from("b"), conv("b", 1, 1, 1, 0)],
        };
        let err = analyze(&later, ImageInput::new(1, 1, 1)).unwrap_err();
        assert_eq!(err.layer(), Some(0));
        assert!(matches!(
            err,
            NetworkError::Layer {
                problem: Problem::LaterSource(_),
                ..
            }
        ));

        let dup = Network {
            layers: vec![conv("a", 1, 1, 1, 0), conv("a", 1, 1, 1, 0)],
        };
        assert_eq!(
            analyze(&dup, ImageInput::new(1, 1, 1))
                .unwrap_err()
                .to_string(),
            "layer 2 (a): the name is already used by layer 1"
        );

        let reserved = Network {
            layers: vec![conv("input", 1, 1, 1, 0)],
        };
        assert!(analyze(&reserved, ImageInput::new(1, 1, 1)).is_err());
    }

    #[test]
    fn unused_outputs_are_reported() {
        let net = Network {
            layers: vec![
                conv("a", 1, 1, 1, 0),
                conv("dead", 1, 1, 1, 0),
                conv("b", 1, 1, 1, 0).from("a"),
            ],
        };
        let an = analyze(&net, ImageInput::new(1, 1, 1)).unwrap();
        assert_eq!(an.unused, vec![1]);
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let net = Network {
            layers: vec![
                Layer::new("f", LayerKind::Flatten),
                Layer::new(
                    "fc",
                    LayerKind::Dense {
                        units: u32::MAX,
                        bias: true,
                    },
                ),
                Layer::new(
                    "fc2",
                    LayerKind::Dense {
                        units: u32::MAX,
                        bias: true,
                    },
                ),
            ],
        };
        let err = analyze(&net, ImageInput::new(u32::MAX, u32::MAX, u32::MAX)).unwrap_err();
        assert!(matches!(
            err,
            NetworkError::Layer {
                problem: Problem::TooLarge,
                ..
            } | NetworkError::TooLarge
        ));
    }
}
