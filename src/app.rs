//! The app's shell: the header with its tabs and units, the notice, the scenario
//! bar and the pages. It only lays them out; state lives in [`crate::state`].

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::scenario::link::Page;

use crate::browser::focus::focus;
use crate::browser::parent_height::post_height_to_parent;
use crate::browser::theme::{THEMES, use_theme};
use crate::lazy_pages;
use crate::saved::{ExportBar, LinkNotice, PrintLink, ScenarioBar, provide_saved};
use crate::state::{InputsStoreFields, Shared};
use crate::transformer::TransformerPage;
use crate::widgets::BelowFold;

/// The pages in tab order: each one's page, tab label, page heading and the
/// name its tab, panel and test ids are built from.
const PAGES: [(Page, &str, &str, &str); 9] = [
    (
        Page::Transformer,
        "Transformers & LLMs",
        "Transformers and LLMs",
        "transformer",
    ),
    (Page::Cnn, "CNNs", "Convolutional networks", "cnn"),
    (
        Page::Known,
        "Known demand",
        "A known memory demand",
        "known",
    ),
    (
        Page::Compression,
        "Compression",
        "Compression",
        "compression",
    ),
    (
        Page::Formats,
        "Number formats",
        "Number formats",
        "precision",
    ),
    (Page::Catalog, "GPU catalog", "GPU catalog", "catalog"),
    (
        Page::Placement,
        "vSphere placement",
        "vSphere placement",
        "placement",
    ),
    (Page::Saved, "Saved scenarios", "Saved scenarios", "saved"),
    (Page::Glossary, "Glossary", "Glossary", "glossary"),
];

fn name_of(p: Page) -> &'static str {
    PAGES
        .iter()
        .find(|x| x.0 == p)
        .map_or("transformer", |x| x.3)
}

/// The page an arrow key, Home or End moves to from `p` in the tab list.
fn next_tab(p: Page, key: &str) -> Option<Page> {
    let i = PAGES.iter().position(|x| x.0 == p)?;
    let n = PAGES.len();
    let j = match key {
        "ArrowRight" | "ArrowDown" => (i + 1) % n,
        "ArrowLeft" | "ArrowUp" => (i + n - 1) % n,
        "Home" => 0,
        "End" => n - 1,
        _ => return None,
    };
    Some(PAGES[j].0)
}

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    let shared = Shared::provide();
    provide_saved();
    let (units, page) = (shared.inputs.units(), shared.inputs.page());
    let embed = shared.inputs.embed();
    let theme = use_theme();
    // Inside an iframe, the embedding page hears how tall the content is.
    post_height_to_parent();

    // The tabs pattern of the ARIA practices: one tab stop (the selected tab),
    // arrow keys, Home and End move between tabs and show their page.
    let tab = move |(p, label, _, name): (Page, &'static str, &'static str, &'static str)| {
        view! {
            <button
                type="button"
                role="tab"
                id=format!("tab-{name}")
                data-testid=format!("tab-{name}")
                aria-controls=format!("panel-{name}")
                class:active=move || page.get() == p
                aria-selected=move || if page.get() == p { "true" } else { "false" }
                tabindex=move || if page.get() == p { "0" } else { "-1" }
                on:click=move |_| page.set(p)
                on:keydown=move |ev| {
                    if let Some(to) = next_tab(p, &ev.key()) {
                        ev.prevent_default();
                        page.set(to);
                        focus(&format!("tab-{}", name_of(to)));
                    }
                }
            >
                {label}
            </button>
        }
    };

    // A page is built when it is first shown and then stays, hidden while another
    // is on show, so that nothing typed on it is lost; the first paint builds
    // only the page the link opens.
    let visited = Memo::new(move |before: Option<&Vec<Page>>| {
        let mut pages = before.cloned().unwrap_or_default();
        let p = page.get();
        if !pages.contains(&p) {
            pages.push(p);
        }
        pages
    });
    let panel = move |p: Page, class: &'static str, body: AnyView| {
        let (_, _, title, name) = PAGES.into_iter().find(|x| x.0 == p).unwrap_or(PAGES[0]);
        view! {
            <div
                class=class
                role="tabpanel"
                id=format!("panel-{name}")
                aria-labelledby=format!("tab-{name}")
                data-testid=format!("page-{name}")
                class:hidden=move || page.get() != p
            >
                <h1 class="page-title">{title}</h1>
                {body}
            </div>
        }
    };
    let shown = move |p: Page, class: &'static str, build: fn() -> AnyView| {
        let body = view! { <Show when=move || visited.with(|v| v.contains(&p))>{build()}</Show> };
        panel(p, class, body.into_any())
    };
    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        focus("main");
    };

    view! {
        <a class="skip-link" href="#main" on:click=skip class:hidden=move || embed.get()>"Skip to the page"</a>
        <header class="topbar" class:hidden=move || embed.get() data-testid="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"▮▮▯"</span>
                <span class="name">"headroom"</span>
            </div>
            <nav class="tabs" role="tablist" aria-label="Pages">
                {PAGES.into_iter().map(tab).collect_view()}
            </nav>
            // On narrow screens the tabs give way to this menu.
            <label class="page-menu">
                <span class="visually-hidden">"Page"</span>
                <select
                    data-testid="page-menu"
                    on:change:target=move |ev| {
                        let v = ev.target().value();
                        if let Some(x) = PAGES.iter().find(|x| x.3 == v) {
                            page.set(x.0)
                        }
                    }
                >
                    {PAGES
                        .into_iter()
                        .map(|(p, label, _, name)| view! { <option value=name selected=move || page.get() == p>{label}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="units">
                "Sizes in "
                <select
                    data-testid="units"
                    on:change:target=move |ev| {
                        if let Some(u) = ByteUnits::from_id(&ev.target().value()) {
                            units.set(u)
                        }
                    }
                >
                    {ByteUnits::ALL
                        .into_iter()
                        .map(|u| view! { <option value=u.id() selected=move || units.get() == u>{u.label()}</option> })
                        .collect_view()}
                </select>
            </label>
        </header>
        <LinkNotice/>
        <main id="main" tabindex="-1">
            <ScenarioBar/>
            <PrintLink/>
            {shown(Page::Transformer, "page", || view! { <TransformerPage/> }.into_any())}
            {shown(Page::Cnn, "page", lazy_pages::cnn)}
            {shown(Page::Known, "page", lazy_pages::known)}
            // Built only while on show: it sizes its own scenario (and may run the
            // lab), which the other pages' keystrokes must not pay for. Its inputs
            // live in the store and come back with it.
            {panel(
                Page::Compression,
                "page-wide",
                (move || (page.get() == Page::Compression).then(lazy_pages::compress)).into_any(),
            )}
            {shown(Page::Formats, "page-wide", lazy_pages::formats)}
            {shown(Page::Catalog, "page-wide", lazy_pages::catalog)}
            {shown(Page::Placement, "page", lazy_pages::placement)}
            {shown(Page::Saved, "page-wide", lazy_pages::saved)}
            {shown(Page::Glossary, "page-wide", lazy_pages::glossary)}
            // At the foot of the page: built just after the first frame.
            <BelowFold>
                <ExportBar/>
            </BelowFold>
        </main>
        <footer class="footer">
            <p>
                "Everything is computed in your browser; nothing is sent anywhere. "
                "GB = 10⁹ bytes, GiB = 2³⁰ bytes. CNN memory model after F. Denneman, “Training vs Inference – Memory Consumption by Neural Networks” (2022); "
                "transformer memory after Korthikanti et al. (2022), the ZeRO paper (2020) and the models' published configs; "
                "number formats after IEEE 754, the OCP FP8 and MX specifications and F. Denneman, “Training vs Inference – Numerical Precision” (2022); "
                "GPU, MIG and vGPU data from NVIDIA's documentation (sources listed per GPU in the catalog)."
            </p>
            <label class="theme">
                "Colours "
                <select
                    data-testid="theme"
                    on:change:target=move |ev| theme.theme.set(ev.target().value())
                >
                    {THEMES
                        .into_iter()
                        .map(|(id, label)| view! { <option value=id selected=move || theme.theme.with(|t| t == id)>{label}</option> })
                        .collect_view()}
                </select>
            </label>
        </footer>
    }
}
