//! The secondary pages' code. In the split build (`--features split`, see
//! docs/hosting.md) each page is a split point: its code is a module of its
//! own, fetched when the page is first shown; otherwise the page is built at once.

#[cfg(feature = "split")]
use std::future::Future;
#[cfg(feature = "split")]
use std::pin::pin;
#[cfg(feature = "split")]
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use sizing::catalog::Catalog;

use crate::catalog_page::CatalogPage;
use crate::cnn::CnnPage;
use crate::compress_page::CompressPage;
use crate::glossary::GlossaryPage;
use crate::known::KnownPage;
use crate::place_page::PlacementPage;
use crate::precision_page::PrecisionPage;
use crate::saved::SavedPage;
use crate::state::Unread;

/// `split_page!(view, build, preload, module, Page)`: `build` builds `<Page/>`
/// and, in the split build, is the split point of module `module` (`preload`
/// fetches that module); `view` is what the app calls, the page at once without
/// the split and through `loaded` with it.
// Not formatted: rustfmt indents the attribute further on every run.
#[rustfmt::skip]
macro_rules! split_page {
    ($view:ident, $build:ident, $preload:ident, $module:ident, $page:ident) => {
        #[cfg_attr(
            feature = "split",
            leptos::wasm_split::wasm_split(
                $module,
                wasm_split_path = ::leptos::wasm_split,
                preload($preload),
                fallible
            )
        )]
        fn $build() -> Result<AnyView, SplitLoaderError> {
            Ok(view! { <$page/> }.into_any())
        }

        pub fn $view() -> AnyView {
            #[cfg(feature = "split")]
            return loaded($preload, $build);
            #[cfg(not(feature = "split"))]
            return $build().unwrap_or_else(|_| ().into_any());
        }
    };
}

split_page!(cnn, build_cnn, preload_cnn, cnn_page, CnnPage);
split_page!(known, build_known, preload_known, known_page, KnownPage);
split_page!(
    compress,
    build_compress,
    preload_compress,
    compress_page,
    CompressPage
);
split_page!(
    formats,
    build_formats,
    preload_formats,
    formats_page,
    PrecisionPage
);
split_page!(
    catalog,
    build_catalog,
    preload_catalog,
    catalog_page,
    CatalogPage
);
split_page!(
    placement,
    build_placement,
    preload_placement,
    placement_page,
    PlacementPage
);
split_page!(saved, build_saved, preload_saved, saved_page, SavedPage);
split_page!(
    glossary,
    build_glossary,
    preload_glossary,
    glossary_page,
    GlossaryPage
);

/// Reads a catalog an earlier visit kept. Its reader is the catalog page's
/// (the code that checks a catalog file), so in the split build this fetches
/// that page's module, and only when a catalog was kept.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(
        catalog_page,
        wasm_split_path = ::leptos::wasm_split,
        fallible
    )
)]
fn read_catalog_in_module(text: String) -> Result<Result<Catalog, String>, SplitLoaderError> {
    Ok(Catalog::from_json(&text).map_err(|e| e.to_string()))
}

/// A kept catalog, read again; see [`crate::state::ActiveCatalog`].
pub async fn read_catalog(text: String) -> Result<Catalog, Unread> {
    #[cfg(feature = "split")]
    let read = read_catalog_in_module(text).await;
    #[cfg(not(feature = "split"))]
    let read = read_catalog_in_module(text);
    match read {
        Ok(read) => read.map_err(Unread::Refused),
        Err(_) => Err(Unread::Fetch),
    }
}

/// The future's value if it is ready at its first poll.
#[cfg(feature = "split")]
fn now<F: Future>(f: F) -> Option<F::Output> {
    match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// A page built from its split function once its module is loaded; until then a
/// line that says so, and if the module cannot be fetched, a message with a
/// button that tries again (a failed fetch is not remembered).
#[cfg(feature = "split")]
fn loaded<P, F>(preload: fn() -> P, build: fn() -> F) -> AnyView
where
    P: Future<Output = Result<(), SplitLoaderError>> + 'static,
    F: Future<Output = Result<AnyView, SplitLoaderError>> + 'static,
{
    let state = RwSignal::new(None::<bool>);
    let fetch = move || {
        state.set(None);
        leptos::task::spawn_local(async move {
            let ok = preload().await.is_ok();
            state.set(Some(ok));
        });
    };
    fetch();
    (move || match state.get() {
        None => view! { <p class="muted" role="status" data-testid="page-loading">"Loading this page…"</p> }
            .into_any(),
        Some(true) => match now(build()) {
            Some(Ok(v)) => v,
            _ => failed(fetch),
        },
        Some(false) => failed(fetch),
    })
    .into_any()
}

#[cfg(feature = "split")]
fn failed(retry: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    view! {
        <p class="error" role="alert" data-testid="page-failed">
            "This page's code could not be fetched (is the network off?). "
            <button type="button" data-testid="page-retry" on:click=move |_| retry()>"Try again"</button>
        </p>
    }
    .into_any()
}
