//! The placement articles' examples (domain-seeds §2.10; worked examples 38–43).

use super::monte_carlo::MonteCarlo;
use super::*;
use crate::catalog::Catalog;

fn cat() -> &'static Catalog {
    Catalog::bundled()
}

fn group(gpu: &str, hosts: u32, gpus: u32, mode: GpuMode, policy: Policy) -> HostGroup {
    HostGroup {
        name: String::new(),
        hosts,
        gpu: gpu.into(),
        gpus_per_host: gpus,
        mode,
        policy,
    }
}

fn req(profile: &str, count: u32) -> Request {
    Request {
        profile: profile.into(),
        count,
        devices: 1,
    }
}

/// Why a VM could not start, if it could not.
fn why(v: &Vm) -> Option<Why> {
    match v.outcome {
        Outcome::Failed { why, .. } => Some(why),
        Outcome::Placed { .. } => None,
    }
}

fn run(groups: Vec<HostGroup>, requests: Vec<Request>) -> Placement {
    let c = Cluster {
        groups,
        requests,
        orders: 0,
        seed: 1,
    };
    let plan = c.plan(cat()).expect("a valid cluster");
    place(&plan, plan.listed())
}

#[test]
fn spread_strands_a_20_gb_vm_with_140_gb_free_group_starts_it() {
    // Worked example 38: two 80 GB GPUs, VMs of 10, 10 and 20 GB in that order.
    let vms = || vec![req("10C", 2), req("20C", 1)];
    let spread = run(
        vec![group(
            "a100-pcie-80gb",
            1,
            2,
            GpuMode::SameSize,
            Policy::Spread,
        )],
        vms(),
    );
    assert_eq!((spread.placed, spread.failed), (2, 1));
    match &spread.vms[2].outcome {
        Outcome::Failed {
            why,
            free_gb,
            siloed_gb,
        } => {
            assert_eq!(*why, Why::LockedOrFull);
            assert_eq!(*free_gb, 140.0);
            assert_eq!(*siloed_gb, 140.0);
        }
        o => panic!("the 20 GB VM should fail: {o:?}"),
    }
    let group_ = run(
        vec![group(
            "a100-pcie-80gb",
            1,
            2,
            GpuMode::SameSize,
            Policy::Group,
        )],
        vms(),
    );
    assert_eq!((group_.placed, group_.failed), (3, 0));
    assert_eq!(group_.gpus[0].locked_gb, Some(10));
    assert_eq!(group_.gpus[1].locked_gb, Some(20));
}

#[test]
fn slots_per_80_gb_gpu() {
    // Worked example 39: 4 GB → 20, 10 → 8, 16 → 5, 20 → 4, 40 → 2, 80 → 1.
    for (p, n) in [
        ("4C", 20),
        ("10C", 8),
        ("16C", 5),
        ("20C", 4),
        ("40C", 2),
        ("80C", 1),
    ] {
        let r = run(
            vec![group(
                "a100-pcie-80gb",
                1,
                1,
                GpuMode::SameSize,
                Policy::Spread,
            )],
            vec![req(p, 30)],
        );
        assert_eq!(r.placed, n, "{p}");
    }
    // Six GPUs: 120 / 48 / 30 / 24 / 12 / 6.
    let r = run(
        vec![group(
            "a100-pcie-80gb",
            3,
            2,
            GpuMode::SameSize,
            Policy::Group,
        )],
        vec![req("4C", 200)],
    );
    assert_eq!(r.placed, 120);
}

#[test]
fn density_of_10c_and_20c_is_twelve() {
    // Worked example 40: A100 80GB with {10C, 20C}: 8 + 4 = 12.
    let gpu = cat().gpu("a100-pcie-80gb").unwrap();
    assert_eq!(density(gpu, &["A100D-10C", "A100D-20C"]), 12);
}

fn mixed_monte_carlo(profiles: &[&str], orders: u32) -> monte_carlo::Summary {
    let c = Cluster {
        groups: vec![group(
            "a100-pcie-80gb",
            1,
            1,
            GpuMode::MixedSize,
            Policy::Spread,
        )],
        requests: profiles.iter().map(|p| req(p, 20)).collect(),
        orders,
        seed: 42,
    };
    MonteCarlo::new(c.plan(cat()).unwrap(), orders).run()
}

#[test]
fn mixed_size_silos_up_to_24_gb_with_8c_and_none_without() {
    // Worked example 41: {8C, 10C, 20C} worst 24 GB siloed; {10C, 20C} 0 GB.
    // The worst order, by hand: seven 8C at IDs 0, 12, 20, 32, 40, 52, 60 leave
    // 4 + 4 + 4 + 12 = 24 GB free and every 20C ID (0, 20, 40, 60) blocked.
    let worst = run(
        vec![group(
            "a100-pcie-80gb",
            1,
            1,
            GpuMode::MixedSize,
            Policy::Spread,
        )],
        vec![req("8C", 7), req("20C", 1)],
    );
    assert_eq!((worst.placed, worst.failed, worst.siloed_gb), (7, 1, 24.0));
    // Such orders are rare (about 1 in 12,000): 10,000 random orders of 20 VMs of
    // each size find silos of 20 GB and more, never above 24 GB.
    let with_8 = mixed_monte_carlo(&["8C", "10C", "20C"], 10_000);
    assert!(
        (20.0..=24.0).contains(&with_8.siloed_gb.max),
        "{:?}",
        with_8.siloed_gb
    );
    assert_eq!(with_8.siloed_gb.min, 0.0);
    let without = mixed_monte_carlo(&["10C", "20C"], 2000);
    assert_eq!(without.siloed_gb.max, 0.0);
    assert_eq!(without.stranded_gb.max, 0.0);
}

#[test]
fn an_8c_then_a_10c_silo_2_gb() {
    // §2.10: an 8 GB profile then a 10 GB profile leave 2 GB no profile can use.
    let r = run(
        vec![group(
            "a100-pcie-80gb",
            1,
            1,
            GpuMode::MixedSize,
            Policy::Spread,
        )],
        vec![req("8C", 1), req("10C", 1)],
    );
    assert_eq!(r.gpus[0].blocks[1].start_gb, 10.0);
    let c = Cluster {
        groups: vec![group(
            "a100-pcie-80gb",
            1,
            1,
            GpuMode::MixedSize,
            Policy::Spread,
        )],
        requests: vec![req("8C", 1), req("10C", 1)],
        orders: 0,
        seed: 1,
    };
    let plan = c.plan(cat()).unwrap();
    let p = place(&plan, plan.listed());
    // 2 GB between 8 and 10 is left; the rest fills with 8C and 10C VMs.
    assert!(p.gpus[0].stranded_gb >= 2.0, "{:?}", p.gpus[0]);
}

#[test]
fn h100_three_16_and_one_20_place_with_12_gb_unused() {
    // Worked example 42.
    let r = run(
        vec![group(
            "h100-pcie-80gb",
            1,
            1,
            GpuMode::MixedSize,
            Policy::Spread,
        )],
        vec![req("16C", 3), req("20C", 1)],
    );
    assert_eq!((r.placed, r.failed), (4, 0));
    assert_eq!(r.used_gb, 68.0);
    let starts: Vec<f64> = r.gpus[0].blocks.iter().map(|b| b.start_gb).collect();
    assert_eq!(starts, [0.0, 24.0, 40.0, 60.0]);
    assert_eq!(r.capacity_gb - r.used_gb, 12.0);
}

#[test]
fn mig_examples() {
    let mig = |p: &str, n| {
        run(
            vec![group("h100-pcie-80gb", 1, 1, GpuMode::Mig, Policy::Spread)],
            vec![req(p, n)],
        )
    };
    // Worked example 43: 7 × 1g.10gb strand 10 GB (no compute left).
    let r = mig("1g.10gb", 7);
    assert_eq!(
        (r.placed, r.stranded_gb, r.gpus[0].compute_used),
        (7, 10.0, 7)
    );
    // Two 3g.40gb strand one compute slice.
    let r = mig("3g.40gb", 2);
    assert_eq!((r.placed, r.compute_stranded, r.stranded_gb), (2, 1, 0.0));
    // Four 2g.20gb do not fit: the fourth fails.
    let r = mig("2g.20gb", 4);
    assert_eq!((r.placed, r.failed), (3, 1));
    assert_eq!(why(&r.vms[3]), Some(Why::NoMigSlot));
    // The first 3g.40gb goes to slice 4, keeping room for a 4g.40gb.
    let r = run(
        vec![group("h100-pcie-80gb", 1, 1, GpuMode::Mig, Policy::Spread)],
        vec![req("3g.40gb", 1), req("4g.40gb", 1)],
    );
    assert_eq!(r.gpus[0].blocks[0].start_gb, 40.0);
    assert_eq!((r.placed, r.failed), (2, 0));
    // A MIG-backed vGPU type resolves to its GPU instance.
    let r = run(
        vec![group("h100-pcie-80gb", 1, 1, GpuMode::Mig, Policy::Spread)],
        vec![req("H100-3-40C", 1)],
    );
    assert_eq!(r.placed, 1);
    // A +me profile has the GPU's one set of media engines: one per GPU
    // (the catalog's max_instances), so the second cannot start.
    let r = mig("1g.10gb+me", 2);
    assert_eq!((r.placed, r.failed), (1, 1));
    // … and says so: the GPU has room, its media engines are taken.
    assert_eq!(why(&r.vms[1]), Some(Why::InstanceCap));
    // Two +me profiles of different sizes share the one set of media engines (A30).
    let r = run(
        vec![group("a30", 1, 1, GpuMode::Mig, Policy::Spread)],
        vec![req("1g.6gb+me", 1), req("2g.12gb+me", 1)],
    );
    assert_eq!((r.placed, r.failed), (1, 1));
    // On two GPUs, one each.
    let r = run(
        vec![group("h100-pcie-80gb", 1, 2, GpuMode::Mig, Policy::Spread)],
        vec![req("1g.10gb+me", 2), req("1g.10gb", 1)],
    );
    assert_eq!((r.placed, r.failed), (3, 0));
}

#[test]
fn mig_gpus_take_no_full_gpu() {
    let c = Cluster {
        groups: vec![group("h100-pcie-80gb", 1, 1, GpuMode::Mig, Policy::Spread)],
        requests: vec![req("passthrough", 1)],
        orders: 0,
        seed: 1,
    };
    let e = c.plan(cat()).unwrap_err();
    assert_eq!(e[0].path, "cluster.requests[0].profile");
}

#[test]
fn bad_clusters_are_refused_by_field() {
    let c = Cluster {
        groups: vec![
            group("no-such-gpu", 1, 1, GpuMode::SameSize, Policy::Spread),
            group("t4", 0, 99, GpuMode::Mig, Policy::Spread),
        ],
        requests: vec![req("", 0)],
        orders: MAX_ORDERS + 1,
        seed: 0,
    };
    let paths: Vec<String> = c
        .plan(cat())
        .unwrap_err()
        .into_iter()
        .map(|e| e.path)
        .collect();
    for p in [
        "cluster.groups[0].gpu",
        "cluster.groups[1].hosts",
        "cluster.groups[1].gpus_per_host",
        "cluster.groups[1].mode",
        "cluster.requests[0].profile",
        "cluster.requests",
        "cluster.orders",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} in {paths:?}");
    }
}

#[test]
fn hosts_are_spread_by_drs() {
    // Two hosts of one GPU each: the second VM goes to the second host.
    let r = run(
        vec![group("l40s", 2, 1, GpuMode::SameSize, Policy::Group)],
        vec![req("24C", 2)],
    );
    assert_eq!(r.gpus[0].blocks.len(), 1);
    assert_eq!(r.gpus[1].blocks.len(), 1);
}

#[test]
fn a_vm_of_several_devices_takes_them_in_one_host() {
    // A 4-GPU passthrough VM on 4 hosts of one H100 each cannot start: a VM
    // cannot span hosts. On one host of 4, it takes all four.
    let vm = Request {
        profile: "passthrough".into(),
        count: 1,
        devices: 4,
    };
    let r = run(
        vec![group(
            "h100-sxm5-80gb",
            4,
            1,
            GpuMode::SameSize,
            Policy::Spread,
        )],
        vec![vm.clone()],
    );
    assert_eq!((r.placed, r.failed), (0, 1));
    assert_eq!(why(&r.vms[0]), Some(Why::DevicesApart));
    assert_eq!(r.vms[0].profile, "passthrough × 4");
    // The next VM of the line gets the same reason, not "no empty GPU".
    let r = run(
        vec![group(
            "h100-sxm5-80gb",
            4,
            1,
            GpuMode::SameSize,
            Policy::Spread,
        )],
        vec![Request {
            count: 2,
            ..vm.clone()
        }],
    );
    for v in &r.vms {
        assert_eq!(why(v), Some(Why::DevicesApart));
    }
    let r = run(
        vec![group(
            "h100-sxm5-80gb",
            1,
            4,
            GpuMode::SameSize,
            Policy::Spread,
        )],
        vec![vm],
    );
    assert_eq!((r.placed, r.failed), (1, 0));
    assert!(
        r.gpus
            .iter()
            .all(|g| g.blocks.len() == 1 && g.blocks[0].vm == 0)
    );
    // Two 40C vGPUs of one VM go to two GPUs, not both to one 80 GB GPU.
    let r = run(
        vec![group(
            "a100-pcie-80gb",
            1,
            2,
            GpuMode::SameSize,
            Policy::Group,
        )],
        vec![Request {
            profile: "40C".into(),
            count: 1,
            devices: 2,
        }],
    );
    assert_eq!(r.placed, 1);
    assert_eq!((r.gpus[0].blocks.len(), r.gpus[1].blocks.len()), (1, 1));
}
