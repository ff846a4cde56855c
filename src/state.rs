//! Everything the user sets, in one place: the signals every page reads and
//! writes, the link (URL fragment) that mirrors them, and the notice shown when a
//! link cannot be opened.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::browse::BrowseQuery;
use sizing::catalog::form::FitForm;
use sizing::cnn::form::CnnForm;
use sizing::scenario::link::{self, AppState, CatalogView, FormatsView};
use sizing::scenario::{CnnScenario, Deployment, Page, Scenario, TransformerScenario};
use sizing::transformer::form::TransformerForm;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;

/// The app's inputs. Each page keeps its fields as typed; [`Shared::state`]
/// turns them into the [`AppState`] a link holds.
#[derive(Clone, Copy)]
pub struct Shared {
    pub page: RwSignal<Page>,
    pub units: RwSignal<ByteUnits>,
    /// The scenario's name, shown on the workload pages and used when saving.
    pub name: RwSignal<String>,
    pub tf: RwSignal<TransformerForm>,
    pub tf_fit: RwSignal<FitForm>,
    pub cnn: RwSignal<CnnForm>,
    pub cnn_fit: RwSignal<FitForm>,
    pub formats: RwSignal<FormatsView>,
    pub catalog_query: RwSignal<BrowseQuery>,
    pub catalog_gpu: RwSignal<Option<String>>,
    /// Why the link the app was opened with could not be shown as it was.
    pub notice: RwSignal<Option<String>>,
    /// Everything above as a link holds it.
    pub state: Memo<AppState>,
}

pub fn shared() -> Shared {
    expect_context::<Shared>()
}

impl Shared {
    pub fn new() -> Shared {
        let s = AppState::default();
        let tf = RwSignal::new(TransformerForm::default());
        let tf_fit = RwSignal::new(FitForm::default());
        let cnn = RwSignal::new(CnnForm::default());
        let cnn_fit = RwSignal::new(FitForm::default());
        let page = RwSignal::new(s.page);
        let units = RwSignal::new(s.units);
        let name = RwSignal::new(s.name);
        let formats = RwSignal::new(s.formats);
        let catalog_query = RwSignal::new(s.catalog.query);
        let catalog_gpu = RwSignal::new(s.catalog.gpu);
        // A form whose fields are not all numbers yet keeps the last state it had,
        // so the link never holds a half-typed value.
        let tf_state = Memo::new(move |prev: Option<&TransformerScenario>| {
            tf.with(TransformerScenario::from_form)
                .or_else(|| prev.cloned())
                .unwrap_or_default()
        });
        let cnn_state = Memo::new(move |prev: Option<&CnnScenario>| {
            cnn.with(CnnScenario::from_form)
                .or_else(|| prev.cloned())
                .unwrap_or_default()
        });
        let fit = |form: RwSignal<FitForm>| {
            Memo::new(move |prev: Option<&Deployment>| {
                form.with(Deployment::from_form)
                    .or_else(|| prev.cloned())
                    .unwrap_or_default()
            })
        };
        let (tf_gpu, cnn_gpu) = (fit(tf_fit), fit(cnn_fit));
        let state = Memo::new(move |_| AppState {
            page: page.get(),
            units: units.get(),
            name: name.get(),
            tf: tf_state.get(),
            tf_gpu: tf_gpu.get(),
            cnn: cnn_state.get(),
            cnn_gpu: cnn_gpu.get(),
            formats: formats.get(),
            catalog: CatalogView {
                query: catalog_query.get(),
                gpu: catalog_gpu.get(),
            },
        });
        Shared {
            page,
            units,
            name,
            tf,
            tf_fit,
            cnn,
            cnn_fit,
            formats,
            catalog_query,
            catalog_gpu,
            notice: RwSignal::new(None),
            state,
        }
    }

    /// Shows `state`. A part that cannot be opened (a model the zoo does not have)
    /// keeps its opening values; the returned messages say which.
    pub fn apply(&self, state: &AppState) -> Vec<String> {
        let mut problems = Vec::new();
        self.page.set(state.page);
        self.units.set(state.units);
        self.name.set(state.name.clone());
        match state.tf.to_form() {
            Ok(f) => self.tf.set(f),
            Err(e) => {
                problems.push(format!(
                    "the transformer could not be opened ({})",
                    e.under("tf")
                ));
                self.tf.set(TransformerForm::default());
            }
        }
        self.tf_fit.set(state.tf_gpu.to_form());
        self.cnn.set(state.cnn.to_form());
        self.cnn_fit.set(state.cnn_gpu.to_form());
        self.formats.set(state.formats.clone());
        self.catalog_query.set(state.catalog.query.clone());
        self.catalog_gpu.set(state.catalog.gpu.clone());
        problems
    }

    /// Opens a saved or imported scenario on its page.
    pub fn open(&self, s: &Scenario) -> Vec<String> {
        let mut state = self.state.get_untracked();
        let fresh = AppState::from_scenario(s);
        state.page = fresh.page;
        state.name = fresh.name;
        state.units = fresh.units;
        match fresh.page {
            Page::Cnn => {
                state.cnn = fresh.cnn;
                state.cnn_gpu = fresh.cnn_gpu;
            }
            _ => {
                state.tf = fresh.tf;
                state.tf_gpu = fresh.tf_gpu;
            }
        }
        self.apply(&state)
    }

    /// The scenario of the workload page on show.
    pub fn scenario(&self) -> Signal<Option<Scenario>> {
        let state = self.state;
        Signal::derive(move || state.with(AppState::scenario))
    }
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Opens the fragment: its state, or the opening state and a notice.
fn open_fragment(s: Shared, fragment: &str) {
    match link::decode(fragment) {
        Ok(state) => {
            let problems = s.apply(&state);
            s.notice.set((!problems.is_empty()).then(|| {
                format!(
                    "Part of this link could not be opened: {}. The rest is as linked.",
                    problems.join("; ")
                )
            }));
        }
        Err(e) => {
            s.apply(&AppState::default());
            s.notice.set(Some(e.to_string()));
        }
    }
}

/// Opens the link the page was loaded with, keeps the address bar in step with
/// every change (replacing the history entry, so Back leaves the app rather than
/// undoing keystrokes) and follows fragments pasted into the address bar.
pub fn sync_with_url(s: Shared) {
    let initial = location_hash();
    open_fragment(s, &initial);
    let state = s.state;
    // A link that could not be read stays in the address bar until something changes.
    let mut skip_first = s.notice.get_untracked().is_some();
    Effect::new(move |_| {
        let fragment = format!("#{}", link::encode(&state.read()));
        if std::mem::take(&mut skip_first) {
            return;
        }
        if location_hash() != fragment {
            replace_fragment(&fragment);
        }
    });
    let on_hash = Closure::<dyn Fn()>::new(move || {
        let fragment = location_hash();
        let current = format!("#{}", link::encode(&state.get_untracked()));
        if fragment != current {
            open_fragment(s, &fragment);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
    }
    on_hash.forget();
}

fn replace_fragment(fragment: &str) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    // Keep the path and query: the app may live under a sub-path of a portal.
    let location = w.location();
    let base = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{base}{fragment}")));
}

/// The full link to the current view.
pub fn current_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}
