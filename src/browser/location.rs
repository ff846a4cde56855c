//! The URL fragment (`#…`) as a signal: read it, replace it without adding a
//! history entry, follow fragments pasted into the address bar.
//!
//! ```ignore
//! let location = use_location_fragment();
//! Effect::new(move |_| log(&location.fragment.get()));
//! location.set_fragment("#v=1&page=cnn");
//! ```
//!
//! The address bar is written just after the change has been painted, not
//! before: each history write makes Chromium fetch and decode the page's icon
//! again, about 3–4 ms of the main thread that would otherwise sit between a
//! keystroke and its painted answer. Changes made before the write share it.

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

/// The address waiting to be written after the next painted frame.
type Pending = Option<String>;

/// The fragment and what changes it.
#[derive(Clone, Copy)]
pub struct UseLocationFragmentReturn {
    /// The fragment with its `#` (empty when there is none); follows `hashchange`.
    pub fragment: ReadSignal<String>,
    set: WriteSignal<String>,
    options: UseLocationFragmentOptions,
    pending: StoredValue<Pending, LocalStorage>,
    /// The fragment the address bar had when last read or written.
    shown: StoredValue<String, LocalStorage>,
}

impl UseLocationFragmentReturn {
    /// Shows `fragment` (with its `#`) in the address bar after the next
    /// painted frame, keeping the path and query: the app may live under a
    /// sub-path of a portal. The `fragment` signal follows at once.
    pub fn set_fragment(&self, fragment: &str) {
        self.set.set(fragment.to_string());
        let Some(w) = web_sys::window() else { return };
        let location = w.location();
        let url = format!(
            "{}{}{fragment}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let (pending, shown, replace) = (self.pending, self.shown, self.options.replace);
        // A write already waiting takes the newer address.
        if pending
            .try_update_value(|p| p.replace(url))
            .flatten()
            .is_some()
        {
            return;
        }
        super::after_paint::after_paint(move || {
            if let Some(url) = pending.try_update_value(Option::take).flatten() {
                write(&url, replace);
                shown.try_set_value(read_fragment());
            }
        });
    }
}

/// Puts `url` in the address bar: replacing the history entry, or adding one.
fn write(url: &str, replace: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let _ = if replace {
        history.replace_state_with_url(&JsValue::NULL, "", Some(url))
    } else {
        history.push_state_with_url(&JsValue::NULL, "", Some(url))
    };
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

/// The fragment as a signal; the listeners go with the owner.
pub fn use_location_fragment_with_options(
    options: UseLocationFragmentOptions,
) -> UseLocationFragmentReturn {
    let (fragment, set) = signal(read_fragment());
    let this = UseLocationFragmentReturn {
        fragment,
        set,
        options,
        pending: StoredValue::new_local(None),
        shown: StoredValue::new_local(fragment.get_untracked()),
    };
    let hashchange = window_event_listener(ev::hashchange, move |_| {
        let now = read_fragment();
        // An event that arrives while a write waits, with the address bar as it
        // was before that write, is not a new address: the write stands.
        let waiting = this
            .pending
            .try_with_value(Option::is_some)
            .unwrap_or(false);
        if waiting && this.shown.try_with_value(|s| *s == now).unwrap_or(false) {
            return;
        }
        // A fragment pasted into the address bar wins over one still waiting to be written.
        this.pending.try_set_value(None);
        this.shown.try_set_value(now.clone());
        set.set(now);
    });
    on_cleanup(move || hashchange.remove());
    this
}
