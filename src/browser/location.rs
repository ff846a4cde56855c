//! The URL fragment (`#…`) as a signal: read it, replace it without adding a
//! history entry, follow fragments pasted into the address bar.
//!
//! ```ignore
//! let location = use_location_fragment();
//! Effect::new(move |_| log(&location.fragment.get()));
//! location.set_fragment("#v=1&page=cnn");
//! ```

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// How [`use_location_fragment_with_options`] changes the address.
#[derive(Clone, Copy, Debug)]
pub struct UseLocationFragmentOptions {
    /// Replace the current history entry (so Back leaves the app rather than
    /// undoing keystrokes); `false` pushes a new one. Default: `true`.
    pub replace: bool,
}

impl Default for UseLocationFragmentOptions {
    fn default() -> UseLocationFragmentOptions {
        UseLocationFragmentOptions { replace: true }
    }
}

/// The fragment and what changes it.
#[derive(Clone, Copy)]
pub struct UseLocationFragmentReturn {
    /// The fragment with its `#` (empty when there is none); follows `hashchange`.
    pub fragment: ReadSignal<String>,
    set: WriteSignal<String>,
    options: UseLocationFragmentOptions,
}

impl UseLocationFragmentReturn {
    /// Shows `fragment` (with its `#`) in the address bar, keeping the path and
    /// query: the app may live under a sub-path of a portal.
    pub fn set_fragment(&self, fragment: &str) {
        self.set.set(fragment.to_string());
        let Some(w) = web_sys::window() else { return };
        let Ok(history) = w.history() else { return };
        let location = w.location();
        let url = format!(
            "{}{}{fragment}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let _ = if self.options.replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(&url))
        };
    }
}

/// The whole address of the page, as a link to share.
pub fn current_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

fn read_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// [`use_location_fragment_with_options`] with the default options.
pub fn use_location_fragment() -> UseLocationFragmentReturn {
    use_location_fragment_with_options(UseLocationFragmentOptions::default())
}

/// The fragment as a signal; the `hashchange` listener goes with the owner.
pub fn use_location_fragment_with_options(
    options: UseLocationFragmentOptions,
) -> UseLocationFragmentReturn {
    let (fragment, set) = signal(read_fragment());
    let listener = window_event_listener(ev::hashchange, move |_| set.set(read_fragment()));
    on_cleanup(move || listener.remove());
    UseLocationFragmentReturn {
        fragment,
        set,
        options,
    }
}
