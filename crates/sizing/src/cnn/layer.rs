//! The description of a convolutional network: an input image and an ordered
//! list of layers. Shapes are never typed in; they are derived by
//! [`analyze`](super::analyze).

use serde::{Deserialize, Serialize};

/// A (height, width) pair: kernel size, stride, padding, or an output size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pair {
    pub h: u32,
    pub w: u32,
}

impl Pair {
    pub const fn new(h: u32, w: u32) -> Pair {
        Pair { h, w }
    }

    pub const fn square(n: u32) -> Pair {
        Pair { h: n, w: n }
    }

    pub fn is_square(self) -> bool {
        self.h == self.w
    }
}

impl std::fmt::Display for Pair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{}", self.h, self.w)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolOp {
    Max,
    Avg,
}

/// What a layer computes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LayerKind {
    /// 2-D convolution: `filters` output channels, one `kernel` window per
    /// (filter, input channel / groups), optional bias per filter.
    /// Activation functions (ReLU) are applied in place and add no tensor.
    Conv {
        filters: u32,
        kernel: Pair,
        stride: Pair,
        padding: Pair,
        groups: u32,
        bias: bool,
    },
    /// Max or average pooling: no parameters.
    Pool {
        op: PoolOp,
        kernel: Pair,
        stride: Pair,
        padding: Pair,
    },
    /// Average over the whole feature map: H×W×C → 1×1×C.
    GlobalAvgPool,
    /// Average pooling to a fixed output size, whatever the input size.
    AdaptiveAvgPool { output: Pair },
    /// H×W×C → a vector of H·W·C values. A view: it shares its input's memory.
    Flatten,
    /// Fully connected layer on a vector.
    Dense { units: u32, bias: bool },
    /// Batch normalization: a learned scale and shift per channel (2·C parameters)
    /// plus running mean and variance (2·C buffers that are not trained).
    BatchNorm,
    /// Element-wise sum of this layer's input and the output of layer `other`
    /// (the residual connection of ResNet).
    Add { other: String },
}

impl LayerKind {
    /// A convolution with a square `k`×`k` kernel, equal stride and padding on both
    /// axes, no groups.
    pub fn square_conv(filters: u32, k: u32, stride: u32, pad: u32, bias: bool) -> LayerKind {
        LayerKind::Conv {
            filters,
            kernel: Pair::square(k),
            stride: Pair::square(stride),
            padding: Pair::square(pad),
            groups: 1,
            bias,
        }
    }

    /// A pooling layer with a square `k`×`k` window.
    pub fn square_pool(op: PoolOp, k: u32, stride: u32, pad: u32) -> LayerKind {
        LayerKind::Pool {
            op,
            kernel: Pair::square(k),
            stride: Pair::square(stride),
            padding: Pair::square(pad),
        }
    }

    /// The keyword that starts this layer in the text format.
    pub fn keyword(&self) -> &'static str {
        match self {
            LayerKind::Conv { .. } => "conv",
            LayerKind::Pool {
                op: PoolOp::Max, ..
            } => "maxpool",
            LayerKind::Pool {
                op: PoolOp::Avg, ..
            } => "avgpool",
            LayerKind::GlobalAvgPool => "gap",
            LayerKind::AdaptiveAvgPool { .. } => "adaptiveavgpool",
            LayerKind::Flatten => "flatten",
            LayerKind::Dense { .. } => "fc",
            LayerKind::BatchNorm => "bn",
            LayerKind::Add { .. } => "add",
        }
    }

    /// A short human description: "conv 3×3, 64 filters, stride 1, pad 1".
    pub fn describe(&self) -> String {
        match self {
            LayerKind::Conv {
                filters,
                kernel,
                stride,
                padding,
                groups,
                bias,
            } => {
                let mut s = format!(
                    "conv {kernel}, {filters} filters, stride {}, pad {}",
                    pair_text(*stride),
                    pair_text(*padding)
                );
                if *groups != 1 {
                    s.push_str(&format!(", {groups} groups"));
                }
                if !bias {
                    s.push_str(", no bias");
                }
                s
            }
            LayerKind::Pool {
                op,
                kernel,
                stride,
                padding,
            } => {
                let name = match op {
                    PoolOp::Max => "max pool",
                    PoolOp::Avg => "avg pool",
                };
                let mut s = format!("{name} {kernel}, stride {}", pair_text(*stride));
                if padding.h != 0 || padding.w != 0 {
                    s.push_str(&format!(", pad {}", pair_text(*padding)));
                }
                s
            }
            LayerKind::GlobalAvgPool => "global avg pool".to_string(),
            LayerKind::AdaptiveAvgPool { output } => format!("adaptive avg pool to {output}"),
            LayerKind::Flatten => "flatten".to_string(),
            LayerKind::Dense { units, bias } => {
                if *bias {
                    format!("fully connected, {units} units")
                } else {
                    format!("fully connected, {units} units, no bias")
                }
            }
            LayerKind::BatchNorm => "batch norm".to_string(),
            LayerKind::Add { other } => format!("residual add with {other}"),
        }
    }
}

/// "2" for a square pair, "2×1" otherwise.
pub(crate) fn pair_text(p: Pair) -> String {
    if p.is_square() {
        p.h.to_string()
    } else {
        p.to_string()
    }
}

/// One layer of a network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// Unique name; other layers refer to it in `from` and `add`.
    pub name: String,
    pub kind: LayerKind,
    /// The layer whose output feeds this one (or [`INPUT`]); `None` means the previous layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

impl Layer {
    pub fn new(name: impl Into<String>, kind: LayerKind) -> Layer {
        Layer {
            name: name.into(),
            kind,
            from: None,
        }
    }

    pub fn from(mut self, source: impl Into<String>) -> Layer {
        self.from = Some(source.into());
        self
    }
}

/// The name that refers to the network's input image in `from` and `add`.
pub const INPUT: &str = "input";

/// The image fed to the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageInput {
    pub height: u32,
    pub width: u32,
    pub channels: u32,
}

impl ImageInput {
    pub const fn new(height: u32, width: u32, channels: u32) -> ImageInput {
        ImageInput {
            height,
            width,
            channels,
        }
    }
}

/// An ordered list of layers; each layer reads the previous one unless it names another.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub layers: Vec<Layer>,
}

/// The shape of a tensor for one image (the batch dimension is applied later).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    /// A stack of `channels` feature maps of `height`×`width`.
    Map {
        height: u64,
        width: u64,
        channels: u64,
    },
    /// A flat vector, as after Flatten or a fully connected layer.
    Vector { len: u64 },
}

impl Shape {
    /// Values per image; `None` if the product overflows 64 bits.
    pub fn elements(&self) -> Option<u64> {
        match *self {
            Shape::Map {
                height,
                width,
                channels,
            } => height.checked_mul(width)?.checked_mul(channels),
            Shape::Vector { len } => Some(len),
        }
    }
}

impl Shape {
    /// As [`Display`](std::fmt::Display) writes it, a vector's length without
    /// digit grouping ("25088"): for a CSV cell.
    pub fn plain(&self) -> String {
        match self {
            Shape::Vector { len } => len.to_string(),
            map => map.to_string(),
        }
    }
}

impl std::fmt::Display for Shape {
    /// Written H×W×C as the article does ("224×224×64"), or the vector length.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shape::Map {
                height,
                width,
                channels,
            } => write!(f, "{height}×{width}×{channels}"),
            Shape::Vector { len } => write!(f, "{}", crate::units::group_digits(*len)),
        }
    }
}
