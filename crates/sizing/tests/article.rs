//! The numbers of "Training vs Inference – Memory Consumption by Neural Networks"
//! (frankdenneman.nl, 2022-07-15; docs/cnn-memory.md), and the published
//! parameter counts of the reference networks. These run natively and, compiled to
//! wasm32, under Node, where `usize` is 32 bits wide.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use sizing::Precision;
use sizing::cnn::{
    CnnWorkload, ImageInput, Mode, Optimizer, Preset, Shape, TermKind, analyze, estimate,
    layer_bytes, min_square_input, text,
};
use sizing::units::{ARTICLE_MB, ByteUnits, format_bytes};

fn vgg16() -> sizing::cnn::Analysis {
    analyze(&Preset::Vgg16.network(), Preset::Vgg16.input()).expect("VGG-16 analyses")
}

fn workload(batch: u64, mode: Mode) -> CnnWorkload {
    CnnWorkload {
        batch,
        mode,
        precision: Precision::Fp32,
        optimizer: Optimizer::Sgd,
        mixed_precision: true,
        runtime_overhead: 0,
    }
}

#[test]
fn vgg16_parameters_per_layer_match_the_article_table() {
    let a = vgg16();
    // The article's parameter figure (vgg-16-parameters-1.svg), layer by layer.
    let expected: [(&str, u64); 21] = [
        ("conv1_1", 1_792),
        ("conv1_2", 36_928),
        ("pool1", 0),
        ("conv2_1", 73_856),
        ("conv2_2", 147_584),
        ("pool2", 0),
        ("conv3_1", 295_168),
        ("conv3_2", 590_080),
        ("conv3_3", 590_080),
        ("pool3", 0),
        ("conv4_1", 1_180_160),
        ("conv4_2", 2_359_808),
        ("conv4_3", 2_359_808),
        ("pool4", 0),
        ("conv5_1", 2_359_808),
        ("conv5_2", 2_359_808),
        ("conv5_3", 2_359_808),
        ("pool5", 0),
        ("flatten", 0),
        ("fc1", 102_764_544),
        ("fc2", 16_781_312),
    ];
    for (name, params) in expected {
        let layer = a.layers.iter().find(|l| l.name == name).expect(name);
        assert_eq!(layer.params, params, "{name}");
    }
    assert_eq!(a.layers.last().unwrap().name, "fc3");
    assert_eq!(a.layers.last().unwrap().params, 4_097_000);
    assert_eq!(a.params, 138_357_544);
    // The article's notation for the first layers: "64 x (3 x 3) x 3" plus one bias per filter.
    assert_eq!(
        a.layers[0].param_formula.as_deref(),
        Some("64 × (3 × 3) × 3 + 64")
    );
    let layer = |name: &str| a.layers.iter().find(|l| l.name == name).unwrap();
    assert_eq!(
        layer("fc1").param_formula.as_deref(),
        Some("25,088 × 4,096 + 4,096")
    );
    // Flatten: 512 maps of 7 x 7 become 25,088 activations.
    assert_eq!(layer("flatten").output, Shape::Vector { len: 25_088 });
    // torchvision's adaptive pool to 7×7 passes 224×224's maps through: no copy.
    assert!(layer("avgpool").view);
}

/// The article: a network's parameters do not depend on the image size. VGG-16
/// (as torchvision builds it, with an adaptive pool before the classifier) on a
/// 3840×2160 frame keeps its 138,357,544 parameters; its feature maps grow with
/// the pixels.
#[test]
fn vgg16_keeps_its_parameters_at_any_image_size() {
    let small = vgg16();
    let big = analyze(&Preset::Vgg16.network(), ImageInput::new(2160, 3840, 3)).unwrap();
    assert_eq!(big.params, 138_357_544);
    let pool = big.layers.iter().find(|l| l.name == "avgpool").unwrap();
    assert!(!pool.view);
    assert_eq!(
        pool.output,
        Shape::Map {
            height: 7,
            width: 7,
            channels: 512
        }
    );
    assert!(big.feature_elements > 150 * small.feature_elements);
}

#[test]
fn vgg16_weights_take_553_430_176_bytes_in_fp32() {
    let a = vgg16();
    let e = estimate(&a, &workload(32, Mode::Training)).unwrap();
    assert_eq!(e.bytes(TermKind::Weights), 553_430_176);
    // The figure labels it "540.46MB": its MB is 1,024,000 bytes.
    assert_eq!(format_bytes(553_430_176, ByteUnits::Article), "540.46 MB*");
    assert_eq!(
        e.term(TermKind::Weights).unwrap().formula,
        "138,357,544 parameters × 4 B (FP32) = 553,430,176 B"
    );
    // Per-layer bytes: conv1_2 is "36928 parameters x 4 bytes = 147 kb" (147,712 B).
    let rows = layer_bytes(&a, &workload(32, Mode::Training)).unwrap();
    assert_eq!(rows[1].param_bytes, 147_712);
    // fc1: 25,088 × 4,096 + 4,096 parameters × 4 B.
    let fc1 = a.layers.iter().position(|l| l.name == "fc1").unwrap();
    assert_eq!(rows[fc1].param_bytes, 411_058_176);
}

#[test]
fn first_conv_feature_maps_at_batch_32_take_411_041_792_bytes() {
    let a = vgg16();
    // 224 x 224 x 64 channels x 32 images = 102,760,448 values x 4 bytes.
    assert_eq!(
        a.layers[0].output,
        Shape::Map {
            height: 224,
            width: 224,
            channels: 64
        }
    );
    let rows = layer_bytes(&a, &workload(32, Mode::Training)).unwrap();
    assert_eq!(rows[0].feature_bytes_per_batch, 411_041_792);
    assert_eq!(rows[0].feature_bytes_per_image, 12_845_056);
    // The article writes 401.40 MB: 411,041,792 / 1,024,000 = 401.4.
    assert_eq!(rows[0].feature_bytes_per_batch / ARTICLE_MB, 401);
}

#[test]
fn all_vgg16_feature_maps_at_batch_32_are_the_articles_1_88_gb() {
    let a = vgg16();
    // Per image: every conv, pool and FC output (flatten is a view of pool5 and adds nothing):
    // 2·224²·64 + 112²·64 + 2·112²·128 + 56²·128 + 3·56²·256 + 28²·256 + 3·28²·512 + 14²·512
    // + 3·14²·512 + 7²·512 + 4096 + 4096 + 1000 = 15,087,080 values.
    assert_eq!(a.feature_elements, 15_087_080);
    let e = estimate(&a, &workload(32, Mode::Training)).unwrap();
    let fm = e.bytes(TermKind::FeatureMaps);
    assert_eq!(fm, 15_087_080 * 4 * 32);
    assert_eq!(fm, 1_931_146_240);
    // The article's "roughly 1.88 GBs" uses its own unit: 1 GB = 1,000 "MB" of 1,024,000 bytes,
    // so 1,931,146,240 B = 1.886 of its GB. Decimal this is 1.93 GB, binary 1.80 GiB.
    let article_gb = fm as f64 / (1_000.0 * ARTICLE_MB as f64);
    assert!((article_gb - 1.88).abs() / 1.88 < 0.005, "{article_gb}");
    assert_eq!(format_bytes(fm, ByteUnits::Article), "1.89 GB*");
    assert_eq!(format_bytes(fm, ByteUnits::Decimal), "1.93 GB");
    assert_eq!(format_bytes(fm, ByteUnits::Binary), "1.80 GiB");
}

#[test]
fn activation_memory_scales_with_batch_and_parameters_do_not() {
    let a = vgg16();
    let e32 = estimate(&a, &workload(32, Mode::Training)).unwrap();
    let e64 = estimate(&a, &workload(64, Mode::Training)).unwrap();
    assert_eq!(
        e64.bytes(TermKind::FeatureMaps),
        2 * e32.bytes(TermKind::FeatureMaps)
    );
    assert_eq!(e64.bytes(TermKind::Weights), e32.bytes(TermKind::Weights));
    // Training holds weights and gradients: "roughly the memory consumption of the parameters is doubled".
    assert_eq!(e32.bytes(TermKind::Gradients), e32.bytes(TermKind::Weights));
}

#[test]
fn vgg16_inference_is_weights_plus_the_first_two_layers() {
    let a = vgg16();
    let e = estimate(&a, &workload(1, Mode::Inference)).unwrap();
    // "the two most expensive consecutive layers ... typically the first two": 12.5 MB + 12.5 MB.
    assert_eq!(a.peak.elements, 2 * 224 * 224 * 64);
    assert_eq!(a.layers[a.peak.layer].name, "conv1_2");
    assert_eq!(e.bytes(TermKind::PeakFeatureMaps), 25_690_112);
    assert_eq!(e.bytes(TermKind::Weights), 553_430_176);
    assert_eq!(e.total, 553_430_176 + 25_690_112);
    assert!(e.term(TermKind::Gradients).is_none());
    assert!(e.term(TermKind::FeatureMaps).is_none());
}

#[test]
fn resnet50_has_25_557_032_parameters() {
    let a = analyze(&Preset::ResNet50.network(), Preset::ResNet50.input()).unwrap();
    assert_eq!(a.params, 25_557_032);
    // 53 batch-norm layers keep a running mean and variance per channel.
    let bn_channels: u64 = a.buffers / 2;
    assert_eq!(bn_channels, 26_560);
    assert_eq!(a.layers.last().unwrap().output, Shape::Vector { len: 1000 });
    let fc_in = &a.layers[a.layers.len() - 2];
    assert_eq!(fc_in.output, Shape::Vector { len: 2048 });
}

#[test]
fn alexnet_has_61_100_840_parameters() {
    let a = analyze(&Preset::AlexNet.network(), Preset::AlexNet.input()).unwrap();
    assert_eq!(a.params, 61_100_840);
    // 224 → conv 11×11 stride 4 pad 2 → 55 → pools → 27 → 13 → 6; 256·6·6 = 9,216 into fc6.
    assert_eq!(
        a.layers[0].output,
        Shape::Map {
            height: 55,
            width: 55,
            channels: 64
        }
    );
    assert_eq!(a.layers[9].output, Shape::Vector { len: 9_216 });
}

#[test]
fn adam_holds_two_states_per_parameter() {
    let a = vgg16();
    let mut w = workload(32, Mode::Training);
    w.optimizer = Optimizer::Adam;
    let e = estimate(&a, &w).unwrap();
    assert_eq!(e.bytes(TermKind::OptimizerState), 2 * 553_430_176);
}

#[test]
fn an_image_too_small_for_vgg16_is_reported_with_the_minimum() {
    let net = Preset::Vgg16.network();
    let err = analyze(&net, ImageInput::new(3, 3, 3)).unwrap_err();
    assert!(err.is_input_too_small());
    assert_eq!(
        err.to_string(),
        "layer 6 (pool2): its 2×2 window does not fit the 1×1 input (padding 0); the image is too small for this network"
    );
    // Five 2×2 pools need at least 2⁵ = 32 pixels per side.
    assert_eq!(min_square_input(&net, 3), Some(32));
    assert_eq!(min_square_input(&Preset::AlexNet.network(), 3), Some(63));
}

#[test]
fn presets_survive_the_text_format() {
    for preset in Preset::ALL {
        let net = preset.network();
        let parsed = text::parse(&text::render(&net)).unwrap();
        assert_eq!(parsed.network, net, "{}", preset.name());
    }
}

#[test]
fn half_precision_halves_every_term_that_scales_with_precision() {
    let a = vgg16();
    let fp32 = estimate(&a, &workload(32, Mode::Training)).unwrap();
    let mut w = workload(32, Mode::Training);
    w.precision = Precision::Bf16;
    let bf16 = estimate(&a, &w).unwrap();
    for kind in [
        TermKind::Weights,
        TermKind::Gradients,
        TermKind::FeatureMaps,
        TermKind::InputBatch,
    ] {
        assert_eq!(2 * bf16.bytes(kind), fp32.bytes(kind), "{kind:?}");
    }
    // Mixed precision adds the FP32 master copy.
    assert_eq!(bf16.bytes(TermKind::MasterWeights), 553_430_176);
}
