//! The answer to a scenario: every number headroom shows for it, in one type.
//! [`size`] is the only road to it, for the app's pages, the compare view and the
//! command line alike: each page reads its form into a scenario once and draws
//! the report of it ([`size_page`]); the command line prints it as JSON
//! ([`Report::to_json`]) or as a table.
//!
//! The report holds numbers, ids and kinds; [`words`] turns the parts that need
//! sentences into words in the units on show, so that switching units redraws
//! without sizing again. A new capability adds a section here, computed in
//! [`size`], and a view of it.

pub mod chart;
pub mod export;
pub mod figure;
pub mod words;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Demand, Fits, fit};
use crate::cnn::size::CnnSized;
use crate::cnn::{self, Shape, Source};
use crate::compress::apply::{self as compress, Applied, CompressionReport};
use crate::fleet::FleetAnswer;
use crate::known::{self, KnownSized};
use crate::mode::Mode;
use crate::scenario::{CnnScenario, FieldError, Scenario, TransformerScenario, Workload};
use crate::speed::{self, Speed, SpeedInputs, Work};
use crate::term::{Kind, Term, total_formula};
use crate::transformer::size::{Curves, MEMORY_GIB, TransformerSized};
use crate::transformer::training::MethodKind;
use crate::transformer::{self, Architecture, KvFormat, ParamCount, Recompute, WeightFormat};
use crate::vsphere::{self, Sheet};

pub use crate::transformer::size::ReverseAnswers;

/// The report format this build writes.
pub const REPORT_VERSION: u32 = 1;

/// One line of a memory breakdown, for any model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryTerm {
    /// Stable id: "weights", "kv_cache", "feature_maps", ….
    pub id: String,
    pub label: String,
    pub bytes: u64,
    /// The band the true figure is expected in (both `bytes` when exact).
    pub low: u64,
    pub high: u64,
    /// The arithmetic with the actual numbers.
    pub formula: String,
    /// The assumption behind the term and its source.
    pub note: String,
}

/// Memory per GPU, term by term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub terms: Vec<MemoryTerm>,
    pub total: u64,
    pub low: u64,
    pub high: u64,
    pub total_formula: String,
    /// GPUs one copy of the model spans; every figure is per GPU.
    pub gpus_per_copy: u32,
    pub warnings: Vec<String>,
    /// What the fit engine is asked to place.
    pub demand: Demand,
    /// Bytes per GPU the engine keeps in host memory instead of on the GPU
    /// (llama.cpp's token embedding, DeepSpeed's offloaded states): not in the
    /// total; 0 when nothing is.
    #[serde(default)]
    pub host: u64,
    /// What those bytes are.
    #[serde(default)]
    pub host_note: String,
}

impl Memory {
    /// Terms that take memory (the breakdown hides empty ones).
    pub fn visible(&self) -> impl Iterator<Item = &MemoryTerm> {
        self.terms.iter().filter(|t| t.bytes > 0)
    }

    /// Whether any term is a range rather than an exact figure.
    pub fn has_bands(&self) -> bool {
        self.terms.iter().any(|t| t.low != t.high)
    }

    pub fn bytes(&self, id: &str) -> u64 {
        self.terms
            .iter()
            .find(|t| t.id == id)
            .map_or(0, |t| t.bytes)
    }
}

impl<K: Kind> From<&Term<K>> for MemoryTerm {
    fn from(t: &Term<K>) -> MemoryTerm {
        MemoryTerm {
            id: t.kind.id().to_string(),
            label: t.label.clone(),
            bytes: t.bytes,
            low: t.low,
            high: t.high,
            formula: t.formula.clone(),
            note: t.note.clone(),
        }
    }
}

impl Memory {
    /// Either model's breakdown; the totals are the sums of the terms.
    fn of<K: Kind>(
        terms: &[Term<K>],
        gpus_per_copy: u32,
        warnings: &[String],
        demand: Demand,
    ) -> Memory {
        let sum = |f: fn(&Term<K>) -> u64| terms.iter().map(f).fold(0u64, u64::saturating_add);
        let total = sum(|t| t.bytes);
        Memory {
            terms: terms.iter().map(MemoryTerm::from).collect(),
            total,
            low: sum(|t| t.low),
            high: sum(|t| t.high),
            total_formula: total_formula(terms, total),
            gpus_per_copy,
            warnings: warnings.to_vec(),
            demand: Demand {
                copy_gpus: gpus_per_copy.max(1),
                ..demand
            },
            host: 0,
            host_note: String::new(),
        }
    }
}

impl From<&cnn::Estimate> for Memory {
    fn from(e: &cnn::Estimate) -> Memory {
        Memory::of(&e.terms, 1, &e.warnings, e.demand())
    }
}

impl From<&transformer::Estimate> for Memory {
    fn from(e: &transformer::Estimate) -> Memory {
        Memory {
            host: e.host,
            host_note: e.host_note.clone(),
            ..Memory::of(&e.terms, e.gpus_per_copy, &e.warnings, e.demand())
        }
    }
}

/// What was sized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// "transformer" or "cnn".
    pub kind: String,
    pub name: String,
    pub parameters: u64,
    /// Parameters that are trained (all, or the LoRA adapters); 0 for inference.
    pub trainable: u64,
    /// The one-line description the app shows above the total.
    pub headline: String,
}

/// One row of the CNN page's layer table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerRow {
    pub name: String,
    pub description: String,
    pub output: Shape,
    pub params: u64,
    pub param_bytes: u64,
    pub feature_bytes_per_image: u64,
    pub feature_bytes_per_batch: u64,
    /// How the parameters were counted ("64 × (3 × 3) × 3 + 64").
    #[serde(skip)]
    pub param_formula: Option<String>,
    /// The output shares its input's memory (Flatten).
    #[serde(skip)]
    pub view: bool,
    /// Inference: alive at the moment of the most feature maps at once.
    #[serde(skip)]
    pub live: bool,
}

/// Facts about the sized transformer the page shows beside its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct TransformerFacts {
    /// The architecture as sized (with the scenario's edits).
    pub arch: Architecture,
    /// KV-cache bytes per token, all layers, one GPU; 0 for encoders.
    pub kv_bytes_per_token: u64,
}

/// The catalog the fits were taken from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogInfo {
    pub description: String,
    pub gpus: usize,
}

/// Everything headroom shows for a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Report format, [`REPORT_VERSION`].
    pub version: u32,
    pub scenario: Scenario,
    pub model: ModelSummary,
    pub memory: Memory,
    /// Serving: what fits in the memory the scenario names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverse: Option<ReverseAnswers>,
    /// Serving: memory per GPU against context and against concurrent sequences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curves: Option<Curves>,
    /// Transformers: parameters by embedding, block and head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<ParamCount>,
    /// CNNs: the layer table, the input image first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<LayerRow>>,
    /// Every option of the catalog; absent when the deployment question has errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fits: Option<Fits>,
    /// How fast and how long, on every option (in `fits`) and in detail on one;
    /// absent when the speed question or the deployment question has errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed: Option<Speed>,
    /// How to deploy the detailed option on vSphere; absent without fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<Sheet>,
    /// What the scenario's compression recipe does; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<CompressionReport>,
    /// The answer on each kind of the user's own hosts (`deployment.fleet`), first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fleet: Vec<FleetAnswer>,
    pub catalog: CatalogInfo,
    /// Problems that left the rest of the report standing: a memory size for the
    /// reverse questions (no reverse answers) or a deployment field (no fits).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Transformers: the architecture and KV cache per token.
    #[serde(skip)]
    pub transformer: Option<TransformerFacts>,
}

impl Report {
    /// The option the speed section details, as its label names it, and its
    /// speed row: what a page quotes as "the" speed of the workload.
    pub fn detailed_speed(&self) -> Option<(&str, &speed::row::OptionSpeed)> {
        let d = self.speed.as_ref()?.detail.as_ref()?;
        let fits = self.fits.as_ref()?;
        let row = match (d.option, d.layout) {
            (Some(i), _) => fits.options.get(i)?.speed.as_ref(),
            (None, Some(i)) => fits.multi_gpu.get(i)?.speed.as_ref(),
            (None, None) => None,
        }?;
        Some((d.label.as_str(), row))
    }

    /// The speed row of the option or layout `key` names (a speed detail's
    /// key: `gpu_id`, `gpu_id/profile`, `gpu_id×gpus`), with its label: what
    /// another report's detailed speed is compared against on the same GPU.
    /// For a layout's key, this report's layout of that GPU, or one whole GPU
    /// of it when one holds the workload (a compressed model may need fewer).
    pub fn speed_on(&self, key: &str) -> Option<(String, &speed::row::OptionSpeed)> {
        let fits = self.fits.as_ref()?;
        let label = |o: &crate::catalog::FitOption| format!("{} · {}", o.label(), o.mode.label());
        if let Some(o) = fits
            .options
            .iter()
            .find(|o| speed::option_key(&o.gpu_id, o.profile.as_deref()) == key)
        {
            return Some((label(o), o.speed.as_ref()?));
        }
        let (id, _) = key.rsplit_once('×')?;
        if let Some(m) = fits.multi_gpu.iter().find(|m| m.gpu_id == id) {
            return Some((format!("{} × {}", m.gpus, m.gpu_name), m.speed.as_ref()?));
        }
        let o = fits.options.iter().find(|o| {
            o.gpu_id == id && o.profile.is_none() && o.status != crate::catalog::FitStatus::TooSmall
        })?;
        Some((label(o), o.speed.as_ref()?))
    }

    /// The key of the option or layout the speed section details.
    pub fn detailed_key(&self) -> Option<&str> {
        Some(self.speed.as_ref()?.detail.as_ref()?.key.as_str())
    }

    /// Whether the workload trains a transformer (its reverse answers are then
    /// the longest sequence and the largest micro-batch).
    pub fn trains(&self) -> bool {
        matches!(
            &self.scenario.workload,
            Workload::Transformer(t) if t.mode == Mode::Training
        )
    }

    /// What the count answer of the reverse questions counts: images for a CNN,
    /// sequences otherwise.
    pub fn reverse_counts(&self) -> (&'static str, &'static str) {
        match &self.scenario.workload {
            Workload::Cnn(_) => ReverseAnswers::IMAGES,
            _ => ReverseAnswers::SEQUENCES,
        }
    }

    /// What the reverse answers are called for this report's workload:
    /// (the length answer, the count answer). A CNN has the count alone.
    pub fn reverse_words(&self) -> (&'static str, &'static str) {
        match &self.scenario.workload {
            Workload::Cnn(_) => ("", "Largest batch"),
            _ => ReverseAnswers::words(self.trains()),
        }
    }

    /// The report as the command line prints it: JSON, sentences in the scenario's units.
    pub fn to_json(&self) -> String {
        let mut v = serde_json::to_value(self).expect("a report serializes");
        if let Some(fits) = &self.fits {
            words::into_json(&mut v["fits"], fits, self.scenario.units);
        }
        serde_json::to_string_pretty(&v).expect("a report serializes")
    }

    /// The report when every field was valid; else all of its problems.
    pub fn complete(self) -> Result<Report, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(self)
        } else {
            Err(self.errors)
        }
    }
}

/// A workload sized, before the deployment question.
struct Sized {
    /// The arithmetic and bytes moved, for the speed question; `None` for a
    /// known demand, which has no model to time.
    work: Option<Work>,
    model: ModelSummary,
    memory: Memory,
    reverse: Option<Result<ReverseAnswers, FieldError>>,
    curves: Option<Curves>,
    parameters: Option<ParamCount>,
    layers: Option<Vec<LayerRow>>,
    transformer: Option<TransformerFacts>,
}

impl Sized {
    fn transformer(t: &TransformerScenario, r: TransformerSized) -> Sized {
        let mut memory = Memory::from(&r.estimate);
        memory.demand.heads = Some(r.arch.heads_per_gpu(r.estimate.gpus_per_copy));
        Sized {
            work: Some(Work::transformer(t, &r)),
            model: ModelSummary {
                kind: "transformer".into(),
                name: r.name,
                parameters: r.params.total,
                trainable: r.trainable,
                headline: r.headline,
            },
            memory,
            reverse: r.reverse,
            curves: r.curves,
            parameters: Some(r.params),
            layers: None,
            transformer: Some(TransformerFacts {
                arch: r.arch,
                kv_bytes_per_token: r.kv_per_token,
            }),
        }
    }

    fn cnn(c: &CnnScenario, gpus: u64, r: CnnSized) -> Sized {
        let work = Work::cnn(c, &r, gpus);
        let a = &r.analysis;
        let inference = r.workload.mode == Mode::Inference;
        let live = |s: Source| inference && a.peak.tensors.contains(&s);
        let input = LayerRow {
            name: "input".into(),
            description: "Input image".into(),
            output: a.input,
            params: 0,
            param_bytes: r.input_bytes.param_bytes,
            feature_bytes_per_image: r.input_bytes.feature_bytes_per_image,
            feature_bytes_per_batch: r.input_bytes.feature_bytes_per_batch,
            param_formula: None,
            view: false,
            live: live(Source::Input),
        };
        let rows = a
            .layers
            .iter()
            .zip(&r.layers)
            .enumerate()
            .map(|(i, (l, b))| LayerRow {
                name: l.name.clone(),
                description: l.description.clone(),
                output: l.output,
                params: l.params,
                param_bytes: b.param_bytes,
                feature_bytes_per_image: b.feature_bytes_per_image,
                feature_bytes_per_batch: b.feature_bytes_per_batch,
                param_formula: l.param_formula.clone(),
                view: l.view,
                live: live(Source::Layer(i)),
            });
        Sized {
            work: Some(work),
            model: ModelSummary {
                kind: "cnn".into(),
                name: r.name.to_string(),
                parameters: a.params,
                trainable: if inference { 0 } else { a.params },
                headline: r.headline.clone(),
            },
            memory: Memory::from(&r.estimate),
            reverse: None,
            curves: None,
            parameters: None,
            layers: Some(std::iter::once(input).chain(rows).collect()),
            transformer: None,
        }
    }
}

impl Sized {
    fn known(k: KnownSized) -> Sized {
        Sized {
            work: None,
            model: ModelSummary {
                kind: "known".into(),
                name: k.name.clone(),
                parameters: 0,
                trainable: 0,
                headline: k.headline.clone(),
            },
            memory: Memory::of(&k.terms, k.gpus, &[], k.demand()),
            reverse: None,
            curves: None,
            parameters: None,
            layers: None,
            transformer: None,
        }
    }
}

/// Changes of a transformer workload that shrink it, each with its demand: what
/// the fleet's answers offer when one GPU is too small. Each is sized with the
/// scenario's compression recipe, and kept only if it needs less than `now`.
/// CNNs: none.
fn fixes(
    w: &Workload,
    recipe: Option<&crate::compress::Compression>,
    now: &Demand,
) -> Vec<(String, Demand)> {
    let Workload::Transformer(t) = w else {
        return Vec::new();
    };
    let with = |change: &str, v: TransformerScenario| (change.to_string(), v);
    let mut tried = Vec::new();
    match t.mode {
        Mode::Inference => {
            let bits = t.weights.linear_bits().bits_per_value();
            if bits > 8.0 {
                tried.push(with(
                    "FP8 weights",
                    TransformerScenario {
                        weights: WeightFormat::Fp8,
                        ..t.clone()
                    },
                ));
            }
            if bits > 4.5 {
                tried.push(with(
                    "4-bit weights (AWQ or GPTQ, groups of 128)",
                    TransformerScenario {
                        weights: WeightFormat::Int4G128,
                        ..t.clone()
                    },
                ));
            }
            if t.kv.bits().bits_per_value() > 8.0 {
                tried.push(with(
                    "an FP8 KV cache",
                    TransformerScenario {
                        kv: KvFormat::Fp8,
                        ..t.clone()
                    },
                ));
                // Each alone may leave it a little short where both together fit.
                if bits > 8.0 {
                    tried.push(with(
                        "FP8 weights and an FP8 KV cache",
                        TransformerScenario {
                            weights: WeightFormat::Fp8,
                            kv: KvFormat::Fp8,
                            ..t.clone()
                        },
                    ));
                }
            }
        }
        Mode::Training => {
            if t.recompute() != Recompute::Full {
                tried.push(with(
                    "activation checkpointing",
                    TransformerScenario {
                        recompute: Some(Recompute::Full),
                        ..t.clone()
                    },
                ));
            }
            if t.method != MethodKind::Qlora {
                tried.push(with(
                    "QLoRA with checkpointing",
                    TransformerScenario {
                        method: MethodKind::Qlora,
                        recompute: None,
                        ..t.clone()
                    },
                ));
            }
        }
    }
    tried
        .into_iter()
        .filter_map(|(change, v)| {
            // The recipe's weights are in the estimate (`compress::transformer`
            // would only give the weights term its formula).
            let r = transformer::size::size_compressed(&v, false, recipe).ok()?;
            Some((change, Sized::transformer(&v, r).memory.demand))
        })
        .filter(|(_, d)| d.total < now.total)
        .collect()
}

/// Sizes a scenario: the workload's memory, the reverse questions and every fit
/// option of `catalog`. `Err` holds every problem that stops the estimate (with
/// the deployment's own); a problem that only stops one section is in
/// [`Report::errors`]. Each names its field (`workload.cnn.batch`).
pub fn size(s: &Scenario, catalog: &Catalog) -> Result<Report, Vec<FieldError>> {
    size_to(s, catalog, Depth::Whole)
}

/// How much of a report to work out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Every section.
    Whole,
    /// What a page draws in the frame that answers a change: the model, the
    /// memory and the fits with their recommendations (so the option the
    /// memory is drawn against, [`chart::against`]), with every problem of the
    /// workload and deployment fields. Without the speeds (and their problems),
    /// the detailed option, the deployment sheet, the reverse answers and the
    /// curves: the cards that draw those follow one frame later with the
    /// [`Depth::Whole`] report.
    First,
}

/// [`size`] to `depth`: at [`Depth::Whole`] the same.
pub fn size_to(s: &Scenario, catalog: &Catalog, depth: Depth) -> Result<Report, Vec<FieldError>> {
    let whole = depth == Depth::Whole;
    let settings = s.deployment.settings(catalog);
    let recipe = s.compression.as_ref();
    // The compressed model's work: 2:4 arithmetic, quantized math, weights read.
    let compressed = |mut sized: Sized, applied: Option<Applied>| {
        if let Some(a) = &applied
            && let Some(w) = &mut sized.work
        {
            w.compress(a.two_four_share, a.compute, a.weights_delta);
        }
        (sized, applied.map(|a| a.report))
    };
    let sized = match &s.workload {
        Workload::Transformer(t) => {
            transformer::size::size_compressed(t, whole, recipe).and_then(|mut r| {
                let applied = recipe
                    .map(|c| compress::transformer(c, t, &mut r))
                    .transpose()?;
                Ok(compressed(Sized::transformer(t, r), applied))
            })
        }
        Workload::Cnn(c) => cnn::size::size(c).and_then(|mut r| {
            let applied = recipe.map(|k| compress::cnn(k, &mut r)).transpose()?;
            // After the recipe: its weights are the ones that stay.
            let reverse = whole.then(|| cnn::size::reverse(c, &r));
            let mut sized = Sized::cnn(c, s.speed.gpus, r);
            sized.reverse = reverse;
            Ok(compressed(sized, applied))
        }),
        Workload::Known(k) => match recipe {
            Some(_) => Err(vec![FieldError::new(
                "compression",
                "A known demand has no model to compress: size the model on the transformer or CNN page.",
            )]),
            None if s.speed != SpeedInputs::default() => Err(vec![FieldError::new(
                "speed",
                "A known demand has no model to time: leave the speed section out (the deployment sheet details the smallest option that holds it).",
            )]),
            None => known::size(k).map(|r| (Sized::known(r), None)),
        },
    };
    let (sized, mut compression) = match sized {
        Ok((sized, report)) => (Ok(sized), report),
        Err(e) => (Err(e), None),
    };
    let sized = match sized {
        Ok(sized) => sized,
        Err(mut errors) => {
            errors.extend(settings.err().unwrap_or_default());
            return Err(errors);
        }
    };
    let mut errors = Vec::new();
    let reverse = sized
        .reverse
        .and_then(|r| r.map_err(|e| errors.push(e)).ok());
    let is_cnn = matches!(s.workload, Workload::Cnn(_));
    let mut speed = None;
    let mut fleet = Vec::new();
    let fits = settings
        .map(|settings| {
            let mut fits = fit(catalog, &sized.memory.demand, &settings);
            if !s.deployment.fleet.is_empty() {
                match crate::fleet::check(&s.deployment.fleet, catalog) {
                    Ok(()) => {
                        fleet = crate::fleet::answer(
                            &s.deployment.fleet,
                            catalog,
                            &sized.memory.demand,
                            &settings,
                            || fixes(&s.workload, recipe, &sized.memory.demand),
                        );
                        fits.on_hosts(catalog, &settings, &s.deployment.fleet);
                    }
                    Err(e) => errors.push(e),
                }
            }
            // The options the uncompressed model lists: the compressed model
            // keeps them listed, so both can be timed on the same one.
            let mut listed_before = Vec::new();
            if let Some(c) = &mut compression
                && let Some(before) = &c.demand_before
            {
                let mut before_fits = fit(catalog, before, &settings);
                c.compare_fits(&before_fits, &fits);
                before_fits.condense(s.speed.option.as_deref());
                listed_before = before_fits
                    .options
                    .iter()
                    .map(|o| speed::option_key(&o.gpu_id, o.profile.as_deref()))
                    .collect();
            }
            speed = sized.work.as_ref().filter(|_| whole).and_then(|work| {
                speed::size(work, &s.speed, &mut fits, catalog, &settings, is_cnn)
                    .map_err(|e| errors.extend(e))
                    .ok()
            });
            if !s.deployment.all_profiles {
                fits.condense_keeping(s.speed.option.as_deref(), &listed_before);
            }
            if !s.deployment.show_too_small {
                fits.drop_too_small();
            }
            if let (Some(sp), Some(work)) = (&mut speed, &sized.work) {
                sp.detail = speed::detail(work, &s.speed, &fits, catalog, is_cnn, sp, &fleet);
            }
            fits
        })
        .map_err(|e| errors.extend(e))
        .ok();
    let mut deploy = fits.as_ref().filter(|_| whole).and_then(|f| {
        let detail = speed.as_ref().and_then(|s| s.detail.as_ref());
        vsphere::for_report(
            f,
            detail,
            catalog,
            vsphere::Target::of(&s.deployment),
            &fleet,
        )
    });
    if let Some(sheet) = &mut deploy {
        vsphere::check_fleet(sheet, &fleet);
    }
    Ok(Report {
        version: REPORT_VERSION,
        scenario: s.clone(),
        model: sized.model,
        memory: sized.memory,
        reverse,
        curves: sized.curves,
        parameters: sized.parameters,
        layers: sized.layers,
        fits,
        speed,
        deploy,
        compression,
        fleet,
        catalog: CatalogInfo {
            description: catalog.description.clone(),
            gpus: catalog.gpus.len(),
        },
        errors,
        transformer: sized.transformer,
    })
}

/// The part of a report a field's value feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// The estimate itself, and so every section.
    All,
    /// The reverse answers only.
    Reverse,
    /// The fits (and so the speeds).
    Fits,
    /// The speeds only.
    Speed,
}

fn section(path: &str) -> Section {
    if path == MEMORY_GIB.path || path == cnn::size::MEMORY_GIB.path {
        Section::Reverse
    } else if path.starts_with("deployment.") {
        Section::Fits
    } else if path.starts_with("speed.") {
        Section::Speed
    } else {
        Section::All
    }
}

/// What a page shows: the report of the scenario its form holds, where `unread`
/// are the fields that hold no number (the scenario has their last value). Such
/// a field hides what it feeds, as a value out of range would: the memory
/// size hides the reverse answers, a deployment field the fits, any other the
/// whole estimate. Its message replaces any the last value had.
pub fn size_page(
    s: &Scenario,
    unread: &[FieldError],
    catalog: &Catalog,
) -> Result<Report, Vec<FieldError>> {
    size_page_to(s, unread, catalog, Depth::Whole)
}

/// [`size_page`] to `depth` ([`size_to`]).
pub fn size_page_to(
    s: &Scenario,
    unread: &[FieldError],
    catalog: &Catalog,
    depth: Depth,
) -> Result<Report, Vec<FieldError>> {
    let sized = size_to(s, catalog, depth);
    if unread.is_empty() {
        return sized;
    }
    let merge = |errors: Vec<FieldError>| -> Vec<FieldError> {
        let mut all = unread.to_vec();
        all.extend(
            errors
                .into_iter()
                .filter(|e| FieldError::at(unread, &e.path).is_none()),
        );
        all
    };
    match sized {
        Err(errors) => Err(merge(errors)),
        Ok(r) if unread.iter().any(|e| section(&e.path) == Section::All) => Err(merge(r.errors)),
        Ok(mut r) => {
            for e in unread {
                match section(&e.path) {
                    Section::Reverse => r.reverse = None,
                    Section::Fits => {
                        r.fits = None;
                        r.speed = None;
                    }
                    Section::Speed => {
                        r.speed = None;
                        if let Some(f) = &mut r.fits {
                            f.strip_speed();
                        }
                    }
                    Section::All => {}
                }
            }
            r.errors = merge(std::mem::take(&mut r.errors));
            Ok(r)
        }
    }
}

#[cfg(test)]
mod tests;
