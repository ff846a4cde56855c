//! What the report's two charts draw, chosen from the report: the memory terms
//! against one option's capacity ([`against`]), and capacity against need for a
//! short list of options ([`fit_bars`]). Bytes only; the views scale and word them.

use serde::Serialize;

use crate::catalog::{Catalog, FitOption, FitStatus, Fits};
use crate::fleet::FleetAnswer;

use super::Report;

/// The option the memory bar is drawn against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Against {
    /// "NVIDIA L40S", "NVIDIA A100 80GB · 3g.40gb".
    pub label: String,
    /// Bytes the workload can use on it.
    pub capacity: u64,
    /// The demand, bytes (what the terms add up to on one device).
    pub demand: u64,
    /// The demand with the safety margin, bytes.
    pub needed: u64,
    /// The user's own GPU (from their hosts) rather than a recommendation.
    pub mine: bool,
    /// When one copy takes several of the user's GPUs: how many, the layout,
    /// and the bytes on each.
    pub split: Option<(crate::catalog::Layout, u64)>,
}

impl Against {
    /// Bytes left above the margin (negative when the option is short).
    pub fn left(&self) -> i128 {
        self.capacity as i128 - self.needed as i128
    }
}

/// The option to draw the memory terms against: the smallest option of the
/// user's first GPU kind (the whole GPU when nothing of it holds one copy), else
/// the first recommendation; `None` without fits or when nothing fits and the
/// user named no GPUs.
pub fn against(r: &Report) -> Option<Against> {
    let fits = r.fits.as_ref()?;
    let make = |label: String, capacity: u64, mine: bool| Against {
        label,
        capacity,
        demand: fits.demand.total,
        needed: fits.needed,
        mine,
        split: None,
    };
    if let Some(a) = r.fleet.first() {
        return Some(match &a.one {
            Some(o) => make(o.label(), o.capacity, true),
            None => Against {
                split: a.split.as_ref().map(|s| (s.layout, s.per_gpu)),
                ..make(a.gpu_name.clone(), a.capacity, true)
            },
        });
    }
    let rec = fits.recommendations.first()?;
    let o = fits.options.get(rec.option)?;
    Some(make(o.label(), o.capacity, false))
}

/// One bar of the fits chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitBar {
    /// Index into [`Fits::options`]; `None` for a GPU of the user's that is not
    /// listed (too small, or filtered out).
    pub option: Option<usize>,
    pub label: String,
    pub capacity: u64,
    pub status: FitStatus,
    /// One of the user's GPUs.
    pub mine: bool,
    /// The recommendations this option is (their labels).
    pub recommended: Vec<&'static str>,
}

/// At most this many bars.
pub const MAX_BARS: usize = 8;

/// The options worth a bar: the user's GPUs first (the smallest option of each
/// that holds one copy, else the whole GPU, short), then the recommendations,
/// each once, at most [`MAX_BARS`].
pub fn fit_bars(fits: &Fits, fleet: &[FleetAnswer]) -> Vec<FitBar> {
    let recommended = |i: Option<usize>| -> Vec<&'static str> {
        fits.recommendations
            .iter()
            .filter(|r| Some(r.option) == i)
            .map(|r| r.kind.label())
            .collect()
    };
    let index_of = |o: &FitOption| {
        fits.options
            .iter()
            .position(|x| x.gpu_id == o.gpu_id && x.profile == o.profile && x.mode == o.mode)
    };
    let mut bars: Vec<FitBar> = Vec::new();
    for a in fleet {
        let bar = match &a.one {
            Some(o) => {
                let i = index_of(o);
                FitBar {
                    option: i,
                    label: o.label(),
                    capacity: o.capacity,
                    status: o.status,
                    mine: true,
                    recommended: recommended(i),
                }
            }
            None => FitBar {
                option: None,
                label: a.gpu_name.clone(),
                capacity: a.capacity,
                status: if a.capacity >= fits.needed {
                    FitStatus::Fits
                } else if a.capacity >= fits.demand.total {
                    FitStatus::Tight
                } else {
                    FitStatus::TooSmall
                },
                mine: true,
                recommended: Vec::new(),
            },
        };
        if bar.option.is_none() || !bars.iter().any(|b| b.option == bar.option) {
            bars.push(bar);
        }
    }
    for r in &fits.recommendations {
        let i = Some(r.option);
        if let Some(o) = fits.options.get(r.option)
            && !bars.iter().any(|b| b.option == i)
        {
            bars.push(FitBar {
                option: i,
                label: o.label(),
                capacity: o.capacity,
                status: o.status,
                mine: fleet.iter().any(|a| a.gpu_id == o.gpu_id),
                recommended: recommended(i),
            });
        }
    }
    bars.truncate(MAX_BARS);
    bars
}

/// One GPU drawn as the instances of one option on it: `instances` slots of
/// `slot` bytes each (a MIG instance, a vGPU type, or the whole GPU), each
/// holding one copy of the workload, against the GPU's memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GpuSlots {
    /// The GPU's memory as marketed (NVIDIA's GB are GiB), bytes.
    pub gpu_memory: u64,
    /// Bytes the workload can use in one slot (the option's capacity).
    pub slot: u64,
    /// Copies of the workload one GPU holds (the option's instances per GPU).
    pub instances: u32,
    /// One copy's demand, and with the margin, bytes.
    pub demand: u64,
    pub needed: u64,
}

/// The GPU of option `i` as its slots; `None` for an option not in the fits or
/// a GPU not in `catalog`.
pub fn gpu_slots(fits: &Fits, i: usize, catalog: &Catalog) -> Option<GpuSlots> {
    let o = fits.options.get(i)?;
    let gpu = catalog.gpu(&o.gpu_id)?;
    let gib = gpu.memory.size_gb * 1_073_741_824.0;
    Some(GpuSlots {
        gpu_memory: if gib.is_finite() && gib > 0.0 {
            gib.floor() as u64
        } else {
            0
        },
        slot: o.capacity,
        instances: o.per_gpu,
        demand: fits.demand.total,
        needed: fits.needed,
    })
}

/// The scale of a chart: the largest of the bytes it draws, so that every bar
/// and mark is inside it (never 0).
pub fn scale(values: impl IntoIterator<Item = u64>) -> u64 {
    values.into_iter().max().unwrap_or(0).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, FitStatus};
    use crate::report::size;
    use crate::scenario::parse;

    /// Llama-3.1-8B serving (the app's opening page) on the user's hosts.
    fn report(fleet: &str) -> Report {
        let mut s = parse(r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-8b"}}}"#)
            .expect("a scenario");
        s.deployment.fleet = crate::fleet::parse(fleet).expect("a fleet");
        size(&s, Catalog::bundled()).expect("the scenario sizes")
    }

    #[test]
    fn the_bar_is_drawn_against_the_users_gpu_first() {
        let r = report("4 × L40S per host");
        let a = against(&r).expect("fits");
        assert!(a.mine);
        assert!(a.label.contains("L40S"), "{}", a.label);
        let fits = r.fits.as_ref().unwrap();
        assert_eq!(a.demand, fits.demand.total);
        assert_eq!(a.needed, fits.needed);
        assert_eq!(a.left(), a.capacity as i128 - a.needed as i128);
        let bars = fit_bars(fits, &r.fleet);
        assert!(bars[0].mine && bars[0].label.contains("L40S"));
        assert!(bars.len() <= MAX_BARS);
        // Each option once.
        let mut seen: Vec<_> = bars.iter().map(|b| b.option).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), bars.len());
    }

    #[test]
    fn a_gpu_of_the_users_too_small_is_drawn_short() {
        // Llama-3.1-8B in BF16 needs about 18 GB; a T4 has 16 GB.
        let r = report("T4");
        let fits = r.fits.as_ref().unwrap();
        let a = against(&r).expect("drawn against the T4");
        assert!(a.mine && a.left() < 0);
        let bars = fit_bars(fits, &r.fleet);
        assert_eq!(bars[0].option, None);
        assert_eq!(bars[0].status, FitStatus::TooSmall);
        assert_eq!(bars[0].capacity, r.fleet[0].capacity);
        assert!(bars[1..].iter().all(|b| !b.recommended.is_empty()));
    }

    #[test]
    fn without_hosts_the_first_recommendation_is_the_reference() {
        let r = report("");
        let fits = r.fits.as_ref().unwrap();
        let a = against(&r).expect("the default workload fits somewhere");
        assert!(!a.mine);
        let first = &fits.options[fits.recommendations[0].option];
        assert_eq!(
            (a.label.as_str(), a.capacity),
            (first.label().as_str(), first.capacity)
        );
        let bars = fit_bars(fits, &r.fleet);
        assert!(!bars.is_empty());
        assert!(
            bars.iter()
                .all(|b| !b.recommended.is_empty() && b.status != FitStatus::TooSmall)
        );
    }

    #[test]
    fn a_bar_in_words_says_what_is_left_or_missing() {
        use crate::report::words::fit_bar;
        use crate::units::ByteUnits::Decimal;
        let gb = 1_000_000_000;
        // Need 16 GB + 2 GB margin = 18 GB.
        assert_eq!(
            fit_bar(48 * gb, 16 * gb, 18 * gb, Decimal),
            "18.00 GB of 48.00 GB: 30.00 GB left"
        );
        assert_eq!(
            fit_bar(17 * gb, 16 * gb, 18 * gb, Decimal),
            "18.00 GB of 17.00 GB: inside the margin (1.00 GB above the demand)"
        );
        assert_eq!(
            fit_bar(12 * gb, 16 * gb, 18 * gb, Decimal),
            "18.00 GB of 12.00 GB: short by 6.00 GB"
        );
    }

    #[test]
    fn a_gpu_is_drawn_as_the_instances_of_its_option() {
        // Llama-3.1-8B (about 18 GB): the smallest fit is a MIG slice; every slot of
        // its GPU holds one copy, and the slots fit in the GPU.
        let r = report("");
        let fits = r.fits.as_ref().unwrap();
        let i = fits.recommendations[0].option;
        let g = gpu_slots(fits, i, Catalog::bundled()).expect("a catalog GPU");
        let o = &fits.options[i];
        assert_eq!((g.slot, g.instances), (o.capacity, o.per_gpu));
        assert!(g.instances >= 1 && g.slot * u64::from(g.instances) <= g.gpu_memory);
        assert!(g.needed <= g.slot);
        assert_eq!(
            gpu_slots(fits, fits.options.len(), Catalog::bundled()),
            None
        );
    }

    #[test]
    fn the_scale_holds_every_value_and_is_never_zero() {
        assert_eq!(scale([3, 9, 4]), 9);
        assert_eq!(scale([]), 1);
        assert_eq!(scale([0]), 1);
    }
}
