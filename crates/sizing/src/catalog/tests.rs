use super::*;
use crate::units::ByteUnits;

const GIB: u64 = 1 << 30;

fn bundled() -> &'static Catalog {
    Catalog::bundled()
}

fn option<'a>(fits: &'a Fits, gpu: &str, profile: Option<&str>) -> &'a FitOption {
    fits.options
        .iter()
        .find(|o| o.gpu_id == gpu && o.profile.as_deref() == profile)
        .unwrap_or_else(|| panic!("no option {gpu} {profile:?}"))
}

fn settings() -> FitSettings {
    FitSettings::default()
}

#[test]
fn the_bundled_catalog_is_valid_and_complete() {
    let c = bundled();
    assert_eq!(c.problems(), Vec::<CatalogError>::new());
    assert!(c.gpus.len() >= 33, "{} GPUs", c.gpus.len());
    assert_eq!(c.schema_version, SCHEMA_VERSION);
    for gpu in &c.gpus {
        assert!(!gpu.sources.is_empty(), "{} cites no source", gpu.id);
    }
}

#[test]
fn the_catalog_round_trips_through_json() {
    let c = bundled();
    let again = Catalog::from_json(&c.to_json()).unwrap();
    assert_eq!(&again, c);
}

#[test]
fn time_sliced_capacity_rules_of_the_article() {
    // "Fractional and Full GPUs" (frankdenneman.nl, 2023-05-10): A100 40GB with 4 GB
    // profiles holds ten vGPUs, A100 80GB twenty; a 40 GB GPU holds five 8 GB VMs.
    let c = bundled();
    let ts = |gpu: &str, name: &str| {
        c.gpu(gpu)
            .unwrap()
            .vgpu
            .time_sliced
            .iter()
            .find(|t| t.name == name)
            .unwrap()
            .clone()
    };
    assert_eq!(ts("a100-pcie-40gb", "A100-4C").max_per_gpu, 10);
    assert_eq!(ts("a100-pcie-80gb", "A100D-4C").max_per_gpu, 20);
    let eight = ts("a100-pcie-40gb", "A100-8C");
    assert_eq!(eight.max_per_gpu, 5);
    // The sixth 8 GB vGPU does not fit: 6 × 8,192 MiB > 40,960 MiB.
    assert!(6 * eight.framebuffer_mib.unwrap() > 40 * 1024);
    let fits = fit(c, &Demand::new(GIB, 0), &settings());
    assert_eq!(
        option(&fits, "a100-pcie-40gb", Some("A100-4C")).time_slice_ms,
        Some(1)
    );
    assert_eq!(
        option(&fits, "a100-pcie-40gb", Some("A100-8C")).time_slice_ms,
        Some(2)
    );
    assert_eq!(
        option(&fits, "a100-pcie-40gb", Some("A100-8C")).per_host,
        40
    );
}

#[test]
fn mig_profiles_of_the_a100_80gb() {
    let gpu = bundled().gpu("a100-sxm4-80gb").unwrap();
    let counts: Vec<(&str, u32)> = gpu
        .mig
        .as_ref()
        .unwrap()
        .profiles
        .iter()
        .filter(|p| !p.media_extensions)
        .map(|p| (p.name.as_str(), p.max_instances))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("1g.10gb", 7),
            ("1g.20gb", 4),
            ("2g.20gb", 3),
            ("3g.40gb", 2),
            ("4g.40gb", 1),
            ("7g.80gb", 1)
        ]
    );
}

#[test]
fn a_workload_of_19_8_gib_does_not_fit_an_h100_2g_20gb() {
    let demand = Demand::new((19.8 * GIB as f64) as u64, 0);
    let fits = fit(bundled(), &demand, &settings());
    let o = option(&fits, "h100-sxm5-80gb", Some("2g.20gb"));
    assert_eq!(o.status, FitStatus::TooSmall);
    assert_eq!(o.basis, CapacityBasis::Reported);
    assert_eq!(o.capacity, (19.62 * GIB as f64) as u64);
    assert_eq!(
        crate::report::words::reason(o, &fits, ByteUnits::Binary),
        "needs 19.80 GiB, more than the 19.62 GiB usable in 2g.20gb"
    );
    assert!(o.capacity_note.starts_with("19.62 GiB usable (nvidia-smi)"));
}

#[test]
fn a_workload_of_30_gb_fits_these_with_per_host_counts() {
    let demand = Demand::new(30_000_000_000, 0);
    let fits = fit(bundled(), &demand, &FitSettings::default());
    for (gpu, profile, per_host) in [
        ("a100-pcie-40gb", Some("A100-40C"), 8),
        ("h100-sxm5-80gb", Some("3g.40gb"), 16),
        ("h100-pcie-80gb", Some("H100-3-40C"), 16),
        ("l40s", Some("L40S-48C"), 8),
        ("h100-sxm5-80gb", None, 8),
    ] {
        let o = option(&fits, gpu, profile);
        assert_eq!(o.status, FitStatus::Fits, "{gpu} {profile:?}: {o:?}");
        assert_eq!(o.per_host, per_host, "{gpu} {profile:?}");
    }
    // 20 GB profiles are too small.
    assert_eq!(
        option(&fits, "a100-pcie-40gb", Some("A100-20C")).status,
        FitStatus::TooSmall
    );
    // L40S memory is GDDR6 with ECC on: 48 GiB × 15/16 = 45 GiB.
    assert_eq!(option(&fits, "l40s", None).capacity, 45 * GIB);
}

#[test]
fn recommendations_point_at_fitting_options() {
    let demand = Demand::new(8_000_000_000, 0);
    let fits = fit(bundled(), &demand, &FitSettings::default());
    assert_eq!(fits.recommendations.len(), 3);
    let smallest = &fits.options[fits.recommendations[0].option];
    let min = fits.fitting().map(|o| o.capacity).min().unwrap();
    assert_eq!(smallest.capacity, min);
    let densest = &fits.options[fits.recommendations[1].option];
    let max = fits.fitting().map(|o| o.per_host).max().unwrap();
    assert_eq!(densest.per_host, max);
    for r in &fits.recommendations {
        assert_eq!(fits.options[r.option].status, FitStatus::Fits);
        assert!(!crate::report::words::why(r, &fits, ByteUnits::Decimal).is_empty());
    }
}

#[test]
fn filters_narrow_the_options() {
    let demand = Demand::new(8_000_000_000, 0);
    let s = FitSettings {
        modes: vec![DeploymentMode::Mig],
        architectures: vec!["Hopper".into()],
        ..FitSettings::default()
    };
    let fits = fit(bundled(), &demand, &s);
    assert!(!fits.options.is_empty());
    assert!(
        fits.options
            .iter()
            .all(|o| o.mode == DeploymentMode::Mig && o.architecture == "Hopper")
    );
}

#[test]
fn mixed_size_mode_lowers_some_counts() {
    let demand = Demand::new(GIB, 0);
    let s = FitSettings {
        vgpu_mode: VgpuMode::MixedSize,
        ..FitSettings::default()
    };
    let fits = fit(bundled(), &demand, &s);
    // L40S-8C: 6 per GPU in equal-size mode, 4 in mixed-size mode.
    assert_eq!(option(&fits, "l40s", Some("L40S-8C")).per_gpu, 4);
    assert_eq!(
        option(&fits, "a100-pcie-80gb", Some("A100D-4C")).per_gpu,
        16
    );
}

#[test]
fn too_large_for_one_gpu_gives_a_gpu_count() {
    let demand = Demand::new(100 * GIB, 0);
    let s = FitSettings {
        margin_percent: 0.0,
        ..FitSettings::default()
    };
    let fits = fit(bundled(), &demand, &s);
    let a100 = fits
        .multi_gpu
        .iter()
        .find(|m| m.gpu_id == "a100-sxm4-40gb")
        .unwrap();
    // 100 GiB over 3 GPUs is 33.3 GiB each, within 40 GiB; over 2 it is 50. On
    // an NVSwitch baseboard a VM gets 1, 2, 4 or 8 GPUs: 4.
    assert_eq!((a100.fewest, a100.gpus), (3, 4));
    assert_eq!(a100.layout.tensor, 4);
    assert_eq!(a100.per_gpu, 25 * GIB);
    assert!(a100.interconnect.starts_with("NVLink"));
    // A PCIe A100 without heads to divide: 3.
    let pcie = fits
        .multi_gpu
        .iter()
        .find(|m| m.gpu_id == "a100-pcie-40gb")
        .unwrap();
    assert_eq!((pcie.fewest, pcie.gpus), (3, 3));
    let l4 = fits.multi_gpu.iter().find(|m| m.gpu_id == "l4").unwrap();
    assert!(l4.interconnect.starts_with("PCIe"));
    // A GPU that holds it alone is not listed.
    assert!(fits.multi_gpu.iter().all(|m| m.gpu_id != "h200-sxm-141gb"));
}

#[test]
fn the_margin_separates_fits_from_tight() {
    // 39 GiB into 40 GiB: fits with no margin, tight with 10 %.
    let demand = Demand::new(39 * GIB, 0);
    let fits = fit(bundled(), &demand, &FitSettings::default());
    let o = option(&fits, "a100-pcie-40gb", None);
    assert_eq!(o.status, FitStatus::Tight);
    assert_eq!(o.headroom, GIB as i64);
}

fn import_error(mutate: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_JSON).unwrap();
    mutate(&mut v);
    Catalog::from_json(&v.to_string()).unwrap_err().to_string()
}

#[test]
fn malformed_catalogs_are_rejected_with_the_entry_and_field() {
    assert_eq!(
        import_error(|v| {
            v["gpus"][11]["memory"]
                .as_object_mut()
                .unwrap()
                .remove("size_gb");
        }),
        "gpus[11] (a100-pcie-40gb).memory: missing field `size_gb`"
    );
    assert_eq!(
        import_error(|v| v["gpus"][11]["memory"]["size_gb"] = serde_json::json!(-40)),
        "gpus[11] (a100-pcie-40gb).memory.size_gb: must be a positive number, not -40"
    );
    assert_eq!(
        import_error(
            |v| v["gpus"][11]["mig"]["profiles"][6]["memory_slices"] = serde_json::json!(9)
        ),
        "gpus[11] (a100-pcie-40gb).mig.profiles[6] (7g.40gb).memory_slices: 9 is outside 1 to the GPU's 8 memory slices"
    );
    assert_eq!(
        import_error(|v| v["gpus"][11]["nvlink"]["bridge_gpus"] = serde_json::json!(1)),
        "gpus[11] (a100-pcie-40gb).nvlink.bridge_gpus: must be 2 to 8 (the cards one bridge joins), not 1"
    );
    assert_eq!(
        import_error(|v| v["gpus"][4]["id"] = serde_json::json!("t4")),
        "gpus[5] (t4).id: duplicate id 't4'"
    );
    assert_eq!(
        import_error(|v| v["gpus"][1]["colour"] = serde_json::json!("green")),
        "gpus[1] (v100-pcie-16gb).colour: unknown field `colour`, expected one of `id`, `name`, `architecture`, `form_factor`, `pcie_gen`, `tdp_w`, `memory`, `gpus_per_board`, `nvlink`, `perf`, `mig`, `vgpu`, `notes`, `sources`"
    );
    assert_eq!(
        import_error(|v| v["gpus"][1]
            .as_object_mut()
            .unwrap()
            .remove("tdp_w")
            .map(|_| ())
            .unwrap()),
        "gpus[1] (v100-pcie-16gb): missing field `tdp_w`"
    );
    assert_eq!(
        import_error(|v| v["schema_version"] = serde_json::json!(7)),
        "schema version 7 is not supported; this version of headroom reads version 1"
    );
    assert!(
        Catalog::from_json("{\"gpus\": [")
            .unwrap_err()
            .to_string()
            .starts_with("not valid JSON")
    );
}

#[test]
fn figures_no_gpu_has_are_refused() {
    // Positive, but a token would take 10²⁹⁴ years.
    let e = import_error(|v| {
        v["gpus"][0]["memory"]["bandwidth_gbps"] = serde_json::json!(1e-300);
    });
    assert!(
        e.ends_with(
            ".memory.bandwidth_gbps: 1e-300 GB/s is outside what a GPU has: 1 to 1,000,000 GB/s"
        ),
        "{e}"
    );
    let e = import_error(|v| {
        v["gpus"][0]["perf"]["dense"]["fp16"] = serde_json::json!(1e12);
    });
    assert!(e.contains(".perf.dense.fp16: "), "{e}");
}

#[test]
fn a_name_with_a_line_break_is_refused() {
    // It would end a comment of the PowerCLI script and run as a command.
    let e = import_error(|v| {
        v["gpus"][0]["name"] = serde_json::json!("NVIDIA A40\nWrite-Host 'x'");
    });
    assert!(
        e.ends_with(".name: must not hold line breaks, tabs or other control characters"),
        "{e}"
    );
}

#[test]
fn a_framebuffer_the_vgpu_manager_keeps_whole_is_refused() {
    // 160 MiB, one per GPU: 160 ÷ 16 + 16 + 128 = 154 MiB kept, and 160 × 15/16
    // = 150 MiB after ECC's share: nothing is left for the guest.
    let e = import_error(|v| {
        let gpu = v["gpus"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|g| g["id"] == "a100-pcie-40gb")
            .unwrap();
        gpu["vgpu"]["time_sliced"][0]["framebuffer_mib"] = serde_json::json!(160);
        gpu["vgpu"]["time_sliced"][0]["max_per_gpu"] = serde_json::json!(1);
    });
    assert!(
        e.contains("vgpu.time_sliced[0] (A100-40C).framebuffer_mib: 160 MiB leaves nothing once the vGPU manager keeps 154 MiB of it"),
        "{e}"
    );
}

#[test]
fn a_custom_reserve_lowers_capacity() {
    let mut c = bundled().clone();
    let gpu = c
        .gpus
        .iter_mut()
        .find(|g| g.id == "a100-pcie-40gb")
        .unwrap();
    gpu.vgpu.time_sliced[0].reserve_mib = 1024;
    let c = Catalog::from_json(&c.to_json()).unwrap();
    let fits = fit(&c, &Demand::new(GIB, 0), &settings());
    // 40,960 MiB less the reserve and what the vGPU manager keeps:
    // 40,960 ÷ 16 + 16 + 128 ÷ 1 = 2,704 MiB.
    assert_eq!(
        option(&fits, "a100-pcie-40gb", Some("A100-40C")).capacity,
        (40_960 - 1_024 - 2_704) * 1_048_576
    );
}

#[test]
fn layouts_divide_the_heads_and_stay_in_a_host_when_they_can() {
    let h = |query, kv| Some(Heads { query, kv });
    let l = Layout::model;
    // 3 GPUs cannot split 64 heads: 4, in one host of 4.
    assert_eq!(layout(3, 4, h(64, 8), false), l(4, 1, 1));
    // 5 GPUs on hosts of 4: tensor 4 within a host, 2 stages over 2 hosts.
    assert_eq!(layout(5, 4, h(64, 8), false), l(4, 2, 2));
    // 40 heads and 8 KV heads on hosts of 8: 5 divides 40 but neither divides
    // nor is a multiple of 8, so 8.
    assert_eq!(layout(5, 8, h(40, 8), false), l(8, 1, 1));
    // 40 heads, 40 KV heads: 5 divides both.
    assert_eq!(layout(5, 8, h(40, 40), false), l(5, 1, 1));
    // ... but an NVSwitch partition has 1, 2, 4 or 8 GPUs.
    assert_eq!(layout(5, 8, h(40, 40), true), l(8, 1, 1));
    // 28 heads, 4 KV heads (Qwen2.5-7B) on hosts of 8: no degree from 5 to 8 is
    // accepted (7 divides 28 but not 4), so tensor 4 and 2 stages, in one host.
    assert_eq!(layout(5, 8, h(28, 4), false), l(4, 2, 1));
    // 71 heads, 1 KV head (Falcon-7B): only pipeline stages.
    assert_eq!(layout(2, 8, h(71, 1), false), l(1, 2, 1));
    // No heads to divide (a CNN): any count.
    assert_eq!(layout(3, 4, None, false), l(3, 1, 1));
    for n in 1..=64 {
        for per_host in [1, 2, 4, 8] {
            let got = layout(n, per_host, h(64, 8), true);
            assert!(got.gpus() >= n && got.tensor <= per_host && 64 % got.tensor == 0);
        }
    }
}

#[test]
fn a_split_copies_kv_heads_and_budgets_the_engine_per_gpu() {
    // 40 GB of which 1 GB runtime, 8 GB KV cache with 4 KV heads, and vLLM at
    // utilization 0.9: total = 39 GB ÷ 0.9 → reserve 4.333… GB.
    let used = 39_000_000_000u64;
    let total = (used as f64 / 0.9).ceil() as u64;
    let d = Demand {
        total,
        replicated: 1_000_000_000,
        reserve: total - used,
        kv: 8_000_000_000,
        heads: Some(Heads { query: 32, kv: 4 }),
        min_gpu: 0,
        vllm: None,
        copy_gpus: 1,
        batch: 0,
    };
    // One GPU: everything.
    assert_eq!(d.per_gpu(1), total);
    // vLLM's CUDA context and graphs must fit in the tenth each GPU leaves free,
    // however small its share: 1.5 GB beside the fraction asks 15 GB of each.
    let floored = Demand {
        min_gpu: 15_000_000_000,
        ..d
    };
    assert_eq!(floored.per_gpu(8), 15_000_000_000);
    assert_eq!(floored.per_gpu(1), total);
    // Two GPUs: 1 + 30/2 + 8/2 = 20 GB used, ÷ 0.9 on each GPU (not 1 GB + the
    // whole model's 4.33 GB reserve on each).
    let two = d.per_gpu(2);
    assert!((two as f64 - 20e9 / 0.9).abs() < 2.0, "{two}");
    // Eight GPUs: the KV cache splits only 4 ways (each GPU copies a KV head).
    let eight = d.per_gpu(8);
    let expect = (1e9 + 30e9 / 8.0 + 8e9 / 4.0) / 0.9;
    assert!((eight as f64 - expect).abs() < 2.0, "{eight} vs {expect}");
    // Pipeline stages split the KV cache by layers.
    let tp4pp2 = d.per_gpu_in(Layout::model(4, 2, 1), u32::MAX);
    let expect = (1e9 + 30e9 / 8.0 + 8e9 / 8.0) / 0.9;
    assert!((tp4pp2 as f64 - expect).abs() < 2.0);
}

#[test]
fn a_vllm_split_takes_the_memory_of_its_size_and_interconnect() {
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    // Under vLLM at 0.9: 400 GiB of model and cache, and 0.25 GiB of non-torch
    // memory, vLLM's figure on one GPU; 80 decoder layers.
    let used = 400 * GIB + GIB / 4;
    let total = (used as f64 / 0.9).ceil() as u64;
    let d = Demand {
        total,
        replicated: GIB / 4,
        reserve: total - used,
        kv: 0,
        heads: None,
        min_gpu: 22_690 * MIB,
        vllm: Some(VllmSplit {
            tensor: 1,
            layers: 80,
            default_overhead: true,
            free_ppb: 100_000_000,
        }),
        copy_gpus: 1,
        batch: 0,
    };
    let layout = |tensor, pipeline| Layout::model(tensor, pipeline, 1);
    let near = |got: u64, want: f64| {
        assert!((got as f64 - want).abs() <= 2.0, "{got} vs {want}");
    };
    // (GPUs, NVLink group, non-torch GiB per GPU): four on NVSwitch hold NCCL and
    // custom all-reduce buffers, 2.2 GiB each; over PCIe 300 MiB; bridged pairs
    // talk over NVLink at two GPUs (2.1 GiB), not at four. Each also holds its
    // share of the 400 GiB, all ÷ 0.9.
    let pcie = (300 * MIB) as f64 / GIB as f64;
    for (gpus, group, non_torch) in [(4, 8, 2.2), (4, 1, pcie), (2, 2, 2.1), (4, 2, pcie)] {
        near(
            d.per_gpu_in(layout(gpus, 1), group),
            (non_torch + 400.0 / f64::from(gpus)) * GIB as f64 / 0.9,
        );
    }
    // A set overhead stays as set.
    let set = Demand {
        vllm: Some(VllmSplit {
            default_overhead: false,
            ..d.vllm.unwrap()
        }),
        ..d
    };
    near(
        set.per_gpu_in(layout(4, 1), 8),
        (0.25 * GIB as f64 + 100.0 * GIB as f64) / 0.9,
    );
    // The least memory of a GPU: the CUDA context (1,567 MiB with an NVLink
    // process group, 522 MiB without) and the graphs (307 MiB + 18 MiB per layer
    // on the GPU) in the tenth 0.9 leaves free.
    let small = Demand {
        total: GIB,
        replicated: GIB / 4,
        reserve: GIB / 10,
        ..d
    };
    let floor = |mib: u64| ((mib * MIB) as f64 / 0.1).ceil() as u64;
    assert_eq!(
        small.per_gpu_in(layout(8, 1), 8),
        floor(1_567 + 307 + 80 * 18)
    );
    assert_eq!(
        small.per_gpu_in(layout(8, 1), 1),
        floor(522 + 307 + 80 * 18)
    );
    // Pipeline stages hold fewer layers each, so fewer graphs.
    assert_eq!(
        small.per_gpu_in(layout(4, 2), 1),
        floor(522 + 307 + 40 * 18)
    );
    // Nothing left free: no floor (the engine's warning says so), the
    // non-torch memory and a share.
    let full = Demand {
        vllm: Some(VllmSplit {
            free_ppb: 0,
            ..d.vllm.unwrap()
        }),
        ..small
    };
    near(
        full.per_gpu_in(layout(8, 1), 8),
        (2.2 * GIB as f64 + 0.65 * GIB as f64 / 8.0) / 0.9,
    );
}

#[test]
fn mig_estimates_stay_below_every_capture_of_their_share() {
    let c = bundled();
    let mut captured = 0;
    for g in &c.gpus {
        let Some(m) = &g.mig else { continue };
        for p in &m.profiles {
            let eighths = p.memory_slices * 8 / m.memory_slices;
            let factor = fit::mig_unreported_factor(eighths);
            assert!(factor < 1.0);
            if let (Some(u), Some(b)) = (p.usable_gib, &p.usable_basis)
                && !b.starts_with('≈')
            {
                captured += 1;
                assert!(
                    factor <= u / p.memory_gb,
                    "{} {}: {u} of {} GiB is below the {eighths}/8 factor {factor}",
                    g.id,
                    p.name,
                    p.memory_gb
                );
            }
        }
    }
    assert!(captured >= 60, "{captured} captured profiles");
    // B200 7g.180gb has no capture: 180 × 0.968, below the nominal size.
    let fits = fit(c, &Demand::new(GIB, 0), &FitSettings::default());
    let b200 = option(&fits, "b200-sxm-180gb", Some("7g.180gb"));
    assert_eq!(b200.basis, CapacityBasis::Estimated);
    assert_eq!(b200.capacity, (180.0 * 0.968 * GIB as f64).floor() as u64);
    assert!(b200.capacity_note.starts_with("≈ 174.24 GiB"));
    // H200 NVL carries H200 SXM's capture, marked as an estimate.
    let nvl = option(&fits, "h200-nvl-141gb", Some("1g.18gb"));
    assert_eq!(
        (nvl.basis, nvl.capacity),
        (CapacityBasis::Estimated, 16 * GIB)
    );
    // A100 80GB 1g.20gb takes 2g.20gb's capture (same two memory slices).
    let a100 = option(&fits, "a100-sxm4-80gb", Some("1g.20gb"));
    assert_eq!(a100.capacity, (19.5 * GIB as f64) as u64);
}

#[test]
fn a_demand_between_the_captured_and_the_nominal_size_does_not_fit() {
    // H100 SXM 1g.10gb: nvidia-smi reports 9.75 GiB of the 10 in its name.
    let s = FitSettings {
        margin_percent: 0.0,
        ..FitSettings::default()
    };
    let demand = Demand::new((9.9 * GIB as f64) as u64, 0);
    let fits = fit(bundled(), &demand, &s);
    let slice = option(&fits, "h100-sxm5-80gb", Some("1g.10gb"));
    assert_eq!(slice.capacity, (9.75 * GIB as f64) as u64);
    assert_eq!(slice.basis, CapacityBasis::Reported);
    assert_eq!(slice.status, FitStatus::TooSmall);
    assert_eq!(
        option(&fits, "h100-sxm5-80gb", Some("1g.20gb")).status,
        FitStatus::Fits
    );
    // Nor does the MIG-backed vGPU on that slice, whose table says 10,240 MiB: it
    // cannot hold more than the instance under it.
    let vgpu = option(&fits, "h100-sxm5-80gb", Some("H100XM-1-10C"));
    assert_eq!(vgpu.capacity, (9.75 * GIB as f64) as u64);
    assert_eq!(vgpu.status, FitStatus::TooSmall);
    assert!(
        vgpu.capacity_note
            .contains("capped at the 1g.10gb instance behind it"),
        "{}",
        vgpu.capacity_note
    );
    // A100 40GB 7g.40gb: 39.25 GiB (MIG User Guide), not 40.
    let demand = Demand::new((39.5 * GIB as f64) as u64, 0);
    let fits = fit(bundled(), &demand, &s);
    assert_eq!(
        option(&fits, "a100-sxm4-40gb", Some("7g.40gb")).status,
        FitStatus::TooSmall
    );
    assert_eq!(
        option(&fits, "a100-sxm4-40gb", None).status,
        FitStatus::Fits
    );
}

#[test]
fn no_mig_backed_vgpu_holds_more_than_its_instance() {
    let c = bundled();
    for ecc in [true, false] {
        let s = FitSettings { ecc, ..settings() };
        let fits = fit(c, &Demand::new(GIB, 0), &s);
        for gpu in &c.gpus {
            for t in &gpu.vgpu.mig_backed {
                let instance = option(&fits, &gpu.id, Some(&t.gpu_instance)).capacity;
                let vgpu = option(&fits, &gpu.id, Some(&t.name)).capacity;
                assert!(
                    vgpu <= instance / u64::from(t.vgpus_per_instance),
                    "ECC {ecc}: {} {} holds {vgpu} B, its instance {} {instance} B",
                    gpu.id,
                    t.name,
                    t.gpu_instance
                );
            }
        }
    }
}

#[test]
fn no_slice_or_profile_holds_more_than_its_whole_gpu() {
    let c = bundled();
    for ecc in [true, false] {
        let s = FitSettings { ecc, ..settings() };
        let fits = fit(c, &Demand::new(GIB, 0), &s);
        for o in &fits.options {
            let whole = option(&fits, &o.gpu_id, None).capacity;
            assert!(
                o.capacity <= whole,
                "ECC {ecc}: {} {:?} holds {} B, the whole GPU {whole} B",
                o.gpu_id,
                o.profile,
                o.capacity
            );
        }
    }
    // RTX PRO 6000 4g.96gb: 95.12 GiB in nvidia-smi (ECC off); with ECC on, 15/16 of
    // it, below the whole GPU's 96 GiB × 15/16 = 90 GiB.
    let fits = fit(c, &Demand::new(GIB, 0), &settings());
    let o = option(&fits, "rtx-pro-6000-blackwell-server", Some("4g.96gb"));
    assert_eq!(o.capacity, (95.12 * GIB as f64).floor() as u64 / 16 * 15);
    assert!(
        o.capacity_note.contains("less 1/16 for ECC"),
        "{}",
        o.capacity_note
    );
}

#[test]
fn a_batch_splits_over_data_parallel_replicas() {
    // 100 GB, 20 GB of it kept on every GPU (weights, training state, overhead),
    // 80 GB for a batch of 64 images: each GPU takes ⌈64 ÷ n⌉ of them.
    const GB: u64 = 1_000_000_000;
    let d = Demand {
        batch: 64,
        ..Demand::new(100 * GB, 20 * GB)
    };
    assert_eq!(d.per_gpu(1), 100 * GB);
    // 20 + 80 × 32/64 = 60 GB; 20 + 80 × 22/64 = 47.5 GB; 20 + 80 × 16/64 = 40 GB.
    assert_eq!(d.per_gpu(2), 60 * GB);
    assert_eq!(d.per_gpu(3), 47_500_000_000);
    assert_eq!(d.per_gpu(4), 40 * GB);
    // A batch of 64 goes at most 64 ways: one image and 20 GB on each GPU.
    assert_eq!(d.per_gpu(64), 21_250_000_000);
    assert_eq!(d.per_gpu(100), d.per_gpu(64));
    // 50 GB GPUs: 3 replicas, no heads to round to.
    let (fewest, l) = fewest_gpus(&d, 50 * GB, 0.0, 8, false, 2).unwrap();
    assert_eq!((fewest, l), (3, Layout::data(3, 8)));
    assert_eq!((l.tensor, l.pipeline, l.data, l.hosts), (1, 1, 3, 1));
    assert!(rounding(&d, fewest, l, 8, false).is_none());
    // On an NVSwitch board a VM gets a partition of 1, 2, 4 or 8 GPUs: 4.
    let (fewest, l) = fewest_gpus(&d, 50 * GB, 0.0, 8, true, 8).unwrap();
    assert_eq!((fewest, l), (3, Layout::data(4, 8)));
    assert_eq!(rounding(&d, fewest, l, 8, true), Some(Rounding::NvSwitch));
    // 11 = 8 + 3 over two hosts of 8: the second host's share is a partition of 4.
    let wide = Demand {
        batch: 64,
        ..Demand::new(100 * GB, 10 * GB)
    };
    let (fewest, l) = fewest_gpus(&wide, 18_500_000_000, 0.0, 8, true, 8).unwrap();
    assert_eq!((fewest, l.data, l.hosts), (11, 12, 2));
    // 21 GB GPUs: 64 replicas over 8 hosts of 8; 20 GB GPUs hold no share.
    let (_, l) = fewest_gpus(&d, 21_250_000_000, 0.0, 8, false, 1).unwrap();
    assert_eq!((l.data, l.hosts), (64, 8));
    assert!(fewest_gpus(&d, 20 * GB, 0.0, 8, false, 1).is_none());
    assert_eq!(
        crate::report::words::layout(Layout::data(3, 8)),
        "data parallel 3 within one host, the batch split 3 ways"
    );
    assert_eq!(
        crate::report::words::layout(Layout::data(64, 8)),
        "data parallel 64 over 8 hosts, the batch split 64 ways"
    );
    assert_eq!(
        crate::report::words::layout_short(Layout::data(64, 8)),
        "DP 64 (8 hosts)"
    );
}

#[test]
fn a_superchip_server_holds_two_modules_at_most() {
    let gh200 = bundled().gpu("gh200-96gb").unwrap();
    let h100 = bundled().gpu("h100-sxm5-80gb").unwrap();
    assert_eq!((gh200.per_host(8), gh200.per_host(1)), (2, 1));
    assert_eq!(h100.per_host(8), 8);
    // 150 GB on GH200 96GB: two modules per host, so 2 GPUs in one host.
    let fits = fit(
        bundled(),
        &Demand::new(150_000_000_000, 1_000_000_000),
        &settings(),
    );
    let row = fits
        .multi_gpu
        .iter()
        .find(|m| m.gpu_id == "gh200-96gb")
        .unwrap();
    assert_eq!((row.gpus, row.hosts), (2, 1));
    let small = fit(bundled(), &Demand::new(10_000_000_000, 0), &settings());
    let whole = option(&small, "gh200-96gb", None);
    assert_eq!(whole.per_host, 2);
}

#[test]
fn only_sxm3_and_later_boards_have_nvswitch() {
    // HGX A100, H100, H200 and B200 baseboards join their GPUs through NVSwitch,
    // which hands out partitions of 1, 2, 4 or 8; V100 SXM2 modules (DGX-1,
    // HGX-1) link directly in a hybrid cube-mesh: any count, every GPU of the
    // host still in one NVLink group.
    let c = bundled();
    let g = |id: &str| c.gpu(id).unwrap();
    for id in [
        "a100-sxm4-80gb",
        "h100-sxm5-80gb",
        "h200-sxm-141gb",
        "b200-sxm-180gb",
    ] {
        assert!(g(id).nvswitch(), "{id}");
    }
    let v100 = g("v100-sxm2-32gb");
    assert!(!v100.nvswitch());
    assert!(!crate::vsphere::rules::on_nvswitch(v100));
    assert_eq!(fit::nvlink_group(v100, 8), 8);
    assert_eq!(fit::nvlink_group(g("a100-sxm4-80gb"), 8), 8);
    // Three GPUs in one host: tensor parallel 3 on the cube-mesh, a partition
    // of 4 through NVSwitch.
    assert_eq!(fit::layout(3, 8, None, v100.nvswitch()).gpus(), 3);
    assert_eq!(fit::layout(3, 8, None, true).gpus(), 4);
}

#[test]
fn the_bundled_binary_is_the_json_file() {
    let parsed = Catalog::from_json(BUNDLED_JSON).unwrap();
    let bytes = crate::packed::pack(&parsed);
    assert!(
        crate::packed::check_or_write(super::packed::BUNDLED_BIN, &bytes, "data/gpu-catalog.bin"),
        "data/gpu-catalog.bin is not data/gpu-catalog.json: \
         run `UPDATE_BUNDLED=1 cargo test -p sizing binary_is_the_json_file`"
    );
    assert_eq!(crate::packed::unpack::<Catalog>(&bytes), parsed);
}

/// A field missing from the top of a catalog file is named as the catalog's,
/// not as ".".
#[test]
fn a_missing_top_level_field_names_the_catalog() {
    let mut v: serde_json::Value = serde_json::from_str(&Catalog::bundled().to_json()).unwrap();
    v.as_object_mut().unwrap().remove("description");
    let e = Catalog::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.to_string(), "the catalog: missing field `description`");
}
