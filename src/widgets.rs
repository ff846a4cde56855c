//! Small form controls shared by the pages.

use leptos::prelude::*;

/// A text field that keeps exactly what was typed and shows the engine's message
/// for it underneath. Numbers are typed as text so that nothing the user typed is
/// ever dropped by the browser.
#[component]
pub fn TextField(
    /// Element id, also the base of the `data-testid` values.
    id: &'static str,
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
            <label for=id>{label}</label>
            <div class="input-row">
                <input
                    id=id
                    data-testid=id
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
    id: &'static str,
    label: &'static str,
    options: Vec<(&'static str, String)>,
    value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] hint: Option<Signal<String>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
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
