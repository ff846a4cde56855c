//! Properties over generated networks and inputs: the text format round-trips,
//! and no input — however large or malformed — makes the engine panic, wrap
//! around, or report totals that do not add up. Native only: proptest needs an OS.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use sizing::Precision;
use sizing::cnn::{
    CnnWorkload, ImageInput, Layer, LayerKind, Mode, Network, Optimizer, Pair, PoolOp, analyze,
    estimate, layer_bytes, text,
};

fn pair(max: u32) -> impl Strategy<Value = Pair> {
    (1..=max, 1..=max).prop_map(|(h, w)| Pair::new(h, w))
}

fn pad() -> impl Strategy<Value = Pair> {
    (0..=3u32, 0..=3u32).prop_map(|(h, w)| Pair::new(h, w))
}

fn kind() -> impl Strategy<Value = LayerKind> {
    prop_oneof![
        (
            1..=512u32,
            pair(7),
            pair(3),
            pad(),
            prop_oneof![Just(1u32), Just(2)],
            any::<bool>()
        )
            .prop_map(
                |(filters, kernel, stride, padding, groups, bias)| LayerKind::Conv {
                    filters,
                    kernel,
                    stride,
                    padding,
                    groups,
                    bias
                }
            ),
        (
            prop_oneof![Just(PoolOp::Max), Just(PoolOp::Avg)],
            pair(4),
            pair(4),
            pad()
        )
            .prop_map(|(op, kernel, stride, padding)| LayerKind::Pool {
                op,
                kernel,
                stride,
                padding
            }),
        Just(LayerKind::GlobalAvgPool),
        pair(8).prop_map(|output| LayerKind::AdaptiveAvgPool { output }),
        Just(LayerKind::Flatten),
        (1..=4096u32, any::<bool>()).prop_map(|(units, bias)| LayerKind::Dense { units, bias }),
        Just(LayerKind::BatchNorm),
        (0..12usize).prop_map(|i| LayerKind::Add {
            other: format!("l{i}")
        }),
    ]
}

fn network() -> impl Strategy<Value = Network> {
    prop::collection::vec((kind(), prop::option::of(0..12usize)), 1..12).prop_map(|specs| Network {
        layers: specs
            .into_iter()
            .enumerate()
            .map(|(i, (kind, from))| Layer {
                name: format!("l{i}"),
                kind,
                from: from.map(|f| {
                    if f == 0 {
                        "input".to_string()
                    } else {
                        format!("l{f}")
                    }
                }),
            })
            .collect(),
    })
}

fn precision() -> impl Strategy<Value = Precision> {
    prop::sample::select(Precision::ALL.to_vec())
}

proptest! {
    #[test]
    fn text_format_round_trips(net in network()) {
        let rendered = text::render(&net);
        let parsed = text::parse(&rendered).unwrap();
        prop_assert_eq!(parsed.network, net);
    }

    #[test]
    fn parse_never_panics(s in ".{0,200}") {
        let _ = text::parse(&s);
    }

    #[test]
    fn estimates_add_up_or_fail_cleanly(
        net in network(),
        h in prop_oneof![1..=512u32, Just(u32::MAX)],
        w in prop_oneof![1..=512u32, Just(u32::MAX)],
        c in prop_oneof![1..=16u32, Just(u32::MAX)],
        batch in prop_oneof![0..=256u64, Just(u64::MAX)],
        p in precision(),
        training in any::<bool>(),
    ) {
        let Ok(a) = analyze(&net, ImageInput::new(h, w, c)) else { return Ok(()); };
        prop_assert_eq!(a.params, a.layers.iter().map(|l| l.params).sum::<u64>());
        // The peak holds at least the largest single stored tensor and never more than everything.
        let largest = a.layers.iter().map(|l| l.stored_elements()).max().unwrap_or(0);
        prop_assert!(a.peak.elements >= largest);
        prop_assert!(u128::from(a.peak.elements) <= u128::from(a.feature_elements) + u128::from(a.input_elements));
        let workload = CnnWorkload {
            batch,
            precision: p,
            mode: if training { Mode::Training } else { Mode::Inference },
            optimizer: Optimizer::Adam,
            mixed_precision: true,
            runtime_overhead: 0,
        };
        if let Ok(e) = estimate(&a, &workload) {
            prop_assert_eq!(e.total, e.terms.iter().map(|t| t.bytes).sum::<u64>());
            let rows = layer_bytes(&a, &workload).unwrap();
            prop_assert_eq!(rows.len(), a.layers.len());
        }
    }

    #[test]
    fn chains_peak_at_the_largest_consecutive_pair(
        filters in prop::collection::vec(1..=64u32, 1..10),
        side in 1..=64u32,
    ) {
        let net = Network {
            layers: filters
                .iter()
                .enumerate()
                .map(|(i, &f)| Layer::new(format!("c{i}"), LayerKind::square_conv(f, 3, 1, 1, true)))
                .collect(),
        };
        let a = analyze(&net, ImageInput::new(side, side, 3)).unwrap();
        let mut sizes = vec![a.input_elements];
        sizes.extend(a.layers.iter().map(|l| l.output_elements));
        let pair_max = sizes.windows(2).map(|w| w[0] + w[1]).max().unwrap();
        prop_assert_eq!(a.peak.elements, pair_max);
    }
}
