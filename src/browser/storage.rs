//! One key of the browser's local storage, as text. Reading it throws in a
//! sandboxed frame and in some private modes, so every step is checked
//! (gloo-storage's accessor panics there); failures come back as data.
//!
//! ```ignore
//! let stored = use_local_storage("headroom.scenarios");
//! match stored.read() { Ok(Some(text)) => …, Ok(None) => …, Err(e) => … }
//! stored.write("{…}")?;
//! ```

/// Why storage could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The browser does not let the page use its storage here.
    Unavailable,
    /// The browser refused to store the text (storage full, or not allowed).
    Refused,
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StorageError::Unavailable => {
                "this browser does not let the page use its storage (private mode or a sandboxed frame)"
            }
            StorageError::Refused => {
                "the browser refused to store it (storage full or not allowed)"
            }
        })
    }
}

/// Reads and writes one key.
#[derive(Clone, Copy, Debug)]
pub struct UseLocalStorageReturn {
    key: &'static str,
}

fn local_storage() -> Result<web_sys::Storage, StorageError> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or(StorageError::Unavailable)
}

impl UseLocalStorageReturn {
    /// The stored text; `None` when nothing is stored under the key.
    pub fn read(&self) -> Result<Option<String>, StorageError> {
        local_storage()?
            .get_item(self.key)
            .map_err(|_| StorageError::Unavailable)
    }

    /// Stores `text` under the key.
    pub fn write(&self, text: &str) -> Result<(), StorageError> {
        local_storage()?
            .set_item(self.key, text)
            .map_err(|_| StorageError::Refused)
    }

    /// Forgets the key.
    pub fn remove(&self) -> Result<(), StorageError> {
        local_storage()?
            .remove_item(self.key)
            .map_err(|_| StorageError::Refused)
    }
}

/// Local storage under `key`.
pub fn use_local_storage(key: &'static str) -> UseLocalStorageReturn {
    UseLocalStorageReturn { key }
}

/// Calls `on_change` when another tab of this site changes `key` (the browser's
/// `storage` event); the listener goes with the owner.
pub fn on_storage_change(key: &'static str, on_change: impl Fn() + 'static) {
    let listener = leptos::prelude::window_event_listener(leptos::ev::storage, move |e| {
        if e.key().as_deref() == Some(key) {
            on_change();
        }
    });
    leptos::prelude::on_cleanup(move || listener.remove());
}
