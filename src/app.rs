//! The app's shell: the header with its tabs and units, the notice, the scenario
//! bar and the pages. It only lays them out; state lives in [`crate::state`].

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::scenario::link::Page;

use crate::catalog_page::CatalogPage;
use crate::cnn::CnnPage;
use crate::compress_page::CompressPage;
use crate::place_page::PlacementPage;
use crate::precision_page::PrecisionPage;
use crate::saved::{LinkNotice, SavedPage, ScenarioBar, provide_saved};
use crate::state::{InputsStoreFields, Shared};
use crate::transformer::TransformerPage;

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    let shared = Shared::provide();
    provide_saved();
    let (units, page) = (shared.inputs.units(), shared.inputs.page());

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
                {tab(Page::Compression, "Compression", "tab-compression")}
                {tab(Page::Formats, "Number formats", "tab-precision")}
                {tab(Page::Catalog, "GPU catalog", "tab-catalog")}
                {tab(Page::Placement, "vSphere placement", "tab-placement")}
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
        // The pages stay mounted so that nothing typed on one is lost while another is
        // shown; the compression page keeps its inputs in the store instead.
        <main>
            <ScenarioBar/>
            <div class="page" data-testid="page-transformer" class:hidden=move || page.get() != Page::Transformer>
                <TransformerPage/>
            </div>
            <div class="page" data-testid="page-cnn" class:hidden=move || page.get() != Page::Cnn>
                <CnnPage/>
            </div>
            // Built only while on show: it sizes its own scenario (and may run the
            // lab), which the other pages' keystrokes must not pay for. Its inputs
            // live in the store and come back with it.
            <div class="page-wide" data-testid="page-compression" class:hidden=move || page.get() != Page::Compression>
                {move || (page.get() == Page::Compression).then(|| view! { <CompressPage/> })}
            </div>
            <div class="page-wide" data-testid="page-precision" class:hidden=move || page.get() != Page::Formats>
                <PrecisionPage/>
            </div>
            <div class="page-wide" data-testid="page-catalog" class:hidden=move || page.get() != Page::Catalog>
                <CatalogPage/>
            </div>
            <div class="page" data-testid="page-placement" class:hidden=move || page.get() != Page::Placement>
                <PlacementPage/>
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
