//! Moving keyboard focus to an element of the page, or the element into view, by its id.

use wasm_bindgen::JsCast;

/// Focuses the element with `id`, if it is there and can take focus.
pub fn focus(id: &str) {
    focused(id);
}

/// Focuses the element with `id` once it is drawn (a page whose module is on
/// its way draws it later), trying after each painted frame for about two
/// seconds.
pub fn focus_when_drawn(id: &'static str) {
    try_focus(id, 120);
}

fn try_focus(id: &'static str, frames: u32) {
    super::after_paint::after_paint(move || {
        if !focused(id) && frames > 0 {
            try_focus(id, frames - 1);
        }
    });
}

/// Whether the element with `id` was there to focus.
fn focused(id: &str) -> bool {
    match web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        Some(el) => {
            let _ = el.focus();
            true
        }
        None => false,
    }
}

/// Scrolls the element with `id` into view within its scrolling box, as little as needed.
pub fn scroll_into_view(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}
