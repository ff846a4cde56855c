//! The model picker: the zoo (and the CNNs, which open on their own page), the
//! model's source and assumptions, and the config.json import.

use leptos::prelude::*;
use sizing::cnn::Preset;
use sizing::cnn::form::CnnForm;
use sizing::scenario::link::Page;
use sizing::transformer::hf::MAX_CONFIG_BYTES;
use sizing::transformer::zoo::{self, config_text};

use super::Form;
use crate::browser::file_open::{UseFileOpenOptions, use_file_open};
use crate::browser::focus::scroll_into_view;
use crate::state::{InputsStoreFields, Shared};

/// The element id of a model list option.
fn option_id(key: &str) -> String {
    format!("tf-option-{key}")
}

#[component]
pub fn ModelPicker(form: Form) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let matches = Memo::new(move |_| {
        query.with(|q| {
            zoo::search(q)
                .into_iter()
                .map(|m| {
                    (
                        m.entry.id.clone(),
                        m.entry.name.clone(),
                        m.imported.arch.params().total,
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let cnn_matches = Memo::new(move |_| {
        query.with(|q| {
            let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
            Preset::ALL
                .into_iter()
                .filter(|p| {
                    let hay = format!("{} {} cnn", p.name(), p.id()).to_lowercase();
                    words.iter().all(|w| hay.contains(w.as_str()))
                })
                .collect::<Vec<_>>()
        })
    });
    let inputs = Shared::expect().inputs;
    let current = move || form.with(|f| f.model.clone());
    // The listbox pattern of the ARIA practices: one tab stop; arrow keys, Home
    // and End move the active option, Enter, Space or a click chooses it. Keys:
    // "m-<zoo id>" for a transformer, "c-<preset id>" for a CNN (opens its page).
    let active = RwSignal::new(None::<String>);
    let keys = move || {
        let mut k: Vec<String> = matches.with(|m| m.iter().map(|x| format!("m-{}", x.0)).collect());
        k.extend(cnn_matches.with(|c| {
            c.iter()
                .map(|p| format!("c-{}", p.id()))
                .collect::<Vec<_>>()
        }));
        k
    };
    let choose = move |key: &str| {
        if let Some(id) = key.strip_prefix("m-") {
            form.update(|f| {
                f.choose_model(id);
            });
        } else if let Some(p) = key.strip_prefix("c-").and_then(Preset::from_id) {
            inputs.cnn().set(CnnForm::for_preset(p));
            inputs.page().set(Page::Cnn);
            // The list goes with its page: focus follows to the network chosen.
            crate::browser::focus::focus_when_drawn("cnn-preset");
        }
    };
    view! {
        <h2>"Model"</h2>
        <div class="field">
            <label for="tf-search">"Search the model zoo"</label>
            <input
                id="tf-search"
                data-testid="tf-search"
                type="search"
                autocomplete="off"
                placeholder="e.g. llama 70, mixtral, bert"
                prop:value=move || query.get()
                on:input:target=move |ev| query.set(ev.target().value())
            />
        </div>
        <ul
            class="model-list"
            data-testid="tf-models"
            role="listbox"
            aria-label="Models"
            tabindex="0"
            aria-activedescendant=move || active.get().map(|k| option_id(&k))
            on:focus=move |_| {
                if active.get_untracked().is_none() {
                    let chosen = current().map(|id| format!("m-{id}"));
                    let keys = keys();
                    active.set(chosen.filter(|c| keys.contains(c)).or_else(|| keys.first().cloned()));
                }
            }
            on:keydown=move |ev| {
                let keys = keys();
                let at = active.get_untracked().and_then(|a| keys.iter().position(|k| *k == a));
                let to = match ev.key().as_str() {
                    "ArrowDown" => Some(at.map_or(0, |i| (i + 1).min(keys.len().saturating_sub(1)))),
                    "ArrowUp" => Some(at.map_or(0, |i| i.saturating_sub(1))),
                    "Home" => Some(0),
                    "End" => Some(keys.len().saturating_sub(1)),
                    "Enter" | " " => {
                        ev.prevent_default();
                        if let Some(k) = at.and_then(|i| keys.get(i)) {
                            choose(k);
                        }
                        None
                    }
                    _ => None,
                };
                if let Some(k) = to.and_then(|i| keys.get(i)) {
                    ev.prevent_default();
                    active.set(Some(k.clone()));
                    scroll_into_view(&option_id(k));
                }
            }
        >
            {move || {
                matches
                    .get()
                    .into_iter()
                    .map(|(id, name, params)| {
                        let key = format!("m-{id}");
                        let (selected_id, active_key, click_key) = (id.clone(), key.clone(), key.clone());
                        view! {
                            <li
                                role="option"
                                id=option_id(&key)
                                data-testid=format!("tf-model-{id}")
                                class:selected=move || current().as_deref() == Some(selected_id.as_str())
                                class:active=move || active.get().as_deref() == Some(active_key.as_str())
                                aria-selected=move || if current().as_deref() == Some(id.as_str()) { "true" } else { "false" }
                                on:click=move |_| {
                                    active.set(Some(click_key.clone()));
                                    choose(&click_key);
                                }
                            >
                                <span>{name}</span>
                                <span class="params">{format!("{:.1}B", params as f64 / 1e9)}</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
            {move || {
                cnn_matches
                    .get()
                    .into_iter()
                    .map(|p| {
                        let key = format!("c-{}", p.id());
                        let (active_key, click_key) = (key.clone(), key.clone());
                        view! {
                            <li
                                role="option"
                                id=option_id(&key)
                                aria-selected="false"
                                data-testid=format!("tf-cnn-{}", p.id())
                                title="Opens the CNN page with this network"
                                class:active=move || active.get().as_deref() == Some(active_key.as_str())
                                on:click=move |_| choose(&click_key)
                            >
                                <span>{p.name()}</span>
                                <span class="params">"CNN →"</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        <p class="hint" class:hidden=move || !matches.with(Vec::is_empty) || !cnn_matches.with(Vec::is_empty)>
            "No model matches; paste its config.json below or edit the architecture."
        </p>
        <div class="model-source" data-testid="tf-source">
            {move || {
                form.with(|f| {
                    let zoo_entry = f.model.as_deref().and_then(zoo::find);
                    match zoo_entry {
                        Some(m) => view! {
                            <p>
                                <strong>{m.entry.name.clone()}</strong>
                                " — config of "
                                <a href=m.entry.source.clone() target="_blank" rel="noopener">{m.entry.hf_repo.clone()}</a>
                                {if m.entry.config_status == "verbatim" { " (as published)" } else { " (reconstructed)" }}
                            </p>
                            {m.entry.note.clone().map(|n| view! { <p class="hint">{n}</p> })}
                        }
                            .into_any(),
                        None => view! { <p><strong>{f.name.clone()}</strong>" — from a pasted config.json"</p> }.into_any(),
                    }
                })
            }}
            <ul class="assumptions" data-testid="tf-assumptions">
                {move || form.with(|f| f.assumptions.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view())}
            </ul>
        </div>
    }
}

/// Reading a pasted or uploaded config.json into the page's model.
#[component]
pub fn ConfigImport(form: Form) -> impl IntoView {
    let config_text_value = RwSignal::new(String::new());
    let import_error = RwSignal::new(None::<String>);
    let import_note = RwSignal::new(None::<String>);
    let read = move |text: String, origin: String| {
        let mut f = form.form.get_untracked();
        match f.import_config(&text) {
            Ok(()) => {
                import_error.set(None);
                import_note.set(Some(format!("Read {origin}: {}.", f.name)));
                form.form.set(f);
            }
            Err(e) => {
                import_note.set(None);
                import_error.set(Some(format!(
                    "{} was not read; the model is unchanged. {}",
                    sizing::input::capitalize(&origin),
                    sizing::input::sentence(&e.to_string())
                )));
            }
        }
    };
    let on_file = use_file_open(
        UseFileOpenOptions {
            max_bytes: MAX_CONFIG_BYTES as u64,
        },
        move |opened| match opened.text {
            Ok(text) => read(text, opened.name),
            Err(e) => import_error.set(Some(format!(
                "{} was not read: {}",
                opened.name,
                sizing::input::sentence(&e.to_string())
            ))),
        },
    );

    view! {
        <details class="import" data-testid="tf-import">
            <summary>"Paste or upload a config.json"</summary>
            <p class="hint">
                "A Hugging Face config.json of a llama, mistral, mixtral, qwen2, gemma2, phi3, deepseek_v3, falcon, gpt2, bert, t5 or vit model. Nothing leaves your browser."
            </p>
            <textarea
                data-testid="tf-config-text"
                rows="8"
                spellcheck="false"
                aria-label="config.json"
                aria-invalid=move || import_error.with(|e| e.is_some()).then_some("true")
                aria-describedby="tf-import-error"
                placeholder="{ \"model_type\": \"llama\", \"hidden_size\": 4096, … }"
                prop:value=move || config_text_value.get()
                on:input:target=move |ev| config_text_value.set(ev.target().value())
            ></textarea>
            <div class="import-actions">
                <button type="button" data-testid="tf-config-read" on:click=move |_| read(config_text_value.get_untracked(), "the pasted config".to_string())>
                    "Read config"
                </button>
                <label class="file">
                    "Upload…"
                    <input type="file" accept=".json,application/json" data-testid="tf-config-file" on:change=on_file/>
                </label>
                <button
                    type="button"
                    data-testid="tf-config-show"
                    on:click=move |_| {
                        if let Some(m) = form.form.with_untracked(|f| f.model.clone()).as_deref().and_then(zoo::find) {
                            config_text_value.set(config_text(m));
                        }
                    }
                >
                    "Show this model's config"
                </button>
            </div>
            <p class="error" id="tf-import-error" data-testid="tf-import-error" role="alert">{move || import_error.get().unwrap_or_default()}</p>
            <p class="ok" data-testid="tf-import-note">{move || import_note.get().unwrap_or_default()}</p>
        </details>
    }
}
