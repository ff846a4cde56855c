//! The page index.html shows while the wasm loads: removed when the app starts.

/// The shell's element id in index.html.
const SHELL: &str = "boot-shell";

/// Removes the loading shell, if there is one (tests mount without it).
pub fn remove() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(SHELL))
    {
        el.remove();
    }
}
