//! The seeds' worked examples and a hand-checkable Llama-2-7B, through
//! `report::size` as the app and the command line size them.

use super::*;
use crate::catalog::Catalog;
use crate::catalog::FitStatus;
use crate::mode::Mode;
use crate::report::{Report, size, words};
use crate::scenario::{CnnScenario, ModelRef, NetworkRef, Scenario, TransformerScenario, Workload};
use crate::transformer::ServingEngine;
use crate::transformer::training::Recompute;

fn report(s: &Scenario) -> Report {
    size(s, Catalog::bundled()).expect("sizes")
}

fn report_of(json: &str) -> Report {
    report(&crate::scenario::parse(json).expect("a scenario"))
}

fn detail(r: &Report) -> &Detail {
    r.speed
        .as_ref()
        .expect("a speed section")
        .detail
        .as_ref()
        .expect("a detailed option")
}

fn figure<'a>(r: &'a Report, id: &str) -> &'a Figure {
    let d = detail(r);
    d.figures
        .iter()
        .chain(&r.speed.as_ref().unwrap().work)
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no figure {id}"))
}

fn on(mut s: Scenario, option: &str) -> Scenario {
    s.speed.option = Some(option.into());
    s.deployment.show_too_small = true;
    s.deployment.all_profiles = true;
    s
}

fn llama2_7b(sequences: u64, context: u64) -> Scenario {
    Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Zoo("llama-2-7b".into()),
        sequences,
        context,
        ..TransformerScenario::default()
    }))
}

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance * expected.abs()
}

#[test]
fn llama_2_7b_by_hand() {
    let r = report(&on(llama2_7b(1, 4096), "h100-sxm5-80gb"));
    // 6,738,415,616 parameters, 131,072,000 in the token embedding, 4,096 in the final norm.
    assert_eq!(
        figure(&r, "linear_flops").value,
        2.0 * (6_738_415_616.0 - 131_072_000.0 - 4_096.0)
    );
    // Attention: 2 × 32 heads × (128 + 128) × 32 layers = 524,288 FLOPs per
    // attended position; a 4,096-token context attends to 2,048.5 on average.
    assert_eq!(
        figure(&r, "forward_flops").value,
        13_214_679_040.0 + 524_288.0 * 2_048.5
    );
    // Batch 1, 256 output tokens: the prompt is 3,840 tokens and a step reads on
    // average 3,840 + 128 = 3,968 cached tokens of 2 × 32 × 32 × 128 × 2 B = 524,288 B.
    let weights = 6_738_415_616.0 * 2.0;
    let bytes = weights + 524_288.0 * 3_968.0;
    assert_eq!(figure(&r, "decode_bytes").value, bytes);
    let d = detail(&r);
    assert_eq!(d.efficiencies.decode, 0.6);
    assert_eq!(d.efficiencies.step_overhead_s, 0.000_5);
    // H100 SXM5: 3,350 GB/s. TPOT = bytes ÷ (bandwidth × MBU) + overhead, exactly.
    let tpot = bytes / (3350e9 * 0.6) + 0.000_5;
    assert!(
        close(figure(&r, "tpot").value, tpot, 1e-12),
        "{}",
        figure(&r, "tpot").value
    );
    assert!((figure(&r, "tpot").value * 1000.0 - 8.24).abs() < 0.01);
    let tpot = figure(&r, "tpot");
    assert!(tpot.low < tpot.value && tpot.value < tpot.high);
}

#[test]
fn bert_large_all_reduce_on_25_gbe() {
    // The article: 340 M parameters, FP32 gradients, ring all-reduce over 25 GbE,
    // 30,000 iterations per epoch × 100 epochs.
    let s = bert_all_reduce_example();
    let r = report(&s);
    let run = detail(&r).training.as_ref().expect("a run");
    let a = run.all_reduce.as_ref().expect("an all-reduce");
    assert_eq!(a.gradient_bytes, 1.36e9);
    // 2 × 1,023/1,024 × 1.36 GB = 2.717 GB ≈ the article's 2.72 GB.
    assert!(close(a.per_gpu_bytes, 2.72e9, 0.002), "{}", a.per_gpu_bytes);
    // 2.717 GB × 8 ÷ 25 Gb/s = 0.8696 s ≈ 870 ms.
    assert!(close(a.time_s, 0.870, 0.001), "{}", a.time_s);
    assert_eq!(run.iterations, 3_000_000);
    // 0.8696 s × 3,000,000 = 724.6 h ≈ 725 hours (30 days).
    assert!(
        close(a.run_s / 3600.0, 725.0, 0.001),
        "{}",
        a.run_s / 3600.0
    );
}

/// PCIe cards are joined by NVLink bridges in pairs (H200 NVL's 4-way bridge:
/// in fours): a ring within a bridged group runs at the bridge's speed, a larger
/// one crosses PCIe between the groups and runs at PCIe's (A100 PCIe: 600 GB/s
/// both ways over its bridges, Gen4 x16 31.5 GB/s).
#[test]
fn a_ring_over_bridged_pairs_runs_at_pcie_speed() {
    let ring = |gpus: u64, option: &str| {
        let mut s = resnet50_training(32);
        s.deployment.mode = Some(DeploymentMode::Passthrough);
        s.speed.gpus = gpus;
        let r = report(&on(s, option));
        let run = detail(&r).training.clone().expect("a run");
        let a = run.all_reduce.expect("an all-reduce");
        (a.bytes_per_s, a.link_label)
    };
    let (two, label) = ring(2, "a100-pcie-80gb");
    assert_eq!(two, 300e9, "{label}");
    let (four, label) = ring(4, "a100-pcie-80gb");
    assert_eq!(four, 31.5e9, "{label}");
    assert!(label.contains("a ring of 4 crosses PCIe"), "{label}");
    assert!(
        label.contains("NVLink bridges join pairs of GPUs"),
        "{label}"
    );
    // An SXM baseboard joins all its GPUs: NVLink for a ring of four.
    let (sxm, label) = ring(4, "a100-sxm4-80gb");
    assert_eq!(sxm, 300e9, "{label}");
    // H200 NVL's 4-way bridge joins four cards (900 GB/s both ways, 450 each):
    // a ring of four stays on NVLink, one of eight crosses PCIe Gen5 (63 GB/s).
    let (four, label) = ring(4, "h200-nvl-141gb");
    assert_eq!(four, 450e9, "{label}");
    let (eight, label) = ring(8, "h200-nvl-141gb");
    assert_eq!(eight, 63e9, "{label}");
    assert!(
        label.contains("NVLink bridges join groups of 4 GPUs, and a ring of 8 crosses PCIe"),
        "{label}"
    );
}

fn resnet50_training(batch: u64) -> Scenario {
    Scenario::new(Workload::Cnn(CnnScenario {
        network: NetworkRef::Preset(crate::cnn::Preset::ResNet50),
        mode: Mode::Training,
        batch,
        ..CnnScenario::default()
    }))
}

#[test]
fn imagenet_epochs_and_size() {
    let r = report(&resnet50_training(32));
    let run = detail(&r).training.as_ref().expect("a run");
    // 1,280,000 images ÷ 32 = 40,000 iterations per epoch.
    assert_eq!(run.samples, 1_280_000);
    assert_eq!(run.iterations_per_epoch, 40_000);
    // 155.84 GiB on disk.
    let gib = run.dataset_bytes / 1024f64.powi(3);
    assert!((gib - 155.84).abs() < 0.005, "{gib}");
    // A 224×224×3 FP32 tensor is 602,112 B: about 4.6 times the JPEG.
    assert_eq!(run.raw_sample_bytes, 602_112);
}

#[test]
fn resnet50_on_an_m40_takes_about_14_days() {
    // You et al.: 90 epochs of ImageNet-1K on one M40 take 14 days.
    let r = report(&on(resnet50_training(32), "m40-24gb"));
    let days = detail(&r).training.as_ref().unwrap().total_s / 86_400.0;
    assert!(close(days, 14.0, 0.1), "{days} days");
    // ResNet-50 v1.5: 4.09 G multiply-accumulates per 224×224 image (torchvision).
    let forward = figure(&r, "forward_flops").value;
    assert!(close(forward, 2.0 * 4.09e9, 0.01), "{forward}");
    // Seconds in formulas are whole seconds from a thousand up, never "k s".
    let time = figure(&r, "training_time");
    assert!(!time.formula.contains(" k s"), "{}", time.formula);
    let gpu_hours = &figure(&r, "gpu_hours").formula;
    let total = format!(
        "{} s ÷ 3,600",
        crate::input::number_text(sig3(days * 86_400.0).round())
    );
    assert!(gpu_hours.starts_with(&total), "{gpu_hours} vs {total}");
}

#[test]
fn seconds_in_formulas_have_no_si_prefix() {
    assert_eq!(secs(1_523.4), "1,520");
    assert_eq!(secs(1_209_600.0), "1,210,000");
    assert_eq!(secs(999.4), "999");
    assert_eq!(secs(0.0152), "0.0152");
    assert_eq!(secs(f64::NAN), "0");
}

#[test]
fn gpt3_on_one_v100_takes_about_288_years() {
    // Megatron-LM: "approximately 288 years with a single V100". Its convention:
    // 300 B tokens, full recomputation (8 × parameters × tokens), sequences of 2,048.
    let config = serde_json::json!({
        "model_type": "gpt2", "n_embd": 12288, "n_layer": 96, "n_head": 96,
        "vocab_size": 50257, "n_positions": 2048
    });
    let mut s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Config(config.as_object().unwrap().clone()),
        mode: Mode::Training,
        micro_batch: 1,
        context: 2048,
        recompute: Some(Recompute::Full),
        ..TransformerScenario::default()
    }));
    s.speed.samples = Some(300_000_000_000 / 2048);
    s.speed.epochs = Some(1);
    // The figure sets memory aside: GPT-3 does not fit one V100, and the card,
    // asked for that option by name, says so.
    let r = report(&on(s, "v100-sxm2-32gb"));
    assert_eq!(detail(&r).gpus, 1);
    assert!(
        detail(&r)
            .label
            .ends_with("timed as if it held the workload: it does not")
    );
    let years = detail(&r).training.as_ref().unwrap().total_s / (365.25 * 86_400.0);
    assert!(close(years, 288.0, 0.1), "{years} years");
}

#[test]
fn slow_data_loading_turns_2_5_days_into_20() {
    // Polat's ResNet-18 at batch 32: 0.055 s of compute and 0.38 s of loading per
    // iteration; 40,000 iterations × 100 epochs.
    let t = flops::Train {
        forward_per_sample: 1.0,
        forward_formula: String::new(),
        multiplier: 3.0,
        multiplier_note: String::new(),
        replica_batch: 32,
        global_batch: 32,
        data_parallel: 1,
        tensor_parallel: 1,
        pipeline_parallel: 1,
        micro_batches: 1,
        chunks: 1,
        tokens_per_sample: 1,
        trainable: 11_689_512,
        gradient_bytes: 4,
        zero_stage: 0,
        tp_activation_bytes: 0.0,
        layers: 18,
        compute: gpu::Compute::Fp32,
        heads: None,
        raw_sample_bytes: 602_112,
        default_samples: flops::IMAGENET_IMAGES,
        default_epochs: 100,
        default_sample_bytes: 130_730,
        dataset_note: "",
        samples: "images",
    };
    // A GPU whose 96 FLOPs per iteration take 0.055 s.
    let share = gpu::Share {
        peak: 96.0 / 0.055,
        format: "FP32",
        bandwidth: 1.0,
        compute_share: 1.0,
        bandwidth_share: 1.0,
        busy_share: 1.0,
        note: String::new(),
        mig: false,
    };
    let eff = efficiency::Efficiencies {
        training: 1.0,
        training_origin: efficiency::Origin::Yours,
        prefill: 1.0,
        prefill_origin: efficiency::Origin::Yours,
        decode: 1.0,
        decode_origin: efficiency::Origin::Yours,
        step_overhead_s: 0.0,
        step_origin: efficiency::Origin::Yours,
    };
    let fast = training::run(
        &t,
        &SpeedInputs::default(),
        &share,
        &eff,
        (1.0, ""),
        None,
        1.0,
        8,
    );
    assert_eq!(fast.iterations, 4_000_000);
    assert!(
        close(fast.total_s / 86_400.0, 2.55, 0.01),
        "{}",
        fast.total_s / 86_400.0
    );
    // 32 × 130,730 B ÷ 0.38 s = 11.0 MB/s of random reads, not prefetched.
    let slow = SpeedInputs {
        storage_mb_s: Some(32.0 * 130_730.0 / 0.38 / 1e6),
        prefetch: false,
        ..SpeedInputs::default()
    };
    let slow = training::run(&t, &slow, &share, &eff, (1.0, ""), None, 1.0, 8);
    assert!(close(slow.iteration_s, 0.435, 0.001));
    assert!(
        close(slow.total_s / 86_400.0, 20.1, 0.01),
        "{}",
        slow.total_s / 86_400.0
    );
}

#[test]
fn a_latency_target_recommends_the_smallest_option_that_meets_it() {
    let mut s = llama2_7b(8, 4096);
    s.speed.tpot_ms = Some(20.0);
    let r = report(&s);
    let fits = r.fits.as_ref().unwrap();
    let rec = fits
        .recommendations
        .iter()
        .find(|r| r.kind == RecommendationKind::MeetsTarget)
        .expect("an option meets 20 ms");
    let o = &fits.options[rec.option];
    let speed = o.speed.as_ref().unwrap();
    assert_eq!(speed.meets_target, Some(true));
    assert!(speed.busy_step_s <= 0.020);
    // Every smaller fitting option misses it.
    for other in fits.fitting().filter(|x| x.capacity < o.capacity) {
        assert_eq!(
            other.speed.as_ref().unwrap().meets_target,
            Some(false),
            "{}",
            other.label()
        );
    }
    // The card details that option.
    assert_eq!(detail(&r).option, Some(rec.option));
    // An impossible target recommends nothing.
    s.speed.tpot_ms = Some(0.01);
    let r = report(&s);
    assert!(
        !r.fits
            .unwrap()
            .recommendations
            .iter()
            .any(|r| r.kind == RecommendationKind::MeetsTarget)
    );
}

#[test]
fn the_curve_ends_at_the_memory_and_slows_as_users_grow() {
    let r = report(&on(llama2_7b(4, 4096), "h100-sxm5-80gb"));
    let d = detail(&r);
    let last = d.curve.last().unwrap();
    let max = figure(&r, "max_users").value as u64;
    assert_eq!(last.users, max);
    for w in d.curve.windows(2) {
        assert!(w[1].tpot_s >= w[0].tpot_s && w[1].tokens_per_s >= w[0].tokens_per_s);
    }
}

#[test]
fn speed_errors_are_at_their_paths_and_leave_the_fits() {
    let mut s = llama2_7b(1, 1024);
    s.speed.output_tokens = 1024;
    s.speed.decode_mbu_percent = Some(f64::NAN);
    let r = report(&s);
    assert!(r.speed.is_none());
    assert!(
        r.fits
            .as_ref()
            .unwrap()
            .options
            .iter()
            .all(|o| o.speed.is_none())
    );
    let e = &r.errors;
    assert_eq!(
        crate::scenario::FieldError::at(e, "speed.decode_mbu_percent"),
        Some("Must be between 0.1 and 100.")
    );
    s.speed.decode_mbu_percent = None;
    let r = report(&s);
    assert_eq!(
        crate::scenario::FieldError::at(&r.errors, "speed.output_tokens"),
        Some("Must be less than the context (1,024 tokens): the prompt is the rest of it.")
    );
}

#[test]
fn a_gpu_without_rates_has_no_speed_rather_than_zero() {
    let mut catalog = Catalog::bundled().clone();
    let gpu = catalog
        .gpus
        .iter_mut()
        .find(|g| g.id == "h100-sxm5-80gb")
        .unwrap();
    gpu.memory.bandwidth_gbps = None;
    let s = on(llama2_7b(1, 4096), "h100-sxm5-80gb");
    let r = size(&s, &catalog).unwrap();
    let fits = r.fits.as_ref().unwrap();
    let o = fits
        .options
        .iter()
        .find(|o| o.gpu_id == "h100-sxm5-80gb")
        .unwrap();
    assert!(o.speed.is_none());
    // The card falls back to the recommended option.
    let d = r.speed.as_ref().unwrap().detail.as_ref();
    assert!(d.is_none_or(|d| d.key != "h100-sxm5-80gb"));
}

#[test]
fn a_model_no_gpu_holds_is_timed_on_its_multi_gpu_layouts() {
    // Llama-3.1-70B in BF16 (141 GB of weights) on Ampere: no single GPU holds it.
    let mut s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Zoo("llama-3.1-70b".into()),
        sequences: 8,
        context: 4096,
        ..TransformerScenario::default()
    }));
    s.deployment.architecture = Some("Ampere".into());
    let r = report(&s);
    let fits = r.fits.as_ref().unwrap();
    assert_eq!(fits.fitting().count(), 0);
    let a100 = fits
        .multi_gpu
        .iter()
        .find(|m| m.gpu_id == "a100-sxm4-80gb")
        .expect("a layout of A100 80GB");
    let two = a100.speed.as_ref().expect("the layout is timed");
    // The card details the first layout, split over its GPUs.
    let d = detail(&r);
    assert_eq!(d.option, None);
    assert!(d.gpus >= 2 && d.key.contains('×'));
    // Split four ways instead of two, each GPU reads half the bytes: faster.
    s.speed.option = Some(layout_key("a100-sxm4-80gb", 2 * a100.gpus));
    let r4 = report(&s);
    let d4 = detail(&r4);
    assert_eq!(d4.gpus, 2 * a100.gpus);
    let tpot4 = d4.figures.iter().find(|f| f.id == "tpot").unwrap().value;
    assert!(tpot4 < two.step_s, "{tpot4} vs {}", two.step_s);
    // A target only more GPUs meet: the fewest that do are named.
    s.speed.option = None;
    s.speed.tpot_ms = Some(two.step_s * 1000.0 * 0.7);
    let r = report(&s);
    let t = r
        .speed
        .as_ref()
        .unwrap()
        .target_layout
        .as_ref()
        .expect("a layout meets it");
    assert!(t.gpus > 2 && t.speed.meets_target == Some(true));
    assert_eq!(detail(&r).gpus, t.gpus);
    let fits = r.fits.as_ref().unwrap();
    assert!(
        fits.multi_gpu
            .iter()
            .all(|m| m.target_gpus.is_none_or(|n| n >= t.gpus))
    );
    assert!(!r.speed.as_ref().unwrap().target_unmet);
    // A target nothing meets says so, with the target, and names no layout.
    s.speed.tpot_ms = Some(0.01);
    let r = report(&s);
    let sp = r.speed.as_ref().unwrap();
    assert!(sp.target_unmet && sp.target_layout.is_none());
    let w = words::target_unmet(sp).expect("a sentence");
    assert!(
        w.starts_with("No option meets the latency target (time per output token ≤ 10.0 µs)"),
        "{w}"
    );
}

/// The users an option's memory holds are the most at which the Fits panel
/// still has it fitting: one more, and it does not. vLLM keeps a tenth of the
/// GPU free, and the forward pass grows until it fills the prefill budget.
#[test]
fn the_users_the_memory_holds_are_the_fits_panels() {
    let cases = [
        (
            "llama-3.1-70b",
            ServingEngine::Vllm,
            "b200-sxm-180gb/7g.180gb",
        ),
        ("llama-3.1-8b", ServingEngine::Vllm, "l4"),
        ("llama-3.1-8b", ServingEngine::Generic, "a10"),
        ("qwen2.5-7b", ServingEngine::Sglang, "l40s"),
        ("llama-2-7b", ServingEngine::TensorRtLlm, "a100-sxm4-40gb"),
        ("llama-3.1-8b", ServingEngine::LlamaCpp, "rtx-6000-ada"),
    ];
    for (model, engine, option) in cases {
        let at = |sequences: u64| {
            let mut s = on(
                Scenario::new(Workload::Transformer(TransformerScenario {
                    model: ModelRef::Zoo(model.into()),
                    engine,
                    sequences,
                    context: 8_192,
                    ..TransformerScenario::default()
                })),
                option,
            );
            s.speed.option = Some(option.into());
            report(&s)
        };
        let status = |r: &Report| {
            let fits = r.fits.as_ref().unwrap();
            let (gpu, profile) = option.split_once('/').unwrap_or((option, ""));
            fits.options
                .iter()
                .find(|o| {
                    o.gpu_id == gpu
                        && o.profile.as_deref().unwrap_or("") == profile
                        && (!profile.is_empty()
                            || o.mode == crate::catalog::DeploymentMode::Passthrough)
                })
                .map(|o| o.status)
                .unwrap()
        };
        let m = figure(&at(1), "max_users").value as u64;
        assert!(m >= 1, "{model} {engine:?} on {option}: {m}");
        assert_eq!(
            status(&at(m)),
            FitStatus::Fits,
            "{model} {engine:?} on {option} at {m}"
        );
        assert_ne!(
            status(&at(m + 1)),
            FitStatus::Fits,
            "{model} {engine:?} on {option} at {}",
            m + 1
        );
    }
}

#[test]
fn pipeline_stages_take_each_token_in_turn() {
    // Llama-3.1-405B in BF16 (about 810 GB of weights) does not fit one host of
    // eight H100 SXM (8 × 80 GB): tensor parallel 8 × 2 pipeline stages over 2 hosts.
    let mut s = on(
        Scenario::new(Workload::Transformer(TransformerScenario {
            model: ModelRef::Zoo("llama-3.1-405b".into()),
            sequences: 1,
            context: 4096,
            ..TransformerScenario::default()
        })),
        "h100-sxm5-80gb×16",
    );
    s.deployment.cards_per_host = 8;
    let r = report(&s);
    let fits = r.fits.as_ref().unwrap();
    let h100 = fits
        .multi_gpu
        .iter()
        .find(|m| m.gpu_id == "h100-sxm5-80gb")
        .unwrap();
    assert_eq!(
        (h100.layout.tensor, h100.layout.pipeline, h100.gpus),
        (8, 2, 16)
    );
    let d = detail(&r);
    assert_eq!(d.gpus, 16);
    assert!(
        d.label
            .ends_with("(split: tensor parallel 8 × 2 pipeline stages over 2 hosts)"),
        "{}",
        d.label
    );
    // Each GPU reads 1/16 of the bytes, but the two stages read theirs one after the
    // other: at least 2 × a GPU's bytes ÷ its bandwidth per token (16 GPUs in
    // tensor parallel would take about half that).
    let bytes = figure(&r, "decode_bytes").value;
    let bandwidth = Catalog::bundled()
        .gpu("h100-sxm5-80gb")
        .unwrap()
        .memory
        .bandwidth_gbps
        .unwrap()
        * 1e9;
    let tpot = figure(&r, "tpot");
    assert!(tpot.value >= 2.0 * bytes / bandwidth, "{} s", tpot.value);
    assert!(
        tpot.formula.starts_with("2 stages in turn × max("),
        "{}",
        tpot.formula
    );
    assert!(
        tpot.formula.contains("hand-overs between stages"),
        "{}",
        tpot.formula
    );
    // The row in the multi-GPU table is the same layout, timed the same way.
    assert!((h100.speed.as_ref().unwrap().step_s - tpot.value).abs() < 1e-12);
    // A VM runs on one host: the deployment sheet takes one VM per host.
    let sheet = r.deploy.as_ref().unwrap();
    assert_eq!((sheet.vms, sheet.devices), (2, 8));
    assert!(
        sheet.label.ends_with("in 2 VMs, 8 GPUs each"),
        "{}",
        sheet.label
    );
    let vms = sheet.vm.iter().find(|i| i.id == "vm_count").unwrap();
    assert_eq!(vms.value, "2 VMs, one per host, 8 GPUs each");
    assert_eq!(sheet.mmio.as_ref().unwrap().devices, 8);
    // On hosts of 16 the same two stages share a host: the hand-over of one
    // token's activations (16,384 × 2 B) runs over NVLink (450 GB/s each way)
    // instead of the network between hosts (100 Gb Ethernet, 12.5 GB/s).
    s.deployment.cards_per_host = 16;
    let one_host = report(&s);
    let d = detail(&one_host);
    assert!(
        d.label
            .ends_with("(split: tensor parallel 8 × 2 pipeline stages within one host)"),
        "{}",
        d.label
    );
    let bytes = 16_384.0 * 2.0;
    let saved = bytes / 12.5e9 - bytes / 450e9;
    let within = figure(&one_host, "tpot").value;
    assert!(
        (tpot.value - within - saved).abs() < 1e-12,
        "{} − {within} vs {saved}",
        tpot.value
    );
}

#[test]
fn a_gpu_that_holds_the_model_alone_is_split_to_meet_a_target() {
    // Llama-3.1-70B in BF16 at 10 ms per token: no single GPU is that fast, and the
    // GPUs too small for it need 8 to meet it; B200s, which hold it alone, meet it
    // with fewer in tensor parallel.
    let mut s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Zoo("llama-3.1-70b".into()),
        ..TransformerScenario::default()
    }));
    s.speed.tpot_ms = Some(10.0);
    let r = report(&s);
    let sp = r.speed.as_ref().unwrap();
    let t = sp.target_layout.as_ref().expect("a split meets the target");
    assert!(t.gpus < 8, "{} × {}", t.gpus, t.gpu_name);
    assert_eq!(t.speed.meets_target, Some(true));
    let row = &r.fits.as_ref().unwrap().multi_gpu[t.layout];
    assert!(
        row.note.starts_with("One GPU holds the workload;"),
        "{}",
        row.note
    );
    assert_eq!((row.layout.tensor, row.layout.pipeline), (t.gpus, 1));
    let d = detail(&r);
    assert_eq!(d.gpus, t.gpus);
    assert!(d.label.contains("(split: tensor parallel"), "{}", d.label);
}

#[test]
fn a_copy_set_over_two_gpus_says_so_when_it_misses_a_target() {
    // Llama-3.1-70B at tensor parallel 2 and 10 ms per token: no option of two GPUs
    // meets it, and no further split is tried; the card says so, and names the
    // option as the pair it is.
    let mut s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Zoo("llama-3.1-70b".into()),
        tensor_parallel: 2,
        ..TransformerScenario::default()
    }));
    s.speed.tpot_ms = Some(10.0);
    let r = report(&s);
    let sp = r.speed.as_ref().unwrap();
    assert_eq!(sp.copy_gpus, 2);
    let w = words::target_unmet(sp).expect("unmet");
    assert!(
        w.contains("with one copy on 2 GPUs as set on this page"),
        "{w}"
    );
    let d = detail(&r);
    assert!(d.label.starts_with("2 × "), "{}", d.label);
    assert!(
        d.label.ends_with("one copy in tensor parallel 2 as set"),
        "{}",
        d.label
    );
    assert_eq!(d.meets_target, Some(false));
    // The unmet sentence already covers it: no second one about the detailed option.
    assert!(words::detail_misses(sp).is_none());
    // At 40 ms some pair meets it: the card details one that does.
    s.speed.tpot_ms = Some(40.0);
    let r = report(&s);
    assert!(!r.speed.as_ref().unwrap().target_unmet);
}

#[test]
fn your_gpus_missing_a_target_are_told_so() {
    // Llama-3.1-70B FP8 on hosts of 4 L40S, one user, 20 ms per token: the card
    // details the user's L40S split, which misses it, while a B200 slice meets it.
    let text = r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","weights":"fp8","sequences":1,"context":8192}},"deployment":{"fleet":[{"gpu":"L40S","gpus_per_host":4,"hosts":6}]},"speed":{"tpot_ms":20}}"#;
    let r = size(&crate::scenario::parse(text).unwrap(), Catalog::bundled()).unwrap();
    let sp = r.speed.as_ref().unwrap();
    let d = detail(&r);
    assert!(d.label.contains("L40S"), "{}", d.label);
    assert_eq!(d.meets_target, Some(false));
    let w = words::detail_misses(sp).expect("a sentence");
    assert!(
        w.starts_with(
            "This misses the latency target (time per output token ≤ 20.0 ms): time to first token "
        ),
        "{w}"
    );
    assert!(
        w.ends_with(" The Fits panel marks the options that meet it."),
        "{w}"
    );
}

#[test]
fn fractional_vgpus_exchange_through_host_memory() {
    // Llama-3.1-8B in tensor parallel 2 on two H100 SXM vGPUs: H100XM-80C talks
    // peer to peer over NVLink (450 GB/s each way); H100XM-40C does not, and its
    // all-reduces go through host memory at half of PCIe Gen5 (31.5 GB/s). Each
    // of the 2 × 32 all-reduces per token moves 2(2 − 1)/2 × 4,096 × 2 B.
    let at = |profile: &str| {
        let s = on(
            Scenario::new(Workload::Transformer(TransformerScenario {
                model: ModelRef::Zoo("llama-3.1-8b".into()),
                sequences: 1,
                context: 4096,
                tensor_parallel: 2,
                ..TransformerScenario::default()
            })),
            &format!("h100-sxm5-80gb/{profile}"),
        );
        let r = report(&s);
        assert!(
            detail(&r).label.contains(&format!("{profile} ")),
            "{}",
            detail(&r).label
        );
        figure(&r, "tpot").value
    };
    let bytes = 4096.0 * 2.0;
    let slower = 2.0 * 32.0 * (bytes / 31.5e9 - bytes / 450e9);
    let (full, half) = (at("H100XM-80C"), at("H100XM-40C"));
    assert!(
        (half - full - slower).abs() < 1e-12,
        "{half} − {full} vs {slower}"
    );
}

#[test]
fn a_named_option_too_small_is_detailed_as_its_split() {
    // VGG-16 at 4,096 images a batch: one A100 80GB is too small (and not listed),
    // nor do 3 hold it; the card details the A100 row, 4 in data parallel, and says why.
    let at = |option: &str| {
        let mut s = Scenario::new(Workload::Cnn(crate::scenario::CnnScenario {
            network: crate::scenario::NetworkRef::Preset(crate::cnn::Preset::Vgg16),
            batch: 4096,
            ..crate::scenario::CnnScenario::default()
        }));
        s.speed.option = Some(option.into());
        report(&s)
    };
    for named in ["a100-sxm4-80gb", "a100-sxm4-80gb×3"] {
        let r = at(named);
        let d = detail(&r);
        assert!(d.layout.is_some(), "{named}: {}", d.label);
        assert_eq!(d.gpus, 4, "{named}");
        assert!(
            d.label
                .starts_with("4 × NVIDIA A100 SXM4 80GB (split: data parallel 4 ")
                && d.label.ends_with(&format!(
                    ", as {named} named in the scenario does not hold it"
                )),
            "{}",
            d.label
        );
    }
    let d = detail(&at("a100-sxm4-80gb×4")).label.clone();
    assert!(!d.contains("does not hold"), "{d}");
}

#[test]
fn a_named_profile_larger_than_the_smallest_is_listed_and_detailed() {
    // Llama-2-7B fits an L40S-24C, the smallest L40S vGPU the Fits table lists
    // for it; an L40S-48C named in the Speed card is listed too and detailed as
    // named (a larger profile holds what a smaller one holds).
    let r = report_of(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b"}},"speed":{"option":"l40s/L40S-48C"}}"#,
    );
    let d = detail(&r);
    assert_eq!(d.key, "l40s/L40S-48C");
    assert_eq!(d.label, "NVIDIA L40S · L40S-48C · vGPU, time-sliced");
    let fits = r.fits.as_ref().unwrap();
    let listed = |p: &str| {
        fits.options
            .iter()
            .any(|o| o.gpu_id == "l40s" && o.profile.as_deref() == Some(p))
    };
    assert!(listed("L40S-48C") && listed("L40S-24C"));
    // The deployment sheet follows it.
    assert_eq!(
        r.deploy.as_ref().unwrap().vgpu_type.as_deref(),
        Some("L40S-48C")
    );
    // As typed in lower case too.
    let r = report_of(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b"}},"speed":{"option":"l40s/l40s-48c"}}"#,
    );
    assert_eq!(
        detail(&r).label,
        "NVIDIA L40S · L40S-48C · vGPU, time-sliced"
    );
}

#[test]
fn a_named_profile_too_small_is_detailed_as_its_gpu_s_smallest_that_holds_it() {
    // Llama-3.1-8B at 131,072 tokens of context needs more than the 24 GB of an
    // L40S-24C vGPU, which is not listed; the L40S itself holds it, so there is
    // no split of it: the card details the L40S's smallest option that holds the
    // workload and says why, rather than another GPU's.
    let r = report_of(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-8b","context":131072}},"speed":{"option":"l40s/L40S-24C"}}"#,
    );
    let fits = r.fits.as_ref().unwrap();
    assert!(
        !fits
            .options
            .iter()
            .any(|o| o.gpu_id == "l40s" && o.profile.as_deref() == Some("L40S-24C"))
    );
    let d = detail(&r);
    assert!(d.layout.is_none(), "{}", d.label);
    assert!(
        d.label.starts_with("NVIDIA L40S · ")
            && d.label
                .ends_with(", as l40s/L40S-24C named in the scenario does not hold it"),
        "{}",
        d.label
    );
    // A split named where one GPU suffices is not taken for a profile: the card
    // follows its usual order.
    let r = report_of(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-8b","context":131072}},"speed":{"option":"l40s×2"}}"#,
    );
    assert!(
        !detail(&r).label.contains("does not hold"),
        "{}",
        detail(&r).label
    );
}

/// A named option the report has no row for is not silently replaced: the card
/// says what it details instead.
#[test]
fn a_named_option_the_report_lacks_is_said() {
    let r = report_of(
        r#"{"version":1,"workload":{"cnn":{"network":"resnet50","batch":32}},"speed":{"option":"no-such-gpu"}}"#,
    );
    let label = &detail(&r).label;
    assert!(
        label.ends_with(
            ", as no-such-gpu named in the scenario is not among this workload's options"
        ),
        "{label}"
    );
    // One GPU holds ResNet-50 at batch 32: a split of three H100 PCIe is no row.
    let r = report_of(
        r#"{"version":1,"workload":{"cnn":{"network":"resnet50","batch":32}},"speed":{"option":"h100-pcie-80gb×3"}}"#,
    );
    assert!(
        detail(&r)
            .label
            .contains("h100-pcie-80gb×3 named in the scenario is not among")
    );
    // A name the report has: no such words.
    let r = report_of(
        r#"{"version":1,"workload":{"cnn":{"network":"resnet50","batch":32}},"speed":{"option":"l40s"}}"#,
    );
    assert!(!detail(&r).label.contains("named in the scenario"));
}

/// A known demand has no model to time: a speed section is refused at its field.
#[test]
fn a_known_demand_takes_no_speed_question() {
    let s = crate::scenario::parse(
        r#"{"version":1,"workload":{"known":{"what":"x","per_gpu":10000000000}},"speed":{"option":"l40s"}}"#,
    )
    .unwrap();
    let e = size(&s, Catalog::bundled()).unwrap_err();
    assert_eq!(e[0].path, "speed");
    assert!(
        e[0].message
            .starts_with("A known demand has no model to time")
    );
}

/// A split does not divide a latent KV cache (DeepSeek-V3's multi-head latent
/// attention keeps one per GPU): the 4 × B200 layout holds the users the same
/// deployment set as tensor parallel 4 holds, not four times as many.
#[test]
fn a_split_keeps_a_latent_kv_cache_on_every_gpu() {
    let base = r#"{"version":1,"workload":{"transformer":{"model":"deepseek-v3","weights":"fp8","context":4096,"sequences":16"#;
    let split = report_of(&format!("{base}}}}}}}"));
    let fits = split.fits.as_ref().unwrap();
    let row = fits
        .multi_gpu
        .iter()
        .find(|m| m.gpu_id == "b200-sxm-180gb")
        .expect("a B200 split");
    assert_eq!(row.gpus, 4);
    let by_split = row.speed.as_ref().unwrap().max_users.unwrap();
    let set = report_of(&format!(
        r#"{base},"tensor_parallel":4}}}},"deployment":{{"show_too_small":true}}}}"#
    ));
    let option = set
        .fits
        .as_ref()
        .unwrap()
        .options
        .iter()
        .find(|o| o.gpu_id == "b200-sxm-180gb" && o.profile.is_none())
        .expect("the B200 option");
    let by_tp = option.speed.as_ref().unwrap().max_users.unwrap();
    // 180 GB B200: (193.27 GB ÷ 1.1 − 169.72 GB) ÷ (70,272 B × 4,096) = 20 users.
    assert_eq!(by_tp, 20);
    assert_eq!(by_split, by_tp);
}

#[test]
fn two_four_speeds_the_linear_layers_only() {
    // Llama-3.1-8B with 2:4 on every projection on an H200, at 4,096 and at
    // 131,072 tokens: the sparse tensor cores (×1.3) speed up the linear
    // layers' share of the prefill, which attention (dense) shrinks as the
    // context grows.
    let ttft = |context: u64, recipe: bool| {
        let r = report_of(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-3.1-8b","weights":"bf16","kv":"fp8","sequences":1,"context":{context}}}}},{}"speed":{{"option":"h200-sxm-141gb","output_tokens":1024}}}}"#,
            if recipe {
                r#""compression":{"pruning":"two_four","targets":"all"},"#
            } else {
                ""
            }
        ));
        figure(&r, "ttft").value
    };
    // At 131,072 tokens the prefill's linear FLOPs are 15.0 G of 49.1 G a
    // token (attention 34.1 G), and 93 % of them are in 2:4 layers: 28.4 % of
    // the arithmetic at ×1.3 is ×1/(0.716 + 0.284/1.3) = ×1.07 (the weights'
    // traffic does not bound this prefill).
    let long = ttft(131_072, false) / ttft(131_072, true);
    assert!((long - 1.07).abs() < 0.01, "{long}");
    // At 4,096 tokens attention is a small share: nearly the whole ×1.2.
    let short = ttft(4096, false) / ttft(4096, true);
    assert!(short > 1.15 && short < 1.3, "{short}");
}

#[test]
fn a_training_split_is_named_as_set() {
    let label = |parallel: &str| {
        let r = report_of(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-3.1-8b","mode":"training","context":4096,"micro_batch":1,"micro_batches":8,{parallel}}}}},"speed":{{"option":"a100-sxm4-80gb","samples":100000,"epochs":1}}}}"#
        ));
        detail(&r).label.clone()
    };
    assert!(
        label(r#""pipeline_parallel":4,"data_parallel":2"#)
            .ends_with("8 × NVIDIA A100 SXM4 80GB · Full GPU (passthrough), data parallel 2 × pipeline parallel 4 as set")
    );
    assert!(
        label(r#""tensor_parallel":2,"pipeline_parallel":2"#)
            .contains("one copy in tensor parallel 2 × pipeline parallel 2 as set")
    );
    assert!(label(r#""tensor_parallel":4"#).contains("one copy in tensor parallel 4 as set"));
}

#[test]
fn a_mixture_of_experts_reads_its_experts_in_their_own_format() {
    // Mixtral-8x7B in INT4 (groups of 128), one sequence on an H100: a decode
    // step reads the 16-bit embeddings and head and the INT4 attention (1.198 GB
    // in all), 2 of the 8 experts of every layer (0.25 × 22.549 GB in INT4) and
    // the FP8 cache (65,536 B × 3,968 tokens = 0.260 GB): 7.10 GB. Shared by
    // parameters, the experts' share of the bytes came out low (6.81 GB).
    let r = report_of(
        r#"{"version":1,"workload":{"transformer":{"model":"mixtral-8x7b","weights":"int4","kv":"fp8","sequences":1,"context":4096}},"speed":{"option":"h100-sxm5-80gb"}}"#,
    );
    let bytes = figure(&r, "decode_bytes").value;
    assert!((bytes / 7.095e9 - 1.0).abs() < 0.001, "{bytes}");
}

#[test]
fn fp32_cnn_training_takes_the_faster_of_tf32_and_fp32() {
    // ResNet-50 in FP32 without mixed precision, batch 32: 3 × 2 × 4.1 G MACs ×
    // 32 images ≈ 0.787 TFLOP per iteration (forward and backward).
    let iteration = |gpu: &str| {
        let r = report_of(&format!(
            r#"{{"version":1,"workload":{{"cnn":{{"network":"resnet50","batch":32,"precision":"fp32","mixed_precision":false}}}},"speed":{{"option":"{gpu}"}}}}"#
        ));
        figure(&r, "iteration").value
    };
    // L4: TF32 60 TFLOP/s × 15 % = 9 against FP32 30.3 × 50 % = 15.15: the FP32
    // units, 0.787 T ÷ 15.15 T/s ≈ 0.052 s (TF32 would take 0.087 s).
    let l4 = iteration("l4");
    assert!((l4 - 0.0518).abs() < 0.0005, "{l4}");
    // A100: TF32 156 × 15 % = 23.4 against FP32 19.5 × 55 % = 10.7: TF32.
    let a100 = iteration("a100-sxm4-80gb");
    assert!((a100 / l4 - 15.15 / 23.4).abs() < 0.01, "{a100}");
}
