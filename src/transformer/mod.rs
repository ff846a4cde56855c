//! The transformer page: pick a model from the zoo or paste its config.json, edit
//! the architecture, describe the workload (serving, training, LoRA/QLoRA), and
//! see the memory per GPU term by term, the reverse questions and what fits.

mod curves;
mod model;
mod results;

use leptos::prelude::*;
use sizing::transformer::form::{ArchFields, Mode, TransformerForm};
use sizing::transformer::size as rules;
use sizing::transformer::training::{
    MethodKind, Offload, Recipe, Recompute, Schedule, TrainOptimizer, ZeroAccounting,
};
use sizing::transformer::{KvFormat, ServingEngine, WeightFormat};
use sizing::units::group_digits;

use crate::bind::{Bind, ChoiceBinding};
use crate::deploy_card::DeployCard;
use crate::fits::FitsPanel;
use crate::memory_card::PageMemory;
use crate::speed_card::{Kind, SpeedCard};
use crate::state::{InputsStoreFields, Shared};
use crate::widgets::{BelowFold, Check, Choice, Segmented, TextField, options};
use crate::{choice, flag, text};
use model::{ConfigImport, ModelPicker};
use results::{ParamTable, ReverseCard};

type Form = Bind<TransformerForm>;

#[component]
pub fn TransformerPage() -> impl IntoView {
    let shared = Shared::expect();
    let sizing = shared.tf.first;
    let form: Form = Bind::new(shared.inputs.tf(), sizing);
    // The cards below the memory card follow a keystroke one frame later.
    let later = shared.tf.whole;
    let units = shared.units();
    let training = move || form.with(|f| f.mode == Mode::Training);
    let generates = sizing.part(|r| {
        r.transformer
            .as_ref()
            .is_none_or(|t| t.arch.kind.generates())
    });
    let kind = Signal::derive(move || {
        if training() {
            Kind::Training
        } else if generates.get().unwrap_or(true) {
            Kind::Serving
        } else {
            Kind::Forward
        }
    });

    view! {
        <section class="inputs" aria-label="Model and workload">
            <ModelPicker form=form/>
            <Segmented
                legend="Workload"
                name="tf-mode"
                options=vec![("inference", "Inference"), ("training", "Training / fine-tuning")]
                field=choice!(form, mode, Mode)
            />
            <Show when=move || !training() fallback=move || view! { <TrainingInputs form=form/> }>
                <InferenceInputs form=form/>
            </Show>
            // Closed at the foot of the inputs: built just after the first frame.
            <BelowFold>
                <ArchEditor form=form/>
                <ConfigImport form=form/>
            </BelowFold>
        </section>
        <section class="results" aria-label="Memory">
            <PageMemory sizing=sizing title="Memory per GPU" prefix="tf-" units=units/>
            // Built once just after the frame that shows the memory card (the whole
            // report is worked out for them then), and mounted once, so their own
            // settings survive every change of the workload.
            <BelowFold>
                <FitsPanel bind=Bind::new(shared.inputs.tf_fit(), later) prefix="tf-"/>
                <SpeedCard
                    bind=Bind::new(shared.inputs.tf_speed(), later)
                    kind=kind
                    gpus=text!(form, rules::DATA_PARALLEL, data_parallel)
                    prefix="tf-"
                    units=units
                />
                <DeployCard bind=Bind::new(shared.inputs.tf_fit(), later) prefix="tf-"/>
                <ReverseCard form=Bind::new(shared.inputs.tf(), later) units=units/>
                <ParamTable sizing=later units=units/>
            </BelowFold>
        </section>
    }
}

#[component]
fn ArchEditor(form: Form) -> impl IntoView {
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
                <TextField id="tf-layers" label="Layers" field=text!(form, rules::LAYERS, arch.layers)/>
                <TextField id="tf-hidden" label="Hidden size" field=text!(form, rules::HIDDEN, arch.hidden)/>
                <TextField id="tf-ffn" label="FFN size" field=text!(form, rules::FFN, arch.ffn)/>
                <TextField id="tf-heads" label="Attention heads" field=text!(form, rules::HEADS, arch.heads)/>
                <TextField id="tf-kv-heads" label="KV heads" field=text!(form, rules::KV_HEADS, arch.kv_heads)/>
                <TextField id="tf-head-dim" label="Head dim" field=text!(form, rules::HEAD_DIM, arch.head_dim)/>
                <TextField id="tf-vocab" label="Vocabulary" field=text!(form, rules::VOCAB, arch.vocab)/>
                <TextField id="tf-max-positions" label="Max positions" field=text!(form, rules::MAX_POSITIONS, arch.max_positions)/>
            </div>
            <Show when=moe>
                <div class="trio">
                    <TextField id="tf-experts" label="Experts" field=text!(form, rules::EXPERTS, arch.experts)/>
                    <TextField id="tf-experts-per-token" label="Per token" field=text!(form, rules::EXPERTS_PER_TOKEN, arch.experts_per_token)/>
                    <TextField id="tf-expert-ffn" label="Expert FFN" field=text!(form, rules::EXPERT_FFN, arch.expert_ffn)/>
                </div>
            </Show>
            <Check testid="tf-gated" label="Gated FFN (SwiGLU/GeGLU: three matrices)" field=flag!(form, arch.gated)/>
            <Check testid="tf-tied" label="Output head tied to the token embedding" field=flag!(form, arch.tied)/>
            <button
                type="button"
                class="link"
                data-testid="tf-arch-reset"
                class:hidden=move || !form.with(TransformerForm::edited)
                on:click=move |_| form.update(|f| f.arch = ArchFields::of(&f.base))
            >
                "Undo edits"
            </button>
        </details>
    }
}

#[component]
fn InferenceInputs(form: Form) -> impl IntoView {
    let shared = Shared::expect();
    // Choosing an engine sets its default fraction and the speed model's engine.
    let engine_field: ChoiceBinding = (
        Signal::derive(move || form.with(|f| f.engine.id().to_string())),
        Callback::new(move |v: String| {
            if let Some(e) = ServingEngine::from_id(&v) {
                form.update(|f| {
                    f.engine = e;
                    f.utilization = String::new();
                });
                if let Some(speed) = e.efficiency() {
                    shared.inputs.tf_speed().update(|s| s.engine = speed);
                }
            }
        }),
    );
    let engine_hint = Signal::derive(move || form.with(|f| f.engine.rule().to_string()));
    let weights_hint = Signal::derive(move || form.with(|f| f.weights.note().to_string()));
    let generates = move || form.with(|f| f.base.kind.generates());
    let quantized = move || form.with(|f| f.weights.is_quantized() && !f.weights.is_gguf());
    let windowed = move || form.with(|f| f.base.window.is_some());
    let kv_error = form.sizing.error(rules::KV_PATH);
    let weights_error = form.sizing.error(rules::WEIGHTS_PATH);
    view! {
        <Choice
            id="tf-weights"
            label="Weight format"
            options=options(&WeightFormat::ALL, WeightFormat::id, WeightFormat::label)
            field=choice!(form, weights, WeightFormat)
            hint=weights_hint
            error=weights_error
        />
        <Show when=quantized>
            <Check testid="tf-quantize-embeddings" label="Quantize the embeddings and output head too" field=flag!(form, quantize_embeddings)/>
        </Show>
        <Show when=generates>
            <Choice id="tf-kv" label="KV-cache format" options=options(&KvFormat::ALL, KvFormat::id, KvFormat::label) field=choice!(form, kv, KvFormat) error=kv_error/>
        </Show>
        <div class="duo">
            <TextField id="tf-sequences" label="Concurrent sequences" unit="users" field=text!(form, rules::SEQUENCES, sequences) hint="Users served at once, or the batch."/>
            <TextField id="tf-context" label="Context per sequence" unit="tokens" field=text!(form, rules::CONTEXT, context) hint="Prompt + generated tokens. 8k = 8,192."/>
        </div>
        <div class="duo">
            <TextField id="tf-tp" label="Tensor parallel" unit="GPUs" field=text!(form, rules::TENSOR_PARALLEL, tensor_parallel) hint="Figures are per GPU."/>
            <TextField id="tf-chunk" label="Prefill budget" unit="tokens" field=text!(form, rules::PREFILL_CHUNK, prefill_chunk) hint="Tokens per forward pass. Empty for the engine's default: llama.cpp's n_ubatch of 512, 8,192 for the others."/>
        </div>
        <Choice id="tf-engine" label="Serving engine" options=options(&ServingEngine::ALL, ServingEngine::id, ServingEngine::label) field=engine_field hint=engine_hint/>
        <Check testid="tf-flash" label="FlashAttention (no attention-score matrix)" field=flag!(form, flash_attention)/>
        <Show when=windowed>
            <Check testid="tf-window-cache" label="Engine frees keys and values outside the sliding window" field=flag!(form, window_cache)/>
        </Show>
        <div class="duo">
            <TextField id="tf-overhead" label="Runtime overhead" unit="MiB" inputmode="decimal" field=text!(form, rules::OVERHEAD_MIB, overhead_mib) hint="CUDA context, libraries, CUDA graphs. Empty for the engine's default: vLLM's non-torch memory (256 MiB at tensor parallel 1, 2.1–2.2 GiB above over NVLink; about 300 MiB over PCIe), 1,024 MiB otherwise."/>
            <TextField id="tf-utilization" label="Engine memory fraction" inputmode="decimal" field=text!(form, rules::UTILIZATION, utilization) hint="Empty for the engine's default: vLLM gpu_memory_utilization 0.9, SGLang mem_fraction_static by the GPU's size (0.835 on an 80 GB H100), TensorRT-LLM free_gpu_memory_fraction 0.9, TGI 0.9; none for llama.cpp and Transformers."/>
        </div>
    }
}

/// ZeRO stages by their number.
fn zero_id(z: u8) -> &'static str {
    ["0", "1", "2", "3"]
        .get(usize::from(z))
        .copied()
        .unwrap_or("0")
}

#[component]
fn TrainingInputs(form: Form) -> impl IntoView {
    let offload_error = form.sizing.error(rules::OFFLOAD);
    let accounting_error = form.sizing.error(rules::ZERO_ACCOUNTING);
    let zero_options = vec![
        ("0", "None — every GPU holds all model states".to_string()),
        ("1", "ZeRO-1 — shard optimizer state".to_string()),
        ("2", "ZeRO-2 — + gradients".to_string()),
        ("3", "ZeRO-3 / FSDP full shard — + weights".to_string()),
    ];
    let zero = form.choice(
        |f| f.zero_stage,
        |f, v| f.zero_stage = v,
        zero_id,
        |id| id.parse::<u8>().ok().filter(|z| *z <= 3),
    );
    let method = form.choice(
        |f| f.method,
        TransformerForm::set_method,
        MethodKind::id,
        MethodKind::from_id,
    );
    let recompute_hint =
        Signal::derive(move || form.with(|f| f.method.recompute_hint().to_string()));
    let targets_e = form.sizing.error(rules::LORA_TARGETS);
    let adapters = move || form.with(|f| f.method != MethodKind::Full);
    let qlora = move || form.with(|f| f.method == MethodKind::Qlora);
    view! {
        <Choice id="tf-method" label="Method" options=options(&MethodKind::ALL, MethodKind::id, MethodKind::label) field=method/>
        <Show when=adapters>
            <TextField id="tf-lora-rank" label="LoRA rank" field=text!(form, rules::LORA_RANK, lora_rank)/>
            <fieldset class="targets" aria-describedby="tf-lora-targets-error">
                <legend>"Adapted projections"</legend>
                <Check testid="tf-lora-q" label="q" class="" field=flag!(form, lora_targets.q)/>
                <Check testid="tf-lora-k" label="k" class="" field=flag!(form, lora_targets.k)/>
                <Check testid="tf-lora-v" label="v" class="" field=flag!(form, lora_targets.v)/>
                <Check testid="tf-lora-o" label="o" class="" field=flag!(form, lora_targets.o)/>
                <Check testid="tf-lora-ffn" label="FFN" class="" field=flag!(form, lora_targets.ffn)/>
                <p class="error" id="tf-lora-targets-error" data-testid="tf-lora-targets-error" role="alert">
                    {move || targets_e.get().unwrap_or_default()}
                </p>
            </fieldset>
            <Show when=qlora>
                <Check testid="tf-double-quant" label="Double quantization (4.127 instead of 4.5 bits)" field=flag!(form, double_quant)/>
            </Show>
        </Show>
        <Choice id="tf-recipe" label="Precision recipe" options=options(&Recipe::ALL, Recipe::id, Recipe::label) field=choice!(form, recipe, Recipe)/>
        <Choice id="tf-optimizer" label="Optimizer" options=options(&TrainOptimizer::ALL, TrainOptimizer::id, TrainOptimizer::label) field=choice!(form, optimizer, TrainOptimizer)/>
        <div class="duo">
            <TextField id="tf-micro-batch" label="Micro-batch" unit="sequences" field=text!(form, rules::MICRO_BATCH, micro_batch)/>
            <TextField id="tf-context" label="Sequence length" unit="tokens" field=text!(form, rules::CONTEXT, context)/>
        </div>
        <Choice id="tf-recompute" label="Activation recomputation" options=options(&Recompute::ALL, Recompute::id, Recompute::label) field=choice!(form, recompute, Recompute) hint=recompute_hint/>
        <Check testid="tf-flash" label="FlashAttention (no attention-score matrix)" field=flag!(form, flash_attention)/>
        <fieldset class="parallel">
            <legend>"Parallelism (figures are per GPU)"</legend>
            <div class="duo">
                <TextField id="tf-dp" label="Data parallel" unit="GPUs" field=text!(form, rules::DATA_PARALLEL, data_parallel)/>
                <Choice id="tf-zero" label="Sharding" options=zero_options field=zero/>
                <TextField id="tf-tp" label="Tensor parallel" unit="GPUs" field=text!(form, rules::TENSOR_PARALLEL, tensor_parallel)/>
                <TextField id="tf-pp" label="Pipeline stages" field=text!(form, rules::PIPELINE_PARALLEL, pipeline_parallel)/>
                <TextField id="tf-micro-batches" label="Micro-batches per step" field=text!(form, rules::MICRO_BATCHES, micro_batches)/>
            </div>
            <Show when=move || form.with(|f| f.pipeline_parallel.trim() != "1")>
                <div class="duo">
                    <Choice id="tf-schedule" label="Pipeline schedule" options=options(&Schedule::ALL, Schedule::id, Schedule::label) field=choice!(form, pipeline_schedule, Schedule)/>
                    <Show when=move || form.with(|f| f.pipeline_schedule == Schedule::Interleaved)>
                        <TextField id="tf-virtual-stages" label="Chunks per GPU" field=text!(form, rules::VIRTUAL_STAGES, virtual_stages) hint="Megatron-LM's virtual pipeline stages."/>
                    </Show>
                </div>
            </Show>
            <Check testid="tf-sp" label="Sequence parallelism (with tensor parallelism)" field=flag!(form, sequence_parallel)/>
            <Choice id="tf-offload" label="DeepSpeed offload" options=options(&Offload::ALL, Offload::id, Offload::label) field=choice!(form, offload, Offload)/>
            <p class="error" data-testid="tf-offload-error" role="alert">{move || offload_error.get().unwrap_or_default()}</p>
            <Choice
                id="tf-zero-accounting"
                label="ZeRO accounting"
                options=options(&ZeroAccounting::ALL, ZeroAccounting::id, ZeroAccounting::label)
                field=choice!(form, zero_accounting, ZeroAccounting)
                hint=Signal::stored("DeepSpeed's estimator keeps the 16-bit weights and gradients whole under ZeRO-2 (4P + 16P/N) and adds the largest layer under ZeRO-3 (18P/N + 4 × largest).".to_string())
            />
            <p class="error" data-testid="tf-zero-accounting-error" role="alert">{move || accounting_error.get().unwrap_or_default()}</p>
        </fieldset>
        <TextField id="tf-overhead" label="Runtime overhead" unit="MiB" inputmode="decimal" field=text!(form, rules::OVERHEAD_MIB, overhead_mib) hint="CUDA context, libraries, communication buffers. Empty for 1,024 MiB."/>
    }
}
