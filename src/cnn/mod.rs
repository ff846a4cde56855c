//! The CNN memory page: inputs on the left, the memory estimate on the right.

mod layers;

use leptos::prelude::*;
use sizing::Precision;
use sizing::cnn::form::{CnnForm, CnnOutcome, evaluate};
use sizing::cnn::{Mode, Optimizer, Preset, text};

use crate::app::{use_cnn_form, use_units};
use crate::fits::FitsPanel;
use crate::memory_card::{MemoryCard, NoEstimate};
use crate::widgets::{Choice, TextField};
use layers::LayerTable;
use sizing::report::{Memory, cnn_headline, network_name};

/// The id the preset picker shows when the layer list matches no preset.
const CUSTOM: &str = "custom";

#[component]
pub fn CnnPage() -> impl IntoView {
    let form = use_cnn_form();
    let units = use_units();
    let outcome: Memo<CnnOutcome> = Memo::new(move |_| form.with(evaluate));
    let preset = Memo::new(move |_| form.with(CnnForm::matching_preset));

    // A text field bound to one member of the form.
    macro_rules! field {
        ($member:ident) => {
            (
                Signal::derive(move || form.with(|f| f.$member.clone())),
                Callback::new(move |v: String| form.update(|f| f.$member = v)),
                Signal::derive(move || outcome.with(|o| o.errors.$member.clone())),
            )
        };
    }
    let (height, set_height, height_error) = field!(height);
    let (width, set_width, width_error) = field!(width);
    let (channels, set_channels, channels_error) = field!(channels);
    let (batch, set_batch, batch_error) = field!(batch);
    let overhead = Signal::derive(move || form.with(|f| f.overhead_mib.clone()));
    let set_overhead = Callback::new(move |v: String| form.update(|f| f.overhead_mib = v));
    let overhead_error = Signal::derive(move || outcome.with(|o| o.errors.overhead.clone()));
    let image_error = Signal::derive(move || outcome.with(|o| o.errors.image.clone()));

    let mut preset_options: Vec<(&'static str, String)> = Preset::ALL
        .iter()
        .map(|p| (p.id(), p.name().to_string()))
        .collect();
    preset_options.push((CUSTOM, "Custom (edited layer list)".to_string()));
    let preset_value = Signal::derive(move || preset.get().map_or(CUSTOM, Preset::id).to_string());
    let choose_preset = Callback::new(move |id: String| {
        if let Some(p) = Preset::from_id(&id) {
            form.update(|f| f.layers = text::render(&p.network()));
        }
    });
    let preset_source = Signal::derive(move || {
        preset.get().map_or_else(
            || "Your own layer list: edit it below.".to_string(),
            |p| p.source().to_string(),
        )
    });

    let precision_options = Precision::ALL
        .iter()
        .map(|p| {
            (
                p.id(),
                format!("{} — {} per value", p.name(), p.bytes_per_value_label()),
            )
        })
        .collect();
    let precision_value = Signal::derive(move || form.with(|f| f.precision.id().to_string()));
    let set_precision = Callback::new(move |id: String| {
        if let Some(p) = Precision::from_id(&id) {
            form.update(|f| f.precision = p);
        }
    });
    let precision_hint = Signal::derive(move || form.with(|f| f.precision.info().note.to_string()));

    let optimizer_options: Vec<(&str, String)> = Optimizer::ALL
        .iter()
        .map(|o| {
            let label = match o.states_per_param() {
                0 => format!("{} — no state", o.label()),
                1 => format!("{} — 1 value per parameter", o.label()),
                n => format!("{} — {n} values per parameter", o.label()),
            };
            (o.id(), label)
        })
        .collect();
    let optimizer_value = Signal::derive(move || form.with(|f| f.optimizer.id().to_string()));
    let set_optimizer = Callback::new(move |id: String| {
        if let Some(o) = Optimizer::from_id(&id) {
            form.update(|f| f.optimizer = o);
        }
    });
    let optimizer_hint =
        Signal::derive(move || form.with(|f| format!("Keeps {}.", f.optimizer.state_names())));

    let training = move || form.with(|f| f.mode == Mode::Training);
    let narrow = move || form.with(|f| f.precision.narrower_than_fp32());
    let layers_error = move || outcome.with(|o| o.errors.layers.clone());
    let demand =
        Signal::derive(move || outcome.with(|o| o.result.as_ref().map(|r| r.estimate.demand())));

    view! {
        <section class="inputs" aria-label="Workload">
            <h2>"Workload"</h2>
            <Choice
                id="preset"
                label="Network"
                options=preset_options
                value=preset_value
                on_change=choose_preset
                hint=preset_source
            />
            <fieldset class="image">
                <legend>"Input image"</legend>
                <div class="trio">
                    <TextField id="height" label="Height" unit="px" value=height on_input=set_height error=height_error/>
                    <TextField id="width" label="Width" unit="px" value=width on_input=set_width error=width_error/>
                    <TextField id="channels" label="Channels" value=channels on_input=set_channels error=channels_error/>
                </div>
                <p class="error" data-testid="image-error" role="alert">{move || image_error.get().unwrap_or_default()}</p>
            </fieldset>
            <TextField
                id="batch"
                label="Batch size"
                unit="images"
                value=batch
                on_input=set_batch
                error=batch_error
                hint="Training: the article recommends 1–32. Inference: 1–4."
            />
            <fieldset class="mode">
                <legend>"Mode"</legend>
                <div class="segmented" role="radiogroup">
                    {Mode::ALL
                        .into_iter()
                        .map(|m| {
                            view! {
                                <label class:selected=move || form.with(|f| f.mode == m)>
                                    <input
                                        type="radio"
                                        name="mode"
                                        data-testid=format!("mode-{}", m.id())
                                        prop:checked=move || form.with(|f| f.mode == m)
                                        on:change=move |_| form.update(|f| f.mode = m)
                                    />
                                    {m.label()}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <Choice
                id="precision"
                label="Precision"
                options=precision_options
                value=precision_value
                on_change=set_precision
                hint=precision_hint
            />
            <Show when=training>
                <Choice
                    id="optimizer"
                    label="Optimizer"
                    options=optimizer_options.clone()
                    value=optimizer_value
                    on_change=set_optimizer
                    hint=optimizer_hint
                />
                <Show when=narrow>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="mixed-precision"
                            prop:checked=move || form.with(|f| f.mixed_precision)
                            on:change:target=move |ev| {
                                let on = ev.target().checked();
                                form.update(|f| f.mixed_precision = on)
                            }
                        />
                        "Mixed precision: FP32 master weights and optimizer state"
                    </label>
                </Show>
            </Show>
            <TextField
                id="overhead"
                label="Runtime overhead"
                unit="MiB"
                inputmode="decimal"
                value=overhead
                on_input=set_overhead
                error=overhead_error
                hint="CUDA context, framework and library workspaces; other estimators assume 377–1,000 MiB."
            />
            <div class="field layers-field" class:invalid=move || layers_error().is_some()>
                <label for="layers">"Layer list"</label>
                <textarea
                    id="layers"
                    data-testid="layers"
                    rows="14"
                    spellcheck="false"
                    autocomplete="off"
                    wrap="off"
                    aria-describedby="layers-error"
                    prop:value=move || form.with(|f| f.layers.clone())
                    on:input:target=move |ev| {
                        let v = ev.target().value();
                        form.update(|f| f.layers = v)
                    }
                ></textarea>
                <p class="error" id="layers-error" data-testid="layers-error" role="alert">
                    {move || {
                        layers_error()
                            .map(|e| match e.line {
                                Some(line) => format!("Line {line}: {}", e.message),
                                None => e.message,
                            })
                            .unwrap_or_default()
                    }}
                </p>
                <details class="syntax">
                    <summary>"Layer list syntax"</summary>
                    <pre>{SYNTAX_HELP}</pre>
                </details>
            </div>
        </section>
        <section class="results" aria-label="Memory">
            {move || {
                outcome
                    .with(|o| o.result.clone())
                    .map(|r| {
                        let headline = cnn_headline(&r, network_name(preset.get()));
                        view! {
                            <MemoryCard memory=Memory::from(&r.estimate) title="Memory" headline=headline prefix="" units=units/>
                        }
                            .into_any()
                    })
                    .unwrap_or_else(|| view! { <NoEstimate testid="no-result"/> }.into_any())
            }}
            // Mounted once, so its own settings survive every change of the workload.
            <FitsPanel demand=demand form=crate::state::shared().cnn_fit/>
            {move || outcome.with(|o| o.result.clone()).map(|r| view! { <LayerTable result=r units=units/> })}
        </section>
    }
}

const SYNTAX_HELP: &str = "\
One layer per line:   name: type arguments options
conv FILTERS KxK      options stride= pad= groups= bias=no
maxpool KxK           avgpool KxK; stride defaults to the window
gap                   global average pool (H×W×C → 1×1×C)
adaptiveavgpool HxW   average to a fixed size
flatten               H×W×C → vector (no extra memory)
fc UNITS              fully connected; bias=no to drop biases
bn                    batch normalization
add OTHER             residual add of this input and OTHER
from=NAME             read NAME's output instead of the line above
                      (input is the image); # starts a comment";
