//! The CNN memory page: inputs on the left, the memory estimate on the right.

mod batch;
mod layers;

use leptos::prelude::*;
use sizing::Precision;
use sizing::cnn::form::CnnForm;
use sizing::cnn::size as rules;
use sizing::cnn::{Mode, Optimizer, Preset, text};

use crate::bind::Bind;
use crate::deploy_card::DeployCard;
use crate::fits::FitsPanel;
use crate::memory_card::PageMemory;
use crate::speed_card::{Kind, SpeedCard};
use crate::state::{InputsStoreFields, Shared};
use crate::widgets::{BelowFold, Check, Choice, Segmented, TextField};
use crate::{choice, flag, text};
use batch::BatchCard;
use layers::LayerTable;
use sizing::speed::form::GPUS;

/// The id the preset picker shows when the layer list matches no preset.
const CUSTOM: &str = "custom";

#[component]
pub fn CnnPage() -> impl IntoView {
    let shared = Shared::expect();
    let sizing = shared.cnn.first;
    let form = Bind::new(shared.inputs.cnn(), sizing);
    // The cards below the memory card follow a keystroke one frame later.
    let later = shared.cnn.whole;
    let speed = Bind::new(shared.inputs.cnn_speed(), later);
    let units = shared.units();
    let preset = Memo::new(move |_| form.with(CnnForm::matching_preset));
    let image_error = sizing.error(rules::IMAGE);
    let (layers, set_layers, _, _) = text!(form, rules::LAYERS, layers);
    // A bundled network's problems are reported on the network, a layer list's on the list.
    let (preset_error, list_error) = (sizing.error(rules::NETWORK), sizing.error(rules::LAYERS));
    let layers_error = Signal::derive(move || preset_error.get().or_else(|| list_error.get()));

    let mut preset_options: Vec<(&'static str, String)> = Preset::ALL
        .iter()
        .map(|p| (p.id(), p.name().to_string()))
        .collect();
    preset_options.push((CUSTOM, "Custom (edit the layer list)".to_string()));
    let choose_preset = (
        Signal::derive(move || preset.get().map_or(CUSTOM, Preset::id).to_string()),
        Callback::new(move |id: String| {
            if let Some(p) = Preset::from_id(&id) {
                form.update(|f| f.layers = text::render(&p.network()));
            } else {
                // Custom: a list equal to a bundled network's is that network,
                // so the list stays on it until a layer is edited; the layer
                // list takes the keyboard for that.
                crate::browser::focus::focus("cnn-layers");
            }
        }),
    );
    let preset_source = Signal::derive(move || {
        preset.get().map_or_else(
            || "Your own layer list: edit it below.".to_string(),
            |p| p.source().to_string(),
        )
    });

    let precision_options: Vec<(&str, String)> = Precision::ALL
        .iter()
        .map(|p| {
            (
                p.id(),
                format!("{} — {} per value", p.name(), p.bytes_per_value_label()),
            )
        })
        .collect();
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
    let optimizer_hint =
        Signal::derive(move || form.with(|f| format!("Keeps {}.", f.optimizer.state_names())));

    let training = move || form.with(|f| f.mode == Mode::Training);
    let narrow = move || form.with(|f| f.precision.narrower_than_fp32());

    view! {
        <section class="inputs" aria-label="Workload">
            <h2>"Workload"</h2>
            <Choice
                id="cnn-preset"
                label="Network"
                options=preset_options
                field=choose_preset
                hint=preset_source
            />
            <fieldset class="image">
                <legend>"Input image"</legend>
                <div class="trio">
                    <TextField id="cnn-height" label="Height" unit="px" field=text!(form, rules::HEIGHT, height)/>
                    <TextField id="cnn-width" label="Width" unit="px" field=text!(form, rules::WIDTH, width)/>
                    <TextField id="cnn-channels" label="Channels" field=text!(form, rules::CHANNELS, channels)/>
                </div>
                <p class="error" data-testid="cnn-image-error" role="alert">{move || image_error.get().unwrap_or_default()}</p>
            </fieldset>
            <TextField
                id="cnn-batch"
                label="Batch size"
                unit="images"
                field=text!(form, rules::BATCH, batch)
                hint="Images one GPU takes per step (each data-parallel GPU takes as many). A batch no single GPU holds is split over several: Fits says how. Training: the article recommends 1–32. Inference: 1–4."
            />
            <Segmented
                legend="Mode"
                name="cnn-mode"
                options=Mode::ALL.map(|m| (m.id(), m.label())).to_vec()
                field=choice!(form, mode, Mode)
            />
            <Choice
                id="cnn-precision"
                label="Precision"
                options=precision_options
                field=choice!(form, precision, Precision)
                hint=precision_hint
            />
            <Show when=training>
                <Choice
                    id="cnn-optimizer"
                    label="Optimizer"
                    options=optimizer_options.clone()
                    field=choice!(form, optimizer, Optimizer)
                    hint=optimizer_hint
                />
                <Show when=narrow>
                    <Check testid="cnn-mixed-precision" label="Mixed precision: FP32 master weights and optimizer state" field=flag!(form, mixed_precision)/>
                </Show>
            </Show>
            <TextField
                id="cnn-overhead"
                label="Runtime overhead"
                unit="MiB"
                inputmode="decimal"
                field=text!(form, rules::OVERHEAD_MIB, overhead_mib)
                hint="CUDA context, framework and library workspaces; other estimators assume 377–1,000 MiB."
            />
            <div class="field layers-field" class:invalid=move || layers_error.with(Option::is_some)>
                <label for="cnn-layers">"Layer list"</label>
                <textarea
                    id="cnn-layers"
                    data-testid="cnn-layers"
                    rows="14"
                    spellcheck="false"
                    autocomplete="off"
                    wrap="off"
                    aria-describedby="cnn-layers-error"
                    aria-invalid=move || if layers_error.with(Option::is_some) { "true" } else { "false" }
                    prop:value=move || layers.get()
                    on:input:target=move |ev| set_layers.run(ev.target().value())
                ></textarea>
                <p class="error" id="cnn-layers-error" data-testid="cnn-layers-error" role="alert">
                    {move || layers_error.get().unwrap_or_default()}
                </p>
                <details class="syntax">
                    <summary>"Layer list syntax"</summary>
                    <pre tabindex="0" role="region" aria-label="Layer list syntax">{SYNTAX_HELP}</pre>
                </details>
            </div>
        </section>
        <section class="results" aria-label="Memory">
            <PageMemory sizing=sizing title="Memory per GPU" prefix="cnn-" units=units/>
            // Built once just after the frame that shows the memory card (the whole
            // report is worked out for them then), and mounted once, so their own
            // settings survive every change of the workload.
            <BelowFold>
                <FitsPanel bind=Bind::new(shared.inputs.cnn_fit(), later) prefix="cnn-"/>
                <SpeedCard
                    bind=speed
                    kind=Signal::derive(move || if form.with(|f| f.mode == Mode::Training) { Kind::Training } else { Kind::Forward })
                    gpus=text!(speed, GPUS, gpus)
                    prefix="cnn-"
                    units=units
                />
                <DeployCard bind=Bind::new(shared.inputs.cnn_fit(), later) prefix="cnn-"/>
                <BatchCard form=Bind::new(shared.inputs.cnn(), later) units=units/>
                <LayerTable sizing=later units=units/>
            </BelowFold>
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
