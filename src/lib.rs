//! headroom's user interface: a Leptos client-side app. One way through it: the
//! forms' text (one store, [`state`]) is read once into a scenario, sized once into
//! a report, and the views draw the report; the sizing logic lives in the
//! `sizing` crate. Browser effects sit one per file in [`browser`].

mod app;
mod bind;
mod browser;
mod catalog_page;
mod cnn;
mod compress_page;
mod deploy_card;
mod fits;
mod glossary;
mod known;
mod lab;
mod lazy_pages;
mod memory_card;
mod place_page;
mod precision_page;
mod saved;
mod speed_card;
pub mod state;
mod transformer;
mod widgets;

pub use app::App;

/// Starts the app in the page: mounts it and removes index.html's loading shell.
pub fn start() {
    leptos::mount::mount_to_body(App);
    browser::shell::remove();
}
