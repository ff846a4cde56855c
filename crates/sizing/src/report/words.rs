//! The one formatting layer of the report: the sentences that carry byte sizes
//! (why an option fits, why it is recommended, what was needed), written from the
//! report's numbers in the units on show. The app's views, the command line's
//! table and its JSON all take their words from here, so switching units redraws
//! the words without sizing again.

use serde_json::Value;

use crate::catalog::{
    Caveat, FitOption, FitStatus, Fits, Layout, Recommendation, RecommendationKind, Rounding,
};
use crate::fleet::FleetAnswer;
use crate::speed::{Figure, OptionSpeed, Speed, Unit};
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
        crate::input::number_text(fits.margin_percent),
        format_bytes(fits.needed, u)
    )
}

/// When no single option holds the workload: where to look instead.
pub fn nothing_fits(fits: &Fits, u: ByteUnits) -> String {
    let one = "No single GPU, MIG instance or vGPU holds this workload with the margin.";
    let copy = fits.demand.copy_gpus.max(1);
    if fits.hidden_fits > 0 {
        format!(
            "No option listed holds this workload with the margin, but {} left out would: {}.",
            plural(fits.hidden_fits, "option", "options"),
            if fits.mig_left_out {
                "widen the Architecture, Form factor or Deployment filters, or run one copy on one GPU for MIG"
            } else {
                "widen the Architecture, Form factor or Deployment filters"
            }
        )
    } else if !fits.multi_gpu.is_empty() {
        format!("{one} See the GPU counts below.")
    } else if fits.demand.replicated >= fits.demand.total {
        format!(
            "{one} Its {} is needed on every GPU it runs on, so more GPUs do not help: only a smaller demand, or a GPU with more memory than any listed, would.",
            format_bytes(fits.needed, u)
        )
    } else if copy > 1 {
        format!(
            "{one} One copy runs on {copy} GPUs as set on this page, and each needs {}: a larger tensor-parallel size spreads it over more.",
            format_bytes(fits.needed, u)
        )
    } else {
        format!(
            "{one} Nor does a layout of up to {} GPUs of one kind.",
            crate::catalog::MAX_GPUS
        )
    }
}

/// How many options fit: with the margin, and without it.
pub fn counted(fits: &Fits) -> String {
    if fits.options.is_empty() {
        return "No option is listed: those too small are hidden, and the filters may hide others."
            .to_string();
    }
    let fit = fits.fitting().count();
    let tight = fits
        .options
        .iter()
        .filter(|o| o.status == FitStatus::Tight)
        .count();
    let listed = fits.options.len();
    if tight == 0 {
        format!("{fit} of the {listed} options listed fit.")
    } else {
        format!(
            "{fit} of the {listed} options listed fit with the margin; {tight} more hold the workload without it (marked tight)."
        )
    }
}

/// The title and the explanation of the multi-GPU section: how a split is
/// laid out for this workload.
pub fn split_section(fits: &Fits) -> (&'static str, &'static str) {
    if fits.demand.batch > 0 {
        (
            "Split over several GPUs (data parallelism)",
            "GPUs too small on their own: how many hold the batch together, with the margin on each. Each GPU keeps the whole network, its training state and the runtime overhead, and takes its share of the images with their feature maps; the GPUs of a host share one VM, and a split over more hosts runs one VM per host.",
        )
    } else {
        (
            "Split over several GPUs (tensor or pipeline parallelism)",
            "GPUs too small on their own: how many hold the workload together, with the margin on each, laid out as an engine runs it: tensor parallel within a host at a degree that divides the attention heads (and, on NVSwitch baseboards, a partition of 1, 2, 4 or 8 GPUs), pipeline stages across hosts. The runtime overhead is needed again on every GPU; the engine's reserve is taken from each GPU.",
        )
    }
}

/// Why MIG options are missing: one copy runs on several devices.
pub fn mig_left_out(fits: &Fits) -> Option<String> {
    fits.mig_left_out.then(|| {
        format!(
            "One copy runs on {} GPUs, so MIG instances and MIG-backed vGPUs are left out: a CUDA process sees one MIG instance, and MIG instances do not exchange data peer to peer. Per host counts whole sets of {} devices. Several time-sliced vGPUs in one VM need vSphere 8.0, and only full-framebuffer types talk peer to peer (the others go through host memory, slower).",
            fits.demand.copy_gpus, fits.demand.copy_gpus
        )
    })
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
            crate::input::number_text(fits.margin_percent),
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
            crate::input::number_text(fits.margin_percent),
            format_bytes(o.capacity, u),
            o.mode.label(),
            o.per_gpu
        ),
        RecommendationKind::Densest => {
            // A superchip server holds at most two modules.
            let host = if o.arm_host() {
                plural(
                    fits.cards_per_host
                        .clamp(1, crate::catalog::MAX_SUPERCHIPS_PER_HOST),
                    "module",
                    "modules",
                )
            } else {
                plural(fits.cards_per_host, "card", "cards")
            };
            match fits.demand.copy_gpus.max(1) {
                1 => format!(
                    "The most copies per host: {} per GPU, {} per host of {host}.",
                    o.per_gpu, o.per_host
                ),
                n => format!(
                    "The most copies per host: {} per host of {host}, each copy on {n} instances on {n} GPUs ({} per GPU).",
                    o.per_host, o.per_gpu
                ),
            }
        }
        RecommendationKind::MostHeadroom => format!(
            "The most room to grow: {} free ({:.0} % of {}).",
            format_bytes(o.headroom.max(0) as u64, u),
            o.headroom_percent,
            format_bytes(o.capacity, u)
        ),
        RecommendationKind::MeetsTarget => {
            let users = o.speed.as_ref().and_then(|s| s.users_meeting);
            format!(
                "The smallest option that meets the latency target{}: {} ({}){}.",
                if o.speed.as_ref().is_some_and(|s| s.busy_share < 1.0) {
                    " with every VM on the GPU busy"
                } else {
                    ""
                },
                format_bytes(o.capacity, u),
                o.mode.label(),
                users.map_or(String::new(), |n| format!(
                    ", up to {} concurrent users",
                    group_digits(n)
                ))
            )
        }
    }
}

/// The memory of the reverse questions in the units asked, with the GiB it
/// was given in beside them when they differ: "85.90 GB (80 GiB)".
pub fn memory_given(memory: u64, u: ByteUnits) -> String {
    if u == ByteUnits::Binary {
        format_bytes(memory, u)
    } else {
        // As typed in GiB, up to four decimals (23.999); three significant
        // digits below a hundredth, never "0 GiB".
        let gib = memory as f64 / 1_073_741_824.0;
        let gib = if gib >= 0.01 {
            crate::input::number_text((gib * 1e4).round() / 1e4)
        } else {
            sig(gib)
        };
        format!("{} ({gib} GiB)", format_bytes(memory, u))
    }
}

/// A reverse answer for `memory` bytes per GPU, counting `(one, many)` (tokens,
/// sequences, images): "Longest context: 16,384 (needs 20.5 GB of 21.07 GB)."
pub fn reverse(
    r: &Reverse,
    memory: u64,
    what: &str,
    (one, many): (&str, &str),
    u: ByteUnits,
) -> String {
    let fb = |b: u64| format_bytes(b, u);
    let given = memory_given(memory, u);
    match *r {
        Reverse::Fits { value, total } => format!(
            "{what}: {} (needs {} of {given}).",
            group_digits(value),
            fb(total),
        ),
        Reverse::Nothing { total_at_one } => format!(
            "{what}: none — even 1 {one} needs {}, more than {given}.",
            if total_at_one == u64::MAX {
                "more than 16 EiB".to_string()
            } else {
                fb(total_at_one)
            },
        ),
        Reverse::Unbounded { limit } => format!(
            "{what}: every value up to {} {many} fits (the limit: {}).",
            group_digits(limit),
            if one == "token" {
                "the model's positions, or the longest context headroom takes"
            } else {
                "the largest value headroom takes"
            }
        ),
    }
}

/// The notes of the JSON's fits: what was needed, then the rules.
fn notes(fits: &Fits, u: ByteUnits) -> Vec<String> {
    std::iter::once(needed(fits, u))
        .chain(FIT_RULES.iter().map(|r| r.to_string()))
        .collect()
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

/// Three significant digits, digits grouped: 0.00824 → "0.00824", 1189.8 → "1,190".
pub fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    // Beyond what digits say readably: three significant digits, scientific.
    if x.abs() >= 1e15 || x.abs() < 1e-6 {
        return format!("{x:.2e}");
    }
    let mut digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    let p = 10f64.powi(digits as i32);
    let r = (x * p).round() / p;
    // Rounding up to the next power of ten (0.0009996 → 0.001) gains a digit.
    if digits > 0 && r.abs() * 10f64.powi(digits as i32 - 3) >= 1.0 {
        digits -= 1;
    }
    if digits == 0 {
        let sign = if r < 0.0 { "-" } else { "" };
        format!("{sign}{}", group_digits(r.abs() as u64))
    } else {
        format!("{r:.digits$}")
    }
}

/// A duration as people say it: "11.7 ns", "8.24 ms", "0.879 s", "14.5 days", "291 years".
pub fn duration(s: f64) -> String {
    const MINUTE: f64 = 60.0;
    const HOUR: f64 = 3600.0;
    const DAY: f64 = 86_400.0;
    const YEAR: f64 = 365.25 * DAY;
    if !s.is_finite() {
        "—".to_string()
    } else if s > 0.0 && s < 1e-6 {
        format!("{} ns", sig(s * 1e9))
    } else if s > 0.0 && s < 1e-3 {
        format!("{} µs", sig(s * 1e6))
    } else if s < 1.0 {
        format!("{} ms", sig(s * 1000.0))
    } else if s < 2.0 * MINUTE {
        format!("{} s", sig(s))
    } else if s < 2.0 * HOUR {
        format!("{} min", sig(s / MINUTE))
    } else if s < 2.0 * DAY {
        format!("{} h", sig(s / HOUR))
    } else if s < YEAR {
        format!("{} days", sig(s / DAY))
    } else {
        format!("{} years", sig(s / YEAR))
    }
}

/// A large count with an SI prefix: "13.2 G", "740".
pub fn si(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e6 {
        return crate::input::number_text(x);
    }
    let mut v = x;
    for p in ["", " k", " M", " G", " T", " P", " E", " Z"] {
        if v.abs() < 999.5 {
            return format!("{}{p}", sig(v));
        }
        v /= 1000.0;
    }
    format!("{} Y", sig(v))
}

/// "13.2 G" → "13.2 G" with the unit joined after ("13.2 GFLOP"); "740" → "740 ".
fn prefixed(x: f64) -> String {
    let s = si(x);
    if s.ends_with(|c: char| c.is_ascii_digit()) {
        s + " "
    } else {
        s
    }
}

/// A speed figure's value in the units on show.
pub fn figure_value(unit: Unit, x: f64, u: ByteUnits) -> String {
    match unit {
        Unit::Seconds => duration(x),
        Unit::Flops => format!("{}FLOP", prefixed(x)),
        Unit::FlopRate => format!("{}FLOP/s", prefixed(x)),
        Unit::Bytes => format_bytes(x.max(0.0).min(u64::MAX as f64) as u64, u),
        Unit::Tokens => format!("{} tokens/s", sig(x)),
        Unit::Samples => format!("{}/s", sig(x)),
        Unit::Count => si(x),
        Unit::KilowattHours => format!("{} kWh", si(x)),
        Unit::Money => sig(x),
        Unit::Ratio => format!("{} %", sig(x * 100.0)),
    }
}

/// A figure's value, and its band when it has one: "8.24 ms (6.18 ms – 10.3 ms)".
pub fn figure(f: &Figure, u: ByteUnits) -> String {
    let v = figure_value(f.unit, f.value, u);
    if f.low == f.high {
        v
    } else {
        format!(
            "{v} ({} – {})",
            figure_value(f.unit, f.low, u),
            figure_value(f.unit, f.high, u)
        )
    }
}

/// The latency targets set, as words: "time per output token ≤ 10.0 ms".
fn targets(sp: &Speed) -> String {
    [
        sp.ttft_target_s
            .map(|t| format!("time to first token ≤ {}", duration(t))),
        sp.tpot_target_s
            .map(|t| format!("time per output token ≤ {}", duration(t))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// When the option the Speed card details misses the latency targets (and no
/// sentence says so already): what it reaches against what was asked.
pub fn detail_misses(sp: &Speed) -> Option<String> {
    let d = sp.detail.as_ref()?;
    if d.meets_target != Some(false) || sp.target_unmet {
        return None;
    }
    let reached: Vec<String> = ["ttft", "tpot"]
        .iter()
        .filter_map(|id| d.figures.iter().find(|f| f.id == *id))
        .map(|f| format!("{} {}", f.label.to_lowercase(), duration(f.value)))
        .collect();
    Some(format!(
        "This misses the latency target ({}): {}.{}",
        targets(sp),
        reached.join(", "),
        if sp.target_layout.is_some() {
            ""
        } else {
            " The Fits panel marks the options that meet it."
        }
    ))
}

/// When no option and no split meets the latency targets: which targets, and
/// what would help.
pub fn target_unmet(sp: &Speed) -> Option<String> {
    if !sp.target_unmet {
        return None;
    }
    if sp.copy_gpus > 1 {
        return Some(format!(
            "No option meets the latency target ({}) with one copy on {} GPUs as set on this page; no other split is tried here. A larger tensor-parallel size, fewer users per copy or a smaller weight format may.",
            targets(sp),
            sp.copy_gpus
        ));
    }
    Some(format!(
        "No option meets the latency target ({}), nor does a split: each GPU was tried from the count that holds the workload up to {} (or at that count, when it is more). A looser target, fewer users per copy or a smaller weight format may.",
        targets(sp),
        crate::speed::MAX_TARGET_GPUS
    ))
}

/// An option's speed in two cells, for the Fits table: how long, and how much.
/// Generating: "13.4 ms/token · first 879 ms" and "1,190 tokens/s"; training:
/// the run's time and samples/s; other inference: the batch's time and samples/s.
pub fn speed_cells(s: &OptionSpeed) -> [String; 2] {
    let busy = if s.busy_share < 1.0 {
        format!(" ({} all busy)", duration(s.busy_step_s))
    } else {
        String::new()
    };
    match (s.ttft_s, s.training_s) {
        (Some(ttft), _) => [
            format!(
                "{}/token{busy} · first {}",
                duration(s.step_s),
                duration(ttft)
            ),
            format!("{} tokens/s", sig(s.throughput)),
        ],
        (None, Some(t)) => [
            if s.busy_share < 1.0 && s.step_s > 0.0 {
                format!(
                    "{} ({} all busy)",
                    duration(t),
                    duration(t * s.busy_step_s / s.step_s)
                )
            } else {
                duration(t)
            },
            format!("{} samples/s", sig(s.throughput)),
        ],
        (None, None) => [
            format!("{}/batch{busy}", duration(s.step_s)),
            format!("{}/s", sig(s.throughput)),
        ],
    }
}

/// The answer on one kind of the user's hosts, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetWords {
    /// "Your NVIDIA L40S: 4 per host × 6 hosts".
    pub title: String,
    /// Where it fits on them, or how many of them it takes and how.
    pub verdict: String,
    /// How far one GPU falls short, when it does.
    pub short: Option<String>,
    /// What would make it fit one GPU.
    pub fixes: Vec<String>,
}

fn plural(n: u32, one: &str, many: &str) -> String {
    crate::units::count(u64::from(n), one, many)
}

/// How one copy runs over several GPUs: "tensor parallel 4 within one host",
/// "tensor parallel 8 × 2 pipeline stages over 2 hosts", "data parallel 4
/// within one host, the batch split 4 ways".
pub fn layout(l: Layout) -> String {
    if l.data > 1 {
        let hosts = if l.hosts > 1 {
            format!("over {}", plural(l.hosts, "host", "hosts"))
        } else {
            "within one host".to_string()
        };
        format!(
            "data parallel {} {hosts}, the batch split {} ways",
            l.data, l.data
        )
    } else if l.pipeline == 1 {
        format!("tensor parallel {} within one host", l.tensor)
    } else if l.hosts == 1 {
        format!(
            "tensor parallel {} × {} pipeline stages within one host",
            l.tensor, l.pipeline
        )
    } else if l.tensor == 1 {
        format!(
            "{} pipeline stages over {}",
            l.pipeline,
            plural(l.hosts, "host", "hosts")
        )
    } else {
        format!(
            "tensor parallel {} × {} pipeline stages over {}",
            l.tensor,
            l.pipeline,
            plural(l.hosts, "host", "hosts")
        )
    }
}

/// A layout in a table cell: "TP 4", "TP 8 × PP 2 (2 hosts)", "PP 3", "DP 4".
pub fn layout_short(l: Layout) -> String {
    let hosts = if l.hosts > 1 {
        format!(" ({} hosts)", l.hosts)
    } else {
        String::new()
    };
    if l.data > 1 {
        return format!("DP {}{hosts}", l.data);
    }
    match (l.tensor, l.pipeline) {
        (t, 1) => format!("TP {t}{hosts}"),
        (1, p) => format!("PP {p}{hosts}"),
        (t, p) => format!("TP {t} × PP {p}{hosts}"),
    }
}

/// Why a split takes the GPUs it does, when an even split would take fewer.
pub fn rounding(fewest: u32, r: Option<Rounding>) -> Option<String> {
    let why = match r? {
        Rounding::Heads(h) if h.kv < h.query => format!(
            "tensor parallelism must divide the {} attention heads and suit the {} key/value heads",
            h.query, h.kv
        ),
        Rounding::Heads(h) => format!(
            "tensor parallelism must divide the {} attention heads",
            h.query
        ),
        Rounding::NvSwitch => "an NVSwitch partition has 1, 2, 4 or 8 GPUs".to_string(),
        Rounding::Stages(t) => format!(
            "more GPUs than one host has run as pipeline stages of {t} GPUs each, a tensor-parallel group within a host"
        ),
    };
    Some(format!("{fewest} would hold it, but {why}."))
}

/// The answer on one kind of the user's hosts, in units `u`.
pub fn fleet(a: &FleetAnswer, u: ByteUnits) -> FleetWords {
    let fb = |b: u64| format_bytes(b, u);
    let gpus = a.gpus_per_host.saturating_mul(a.hosts);
    let title = format!(
        "Your {}: {} per host × {}",
        a.gpu_name,
        a.gpus_per_host,
        plural(a.hosts, "host", "hosts")
    );
    let short_name = a.gpu_name.trim_start_matches("NVIDIA ");
    let verdict = match (&a.one, &a.split) {
        (Some(o), _) => {
            let free = u64::try_from(o.headroom).unwrap_or(0);
            let how = match (&o.profile, a.copy_gpus) {
                (Some(p), 1) => format!("one {p} ({})", o.mode.label()),
                (None, 1) => "one whole GPU".to_string(),
                (Some(p), n) => format!("{n} × {p} ({}), one on each of {n} GPUs", o.mode.label()),
                (None, n) => format!("{n} whole GPUs"),
            };
            let yours = if gpus == 1 {
                "Your GPU holds".to_string()
            } else {
                format!("Your {} GPUs hold", group_digits(u64::from(gpus)))
            };
            let held = if a.gpus_per_host < a.copy_gpus {
                format!(
                    "Your hosts of this kind have {} each: one copy needs {} in one host (a VM cannot span hosts), so they hold none. {}",
                    plural(a.gpus_per_host, "GPU", "GPUs"),
                    plural(a.copy_gpus, "GPU", "GPUs"),
                    // A known demand is stated per GPU: no parallelism to change.
                    if a.splits {
                        "More GPUs per host, or a smaller tensor-parallel size, would."
                    } else {
                        "Hosts with more GPUs would."
                    }
                )
            } else {
                format!("{yours} {}.", plural(a.copies, "copy", "copies"))
            };
            format!(
                "Fits {how}: {} usable, {} free with the workload. {held}",
                fb(o.capacity),
                fb(free),
            )
        }
        (None, Some(s)) => {
            let l = s.layout;
            let how = layout(l);
            let run = if s.in_fleet {
                format!("Your hosts run {}.", plural(a.copies, "copy", "copies"))
            } else {
                format!(
                    "Your hosts of this kind have {}: one copy needs {}.",
                    plural(gpus, "GPU", "GPUs"),
                    group_digits(u64::from(l.gpus()))
                )
            };
            let why = rounding(s.fewest, s.rounding).map_or_else(String::new, |w| format!(" {w}"));
            format!(
                "Needs {} × {short_name}: {how}, {} of {} on each GPU.{why} {run}",
                l.gpus(),
                fb(s.per_gpu),
                fb(a.capacity)
            )
        }
        (None, None) if a.splits && a.copy_gpus > 1 => format!(
            "Does not fit: one copy runs on {} GPUs as set, each needing {}, and one {short_name} has {}. A larger tensor-parallel size spreads it over more.",
            a.copy_gpus,
            fb(a.needed),
            fb(a.capacity)
        ),
        (None, None) if !a.splits => format!(
            "Does not fit: the {} it needs with the margin is needed on every GPU it runs on, and one {short_name} has {}.",
            fb(a.needed),
            fb(a.capacity)
        ),
        (None, None) => format!(
            "Does not fit even split over {} × {short_name}.",
            crate::catalog::MAX_GPUS
        ),
    };
    let short = (a.short_by > 0).then(|| {
        format!(
            "One {short_name} is short by {}: the workload needs {} with the margin, the GPU has {}.",
            fb(a.short_by),
            fb(a.needed),
            fb(a.capacity)
        )
    });
    let fixes = a
        .fixes
        .iter()
        .map(|f| {
            if f.fits {
                format!("With {}: {}, fits one GPU.", f.change, fb(f.total))
            } else {
                format!(
                    "With {}: {} ({} with the margin), still more than one GPU holds ({}).",
                    f.change,
                    fb(f.total),
                    fb(f.needed),
                    fb(a.capacity)
                )
            }
        })
        .collect();
    FleetWords {
        title,
        verdict,
        short,
        fixes,
    }
}

/// One bar of the fits chart in words: the need against the capacity, and what is
/// left or missing ("18.2 GB of 48.3 GB: 30.1 GB left").
pub fn fit_bar(capacity: u64, demand: u64, needed: u64, u: ByteUnits) -> String {
    let of = format!(
        "{} of {}",
        format_bytes(needed, u),
        format_bytes(capacity, u)
    );
    if capacity >= needed {
        format!("{of}: {} left", format_bytes(capacity - needed, u))
    } else if capacity >= demand {
        format!(
            "{of}: inside the margin ({} above the demand)",
            format_bytes(capacity - demand, u)
        )
    } else {
        format!("{of}: short by {}", format_bytes(needed - capacity, u))
    }
}

/// One GPU drawn as its slots, in words: "4 per GPU of 85.90 GB: each 18.09 GB of
/// 20.94 GB used".
pub fn gpu_slots(instances: u32, gpu_memory: u64, slot: u64, demand: u64, u: ByteUnits) -> String {
    format!(
        "{instances} per GPU of {}: each {} of {} used",
        format_bytes(gpu_memory, u),
        format_bytes(demand, u),
        format_bytes(slot, u)
    )
}

/// The memory bar's reference option in words: "Against NVIDIA A10 (your GPU):
/// 18.09 GB used + 1.81 GB margin = 19.90 GB of 24.16 GB usable; 4.26 GB left."
pub fn against(a: &crate::report::chart::Against, u: ByteUnits) -> String {
    let whose = if a.mine {
        " (your GPU)"
    } else {
        " (the first recommendation)"
    };
    let head = format!(
        "Against {}{whose}: {} used + {} margin = {} of {} usable",
        a.label,
        format_bytes(a.demand, u),
        format_bytes(a.needed.saturating_sub(a.demand), u),
        format_bytes(a.needed, u),
        format_bytes(a.capacity, u),
    );
    let left = a.left();
    if left >= 0 {
        format!("{head}; {} left.", format_bytes(left as u64, u))
    } else if let Some((l, per_gpu)) = a.split {
        format!(
            "{head}: one GPU is short by {}, so one copy is split over {} ({}), {} on each.",
            format_bytes(u64::try_from(left.unsigned_abs()).unwrap_or(u64::MAX), u),
            l.gpus(),
            layout(l),
            format_bytes(per_gpu, u)
        )
    } else {
        format!(
            "{head}; short by {}.",
            format_bytes(u64::try_from(left.unsigned_abs()).unwrap_or(u64::MAX), u)
        )
    }
}
