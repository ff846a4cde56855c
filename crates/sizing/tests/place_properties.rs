//! Properties of the placement simulator that hold for every cluster and demand.
//! Native only: proptest needs an OS.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use sizing::catalog::Catalog;
use sizing::place::monte_carlo::MonteCarlo;
use sizing::place::{Cluster, GpuMode, HostGroup, Outcome, Policy, Request, place};

const GPUS: [(&str, GpuMode); 6] = [
    ("a100-pcie-80gb", GpuMode::SameSize),
    ("a100-pcie-80gb", GpuMode::MixedSize),
    ("h100-pcie-80gb", GpuMode::Mig),
    ("a30", GpuMode::Mig),
    ("l40s", GpuMode::MixedSize),
    ("a100-pcie-40gb", GpuMode::Mig),
];
const PROFILES: [&str; 12] = [
    "4C",
    "8C",
    "10C",
    "16C",
    "20C",
    "40C",
    "1g.10gb",
    "2g.20gb",
    "3g.40gb",
    "1g.6gb",
    "2g.12gb",
    "passthrough",
];

fn cluster() -> impl Strategy<Value = Cluster> {
    let group =
        (0..GPUS.len(), 1u32..4, 1u32..5, prop::bool::ANY).prop_map(|(g, hosts, gpus, spread)| {
            HostGroup {
                name: String::new(),
                hosts,
                gpu: GPUS[g].0.into(),
                gpus_per_host: gpus,
                mode: GPUS[g].1,
                policy: if spread {
                    Policy::Spread
                } else {
                    Policy::Group
                },
            }
        });
    let request = (0..PROFILES.len(), 1u32..12, 1u32..4).prop_map(|(p, count, devices)| Request {
        profile: PROFILES[p].into(),
        count,
        devices,
    });
    (
        prop::collection::vec(group, 1..4),
        prop::collection::vec(request, 1..6),
        any::<u64>(),
    )
        .prop_map(|(groups, requests, seed)| Cluster {
            groups,
            requests,
            orders: 0,
            seed,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn placements_never_overlap_or_overflow(c in cluster()) {
        let Ok(plan) = c.plan(Catalog::bundled()) else { return Ok(()) };
        let p = place(&plan, plan.listed());
        prop_assert_eq!(p.placed + p.failed, plan.listed().len() as u32);
        for g in &p.gpus {
            let mut spans: Vec<(f64, f64)> = g.blocks.iter().map(|b| (b.start_gb, b.start_gb + b.size_gb)).collect();
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            for w in spans.windows(2) {
                prop_assert!(w[0].1 <= w[1].0 + 1e-9, "overlap on {:?}", g);
            }
            if let Some(last) = spans.last() {
                prop_assert!(last.1 <= g.capacity_gb + 1e-9, "past the end on {:?}", g);
            }
            if g.compute_slices > 0 {
                prop_assert!(g.compute_used <= g.compute_slices, "{:?}", g);
            }
            // Stranded + used + still usable = capacity.
            prop_assert!((g.stranded_gb + g.used_gb + g.free_gb - g.capacity_gb).abs() < 1e-9, "{:?}", g);
        }
        // Each placed VM has its devices on GPUs of its own, in one host.
        for (v, vm) in p.vms.iter().enumerate() {
            if !matches!(vm.outcome, Outcome::Placed { .. }) {
                continue;
            }
            let on: Vec<(u32, u32, u32)> = p.gpus.iter()
                .filter(|g| g.blocks.iter().any(|b| b.vm == v as u32))
                .map(|g| (g.group, g.host, g.index))
                .collect();
            let devices = c.requests[vm.request as usize].devices.max(1) as usize;
            prop_assert_eq!(on.len(), devices, "VM {} on {:?}", v, on);
            prop_assert!(on.iter().all(|x| (x.0, x.1) == (on[0].0, on[0].1)), "VM {} spans hosts: {:?}", v, on);
            let blocks = p.gpus.iter().flat_map(|g| &g.blocks).filter(|b| b.vm == v as u32).count();
            prop_assert_eq!(blocks, devices);
        }
        let placed = p.vms.iter().filter(|v| matches!(v.outcome, Outcome::Placed { .. })).count() as u32;
        prop_assert_eq!(placed, p.placed);
        prop_assert!((p.stranded_gb + p.used_gb + p.free_gb - p.capacity_gb).abs() < 1e-6);
    }

    #[test]
    fn a_demand_that_saturates_strands_what_it_does_not_use(c in cluster()) {
        // Ask for far more than the cluster holds: every GPU ends with nothing a
        // requested VM could use, so stranded + used = capacity.
        // At most 3 groups × 3 hosts × 4 GPUs = 36 GPUs of at most 20 VMs each
        // (4C on 80 GB) hold 720 VMs; 400 could leave 21 A100 80GB GPUs one short.
        let mut c = c;
        for r in &mut c.requests {
            r.count = 2_000;
            // Whether a GPU's room is usable is counted per device.
            r.devices = 1;
        }
        let Ok(plan) = c.plan(Catalog::bundled()) else { return Ok(()) };
        let p = place(&plan, plan.listed());
        prop_assert!(p.free_gb.abs() < 1e-9, "free {}", p.free_gb);
        prop_assert!((p.stranded_gb + p.used_gb - p.capacity_gb).abs() < 1e-6);
    }

    #[test]
    fn same_seed_same_answer(c in cluster()) {
        let Ok(plan) = c.plan(Catalog::bundled()) else { return Ok(()) };
        let a = MonteCarlo::new(plan.clone(), 5).run();
        let b = MonteCarlo::new(plan, 5).run();
        prop_assert_eq!(a, b);
    }
}
