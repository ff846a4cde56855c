//! The placement simulator at scale, timed: 1,000 hosts × 8 GPUs with 10,000 VMs
//! in the order listed, the page's limits (10,000 hosts, a million VMs), and
//! 1,000 random orders of a 64-GPU cluster. Prints a
//! Markdown table (median of several runs, with min and max).

use std::time::Instant;

use sizing::catalog::Catalog;
use sizing::place::monte_carlo::MonteCarlo;
use sizing::place::{Cluster, GpuMode, HostGroup, Policy, Request, place};

fn cluster(hosts: u32, mode: GpuMode, requests: &[(&str, u32)]) -> Cluster {
    Cluster {
        groups: vec![HostGroup {
            name: String::new(),
            hosts,
            gpu: "a100-pcie-80gb".into(),
            gpus_per_host: 8,
            mode,
            policy: Policy::Spread,
        }],
        requests: requests
            .iter()
            .map(|&(p, count)| Request {
                devices: 1,
                profile: p.into(),
                count,
            })
            .collect(),
        orders: 0,
        seed: 1,
    }
}

fn timed(runs: usize, mut f: impl FnMut() -> String) -> (f64, f64, f64, String) {
    let mut ms = Vec::new();
    let mut what = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        what = f();
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(f64::total_cmp);
    (ms[0], ms[ms.len() / 2], ms[ms.len() - 1], what)
}

fn main() {
    let catalog = Catalog::bundled();
    println!("| Case | Result | min ms | median ms | max ms |");
    println!("|---|---|---:|---:|---:|");
    let cases: [(&str, Cluster); 4] = [
        (
            "1,000 hosts × 8 A100 80GB, mixed size, 10,000 VMs (8C/10C/20C), as listed",
            cluster(
                1000,
                GpuMode::MixedSize,
                &[("10C", 4000), ("20C", 3000), ("8C", 3000)],
            ),
        ),
        (
            "1,000 hosts × 8 A100 80GB, same size (spread), 10,000 VMs (10C/20C/40C), as listed",
            cluster(
                1000,
                GpuMode::SameSize,
                &[("10C", 4000), ("20C", 3000), ("40C", 3000)],
            ),
        ),
        (
            "1,000 hosts × 8 A100 80GB, MIG, 10,000 VMs (1g/2g/3g), as listed",
            cluster(
                1000,
                GpuMode::Mig,
                &[("1g.10gb", 4000), ("2g.20gb", 3000), ("3g.40gb", 3000)],
            ),
        ),
        (
            "10,000 hosts × 8 A100 80GB, same size (spread), 1,000,000 VMs (10C), as listed: the limits",
            cluster(10_000, GpuMode::SameSize, &[("10C", 1_000_000)]),
        ),
    ];
    for (name, c) in cases {
        let plan = c.plan(catalog).expect("a valid cluster");
        let (min, med, max, what) = timed(7, || {
            let p = place(&plan, plan.listed());
            format!("{} placed, {} cannot start", p.placed, p.failed)
        });
        println!("| {name} | {what} | {min:.1} | {med:.1} | {max:.1} |");
    }
    let c = cluster(
        8,
        GpuMode::MixedSize,
        &[("8C", 200), ("10C", 200), ("20C", 100)],
    );
    let plan = c.plan(catalog).expect("a valid cluster");
    let (min, med, max, what) = timed(3, || {
        let s = MonteCarlo::new(plan.clone(), 1000).run();
        format!(
            "siloed max {} GB, stranded median {} GB",
            s.siloed_gb.max, s.stranded_gb.median
        )
    });
    println!(
        "| 1,000 random orders, 8 hosts × 8 A100 80GB, mixed size, 500 VMs | {what} | {min:.1} | {med:.1} | {max:.1} |"
    );
}
