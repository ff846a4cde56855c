//! Reference networks with their exact layer lists.

use serde::{Deserialize, Serialize};

use super::layer::{ImageInput, Layer, LayerKind, Network, Pair, PoolOp};

/// A bundled network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Vgg16,
    #[serde(rename = "resnet50")]
    ResNet50,
    #[serde(rename = "alexnet")]
    AlexNet,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::Vgg16, Preset::ResNet50, Preset::AlexNet];

    pub fn id(self) -> &'static str {
        match self {
            Preset::Vgg16 => "vgg16",
            Preset::ResNet50 => "resnet50",
            Preset::AlexNet => "alexnet",
        }
    }

    pub fn from_id(id: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.id() == id)
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::Vgg16 => "VGG-16",
            Preset::ResNet50 => "ResNet-50",
            Preset::AlexNet => "AlexNet",
        }
    }

    /// Where the layer list comes from.
    pub fn source(self) -> &'static str {
        match self {
            Preset::Vgg16 => {
                "Simonyan & Zisserman 2014 (arXiv 1409.1556), configuration D, as tabulated in \
                 \"Training vs Inference – Memory Consumption by Neural Networks\" (frankdenneman.nl, 2022): \
                 13 conv layers, 5 max pools, 3 fully connected; 138,357,544 parameters. \
                 As in torchvision.models.vgg16, an adaptive average pool to 7×7 before the \
                 classifier keeps those parameters at any image size."
            }
            Preset::ResNet50 => {
                "He et al. 2015 (arXiv 1512.03385), as built by torchvision.models.resnet50 \
                 (v1.5: stride 2 on the 3×3 conv of each bottleneck); convolutions without bias, \
                 batch norm after each; 25,557,032 parameters."
            }
            Preset::AlexNet => {
                "Krizhevsky 2014, \"One weird trick…\" (arXiv 1404.5997) single-tower variant, \
                 as built by torchvision.models.alexnet; 61,100,840 parameters."
            }
        }
    }

    /// The input the network was designed for.
    pub fn input(self) -> ImageInput {
        ImageInput::new(224, 224, 3)
    }

    pub fn network(self) -> Network {
        match self {
            Preset::Vgg16 => vgg16(),
            Preset::ResNet50 => resnet50(),
            Preset::AlexNet => alexnet(),
        }
    }
}

struct Builder {
    layers: Vec<Layer>,
}

impl Builder {
    fn new() -> Builder {
        Builder { layers: Vec::new() }
    }

    fn push(&mut self, layer: Layer) -> &mut Builder {
        self.layers.push(layer);
        self
    }

    fn conv(
        &mut self,
        name: &str,
        filters: u32,
        k: u32,
        stride: u32,
        pad: u32,
        bias: bool,
    ) -> &mut Builder {
        self.push(Layer::new(
            name,
            LayerKind::square_conv(filters, k, stride, pad, bias),
        ))
    }

    fn pool(&mut self, name: &str, op: PoolOp, k: u32, stride: u32, pad: u32) -> &mut Builder {
        self.push(Layer::new(name, LayerKind::square_pool(op, k, stride, pad)))
    }

    fn bn(&mut self, name: &str) -> &mut Builder {
        self.push(Layer::new(name, LayerKind::BatchNorm))
    }

    fn fc(&mut self, name: &str, units: u32) -> &mut Builder {
        self.push(Layer::new(name, LayerKind::Dense { units, bias: true }))
    }

    fn last_mut(&mut self) -> &mut Layer {
        self.layers.last_mut().expect("a layer was pushed")
    }

    fn build(&mut self) -> Network {
        Network {
            layers: std::mem::take(&mut self.layers),
        }
    }
}

fn vgg16() -> Network {
    let mut b = Builder::new();
    let stages: [(u32, u32, u32); 5] = [
        (1, 64, 2),
        (2, 128, 2),
        (3, 256, 3),
        (4, 512, 3),
        (5, 512, 3),
    ];
    for (stage, filters, convs) in stages {
        for c in 1..=convs {
            b.conv(&format!("conv{stage}_{c}"), filters, 3, 1, 1, true);
        }
        b.pool(&format!("pool{stage}"), PoolOp::Max, 2, 2, 0);
    }
    // As torchvision.models.vgg16: the classifier takes 7×7×512 = 25,088 values
    // whatever the image size (at 224×224 the pool passes them through).
    b.push(Layer::new(
        "avgpool",
        LayerKind::AdaptiveAvgPool {
            output: Pair::square(7),
        },
    ));
    b.push(Layer::new("flatten", LayerKind::Flatten));
    b.fc("fc1", 4096).fc("fc2", 4096).fc("fc3", 1000);
    b.build()
}

fn resnet50() -> Network {
    let mut b = Builder::new();
    b.conv("conv1", 64, 7, 2, 3, false)
        .bn("bn1")
        .pool("maxpool", PoolOp::Max, 3, 2, 1);
    let mut block_in = "maxpool".to_string();
    // (stage, width, blocks, stride of the first block); output channels are 4 × width.
    let stages: [(u32, u32, u32, u32); 4] = [
        (1, 64, 3, 1),
        (2, 128, 4, 2),
        (3, 256, 6, 2),
        (4, 512, 3, 2),
    ];
    let mut in_channels = 64;
    for (stage, width, blocks, first_stride) in stages {
        for block in 0..blocks {
            let p = format!("layer{stage}.{block}");
            let stride = if block == 0 { first_stride } else { 1 };
            let out = width * 4;
            b.conv(&format!("{p}.conv1"), width, 1, 1, 0, false);
            b.last_mut().from = Some(block_in.clone());
            b.bn(&format!("{p}.bn1"))
                .conv(&format!("{p}.conv2"), width, 3, stride, 1, false)
                .bn(&format!("{p}.bn2"))
                .conv(&format!("{p}.conv3"), out, 1, 1, 0, false)
                .bn(&format!("{p}.bn3"));
            let shortcut = if stride != 1 || in_channels != out {
                b.conv(&format!("{p}.downsample.0"), out, 1, stride, 0, false);
                b.last_mut().from = Some(block_in.clone());
                b.bn(&format!("{p}.downsample.1"));
                format!("{p}.bn3")
            } else {
                block_in.clone()
            };
            b.push(Layer::new(
                format!("{p}.add"),
                LayerKind::Add { other: shortcut },
            ));
            block_in = format!("{p}.add");
            in_channels = out;
        }
    }
    b.push(Layer::new("avgpool", LayerKind::GlobalAvgPool))
        .push(Layer::new("flatten", LayerKind::Flatten))
        .fc("fc", 1000);
    b.build()
}

fn alexnet() -> Network {
    let mut b = Builder::new();
    b.conv("conv1", 64, 11, 4, 2, true)
        .pool("pool1", PoolOp::Max, 3, 2, 0)
        .conv("conv2", 192, 5, 1, 2, true)
        .pool("pool2", PoolOp::Max, 3, 2, 0)
        .conv("conv3", 384, 3, 1, 1, true)
        .conv("conv4", 256, 3, 1, 1, true)
        .conv("conv5", 256, 3, 1, 1, true)
        .pool("pool5", PoolOp::Max, 3, 2, 0)
        .push(Layer::new(
            "avgpool",
            LayerKind::AdaptiveAvgPool {
                output: Pair::square(6),
            },
        ))
        .push(Layer::new("flatten", LayerKind::Flatten))
        .fc("fc6", 4096)
        .fc("fc7", 4096)
        .fc("fc8", 1000);
    b.build()
}
