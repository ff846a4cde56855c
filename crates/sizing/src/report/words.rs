//! The one formatting layer of the report: the sentences that carry byte sizes
//! (why an option fits, why it is recommended, what was needed), written from the
//! report's numbers in the units on show. The app's views, the command line's
//! table and its JSON all take their words from here, so switching units redraws
//! the words without sizing again.

use serde_json::Value;

use crate::catalog::{Caveat, FitOption, FitStatus, Fits, Recommendation, RecommendationKind};
use crate::transformer::memory::Reverse;
use crate::units::{ByteUnits, format_bytes, group_digits};

/// Rules that hold for every answer of the Fits panel.
pub const FIT_RULES: [&str; 2] = [
    "A GPU runs either time-sliced vGPUs or MIG, never both; MIG instances cannot be combined or use NVLink.",
    "Per host counts assume every GPU in the host carries this one option.",
];

/// "Needed: 4.15 GB plus the 10 % margin = 4.56 GB."
pub fn needed(fits: &Fits, u: ByteUnits) -> String {
    format!(
        "Needed: {} plus the {} % margin = {}.",
        format_bytes(fits.demand.total, u),
        fits.margin_percent,
        format_bytes(fits.needed, u)
    )
}

/// What limits an option beyond its memory.
pub fn caveat(c: &Caveat) -> String {
    match c {
        Caveat::MixedSizeUnsupported => {
            "mixed-size mode is not supported here; equal-size count shown".to_string()
        }
        Caveat::SharedInstance { vgpus, instance } => {
            format!("{vgpus} vGPUs time-sliced inside one {instance} instance")
        }
    }
}

/// One line on why an option fits, fits without the margin, or is too small.
pub fn reason(o: &FitOption, fits: &Fits, u: ByteUnits) -> String {
    let fb = |b: u64| format_bytes(b, u);
    let demand = fits.demand.total;
    let what = o.profile.as_deref().unwrap_or("the full GPU");
    let free = o.capacity.saturating_sub(demand);
    let mut reason = match o.status {
        FitStatus::Fits => format!(
            "{what} leaves {} free ({:.1} %) after the {}",
            fb(free),
            o.headroom_percent,
            fb(demand)
        ),
        FitStatus::Tight => format!(
            "holds the {} but leaves {}, less than the {} % margin ({})",
            fb(demand),
            fb(free),
            fits.margin_percent,
            fb(fits.needed.saturating_sub(demand))
        ),
        FitStatus::TooSmall => format!(
            "needs {}, more than the {} usable in {what}",
            fb(demand),
            fb(o.capacity)
        ),
    };
    if let Some(c) = &o.caveat {
        reason.push_str("; ");
        reason.push_str(&caveat(c));
    }
    reason
}

/// Why a recommended option is the one of its kind.
pub fn why(r: &Recommendation, fits: &Fits, u: ByteUnits) -> String {
    let o = &fits.options[r.option];
    match r.kind {
        RecommendationKind::Smallest => format!(
            "The least memory that holds {} with the {} % margin: {} ({}), {} per GPU.",
            format_bytes(fits.demand.total, u),
            fits.margin_percent,
            format_bytes(o.capacity, u),
            o.mode.label(),
            o.per_gpu
        ),
        RecommendationKind::Densest => format!(
            "The most copies per host: {} per GPU, {} per host of {} cards.",
            o.per_gpu, o.per_host, fits.cards_per_host
        ),
        RecommendationKind::MostHeadroom => format!(
            "The most room to grow: {} free ({:.0} % of {}).",
            format_bytes(o.headroom.max(0) as u64, u),
            o.headroom_percent,
            format_bytes(o.capacity, u)
        ),
    }
}

/// The notes under the answer: what was needed, then the rules.
pub fn notes(fits: &Fits, u: ByteUnits) -> Vec<String> {
    std::iter::once(needed(fits, u))
        .chain(FIT_RULES.iter().map(|r| r.to_string()))
        .collect()
}

/// A reverse answer for `memory` bytes per GPU: "Longest context: 16,384 (needs
/// 20.5 GB of 21.07 GB)."
pub fn reverse(r: &Reverse, memory: u64, what: &str, u: ByteUnits) -> String {
    let fb = |b: u64| format_bytes(b, u);
    match *r {
        Reverse::Fits { value, total } => format!(
            "{what}: {} (needs {} of {}).",
            group_digits(value),
            fb(total),
            fb(memory)
        ),
        Reverse::Nothing { total_at_one } => format!(
            "{what}: none — even one needs {}, more than {}.",
            if total_at_one == u64::MAX {
                "more than 16 EiB".to_string()
            } else {
                fb(total_at_one)
            },
            fb(memory)
        ),
        Reverse::Unbounded { limit } => format!(
            "{what}: at least {} — the limit of the model or of headroom.",
            group_digits(limit)
        ),
    }
}

/// Writes the sentences into the JSON of the fits: `reason` on every option,
/// `why` on every recommendation, and `notes`.
pub(crate) fn into_json(v: &mut Value, fits: &Fits, u: ByteUnits) {
    for (i, o) in fits.options.iter().enumerate() {
        v["options"][i]["reason"] = Value::from(reason(o, fits, u));
    }
    for (i, r) in fits.recommendations.iter().enumerate() {
        v["recommendations"][i]["why"] = Value::from(why(r, fits, u));
    }
    v["notes"] = Value::from(notes(fits, u));
}
