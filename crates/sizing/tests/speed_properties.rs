//! Properties of the speed model that hold for every workload and option.
//! Native only: proptest needs an OS.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use sizing::catalog::{Catalog, DeploymentMode, FitOption, FitStatus};
use sizing::cnn::Preset;
use sizing::mode::Mode;
use sizing::report::{Report, size};
use sizing::scenario::{
    CnnScenario, ModelRef, NetworkRef, Scenario, TransformerScenario, Workload,
};
use sizing::speed::{Engine, Link, Overlap, SpeedInputs};

const MODELS: [&str; 5] = [
    "llama-2-7b",
    "mixtral-8x7b",
    "gemma-2-9b",
    "bert-base",
    "deepseek-v3",
];

fn workload() -> impl Strategy<Value = Workload> {
    let transformer = (
        prop::sample::select(&MODELS[..]),
        prop::bool::ANY,
        1u64..64,
        prop::sample::select(&[512u64, 2048, 8192][..]),
        prop::sample::select(&[1u64, 2, 4][..]),
    )
        .prop_map(|(m, training, n, context, tp)| {
            Workload::Transformer(TransformerScenario {
                model: ModelRef::Zoo(m.into()),
                mode: if training {
                    Mode::Training
                } else {
                    Mode::Inference
                },
                sequences: n,
                micro_batch: n.min(8),
                context,
                tensor_parallel: tp,
                ..TransformerScenario::default()
            })
        });
    let cnn = (
        prop::sample::select(&Preset::ALL[..]),
        prop::bool::ANY,
        1u64..512,
    )
        .prop_map(|(p, training, batch)| {
            Workload::Cnn(CnnScenario {
                network: NetworkRef::Preset(p),
                mode: if training {
                    Mode::Training
                } else {
                    Mode::Inference
                },
                batch,
                ..CnnScenario::default()
            })
        });
    prop_oneof![transformer, cnn]
}

fn scenario(w: Workload) -> Scenario {
    let mut s = Scenario::new(w);
    s.deployment.show_too_small = true;
    s.deployment.all_profiles = true;
    s
}

fn report(s: &Scenario, catalog: &Catalog) -> Option<Report> {
    size(s, catalog).ok().filter(|r| r.speed.is_some())
}

fn option<'a>(r: &'a Report, gpu: &str, profile: Option<&str>) -> Option<&'a FitOption> {
    r.fits
        .as_ref()?
        .options
        .iter()
        .find(|o| o.gpu_id == gpu && o.profile.as_deref() == profile)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn more_bandwidth_never_slows_a_step(w in workload(), factor in 1.0f64..8.0) {
        let s = scenario(w);
        let mut faster = Catalog::bundled().clone();
        for g in &mut faster.gpus {
            g.memory.bandwidth_gbps = g.memory.bandwidth_gbps.map(|b| b * factor);
        }
        let (Some(a), Some(b)) = (report(&s, Catalog::bundled()), report(&s, &faster)) else {
            return Ok(());
        };
        for o in &a.fits.as_ref().unwrap().options {
            let Some(f) = option(&b, &o.gpu_id, o.profile.as_deref()) else { continue };
            let (Some(x), Some(y)) = (o.speed.as_ref(), f.speed.as_ref()) else { continue };
            prop_assert!(y.step_s <= x.step_s * (1.0 + 1e-12), "{}: {} → {}", o.label(), x.step_s, y.step_s);
        }
    }

    #[test]
    fn a_mig_slice_is_never_faster_than_its_whole_gpu(w in workload()) {
        let Some(r) = report(&scenario(w), Catalog::bundled()) else { return Ok(()) };
        for o in &r.fits.as_ref().unwrap().options {
            // An option that cannot hold the workload has no speed; every other has one.
            prop_assert_eq!(o.speed.is_some(), o.status != FitStatus::TooSmall, "{}", o.label());
            if !matches!(o.mode, DeploymentMode::Mig | DeploymentMode::MigBackedVgpu) {
                continue;
            }
            let Some(slice) = o.speed.as_ref() else { continue };
            let whole = option(&r, &o.gpu_id, None).expect("the full GPU is listed");
            let full = whole.speed.as_ref().expect("the whole GPU holds what its slice holds");
            prop_assert!(slice.step_s >= full.step_s * (1.0 - 1e-12), "{}", o.label());
            prop_assert!(slice.busy_step_s >= full.step_s * (1.0 - 1e-12), "{}", o.label());
            prop_assert!(slice.throughput <= full.throughput * (1.0 + 1e-12), "{}", o.label());
        }
    }

    #[test]
    fn n_busy_time_sliced_vms_are_about_n_times_slower(w in workload()) {
        // One GPU per copy: no tensor-parallel all-reduces, whose time is not shared.
        let w = match w {
            Workload::Transformer(t) => Workload::Transformer(TransformerScenario { tensor_parallel: 1, ..t }),
            w => w,
        };
        let Some(r) = report(&scenario(w), Catalog::bundled()) else { return Ok(()) };
        // The engine's fixed time per step (vLLM-class: 0.5 ms) is not time-sliced.
        let overhead = 0.000_5;
        for o in &r.fits.as_ref().unwrap().options {
            if o.mode != DeploymentMode::TimeSlicedVgpu {
                continue;
            }
            let Some(s) = o.speed.as_ref() else { continue };
            let n = f64::from(o.per_gpu);
            prop_assert!((s.busy_share * n - 1.0).abs() < 1e-12);
            let (step, busy) = (s.step_s, s.busy_step_s);
            prop_assert!(busy <= n * step * (1.0 + 1e-9), "{}: {busy} > {n} × {step}", o.label());
            prop_assert!(
                busy >= (n * (step - overhead) + overhead) * (1.0 - 1e-9),
                "{}: {busy} < {n} × ({step} − {overhead}) + {overhead}", o.label()
            );
        }
    }

    #[test]
    fn more_gpus_never_lengthen_training(
        preset in prop::sample::select(&Preset::ALL[..]),
        batch in 1u64..256,
        gpus in 2u64..64,
        more in 1u64..64,
        link in prop::sample::select(&Link::ALL[..]),
        overlap in prop::sample::select(&[Overlap::Partial, Overlap::Full][..]),
    ) {
        // From two GPUs on, with the all-reduce overlapping the backward pass: each
        // added GPU shortens the epoch by more than it lengthens the all-reduce.
        let mut s = scenario(Workload::Cnn(CnnScenario {
            network: NetworkRef::Preset(preset),
            mode: Mode::Training,
            batch,
            ..CnnScenario::default()
        }));
        s.speed.link = link;
        s.speed.overlap = overlap;
        s.speed.samples = Some(1_280_000);
        let time = |gpus: u64| {
            let mut s = s.clone();
            s.speed.gpus = gpus;
            let r = size(&s, Catalog::bundled()).unwrap();
            let o = option(&r, "a100-sxm4-80gb", None).unwrap();
            o.speed.as_ref().map(|v| v.training_s.unwrap())
        };
        // The GPU's own link gives way to the network between hosts past one
        // host of 8: a slower link, which can lengthen a run; compare on one link.
        if link == Link::Gpu && (gpus <= 8) != (gpus + more <= 8) {
            return Ok(());
        }
        // A batch too large for the GPU has no time to compare.
        let (Some(a), Some(b)) = (time(gpus), time(gpus + more)) else { return Ok(()) };
        // Iterations round up to whole batches: allow one iteration's worth.
        prop_assert!(b <= a * (1.0 + 1.0 / (1_280_000.0 / (batch * gpus) as f64)), "{gpus} GPUs {a} s, {} GPUs {b} s", gpus + more);
    }

    #[test]
    fn no_speed_question_breaks_a_number(
        w in workload(),
        output in prop_oneof![Just(0u64), 1u64..100_000, Just(u64::MAX)],
        pct in prop_oneof![Just(None), Just(Some(0.0)), Just(Some(-5.0)), Just(Some(f64::NAN)), Just(Some(f64::INFINITY)), (0.1f64..100.0).prop_map(Some)],
        count in prop_oneof![Just(None), Just(Some(0u64)), Just(Some(u64::MAX)), (1u64..u64::MAX).prop_map(Some)],
        engine in prop::sample::select(&Engine::ALL[..]),
        link in prop::sample::select(&Link::ALL[..]),
        gpus in prop_oneof![Just(0u64), 1u64..100_000, Just(u64::MAX)],
    ) {
        let mut s = scenario(w);
        s.speed = SpeedInputs {
            engine,
            output_tokens: output,
            ttft_ms: pct,
            tpot_ms: pct,
            training_mfu_percent: pct,
            prefill_mfu_percent: pct,
            decode_mbu_percent: pct,
            step_overhead_ms: pct,
            samples: count,
            epochs: count.map(|c| c % 1_000_001),
            sample_bytes: count,
            storage_mb_s: pct,
            gpus,
            link,
            gradient_params: count,
            price_per_gpu_hour: pct,
            ..SpeedInputs::default()
        };
        let Ok(r) = size(&s, Catalog::bundled()) else { return Ok(()) };
        for o in r.fits.iter().flat_map(|f| &f.options) {
            if let Some(sp) = &o.speed {
                for x in [sp.step_s, sp.busy_step_s, sp.throughput, sp.ttft_s.unwrap_or(0.0), sp.training_s.unwrap_or(0.0)] {
                    prop_assert!(x.is_finite() && x >= 0.0, "{}: {x}", o.label());
                }
            }
        }
        if let Some(sp) = &r.speed {
            for f in sp.work.iter().chain(sp.detail.iter().flat_map(|d| &d.figures)) {
                prop_assert!(f.value.is_finite() && f.low <= f.value && f.value <= f.high, "{}: {}", f.id, f.value);
                prop_assert!(!f.formula.contains("NaN") && !f.formula.contains("inf"), "{}", f.formula);
            }
        } else {
            prop_assert!(r.errors.iter().any(|e| e.path.starts_with("speed.")) || r.fits.is_none());
        }
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        prop_assert!(json.is_object());
    }
}

#[test]
fn over_10_gbe_a_second_gpu_can_lengthen_training() {
    // Not a property: a slow link can make data parallelism a loss, and the
    // scaling efficiency says so. Phi-3-mini: one copy fits one H100 (Llama-2-7B
    // at 16 B a parameter does not, and an option too small has no speed).
    let mut s = scenario(Workload::Transformer(TransformerScenario {
        model: ModelRef::Zoo("phi-3-mini".into()),
        mode: Mode::Training,
        micro_batch: 1,
        context: 2048,
        data_parallel: 2,
        zero_stage: 3,
        ..TransformerScenario::default()
    }));
    s.speed.link = Link::Eth10;
    s.speed.overlap = Overlap::None;
    let two = size(&s, Catalog::bundled()).unwrap();
    s.workload = match s.workload {
        Workload::Transformer(t) => Workload::Transformer(TransformerScenario {
            data_parallel: 1,
            ..t
        }),
        w => w,
    };
    let one = size(&s, Catalog::bundled()).unwrap();
    let t = |r: &Report| {
        option(r, "h100-sxm5-80gb", None)
            .unwrap()
            .speed
            .as_ref()
            .unwrap()
            .training_s
            .unwrap()
    };
    assert!(t(&two) > t(&one), "{} vs {}", t(&two), t(&one));
}
