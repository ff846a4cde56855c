//! Offering text as a file download.
//!
//! ```ignore
//! download("headroom-scenarios.json", &text)?;
//! ```

use wasm_bindgen::JsCast;

/// What [`download_with_options`] offers.
#[derive(Clone, Copy, Debug)]
pub struct DownloadOptions {
    /// The file's media type. Default `application/json`.
    pub mime: &'static str,
}

impl Default for DownloadOptions {
    fn default() -> DownloadOptions {
        DownloadOptions {
            mime: "application/json",
        }
    }
}

/// The browser step that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DownloadError {
    /// Creating the file (Blob).
    File,
    /// Creating its address.
    Url,
    /// Creating the link that downloads it.
    Link,
}

impl std::fmt::Display for DownloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DownloadError::File => "the browser refused to create the file",
            DownloadError::Url => "the browser refused to create a download link",
            DownloadError::Link => "the page cannot create a link",
        })
    }
}

/// Offers `text` as a JSON file called `name`.
pub fn download(name: &str, text: &str) -> Result<(), DownloadError> {
    download_with_options(name, text, DownloadOptions::default())
}

/// Offers `text` as a file called `name`.
pub fn download_with_options(
    name: &str,
    text: &str,
    options: DownloadOptions,
) -> Result<(), DownloadError> {
    // A spreadsheet opens UTF-8 without a byte-order mark in the system's
    // code page (Excel on Windows), which garbles "×", "÷" and "—".
    let text = if options.mime == "text/csv" {
        format!("\u{FEFF}{text}")
    } else {
        text.to_string()
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(options.mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag)
        .map_err(|_| DownloadError::File)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| DownloadError::Url)?;
    let a: web_sys::HtmlAnchorElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .ok_or(DownloadError::Link)?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
