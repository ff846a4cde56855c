//! The transformer page: pick a model from the zoo or paste its config.json, edit
//! the architecture, describe the workload (serving, training, LoRA/QLoRA), and
//! see the memory per GPU term by term, the reverse questions and what fits.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::cnn::Preset;
use sizing::transformer::form::{
    MethodKind, Mode, TransformerForm, TransformerOutcome, TransformerResult, evaluate,
};
use sizing::transformer::memory::Reverse;
use sizing::transformer::training::{Recipe, Recompute, TrainOptimizer};
use sizing::transformer::zoo::{self, config_text};
use sizing::transformer::{KvFormat, ModelKind, WeightFormat};
use sizing::units::{format_bytes, format_bytes_exact, format_share, group_digits};

use crate::app::{Page, use_cnn_form, use_page, use_units};
use crate::fits::FitsPanel;
use crate::memory_card::{MemoryCard, NoEstimate};
use crate::widgets::{Choice, TextField, read_chosen_file};
use sizing::report::Memory;

type Form = RwSignal<TransformerForm>;
type Outcome = Memo<TransformerOutcome>;

/// A text field bound to one string of the form, with the engine's message for it.
fn bind(
    form: Form,
    outcome: Outcome,
    key: &'static str,
    get: fn(&TransformerForm) -> String,
    set: fn(&mut TransformerForm, String),
) -> (Signal<String>, Callback<String>, Signal<Option<String>>) {
    (
        Signal::derive(move || form.with(get)),
        Callback::new(move |v: String| form.update(|f| set(f, v))),
        Signal::derive(move || outcome.with(|o| o.errors.get(key).cloned())),
    )
}

/// A drop-down bound to one enum of the form, through its stable ids.
fn pick<T: Copy + 'static>(
    form: Form,
    get: fn(&TransformerForm) -> T,
    set: fn(&mut TransformerForm, T),
    id: fn(T) -> &'static str,
    from_id: fn(&str) -> Option<T>,
) -> (Signal<String>, Callback<String>) {
    (
        Signal::derive(move || form.with(|f| id(get(f)).to_string())),
        Callback::new(move |v: String| {
            if let Some(x) = from_id(&v) {
                form.update(|f| set(f, x))
            }
        }),
    )
}

/// A checkbox bound to one flag of the form, on a line of its own.
fn check(
    form: Form,
    testid: &'static str,
    label: &'static str,
    get: fn(&TransformerForm) -> bool,
    set: fn(&mut TransformerForm, bool),
) -> impl IntoView {
    checkbox(form, "check", testid, label, get, set)
}

/// A checkbox bound to one flag of the form, its label styled by `class`.
fn checkbox(
    form: Form,
    class: &'static str,
    testid: &'static str,
    label: &'static str,
    get: fn(&TransformerForm) -> bool,
    set: fn(&mut TransformerForm, bool),
) -> impl IntoView {
    view! {
        <label class=class>
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=move || form.with(get)
                on:change:target=move |ev| {
                    let on = ev.target().checked();
                    form.update(|f| set(f, on))
                }
            />
            {label}
        </label>
    }
}

#[component]
pub fn TransformerPage() -> impl IntoView {
    let form: Form = crate::state::shared().tf;
    let outcome: Outcome = Memo::new(move |_| form.with(evaluate));
    let units = use_units();
    let training = move || form.with(|f| f.mode == Mode::Training);
    let demand =
        Signal::derive(move || outcome.with(|o| o.result.as_ref().map(|r| r.estimate.demand())));

    view! {
        <section class="inputs" aria-label="Model and workload">
            <ModelPicker form=form/>
            <ArchEditor form=form outcome=outcome/>
            <fieldset class="mode">
                <legend>"Workload"</legend>
                <div class="segmented" role="radiogroup">
                    {[(Mode::Inference, "Inference", "tf-mode-inference"), (Mode::Training, "Training / fine-tuning", "tf-mode-training")]
                        .into_iter()
                        .map(|(m, label, testid)| {
                            view! {
                                <label class:selected=move || form.with(|f| f.mode == m)>
                                    <input
                                        type="radio"
                                        name="tf-mode"
                                        data-testid=testid
                                        prop:checked=move || form.with(|f| f.mode == m)
                                        on:change=move |_| form.update(|f| f.mode = m)
                                    />
                                    {label}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <Show when=move || !training() fallback=move || view! { <TrainingInputs form=form outcome=outcome/> }>
                <InferenceInputs form=form outcome=outcome/>
            </Show>
        </section>
        <section class="results" aria-label="Memory">
            {move || {
                outcome
                    .with(|o| o.result.clone())
                    .map(|r| {
                        view! {
                            <MemoryCard memory=Memory::from(&r.estimate) title="Memory per GPU" headline=r.headline prefix="tf-" units=units/>
                        }
                            .into_any()
                    })
                    .unwrap_or_else(|| view! { <NoEstimate testid="tf-no-result"/> }.into_any())
            }}
            // Mounted once, so their own settings survive every change of the workload.
            <FitsPanel demand=demand form=crate::state::shared().tf_fit prefix="tf-"/>
            <Show when=move || !training()>
                <ReverseCard form=form outcome=outcome units=units/>
            </Show>
            {move || outcome.with(|o| o.result.clone()).map(|r| view! { <ParamTable result=r units=units/> })}
        </section>
    }
}

#[component]
fn ModelPicker(form: Form) -> impl IntoView {
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
    let cnn_form = use_cnn_form();
    let page = use_page();
    let current = move || form.with(|f| f.model.clone());
    let config_text_value = RwSignal::new(String::new());
    let import_error = RwSignal::new(None::<String>);
    let import_note = RwSignal::new(None::<String>);
    let read = move |text: String, origin: String| {
        let mut f = form.get_untracked();
        match f.import_config(&text) {
            Ok(()) => {
                import_error.set(None);
                import_note.set(Some(format!("Read {origin}: {}.", f.name)));
                form.set(f);
            }
            Err(e) => {
                import_note.set(None);
                import_error.set(Some(format!(
                    "{origin} was not read; the model is unchanged. {e}."
                )));
            }
        }
    };
    let on_file = move |ev: leptos::ev::Event| {
        read_chosen_file(
            &ev,
            move |name, text| read(text, name),
            move |name| import_error.set(Some(format!("{name} could not be read."))),
        );
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
                                        cnn_form.set(sizing::cnn::form::CnnForm::for_preset(p));
                                        page.set(Page::Cnn);
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
                <button type="button" data-testid="tf-config-read" on:click=move |_| read(config_text_value.get_untracked(), "The pasted config".to_string())>
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
                        if let Some(m) = form.with_untracked(|f| f.model.clone()).as_deref().and_then(zoo::find) {
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

#[component]
fn ArchEditor(form: Form, outcome: Outcome) -> impl IntoView {
    macro_rules! arch_field {
        ($key:literal, $member:ident) => {
            bind(
                form,
                outcome,
                $key,
                |f| f.arch.$member.clone(),
                |f, v| f.arch.$member = v,
            )
        };
    }
    let (layers, set_layers, layers_e) = arch_field!("layers", layers);
    let (hidden, set_hidden, hidden_e) = arch_field!("hidden", hidden);
    let (heads, set_heads, heads_e) = arch_field!("heads", heads);
    let (kv, set_kv, kv_e) = arch_field!("kv_heads", kv_heads);
    let (hd, set_hd, hd_e) = arch_field!("head_dim", head_dim);
    let (ffn, set_ffn, ffn_e) = arch_field!("ffn", ffn);
    let (vocab, set_vocab, vocab_e) = arch_field!("vocab", vocab);
    let (maxpos, set_maxpos, maxpos_e) = arch_field!("max_positions", max_positions);
    let (experts, set_experts, experts_e) = arch_field!("experts", experts);
    let (topk, set_topk, topk_e) = arch_field!("experts_per_token", experts_per_token);
    let (eff, set_eff, eff_e) = arch_field!("expert_ffn", expert_ffn);
    let moe = move || form.with(|f| f.base.moe.is_some());
    let summary = move || {
        form.with(|f| {
            let b = &f.base;
            let mut parts = vec![b.kind.label().to_string(), b.attention_label()];
            if let Some(m) = &b.moe {
                parts.push(format!(
                    "MoE {} experts, {} per token",
                    m.experts, m.experts_per_token
                ));
            }
            if let Some(w) = &b.window {
                parts.push(if w.every == 1 {
                    format!("sliding window {}", group_digits(w.size))
                } else {
                    format!(
                        "sliding window {} on every {} layer",
                        group_digits(w.size),
                        if w.every == 2 { "second" } else { "n-th" }
                    )
                });
            }
            parts.join(" · ")
        })
    };
    view! {
        <details class="arch" data-testid="tf-arch">
            <summary>
                "Architecture "
                <span class="hint">{summary}</span>
                <span class="edited" class:hidden=move || !form.with(TransformerForm::edited)>" (edited)"</span>
            </summary>
            <div class="trio">
                <TextField id="tf-layers" label="Layers" value=layers on_input=set_layers error=layers_e/>
                <TextField id="tf-hidden" label="Hidden size" value=hidden on_input=set_hidden error=hidden_e/>
                <TextField id="tf-ffn" label="FFN size" value=ffn on_input=set_ffn error=ffn_e/>
                <TextField id="tf-heads" label="Attention heads" value=heads on_input=set_heads error=heads_e/>
                <TextField id="tf-kv-heads" label="KV heads" value=kv on_input=set_kv error=kv_e/>
                <TextField id="tf-head-dim" label="Head dim" value=hd on_input=set_hd error=hd_e/>
                <TextField id="tf-vocab" label="Vocabulary" value=vocab on_input=set_vocab error=vocab_e/>
                <TextField id="tf-max-positions" label="Max positions" value=maxpos on_input=set_maxpos error=maxpos_e/>
            </div>
            <Show when=moe>
                <div class="trio">
                    <TextField id="tf-experts" label="Experts" value=experts on_input=set_experts error=experts_e/>
                    <TextField id="tf-experts-per-token" label="Per token" value=topk on_input=set_topk error=topk_e/>
                    <TextField id="tf-expert-ffn" label="Expert FFN" value=eff on_input=set_eff error=eff_e/>
                </div>
            </Show>
            {check(form, "tf-gated", "Gated FFN (SwiGLU/GeGLU: three matrices)", |f| f.arch.gated, |f, v| f.arch.gated = v)}
            {check(form, "tf-tied", "Output head tied to the token embedding", |f| f.arch.tied, |f, v| f.arch.tied = v)}
            <button
                type="button"
                class="link"
                data-testid="tf-arch-reset"
                class:hidden=move || !form.with(TransformerForm::edited)
                on:click=move |_| form.update(|f| f.arch = sizing::transformer::form::ArchFields::of(&f.base))
            >
                "Undo edits"
            </button>
        </details>
    }
}

fn options<T: Copy>(
    all: &[T],
    id: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|v| (id(*v), label(*v).to_string()))
        .collect()
}

#[component]
fn InferenceInputs(form: Form, outcome: Outcome) -> impl IntoView {
    let (seqs, set_seqs, seqs_e) = bind(
        form,
        outcome,
        "sequences",
        |f| f.sequences.clone(),
        |f, v| f.sequences = v,
    );
    let (ctx, set_ctx, ctx_e) = bind(
        form,
        outcome,
        "context",
        |f| f.context.clone(),
        |f, v| f.context = v,
    );
    let (chunk, set_chunk, chunk_e) = bind(
        form,
        outcome,
        "prefill_chunk",
        |f| f.prefill_chunk.clone(),
        |f, v| f.prefill_chunk = v,
    );
    let (tp, set_tp, tp_e) = bind(
        form,
        outcome,
        "tensor_parallel",
        |f| f.tensor_parallel.clone(),
        |f, v| f.tensor_parallel = v,
    );
    let (oh, set_oh, oh_e) = bind(
        form,
        outcome,
        "overhead_mib",
        |f| f.overhead_mib.clone(),
        |f, v| f.overhead_mib = v,
    );
    let (util, set_util, util_e) = bind(
        form,
        outcome,
        "utilization",
        |f| f.utilization.clone(),
        |f, v| f.utilization = v,
    );
    let (weights_value, set_weights) = pick(
        form,
        |f| f.weights,
        |f, v| f.weights = v,
        WeightFormat::id,
        WeightFormat::from_id,
    );
    let weights_hint = Signal::derive(move || form.with(|f| f.weights.note().to_string()));
    let (kv_value, set_kv) = pick(
        form,
        |f| f.kv,
        |f, v| f.kv = v,
        KvFormat::id,
        KvFormat::from_id,
    );
    let generates = move || form.with(|f| f.base.kind.generates());
    let quantized = move || form.with(|f| f.weights.is_quantized() && !f.weights.is_gguf());
    let windowed = move || form.with(|f| f.base.window.is_some());
    view! {
        <Choice
            id="tf-weights"
            label="Weight format"
            options=options(&WeightFormat::ALL, WeightFormat::id, WeightFormat::label)
            value=weights_value
            on_change=set_weights
            hint=weights_hint
        />
        <Show when=quantized>
            {check(form, "tf-quantize-embeddings", "Quantize the embeddings and output head too", |f| f.quantize_embeddings, |f, v| f.quantize_embeddings = v)}
        </Show>
        <Show when=generates>
            <Choice id="tf-kv" label="KV-cache format" options=options(&KvFormat::ALL, KvFormat::id, KvFormat::label) value=kv_value on_change=set_kv/>
        </Show>
        <div class="duo">
            <TextField id="tf-sequences" label="Concurrent sequences" unit="users" value=seqs on_input=set_seqs error=seqs_e hint="Users served at once, or the batch."/>
            <TextField id="tf-context" label="Context per sequence" unit="tokens" value=ctx on_input=set_ctx error=ctx_e hint="Prompt + generated tokens."/>
        </div>
        <div class="duo">
            <TextField id="tf-tp" label="Tensor parallel" unit="GPUs" value=tp on_input=set_tp error=tp_e hint="Figures are per GPU."/>
            <TextField id="tf-chunk" label="Prefill budget" unit="tokens" value=chunk on_input=set_chunk error=chunk_e hint="Tokens per forward pass."/>
        </div>
        {check(form, "tf-flash", "FlashAttention (no attention-score matrix)", |f| f.flash_attention, |f, v| f.flash_attention = v)}
        <Show when=windowed>
            {check(form, "tf-window-cache", "Engine frees keys and values outside the sliding window", |f| f.window_cache, |f, v| f.window_cache = v)}
        </Show>
        <div class="duo">
            <TextField id="tf-overhead" label="Runtime overhead" unit="MiB" inputmode="decimal" value=oh on_input=set_oh error=oh_e hint="CUDA context, libraries, CUDA graphs."/>
            <TextField id="tf-utilization" label="Engine memory cap" inputmode="decimal" value=util on_input=set_util error=util_e hint="vLLM gpu_memory_utilization (0.9); 1 for none."/>
        </div>
    }
}

#[component]
fn TrainingInputs(form: Form, outcome: Outcome) -> impl IntoView {
    let (mb, set_mb, mb_e) = bind(
        form,
        outcome,
        "micro_batch",
        |f| f.micro_batch.clone(),
        |f, v| f.micro_batch = v,
    );
    let (ctx, set_ctx, ctx_e) = bind(
        form,
        outcome,
        "context",
        |f| f.context.clone(),
        |f, v| f.context = v,
    );
    let (rank, set_rank, rank_e) = bind(
        form,
        outcome,
        "lora_rank",
        |f| f.lora_rank.clone(),
        |f, v| f.lora_rank = v,
    );
    let (dp, set_dp, dp_e) = bind(
        form,
        outcome,
        "data_parallel",
        |f| f.data_parallel.clone(),
        |f, v| f.data_parallel = v,
    );
    let (tp, set_tp, tp_e) = bind(
        form,
        outcome,
        "tensor_parallel",
        |f| f.tensor_parallel.clone(),
        |f, v| f.tensor_parallel = v,
    );
    let (pp, set_pp, pp_e) = bind(
        form,
        outcome,
        "pipeline_parallel",
        |f| f.pipeline_parallel.clone(),
        |f, v| f.pipeline_parallel = v,
    );
    let (mbs, set_mbs, mbs_e) = bind(
        form,
        outcome,
        "micro_batches",
        |f| f.micro_batches.clone(),
        |f, v| f.micro_batches = v,
    );
    let (oh, set_oh, oh_e) = bind(
        form,
        outcome,
        "overhead_mib",
        |f| f.overhead_mib.clone(),
        |f, v| f.overhead_mib = v,
    );
    let (method_value, set_method) = pick(
        form,
        |f| f.method,
        |f, v| f.method = v,
        MethodKind::id,
        MethodKind::from_id,
    );
    let (recipe_value, set_recipe) = pick(
        form,
        |f| f.recipe,
        |f, v| f.recipe = v,
        Recipe::id,
        Recipe::from_id,
    );
    let (opt_value, set_opt) = pick(
        form,
        |f| f.optimizer,
        |f, v| f.optimizer = v,
        TrainOptimizer::id,
        TrainOptimizer::from_id,
    );
    let (rc_value, set_rc) = pick(
        form,
        |f| f.recompute,
        |f, v| f.recompute = v,
        Recompute::id,
        Recompute::from_id,
    );
    let zero_value = Signal::derive(move || form.with(|f| f.zero_stage.to_string()));
    let set_zero = Callback::new(move |id: String| {
        if let Ok(z) = id.parse::<u8>() {
            form.update(|f| f.zero_stage = z.min(3))
        }
    });
    let zero_options = vec![
        ("0", "None — every GPU holds all model states".to_string()),
        ("1", "ZeRO-1 — shard optimizer state".to_string()),
        ("2", "ZeRO-2 — + gradients".to_string()),
        ("3", "ZeRO-3 / FSDP full shard — + weights".to_string()),
    ];
    let adapters = move || form.with(|f| f.method != MethodKind::Full);
    let qlora = move || form.with(|f| f.method == MethodKind::Qlora);
    // Inline checkboxes, one per projection.
    let target = move |testid, label, get, set| checkbox(form, "", testid, label, get, set);
    view! {
        <Choice id="tf-method" label="Method" options=options(&MethodKind::ALL, MethodKind::id, MethodKind::label) value=method_value on_change=set_method/>
        <Show when=adapters>
            <TextField id="tf-lora-rank" label="LoRA rank" value=rank on_input=set_rank error=rank_e/>
            <fieldset class="targets">
                <legend>"Adapted projections"</legend>
                {target("tf-lora-q", "q", |f| f.lora_targets.q, |f, v| f.lora_targets.q = v)}
                {target("tf-lora-k", "k", |f| f.lora_targets.k, |f, v| f.lora_targets.k = v)}
                {target("tf-lora-v", "v", |f| f.lora_targets.v, |f, v| f.lora_targets.v = v)}
                {target("tf-lora-o", "o", |f| f.lora_targets.o, |f, v| f.lora_targets.o = v)}
                {target("tf-lora-ffn", "FFN", |f| f.lora_targets.ffn, |f, v| f.lora_targets.ffn = v)}
            </fieldset>
            <Show when=qlora>
                {check(form, "tf-double-quant", "Double quantization (4.127 instead of 4.5 bits)", |f| f.double_quant, |f, v| f.double_quant = v)}
            </Show>
        </Show>
        <Choice id="tf-recipe" label="Precision recipe" options=options(&Recipe::ALL, Recipe::id, Recipe::label) value=recipe_value on_change=set_recipe/>
        <Choice id="tf-optimizer" label="Optimizer" options=options(&TrainOptimizer::ALL, TrainOptimizer::id, TrainOptimizer::label) value=opt_value on_change=set_opt/>
        <div class="duo">
            <TextField id="tf-micro-batch" label="Micro-batch" unit="sequences" value=mb on_input=set_mb error=mb_e/>
            <TextField id="tf-context" label="Sequence length" unit="tokens" value=ctx on_input=set_ctx error=ctx_e/>
        </div>
        <Choice id="tf-recompute" label="Activation recomputation" options=options(&Recompute::ALL, Recompute::id, Recompute::label) value=rc_value on_change=set_rc/>
        {check(form, "tf-flash", "FlashAttention (no attention-score matrix)", |f| f.flash_attention, |f, v| f.flash_attention = v)}
        <fieldset class="parallel">
            <legend>"Parallelism (figures are per GPU)"</legend>
            <div class="duo">
                <TextField id="tf-dp" label="Data parallel" unit="GPUs" value=dp on_input=set_dp error=dp_e/>
                <Choice id="tf-zero" label="Sharding" options=zero_options value=zero_value on_change=set_zero/>
                <TextField id="tf-tp" label="Tensor parallel" unit="GPUs" value=tp on_input=set_tp error=tp_e/>
                <TextField id="tf-pp" label="Pipeline stages" value=pp on_input=set_pp error=pp_e/>
                <TextField id="tf-micro-batches" label="Micro-batches per step" value=mbs on_input=set_mbs error=mbs_e/>
            </div>
            {check(form, "tf-sp", "Sequence parallelism (with tensor parallelism)", |f| f.sequence_parallel, |f, v| f.sequence_parallel = v)}
        </fieldset>
        <TextField id="tf-overhead" label="Runtime overhead" unit="MiB" inputmode="decimal" value=oh on_input=set_oh error=oh_e hint="CUDA context, libraries, communication buffers."/>
    }
}

#[component]
fn ReverseCard(form: Form, outcome: Outcome, units: RwSignal<ByteUnits>) -> impl IntoView {
    let (mem, set_mem, mem_e) = bind(
        form,
        outcome,
        "memory_gib",
        |f| f.memory_gib.clone(),
        |f, v| f.memory_gib = v,
    );
    let answer = move |r: Option<Reverse>,
                       memory: u64,
                       what: &'static str,
                       testid: &'static str,
                       context: String| {
        let u = units.get();
        let (value, text) = match r {
            None => (String::new(), String::new()),
            Some(Reverse::Fits { value, total }) => (
                value.to_string(),
                format!(
                    "{what}: {} (needs {} of {}).",
                    group_digits(value),
                    format_bytes(total, u),
                    format_bytes(memory, u)
                ),
            ),
            Some(Reverse::Nothing { total_at_one }) => (
                "0".to_string(),
                format!(
                    "{what}: none — even one needs {}, more than {}.",
                    if total_at_one == u64::MAX {
                        "more than 16 EiB".to_string()
                    } else {
                        format_bytes(total_at_one, u)
                    },
                    format_bytes(memory, u)
                ),
            ),
            Some(Reverse::Unbounded { limit }) => (
                limit.to_string(),
                format!(
                    "{what}: at least {} — the limit of the model or of headroom.",
                    group_digits(limit)
                ),
            ),
        };
        let empty = text.is_empty();
        view! {
            <div class:hidden=empty>
                <p data-testid=testid data-value=value>{text}</p>
                <p class="hint">{context}</p>
            </div>
        }
    };
    // Only the answers, not the whole result.
    let answers = move || {
        outcome.with(|o| {
            o.result
                .as_ref()
                .map(|r| (r.max_context.clone(), r.max_sequences.clone(), r.memory))
        })
    };
    view! {
        <div class="card reverse" data-testid="tf-reverse">
            <h2>"What fits in a given GPU"</h2>
            <TextField id="tf-memory" label="Memory per GPU" unit="GiB" inputmode="decimal" value=mem on_input=set_mem error=mem_e hint="e.g. 80 for an H100 80GB, 19.62 for an H100 2g.20gb MIG slice."/>
            {move || {
                answers().map(|(max_context, max_sequences, memory)| {
                    let (seqs, ctx) = form.with(|f| (f.sequences.clone(), f.context.clone()));
                    view! {
                        {answer(max_context, memory, "Longest context", "tf-max-context", format!("with {seqs} concurrent sequences"))}
                        {answer(max_sequences, memory, "Most concurrent sequences", "tf-max-sequences", format!("at {ctx} tokens each"))}
                    }
                })
            }}
        </div>
    }
}

#[component]
fn ParamTable(result: TransformerResult, units: RwSignal<ByteUnits>) -> impl IntoView {
    let p = result.params;
    let a = result.arch;
    let mut rows: Vec<(&str, &str, u64)> = vec![
        ("Token embedding", "embedding", p.token_embedding),
        (
            match a.kind {
                ModelKind::Vision => "Patch projection, class token, positions",
                _ => "Position and token-type embeddings, embedding norm",
            },
            "other_embeddings",
            p.other_embeddings,
        ),
        ("Attention (all layers)", "attention", p.attention()),
        (
            if a.moe.is_some() {
                "FFN and experts (all layers)"
            } else {
                "FFN (all layers)"
            },
            "ffn",
            p.ffn(),
        ),
        ("Norms and biases", "norms", p.norms_and_biases()),
        ("Output head (untied)", "head", p.output_head),
        ("Pooler / classifier", "task_head", p.task_head),
    ];
    rows.retain(|r| r.2 > 0);
    let total = p.total;
    let active = p.active;
    let trainable = result.trainable;
    let kv = result.kv_per_token;
    view! {
        <div class="card params" data-testid="tf-params">
            <h2>"Parameters"</h2>
            <table>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(label, id, n)| view! {
                            <tr>
                                <td>{label}</td>
                                <td class="num" data-testid=format!("tf-params-{id}")>{group_digits(n)}</td>
                                <td class="num">{format_share(n, total)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <td>"Total"</td>
                        <td class="num" data-testid="tf-params-total">{group_digits(total)}</td>
                        <td class="num">"100 %"</td>
                    </tr>
                </tfoot>
            </table>
            <dl class="facts">
                {(active != total).then(|| view! {
                    <dt>"Active per token"</dt>
                    <dd data-testid="tf-params-active">{group_digits(active)}" ("{format_share(active, total)}")"</dd>
                })}
                {(trainable > 0 && trainable != total).then(|| view! {
                    <dt>"Trainable (adapters)"</dt>
                    <dd data-testid="tf-params-trainable">{group_digits(trainable)}" ("{format_share(trainable, total)}")"</dd>
                })}
                <dt>"Attention"</dt>
                <dd>{a.attention_label()}</dd>
                {(kv > 0).then(|| view! {
                    <dt>"KV cache per token"</dt>
                    <dd data-testid="tf-kv-per-token" data-bytes=kv.to_string()>{move || format!("{} ({})", format_bytes(kv, units.get()), format_bytes_exact(kv))}</dd>
                })}
            </dl>
            <p class="hint">
                "Counted as Hugging Face's num_parameters() counts them: every weight and bias, embeddings once when tied, the untied output head included."
            </p>
        </div>
    }
}
