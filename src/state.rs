//! The app's state, written once. [`Inputs`] is everything the user sets, as
//! typed, in one store; everything else is derived from it: each workload page's
//! scenario (its forms read once, with `from_form`) and report (`size_page_to`:
//! its first part at once, the whole one painted frame later), and the link.
//! App-wide context lives here, so pages take it with [`Shared::expect`] and
//! never import the app shell.
//!
//! ```text
//! Inputs (store) ──from_form──► Memo<FromForm<Scenario>> ──size_page_to──► Memo<Report> ×2 ──► views
//!        └────────────────────► Memo<AppState> ──encode──► the link (browser/location.rs)
//! ```

use leptos::prelude::*;
use reactive_stores::{Field, Store};
use sizing::ByteUnits;
use sizing::catalog::Catalog;
use sizing::catalog::form::FitForm;
use sizing::cnn::form::CnnForm;
use sizing::compress::{Compression, CompressionForm};
use sizing::known::{KnownForm, KnownScenario};
use sizing::place::form::ClusterForm;
use sizing::place::{Cluster, Placement, Plan, place};
use sizing::report::{Depth, Report, size_page_to};
use sizing::scenario::link::{
    self, AppState, CatalogView, CompressOn, CompressView, FormatsView, Page,
};
use sizing::scenario::{
    CnnScenario, Deployment, FieldError, FromForm, Scenario, TransformerScenario, Workload,
};
use sizing::speed::SpeedInputs;
use sizing::speed::form::SpeedForm;
use sizing::transformer::form::TransformerForm;

use crate::browser::location::use_location_fragment;
use crate::browser::storage::{StorageError, use_local_storage};

/// Everything the user sets, numbers as typed. A link holds the [`AppState`]
/// these inputs mean ([`Shared::state`]).
#[derive(Clone, Debug, PartialEq, Store)]
pub struct Inputs {
    pub page: Page,
    /// Shown inside another site: the page alone, without the header and tabs.
    pub embed: bool,
    pub units: ByteUnits,
    /// The scenario's name, shown on the workload pages and used when saving.
    pub name: String,
    pub tf: TransformerForm,
    pub tf_fit: FitForm,
    pub tf_speed: SpeedForm,
    pub cnn: CnnForm,
    pub cnn_fit: FitForm,
    pub cnn_speed: SpeedForm,
    /// The known-demand page.
    pub known: KnownForm,
    pub known_fit: FitForm,
    pub formats: FormatsView,
    pub catalog: CatalogView,
    /// The placement page's cluster and VMs.
    pub cluster: ClusterForm,
    /// The compression page: which workload page's model, and the recipe.
    pub compress_on: CompressOn,
    pub compress: CompressionForm,
}

impl Inputs {
    /// The inputs that show `state`. A part that cannot be shown (a model the zoo
    /// does not have) keeps its opening values; the messages say which, by the
    /// link's names for the fields.
    pub fn of(state: &AppState, catalog: &Catalog) -> (Inputs, Vec<FieldError>) {
        let mut problems = Vec::new();
        let tf = state.tf.to_form().unwrap_or_else(|e| {
            problems.push(FieldError::new(
                e.path.replacen("workload.transformer", "tf", 1),
                e.message,
            ));
            TransformerForm::default()
        });
        // A filter the catalog has no GPU for would show nothing: it is dropped.
        let mut fit = |key: &str, d: &Deployment| {
            let (known, dropped) = d.known_filters(catalog);
            problems.extend(
                dropped
                    .into_iter()
                    .map(|e| FieldError::new(e.path.replacen("deployment", key, 1), e.message)),
            );
            known.to_form()
        };
        let (tf_fit, cnn_fit) = (fit("tf_gpu", &state.tf_gpu), fit("cnn_gpu", &state.cnn_gpu));
        let known_fit = fit("known_gpu", &state.known_gpu);
        let inputs = Inputs {
            page: state.page,
            embed: state.embed,
            units: state.units,
            name: state.name.clone(),
            tf,
            tf_fit,
            tf_speed: state.tf_speed.to_form(),
            cnn: state.cnn.to_form(),
            cnn_fit,
            cnn_speed: state.cnn_speed.to_form(),
            known: state.known.to_form(),
            known_fit,
            formats: state.formats.clone(),
            catalog: state.catalog.clone(),
            cluster: state.cluster.clone().unwrap_or_default().to_form(),
            compress_on: state.compress.on,
            compress: state.compress.recipe.to_form(),
        };
        (inputs, problems)
    }
}

impl Default for Inputs {
    fn default() -> Inputs {
        Inputs::of(&AppState::default(), Catalog::bundled()).0
    }
}

/// The GPU catalog in use: the bundled one, or one the user imported.
#[derive(Clone, Copy)]
pub struct ActiveCatalog {
    pub catalog: RwSignal<Catalog>,
    /// Where it came from, for display: [`BUNDLED`] or the imported file's name.
    pub origin: RwSignal<String>,
    /// Whether an imported catalog is kept in this browser for the next visit.
    pub kept: RwSignal<Kept>,
}

pub const BUNDLED: &str = "bundled";

/// An imported catalog's text is kept under this key of the browser's local
/// storage, after its name and a line break, and read again on the next visit.
const CATALOG_KEY: &str = "headroom.catalog";

/// What became of an imported catalog across visits.
#[derive(Clone, Debug, PartialEq)]
pub enum Kept {
    /// The bundled catalog is in use; nothing is kept.
    Nothing,
    /// The imported catalog in use is kept in this browser.
    Kept,
    /// The browser would not keep the imported catalog: it lasts until a reload.
    NotKept(StorageError),
    /// The catalog an earlier visit imported (its name) is being read again.
    Reading(String),
    /// The catalog an earlier visit imported (its name) could not be read again
    /// (why); the bundled catalog is in use. A catalog this headroom refuses is
    /// forgotten; one whose reader could not be fetched is tried on the next visit.
    Unreadable(String, String),
}

/// Why a kept catalog was not read again.
pub enum Unread {
    /// The catalog page's code could not be fetched (the network is off).
    Fetch,
    /// This headroom refuses the catalog (a newer format, say): why.
    Refused(String),
}

impl ActiveCatalog {
    fn new() -> ActiveCatalog {
        ActiveCatalog {
            catalog: RwSignal::new(Catalog::bundled().clone()),
            origin: RwSignal::new(BUNDLED.to_string()),
            kept: RwSignal::new(Kept::Nothing),
        }
    }

    /// Uses `catalog`, read from `text` and named `name`, and keeps the text in
    /// this browser for the next visit where the browser allows it.
    pub fn import(&self, name: String, text: &str, catalog: Catalog) {
        let name = name.replace(['\n', '\r'], " ");
        let kept = use_local_storage(CATALOG_KEY);
        let stored = kept.write(&format!("{name}\n{text}"));
        if stored.is_err() {
            // An older kept catalog must not come back on the next visit.
            let _ = kept.remove();
        }
        self.catalog.set(catalog);
        self.origin.set(name);
        self.kept.set(match stored {
            Ok(()) => Kept::Kept,
            Err(e) => Kept::NotKept(e),
        });
    }

    /// Where the browser refused to store something: a note on the imported
    /// catalog kept in its storage, which takes part of the room, if one is.
    pub fn room_note(&self) -> &'static str {
        if self.kept.get_untracked() == Kept::Kept {
            "; an imported GPU catalog kept in this browser takes part of its room (\u{201c}Use the bundled catalog\u{201d} on the Catalog page frees it)"
        } else {
            ""
        }
    }

    /// Back to the bundled catalog; the imported one is no longer kept.
    pub fn reset(&self) {
        let _ = use_local_storage(CATALOG_KEY).remove();
        self.catalog.set(Catalog::bundled().clone());
        self.origin.set(BUNDLED.to_string());
        self.kept.set(Kept::Nothing);
    }

    /// Reads again the catalog an earlier visit kept, if any. Until it is read
    /// the bundled catalog is in use, and the Fits panels say so.
    pub fn restore(self) {
        let stored = use_local_storage(CATALOG_KEY);
        let Ok(Some(kept)) = stored.read() else {
            return;
        };
        let (name, text) = kept.split_once('\n').unwrap_or(("(no name)", ""));
        let (name, text) = (name.to_string(), text.to_string());
        self.kept.set(Kept::Reading(name.clone()));
        leptos::task::spawn_local(async move {
            let read = crate::lazy_pages::read_catalog(text).await;
            // An import or a reset made meanwhile stands.
            if !matches!(self.kept.get_untracked(), Kept::Reading(_)) {
                return;
            }
            match read {
                Ok(catalog) => {
                    self.catalog.set(catalog);
                    self.origin.set(name);
                    self.kept.set(Kept::Kept);
                }
                Err(Unread::Fetch) => self.kept.set(Kept::Unreadable(
                    name,
                    "its reader could not be fetched; it is tried again on the next visit".into(),
                )),
                Err(Unread::Refused(why)) => {
                    let _ = stored.remove();
                    self.kept.set(Kept::Unreadable(name, why));
                }
            }
        });
    }
}

/// A cluster checked and its VMs placed in the order listed.
#[derive(Clone, Debug)]
pub struct Placed {
    pub plan: Plan,
    pub listed: Placement,
}

impl PartialEq for Placed {
    fn eq(&self, other: &Placed) -> bool {
        self.listed == other.listed
    }
}

/// What sizing a scenario gives a page.
pub type Sized = Result<Report, Vec<FieldError>>;

/// The sizing function a page uses: [`size_page_to`] (tests count its calls).
pub type Sizer = fn(&Scenario, &[FieldError], &Catalog, Depth) -> Sized;

/// A report of a workload page and the messages for its fields.
#[derive(Clone, Copy)]
pub struct Sizing {
    /// The only source of the page's numbers.
    pub report: Memo<Sized>,
    /// Every message for a field of the page, by its scenario path.
    pub errors: Memo<Vec<FieldError>>,
}

/// A workload page's answer, derived from its forms, in two parts: the frame
/// that answers a keystroke works out and draws the memory card alone
/// ([`Depth::First`]); the cards below it follow with the whole report in the
/// next ([`Depth::Whole`]). Changes made before that frame share one update.
#[derive(Clone, Copy)]
pub struct PageSizing {
    /// The model, the memory and the fits with their recommendations, and the
    /// messages of the workload's and deployment's fields: what the memory
    /// card and the workload's fields draw.
    pub first: Sizing,
    /// Every section, for the cards below the memory card, the exports and the
    /// compare view. It follows the question when [`PageSizing::refresh`] is
    /// called: in the browser, one painted frame after a change.
    pub whole: Sizing,
    question: Memo<FromForm<Scenario>>,
    tick: RwSignal<u32>,
}

impl PageSizing {
    /// Sizes `scenario`: the page's forms read once (its name and units aside:
    /// they change words, not numbers, and must not size it again).
    fn new(scenario: Memo<FromForm<Scenario>>, catalog: ActiveCatalog, sizer: Sizer) -> PageSizing {
        let first = Memo::new(move |_| {
            scenario.with(|s| {
                catalog
                    .catalog
                    .with(|c| sizer(&s.part, &s.unread, c, Depth::First))
            })
        });
        let tick = RwSignal::new(0u32);
        let reading = move || matches!(catalog.kept.get(), Kept::Reading(_));
        // Whether the whole report was last worked out while a kept catalog was
        // being read (it is worked out again only after the next paint).
        let stale = StoredValue::new(false);
        let whole = Memo::new(move |_| {
            tick.track();
            stale.set_value(matches!(catalog.kept.get_untracked(), Kept::Reading(_)));
            scenario.with_untracked(|s| {
                catalog
                    .catalog
                    .with_untracked(|c| sizer(&s.part, &s.unread, c, Depth::Whole))
            })
        });
        // A kept catalog being read again may hold the GPUs the user's hosts name:
        // a report worked out before it is read has the bundled catalog, which
        // may not, and that is no fault of theirs.
        PageSizing {
            first: Sizing::of(first, Signal::derive(reading)),
            whole: Sizing::of(
                whole,
                Signal::derive(move || reading() || stale.get_value()),
            ),
            question: scenario,
            tick,
        }
    }

    /// Works the whole report out again from the page's question and the
    /// catalog as they are now (when next read).
    pub fn refresh(&self) {
        self.tick.try_update(|n| *n = n.wrapping_add(1));
    }

    /// Refreshes the whole report one painted frame after each change of the
    /// page's question or of the catalog (not for the values they open with:
    /// the whole report is first worked out when first read).
    fn follow_after_paint(self, catalog: ActiveCatalog) {
        let waiting = StoredValue::new(false);
        Effect::new(move |opened: Option<()>| {
            self.question.track();
            catalog.catalog.track();
            if opened.is_none() || waiting.get_value() {
                return;
            }
            waiting.set_value(true);
            crate::browser::after_paint::after_paint(move || {
                waiting.try_set_value(false);
                self.refresh();
            });
        });
    }
}

impl Sizing {
    /// The report's messages; none for the user's hosts while `before_catalog`
    /// (read once the report is worked out) says the report was worked out
    /// before a kept catalog was read again: their GPUs may be in it.
    fn of(report: Memo<Sized>, before_catalog: Signal<bool>) -> Sizing {
        let errors = Memo::new(move |_| {
            report.with(|r| {
                let reading = before_catalog.get();
                let all = match r {
                    Ok(r) => &r.errors,
                    Err(e) => e,
                };
                all.iter()
                    .filter(|e| !(reading && e.path == sizing::fleet::FLEET))
                    .cloned()
                    .collect()
            })
        });
        Sizing { report, errors }
    }

    /// The message for the field at `path`, if any.
    pub fn error(self, path: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.errors
                .with(|e| FieldError::at(e, path).map(str::to_string))
        })
    }

    /// A part of the report, when there is one.
    pub fn part<T: PartialEq + Clone + Send + Sync + 'static>(
        self,
        f: fn(&Report) -> T,
    ) -> Memo<Option<T>> {
        Memo::new(move |_| self.report.with(|r| r.as_ref().ok().map(f)))
    }
}

/// A scenario part read from its form, remembering the last value of each field
/// until the field holds a number again.
fn read<F, T>(form: Field<F>, from_form: fn(&F, Option<&T>) -> FromForm<T>) -> Memo<FromForm<T>>
where
    F: Send + Sync + 'static,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |last: Option<&FromForm<T>>| form.with(|f| from_form(f, last.map(|l| &l.part))))
}

/// The question a workload page asks: its workload, deployment and speed question, read.
fn question<W: Clone + PartialEq + Send + Sync + 'static>(
    workload: Memo<FromForm<W>>,
    wrap: fn(W) -> Workload,
    deployment: Memo<FromForm<Deployment>>,
    speed: Memo<FromForm<SpeedInputs>>,
) -> Memo<FromForm<Scenario>> {
    Memo::new(move |_| {
        let (w, d, v) = (workload.get(), deployment.get(), speed.get());
        let unread = w
            .unread
            .into_iter()
            .chain(d.unread)
            .chain(v.unread)
            .collect();
        let part = Scenario {
            deployment: d.part,
            speed: v.part,
            ..Scenario::new(wrap(w.part))
        };
        FromForm { part, unread }
    })
}

/// The app's state and what it means, provided once for every page.
#[derive(Clone, Copy)]
pub struct Shared {
    pub inputs: Store<Inputs>,
    pub catalog: ActiveCatalog,
    /// The transformer page.
    pub tf: PageSizing,
    /// The CNN page.
    pub cnn: PageSizing,
    /// The known-demand page.
    pub known: PageSizing,
    /// The compression page: the chosen page's question with the recipe.
    pub compress: PageSizing,
    /// Everything above as a link holds it.
    pub state: Memo<AppState>,
    /// `state` encoded as a link's fragment, once per change: the address bar.
    pub link: Memo<link::Encoded>,
    /// The link to give out (Copy link, the Markdown export, the printed
    /// link): `link`, less embed mode, which opens the app without its header
    /// and tabs — a link made inside a portal's frame opens the whole app.
    pub shared_link: Memo<link::Encoded>,
    /// The placement page's cluster, read from its form.
    pub cluster: Memo<FromForm<Cluster>>,
    /// Its VMs placed in the order listed, or every problem of its fields.
    pub placement: Memo<Result<Placed, Vec<FieldError>>>,
    /// Why the link the app was opened with could not be shown as it was.
    pub notice: RwSignal<Option<String>>,
}

impl Shared {
    /// The state at its opening values, sizing with `sizer`. No browser is touched.
    pub fn new(sizer: Sizer) -> Shared {
        let inputs = Store::new(Inputs::default());
        let catalog = ActiveCatalog::new();
        let tf = read(inputs.tf().into(), TransformerScenario::from_form);
        let tf_gpu = read(inputs.tf_fit().into(), Deployment::from_form);
        let cnn = read(inputs.cnn().into(), CnnScenario::from_form);
        let cnn_gpu = read(inputs.cnn_fit().into(), Deployment::from_form);
        let tf_speed = read(inputs.tf_speed().into(), SpeedInputs::from_form);
        let cnn_speed = read(inputs.cnn_speed().into(), SpeedInputs::from_form);
        let known = read(inputs.known().into(), KnownScenario::from_form);
        let known_gpu = read(inputs.known_fit().into(), Deployment::from_form);
        // A known demand has no model to time: its speed question is always the default.
        let no_speed = Memo::new(|_| FromForm {
            part: SpeedInputs::default(),
            unread: Vec::new(),
        });
        let cluster = read(inputs.cluster().into(), Cluster::from_form);
        let recipe = read(inputs.compress().into(), Compression::from_form);
        let tf_question = question(tf, Workload::Transformer, tf_gpu, tf_speed);
        let cnn_question = question(cnn, Workload::Cnn, cnn_gpu, cnn_speed);
        let known_question = question(known, Workload::Known, known_gpu, no_speed);
        let compress_question = Memo::new(move |_| {
            let base = match inputs.compress_on().get() {
                CompressOn::Transformer => tf_question.get(),
                CompressOn::Cnn => cnn_question.get(),
            };
            recipe.with(|r| {
                let mut unread = base.unread;
                unread.extend(r.unread.iter().cloned());
                FromForm {
                    part: Scenario {
                        compression: Some(r.part.clone()),
                        ..base.part
                    },
                    unread,
                }
            })
        });
        let state = Memo::new(move |_| AppState {
            page: inputs.page().get(),
            embed: inputs.embed().get(),
            units: inputs.units().get(),
            name: inputs.name().get(),
            tf: tf.with(|r| r.part.clone()),
            tf_gpu: tf_gpu.with(|r| r.part.clone()),
            tf_speed: tf_speed.with(|r| r.part.clone()),
            cnn: cnn.with(|r| r.part.clone()),
            cnn_gpu: cnn_gpu.with(|r| r.part.clone()),
            cnn_speed: cnn_speed.with(|r| r.part.clone()),
            known: known.with(|r| r.part.clone()),
            known_gpu: known_gpu.with(|r| r.part.clone()),
            formats: inputs.formats().get(),
            catalog: inputs.catalog().get(),
            cluster: cluster.with(|r| (r.part != Cluster::default()).then(|| r.part.clone())),
            compress: CompressView {
                on: inputs.compress_on().get(),
                recipe: recipe.with(|r| r.part.clone()),
            },
        });
        let link = Memo::new(move |_| state.with(link::encoded));
        let shared_link = Memo::new(move |_| {
            if state.with(|s| s.embed) {
                state.with(|s| {
                    link::encoded(&AppState {
                        embed: false,
                        ..s.clone()
                    })
                })
            } else {
                link.get()
            }
        });
        Shared {
            inputs,
            catalog,
            tf: PageSizing::new(tf_question, catalog, sizer),
            cnn: PageSizing::new(cnn_question, catalog, sizer),
            known: PageSizing::new(known_question, catalog, sizer),
            compress: PageSizing::new(compress_question, catalog, sizer),
            state,
            link,
            shared_link,
            cluster,
            placement: Memo::new(move |_| {
                cluster.with(|c| {
                    catalog.catalog.with(|cat| {
                        let plan = c.part.plan(cat).map_err(|mut e| {
                            e.splice(0..0, c.unread.iter().cloned());
                            e
                        })?;
                        if !c.unread.is_empty() {
                            return Err(c.unread.clone());
                        }
                        Ok(Placed {
                            listed: place(&plan, plan.listed()),
                            plan,
                        })
                    })
                })
            }),
            notice: RwSignal::new(None),
        }
    }

    /// Creates the state, provides it to every page and keeps the address bar in
    /// step with it.
    pub fn provide() -> Shared {
        let shared = Shared::new(size_page_to);
        provide_context(shared);
        for page in [shared.tf, shared.cnn, shared.known, shared.compress] {
            page.follow_after_paint(shared.catalog);
        }
        sync_with_url(shared);
        keep_fleet(shared);
        shared.catalog.restore();
        shared
    }

    pub fn expect() -> Shared {
        expect_context::<Shared>()
    }

    pub fn units(&self) -> Signal<ByteUnits> {
        let inputs = self.inputs;
        Signal::derive(move || inputs.units().get())
    }

    /// Shows `state`; the returned messages name the parts that could not be shown.
    pub fn show(&self, state: &AppState) -> Vec<FieldError> {
        let (inputs, problems) = self
            .catalog
            .catalog
            .with_untracked(|c| Inputs::of(state, c));
        self.inputs.set(inputs);
        problems
    }

    /// Opens a saved or imported scenario on its page; the other page keeps its inputs.
    pub fn open(&self, s: &Scenario) -> Vec<FieldError> {
        self.show(&self.state.get_untracked().with_scenario(s))
    }

    /// The scenario of the workload page on show, named and in its units.
    pub fn scenario(&self) -> Signal<Option<Scenario>> {
        let state = self.state;
        Signal::derive(move || state.with(AppState::scenario))
    }
}

/// The notice for what of a link or a saved scenario could not be shown.
pub fn notice(what: &str, problems: &[FieldError]) -> Option<String> {
    let why: Vec<String> = problems
        .iter()
        .map(|e| match e.path.split('.').next() {
            Some("tf") => format!("the transformer could not be opened ({e})"),
            _ => format!("a filter of the Fits panel was turned off ({e})"),
        })
        .collect();
    (!why.is_empty()).then(|| format!("{what}: {}.", why.join("; ")))
}

/// Opens a fragment: its state, or the opening state and a notice.
fn open_fragment(s: Shared, fragment: &str) {
    match link::decode_lenient(fragment) {
        Ok((state, dropped)) => {
            // Values that could not be read are back to their opening ones; what
            // was read but cannot be shown (a model the zoo lacks) is left out.
            let shown = s.show(&state);
            let mut parts = Vec::new();
            if !dropped.is_empty() {
                let why: Vec<String> = dropped.iter().map(ToString::to_string).collect();
                parts.push(format!(
                    "Part of this link could not be read and is back to the default: {}.",
                    why.join("; ")
                ));
            }
            parts.extend(notice("Part of this link could not be opened", &shown));
            s.notice
                .set((!parts.is_empty()).then(|| parts.join(" ") + " The rest is as linked."));
        }
        Err(e) => {
            s.show(&AppState::default());
            s.notice.set(Some(e.to_string()));
        }
    }
}

/// Opens the link the page was loaded with, keeps the address bar in step with
/// every change (replacing the history entry, so Back leaves the app rather than
/// undoing keystrokes) and follows fragments pasted into the address bar.
fn sync_with_url(s: Shared) {
    let location = use_location_fragment();
    let opened = location.fragment.get_untracked();
    // Without a state in the link the store already holds the opening one
    // (`Inputs::default` is the opening state shown): nothing to read.
    if !opened.trim_start_matches('#').is_empty() {
        open_fragment(s, &opened);
    }
    // The fragment last written from the state: its own echo is not a new link.
    let written = StoredValue::new(location.fragment.get_untracked());
    // A link that could not be read stays in the address bar until something changes.
    let mut keep = s.notice.get_untracked().is_some();
    Effect::new(move |_| {
        let link = s.link.get();
        // A state too large for a link leaves the last link in place (Copy link says so).
        if std::mem::take(&mut keep) || link.too_long() {
            return;
        }
        let fragment = format!("#{}", link.fragment);
        written.set_value(fragment.clone());
        if location.fragment.get_untracked() != fragment {
            location.set_fragment(&fragment);
        }
    });
    Effect::watch(
        move || location.fragment.get(),
        move |fragment, _, _| {
            if written.with_value(|w| w != fragment)
                && s.link
                    .with_untracked(|l| *fragment != format!("#{}", l.fragment))
            {
                open_fragment(s, fragment);
            }
        },
        false,
    );
}

/// Where the user's hosts are kept in this browser.
const FLEET_KEY: &str = "headroom.fleet";

/// The user's hosts belong to the user, not to one scenario: kept in this
/// browser, and given to the workload pages when the link opened names none.
fn keep_fleet(s: Shared) {
    let stored = use_local_storage(FLEET_KEY);
    let (tf, cnn, known) = (s.inputs.tf_fit(), s.inputs.cnn_fit(), s.inputs.known_fit());
    let none_linked = [tf, cnn, known]
        .iter()
        .all(|f| f.with_untracked(|f| f.fleet.is_empty()));
    if none_linked && let Ok(Some(text)) = stored.read() {
        tf.update(|f| f.fleet = text.clone());
        cnn.update(|f| f.fleet = text.clone());
        known.update(|f| f.fleet = text);
    }
    Effect::watch(
        move || tf.with(|f| f.fleet.clone()),
        move |text, _, _| {
            // Where storage is refused the fleet still works for this visit.
            let _ = stored.write(text);
        },
        false,
    );
}
