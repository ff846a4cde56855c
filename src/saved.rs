//! Scenarios beyond the page on show: the bar to name, save and share the current
//! one, the notice for a link that could not be opened, and the saved-scenarios
//! page (list, rename, delete, compare, export, import).

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::{Catalog, RecommendationKind};
use sizing::report::{Report, size};
use sizing::scenario::link::Page;
use sizing::scenario::store::{Entry, Library};
use sizing::scenario::{FieldError, Scenario, Workload};
use sizing::units::{format_bytes, format_bytes_exact, group_digits};
use wasm_bindgen_futures::JsFuture;

use crate::app::{ActiveCatalog, BUNDLED};
use crate::state::{current_url, shared};
use crate::widgets::{download, read_chosen_file};

/// Where the saved scenarios live in the browser's storage.
const KEY: &str = "headroom.scenarios";

/// Most scenarios compared side by side.
const MAX_COMPARED: usize = 3;

/// The stored list, or why it cannot be used.
#[derive(Clone, Debug, PartialEq)]
enum Stored {
    Ready(Library),
    /// The stored text is not a saved-scenarios file; it is left as it is.
    Unreadable {
        reason: String,
        raw: String,
    },
    /// The browser does not allow storage here.
    Unavailable(String),
}

/// The browser's local storage. Reading it throws in a sandboxed frame and in
/// some private modes, so every step is checked (gloo-storage's accessor panics there).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load() -> Stored {
    let storage = match local_storage().map(|s| s.get_item(KEY)) {
        Some(Ok(v)) => v,
        _ => {
            return Stored::Unavailable(
                "this browser does not let the page read its storage (private mode or a sandboxed frame)".into(),
            );
        }
    };
    match storage {
        None => Stored::Ready(Library::default()),
        Some(raw) => match Library::read(&raw) {
            Ok(lib) => Stored::Ready(lib),
            Err(e) => Stored::Unreadable {
                reason: e.to_string(),
                raw,
            },
        },
    }
}

fn store(lib: &Library) -> Result<(), String> {
    local_storage()
        .ok_or_else(|| "this browser does not let the page use its storage".to_string())?
        .set_item(KEY, &lib.to_json())
        .map_err(|_| "the browser refused to store it (storage full or not allowed)".to_string())
}

/// A scenario that can be compared: a saved one (its index among the library's
/// entries) or the one a workload page shows, saved or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    Saved(usize),
    OnPage(Page),
}

/// The saved list, shared by the bar and the page.
#[derive(Clone, Copy)]
struct Saved {
    stored: RwSignal<Stored>,
    /// The last thing that happened, for the status line.
    status: RwSignal<Option<String>>,
    /// The scenarios chosen for comparison, in the order they were ticked.
    compared: RwSignal<Vec<Pick>>,
}

/// Reads the stored list once, for the whole app.
pub fn provide_saved() {
    provide_context(Saved {
        stored: RwSignal::new(load()),
        status: RwSignal::new(None),
        compared: RwSignal::new(Vec::new()),
    });
}

fn saved() -> Saved {
    expect_context::<Saved>()
}

impl Saved {
    /// Changes the library and stores it; nothing changes when it cannot be stored.
    fn change(&self, f: impl FnOnce(&mut Library) -> String) {
        let _ = self.try_change(|lib| Ok(f(lib)));
    }

    /// As [`Saved::change`], for a change that may be refused: its message is
    /// returned and nothing is stored.
    fn try_change(
        &self,
        f: impl FnOnce(&mut Library) -> Result<String, String>,
    ) -> Result<(), String> {
        let Stored::Ready(mut lib) = self.stored.get_untracked() else {
            return Ok(());
        };
        let message = f(&mut lib)?;
        match store(&lib) {
            Ok(()) => {
                self.stored.set(Stored::Ready(lib));
                self.status.set(Some(message));
            }
            Err(e) => self.status.set(Some(format!("Not saved: {e}."))),
        }
        Ok(())
    }
}

/// The notice for a link that could not be opened as it was.
#[component]
pub fn LinkNotice() -> impl IntoView {
    let notice = shared().notice;
    view! {
        <Show when=move || notice.with(Option::is_some)>
            <div class="notice" role="alert" data-testid="link-notice">
                <p>{move || notice.get().unwrap_or_default()}</p>
                <button type="button" data-testid="link-notice-close" on:click=move |_| notice.set(None)>
                    "Dismiss"
                </button>
            </div>
        </Show>
    }
}

/// Name, save and share the scenario of the workload page on show.
#[component]
pub fn ScenarioBar() -> impl IntoView {
    let s = shared();
    let list = saved();
    let scenario = s.scenario();
    let active = expect_context::<ActiveCatalog>();
    let link_text = RwSignal::new(String::new());
    let copy_status = RwSignal::new(None::<String>);

    let save = move |_| {
        let Some(sc) = scenario.get_untracked() else {
            return;
        };
        list.change(|lib| {
            let i = lib.add(sc);
            let name = match &lib.entries[i] {
                Entry::Saved(s) => s.name.clone(),
                Entry::Unreadable { .. } => String::new(),
            };
            s.name.set(name.clone());
            format!("Saved \"{name}\". It is listed under Saved scenarios.")
        });
    };
    let copy = move |_| {
        let url = current_url();
        link_text.set(url.clone());
        let Some(w) = web_sys::window() else { return };
        let promise = w.navigator().clipboard().write_text(&url);
        leptos::task::spawn_local(async move {
            copy_status.set(Some(match JsFuture::from(promise).await {
                Ok(_) => "Link copied.".to_string(),
                Err(_) => "Copy the link from the field.".to_string(),
            }));
        });
    };
    let blocked = move || !matches!(list.stored.get(), Stored::Ready(_));
    view! {
        <div class="scenario-bar" class:hidden=move || scenario.with(Option::is_none) data-testid="scenario-bar">
            <label class="scenario-name">
                "Scenario "
                <input
                    type="text"
                    data-testid="scenario-name"
                    placeholder="Name this scenario"
                    prop:value=move || s.name.get()
                    on:input:target=move |ev| s.name.set(ev.target().value())
                />
            </label>
            <button type="button" data-testid="save-scenario" on:click=save disabled=blocked>
                "Save"
            </button>
            <button type="button" data-testid="copy-link" on:click=copy>
                "Copy link"
            </button>
            <Show when=move || !link_text.with(String::is_empty)>
                <input class="link-text" type="text" readonly data-testid="link-text" prop:value=move || link_text.get()/>
            </Show>
            <span class="status" data-testid="scenario-status" role="status">
                {move || copy_status.get().or_else(|| list.status.get()).unwrap_or_default()}
            </span>
            <Show when=move || active.origin.with(|o| o != BUNDLED)>
                <span class="hint">"Links and saved scenarios are sized with the bundled catalog when opened elsewhere."</span>
            </Show>
        </div>
    }
}

/// A report, or the problems that stop it.
type Sized = Result<Report, Vec<FieldError>>;

/// One scenario of the page, sized.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    pick: Pick,
    /// Its name in the compare view's heading.
    label: String,
    scenario: Scenario,
    sized: Sized,
}

impl Row {
    fn new(pick: Pick, scenario: Scenario, catalog: &Catalog) -> Row {
        let label = match pick {
            Pick::Saved(_) => scenario.name.clone(),
            // The name in the bar belongs to both pages, so it does not tell them apart.
            Pick::OnPage(p) => format!("{} (not saved)", page_title(p)),
        };
        let sized = size(&scenario, catalog);
        Row {
            pick,
            label,
            scenario,
            sized,
        }
    }

    /// What the list shows of it: workload (or why it cannot be sized), memory, smallest fit.
    fn summary(&self) -> (String, Option<u64>, String) {
        match &self.sized {
            Ok(r) => (
                r.model.headline.clone(),
                Some(r.memory.total),
                r.fits
                    .recommendations
                    .first()
                    .map_or_else(|| "—".into(), |rec| r.fits.options[rec.option].label()),
            ),
            Err(e) => (
                format!("Cannot be sized: {}", join_problems(e)),
                None,
                "—".into(),
            ),
        }
    }
}

fn join_problems(e: &[FieldError]) -> String {
    e.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn page_title(p: Page) -> &'static str {
    match p {
        Page::Cnn => "CNNs page",
        _ => "Transformers page",
    }
}

fn page_id(p: Page) -> &'static str {
    match p {
        Page::Cnn => "cnn",
        _ => "transformer",
    }
}

fn kind_label(s: &Scenario) -> &'static str {
    match s.workload {
        Workload::Transformer(_) => "Transformer",
        Workload::Cnn(_) => "CNN",
    }
}

#[component]
pub fn SavedPage() -> impl IntoView {
    let s = shared();
    let list = saved();
    let active = expect_context::<ActiveCatalog>();
    let units = s.units;
    let rows = Memo::new(move |_| match list.stored.get() {
        Stored::Ready(lib) => active.catalog.with(|c| {
            lib.saved()
                .map(|(i, sc)| Row::new(Pick::Saved(i), sc.clone(), c))
                .collect::<Vec<_>>()
        }),
        _ => Vec::new(),
    });
    // What the workload pages show, sized only while this page is on show:
    // every page stays mounted, and typing there should not size it twice.
    let on_page = Memo::new(move |_| {
        if s.page.get() != Page::Saved {
            return Vec::new();
        }
        let state = s.state.get();
        active.catalog.with(|c| {
            [Page::Transformer, Page::Cnn]
                .into_iter()
                .filter_map(|p| Some(Row::new(Pick::OnPage(p), state.scenario_of(p)?, c)))
                .collect::<Vec<_>>()
        })
    });
    let comparable = Memo::new(move |_| {
        let mut all = on_page.get();
        all.extend(rows.get());
        all
    });
    let problems = Memo::new(move |_| match list.stored.get() {
        Stored::Ready(lib) => lib.problems(),
        _ => Vec::new(),
    });
    let renaming = RwSignal::new(None::<(usize, String, Option<String>)>);
    let import_message = RwSignal::new(None::<String>);

    let export = move |_| {
        if let Stored::Ready(lib) = list.stored.get_untracked()
            && let Err(e) = download("headroom-scenarios.json", &lib.to_json())
        {
            list.status.set(Some(format!("Export failed: {e}.")));
        }
    };
    let import_text = move |name: String, text: String| match Library::read(&text) {
        Ok(other) => {
            let unreadable = other.problems();
            list.change(|lib| {
                let (added, skipped) = lib.import(&other);
                let mut m = format!(
                    "{name}: {added} scenario{} imported",
                    if added == 1 { "" } else { "s" }
                );
                if skipped > 0 {
                    m += &format!(", {skipped} already saved");
                }
                if !unreadable.is_empty() {
                    m += &format!(
                        "; {} could not be read: {}",
                        unreadable.len(),
                        unreadable.join("; ")
                    );
                }
                m + "."
            });
            import_message.set(None);
        }
        Err(e) => import_message.set(Some(format!("{name} was not imported: {e}"))),
    };
    let on_file = move |ev: leptos::ev::Event| {
        read_chosen_file(&ev, import_text, move |name| {
            import_message.set(Some(format!("{name} could not be read.")))
        });
    };
    let download_raw = move |_| {
        if let Stored::Unreadable { raw, .. } = list.stored.get_untracked() {
            let _ = download("headroom-scenarios-unreadable.txt", &raw);
        }
    };
    let discard = move |_| {
        let empty = Library::default();
        match store(&empty) {
            Ok(()) => {
                list.stored.set(Stored::Ready(empty));
                list.status
                    .set(Some("Started a new list of saved scenarios.".into()));
            }
            Err(e) => list.status.set(Some(format!("Not replaced: {e}."))),
        }
    };
    let open = move |sc: Scenario| {
        let problems = s.open(&sc);
        s.notice.set((!problems.is_empty()).then(|| {
            format!(
                "Part of \"{}\" could not be opened: {}.",
                sc.name,
                problems.join("; ")
            )
        }));
    };
    let toggle = move |pick: Pick, on: bool| {
        list.compared.update(|c| {
            c.retain(|&x| x != pick);
            if on {
                c.push(pick);
                if c.len() > MAX_COMPARED {
                    c.remove(0);
                }
            }
        })
    };

    let compare_box = move |pick: Pick, testid: String| {
        view! {
            <td>
                <input
                    type="checkbox"
                    aria-label="Compare"
                    data-testid=testid
                    prop:checked=move || list.compared.with(|c| c.contains(&pick))
                    on:change:target=move |ev| toggle(pick, ev.target().checked())
                />
            </td>
        }
    };
    let total_cell = move |total: Option<u64>, testid: String| {
        view! {
            <td class="num" data-testid=testid data-bytes=total.map(|t| t.to_string()).unwrap_or_default()>
                {move || total.map(|t| format_bytes(t, units.get())).unwrap_or_else(|| "—".into())}
            </td>
        }
    };
    let page_row = move |row: Row| {
        let Pick::OnPage(p) = row.pick else {
            return ().into_any();
        };
        let id = page_id(p);
        let (summary, total, fit) = row.summary();
        view! {
            <tr class="on-page" data-testid=format!("on-page-{id}")>
                {compare_box(row.pick, format!("compare-page-{id}"))}
                <td><span class="saved-name">{page_title(p)}</span>" "<span class="hint">"(not saved)"</span></td>
                <td>{kind_label(&row.scenario)}</td>
                <td class="saved-summary">{summary}</td>
                {total_cell(total, format!("on-page-total-{id}"))}
                <td>{fit}</td>
                <td class="actions">
                    <button type="button" data-testid=format!("show-{id}") on:click=move |_| s.page.set(p)>"Show"</button>
                </td>
            </tr>
        }
        .into_any()
    };
    let row = move |row: Row| {
        let Pick::Saved(i) = row.pick else {
            return ().into_any();
        };
        let sc = row.scenario.clone();
        let name = sc.name.clone();
        let is_renaming = move || renaming.with(|r| r.as_ref().is_some_and(|r| r.0 == i));
        let (summary, total, fit) = row.summary();
        let open_sc = sc.clone();
        view! {
            <tr data-testid=format!("saved-{i}")>
                {compare_box(row.pick, format!("compare-{i}"))}
                <td>
                    <Show
                        when=is_renaming
                        fallback={
                            let name = name.clone();
                            move || view! { <span class="saved-name" data-testid=format!("saved-name-{i}")>{name.clone()}</span> }
                        }
                    >
                        <input
                            type="text"
                            data-testid=format!("rename-input-{i}")
                            prop:value=move || renaming.with(|r| r.as_ref().map(|r| r.1.clone()).unwrap_or_default())
                            on:input:target=move |ev| {
                                let v = ev.target().value();
                                renaming.update(|r| if let Some(r) = r { r.1 = v; r.2 = None; })
                            }
                        />
                        <button
                            type="button"
                            data-testid=format!("rename-ok-{i}")
                            on:click=move |_| {
                                let Some((_, new_name, _)) = renaming.get_untracked() else { return };
                                let renamed = list.try_change(|l| {
                                    l.rename(i, &new_name).map(|()| format!("Renamed to \"{}\".", new_name.trim()))
                                });
                                match renamed {
                                    Ok(()) => renaming.set(None),
                                    Err(e) => renaming.update(|r| if let Some(r) = r { r.2 = Some(e) }),
                                }
                            }
                        >
                            "OK"
                        </button>
                        <button type="button" on:click=move |_| renaming.set(None)>"Cancel"</button>
                        <p class="error" role="alert" data-testid=format!("rename-error-{i}")>
                            {move || renaming.with(|r| r.as_ref().and_then(|r| r.2.clone()).unwrap_or_default())}
                        </p>
                    </Show>
                </td>
                <td>{kind_label(&sc)}</td>
                <td class="saved-summary">{summary}</td>
                {total_cell(total, format!("saved-total-{i}"))}
                <td>{fit}</td>
                <td class="actions">
                    <button type="button" data-testid=format!("open-{i}") on:click=move |_| open(open_sc.clone())>"Open"</button>
                    <button
                        type="button"
                        data-testid=format!("rename-{i}")
                        on:click={
                            let name = name.clone();
                            move |_| renaming.set(Some((i, name.clone(), None)))
                        }
                    >
                        "Rename"
                    </button>
                    <button
                        type="button"
                        data-testid=format!("delete-{i}")
                        on:click={
                            let name = name.clone();
                            move |_| {
                                list.compared.update(|c| {
                                    c.retain(|&x| x != Pick::Saved(i));
                                    for x in c.iter_mut() {
                                        if let Pick::Saved(j) = x
                                            && *j > i
                                        {
                                            *j -= 1;
                                        }
                                    }
                                });
                                renaming.set(None);
                                list.change(|l| {
                                    l.remove(i);
                                    format!("Deleted \"{name}\".")
                                });
                            }
                        }
                    >
                        "Delete"
                    </button>
                </td>
            </tr>
        }
        .into_any()
    };

    view! {
        <div class="card saved" data-testid="saved">
            <h2>"Saved scenarios"</h2>
            <p class="hint">
                "Scenarios are kept in this browser only. Export them to a file to keep them elsewhere or to share a set; "
                "the same file opens in headroom-cli (see docs/scenario.md)."
            </p>
            {move || match list.stored.get() {
                Stored::Unreadable { reason, .. } => view! {
                    <div class="warning" role="alert" data-testid="storage-problem">
                        <p>{format!("The saved scenarios stored in this browser could not be read: {reason}. They are left as they are, and nothing new is saved until you decide.")}</p>
                        <button type="button" data-testid="storage-download" on:click=download_raw>"Download the stored text"</button>
                        " "
                        <button type="button" data-testid="storage-discard" on:click=discard>"Start a new list (replaces the stored text)"</button>
                    </div>
                }.into_any(),
                Stored::Unavailable(why) => view! {
                    <div class="warning" role="alert" data-testid="storage-problem">
                        <p>{format!("Scenarios cannot be saved here: {why}. Links still work.")}</p>
                    </div>
                }.into_any(),
                Stored::Ready(_) => ().into_any(),
            }}
            <Show when=move || !problems.with(Vec::is_empty)>
                <div class="warning" data-testid="saved-problems">
                    <p>"Some stored entries could not be read. They are kept as they are:"</p>
                    <ul>{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <div class="saved-actions">
                <button type="button" data-testid="export-saved" on:click=export disabled=move || rows.with(Vec::is_empty)>
                    "Export all…"
                </button>
                <label class="button">
                    "Import…"
                    <input type="file" accept=".json,application/json" data-testid="import-saved" on:change=on_file class="visually-hidden"/>
                </label>
                <span class="status" role="status" data-testid="saved-status">{move || list.status.get().unwrap_or_default()}</span>
            </div>
            <p class="error" role="alert" data-testid="import-saved-error">{move || import_message.get().unwrap_or_default()}</p>
            <table class="saved-table" data-testid="saved-table">
                <thead>
                    <tr>
                        <th scope="col">"Compare"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Workload"</th>
                        <th scope="col" class="num">"Memory per GPU"</th>
                        <th scope="col">"Smallest fit"</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody class="on-page">{move || on_page.get().into_iter().map(page_row).collect_view()}</tbody>
                <tbody>{move || rows.get().into_iter().map(row).collect_view()}</tbody>
            </table>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="hint" data-testid="saved-empty">
                    "Nothing saved yet. Size a workload on the Transformers or CNNs page, name it in the bar above the inputs and press Save. "
                    "What the two pages show now is listed first and can be compared as it is."
                </p>
            </Show>
            <Compare rows=comparable units=units compared=list.compared/>
        </div>
    }
}

/// The chosen scenarios side by side: model, workload, every memory term, fits.
#[component]
fn Compare(
    rows: Memo<Vec<Row>>,
    units: RwSignal<ByteUnits>,
    compared: RwSignal<Vec<Pick>>,
) -> impl IntoView {
    let chosen = Memo::new(move |_| {
        let picks = compared.get();
        rows.with(|rows| {
            picks
                .iter()
                .filter_map(|p| rows.iter().find(|r| r.pick == *p).cloned())
                .collect::<Vec<_>>()
        })
    });
    view! {
        {move || {
            let chosen = chosen.get();
            if chosen.len() < 2 {
                return view! {
                    <p class="hint" data-testid="compare-hint">
                        {format!("Tick two or three scenarios to compare them side by side ({} ticked).", chosen.len())}
                    </p>
                }
                    .into_any();
            }
            let reports: Vec<Option<Report>> = chosen.iter().map(|c| c.sized.clone().ok()).collect();
            // Every term any of them has, in first-seen order.
            let mut terms: Vec<(String, String)> = Vec::new();
            for r in reports.iter().flatten() {
                for t in r.memory.visible() {
                    if !terms.iter().any(|(id, _)| *id == t.id) {
                        terms.push((t.id.clone(), t.label.clone()));
                    }
                }
            }
            let bytes_cell = move |v: Option<u64>, testid: String| {
                view! {
                    <td class="num" data-testid=testid data-bytes=v.map(|b| b.to_string()).unwrap_or_default() title=v.map(format_bytes_exact).unwrap_or_default()>
                        {move || v.map(|b| format_bytes(b, units.get())).unwrap_or_else(|| "—".into())}
                    </td>
                }
            };
            let text_row = |label: &'static str, key: &'static str, f: &dyn Fn(&Report) -> String| {
                let cells = reports
                    .iter()
                    .enumerate()
                    .map(|(n, r)| {
                        let v = r.as_ref().map_or_else(|| "—".to_string(), f);
                        view! { <td data-testid=format!("compare-{key}-{n}")>{v}</td> }
                    })
                    .collect_view();
                view! { <tr><th scope="row">{label}</th>{cells}</tr> }
            };
            let rec = |kind: RecommendationKind| {
                move |r: &Report| {
                    r.fits
                        .recommendations
                        .iter()
                        .find(|x| x.kind == kind)
                        .map(|rec| r.fits.options[rec.option].label())
                        .unwrap_or_else(|| "nothing fits one GPU".into())
                }
            };
            view! {
                <div class="compare" data-testid="compare">
                    <h3>"Side by side"</h3>
                    <table class="compare-table">
                        <thead>
                            <tr>
                                <th scope="col"></th>
                                {chosen
                                    .iter()
                                    .enumerate()
                                    .map(|(n, c)| view! { <th scope="col" data-testid=format!("compare-name-{n}")>{c.label.clone()}</th> })
                                    .collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {text_row("Model", "model", &|r| format!("{} · {} parameters", r.model.name, group_digits(r.model.parameters)))}
                            {text_row("Workload", "workload", &|r| r.model.headline.clone())}
                            {terms
                                .into_iter()
                                .map(|(id, label)| {
                                    let cells = reports
                                        .iter()
                                        .enumerate()
                                        .map(|(n, r)| {
                                            let term = r.as_ref().and_then(|r| r.memory.terms.iter().find(|t| t.id == id));
                                            bytes_cell(term.map(|t| t.bytes), format!("compare-{id}-{n}"))
                                        })
                                        .collect_view();
                                    view! { <tr><th scope="row">{label}</th>{cells}</tr> }
                                })
                                .collect_view()}
                            <tr class="compare-total">
                                <th scope="row">"Total per GPU"</th>
                                {reports
                                    .iter()
                                    .enumerate()
                                    .map(|(n, r)| bytes_cell(r.as_ref().map(|r| r.memory.total), format!("compare-total-{n}")))
                                    .collect_view()}
                            </tr>
                            {text_row("GPUs per copy", "gpus", &|r| r.memory.gpus_per_copy.to_string())}
                            {text_row("Smallest fit", "smallest", &rec(RecommendationKind::Smallest))}
                            {text_row("Densest", "densest", &rec(RecommendationKind::Densest))}
                            {text_row("Most headroom", "headroom", &rec(RecommendationKind::MostHeadroom))}
                            {text_row("Warnings", "warnings", &|r| r.memory.warnings.len().to_string())}
                        </tbody>
                    </table>
                    {chosen
                        .iter()
                        .filter_map(|c| c.sized.as_ref().err().map(|e| (c.label.clone(), join_problems(e))))
                        .map(|(name, e)| view! { <p class="error">{format!("{name} cannot be sized: {e}")}</p> })
                        .collect_view()}
                </div>
            }
                .into_any()
        }}
    }
}
