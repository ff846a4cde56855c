//! Copying text to the clipboard, with the outcome as a signal.
//!
//! ```ignore
//! let clipboard = use_clipboard();
//! clipboard.copy(url);
//! view! { <span>{move || clipboard.copied.get().map(|r| r.is_ok())}</span> }
//! ```

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

/// The browser did not copy the text (no permission, or no clipboard).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClipboardError;

/// The clipboard and the outcome of the last copy.
#[derive(Clone, Copy)]
pub struct UseClipboardReturn {
    /// Whether this browser offers the asynchronous clipboard.
    pub is_supported: bool,
    /// The last copy's outcome; `None` before the first, and while one is under way.
    pub copied: RwSignal<Option<Result<(), ClipboardError>>>,
}

impl UseClipboardReturn {
    /// Copies `text`; `copied` says how it went.
    pub fn copy(&self, text: &str) {
        let copied = self.copied;
        copied.set(None);
        let Some(w) = web_sys::window() else {
            copied.set(Some(Err(ClipboardError)));
            return;
        };
        let promise = w.navigator().clipboard().write_text(text);
        spawn_local(async move {
            copied.set(Some(
                JsFuture::from(promise)
                    .await
                    .map(|_| ())
                    .map_err(|_| ClipboardError),
            ));
        });
    }
}

/// The clipboard.
pub fn use_clipboard() -> UseClipboardReturn {
    let is_supported = web_sys::window()
        .map(|w| js_sys::Reflect::has(&w.navigator(), &"clipboard".into()).unwrap_or(false))
        .unwrap_or(false);
    UseClipboardReturn {
        is_supported,
        copied: RwSignal::new(None),
    }
}
