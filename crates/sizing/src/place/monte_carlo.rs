//! Many random arrival orders of the same VMs: how much memory placement strands
//! at best, typically and at worst. Runs in steps so a page can show progress,
//! stay responsive and cancel; the same seed gives the same answer.

use serde::Serialize;

use super::{Placement, Plan, place};

/// Minimum, median and maximum over the orders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Stats {
    fn of(v: &mut [f64]) -> Stats {
        if v.is_empty() {
            return Stats::default();
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Stats {
            min: v[0],
            median,
            max: v[n - 1],
        }
    }
}

/// What the orders gave.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub orders: u32,
    pub seed: u64,
    /// Memory free in usable amounts when a VM failed (the article's "siloed").
    pub siloed_gb: Stats,
    /// Memory no requested VM can use at the end.
    pub stranded_gb: Stats,
    pub failed: Stats,
    /// The order that siloed the most (the first such), as placed.
    pub worst: Placement,
}

/// A Monte Carlo run in progress.
pub struct MonteCarlo {
    plan: Plan,
    rng: fastrand::Rng,
    order: Vec<u32>,
    total: u32,
    siloed: Vec<f64>,
    stranded: Vec<f64>,
    failed: Vec<f64>,
    worst: Option<Placement>,
}

impl MonteCarlo {
    /// `orders` random orders of the plan's VMs (at least one).
    pub fn new(plan: Plan, orders: u32) -> MonteCarlo {
        let order = plan.listed().to_vec();
        MonteCarlo {
            rng: fastrand::Rng::with_seed(plan.seed),
            plan,
            order,
            total: orders.max(1),
            siloed: Vec::new(),
            stranded: Vec::new(),
            failed: Vec::new(),
            worst: None,
        }
    }

    pub fn done(&self) -> u32 {
        self.siloed.len() as u32
    }

    pub fn total(&self) -> u32 {
        self.total
    }

    pub fn finished(&self) -> bool {
        self.done() >= self.total
    }

    /// Runs up to `n` more orders.
    pub fn step(&mut self, n: u32) {
        for _ in 0..n {
            if self.finished() {
                return;
            }
            self.rng.shuffle(&mut self.order);
            let p = place(&self.plan, &self.order);
            self.siloed.push(p.siloed_gb);
            self.stranded.push(p.stranded_gb);
            self.failed.push(f64::from(p.failed));
            if self
                .worst
                .as_ref()
                .is_none_or(|w| p.siloed_gb > w.siloed_gb)
            {
                self.worst = Some(p);
            }
        }
    }

    /// Runs to the end.
    pub fn run(mut self) -> Summary {
        while !self.finished() {
            self.step(64);
        }
        self.summary().expect("at least one order ran")
    }

    /// The orders run so far; `None` before the first.
    pub fn summary(&self) -> Option<Summary> {
        Some(Summary {
            orders: self.done(),
            seed: self.plan.seed,
            siloed_gb: Stats::of(&mut self.siloed.clone()),
            stranded_gb: Stats::of(&mut self.stranded.clone()),
            failed: Stats::of(&mut self.failed.clone()),
            worst: self.worst.clone()?,
        })
    }
}
