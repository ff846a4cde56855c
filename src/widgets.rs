//! Small form controls shared by the pages.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sizing::ByteUnits;
use sizing::units::format_bytes;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A text field that keeps exactly what was typed and shows the engine's message
/// for it underneath. Numbers are typed as text so that nothing the user typed is
/// ever dropped by the browser.
#[component]
pub fn TextField(
    /// Element id, also the base of the `data-testid` values.
    #[prop(into)]
    id: String,
    label: &'static str,
    value: Signal<String>,
    on_input: Callback<String>,
    error: Signal<Option<String>>,
    #[prop(optional)] unit: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "numeric")] inputmode: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <div class="input-row">
                <input
                    id=id.clone()
                    data-testid=id.clone()
                    type="text"
                    inputmode=inputmode
                    autocomplete="off"
                    spellcheck="false"
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby=described
                    prop:value=move || value.get()
                    on:input:target=move |ev| on_input.run(ev.target().value())
                />
                {unit.map(|u| view! { <span class="unit">{u}</span> })}
            </div>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <p class="error" id=error_id.clone() data-testid=error_id role="alert">
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// A drop-down list of `(id, label)` options.
#[component]
pub fn Choice(
    #[prop(into)] id: String,
    label: &'static str,
    options: Vec<(&'static str, String)>,
    value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] hint: Option<Signal<String>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                data-testid=id
                prop:value=move || value.get()
                on:change:target=move |ev| on_change.run(ev.target().value())
            >
                {options
                    .into_iter()
                    .map(|(value_id, text)| {
                        view! {
                            <option value=value_id selected=move || value.get() == value_id>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {hint.map(|h| view! { <p class="hint">{move || h.get()}</p> })}
        </div>
    }
}

/// A stacked bar of memory terms, each `(kind id, label, bytes)`, coloured by the
/// `seg-{kind id}` classes of the stylesheet.
#[component]
pub fn StackedBar(
    #[prop(into)] testid: String,
    terms: Vec<(String, String, u64)>,
    total: u64,
    units: RwSignal<ByteUnits>,
) -> impl IntoView {
    // Segments in a 1000-unit-wide view box.
    let mut x = 0.0;
    let segments: Vec<_> = terms
        .into_iter()
        .map(|(id, label, bytes)| {
            let width = if total == 0 {
                0.0
            } else {
                bytes as f64 * 1000.0 / total as f64
            };
            let seg = (id, label, bytes, x, width);
            x += width;
            seg
        })
        .collect();
    view! {
        <svg
            class="stack"
            data-testid=testid
            viewBox="0 0 1000 36"
            preserveAspectRatio="none"
            role="img"
            aria-label="Memory breakdown"
        >
            {segments
                .into_iter()
                .map(|(id, label, bytes, x, width)| {
                    view! {
                        <rect class=format!("seg seg-{id}") x=x.to_string() y="0" width=width.to_string() height="36">
                            <title>{move || format!("{label}: {}", format_bytes(bytes, units.get()))}</title>
                        </rect>
                    }
                })
                .collect_view()}
        </svg>
    }
}

/// Reads the file chosen in a file input as text, then calls `done(file name, text)`,
/// or `failed(file name)` when the browser cannot read it. The input is cleared so
/// that choosing the same file again reads it again.
pub fn read_chosen_file(
    ev: &leptos::ev::Event,
    done: impl Fn(String, String) + 'static,
    failed: impl Fn(String) + 'static,
) {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    let name = file.name();
    input.set_value("");
    spawn_local(async move {
        match JsFuture::from(file.text()).await {
            Ok(v) => done(name, v.as_string().unwrap_or_default()),
            Err(_) => failed(name),
        }
    });
}

/// Offer `text` as a file download.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser refused to create the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused to create a download link".to_string())?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "cannot create a link")?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
