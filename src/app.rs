use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::Catalog;

use sizing::cnn::form::CnnForm;

use crate::catalog_page::CatalogPage;
use crate::cnn::CnnPage;
use crate::precision_page::PrecisionPage;
use crate::saved::{LinkNotice, SavedPage, ScenarioBar, provide_saved};
use crate::state::{Shared, shared, sync_with_url};
use crate::transformer::TransformerPage;

/// The GPU catalog in use: the bundled one, or one the user imported.
#[derive(Clone, Copy)]
pub struct ActiveCatalog {
    pub catalog: RwSignal<Catalog>,
    /// Where it came from, for display: "bundled" or the imported file's name.
    pub origin: RwSignal<String>,
}

impl ActiveCatalog {
    pub fn reset(&self) {
        self.catalog.set(Catalog::bundled().clone());
        self.origin.set(BUNDLED.to_string());
    }
}

pub const BUNDLED: &str = "bundled";

pub use sizing::scenario::Page;

pub fn use_units() -> RwSignal<ByteUnits> {
    shared().units
}

pub fn use_page() -> RwSignal<Page> {
    shared().page
}

/// The CNN page's inputs, shared so that other pages can open a CNN preset there.
pub fn use_cnn_form() -> RwSignal<CnnForm> {
    shared().cnn
}

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    provide_context(ActiveCatalog {
        catalog: RwSignal::new(Catalog::bundled().clone()),
        origin: RwSignal::new(BUNDLED.to_string()),
    });
    let shared = Shared::new();
    provide_context(shared);
    sync_with_url(shared);
    provide_saved();
    let (units, page) = (shared.units, shared.page);

    let tab = move |p: Page, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                data-testid=testid
                class:active=move || page.get() == p
                aria-selected=move || if page.get() == p { "true" } else { "false" }
                on:click=move |_| page.set(p)
            >
                {label}
            </button>
        }
    };

    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"▮▮▯"</span>
                <span class="name">"headroom"</span>
            </div>
            <nav class="tabs" role="tablist">
                {tab(Page::Transformer, "Transformers & LLMs", "tab-transformer")}
                {tab(Page::Cnn, "CNNs", "tab-cnn")}
                {tab(Page::Formats, "Number formats", "tab-precision")}
                {tab(Page::Catalog, "GPU catalog", "tab-catalog")}
                {tab(Page::Saved, "Saved scenarios", "tab-saved")}
            </nav>
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
        // Every page stays mounted so nothing typed on one is lost while another is shown.
        <main>
            <ScenarioBar/>
            <div class="page" data-testid="page-transformer" class:hidden=move || page.get() != Page::Transformer>
                <TransformerPage/>
            </div>
            <div class="page" data-testid="page-cnn" class:hidden=move || page.get() != Page::Cnn>
                <CnnPage/>
            </div>
            <div class="page-wide" data-testid="page-precision" class:hidden=move || page.get() != Page::Formats>
                <PrecisionPage/>
            </div>
            <div class="page-wide" data-testid="page-catalog" class:hidden=move || page.get() != Page::Catalog>
                <CatalogPage/>
            </div>
            <div class="page-wide" data-testid="page-saved" class:hidden=move || page.get() != Page::Saved>
                <SavedPage/>
            </div>
        </main>
        <footer class="footer">
            <p>
                "Everything is computed in your browser; nothing is sent anywhere. "
                "GB = 10⁹ bytes, GiB = 2³⁰ bytes. CNN memory model after F. Denneman, “Training vs Inference – Memory Consumption by Neural Networks” (2022); "
                "transformer memory after Korthikanti et al. (2022), the ZeRO paper (2020) and the models' published configs; "
                "number formats after IEEE 754, the OCP FP8 and MX specifications and F. Denneman, “Training vs Inference – Numerical Precision” (2022); "
                "GPU, MIG and vGPU data from NVIDIA's documentation (sources listed per GPU in the catalog)."
            </p>
        </footer>
    }
}
