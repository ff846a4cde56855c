//! The colour theme: "system" (follow prefers-color-scheme), "light" or "dark",
//! kept in this browser and applied as `data-theme` on `<html>` (the stylesheet
//! reads it; `assets/theme.js` applies a kept choice before the app starts).
//!
//! ```ignore
//! let theme = use_theme();
//! theme.set("dark");
//! ```

use leptos::prelude::*;

use super::storage::use_local_storage;

/// Where the choice is kept.
pub const THEME_KEY: &str = "headroom.theme";

/// The themes a user can choose, by id.
pub const THEMES: [(&str, &str); 3] = [
    ("system", "As the system"),
    ("light", "Light"),
    ("dark", "Dark"),
];

#[derive(Clone, Copy)]
pub struct UseThemeReturn {
    /// The theme chosen: "system", "light" or "dark".
    pub theme: RwSignal<String>,
}

/// The kept theme, applied to the page whenever it changes and kept again.
pub fn use_theme() -> UseThemeReturn {
    let stored = use_local_storage(THEME_KEY);
    let first = match stored.read() {
        Ok(Some(t)) if THEMES.iter().any(|(id, _)| *id == t) => t,
        _ => "system".to_string(),
    };
    let kept = StoredValue::new(first.clone());
    let theme = RwSignal::new(first);
    Effect::new(move |_| {
        let t = theme.get();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = if t == "system" {
                root.remove_attribute("data-theme")
            } else {
                root.set_attribute("data-theme", &t)
            };
        }
        // Kept only when chosen; where storage is refused it holds for this visit.
        if kept.with_value(|k| *k != t) {
            kept.set_value(t.clone());
            let _ = stored.write(&t);
        }
    });
    UseThemeReturn { theme }
}
