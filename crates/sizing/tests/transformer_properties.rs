//! Properties of the transformer memory model over generated architectures and
//! workloads: memory never shrinks when the batch, the context, the layers or the
//! bytes per element grow, and no accepted input produces a panic, NaN or a band
//! that does not contain the figure. Native only: proptest needs an OS.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use sizing::transformer::ServingEngine;
use sizing::transformer::arch::{Architecture, FfnKind, Moe, Window};
use sizing::transformer::memory::{InferenceWorkload, inference};
use sizing::transformer::quant::{KvFormat, WeightFormat};
use sizing::transformer::training::{
    LoraTargets, Method, Recipe, Recompute, TrainOptimizer, TrainingWorkload, training,
};
use sizing::transformer::zoo::zoo;

fn architecture() -> impl Strategy<Value = Architecture> {
    (
        0..zoo().len(),
        1u32..=128,
        1u64..=64,
        prop::sample::select(vec![1u32, 2, 4, 8]),
        1u64..=65_536,
        any::<bool>(),
        prop::option::of((2u32..=64, 1u32..=4, 1u64..=8_192)),
        prop::option::of((1u64..=16_384, 1u32..=2)),
    )
        .prop_map(|(base, layers, width, groups, ffn, gated, moe, window)| {
            let mut a = zoo()[base].imported.arch.clone();
            a.layers = layers;
            if a.kind == sizing::transformer::ModelKind::EncoderDecoder {
                a.encoder_layers = layers;
            }
            if a.mla.is_none() {
                a.head_dim = width * 16;
                a.heads = groups * 4;
                a.kv_heads = if groups == 1 { 4 } else { groups };
                a.hidden = a.head_dim * u64::from(a.heads);
            }
            a.ffn = ffn;
            a.ffn_kind = if gated {
                FfnKind::Gated
            } else {
                FfnKind::Plain
            };
            if a.kind == sizing::transformer::ModelKind::Decoder {
                a.moe = moe.map(|(experts, k, expert_ffn)| Moe {
                    experts,
                    experts_per_token: k.min(experts),
                    shared_experts: k % 2,
                    expert_ffn,
                    first_dense_layers: 0,
                    router_bias: false,
                });
                a.window = window.map(|(size, every)| Window { size, every });
            }
            a
        })
        .prop_filter("valid", |a| a.validate().is_empty())
}

fn inference_workload() -> impl Strategy<Value = InferenceWorkload> {
    (
        prop::sample::select(WeightFormat::ALL.to_vec()),
        prop::sample::select(KvFormat::ALL.to_vec()),
        1u64..=1_024,
        1u64..=131_072,
        1u64..=16_384,
        any::<bool>(),
        any::<bool>(),
        0.05f64..=1.0,
        prop::sample::select(ServingEngine::ALL.to_vec()),
    )
        .prop_map(
            |(weights, kv, sequences, context, chunk, flash, all, util, engine)| {
                InferenceWorkload {
                    weights,
                    quantize_embeddings: all,
                    kv,
                    sequences,
                    context,
                    prefill_chunk: chunk,
                    flash_attention: flash,
                    window_cache: true,
                    tensor_parallel: 1,
                    runtime_overhead: 1 << 30,
                    engine,
                    memory_utilization: util,
                    compressed_weights: None,
                }
            },
        )
}

fn training_workload() -> impl Strategy<Value = TrainingWorkload> {
    (
        prop::sample::select(Recipe::ALL.to_vec()),
        prop::sample::select(TrainOptimizer::ALL.to_vec()),
        prop::sample::select(Recompute::ALL.to_vec()),
        1u64..=64,
        1u64..=32_768,
        1u32..=64,
        0u8..=3,
        any::<bool>(),
        0u8..=2,
    )
        .prop_map(
            |(recipe, optimizer, recompute, mb, seq, dp, zero, flash, method)| TrainingWorkload {
                method: match method {
                    0 => Method::Full,
                    1 => Method::Lora {
                        rank: 16,
                        targets: LoraTargets::ALL_LINEAR,
                    },
                    _ => Method::Qlora {
                        rank: 8,
                        targets: LoraTargets::QV,
                        double_quant: true,
                    },
                },
                recipe,
                optimizer,
                micro_batch: mb,
                sequence: seq,
                recompute,
                flash_attention: flash,
                data_parallel: dp,
                zero_stage: zero,
                ..TrainingWorkload::default()
            },
        )
}

const WIDER: [(WeightFormat, WeightFormat); 4] = [
    (WeightFormat::Int4, WeightFormat::Fp8),
    (WeightFormat::Fp8, WeightFormat::Bf16),
    (WeightFormat::Bf16, WeightFormat::Fp32),
    (WeightFormat::GgufQ4KM, WeightFormat::GgufQ8_0),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inference_is_finite_and_monotone(a in architecture(), w in inference_workload(), step in 1u64..=4_096) {
        let p = a.params();
        let e = inference(&a, &p, &w).unwrap();
        prop_assert_eq!(e.total, e.terms.iter().map(|t| t.bytes).sum::<u64>());
        prop_assert!(e.low <= e.total && e.total <= e.high);
        for t in &e.terms {
            prop_assert!(t.low <= t.bytes && t.bytes <= t.high, "{:?}", t);
            prop_assert!(!t.formula.contains("NaN") && !t.formula.contains("inf"), "{}", t.formula);
        }
        let more_seqs = InferenceWorkload { sequences: w.sequences + step, ..w.clone() };
        prop_assert!(inference(&a, &p, &more_seqs).unwrap().total >= e.total);
        let longer = InferenceWorkload { context: w.context + step, ..w.clone() };
        prop_assert!(inference(&a, &p, &longer).unwrap().total >= e.total);
        let deeper = Architecture { layers: a.layers + 1, ..a.clone() };
        prop_assert!(inference(&deeper, &deeper.params(), &w).unwrap().total >= e.total);
        for (narrow, wide) in WIDER {
            let n = inference(&a, &p, &InferenceWorkload { weights: narrow, ..w.clone() }).unwrap();
            let wd = inference(&a, &p, &InferenceWorkload { weights: wide, ..w.clone() }).unwrap();
            prop_assert!(wd.total >= n.total, "{:?} vs {:?}", narrow, wide);
        }
        let fp8 = inference(&a, &p, &InferenceWorkload { kv: KvFormat::Fp8, ..w.clone() }).unwrap();
        let fp16 = inference(&a, &p, &InferenceWorkload { kv: KvFormat::Fp16, ..w.clone() }).unwrap();
        prop_assert!(fp16.total >= fp8.total);
    }

    #[test]
    fn training_is_finite_and_monotone(a in architecture(), w in training_workload(), step in 1u64..=1_024) {
        let p = a.params();
        let e = training(&a, &p, &w).unwrap();
        prop_assert_eq!(e.total, e.terms.iter().map(|t| t.bytes).sum::<u64>());
        prop_assert!(e.low <= e.total && e.total <= e.high);
        let bigger = TrainingWorkload { micro_batch: w.micro_batch + step, ..w.clone() };
        prop_assert!(training(&a, &p, &bigger).unwrap().total >= e.total);
        let longer = TrainingWorkload { sequence: w.sequence + step, ..w.clone() };
        prop_assert!(training(&a, &p, &longer).unwrap().total >= e.total);
        let deeper = Architecture { layers: a.layers + 1, encoder_layers: if a.encoder_layers > 0 { a.encoder_layers + 1 } else { 0 }, ..a.clone() };
        prop_assert!(training(&deeper, &deeper.params(), &w).unwrap().total >= e.total);
        let fp32 = training(&a, &p, &TrainingWorkload { recipe: Recipe::Fp32, ..w.clone() }).unwrap();
        let bf16 = training(&a, &p, &TrainingWorkload { recipe: Recipe::PureBf16, ..w.clone() }).unwrap();
        prop_assert!(fp32.total >= bf16.total);
    }

    #[test]
    fn extreme_inputs_do_not_panic(a in architecture(), seqs in 1u64..=1_048_576, ctx in 1u64..=16_777_216) {
        let p = a.params();
        let w = InferenceWorkload { sequences: seqs, context: ctx, prefill_chunk: ctx, flash_attention: false, ..InferenceWorkload::default() };
        // Either a figure or a "too large" error; never a panic or a wrapped number.
        if let Ok(e) = inference(&a, &p, &w) {
            prop_assert!(e.total >= e.bytes(sizing::transformer::TermKind::Weights));
        }
    }
}
