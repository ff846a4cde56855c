//! How fast and how long: inference latency and throughput, training time and
//! communication, for every fit option. A roofline model: a step takes as long
//! as the slower of its arithmetic (FLOPs ÷ (peak × MFU)) and its memory traffic
//! (bytes ÷ (bandwidth × MBU)), plus a fixed overhead. The efficiencies are
//! calibrated against public measurements (`docs/throughput.md`); every figure
//! carries its formula, inputs, assumption and band, as the memory terms do.

pub mod efficiency;
pub mod flops;
pub mod form;
pub mod gpu;
pub mod inference;
pub mod link;
pub mod row;
pub mod training;

use serde::{Deserialize, Serialize};

use crate::catalog::{
    Catalog, DeploymentMode, FitOption, FitSettings, FitStatus, Fits, Gpu, Layout, MultiGpu,
    Recommendation, RecommendationKind,
};
use crate::scenario::FieldError;
use gpu::{Share, Slot};
use inference::{Serving, Targets};

pub use crate::scenario::SpeedInputs;
pub use efficiency::{Efficiencies, Engine};
pub use flops::Work;
pub use link::{Link, Overlap};
pub use row::{Bound, OptionSpeed};

/// What a figure counts, for formatting at the edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Seconds,
    Flops,
    /// FLOP/s.
    FlopRate,
    Bytes,
    /// Tokens per second.
    Tokens,
    /// Images or sequences per second.
    Samples,
    Count,
    KilowattHours,
    /// The user's currency.
    Money,
    Ratio,
}

/// One figure of the speed breakdown: its value and band, the arithmetic with the
/// actual numbers, and the assumption behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Stable id: "ttft", "tpot", "iteration", ….
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub value: f64,
    /// The band the true figure is expected in (both `value` when exact).
    pub low: f64,
    pub high: f64,
    pub formula: String,
    pub note: String,
}

impl Figure {
    pub fn exact(
        id: &str,
        label: &str,
        unit: Unit,
        value: f64,
        formula: String,
        note: &str,
    ) -> Figure {
        let value = finite(value);
        Figure {
            id: id.into(),
            label: label.into(),
            unit,
            value,
            low: value,
            high: value,
            formula: attach_prefixes(formula),
            note: note.into(),
        }
    }

    /// The figure with the calibration's band, ± [`efficiency::BAND`].
    pub fn banded(mut self) -> Figure {
        self.low = self.value * (1.0 - efficiency::BAND);
        self.high = self.value * (1.0 + efficiency::BAND);
        self
    }
}

/// `f` with the calibration's band (an estimate that rests on the efficiencies).
pub(crate) fn band(f: Figure) -> Figure {
    f.banded()
}

/// One point of the latency curve: the option's speed at `users` concurrent sequences.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub users: u64,
    pub tpot_s: f64,
    pub tokens_per_s: f64,
    pub bound: Bound,
}

/// The option or multi-GPU layout the card details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    /// Index into [`crate::catalog::Fits::options`], when it is an option.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<usize>,
    /// Index into [`crate::catalog::Fits::multi_gpu`], when it is a layout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<usize>,
    /// GPUs the workload is split over (1 for an option).
    pub gpus: u32,
    /// Training: data-parallel replicas the scenario sets (a CNN's GPUs, a
    /// transformer's data-parallel size), each on its own `gpus` (1 otherwise).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub replicas: u32,
    /// How a layout's GPUs run it: tensor parallel × pipeline stages, over hosts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel: Option<Layout>,
    /// With latency targets: whether this option or layout meets them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meets_target: Option<bool>,
    /// Its key: `gpu_id`, `gpu_id/profile`, or `gpu_id×gpus` for a layout.
    pub key: String,
    /// As people name it ("NVIDIA H100 SXM5 80GB · 3g.40gb (MIG instance)").
    pub label: String,
    pub efficiencies: Efficiencies,
    /// Inference or training figures, in reading order.
    pub figures: Vec<Figure>,
    /// Generating transformers: TPOT and tokens/s against concurrent users, up to
    /// the option's memory capacity.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub curve: Vec<CurvePoint>,
    /// The scenario's concurrent sequences (generating transformers; else 0).
    #[serde(skip_serializing_if = "is_zero")]
    pub users: u64,
    /// Training: the run, the dataset and the all-reduce.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training: Option<training::Run>,
}

/// The fewest GPUs that meet the latency targets when no single option does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetLayout {
    /// Index into [`crate::catalog::Fits::multi_gpu`].
    pub layout: usize,
    pub gpu_name: String,
    pub gpus: u32,
    pub speed: OptionSpeed,
}

/// The speed section of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Speed {
    /// FLOPs of the workload, whatever the GPU.
    pub work: Vec<Figure>,
    /// The detailed option; `None` when no option is listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
    /// The targets asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttft_target_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tpot_target_s: Option<f64>,
    /// No single option meets the targets, and this many GPUs of one kind do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_layout: Option<TargetLayout>,
    /// Targets are set and neither an option nor a split over up to
    /// [`MAX_TARGET_GPUS`] GPUs of one kind meets them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub target_unmet: bool,
    /// GPUs one copy runs on as the scenario sets it: above 1, no further split is tried.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub copy_gpus: u32,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// The article's all-reduce example (Denneman, "Multi-GPU for distributed
/// training", 2023): BERT-Large's 340 M FP32 gradients ring-all-reduced over
/// 25 Gb Ethernet, 30,000 iterations per epoch for 100 epochs: 2.72 GB and
/// 870 ms per iteration, 725 hours in all. Many GPUs (1,024), as the article's
/// "twice the gradients" assumes.
pub fn bert_all_reduce_example() -> crate::scenario::Scenario {
    use crate::scenario::{ModelRef, Scenario, TransformerScenario, Workload};
    let mut s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Zoo("bert-large".into()),
        mode: crate::mode::Mode::Training,
        recipe: crate::transformer::training::Recipe::Fp32,
        micro_batch: 1,
        context: 128,
        data_parallel: 1024,
        ..TransformerScenario::default()
    }));
    s.name = "BERT-Large all-reduce over 25 GbE (the article's example)".into();
    s.speed.gradient_params = Some(340_000_000);
    s.speed.link = Link::Eth25;
    s.speed.overlap = Overlap::None;
    s.speed.samples = Some(30_000 * 1024);
    s.speed.epochs = Some(100);
    s
}

/// The key a scenario names a multi-GPU layout by: `h100-sxm5-80gb×4`.
pub fn layout_key(gpu_id: &str, gpus: u32) -> String {
    format!("{gpu_id}×{gpus}")
}

/// Most GPUs of one kind tried for a latency target: one host of 8 (tensor
/// parallelism stays within one NVLink domain). Only counts that divide the
/// attention heads are tried.
pub const MAX_TARGET_GPUS: u32 = 8;

/// The key a scenario names an option by.
pub fn option_key(gpu_id: &str, profile: Option<&str>) -> String {
    match profile {
        Some(p) => format!("{gpu_id}/{p}"),
        None => gpu_id.to_string(),
    }
}

/// `x`, or 0 when it is not a finite number (no NaN or ∞ leaves the engine).
pub(crate) fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// "9.08 G B" → "9.08 GB", "312 T FLOP/s" → "312 TFLOP/s": a prefix [`num`]
/// wrote joins the unit after it.
fn attach_prefixes(mut s: String) -> String {
    for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
        for unit in ["B", "FLOP"] {
            s = s.replace(&format!(" {p} {unit}"), &format!(" {p}{unit}"));
        }
    }
    s
}

/// Figures as people read them in a formula: whole numbers below a million with
/// their digits grouped ("7,936"); else 3 significant digits, with an SI prefix
/// from a thousand up ("13.2 G").
pub(crate) fn num(x: f64) -> String {
    let x = finite(x);
    if x.fract() == 0.0 && x.abs() < 1e6 {
        return crate::input::number_text(x);
    }
    const PREFIXES: [&str; 8] = [" k", " M", " G", " T", " P", " E", " Z", " Y"];
    let mut v = sig3(x);
    let mut prefix = "";
    for p in PREFIXES {
        if v.abs() < 999.5 {
            break;
        }
        v = sig3(v / 1000.0);
        prefix = p;
    }
    format!("{}{prefix}", crate::input::number_text(v))
}

/// Seconds in a formula: as [`num`] below a thousand, else whole seconds with
/// their digits grouped to 3 significant digits ("1,520 s", not "1.52 k s": an
/// SI prefix on seconds reads as kiloseconds, which nobody writes).
pub(crate) fn secs(x: f64) -> String {
    let x = finite(x);
    if x.abs() < 999.5 {
        return num(x);
    }
    crate::input::number_text(sig3(x).round())
}

/// `x` to 3 significant digits.
pub(crate) fn sig3(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return finite(x);
    }
    let p = 10f64.powi(2 - x.abs().log10().floor() as i32);
    (x * p).round() / p
}

/// Speeds every option of `fits` (its `speed`), adds the "meets the latency
/// target" recommendation, and returns the section (its `detail` comes from
/// [`detail`] once the options are final). `Err` holds the speed question's problems.
pub fn size(
    work: &Work,
    s: &SpeedInputs,
    fits: &mut Fits,
    catalog: &Catalog,
    settings: &FitSettings,
    cnn: bool,
) -> Result<Speed, Vec<FieldError>> {
    s.check()?;
    if let Work::Generate(g) = work
        && s.output_tokens >= g.context
    {
        return Err(vec![FieldError::new(
            form::OUTPUT_TOKENS.path,
            format!(
                "Must be less than the context ({}): the prompt is the rest of it.",
                crate::units::count(g.context, "token", "tokens")
            ),
        )]);
    }
    let targets = Targets::of(s);
    let on = Setting::of(s, fits, cnn);
    // An option too small to hold the workload has no speed: it does not run.
    for o in fits
        .options
        .iter_mut()
        .filter(|o| o.status != FitStatus::TooSmall)
    {
        o.speed = catalog
            .gpu(&o.gpu_id)
            .and_then(|gpu| on.on(work, gpu, Slot::from(&*o), o.capacity))
            .map(|v| v.row(&targets));
    }
    // Layouts over several GPUs: at their own count, and the fewest that meet the targets.
    let heads = fits.demand.heads;
    for m in &mut fits.multi_gpu {
        let Some(gpu) = catalog.gpu(&m.gpu_id) else {
            continue;
        };
        let row = |l: Layout| {
            let split = work.split_layout(l);
            on.on(&split, gpu, Slot::WHOLE, m.capacity)
                .map(|v| v.row(&targets))
        };
        m.speed = row(m.layout);
        if targets.any() {
            let (own, first) = (m.layout, m.gpus);
            m.target_gpus = (m.gpus..=m.gpus.max(MAX_TARGET_GPUS))
                .filter(|&n| work.splits(n.into()))
                .find(|&n| {
                    let l = layout_of(n, first, own, gpu, on.cards, heads);
                    row(l).is_some_and(|r| r.meets_target == Some(true))
                });
        }
    }
    if targets.any()
        && let Some((i, _)) = fits
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                o.status == FitStatus::Fits
                    && o.speed
                        .as_ref()
                        .is_some_and(|s| s.meets_target == Some(true))
            })
            .min_by(|a, b| {
                a.1.capacity
                    .cmp(&b.1.capacity)
                    .then(b.1.per_host.cmp(&a.1.per_host))
            })
    {
        fits.recommendations.push(Recommendation {
            kind: RecommendationKind::MeetsTarget,
            option: i,
        });
    }
    let single = fits
        .recommendations
        .iter()
        .any(|r| r.kind == RecommendationKind::MeetsTarget);
    if targets.any() && !single && fits.demand.copy_gpus <= 1 {
        faster_splits(work, s, fits, catalog, settings, &targets, cnn);
    }
    let target_layout = if single {
        None
    } else {
        fits.multi_gpu
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.target_gpus.map(|n| (i, m, n)))
            .min_by(|a, b| a.2.cmp(&b.2).then(a.1.capacity.cmp(&b.1.capacity)))
            .and_then(|(i, m, n)| {
                let gpu = catalog.gpu(&m.gpu_id)?;
                let split = work.split_layout(row_layout(fits, m, n, gpu));
                let v = on.on(&split, gpu, Slot::WHOLE, m.capacity)?;
                Some(TargetLayout {
                    layout: i,
                    gpu_name: m.gpu_name.clone(),
                    gpus: n,
                    speed: v.row(&targets),
                })
            })
    };
    Ok(Speed {
        work: work.figures(),
        detail: None,
        ttft_target_s: targets.ttft,
        tpot_target_s: targets.tpot,
        target_unmet: targets.any() && !single && target_layout.is_none(),
        target_layout,
        copy_gpus: fits.demand.copy_gpus.max(1),
    })
}

/// When no single option meets the targets: GPUs that hold the workload alone,
/// split in tensor parallel over 2 to [`MAX_TARGET_GPUS`] of them to run
/// faster. The fewest that meet the targets (ties: the smaller GPU) join the
/// multi-GPU rows when they take fewer GPUs than any row there meeting them.
fn faster_splits(
    work: &Work,
    s: &SpeedInputs,
    fits: &mut Fits,
    catalog: &Catalog,
    settings: &FitSettings,
    targets: &Targets,
    cnn: bool,
) {
    let on = Setting::of(s, fits, cnn);
    let rows_best = fits
        .multi_gpu
        .iter()
        .filter_map(|m| m.target_gpus.map(|n| (n, m.capacity)))
        .min();
    let mut best: Option<MultiGpu> = None;
    for o in fits
        .options
        .iter()
        .filter(|o| o.mode == DeploymentMode::Passthrough && o.status == FitStatus::Fits)
    {
        if fits.multi_gpu.iter().any(|m| m.gpu_id == o.gpu_id) {
            continue;
        }
        let Some(gpu) = catalog.gpu(&o.gpu_id) else {
            continue;
        };
        for n in 2..=MAX_TARGET_GPUS {
            if !work.splits(n.into()) {
                continue;
            }
            let Some(mut m) = crate::catalog::faster_split(gpu, &fits.demand, settings, n) else {
                continue;
            };
            let split = work.split_layout(m.layout);
            let row = on
                .on(&split, gpu, Slot::WHOLE, m.capacity)
                .map(|v| v.row(targets));
            if row.as_ref().is_some_and(|r| r.meets_target == Some(true)) {
                m.speed = row;
                m.target_gpus = Some(n);
                if best
                    .as_ref()
                    .is_none_or(|b| (n, m.capacity) < (b.gpus, b.capacity))
                {
                    best = Some(m);
                }
                break;
            }
        }
    }
    if let Some(m) = best
        && rows_best.is_none_or(|b| (m.gpus, m.capacity) < b)
    {
        fits.multi_gpu.push(m);
    }
}

/// The layout of `n` GPUs of a multi-GPU row: its own when `n` is its count
/// (`first`), else the catalog's hosts' layout of `n` (tensor parallel within a
/// host at a degree the heads accept, pipeline stages across hosts).
fn layout_of(
    n: u32,
    first: u32,
    own: Layout,
    gpu: &Gpu,
    cards_per_host: u32,
    heads: Option<crate::catalog::Heads>,
) -> Layout {
    if n == first {
        return own;
    }
    let per_host = gpu.per_host(cards_per_host);
    if own.data > 1 {
        return Layout::data(n, per_host);
    }
    let l = crate::catalog::layout(n, per_host, heads, gpu.nvswitch());
    // The search counts GPUs; a count the heads round up is run as tensor parallel n.
    if l.gpus() == n {
        l
    } else {
        Layout::model(n, 1, 1)
    }
}

/// The layout of `n` GPUs of the multi-GPU row `m` ([`layout_of`]).
fn row_layout(fits: &Fits, m: &MultiGpu, n: u32, gpu: &Gpu) -> Layout {
    layout_of(
        n,
        m.gpus,
        m.layout,
        gpu,
        fits.cards_per_host,
        fits.demand.heads,
    )
}

/// ", as K named in the scenario does not hold it" when the scenario names K,
/// another option of the detailed GPU than `own`, which the detail stands in
/// for: a split for any option or count of its GPU (`counts`), an option only
/// for another slice or profile (a count named where one GPU suffices is not
/// too small).
fn stands_in(named: Option<&str>, own: &str, gpu_id: &str, counts: bool) -> String {
    named
        .filter(|k| {
            !k.eq_ignore_ascii_case(own)
                && (counts || !k.contains('×'))
                && k.split(['/', '×']).next() == Some(gpu_id)
        })
        .map_or_else(String::new, |k| {
            format!(", as {k} named in the scenario does not hold it")
        })
}

/// What the card details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// An option of the Fits table.
    Option(usize),
    /// A multi-GPU layout split over this many GPUs.
    Layout(usize, u32),
}

/// The option or layout the scenario names, when this report has it (see [`chosen`]).
fn named(s: &SpeedInputs, fits: &Fits) -> Option<Pick> {
    let key = |o: &FitOption| option_key(&o.gpu_id, o.profile.as_deref());
    s.option.as_ref().and_then(|k| {
        // Profile names as people type them: "l40s-48c" is L40S-48C.
        if let Some(i) = fits
            .options
            .iter()
            .position(|o| key(o).eq_ignore_ascii_case(k))
        {
            return Some(Pick::Option(i));
        }
        // A layout, or an option too small to be listed: the GPU's split, at
        // the count named when it holds the workload, else the row's own.
        let (id, n) = match k.rsplit_once('×') {
            Some((id, n)) => (id, n.parse::<u32>().ok()),
            None => (k.split('/').next().unwrap_or(k), None),
        };
        if let Some(i) = fits.multi_gpu.iter().position(|m| m.gpu_id == id) {
            let m = &fits.multi_gpu[i];
            let n = n
                .filter(|n| (m.gpus..=MAX_TARGET_GPUS.max(m.gpus)).contains(n))
                .unwrap_or(m.gpus);
            return Some(Pick::Layout(i, n));
        }
        // A slice or profile too small, of a GPU that holds the workload in
        // another: that GPU's smallest option that does.
        if k.contains('×') {
            return None;
        }
        fits.options
            .iter()
            .position(|o| o.gpu_id == id && o.status != FitStatus::TooSmall)
            .map(Pick::Option)
    })
}

/// What [`chosen`] passed over for an Arm host, which ESXi does not run: the
/// card says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PassedOver {
    /// The Smallest fit (an option index).
    Smallest(usize),
    /// The first layout (a layout index).
    FirstLayout(usize),
}

/// The smallest fit a vSphere host runs: a Grace superchip (GH200, GB200) is an
/// Arm host, which ESXi does not run, so when the Smallest fit is one the next
/// fit that is not takes its place (the superchip when nothing else fits).
pub(crate) fn smallest_on_esxi(fits: &Fits) -> Option<(Pick, Option<PassedOver>)> {
    let smallest = fits
        .recommendations
        .iter()
        .find(|r| r.kind == RecommendationKind::Smallest)?
        .option;
    if !fits.options.get(smallest)?.arm_host() {
        return Some((Pick::Option(smallest), None));
    }
    Some(
        match fits
            .options
            .iter()
            .position(|o| o.status == FitStatus::Fits && !o.arm_host())
        {
            Some(i) => (Pick::Option(i), Some(PassedOver::Smallest(smallest))),
            None => (Pick::Option(smallest), None),
        },
    )
}

/// The first layout, passing over Grace (Arm) hosts as the smallest fit does.
fn first_layout_on_esxi(fits: &Fits) -> Option<(Pick, Option<PassedOver>)> {
    let first = fits.multi_gpu.first()?;
    Some(match fits.multi_gpu.iter().position(|m| !m.arm_host()) {
        Some(0) => (Pick::Layout(0, first.gpus), None),
        Some(i) => (
            Pick::Layout(i, fits.multi_gpu[i].gpus),
            Some(PassedOver::FirstLayout(0)),
        ),
        None => (Pick::Layout(0, first.gpus), None),
    })
}

/// What the card details: the option or layout the scenario names, else the
/// user's first GPU (its smallest option that holds the workload, or the
/// layout their hosts run), else the option that meets the latency target,
/// else the fewest GPUs that do, else the smallest fit, else the first option
/// that fits, else the first layout.
pub fn chosen(
    s: &SpeedInputs,
    fits: &Fits,
    speed: &Speed,
    fleet: &[crate::fleet::FleetAnswer],
) -> Option<Pick> {
    choose(s, fits, speed, fleet).map(|(pick, _)| pick)
}

/// [`chosen`]'s pick, with what it passed over for an Arm host.
fn choose(
    s: &SpeedInputs,
    fits: &Fits,
    speed: &Speed,
    fleet: &[crate::fleet::FleetAnswer],
) -> Option<(Pick, Option<PassedOver>)> {
    let plain = |pick: Pick| (pick, None);
    let key = |o: &FitOption| option_key(&o.gpu_id, o.profile.as_deref());
    let named = named(s, fits);
    let recommended = |kind| {
        fits.recommendations
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| Pick::Option(r.option))
    };
    let yours = || {
        fleet.iter().find_map(|a| {
            if let Some(o) = &a.one {
                let k = key(o);
                return fits
                    .options
                    .iter()
                    .position(|x| key(x) == k)
                    .map(Pick::Option);
            }
            let split = a.split.as_ref()?;
            let i = fits.multi_gpu.iter().position(|m| m.gpu_id == a.gpu_id)?;
            // The GPUs the user's own hosts take, which may differ from the
            // catalog's count (its hosts hold another number of cards).
            Some(Pick::Layout(i, split.layout.gpus().max(1)))
        })
    };
    named
        .or_else(yours)
        .or_else(|| recommended(RecommendationKind::MeetsTarget))
        .or_else(|| {
            speed
                .target_layout
                .as_ref()
                .map(|t| Pick::Layout(t.layout, t.gpus))
        })
        .map(plain)
        .or_else(|| smallest_on_esxi(fits))
        .or_else(|| {
            fits.options
                .iter()
                .position(|o| o.status == FitStatus::Fits)
                .map(|i| plain(Pick::Option(i)))
        })
        .or_else(|| first_layout_on_esxi(fits))
        .or_else(|| {
            fits.options
                .iter()
                .position(|o| o.status != FitStatus::TooSmall)
                .map(|i| plain(Pick::Option(i)))
        })
}

/// The card's breakdown for what [`chosen`] picks.
pub fn detail(
    work: &Work,
    s: &SpeedInputs,
    fits: &Fits,
    catalog: &Catalog,
    cnn: bool,
    speed: &Speed,
    fleet: &[crate::fleet::FleetAnswer],
) -> Option<Detail> {
    let (pick, passed_over) = choose(s, fits, speed, fleet)?;
    // A count named that the heads cannot be split over evenly (tensor
    // parallelism must divide them, as vLLM, SGLang and TensorRT-LLM require):
    // the row's own count, and the card says why.
    let pick = match pick {
        Pick::Layout(i, n) if n != fits.multi_gpu[i].gpus => {
            let m = &fits.multi_gpu[i];
            let gpu = catalog.gpu(&m.gpu_id)?;
            let l = crate::catalog::layout(
                n,
                gpu.per_host(fits.cards_per_host),
                fits.demand.heads,
                gpu.nvswitch(),
            );
            if m.layout.data <= 1 && l.gpus() != n {
                Pick::Layout(i, m.gpus)
            } else {
                pick
            }
        }
        p => p,
    };
    let (gpu_id, slot, capacity, gpus, key) = match pick {
        Pick::Option(i) => {
            let o = &fits.options[i];
            let key = option_key(&o.gpu_id, o.profile.as_deref());
            (&o.gpu_id, Slot::from(o), o.capacity, 1, key)
        }
        Pick::Layout(i, n) => {
            let m = &fits.multi_gpu[i];
            (
                &m.gpu_id,
                Slot::WHOLE,
                m.capacity,
                n,
                layout_key(&m.gpu_id, n),
            )
        }
    };
    let gpu = catalog.gpu(gpu_id)?;
    // Training: the replicas the scenario sets, each on the option or the split.
    let replicas = match work {
        Work::Train(t) => u32::try_from(t.data_parallel.max(1)).unwrap_or(u32::MAX),
        _ => 1,
    };
    // A split: the row's own layout (the user's hosts' for their GPUs), else the
    // catalog's hosts' layout of that many.
    let (label, parallel) = match pick {
        Pick::Option(i) => {
            let o = &fits.options[i];
            let copy = fits.demand.copy_gpus.max(1);
            let split = copy_words(work, copy);
            let what = match (copy, replicas) {
                (1, 1) => format!("{} · {}", o.label(), o.mode.label()),
                (_, 1) => format!(
                    "{copy} × {} · {}, one copy in {split} as set",
                    o.label(),
                    o.mode.label()
                ),
                (1, r) => format!(
                    "{r} × {} · {}, data parallel {r} as set",
                    o.label(),
                    o.mode.label()
                ),
                (c, r) => format!(
                    "{} × {} · {}, data parallel {r} × {split} as set",
                    c.saturating_mul(r),
                    o.label(),
                    o.mode.label()
                ),
            };
            let label = if o.status == FitStatus::TooSmall {
                // Named in the scenario: one GPU's rate, as a per-GPU figure of a
                // larger deployment, though one alone cannot hold the workload.
                format!("{what}, timed as if it held the workload: it does not")
            } else {
                let own = option_key(&o.gpu_id, o.profile.as_deref());
                format!(
                    "{what}{}",
                    stands_in(s.option.as_deref(), &own, &o.gpu_id, false)
                )
            };
            (label, None)
        }
        Pick::Layout(i, n) => {
            let m = &fits.multi_gpu[i];
            let l = row_layout(fits, m, n, gpu);
            let own = layout_key(&m.gpu_id, n);
            // The count named, when it is this GPU's and not what is detailed.
            let asked = s.option.as_deref().and_then(|k| {
                let (id, count) = k.rsplit_once('×')?;
                let count = count.parse::<u32>().ok()?;
                (id == m.gpu_id && count != n).then_some((k, count))
            });
            let most = MAX_TARGET_GPUS.max(m.gpus);
            let instead = match asked {
                Some((k, a)) if a > most => format!(
                    ", as one copy is timed on at most {most} GPUs ({k} named in the scenario)"
                ),
                Some((k, a)) if a > m.gpus => format!(
                    ", as {a} GPUs cannot split the model's {} attention heads evenly ({k} named in the scenario)",
                    fits.demand.heads.map_or(0, |h| h.query)
                ),
                _ => stands_in(s.option.as_deref(), &own, &m.gpu_id, true),
            };
            let label = if replicas > 1 {
                format!(
                    "{} × {} (data parallel {replicas} as set, each replica split: {}){instead}",
                    n.saturating_mul(replicas),
                    m.gpu_name,
                    crate::report::words::layout(l)
                )
            } else {
                format!(
                    "{n} × {} (split: {}){instead}",
                    m.gpu_name,
                    crate::report::words::layout(l)
                )
            };
            (label, Some(l))
        }
    };
    // A name this report has no option for (not in the catalog, filtered out,
    // or a split of a workload one GPU holds): the card says what it details.
    let label = match s.option.as_deref() {
        Some(k) if named(s, fits).is_none() => {
            format!("{label}, as {k} named in the scenario is not among this workload's options")
        }
        _ => label,
    };
    // What was passed over for an Arm host: the card says which.
    let label = match passed_over {
        Some(PassedOver::FirstLayout(i)) if s.option.is_none() => format!(
            "{label}; the first layout, on {}, is on an Arm host, which ESXi does not run",
            fits.multi_gpu[i].gpu_name
        ),
        Some(PassedOver::Smallest(i)) if s.option.is_none() => format!(
            "{label}; the smallest fit, {}, is on an Arm host, which ESXi does not run",
            fits.options[i].label()
        ),
        _ => label,
    };
    let split = parallel.map(|l| work.split_layout(l));
    let work = split.as_ref().unwrap_or(work);
    let setting = Setting::of(s, fits, cnn);
    let opt = setting.on(work, gpu, slot, capacity)?;
    let (figures, curve, training) = opt.detail();
    let targets = Targets::of(s);
    let meets_target = if targets.any() {
        opt.row(&targets).meets_target
    } else {
        None
    };
    Some(Detail {
        option: match pick {
            Pick::Option(i) => Some(i),
            Pick::Layout(..) => None,
        },
        layout: match pick {
            Pick::Layout(i, _) => Some(i),
            Pick::Option(_) => None,
        },
        gpus,
        replicas,
        parallel,
        meets_target,
        key,
        label,
        efficiencies: opt.eff,
        figures,
        curve,
        users: match work {
            Work::Generate(g) => g.sequences,
            _ => 0,
        },
        training,
    })
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// What every option is timed with: the speed question, the margin, the
/// kind of model and the GPUs each kind's hosts hold.
struct Setting<'a> {
    s: &'a SpeedInputs,
    margin: f64,
    cnn: bool,
    host_gpus: Vec<(String, u32)>,
    cards: u32,
}

impl<'a> Setting<'a> {
    fn of(s: &'a SpeedInputs, fits: &Fits, cnn: bool) -> Setting<'a> {
        Setting {
            s,
            margin: fits.margin_percent,
            cnn,
            host_gpus: fits.host_gpus.clone(),
            cards: fits.cards_per_host,
        }
    }

    /// `work` on `slot` of `gpu` with `capacity` bytes ([`OnGpu::new`]).
    fn on<'w>(
        &'w self,
        work: &'w Work,
        gpu: &'w Gpu,
        slot: Slot,
        capacity: u64,
    ) -> Option<OnGpu<'w>> {
        let per_host = crate::catalog::gpus_per_host(&self.host_gpus, self.cards, gpu);
        OnGpu::new(
            work,
            self.s,
            gpu,
            slot,
            capacity,
            self.margin,
            self.cnn,
            per_host,
        )
    }
}

/// A workload on one fit option of one GPU.
struct OnGpu<'a> {
    work: &'a Work,
    s: &'a SpeedInputs,
    gpu: &'a Gpu,
    share: Share,
    eff: Efficiencies,
    link: (f64, String),
    usable: f64,
    /// GPUs (or vGPUs) one VM holds: a host's for passthrough, one copy's
    /// for vGPUs (each replica in a VM of its own).
    per_vm: u32,
}

/// How one copy of `work` is split over its `copy` GPUs, as the scenario sets
/// it: "tensor parallel 4", "pipeline parallel 4", "tensor parallel 8 ×
/// pipeline parallel 4".
fn copy_words(work: &Work, copy: u32) -> String {
    let (tp, pp) = match work {
        Work::Train(t) => (t.tensor_parallel, t.pipeline_parallel),
        Work::Generate(g) => (g.tp, g.stages),
        Work::Forward(f) => (f.tp, f.stages),
    };
    let (tp, pp) = (tp.max(1), pp.max(1));
    if tp.saturating_mul(pp) != u64::from(copy) {
        return format!("a split over {copy} GPUs");
    }
    match (tp, pp) {
        (_, 1) => format!("tensor parallel {tp}"),
        (1, _) => format!("pipeline parallel {pp}"),
        _ => format!("tensor parallel {tp} × pipeline parallel {pp}"),
    }
}

impl<'a> OnGpu<'a> {
    /// `None` when the catalog gives the GPU no rate for the workload's
    /// arithmetic, or no memory bandwidth: its speed is unknown, not zero.
    #[allow(clippy::too_many_arguments)]
    fn new(
        work: &'a Work,
        s: &'a SpeedInputs,
        gpu: &'a Gpu,
        slot: Slot,
        capacity: u64,
        margin: f64,
        cnn: bool,
        per_host: u32,
    ) -> Option<OnGpu<'a>> {
        let compute = match work {
            Work::Generate(g) => g.compute,
            Work::Forward(f) => f.compute,
            Work::Train(t) => t.compute,
        };
        let mut share = gpu::share(gpu, &slot, compute);
        // FP32 training of a CNN: cuDNN takes TF32 tensor cores or the FP32
        // units, whichever runs faster; so does this model, each at its own
        // efficiency (on Ada the FP32 units can be: L4 60 × 15 % against
        // 30.3 × 50 % TFLOP/s).
        if cnn
            && compute == gpu::Compute::Fp32
            && share.format == "TF32"
            && matches!(work, Work::Train(_))
        {
            let rate = |v: Option<f64>| v.filter(|v| v.is_finite() && *v > 0.0);
            if let (Some(tf32), Some(fp32)) = (
                rate(gpu.perf.dense.tf32.value()),
                rate(gpu.perf.dense.fp32.value()),
            ) {
                let o = s.overrides();
                let mfu = |f| efficiency::resolve(&gpu.architecture, f, true, &o).training;
                if fp32 * mfu("FP32") > tf32 * mfu("TF32") {
                    share.peak *= fp32 / tf32;
                    share.format = "FP32";
                }
            }
        }
        gpu::sparse_tensor_cores(&mut share, gpu, compute, work.two_four());
        if !(share.peak > 0.0 && share.bandwidth > 0.0) {
            return None;
        }
        // Only some full-framebuffer vGPU types talk peer to peer.
        let link = match (slot.mode, slot.profile) {
            (DeploymentMode::TimeSlicedVgpu, Some(p))
                if !gpu.vgpu.p2p_types.iter().any(|t| t == p) =>
            {
                link::through_host(gpu, p)
            }
            // The GPUs one ring joins: a training job's in one VM, or a
            // served copy's tensor-parallel group.
            _ => {
                let ring = match work {
                    Work::Train(t) => t
                        .data_parallel
                        .max(1)
                        .saturating_mul(t.tensor_parallel.max(1))
                        .saturating_mul(t.pipeline_parallel.max(1))
                        .min(u64::from(per_host.max(1))),
                    Work::Generate(g) => g.tp,
                    Work::Forward(f) => f.tp,
                };
                link::ring_link(gpu, share.mig, ring)
            }
        };
        // A tensor-parallel group wider than a host all-reduces over the
        // network between hosts, every layer.
        let tp = match work {
            Work::Train(t) => t.tensor_parallel,
            Work::Generate(g) => g.tp,
            Work::Forward(f) => f.tp,
        }
        .max(1);
        let link = if tp > u64::from(per_host.max(1)) {
            let net = training::BETWEEN_HOSTS;
            (
                net.bytes_per_s().unwrap_or(1.0),
                format!(
                    "{} between hosts (assumed): a tensor-parallel group of {tp} spans {} hosts of {} GPUs",
                    net.label(),
                    tp.div_ceil(u64::from(per_host.max(1))),
                    per_host.max(1)
                ),
            )
        } else {
            link
        };
        Some(OnGpu {
            work,
            s,
            gpu,
            eff: efficiency::resolve(&gpu.architecture, share.format, cnn, &s.overrides()),
            usable: capacity as f64 * 100.0 / (100.0 + margin.clamp(0.0, 100.0)),
            share,
            link,
            per_vm: match slot.mode {
                DeploymentMode::TimeSlicedVgpu | DeploymentMode::MigBackedVgpu => match work {
                    Work::Train(t) => {
                        let copy = t.tensor_parallel.max(1) * t.pipeline_parallel.max(1);
                        u32::try_from(copy).unwrap_or(u32::MAX)
                    }
                    _ => 1,
                },
                _ => per_host.max(1),
            },
        })
    }

    fn serving(&self) -> Option<Serving<'_>> {
        match self.work {
            Work::Generate(g) => Some(Serving {
                g,
                share: &self.share,
                eff: &self.eff,
                link: self.link.0,
                link_label: &self.link.1,
                usable: self.usable,
                output_tokens: self.s.output_tokens,
            }),
            _ => None,
        }
    }

    fn run(&self, t: &flops::Train, busy: f64) -> training::Run {
        training::run(
            t,
            self.s,
            &self.share,
            &self.eff,
            (self.link.0, &self.link.1),
            // Board power shared by its GPUs (an A16 board holds four).
            self.gpu
                .tdp_w
                .map(|w| w / f64::from(self.gpu.gpus_per_board.max(1))),
            busy,
            u64::from(self.per_vm),
        )
    }

    fn row(&self, targets: &Targets) -> OptionSpeed {
        match self.work {
            Work::Generate(_) => self
                .serving()
                .map(|v| v.option(targets))
                .expect("a serving workload"),
            Work::Forward(f) => inference::forward_option(f, &self.share, &self.eff),
            Work::Train(t) => {
                let r = self.run(t, 1.0);
                let busy = self.run(t, self.share.busy_share);
                OptionSpeed {
                    ttft_s: None,
                    step_s: r.iteration_s,
                    throughput: finite(r.global_batch as f64 / r.iteration_s),
                    busy_share: self.share.busy_share,
                    busy_step_s: busy.iteration_s,
                    bound: Bound::Compute,
                    max_users: None,
                    users_meeting: None,
                    meets_target: None,
                    training_s: Some(r.total_s),
                }
            }
        }
    }

    fn detail(&self) -> (Vec<Figure>, Vec<CurvePoint>, Option<training::Run>) {
        let share = Figure::exact(
            "share",
            "What this option gets",
            Unit::Ratio,
            self.share.compute_share,
            format!(
                "{} FLOP/s {} and {} B/s of memory bandwidth",
                num(self.share.peak),
                self.share.format,
                num(self.share.bandwidth)
            ),
            &self.share.note,
        );
        match self.work {
            Work::Generate(_) => {
                let v = self.serving().expect("a serving workload");
                let mut figures = vec![share];
                figures.extend(v.figures());
                let upto = v.max_users().unwrap_or(v.g.sequences).max(v.g.sequences);
                (figures, v.curve(upto), None)
            }
            Work::Forward(f) => {
                let mut figures = vec![share];
                figures.extend(inference::forward_figures(f, &self.share, &self.eff));
                (figures, Vec::new(), None)
            }
            Work::Train(t) => {
                let r = self.run(t, 1.0);
                let mut figures = vec![share];
                figures.extend(training::figures(t, &r, &self.share, &self.eff, self.s));
                // A time-sliced vGPU trains alone at the whole GPU's speed; when
                // every VM on the GPU is busy it gets 1/n of its time.
                if self.share.busy_share < 1.0 {
                    let busy = self.run(t, self.share.busy_share);
                    let at = figures
                        .iter()
                        .position(|f| f.id == "training_time")
                        .map_or(figures.len(), |i| i + 1);
                    figures.insert(
                        at,
                        Figure::exact(
                            "training_time_busy",
                            "Training time, all VMs busy",
                            Unit::Seconds,
                            busy.total_s,
                            format!(
                                "The GPU's time shared {} ways: {} iterations × {} s = {} s",
                                num(1.0 / self.share.busy_share),
                                num(busy.iterations as f64),
                                secs(busy.iteration_s),
                                secs(busy.total_s)
                            ),
                            "A time-sliced vGPU gets the whole GPU while alone and 1/n of its time when all n VMs on it are busy.",
                        ),
                    );
                }
                (figures, Vec::new(), Some(r))
            }
        }
    }
}

#[cfg(test)]
mod tests;
