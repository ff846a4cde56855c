//! Reading the file chosen in an `<input type="file">` as text, refusing files
//! larger than a limit before reading them.
//!
//! ```ignore
//! let on_change = use_file_open(UseFileOpenOptions::default(), |opened| match opened.text { … });
//! view! { <input type="file" on:change=on_change/> }
//! ```

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

/// Limits of [`use_file_open`].
#[derive(Clone, Copy, Debug)]
pub struct UseFileOpenOptions {
    /// Largest file read, in bytes; a larger one is refused unread. Default 4 MiB.
    pub max_bytes: u64,
}

impl Default for UseFileOpenOptions {
    fn default() -> UseFileOpenOptions {
        UseFileOpenOptions {
            max_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Why a chosen file was not read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FileOpenError {
    /// Larger than the limit: its size and the limit, in bytes.
    TooLarge { bytes: u64, max: u64 },
    /// The browser could not read it as text.
    Unreadable,
}

impl std::fmt::Display for FileOpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileOpenError::TooLarge { bytes, max } => write!(
                f,
                "it is {} bytes, more than the {} read",
                sizing::units::group_digits(*bytes),
                sizing::units::group_digits(*max)
            ),
            FileOpenError::Unreadable => f.write_str("the browser could not read it"),
        }
    }
}

/// A chosen file: its name and its text, or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedFile {
    pub name: String,
    pub text: Result<String, FileOpenError>,
}

/// An `on:change` handler for a file input that calls `on_open` with the chosen
/// file. The input is cleared, so that choosing the same file again reads it again.
pub fn use_file_open(
    options: UseFileOpenOptions,
    on_open: impl Fn(OpenedFile) + Clone + 'static,
) -> impl Fn(leptos::ev::Event) + Clone + 'static {
    move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let name = file.name();
        input.set_value("");
        let size = file.size().max(0.0) as u64;
        if size > options.max_bytes {
            on_open(OpenedFile {
                name,
                text: Err(FileOpenError::TooLarge {
                    bytes: size,
                    max: options.max_bytes,
                }),
            });
            return;
        }
        let on_open = on_open.clone();
        spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .ok_or(FileOpenError::Unreadable);
            on_open(OpenedFile { name, text });
        });
    }
}
