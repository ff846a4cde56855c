//! Scenarios beyond the page on show: the bar to name, save and share the current
//! one, the notice for a link that could not be opened, and the saved-scenarios
//! page (list, rename, delete, compare, export, import).

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::{Catalog, RecommendationKind};
use sizing::report::{Report, export, size, words};
use sizing::scenario::link::{self, Page};
use sizing::scenario::store::{EntryId, Library};
use sizing::scenario::{FieldError, Scenario, Workload};
use sizing::units::group_digits;

use crate::browser::after_paint::after_paint;
use crate::browser::clipboard::use_clipboard;
use crate::browser::download::{DownloadOptions, download, download_with_options};
use crate::browser::file_open::{UseFileOpenOptions, use_file_open};
use crate::browser::focus::focus;
use crate::browser::location::current_url;
use crate::browser::storage::{
    StorageError, UseLocalStorageReturn, on_storage_change, use_local_storage,
};
use crate::state::{ActiveCatalog, BUNDLED, InputsStoreFields, Shared, Sized, notice};
use crate::widgets::BytesCell;

/// Where the saved scenarios live in the browser's storage.
const KEY: &str = "headroom.scenarios";

/// The status after a copy.
const COPIED: &str = "Link copied.";

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

fn load(storage: UseLocalStorageReturn) -> Stored {
    match storage.read() {
        Err(e) => Stored::Unavailable(e.to_string()),
        Ok(None) => Stored::Ready(Library::default()),
        Ok(Some(raw)) => match Library::read(&raw) {
            Ok(lib) => Stored::Ready(lib),
            Err(e) => Stored::Unreadable {
                reason: e.to_string(),
                raw,
            },
        },
    }
}

/// A scenario that can be compared: a saved one, or the one a workload page
/// shows, saved or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    Saved(EntryId),
    OnPage(Page),
}

/// The saved list, shared by the bar and the page.
#[derive(Clone, Copy)]
struct Saved {
    storage: UseLocalStorageReturn,
    stored: RwSignal<Stored>,
    /// The last thing that happened, for the status line.
    status: RwSignal<Option<String>>,
    /// The scenarios chosen for comparison, in the order they were ticked.
    compared: RwSignal<Vec<Pick>>,
    /// The GPU catalog in use, which may be kept in the same storage.
    catalog: ActiveCatalog,
}

/// Reads the stored list once for the whole app, and again when another tab
/// changes it.
pub fn provide_saved() {
    let storage = use_local_storage(KEY);
    let saved = Saved {
        storage,
        stored: RwSignal::new(load(storage)),
        status: RwSignal::new(None),
        compared: RwSignal::new(Vec::new()),
        catalog: Shared::expect().catalog,
    };
    on_storage_change(KEY, move || saved.reload());
    provide_context(saved);
}

fn saved() -> Saved {
    expect_context::<Saved>()
}

/// The saved scenarios, as stored now (none when storage is unreadable or unavailable).
pub fn saved_scenarios() -> Vec<Scenario> {
    saved().stored.with(|s| match s {
        Stored::Ready(lib) => lib.saved().map(|(_, s)| s.clone()).collect(),
        _ => Vec::new(),
    })
}

impl Saved {
    /// What is stored now, keeping the ids of the entries this tab already lists.
    fn reload(&self) {
        match (self.stored.get_untracked(), load(self.storage)) {
            (Stored::Ready(mut lib), Stored::Ready(now)) => {
                lib.refresh(now);
                self.stored.set(Stored::Ready(lib));
            }
            (_, now) => self.stored.set(now),
        }
    }

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
        // Another tab may have saved since: change what is stored now.
        self.reload();
        let Stored::Ready(mut lib) = self.stored.get_untracked() else {
            return Ok(());
        };
        let message = f(&mut lib)?;
        // Only a list that reads back as it is, is stored; the stored list stays otherwise.
        let written = lib
            .to_checked_json()
            .map_err(|why| format!("it would not read back ({why})"))
            .and_then(|text| {
                self.storage.write(&text).map_err(|e| match e {
                    StorageError::Refused => format!("{e}{}", self.catalog.room_note()),
                    StorageError::Unavailable => e.to_string(),
                })
            });
        match written {
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
    let notice = Shared::expect().notice;
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
    let s = Shared::expect();
    let list = saved();
    let scenario = s.scenario();
    let name = s.inputs.name();
    // Once a link was asked for, the field shows the link of the state as it is
    // now, so that it never goes stale; empty when the state is too large for one.
    let link_shown = RwSignal::new(false);
    let link_text = Memo::new(move |_| {
        if !link_shown.get() {
            return String::new();
        }
        s.shared_link.with(page_link).unwrap_or_default()
    });
    // The link the last copy put on the clipboard.
    let copied_link = StoredValue::new(String::new());
    let clipboard = use_clipboard();
    // The last thing that happened: a save, or a copy.
    Effect::new(move |_| {
        if let Some(copied) = clipboard.copied.get() {
            list.status.set(Some(match copied {
                Ok(()) => COPIED.to_string(),
                Err(_) => "Copy the link from the field.".to_string(),
            }));
        }
    });
    // A change after a copy: the copied link no longer shows it.
    Effect::watch(
        move || link_text.get(),
        move |now, _, _| {
            let copied = list.status.with_untracked(|s| s.as_deref() == Some(COPIED));
            if copied && copied_link.with_value(|c| !c.is_empty() && c != now) {
                list.status.set(Some(
                    "Changed since the link was copied: the field shows the link as it is now."
                        .into(),
                ));
            }
        },
        false,
    );

    let save = move |_| {
        let Some(sc) = scenario.get_untracked() else {
            return;
        };
        list.change(|lib| {
            let (_, saved_as) = lib.add(sc);
            name.set(saved_as.clone());
            format!("Saved \"{saved_as}\". It is listed under Saved scenarios.")
        });
    };
    let copy = move |_| {
        let written = s.shared_link.get_untracked();
        link_shown.set(true);
        if written.too_long() {
            list.status.set(Some(format!(
                "This scenario is too large for a link {}: save it as a file instead.",
                link_sizes(&written)
            )));
            return;
        }
        let url = link_text.get_untracked();
        copied_link.set_value(url.clone());
        if clipboard.is_supported {
            clipboard.copy(&url);
        } else {
            list.status
                .set(Some("Copy the link from the field.".into()));
        }
    };
    let export_one = move |_| {
        if let Some(sc) = scenario.get_untracked()
            && let Err(e) = download("headroom-scenario.json", &sc.to_json())
        {
            list.status.set(Some(format!("Export failed: {e}.")));
        }
    };
    let blocked = move || !matches!(list.stored.get(), Stored::Ready(_));
    view! {
        <div class="scenario-bar" class:hidden=move || scenario.with(Option::is_none) data-testid="scenario-bar">
            <label class="scenario-name">
                "Scenario "
                <input
                    type="text"
                    data-testid="scenario-name"
                    maxlength="200"
                    placeholder="Name this scenario"
                    prop:value=move || name.get()
                    on:input:target=move |ev| name.set(ev.target().value())
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
            <Show when=move || s.shared_link.with(link::Encoded::too_long)>
                <button type="button" data-testid="export-scenario" on:click=export_one>"Save as a file…"</button>
            </Show>
            <span class="status" data-testid="scenario-status" role="status">
                {move || list.status.get().unwrap_or_default()}
            </span>
            <Show when=move || s.catalog.origin.with(|o| o != BUNDLED)>
                <span class="hint">"Links and saved scenarios are sized with the bundled catalog when opened elsewhere."</span>
            </Show>
            // Said as soon as it happens, not only on Copy link: a reload would open the older link.
            <Show when=move || s.shared_link.with(link::Encoded::too_long)>
                <p class="hint" data-testid="link-too-long" role="status">
                    {move || format!(
                        "This scenario is too large for a link {}: the address bar keeps the last link that fit, and a reload opens that one. Save it here or as a file.",
                        s.shared_link.with(link_sizes)
                    )}
                </p>
            </Show>
        </div>
    }
}

/// "(N kB; a link holds M kB)" for a state too large for a link.
fn link_sizes(written: &link::Encoded) -> String {
    format!(
        "({} kB; a link holds {} kB)",
        written.fragment.len().div_ceil(1000),
        link::MAX_FRAGMENT_BYTES / 1000
    )
}

/// The page's address with `written` as its fragment; `None` when too large for a link.
fn page_link(written: &link::Encoded) -> Option<String> {
    let url = current_url();
    (!written.too_long()).then(|| {
        format!(
            "{}#{}",
            url.split('#').next().unwrap_or(&url),
            written.fragment
        )
    })
}

/// On paper, at the head of every page: the link that opens it again (the
/// pages without a scenario, such as placement, keep their state in it too).
#[component]
pub fn PrintLink() -> impl IntoView {
    let s = Shared::expect();
    let link = Memo::new(move |_| s.shared_link.with(page_link).unwrap_or_default());
    view! {
        <p class="print-only print-link" data-testid="print-link">"Open this report in headroom: "{move || link.get()}</p>
    }
}

/// Export the report of the workload page on show: as Markdown for a wiki, its
/// fits as CSV for a spreadsheet. Placed after the page, so that the page's own
/// controls come first in the tab order.
#[component]
pub fn ExportBar() -> impl IntoView {
    let s = Shared::expect();
    let scenario = s.scenario();
    let status = RwSignal::new(None::<String>);
    // The page's report as Markdown (with the link) or its fits as CSV.
    let page_report = move || -> Option<Report> {
        let sizing = match s.inputs.page().get_untracked() {
            Page::Transformer => s.tf.whole,
            Page::Cnn => s.cnn.whole,
            Page::Known => s.known.whole,
            Page::Compression => s.compress.whole,
            _ => return None,
        };
        // The page is sized without the display settings (changing units does not
        // size it again); its export carries the name and units on show.
        let mut r = sizing.report.with_untracked(|r| r.as_ref().ok().cloned())?;
        r.scenario.units = s.units().get_untracked();
        r.scenario.name = s.inputs.name().get_untracked();
        Some(r)
    };
    let link_now = move || s.shared_link.with_untracked(page_link);
    let md_clipboard = use_clipboard();
    let markdown_text = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(copied) = md_clipboard.copied.get() {
            status.set(Some(match copied {
                Ok(()) => "The report is on the clipboard as Markdown.".to_string(),
                Err(_) => "Copy the Markdown from the field.".to_string(),
            }));
        }
    });
    let copy_markdown = move |_| {
        let Some(r) = page_report() else {
            status.set(Some("Correct the fields marked on the page first.".into()));
            return;
        };
        let text = export::markdown(&r, link_now().as_deref());
        if md_clipboard.is_supported {
            md_clipboard.copy(&text);
        } else {
            status.set(Some("Copy the Markdown from the field.".into()));
        }
        markdown_text.set(text);
    };
    // The fits table, or the memory terms with the layer or parameter table.
    let offer_csv = move |name: &str, csv: fn(&Report) -> Option<String>| {
        let Some(text) = page_report().as_ref().and_then(csv) else {
            status.set(Some("Correct the fields marked on the page first.".into()));
            return;
        };
        let options = DownloadOptions { mime: "text/csv" };
        if let Err(e) = download_with_options(name, &text, options) {
            status.set(Some(format!("Download failed: {e}.")));
        }
    };
    let download_csv = move |_| offer_csv("headroom-fits.csv", export::fits_csv);
    let download_model_csv =
        move |_| offer_csv("headroom-model.csv", |r| Some(export::model_csv(r)));
    view! {
        <div class="export-bar" class:hidden=move || scenario.with(Option::is_none) data-testid="export-bar">
            <span class="export-title">"Export this page"</span>
            <button type="button" data-testid="copy-markdown" on:click=copy_markdown>
                "Copy as Markdown"
            </button>
            <button type="button" data-testid="download-csv" on:click=download_csv>
                "Fits as CSV"
            </button>
            <button type="button" data-testid="download-model-csv" on:click=download_model_csv>
                "Memory and layers as CSV"
            </button>
            <span class="status" data-testid="export-status" role="status">
                {move || status.get().unwrap_or_default()}
            </span>
            <Show when=move || !markdown_text.with(String::is_empty)>
                <textarea class="markdown-text" readonly rows="6" data-testid="markdown-text" aria-label="The report as Markdown" prop:value=move || markdown_text.get()></textarea>
            </Show>
        </div>
    }
}

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
    /// A saved scenario, sized; one with a problem anywhere cannot be sized.
    fn saved(id: EntryId, scenario: Scenario, catalog: &Catalog) -> Row {
        Row {
            pick: Pick::Saved(id),
            label: scenario.name.clone(),
            sized: size(&scenario, catalog).and_then(Report::complete),
            scenario,
        }
    }

    /// What a workload page shows now, as the page sized it.
    fn on_page(page: Page, scenario: Scenario, sized: Sized) -> Row {
        Row {
            pick: Pick::OnPage(page),
            // The name in the bar belongs to both pages, so it does not tell them apart.
            label: format!("{} (not saved)", page_title(page)),
            scenario,
            sized: sized.and_then(Report::complete),
        }
    }

    /// What the list shows of it: workload (or why it cannot be sized), memory, smallest fit.
    fn summary(&self) -> (String, Option<u64>, String) {
        match &self.sized {
            Ok(r) => (
                r.model.headline.clone(),
                Some(r.memory.total),
                smallest(r).unwrap_or_else(|| "—".into()),
            ),
            Err(e) => (
                format!("Cannot be sized: {}", join_problems(e)),
                None,
                "—".into(),
            ),
        }
    }
}

/// The option a report recommends as `kind`.
fn recommended(r: &Report, kind: RecommendationKind) -> Option<String> {
    let fits = r.fits.as_ref()?;
    let rec = fits.recommendations.iter().find(|x| x.kind == kind)?;
    Some(fits.options[rec.option].label())
}

/// The speed of the option a report details: how long (on which option), and how much.
fn detailed_speed(r: &Report) -> Option<[String; 2]> {
    let d = r.speed.as_ref()?.detail.as_ref()?;
    let fits = r.fits.as_ref()?;
    let speed = match (d.option, d.layout) {
        (Some(i), _) => fits.options.get(i)?.speed.as_ref()?,
        (None, Some(i)) if d.gpus == fits.multi_gpu.get(i)?.gpus => {
            fits.multi_gpu[i].speed.as_ref()?
        }
        _ => r.speed.as_ref()?.target_layout.as_ref().map(|t| &t.speed)?,
    };
    let [time, amount] = words::speed_cells(speed);
    Some([format!("{time} on {}", d.label), amount])
}

fn smallest(r: &Report) -> Option<String> {
    recommended(r, RecommendationKind::Smallest)
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
        Page::Known => "Known demand page",
        _ => "Transformers page",
    }
}

fn page_id(p: Page) -> &'static str {
    match p {
        Page::Cnn => "cnn",
        Page::Known => "known",
        _ => "transformer",
    }
}

fn kind_label(s: &Scenario) -> &'static str {
    match s.workload {
        Workload::Transformer(_) => "Transformer",
        Workload::Cnn(_) => "CNN",
        Workload::Known(_) => "Known demand",
    }
}

#[component]
pub fn SavedPage() -> impl IntoView {
    let s = Shared::expect();
    let list = saved();
    let active = s.catalog;
    let units = s.units();
    let rows = Memo::new(move |_| match list.stored.get() {
        Stored::Ready(lib) => active.catalog.with(|c| {
            lib.saved()
                .map(|(id, sc)| Row::saved(id, sc.clone(), c))
                .collect::<Vec<_>>()
        }),
        _ => Vec::new(),
    });
    // What the workload pages show now, with the reports the pages drew: read
    // only while this page is on show, so that typing there builds no rows here.
    let on_page = Memo::new(move |_| {
        if s.inputs.page().get() != Page::Saved {
            return Vec::new();
        }
        let state = s.state.get();
        [
            (Page::Transformer, s.tf.whole),
            (Page::Cnn, s.cnn.whole),
            (Page::Known, s.known.whole),
        ]
        .into_iter()
        .filter_map(|(p, sizing)| Some(Row::on_page(p, state.scenario_of(p)?, sizing.report.get())))
        .collect::<Vec<_>>()
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
    let renaming = RwSignal::new(None::<(EntryId, String, Option<String>)>);
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
    let on_file = use_file_open(UseFileOpenOptions::default(), move |opened| {
        match opened.text {
            Ok(text) => import_text(opened.name, text),
            Err(e) => import_message.set(Some(format!("{} was not read: {e}.", opened.name))),
        }
    });
    let download_raw = move |_| {
        if let Stored::Unreadable { raw, .. } = list.stored.get_untracked() {
            let _ = download("headroom-scenarios-unreadable.txt", &raw);
        }
    };
    let discard = move |_| {
        let empty = Library::default();
        match list.storage.write(&empty.to_json()) {
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
        s.notice.set(notice(
            &format!("Part of \"{}\" could not be opened", sc.name),
            &problems,
        ));
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

    // The name of a saved scenario, or the field that renames it.
    let name_editor = move |i: EntryId, name: String| {
        let is_renaming = move || renaming.with(|r| r.as_ref().is_some_and(|r| r.0 == i));
        view! {
            <Show
                when=is_renaming
                fallback=move || view! { <span class="saved-name" title=name.clone() data-testid=format!("saved-name-{i}")>{name.clone()}</span> }
            >
                // Enter renames, Escape cancels; either way the keyboard goes
                // back to the Rename button.
                <form class="rename" on:submit=move |ev| {
                    ev.prevent_default();
                    let Some((_, new_name, _)) = renaming.get_untracked() else { return };
                    let renamed = list.try_change(|l| {
                        l.rename(i, &new_name).map(|()| format!("Renamed to \"{}\".", new_name.trim()))
                    });
                    match renamed {
                        Ok(()) => {
                            renaming.set(None);
                            after_paint(move || focus(&format!("rename-{i}")));
                        }
                        Err(e) => renaming.update(|r| if let Some(r) = r { r.2 = Some(e) }),
                    }
                }>
                    <input
                        type="text"
                        id=format!("rename-input-{i}")
                        data-testid=format!("rename-input-{i}")
                        aria-label="New name"
                        maxlength="200"
                        prop:value=move || renaming.with(|r| r.as_ref().map(|r| r.1.clone()).unwrap_or_default())
                        on:input:target=move |ev| {
                            let v = ev.target().value();
                            renaming.update(|r| if let Some(r) = r { r.1 = v; r.2 = None; })
                        }
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                ev.prevent_default();
                                renaming.set(None);
                                after_paint(move || focus(&format!("rename-{i}")));
                            }
                        }
                    />
                    <button type="submit" data-testid=format!("rename-ok-{i}")>"OK"</button>
                    <button type="button" on:click=move |_| {
                        renaming.set(None);
                        after_paint(move || focus(&format!("rename-{i}")));
                    }>"Cancel"</button>
                </form>
                <p class="error" role="alert" data-testid=format!("rename-error-{i}")>
                    {move || renaming.with(|r| r.as_ref().and_then(|r| r.2.clone()).unwrap_or_default())}
                </p>
            </Show>
        }
        .into_any()
    };
    let saved_actions = move |i: EntryId, sc: Scenario| {
        let name = sc.name.clone();
        let rename = name.clone();
        view! {
            <button type="button" data-testid=format!("open-{i}") on:click=move |_| open(sc.clone())>"Open"</button>
            <button type="button" id=format!("rename-{i}") data-testid=format!("rename-{i}") on:click=move |_| {
                renaming.set(Some((i, rename.clone(), None)));
                after_paint(move || focus(&format!("rename-input-{i}")));
            }>
                "Rename"
            </button>
            <button
                type="button"
                data-testid=format!("delete-{i}")
                on:click=move |_| {
                    list.compared.update(|c| c.retain(|&x| x != Pick::Saved(i)));
                    renaming.set(None);
                    list.change(|l| {
                        l.remove(i);
                        format!("Deleted \"{name}\".")
                    });
                }
            >
                "Delete"
            </button>
        }
        .into_any()
    };

    // One row of the list: what a page shows now (Show), or a saved scenario
    // (Open, Rename, Delete); test ids by page, or by the entry's stable id.
    let row = move |row: Row| {
        let (key, total_id) = match row.pick {
            Pick::OnPage(p) => (
                format!("page-{}", page_id(p)),
                format!("on-page-total-{}", page_id(p)),
            ),
            Pick::Saved(i) => (i.to_string(), format!("saved-total-{i}")),
        };
        let pick = row.pick;
        let (summary, total, fit) = row.summary();
        let kind = kind_label(&row.scenario);
        // The checkbox's name says which row it compares.
        let compare_name = match pick {
            Pick::OnPage(p) => format!("Compare {}", page_title(p)),
            Pick::Saved(_) => format!("Compare {}", row.scenario.name),
        };
        let (name_cell, actions) = match pick {
            Pick::OnPage(p) => (
                view! { <span class="saved-name">{page_title(p)}</span>" "<span class="hint">"(not saved)"</span> }.into_any(),
                view! { <button type="button" data-testid=format!("show-{}", page_id(p)) on:click=move |_| s.inputs.page().set(p)>"Show"</button> }.into_any(),
            ),
            Pick::Saved(i) => (name_editor(i, row.scenario.name.clone()), saved_actions(i, row.scenario)),
        };
        view! {
            <tr class:on-page=matches!(pick, Pick::OnPage(_)) data-testid=match pick { Pick::OnPage(p) => format!("on-page-{}", page_id(p)), Pick::Saved(i) => format!("saved-{i}") }>
                <td>
                    <input
                        type="checkbox"
                        aria-label=compare_name
                        data-testid=format!("compare-{key}")
                        prop:checked=move || list.compared.with(|c| c.contains(&pick))
                        on:change:target=move |ev| toggle(pick, ev.target().checked())
                    />
                </td>
                <td>{name_cell}</td>
                <td>{kind}</td>
                <td class="saved-summary">{summary}</td>
                <BytesCell testid=total_id bytes=total units=units/>
                <td>{fit}</td>
                <td class="actions">{actions}</td>
            </tr>
        }
    };

    view! {
        <div class="card saved" data-testid="saved">
            <h2>"In this browser"</h2>
            <p class="hint">
                "Scenarios are kept in this browser only. Export them to a file to keep them elsewhere or to share a set; "
                "the same file opens in headroom-cli."
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
            <div class="scroll-x" tabindex="0" role="region" aria-label="Saved scenarios">
                <table class="saved-table" data-testid="saved-table">
                    <thead>
                        <tr>
                            <th scope="col">"Compare"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Workload"</th>
                            <th scope="col" class="num">"Memory per GPU"</th>
                            <th scope="col">"Smallest fit"</th>
                            <th scope="col" class="hidden-label"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody class="on-page">{move || on_page.get().into_iter().map(row).collect_view()}</tbody>
                    <tbody>{move || rows.get().into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
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
    units: Signal<ByteUnits>,
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
            let bytes_cell = move |v: Option<u64>, testid: String| view! { <BytesCell testid=testid bytes=v units=units/> };
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
                    recommended(r, kind).unwrap_or_else(|| "nothing fits one GPU".into())
                }
            };
            view! {
                <div class="compare" data-testid="compare">
                    <h3>"Side by side"</h3>
                    <div class="scroll-x" tabindex="0" role="region" aria-label="Comparison">
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
                                {text_row("Model", "model", &|r| match r.model.parameters {
                                    // A known demand has no model to count.
                                    0 => r.model.name.clone(),
                                    n => format!("{} · {} parameters", r.model.name, group_digits(n)),
                                })}
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
                                {text_row("Meets the latency target", "meets-target", &|r| recommended(r, RecommendationKind::MeetsTarget).unwrap_or_else(|| "no target, or none meets it".into()))}
                                {text_row("Speed", "speed", &|r| detailed_speed(r).map_or_else(|| "—".into(), |[t, _]| t))}
                                {text_row("Throughput", "throughput", &|r| detailed_speed(r).map_or_else(|| "—".into(), |[_, a]| a))}
                                {text_row("vSphere", "vsphere", &|r| r.deploy.as_ref().map_or_else(|| "—".into(), |d| {
                                    let mmio = d.mmio.as_ref().map_or_else(|| "no 64-bit MMIO".to_string(), |m| format!("MMIO {} GB", m.total_gb));
                                    let checks = if d.deployable() { "checks pass" } else { "some checks fail" };
                                    format!("{} · {mmio} · {} · {checks}", d.label, d.release.label())
                                }))}
                                {text_row("Warnings", "warnings", &|r| r.memory.warnings.len().to_string())}
                            </tbody>
                        </table>
                    </div>
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
