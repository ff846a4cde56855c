use super::*;
use crate::catalog::{DeploymentMode, FitStatus, RecommendationKind};
use crate::cnn::Preset;
use crate::scenario::{CnnScenario, Deployment, ModelRef, NetworkRef, TransformerScenario, parse};
use crate::units::ByteUnits;

fn sized(json: &str) -> Result<Report, Vec<FieldError>> {
    size(&parse(json).unwrap(), Catalog::bundled())
}

fn paths(e: &[FieldError]) -> Vec<&str> {
    e.iter().map(|e| e.path.as_str()).collect()
}

fn cnn(c: CnnScenario, d: Deployment) -> Scenario {
    Scenario {
        deployment: d,
        ..Scenario::new(Workload::Cnn(c))
    }
}

#[test]
fn vgg16_training_matches_the_article() {
    // Denneman (2022): 138,357,544 parameters; FP32 feature maps of batch 32.
    let r = sized(r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":32}}}"#).unwrap();
    assert_eq!(r.model.parameters, 138_357_544);
    assert_eq!(r.memory.bytes("weights"), 138_357_544 * 4);
    assert_eq!(r.memory.bytes("feature_maps"), 1_931_146_240);
    assert_eq!(
        r.model.headline,
        "Training VGG-16 on 224×224×3 images, batch 32, FP32"
    );
    assert_eq!(
        r.memory.total,
        r.memory.terms.iter().map(|t| t.bytes).sum::<u64>()
    );
    assert!(!r.fits.unwrap().recommendations.is_empty());
    // The layer table: the input image, then 13 conv, 5 pool, the adaptive pool,
    // flatten and 3 fc layers; conv1_1 has 64 × 3 × 3 × 3 + 64 parameters.
    let layers = r.layers.unwrap();
    assert_eq!(layers.len(), 24);
    assert_eq!(layers[1].params, 1_792);
    assert_eq!(layers[1].param_bytes, 1_792 * 4);
    assert_eq!(layers.iter().map(|l| l.params).sum::<u64>(), 138_357_544);
    assert!(layers.iter().any(|l| l.view), "flatten is a view");
    assert!(
        layers.iter().all(|l| !l.live),
        "training has no inference peak"
    );
}

#[test]
fn llama_inference_matches_the_config() {
    // Llama 3.1 8B, BF16: 8,030,261,248 parameters × 2 B.
    let s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Zoo("llama-3.1-8b".into()),
        ..TransformerScenario::default()
    }));
    let r = size(&s, Catalog::bundled()).unwrap();
    assert_eq!(r.model.parameters, 8_030_261_248);
    assert_eq!(r.memory.bytes("weights"), 16_060_522_496);
    assert!(r.reverse.as_ref().unwrap().max_context.is_some());
    assert_eq!(r.memory.demand.total, r.memory.total);
    // 8 KV heads × 128 × 2 (K and V) × 32 layers × 2 B.
    assert_eq!(r.transformer.unwrap().kv_bytes_per_token, 131_072);
}

#[test]
fn every_bad_value_names_its_field() {
    let e = sized(
        r#"{"version":1,"workload":{"cnn":{"batch":0,"height":2}},
            "deployment":{"margin_percent":250,"architecture":"Kepler","form_class":"USB"}}"#,
    )
    .unwrap_err();
    let fields = paths(&e);
    for f in [
        "workload.cnn.batch",
        "workload.cnn.image",
        "deployment.architecture",
        "deployment.form_class",
        "deployment.margin_percent",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let e = sized(
        r#"{"version":1,"workload":{"transformer":{"tensor_parallel":3,"arch":{"layers":0}}}}"#,
    )
    .unwrap_err();
    assert!(
        paths(&e).contains(&"workload.transformer.arch.layers"),
        "{e:?}"
    );
}

#[test]
fn a_broken_layer_list_names_its_line() {
    let e = sized(
        r#"{"version":1,"workload":{"cnn":{"network":{"layers":"conv 64 3x3\nconv sixty"}}}}"#,
    )
    .unwrap_err();
    assert_eq!(e[0].path, "workload.cnn.network.layers");
    assert!(e[0].message.starts_with("Line 2: "), "{}", e[0].message);
}

#[test]
fn a_bad_deployment_or_memory_size_keeps_the_estimate() {
    let r =
        sized(r#"{"version":1,"workload":{"cnn":{}},"deployment":{"cards_per_host":0}}"#).unwrap();
    assert!(r.fits.is_none());
    assert_eq!(paths(&r.errors), ["deployment.cards_per_host"]);
    assert_eq!(r.memory.bytes("weights"), 553_430_176);
    let r = sized(r#"{"version":1,"workload":{"transformer":{"memory_gib":0}}}"#).unwrap();
    assert!(r.reverse.is_none() && r.fits.is_some());
    assert_eq!(paths(&r.errors), [MEMORY_GIB.path]);
    assert_eq!(paths(&r.complete().unwrap_err()), [MEMORY_GIB.path]);
}

/// A CNN's reverse question: the largest batch for the memory given. VGG-16
/// training in FP32 with SGD and momentum grows by the same bytes per image
/// (its feature maps, their gradients, its input), so the answer is, by hand,
/// (memory − the batch-free terms) ÷ the bytes per image, and the words are the
/// CNN's. A bad memory size is the answer's problem alone.
#[test]
fn a_cnn_answers_the_largest_batch_for_a_gpu() {
    let at = |batch: u64| {
        sized(&format!(
            r#"{{"version":1,"workload":{{"cnn":{{"network":"vgg16","batch":{batch},"memory_gib":24}}}}}}"#
        ))
        .unwrap()
    };
    let (one, two) = (at(1).memory.total, at(2).memory.total);
    let per_image = two - one;
    assert_eq!(at(3).memory.total - two, per_image);
    let memory = 24u64 << 30;
    let by_hand = (memory - (one - per_image)) / per_image;
    let r = at(32);
    let rev = r.reverse.clone().unwrap();
    assert_eq!(rev.memory, memory);
    assert_eq!(rev.max_context, None);
    assert_eq!(rev.max_sequences.value(), by_hand);
    assert!(at(by_hand).memory.total <= memory && at(by_hand + 1).memory.total > memory);
    assert_eq!(r.reverse_words().1, "Largest batch");
    // Training a transformer asks for the micro-batch; serving for sequences.
    let t =
        sized(r#"{"version":1,"workload":{"transformer":{"mode":"training","method":"qlora"}}}"#)
            .unwrap();
    assert!(t.trains() && t.reverse.is_some());
    assert_eq!(
        t.reverse_words(),
        ("Longest sequence", "Largest micro-batch")
    );
    let bad = sized(r#"{"version":1,"workload":{"cnn":{"memory_gib":-1}}}"#).unwrap();
    assert!(bad.reverse.is_none() && bad.fits.is_some());
    assert_eq!(paths(&bad.errors), [crate::cnn::size::MEMORY_GIB.path]);
}

#[test]
fn an_unread_field_hides_what_it_feeds() {
    let s = cnn(CnnScenario::default(), Deployment::default());
    let catalog = Catalog::bundled();
    let batch = FieldError::new("workload.cnn.batch", "'x' is not a number.");
    let e = size_page(&s, std::slice::from_ref(&batch), catalog).unwrap_err();
    assert_eq!(e, [batch]);
    let margin = FieldError::new("deployment.margin_percent", "'x' is not a number.");
    let r = size_page(&s, std::slice::from_ref(&margin), catalog).unwrap();
    assert!(r.fits.is_none());
    assert_eq!(r.errors, [margin]);
    // An unread field's message replaces what its last value gave.
    let bad = cnn(
        CnnScenario {
            batch: 0,
            ..CnnScenario::default()
        },
        Deployment::default(),
    );
    let typed = FieldError::new("workload.cnn.batch", "Enter a whole number.");
    assert_eq!(
        size_page(&bad, std::slice::from_ref(&typed), catalog).unwrap_err(),
        [typed]
    );
}

#[test]
fn hiding_too_small_options_keeps_recommendations_valid() {
    let s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Zoo("llama-2-13b".into()),
        sequences: 16,
        ..TransformerScenario::default()
    }));
    let fits = size(&s, Catalog::bundled()).unwrap().fits.unwrap();
    assert!(fits.options.iter().all(|o| o.status != FitStatus::TooSmall));
    for r in &fits.recommendations {
        assert_eq!(fits.options[r.option].status, FitStatus::Fits);
    }
}

#[test]
fn condensed_lists_one_row_per_gpu_and_mode() {
    let c = CnnScenario {
        network: NetworkRef::Preset(Preset::ResNet50),
        ..CnnScenario::default()
    };
    let all = size(
        &cnn(
            c.clone(),
            Deployment {
                all_profiles: true,
                ..Deployment::default()
            },
        ),
        Catalog::bundled(),
    )
    .unwrap()
    .fits
    .unwrap();
    let few = size(&cnn(c, Deployment::default()), Catalog::bundled())
        .unwrap()
        .fits
        .unwrap();
    assert!(few.options.len() < all.options.len());
    let mut groups = std::collections::HashSet::new();
    for o in &few.options {
        groups.insert((o.gpu_id.clone(), o.mode));
    }
    // Recommendations survive and still name the same options.
    for (a, b) in all.recommendations.iter().zip(&few.recommendations) {
        assert_eq!(all.options[a.option], few.options[b.option]);
    }
    assert!(groups.len() + few.recommendations.len() >= few.options.len());
}

#[test]
fn the_words_follow_the_units_and_the_numbers_do_not_change() {
    let s = cnn(CnnScenario::default(), Deployment::default());
    let r = size(&s, Catalog::bundled()).unwrap();
    let fits = r.fits.as_ref().unwrap();
    assert_eq!(
        words::needed(fits, ByteUnits::Decimal),
        "Needed: 4.15 GB plus the 10 % margin = 4.56 GB."
    );
    assert_eq!(
        words::needed(fits, ByteUnits::Binary),
        "Needed: 3.86 GiB plus the 10 % margin = 4.25 GiB."
    );
    let binary = Scenario {
        units: ByteUnits::Binary,
        ..s
    };
    let other = size(&binary, Catalog::bundled()).unwrap();
    assert_eq!(other.fits, r.fits);
    assert!(other.to_json().contains("\"Needed: 3.86 GiB plus"));
}

#[test]
fn the_curves_pass_through_the_asked_point_and_grow_by_the_kv_cache() {
    let r = sized(r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-8b","context":4096,"sequences":1}}}"#)
        .unwrap();
    let c = r.curves.as_ref().unwrap();
    // Doubling from 512 to the model's 131,072 positions.
    let xs: Vec<u64> = c.context.iter().map(|p| p.0).collect();
    assert_eq!(
        xs,
        [512, 1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072]
    );
    let at = |x: u64| c.context.iter().find(|p| p.0 == x).unwrap().1;
    assert_eq!(at(4096), r.memory.total);
    // Past the 8,192-token prefill budget only the KV cache grows: 2 × 32 layers ×
    // 8 KV heads × 128 × 2 B = 131,072 B per token, × 8,192 more tokens = 1 GiB.
    assert_eq!(at(16_384) - at(8192), 131_072 * 8192);
    // Sequences: 1 to 64, the asked one included, memory rising.
    let ns: Vec<u64> = c.sequences.iter().map(|p| p.0).collect();
    assert_eq!(ns, [1, 2, 4, 8, 16, 32, 64]);
    assert!(c.sequences.windows(2).all(|w| w[1].1 > w[0].1));
    assert_eq!(c.sequences[0].1, r.memory.total);
    // Training has none.
    let t = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-8b","mode":"training"}}}"#,
    )
    .unwrap();
    assert!(t.curves.is_none());
}

#[test]
fn the_fleet_is_answered_from_the_same_demand() {
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b","mode":"training","method":"qlora","recompute":"none"}},
            "deployment":{"fleet":[{"gpu":"A10","gpus_per_host":1,"hosts":1}]}}"#,
    )
    .unwrap();
    let a10 = &r.fleet[0];
    assert_eq!(a10.gpu_id, "a10");
    assert_eq!(a10.needed, r.fits.as_ref().unwrap().needed);
    assert!(a10.one.is_none() && a10.short_by > 0);
    // Checkpointing is the change that makes it fit; QLoRA is already the method.
    assert_eq!(a10.fixes.len(), 1);
    assert_eq!(a10.fixes[0].change, "activation checkpointing");
    assert!(a10.fixes[0].fits);
    let bad = sized(r#"{"version":1,"workload":{"transformer":{}},"deployment":{"fleet":[{"gpu":"voodoo2","gpus_per_host":1,"hosts":1}]}}"#)
        .unwrap();
    assert!(bad.fleet.is_empty());
    assert_eq!(paths(&bad.errors), ["deployment.fleet"]);
    assert!(
        bad.fits.is_some(),
        "a bad fleet leaves the catalog's answer standing"
    );
}

#[test]
fn a_split_vllm_deployment_keeps_the_fraction_of_each_gpu_free() {
    // Llama-3.1-70B in BF16 under vLLM at 0.9: no single L40S holds it; each GPU of
    // the split keeps 10 % of itself free, not the whole model's reserve.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","engine":"vllm","sequences":8,"context":8192}}}"#,
    )
    .unwrap();
    let m = &r.memory;
    let reserve = m.bytes("engine_reserve");
    let used = m.total - reserve;
    // One GPU: used ÷ 0.9.
    assert!((m.total as f64 - used as f64 / 0.9).abs() <= 1.0);
    let fits = r.fits.unwrap();
    let l40s = fits.multi_gpu.iter().find(|g| g.gpu_id == "l40s").unwrap();
    let t = l40s.layout.tensor as f64 * l40s.layout.pipeline as f64;
    let kv = m.bytes("kv_cache") as f64;
    let overhead = m.bytes("runtime_overhead") as f64;
    let rest = used as f64 - kv - overhead;
    // 8 KV heads: the cache splits over min(t, 8) shards (t ≤ 8 here).
    let share = overhead + rest / t + kv / t;
    // Unless the tenth each GPU leaves free must be larger to hold vLLM's CUDA
    // context and graphs: (522 MiB + 307 MiB + 80 layers × 18 MiB) ÷ 0.1.
    assert_eq!(m.demand.min_gpu, 22_690 << 20);
    let expect = (share / 0.9).max(m.demand.min_gpu as f64);
    assert!(
        (l40s.per_gpu as f64 - expect).abs() / expect < 1e-6,
        "{} vs {expect}",
        l40s.per_gpu
    );
    // The old rule — one model-wide reserve copied to every GPU — would ask more.
    assert!((l40s.per_gpu as f64) < share + reserve as f64);
    // The L40S talk over PCIe (300 MiB of non-torch memory each); four H100 SXM
    // over NVSwitch hold 2.2 GiB each, and their CUDA context grows to 1,567 MiB.
    let pcie = fits
        .multi_gpu
        .iter()
        .find(|g| g.gpu_id == "h100-pcie-80gb")
        .unwrap();
    let sxm = fits
        .multi_gpu
        .iter()
        .find(|g| g.gpu_id == "h100-sxm5-80gb")
        .unwrap();
    assert_eq!((pcie.layout.tensor, sxm.layout.tensor), (4, 4));
    let at = |non_torch: f64| (non_torch + rest / 4.0 + kv / 4.0) / 0.9;
    for (g, non_torch) in [(pcie, (300u64 << 20) as f64), (sxm, 2.2 * 1_073_741_824.0)] {
        let expect = at(non_torch);
        assert!(
            (g.per_gpu as f64 - expect).abs() / expect < 1e-6,
            "{}: {} vs {expect}",
            g.gpu_id,
            g.per_gpu
        );
    }
    assert!(sxm.note.contains("NVLink peers"), "{}", sxm.note);
    assert!(pcie.note.contains("over PCIe"), "{}", pcie.note);
    let a100 = fits
        .multi_gpu
        .iter()
        .find(|g| g.gpu_id == "a100-sxm4-40gb")
        .unwrap();
    assert_eq!(a100.layout.tensor, 8);
    assert_eq!(a100.per_gpu, ((1_567 + 307 + 80 * 18) * 10) << 20);
    assert_eq!(
        r.scenario.workload.kind(),
        "transformer",
        "the engine travels with the scenario"
    );
}

#[test]
fn the_engine_sets_the_fraction_rounding_and_kv_capacity() {
    let at = |engine: &str, extra: &str| {
        sized(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-3.1-8b","engine":"{engine}","context":4100,"memory_gib":80{extra}}}}}}}"#
        ))
    };
    let vllm = at("vllm", "").unwrap();
    // 4,100 tokens are kept in 257 blocks of 16: 4,112 tokens × 131,072 B.
    assert_eq!(vllm.memory.bytes("kv_cache"), 4_112 * 131_072);
    let kv_tokens = vllm.reverse.as_ref().unwrap().kv_tokens.unwrap();
    assert_eq!(kv_tokens % 16, 0);
    // 80 GiB × 0.9 less everything but the KV cache, in tokens of 128 KiB.
    let other =
        vllm.memory.total - vllm.memory.bytes("kv_cache") - vllm.memory.bytes("engine_reserve");
    let expect = ((80.0 * 1_073_741_824.0 * 0.9 - other as f64) / 131_072.0) as u64 / 16 * 16;
    assert_eq!(kv_tokens, expect);
    // llama.cpp pads to 256 cells and keeps no fraction.
    let cpp = at("llama_cpp", "").unwrap();
    assert_eq!(cpp.memory.bytes("kv_cache"), 4_352 * 131_072);
    assert_eq!(cpp.memory.bytes("engine_reserve"), 0);
    let refused = at("llama_cpp", r#","utilization":0.9"#).unwrap_err();
    assert_eq!(paths(&refused), ["workload.transformer.utilization"]);
    assert!(
        refused[0]
            .message
            .contains("llama.cpp keeps no memory fraction")
    );
    // TensorRT-LLM keeps a tenth of the KV cache's share free: KV ÷ 0.9 − KV.
    let trt = at("tensorrt_llm", "").unwrap();
    let kv = trt.memory.bytes("kv_cache") as f64;
    assert!((trt.memory.bytes("engine_reserve") as f64 - kv / 0.9 + kv).abs() <= 1.0);
    // Any engine with no fraction set: nothing kept free, as before.
    let generic = at("generic", "").unwrap();
    assert_eq!(generic.memory.bytes("engine_reserve"), 0);
    assert_eq!(generic.memory.bytes("kv_cache"), 4_100 * 131_072);
}

#[test]
fn small_gpus_under_vllm_take_pipeline_stages_within_a_host() {
    // Llama-3.1-70B in BF16 under vLLM at 0.9 on a host of eight A10 (PCIe).
    // Tensor parallel 8 leaves all 80 layers' CUDA graphs on every GPU: the
    // tenth 0.9 leaves free must hold (522 + 307 + 80 × 18) MiB, so a GPU needs
    // 22.2 GiB before the margin, more than an A10 has. Four GPUs per stage and
    // two stages keep 40 layers each: (522 + 307 + 40 × 18) MiB ÷ 0.1 = 15.1 GiB.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","engine":"vllm"}},"deployment":{"fleet":[{"gpu":"A10","gpus_per_host":8,"hosts":1}]}}"#,
    )
    .unwrap();
    let split = r.fleet[0].split.as_ref().unwrap();
    assert_eq!(
        (
            split.layout.tensor,
            split.layout.pipeline,
            split.layout.hosts
        ),
        (4, 2, 1)
    );
    assert!(split.in_fleet);
    assert_eq!(
        words::layout(split.layout),
        "tensor parallel 4 × 2 pipeline stages within one host"
    );
    // The Speed card and the deployment sheet detail the user's GPUs.
    let detail = r.speed.as_ref().unwrap().detail.as_ref().unwrap();
    assert_eq!(detail.key, "a10×8");
    assert!(r.deploy.is_some());
}

#[test]
fn a_copy_over_two_gpus_leaves_mig_out_and_counts_whole_sets() {
    // 10 GB on each of 2 GPUs: an A100 80GB 1g.10gb instance would hold 10 GB, but
    // one process sees one MIG instance; 8 cards a host hold 4 copies.
    let r = sized(
        r#"{"version":1,"workload":{"known":{"per_gpu":10000000000,"gpus":2}},"deployment":{"fleet":[{"gpu":"L40S","gpus_per_host":4,"hosts":2}]}}"#,
    )
    .unwrap();
    let fits = r.fits.as_ref().unwrap();
    assert_eq!(fits.demand.copy_gpus, 2);
    assert!(fits.mig_left_out);
    assert!(
        fits.options
            .iter()
            .all(|o| !matches!(o.mode, DeploymentMode::Mig | DeploymentMode::MigBackedVgpu))
    );
    let a100 = fits
        .options
        .iter()
        .find(|o| o.gpu_id == "a100-sxm4-80gb" && o.profile.is_none())
        .unwrap();
    assert_eq!((a100.per_gpu, a100.per_host), (1, 4));
    assert!(
        words::mig_left_out(fits)
            .unwrap()
            .starts_with("One copy runs on 2 GPUs, so MIG instances")
    );
    let densest = fits
        .recommendations
        .iter()
        .find(|r| r.kind == RecommendationKind::Densest)
        .unwrap();
    let why = words::why(densest, fits, ByteUnits::Decimal);
    assert!(
        why.contains("per host of 8 cards, each copy on 2 instances on 2 GPUs ("),
        "{why}"
    );
    // The user's 2 hosts of 4 L40S: each copy takes 2 of the host's 4 × n slots
    // of the smallest option that holds it (n per GPU).
    let l40s = &r.fleet[0];
    let per_gpu = l40s.one.as_ref().unwrap().per_gpu;
    assert_eq!(l40s.copies, per_gpu * 4 / 2 * 2);
    // One GPU: MIG stays.
    let one =
        sized(r#"{"version":1,"workload":{"known":{"per_gpu":10000000000,"gpus":1}}}"#).unwrap();
    let fits = one.fits.as_ref().unwrap();
    assert!(!fits.mig_left_out);
    assert!(fits.options.iter().any(|o| o.mode == DeploymentMode::Mig));
}

#[test]
fn a_demand_per_gpu_larger_than_any_gpu_is_not_sent_to_gpu_counts() {
    let r = sized(
        r#"{"version":1,"workload":{"known":{"per_gpu":400000000000}},"deployment":{"fleet":[{"gpu":"L40S","gpus_per_host":4,"hosts":2}]}}"#,
    )
    .unwrap();
    let fits = r.fits.as_ref().unwrap();
    assert!(fits.recommendations.is_empty() && fits.multi_gpu.is_empty());
    let w = words::nothing_fits(fits, ByteUnits::Decimal);
    assert!(
        w.ends_with("Its 440.00 GB is needed on every GPU it runs on, so more GPUs do not help: only a smaller demand, or a GPU with more memory than any listed, would."),
        "{w}"
    );
    let f = words::fleet(&r.fleet[0], ByteUnits::Decimal);
    assert!(
        f.verdict
            .starts_with("Does not fit: the 440.00 GB it needs"),
        "{}",
        f.verdict
    );
}

#[test]
fn the_multi_gpu_row_of_your_gpu_is_laid_out_on_your_hosts() {
    // Hosts of 4 L40S: the L40S row takes their layout, not one of 8-card hosts.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","sequences":32,"context":8192}},"deployment":{"fleet":[{"gpu":"L40S","gpus_per_host":4,"hosts":6}]}}"#,
    )
    .unwrap();
    let fits = r.fits.as_ref().unwrap();
    let row = fits.multi_gpu.iter().find(|m| m.gpu_id == "l40s").unwrap();
    let split = r.fleet[0].split.as_ref().unwrap();
    assert_eq!(row.layout, split.layout);
    assert_eq!(row.per_gpu, split.per_gpu);
    assert!(row.layout.tensor <= 4, "{:?}", row.layout);
    // Other GPUs keep the catalog's hosts of 8 cards.
    let a10 = fits.multi_gpu.iter().find(|m| m.gpu_id == "a10").unwrap();
    assert_eq!(a10.layout.hosts, a10.gpus.div_ceil(8));
}

#[test]
fn a_copy_spread_by_the_scenario_is_not_split_again() {
    // Llama-3.1-70B at tensor parallel 4: each GPU holds a quarter. A T4 cannot hold
    // that quarter, and four T4s (64 GB in all) must not be offered for a 141 GB model.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","tensor_parallel":4}},"deployment":{"fleet":[{"gpu":"T4","gpus_per_host":4,"hosts":1}]}}"#,
    )
    .unwrap();
    let fits = r.fits.as_ref().unwrap();
    assert!(
        fits.multi_gpu.is_empty(),
        "{:?}",
        fits.multi_gpu
            .iter()
            .map(|m| (&m.gpu_id, m.gpus))
            .collect::<Vec<_>>()
    );
    let t4 = &r.fleet[0];
    assert!(t4.split.is_none() && t4.copies == 0);
    let w = words::fleet(t4, ByteUnits::Decimal);
    assert!(
        w.verdict
            .starts_with("Does not fit: one copy runs on 4 GPUs as set"),
        "{}",
        w.verdict
    );
    // The sheet follows the fleet's first GPU only when it holds the workload.
    assert!(r.deploy.as_ref().is_some_and(|s| s.gpu_id != "t4"));
}

#[test]
fn a_filter_that_hides_every_fit_says_so() {
    // 10 GB on each of 2 GPUs, Deployment = MIG: MIG is left out for a copy over two
    // GPUs, so nothing is listed, though other options would hold it.
    let r = sized(
        r#"{"version":1,"workload":{"known":{"per_gpu":10000000000,"gpus":2}},"deployment":{"mode":"mig"}}"#,
    )
    .unwrap();
    let fits = r.fits.as_ref().unwrap();
    assert!(fits.options.is_empty() && fits.hidden_fits > 0);
    let w = words::nothing_fits(fits, ByteUnits::Decimal);
    assert!(
        w.starts_with("No option listed holds this workload with the margin, but "),
        "{w}"
    );
    assert!(w.contains("left out would"), "{w}");
    assert_eq!(
        words::counted(fits),
        "No option is listed: those too small are hidden, and the filters may hide others."
    );
}

#[test]
fn a_cnn_too_large_for_one_gpu_splits_its_batch() {
    // VGG-16 training on 4,096 images a batch: no GPU holds the feature maps, so
    // the rows take data-parallel replicas, each with the whole network and its
    // share of the images.
    let r = sized(r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":4096}}}"#).unwrap();
    let fits = r.fits.as_ref().unwrap();
    let d = fits.demand;
    assert_eq!(d.batch, 4096);
    let term = |id: &str| r.memory.terms.iter().find(|t| t.id == id).unwrap().bytes;
    let per_image = term("feature_maps") + term("input_batch");
    assert_eq!(d.replicated, d.total - per_image);
    assert!(!fits.multi_gpu.is_empty());
    for m in &fits.multi_gpu {
        let l = m.layout;
        assert_eq!(
            (l.tensor, l.pipeline, l.data),
            (1, 1, m.gpus),
            "{}",
            m.gpu_id
        );
        // More than the fewest only to fill an NVSwitch partition.
        if m.gpus > m.fewest {
            assert_eq!(m.rounding, Some(crate::catalog::Rounding::NvSwitch));
        }
        // ⌈4,096 ÷ n⌉ images on each GPU.
        let images = 4096u64.div_ceil(u64::from(m.gpus));
        let share = (u128::from(per_image) * u128::from(images)).div_ceil(4096) as u64;
        assert_eq!(m.per_gpu, d.replicated + share, "{}", m.gpu_id);
        // One replica fewer than the fewest would not hold its share.
        assert!(
            crate::catalog::with_margin(d.per_gpu(m.fewest - 1), fits.margin_percent) > m.capacity
        );
        assert!(words::layout(l).starts_with(&format!("data parallel {} ", m.gpus)));
        assert!(
            m.note
                .starts_with("Data parallelism: each GPU keeps the whole model")
        );
        let speed = m.speed.as_ref().unwrap();
        assert!(speed.training_s.is_some_and(|s| s > 0.0));
    }
    assert_eq!(
        words::split_section(fits).0,
        "Split over several GPUs (data parallelism)"
    );
}

#[test]
fn an_uneven_batch_split_trains_the_batch_as_set() {
    // VGG-16 at 4,096 images a batch on L40S: 6 GPUs, the largest share
    // ⌈4,096 ÷ 6⌉ = 683 images (it times the step); an iteration still takes
    // 4,096 images, not 6 × 683 = 4,098, so an epoch of ImageNet's 1,281,167
    // images is ⌈1,281,167 ÷ 4,096⌉ = 313 iterations.
    let r = sized(
        r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":4096}},"speed":{"option":"l40s"}}"#,
    )
    .unwrap();
    let detail = r.speed.as_ref().unwrap().detail.as_ref().unwrap();
    let run = detail.training.as_ref().unwrap();
    assert_eq!(run.gpus, 6, "{}", detail.label);
    assert_eq!(run.global_batch, 4096);
    assert_eq!(run.iterations_per_epoch, 313);
    let figure = detail
        .figures
        .iter()
        .find(|f| f.id == "iterations_per_epoch")
        .unwrap();
    assert!(
        figure
            .formula
            .contains("÷ 4,096 per iteration (up to 683 per replica × 6 replicas)"),
        "{}",
        figure.formula
    );
}

#[test]
fn the_speed_card_and_the_sheet_count_a_cnn_s_data_parallel_gpus() {
    let at = |gpus: u32| {
        sized(&format!(
            r#"{{"version":1,"workload":{{"cnn":{{"network":"resnet50","batch":64}}}},"speed":{{"option":"a100-sxm4-80gb","gpus":{gpus}}}}}"#
        ))
        .unwrap()
    };
    let four = at(4);
    let detail = four.speed.as_ref().unwrap().detail.as_ref().unwrap();
    assert_eq!(detail.replicas, 4);
    assert!(detail.label.starts_with("4 × "), "{}", detail.label);
    assert!(
        detail
            .label
            .ends_with("(passthrough), data parallel 4 as set"),
        "{}",
        detail.label
    );
    assert_eq!(detail.training.as_ref().unwrap().gpus, 4);
    let sheet = four.deploy.as_ref().unwrap();
    assert_eq!((sheet.devices, sheet.vms), (4, 1));
    assert!(sheet.label.starts_with("4 × "), "{}", sheet.label);
    // 16 replicas on hosts of 8: two VMs of 8, one per host.
    let sixteen = at(16);
    let sheet = sixteen.deploy.as_ref().unwrap();
    assert_eq!((sheet.devices, sheet.vms), (8, 2));
    let vms = sheet.vm.iter().find(|i| i.id == "vm_count").unwrap();
    assert_eq!(vms.value, "2 VMs, 8 GPUs each");
    assert!(
        vms.why
            .starts_with("data parallel 16 as set: 16 GPUs in all"),
        "{}",
        vms.why
    );
    // 4 replicas in one host all-reduce over NVLink; 16 over two hosts, over
    // the network assumed between hosts (12.5 GB/s), unless a link is set.
    let link = |r: &Report| {
        let d = r.speed.as_ref().unwrap().detail.as_ref().unwrap();
        let a = d.training.as_ref().unwrap().all_reduce.clone().unwrap();
        (a.bytes_per_s, a.link_label)
    };
    assert!(link(&four).1.starts_with("NVLink"), "{}", link(&four).1);
    let (rate, label) = link(&sixteen);
    assert_eq!(rate, 12.5e9);
    assert!(
        label.starts_with("100 Gb Ethernet between VMs (assumed: 16 GPUs in 2 VMs of at most 8"),
        "{label}"
    );
    // On the user's hosts of 4 L40S, two of them: 16 replicas take 4 VMs of 4,
    // more GPUs than those hosts have, and the ring crosses the VMs.
    let r = sized(
        r#"{"version":1,"workload":{"cnn":{"network":"resnet50","batch":64}},"speed":{"option":"l40s","gpus":16},"deployment":{"fleet":[{"gpu":"L40S","gpus_per_host":4,"hosts":2}]}}"#,
    )
    .unwrap();
    let sheet = r.deploy.as_ref().unwrap();
    assert_eq!(
        (sheet.devices, sheet.vms, sheet.total_devices()),
        (4, 4, 16)
    );
    let hosts = sheet.checks.iter().find(|i| i.id == "fleet_hosts").unwrap();
    assert_eq!(
        hosts.value,
        "the deployment needs 16 GPUs; yours have 8 GPUs"
    );
    assert!(
        link(&r).1.contains("16 GPUs in 4 VMs of at most 4"),
        "{}",
        link(&r).1
    );
    // 9 V100 for a batch of 4,096 VGG-16 images: a VM of 8 and a VM of 1.
    let r = sized(
        r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":4096}},"speed":{"option":"v100-sxm2-32gb×9"}}"#,
    )
    .unwrap();
    let sheet = r.deploy.as_ref().unwrap();
    assert_eq!((sheet.devices, sheet.vms, sheet.last_devices), (8, 2, 1));
    assert_eq!(sheet.total_devices(), 9);
    assert!(
        sheet.label.ends_with("in 2 VMs, 8 GPUs, the last 1 GPU"),
        "{}",
        sheet.label
    );
    // One GPU: as before.
    let one = at(1);
    let detail = one.speed.as_ref().unwrap().detail.as_ref().unwrap();
    assert_eq!(detail.replicas, 1);
    assert!(!detail.label.contains("data parallel"));
    assert_eq!(one.deploy.as_ref().unwrap().devices, 1);
}

#[test]
fn the_first_part_of_a_report_draws_the_memory_card_as_the_whole_does() {
    let cases = [
        // Serving, with a fleet, a latency target and a memory size for the reverse answers.
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","weights":"fp8","sequences":32,"context":8192,"memory_gib":80}},
            "deployment":{"fleet":[{"gpu":"L40S","gpus_per_host":4,"hosts":2}]},"speed":{"ttft_ms":2000}}"#,
        // Training too large for one GPU.
        r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b","mode":"training","method":"full"}}}"#,
        r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":32}}}"#,
        r#"{"version":1,"workload":{"known":{"per_gpu":20000000000}}}"#,
    ];
    for json in cases {
        let s = parse(json).unwrap();
        let whole = size(&s, Catalog::bundled()).unwrap();
        let first = size_to(&s, Catalog::bundled(), Depth::First).unwrap();
        assert_eq!(first.memory, whole.memory, "{json}");
        assert_eq!(first.model, whole.model, "{json}");
        assert_eq!(first.fleet, whole.fleet, "{json}");
        assert_eq!(first.parameters, whole.parameters, "{json}");
        assert_eq!(first.layers, whole.layers, "{json}");
        assert!(chart::against(&whole).is_some(), "{json}");
        assert_eq!(chart::against(&first), chart::against(&whole), "{json}");
        assert_eq!(first.errors, whole.errors, "{json}");
        // What the cards below the memory card draw is left for the whole report.
        assert!(first.speed.is_none() && first.deploy.is_none(), "{json}");
        assert!(first.reverse.is_none() && first.curves.is_none(), "{json}");
        assert!(
            first
                .fits
                .unwrap()
                .options
                .iter()
                .all(|o| o.speed.is_none()),
            "{json}"
        );
    }
    let serving = size(&parse(cases[0]).unwrap(), Catalog::bundled()).unwrap();
    assert!(serving.speed.is_some() && serving.deploy.is_some());
    assert!(serving.reverse.is_some() && serving.curves.is_some());
    // A problem of the speed question is the whole report's alone.
    let s = parse(r#"{"version":1,"workload":{"transformer":{"context":1024}},"speed":{"output_tokens":4096}}"#).unwrap();
    assert_eq!(
        paths(&size(&s, Catalog::bundled()).unwrap().errors),
        ["speed.output_tokens"]
    );
    assert!(
        size_to(&s, Catalog::bundled(), Depth::First)
            .unwrap()
            .errors
            .is_empty()
    );
}

#[test]
fn a_compressed_model_is_answered_and_drawn_with_its_compressed_weights() {
    // Llama-2-7B in FP16 with 2:4 on every projection, served by vLLM, asked what
    // fits in 24 GiB: the total, the engine's budget, the reverse answers and
    // the curves all count the 2:4 weights.
    let scenario = |sequences: u64, recipe: bool| {
        format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-2-7b","weights":"fp16","engine":"vllm","context":4096,"sequences":{sequences},"memory_gib":24}}}}{}}}"#,
            if recipe {
                r#","compression":{"pruning":"two_four","targets":"all"}"#
            } else {
                ""
            }
        )
    };
    let r = sized(&scenario(1, true)).unwrap();
    let dense = sized(&scenario(1, false)).unwrap();
    let c = r.compression.as_ref().unwrap();
    // Before the recipe: the model as given, term by term.
    assert_eq!(c.total_before, dense.memory.total);
    assert_eq!(c.total_after, r.memory.total);
    assert!(r.memory.total < dense.memory.total);
    // The curves pass through the asked point.
    let curves = r.curves.as_ref().unwrap();
    let at = |x: u64| curves.context.iter().find(|p| p.0 == x).unwrap().1;
    assert_eq!(at(4096), r.memory.total);
    assert_eq!(curves.sequences[0].1, r.memory.total);
    // The most sequences that fit: that many fit, one more does not, each
    // sized as a scenario of its own with the same recipe.
    let memory = 24 * (1u64 << 30);
    let answers = r.reverse.as_ref().unwrap();
    assert_eq!(answers.memory, memory);
    let crate::transformer::memory::Reverse::Fits { value, total } = answers.max_sequences else {
        panic!("{:?}", answers.max_sequences)
    };
    let at_value = sized(&scenario(value, true)).unwrap();
    assert_eq!(at_value.memory.total, total);
    assert!(total <= memory);
    assert!(sized(&scenario(value + 1, true)).unwrap().memory.total > memory);
    // The model as given holds fewer.
    let dense_value = dense.reverse.as_ref().unwrap().max_sequences.value();
    assert!(dense_value < value, "{dense_value} vs {value}");
}

#[test]
fn a_compressed_cnn_answers_its_largest_batch_with_the_compressed_weights() {
    // VGG-16 in FP16 with 2:4 convolutions, asked the largest batch in 8 GiB:
    // that batch fits with the recipe, one more does not.
    let scenario = |batch: u64| {
        format!(
            r#"{{"version":1,"workload":{{"cnn":{{"network":"vgg16","batch":{batch},"precision":"fp16","mode":"inference","memory_gib":8}}}},"compression":{{"pruning":"two_four","targets":"conv"}}}}"#
        )
    };
    let r = sized(&scenario(64)).unwrap();
    let answer = &r.reverse.as_ref().unwrap().max_sequences;
    let crate::transformer::memory::Reverse::Fits { value, total } = *answer else {
        panic!("{answer:?}")
    };
    let memory = 8 * (1u64 << 30);
    assert_eq!(sized(&scenario(value)).unwrap().memory.total, total);
    assert!(total <= memory);
    assert!(sized(&scenario(value + 1)).unwrap().memory.total > memory);
}

#[test]
fn a_compressed_model_keeps_the_rules_of_a_split_and_counts_only_true_fits() {
    // Llama-2-7B with 2:4 under vLLM: the demand keeps vLLM's least GPU and its
    // memory outside the model, so no 16 GB PCIe pair is offered for a split.
    let json = |recipe: &str| {
        format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-2-7b","weights":"fp16","engine":"vllm","memory_gib":24,"sequences":8,"context":4096}}}},"deployment":{{"all_profiles":true}}{recipe}}}"#
        )
    };
    let r = sized(&json(r#","compression":{"pruning":"two_four"}"#)).unwrap();
    let dense = sized(&json("")).unwrap();
    assert_eq!(r.memory.demand.min_gpu, dense.memory.demand.min_gpu);
    assert!(r.memory.demand.min_gpu > 0 && r.memory.demand.vllm.is_some());
    let fits = r.fits.as_ref().unwrap();
    assert!(!fits.multi_gpu.is_empty());
    for m in &fits.multi_gpu {
        assert!(m.capacity >= r.memory.demand.min_gpu, "{}", m.gpu_name);
    }
    // "Now fits" names only options that hold the model with the margin.
    let holding: Vec<String> = fits
        .options
        .iter()
        .filter(|o| o.status == FitStatus::Fits)
        .map(|o| match &o.profile {
            Some(p) => format!("{} {p}", o.gpu_name),
            None => o.gpu_name.clone(),
        })
        .collect();
    let c = r.compression.as_ref().unwrap();
    assert!(!c.newly_fit.is_empty());
    for name in &c.newly_fit {
        assert!(holding.contains(name), "{name}");
    }
}

#[test]
fn the_fleet_fixes_of_a_compressed_model_are_sized_with_its_recipe() {
    // Llama-3.1-70B quantized to INT4 by the recipe on hosts of L40S: a change
    // is offered only if it needs less than the compressed model does now.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","weights":"bf16","engine":"vllm","sequences":8,"context":8192}},
            "compression":{"pruning":"none","quantize":"int4"},
            "deployment":{"fleet":[{"gpu":"L40S","gpus_per_host":1,"hosts":1}]}}"#,
    )
    .unwrap();
    let answer = &r.fleet[0];
    assert!(answer.one.is_none());
    for fix in &answer.fixes {
        assert!(fix.total < r.memory.total, "{fix:?}");
    }
}

#[test]
fn a_recipe_says_why_weights_grow_and_which_math_runs() {
    let with = |recipe: &str| {
        sized(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-2-7b","weights":"fp16"}}}},"compression":{recipe}}}"#
        ))
        .unwrap()
        .compression
        .unwrap()
    };
    // FP32 values from an FP16 model: wider values, not indices, make it larger.
    let wider = with(r#"{"pruning":"none","quantize":"fp32"}"#);
    assert!(wider.wider_values && wider.weights_after > wider.weights_before);
    assert!(
        wider
            .math
            .note
            .contains("wider than the model's own format")
    );
    assert!(!with(r#"{"pruning":"none","quantize":"int8"}"#).wider_values);
    // NF4 has no matrix rate of its own: the model's FP16 math.
    let nf4 = with(r#"{"pruning":"none","quantize":"nf4","activations":true}"#);
    assert_eq!(nf4.math.compute, "FP16");
    assert!(nf4.math.note.contains("no matrix-math rate of its own"));
    // INT4 and FP4 have theirs (A100's INT4 and B200's FP4 tensor cores).
    for (format, rate) in [("int4", "INT4"), ("nvfp4", "FP4"), ("mxfp4", "FP4")] {
        let q = with(&format!(
            r#"{{"pruning":"none","quantize":"{format}","activations":true}}"#
        ));
        assert_eq!(q.math.compute, rate);
    }
    // INT8 activations have one.
    let int8 = with(r#"{"pruning":"none","quantize":"int8","activations":true}"#);
    assert_eq!(int8.math.compute, "INT8");
}

#[test]
fn durations_read_as_people_say_them() {
    assert_eq!(words::duration(1.17e-8), "11.7 ns");
    assert_eq!(words::duration(2.5e-4), "250 µs");
    assert_eq!(words::duration(0.0463), "46.3 ms");
    assert_eq!(words::duration(0.0), "0 ms");
}

#[test]
fn three_significant_digits_across_a_power_of_ten() {
    // Rounding 0.0009996 up to 0.001 keeps three significant digits, not four.
    assert_eq!(words::sig(0.0009996), "0.00100");
    assert_eq!(words::sig(0.000999), "0.000999");
    assert_eq!(words::sig(99.96), "100");
    assert_eq!(words::sig(9.996), "10.0");
    assert_eq!(words::sig(999.6), "1,000");
    assert_eq!(words::sig(0.5), "0.500");
}

#[test]
fn a_compressed_model_is_timed_on_the_option_detailed_before() {
    // Llama-2-7B FP16, one sequence of 4,096: the speed card details an A100
    // 40GB's A100-20C vGPU (the smallest fit, a GH200 slice, is on an Arm host);
    // with 2:4 projections (7.81 GB of weights, not 13.48) a smaller A30 slice.
    // On the A100 slice the compressed model reads fewer bytes a token.
    let model = r#""workload":{"transformer":{"model":"llama-2-7b","mode":"inference","weights":"fp16","sequences":1,"context":4096}}"#;
    let before = sized(&format!(r#"{{"version":1,{model}}}"#)).unwrap();
    let after = sized(&format!(
        r#"{{"version":1,{model},"compression":{{"pruning":"two_four"}}}}"#
    ))
    .unwrap();
    let key = before.detailed_key().unwrap();
    assert_eq!(key, "a100-pcie-40gb/A100-20C");
    assert_eq!(after.detailed_key(), Some("a30/2g.12gb"));
    let (label, same) = after.speed_on(key).unwrap();
    assert_eq!(
        label,
        "NVIDIA A100 PCIe 40GB · A100-20C · vGPU, time-sliced"
    );
    let (_, given) = before.detailed_speed().unwrap();
    // Memory-bound decode: time per token falls with the bytes read, not as far
    // (the step's fixed time stays).
    assert!(
        same.step_s < given.step_s,
        "{} vs {}",
        same.step_s,
        given.step_s
    );
    assert!(same.step_s > given.step_s * 7.81 / 13.48, "{}", same.step_s);
    // A layout's key: a 70B split over two H100s before; INT4 (about 39 GB of
    // weights) fits one, which is what the same GPU times.
    let model = r#""workload":{"transformer":{"model":"llama-3.1-70b","mode":"inference","weights":"bf16","sequences":1,"context":4096}}"#;
    let int4 = sized(&format!(
        r#"{{"version":1,{model},"compression":{{"pruning":"none","quantize":"int4"}}}}"#
    ))
    .unwrap();
    let (label, _) = int4.speed_on("h100-sxm5-80gb×2").unwrap();
    assert_eq!(label, "NVIDIA H100 SXM5 80GB · Full GPU (passthrough)");
    assert!(int4.speed_on("no-such-gpu").is_none());
}

#[test]
fn the_speed_card_and_the_sheet_pass_over_an_arm_host() {
    // Llama-2-7B: the smallest fit is a GH200 1g.18gb slice, on a Grace (Arm)
    // host, which ESXi does not run; the card and the vSphere sheet take the
    // next fit, the A100 40GB's A100-20C vGPU (20,480 MiB less the 1,360 MiB
    // the vGPU manager keeps: 18.67 GiB, below the A100 80GB's 1g.20gb), and
    // say why. The Fits table still
    // recommends the GH200 slice as the smallest.
    let r = sized(r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b"}}}"#).unwrap();
    let fits = r.fits.as_ref().unwrap();
    let smallest = fits
        .recommendations
        .iter()
        .find(|x| x.kind == RecommendationKind::Smallest)
        .unwrap();
    assert_eq!(fits.options[smallest.option].gpu_id, "gh200-144gb");
    assert_eq!(r.detailed_key(), Some("a100-pcie-40gb/A100-20C"));
    let (label, _) = r.detailed_speed().unwrap();
    assert_eq!(
        label,
        "NVIDIA A100 PCIe 40GB · A100-20C · vGPU, time-sliced; the smallest fit, NVIDIA GH200 144GB · 1g.18gb, is on an Arm host, which ESXi does not run"
    );
    let sheet = r.deploy.as_ref().unwrap();
    assert_eq!(sheet.gpu_id, "a100-pcie-40gb");
    assert!(sheet.deployable());
    // A layout likewise: Llama-3.1-405B in BF16 is first split over GH200s.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-405b","weights":"bf16"}}}"#,
    )
    .unwrap();
    assert_eq!(r.fits.as_ref().unwrap().multi_gpu[0].gpu_id, "gh200-144gb");
    assert_eq!(r.detailed_key(), Some("h200-sxm-141gb×8"));
    assert!(r.detailed_speed().unwrap().0.ends_with(
        "; the first layout, on NVIDIA GH200 144GB, is on an Arm host, which ESXi does not run"
    ));
    assert!(r.deploy.as_ref().unwrap().deployable());
    // Named, the GH200 slice is still detailed, and its sheet says ESXi fails.
    let r = sized(r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b"}},"speed":{"option":"gh200-144gb/1g.18gb"}}"#).unwrap();
    assert_eq!(r.detailed_key(), Some("gh200-144gb/1g.18gb"));
    assert!(!r.deploy.as_ref().unwrap().deployable());
}

#[test]
fn memory_given_echoes_gib_as_typed() {
    let gib = |x: f64| (x * 1_073_741_824.0) as u64;
    assert!(words::memory_given(gib(23.999), ByteUnits::Decimal).ends_with("(23.999 GiB)"));
    assert!(words::memory_given(gib(0.001), ByteUnits::Decimal).ends_with("(0.00100 GiB)"));
    assert!(words::memory_given(gib(80.0), ByteUnits::Decimal).ends_with("(80 GiB)"));
}

#[test]
fn a_cnn_batch_limit_is_not_the_model_s_positions() {
    let r = sized(r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":1,"mode":"inference","memory_gib":1048576}}}"#).unwrap();
    let rev = r.reverse.as_ref().unwrap();
    let text = words::reverse(
        &rev.max_sequences,
        rev.memory,
        "Largest batch",
        r.reverse_counts(),
        ByteUnits::Decimal,
    );
    assert!(text.contains("the largest value headroom takes"), "{text}");
    assert!(!text.contains("positions"), "{text}");
}

#[test]
fn fp64_training_is_not_called_an_inference_format() {
    let r = sized(r#"{"version":1,"workload":{"cnn":{"network":"vgg16","precision":"fp64"}}}"#)
        .unwrap();
    let said = r.memory.warnings.join(" ");
    assert!(said.contains("FP64 is not a training format"), "{said}");
    assert!(!said.contains("inference format"), "{said}");
}

#[test]
fn a_copy_over_two_gpus_needs_two_in_one_host() {
    // 30 GB on each of 2 GPUs: an A100 80GB holds one 40C vGPU of each copy;
    // hosts of one GPU each cannot hold a copy (a VM cannot span hosts).
    let at = |per_host: u32, hosts: u32| {
        let r = sized(&format!(
            r#"{{"version":1,"workload":{{"known":{{"per_gpu":30000000000,"gpus":2}}}},"deployment":{{"fleet":[{{"gpu":"a100-pcie-80gb","gpus_per_host":{per_host},"hosts":{hosts}}}]}}}}"#
        ))
        .unwrap();
        let a = r.fleet[0].clone();
        (a.copies, words::fleet(&a, ByteUnits::Decimal).verdict)
    };
    let (copies, said) = at(1, 4);
    assert_eq!(copies, 0);
    assert!(
        said.contains("have 1 GPU each: one copy needs 2 GPUs in one host"),
        "{said}"
    );
    assert!(said.ends_with("Hosts with more GPUs would."), "{said}");
    // Two GPUs per host: each host holds two copies (2 vGPUs per GPU × 2 GPUs ÷ 2).
    let (copies, _) = at(2, 2);
    assert_eq!(copies, 4);
}

#[test]
fn an_engine_refuses_weights_it_cannot_load() {
    let with = |engine: &str, weights: &str| {
        sized(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-3.1-8b","engine":"{engine}","weights":"{weights}"}}}}}}"#
        ))
        .err()
        .map(|e| e[0].path.clone())
    };
    // Transformers dequantizes a GGUF file on load; llama.cpp loads no GPTQ/AWQ.
    assert_eq!(
        with("transformers", "q4_k_m").as_deref(),
        Some("workload.transformer.weights")
    );
    assert_eq!(
        with("llama_cpp", "int4_g128").as_deref(),
        Some("workload.transformer.weights")
    );
    assert_eq!(
        with("tensorrt_llm", "q8_0").as_deref(),
        Some("workload.transformer.weights")
    );
    assert_eq!(with("llama_cpp", "q4_k_m"), None);
    assert_eq!(with("llama_cpp", "mxfp4"), None);
    assert_eq!(with("vllm", "int4_g128"), None);
    assert_eq!(with("transformers", "nf4"), None);
}

#[test]
fn vllm_profiles_max_num_seqs_whatever_is_asked() {
    // vLLM sizes memory on a profiling pass of max_num_seqs (default 256)
    // sequences: Llama-2-7B at 2,048 tokens runs 8,192 tokens through it, so
    // 8,192 × (2 × 4,096 + 2 × 11,008) × 2 B = 675,282,944 B, for 1 sequence
    // as for 4, and the KV cache it allocates in 80 GiB is one figure:
    // (0.9 × 85,899,345,920 − 13,476,831,232 − 675,282,944 − 268,435,456) ÷ 524,288
    // = 119,951 → 119,936 tokens in blocks of 16.
    let at = |n: u64| {
        sized(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-2-7b","engine":"vllm","sequences":{n},"context":2048,"memory_gib":80}}}}}}"#
        ))
        .unwrap()
    };
    for n in [1, 4] {
        let r = at(n);
        assert_eq!(r.memory.bytes("activations"), 675_282_944, "{n} sequences");
        assert_eq!(
            figure::figure(&r, "kv_tokens"),
            Some(figure::Value::Whole(119_936)),
            "{n} sequences"
        );
    }
}

#[test]
fn fp8_weights_and_kv_together_are_offered_when_each_alone_falls_short() {
    // Llama-3.1-70B in BF16, 8 sequences of 8,192 tokens, on an H100 NVL:
    // FP8 weights alone or an FP8 KV cache alone still needs more than one GPU;
    // both together fit its 7g.94gb slice.
    let r = sized(r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","sequences":8,"context":8192}},"deployment":{"fleet":[{"gpu":"h100-nvl","gpus_per_host":8,"hosts":1}]}}"#).unwrap();
    let fixes = &r.fleet[0].fixes;
    let fits = |change: &str| fixes.iter().find(|f| f.change == change).map(|f| f.fits);
    assert_eq!(fits("FP8 weights"), Some(false));
    assert_eq!(fits("an FP8 KV cache"), Some(false));
    assert_eq!(fits("FP8 weights and an FP8 KV cache"), Some(true));
}

#[test]
fn a_vision_transformer_is_timed_on_its_patches_not_the_context() {
    // ViT-B/16 at 224: 14 × 14 patches + the class token = 197 tokens, whatever
    // the context field holds. Its forward pass is 17.6 G multiply-adds (Dosovitskiy
    // et al. 2021; timm lists 17.58 GMACs): about 35.2 GFLOPs an image, not the
    // 1.32 TFLOPs of 4,096 tokens.
    for mode in ["inference", "training"] {
        let r = sized(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"vit-b-16","mode":"{mode}","context":4096}}}},"speed":{{"option":"a100-sxm4-80gb"}}}}"#
        ))
        .unwrap();
        let f = r
            .speed
            .as_ref()
            .unwrap()
            .work
            .iter()
            .find(|f| f.id == "forward_flops")
            .unwrap();
        assert_eq!(f.label, "Forward FLOPs per image", "{mode}");
        assert!(
            (f.value / 35.2e9 - 1.0).abs() < 0.03,
            "{mode}: {} ({})",
            f.value,
            f.formula
        );
        assert!(f.formula.starts_with("197 tokens"), "{}", f.formula);
    }
}

#[test]
fn a_mig_slice_counts_its_share_of_the_gpu_hours() {
    // Llama-3.1-8B LoRA on a B200 1g.23gb slice (1 of 7 compute slices): the
    // run's wall-clock hours × 1/7 are its GPU-hours, which the cost and the
    // energy both take; the whole B200 does the same work in about as many.
    let run = |option: &str| {
        let r = sized(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-3.1-8b","mode":"training","method":"lora","context":2048}}}},"speed":{{"option":"{option}","price_per_gpu_hour":5,"samples":100000}},"deployment":{{"all_profiles":true}}}}"#
        ))
        .unwrap();
        let d = r.speed.unwrap().detail.unwrap();
        let t = d.training.unwrap();
        let cost = d.figures.iter().find(|f| f.id == "cost").unwrap().value;
        let formula = d
            .figures
            .iter()
            .find(|f| f.id == "gpu_hours")
            .unwrap()
            .formula
            .clone();
        (t.total_s, t.gpu_hours, cost, formula)
    };
    let (slice_s, slice_h, slice_cost, formula) = run("b200-sxm-180gb/1g.23gb");
    assert!((slice_h - slice_s / 3600.0 / 7.0).abs() < 1e-9 * slice_h);
    assert!((slice_cost - slice_h * 5.0).abs() < 1e-9 * slice_cost);
    assert!(
        formula.ends_with("× 1 GPU × 0.143 of each (the slice's compute share)"),
        "{formula}"
    );
    let (_, whole_h, _, formula) = run("b200-sxm-180gb");
    assert!(!formula.contains("share"), "{formula}");
    assert!(
        (slice_h / whole_h - 1.0).abs() < 0.25,
        "{slice_h} vs {whole_h}"
    );
}

#[test]
fn each_format_is_timed_at_its_own_tensor_rate() {
    let share = |json: &str| {
        let r = sized(json).unwrap();
        let d = r.speed.unwrap().detail.unwrap();
        let f = d.figures.iter().find(|f| f.id == "share").unwrap();
        let ttft = d.figures.iter().find(|f| f.id == "ttft").map(|f| f.value);
        (f.formula.clone(), ttft)
    };
    // NVFP4 weights (W4A4) on a B200: its 9,000 TFLOP/s FP4 rate; prefill
    // faster than FP8's, which is faster than BF16's.
    let serve = |w: &str| {
        share(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-3.1-70b","weights":"{w}"}}}},"speed":{{"option":"b200-sxm-180gb"}}}}"#
        ))
    };
    let (fp4, fp4_ttft) = serve("nvfp4");
    assert!(fp4.contains("9 PFLOP/s FP4"), "{fp4}");
    let (_, fp8_ttft) = serve("fp8");
    let (_, bf16_ttft) = serve("bf16");
    assert!(fp4_ttft.unwrap() < fp8_ttft.unwrap() && fp8_ttft.unwrap() < bf16_ttft.unwrap());
    // On an H100, which has no FP4, NVFP4 weights are widened to BF16.
    let (h100, _) = share(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","weights":"nvfp4"}},"speed":{"option":"h100-sxm5-80gb"}}"#,
    );
    assert!(h100.contains("TFLOP/s BF16"), "{h100}");
    // FP32 training of a transformer: PyTorch's matrix multiplies run without
    // TF32 unless told, so an A100's 19.5 TFLOP/s FP32, not 156 TF32.
    let (fp32, _) = share(
        r#"{"version":1,"workload":{"transformer":{"model":"bert-large","mode":"training","recipe":"fp32"}},"speed":{"option":"a100-sxm4-80gb"}}"#,
    );
    assert!(fp32.contains("19.5 TFLOP/s FP32"), "{fp32}");
}

#[test]
fn an_unpublished_sparse_rate_is_not_called_missing_tensor_cores() {
    // The H20's datasheet gives no INT8 rate with sparsity: unknown, not absent.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b","weights":"bf16"}},"compression":{"pruning":"two_four","quantize":"int8","activations":true},"speed":{"option":"h20-141gb"}}"#,
    )
    .unwrap();
    let d = r.speed.unwrap().detail.unwrap();
    let share = d.figures.iter().find(|f| f.id == "share").unwrap();
    let text = format!("{} {}", share.formula, share.note);
    assert!(
        text.contains("publishes no rate with sparsity for this format"),
        "{text}"
    );
    assert!(!text.contains("no sparse tensor cores"), "{text}");
}

#[test]
fn tensor_parallelism_wider_than_a_host_all_reduces_over_the_network() {
    // Llama-3.1-405B in BF16, tensor parallel 16 on H100 SXM (8 to a host):
    // each of the 252 all-reduces of an 8,192-token prompt moves 7,936 tokens
    // × 16,384 × 2 B = 260 MB, × 2 × 15/16 in a ring = 488 MB, over 100 GbE
    // (12.5 GB/s): 39 ms each, about 9.8 s in all, not NVLink's fraction of it.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-405b","weights":"bf16","context":8192,"tensor_parallel":16}},"speed":{"option":"h100-sxm5-80gb"}}"#,
    )
    .unwrap();
    let d = r.speed.unwrap().detail.unwrap();
    let ttft = d.figures.iter().find(|f| f.id == "ttft").unwrap();
    assert!(ttft.value > 9.0, "{} s: {}", ttft.value, ttft.formula);
    assert!(
        ttft.note
            .contains("a tensor-parallel group of 16 spans 2 hosts of 8 GPUs"),
        "{}",
        ttft.note
    );
}

#[test]
fn a_time_sliced_vgpu_says_how_long_training_takes_with_every_vm_busy() {
    // ResNet-50 training on an H100XM-5C (16 per GPU): alone it has the whole
    // GPU; with all 16 VMs training, 1/16 of its time, so about 16 × as long.
    let r = sized(
        r#"{"version":1,"workload":{"cnn":{"network":"resnet50","mode":"training","precision":"bf16","batch":64}},"deployment":{"all_profiles":true},"speed":{"option":"h100-sxm5-80gb/H100XM-5C"}}"#,
    )
    .unwrap();
    let d = r.speed.as_ref().unwrap().detail.as_ref().unwrap();
    let time = |id: &str| d.figures.iter().find(|f| f.id == id).unwrap().value;
    let ratio = time("training_time_busy") / time("training_time");
    assert!((ratio - 16.0).abs() < 1.0, "{ratio}");
    // The Fits row says so too.
    let fits = r.fits.as_ref().unwrap();
    let o = fits
        .options
        .iter()
        .find(|o| o.profile.as_deref() == Some("H100XM-5C"))
        .unwrap();
    let [time, rate] = words::speed_cells(o.speed.as_ref().unwrap());
    assert!(time.contains("all busy"), "{time}");
    assert!(rate.ends_with("samples/s"), "{rate}");
}

#[test]
fn a_known_demand_deploys_on_the_users_own_gpu() {
    // 35 GB on a fleet of H100 SXM hosts: the sheet is for the user's H100
    // (its 3g.40gb), as the report's fleet answer says, not another GPU.
    let r = sized(
        r#"{"version":1,"workload":{"known":{"per_gpu":35000000000}},"deployment":{"fleet":[{"gpu":"h100-sxm5-80gb","gpus_per_host":8,"hosts":2}]}}"#,
    )
    .unwrap();
    let one = r.fleet[0].one.as_ref().unwrap();
    let sheet = r.deploy.as_ref().unwrap();
    assert_eq!(sheet.gpu_id, "h100-sxm5-80gb");
    assert_eq!(sheet.gpu_id, one.gpu_id);
}

#[test]
fn numbers_past_readable_digits_are_written_in_powers_of_ten() {
    assert_eq!(words::sig(1.0e294), "1.00e294");
    assert_eq!(words::sig(3.2e-300), "3.20e-300");
    assert_eq!(words::sig(-1234.0), "-1,234");
    // A margin of 1e-320 % or -0 % is said as typed, not in 320 digits or as "-0".
    let margin = |m: &str| {
        let r = sized(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-2-7b"}}}},"deployment":{{"margin_percent":{m}}}}}"#
        ))
        .unwrap();
        words::needed(r.fits.as_ref().unwrap(), ByteUnits::Decimal)
    };
    assert!(
        margin("1e-320").contains("the 1e-320 % margin"),
        "{}",
        margin("1e-320")
    );
    assert!(
        margin("-0.0").contains("the 0 % margin"),
        "{}",
        margin("-0.0")
    );
}

#[test]
fn an_error_does_not_repeat_a_pasted_megabyte() {
    let long = "x".repeat(5_000);
    let e = FieldError::new(
        "workload.transformer.model",
        format!("'{long}' is not a model"),
    );
    assert!(e.message.chars().count() <= crate::scenario::MAX_MESSAGE_CHARS + 1);
    assert!(e.message.ends_with('…'));
}

#[test]
fn a_gpu_count_named_that_the_heads_cannot_split_is_not_timed() {
    // Llama-2-7B FP16 at 64 × 4,096 tokens needs a split; its 32 heads cannot
    // be split over 3 A100s (vLLM refuses tensor parallel 3), and one copy is
    // timed on at most 8 GPUs.
    let detail = |option: &str| {
        let r = sized(&format!(
            r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-2-7b","weights":"fp16","sequences":64,"context":4096}}}},"speed":{{"option":"{option}"}}}}"#
        ))
        .unwrap();
        let d = r.speed.unwrap().detail.unwrap();
        (d.gpus, d.label)
    };
    let (gpus, label) = detail("a100-sxm4-80gb×3");
    assert_ne!(gpus, 3, "{label}");
    assert!(
        label.ends_with(", as 3 GPUs cannot split the model's 32 attention heads evenly (a100-sxm4-80gb×3 named in the scenario)"),
        "{label}"
    );
    let (_, label) = detail("a100-sxm4-80gb×9");
    assert!(
        label.ends_with(
            ", as one copy is timed on at most 8 GPUs (a100-sxm4-80gb×9 named in the scenario)"
        ),
        "{label}"
    );
    // A count the heads accept is timed as named.
    let (gpus, _) = detail("a100-sxm4-80gb×4");
    assert_eq!(gpus, 4);
}

#[test]
fn a_gpu_of_a_shared_board_draws_its_share_of_the_boards_power() {
    // An A16 board holds four GPUs under its 250 W: one GPU's training draws
    // 62.5 W, so its energy is GPU-hours × 62.5 W.
    let r = sized(
        r#"{"version":1,"workload":{"cnn":{"network":"resnet50","mode":"training","batch":32}},"speed":{"option":"a16"}}"#,
    )
    .unwrap();
    let d = r.speed.unwrap().detail.unwrap();
    let t = d.training.unwrap();
    let energy = d.figures.iter().find(|f| f.id == "energy").unwrap().value;
    assert!((energy - t.gpu_hours * 62.5 / 1000.0).abs() < 1e-9 * energy.max(1e-12));
}

#[test]
fn a_compressed_model_can_be_timed_on_the_option_the_model_is() {
    // 90 % INT8 CSR shrinks Llama-2-7B so far that its short list has smaller
    // slices; the option the model as given is detailed on stays listed, so
    // the compression page can time both on it.
    let model = r#""workload":{"transformer":{"model":"llama-2-7b","mode":"inference","weights":"fp16","sequences":1,"context":4096}}"#;
    let before = sized(&format!(r#"{{"version":1,{model}}}"#)).unwrap();
    let after = sized(&format!(
        r#"{{"version":1,{model},"compression":{{"pruning":"unstructured","sparsity_percent":90,"storage":"csr","index_bits":16,"quantize":"int8"}}}}"#
    ))
    .unwrap();
    let key = before.detailed_key().unwrap();
    assert_ne!(after.detailed_key(), Some(key));
    assert!(after.speed_on(key).is_some(), "{key}");
}
