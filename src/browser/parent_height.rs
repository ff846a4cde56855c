//! Telling the page that embeds this one in an iframe how tall the content is,
//! so that it can size the iframe to fit: a message
//! `{"type": "headroom:height", "height": N}` (CSS pixels) is posted to the
//! parent window whenever the content's height changes. Nothing else is sent.
//!
//! ```ignore
//! post_height_to_parent();
//! ```

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// The `type` of the message.
pub const MESSAGE_TYPE: &str = "headroom:height";

/// Starts posting the content's height to the parent window, for as long as the
/// page lives; `false` (and nothing started) outside an iframe or where the
/// browser has no ResizeObserver.
pub fn post_height_to_parent() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(Some(parent)) = window.parent() else {
        return false;
    };
    if js_sys::Object::is(&parent, &window) {
        return false;
    }
    let Some(body) = window.document().and_then(|d| d.body()) else {
        return false;
    };
    let last = std::cell::Cell::new(-1);
    let post = Closure::<dyn FnMut()>::new(move || {
        // The body's own height: the document's is never less than the frame
        // the parent has already sized, so the content could not shrink it.
        let height = body.scroll_height();
        if height == last.replace(height) {
            return;
        }
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &MESSAGE_TYPE.into());
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
        let _ = parent.post_message(&message, "*");
    });
    let Ok(observer) = web_sys::ResizeObserver::new(post.as_ref().unchecked_ref()) else {
        return false;
    };
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        observer.observe(&body);
    }
    // The observer and its callback live as long as the page.
    post.forget();
    std::mem::forget(observer);
    true
}
