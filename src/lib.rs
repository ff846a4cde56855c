//! headroom's user interface: a Leptos client-side app. Components map signals to
//! engine inputs and engine results to the DOM; the sizing logic lives in the
//! `sizing` crate.

mod app;
mod catalog_page;
mod cnn;
mod fits;
mod memory_card;
mod precision_page;
mod saved;
mod state;
mod transformer;
mod widgets;

pub use app::App;
