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
use crate::state::{InputsStoreFields, Shared};

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
                    "{} was not read; the model is unchanged. {e}.",
                    sizing::input::capitalize(&origin)
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
            Err(e) => import_error.set(Some(format!("{} was not read: {e}.", opened.name))),
        },
    );

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
        <ul class="model-list" data-testid="tf-models" role="listbox" aria-label="Models">
            {move || {
                matches
                    .get()
                    .into_iter()
                    .map(|(id, name, params)| {
                        let selected_id = id.clone();
                        let choose_id = id.clone();
                        view! {
                            <li>
                                <button
                                    type="button"
                                    role="option"
                                    data-testid=format!("tf-model-{id}")
                                    class:selected=move || current().as_deref() == Some(selected_id.as_str())
                                    on:click=move |_| {
                                        form.update(|f| {
                                            f.choose_model(&choose_id);
                                        })
                                    }
                                >
                                    <span>{name}</span>
                                    <span class="params">{format!("{:.1}B", params as f64 / 1e9)}</span>
                                </button>
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
                        view! {
                            <li>
                                <button
                                    type="button"
                                    data-testid=format!("tf-cnn-{}", p.id())
                                    title="Opens the CNN page with this network"
                                    on:click=move |_| {
                                        inputs.cnn().set(CnnForm::for_preset(p));
                                        inputs.page().set(Page::Cnn);
                                    }
                                >
                                    <span>{p.name()}</span>
                                    <span class="params">"CNN →"</span>
                                </button>
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
            <p class="error" data-testid="tf-import-error" role="alert">{move || import_error.get().unwrap_or_default()}</p>
            <p class="ok" data-testid="tf-import-note">{move || import_note.get().unwrap_or_default()}</p>
        </details>
    }
}
