//! Training and fine-tuning memory per GPU: model states by precision recipe and
//! optimizer, sharded by ZeRO / FSDP and split by tensor and pipeline parallelism;
//! activations after Korthikanti et al. (2022) with FlashAttention, selective and
//! full recomputation; LoRA and QLoRA.

use serde::{Deserialize, Serialize};

use super::arch::{Architecture, FfnKind, ModelKind, ParamCount};
use super::memory::{
    Estimate, EstimateError, GIB, MAX_CONTEXT, Reverse, Term, TermKind, largest_fitting, to_bytes,
};
use super::quant::{WeightFormat, weight_bytes};
use crate::units::{count, group_digits as g};

/// Largest micro-batch accepted.
pub const MAX_MICRO_BATCH: u64 = 65_536;
/// Largest data-parallel, tensor-parallel or pipeline size accepted.
pub const MAX_PARALLEL: u32 = 65_536;

/// Where weights, gradients and optimizer state are kept, and in what format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipe {
    /// FP32 weights, gradients and optimizer state.
    Fp32,
    /// BF16/FP16 weights and gradients, FP32 master weights and optimizer state:
    /// 2 + 2 + 4 + 8 = 16 B per parameter with Adam (ZeRO paper, §3.1; DeepSpeed).
    Mixed16,
    /// As `Mixed16` with gradients accumulated in FP32: 2 + 4 + 4 + 8 = 18 B per
    /// parameter with Adam (Megatron-LM's `main_grad`, and its theoretical-memory estimator).
    Mixed18,
    /// BF16 weights, gradients and optimizer state, no master copy: 2 + 2 + 4 = 8 B
    /// with Adam. Cheaper, at a risk to convergence.
    #[serde(rename = "bf16")]
    PureBf16,
    /// BF16 weights and gradients, FP32 optimizer state, no master copy:
    /// 2 + 2 + 8 = 12 B per parameter with Adam — what the LoRA and QLoRA
    /// recipes of Hugging Face PEFT run (bf16 model, torch.optim.AdamW keeping
    /// its moments in FP32 when the trainable parameters are FP32 adapters).
    #[serde(rename = "bf16_fp32_states")]
    Bf16Fp32States,
}

impl Recipe {
    pub const ALL: [Recipe; 5] = [
        Recipe::Mixed16,
        Recipe::Mixed18,
        Recipe::Bf16Fp32States,
        Recipe::Fp32,
        Recipe::PureBf16,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Recipe::Fp32 => "fp32",
            Recipe::Mixed16 => "mixed16",
            Recipe::Mixed18 => "mixed18",
            Recipe::PureBf16 => "bf16",
            Recipe::Bf16Fp32States => "bf16_fp32_states",
        }
    }

    pub fn from_id(id: &str) -> Option<Recipe> {
        Recipe::ALL.into_iter().find(|r| r.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Recipe::Fp32 => "FP32 everything",
            Recipe::Mixed16 => {
                "Mixed precision, 16-bit gradients (DeepSpeed/ZeRO: 16 B/param with Adam)"
            }
            Recipe::Mixed18 => "Mixed precision, FP32 gradients (Megatron: 18 B/param with Adam)",
            Recipe::PureBf16 => "Pure BF16, no master weights (8 B/param with Adam)",
            Recipe::Bf16Fp32States => {
                "BF16 weights and gradients, FP32 Adam states, no master (12 B/param: PEFT, LoRA and QLoRA papers)"
            }
        }
    }

    /// Bytes per parameter: (weights, gradients, master weights).
    pub fn bytes(self) -> (u64, u64, u64) {
        match self {
            Recipe::Fp32 => (4, 4, 0),
            Recipe::Mixed16 => (2, 2, 4),
            Recipe::Mixed18 => (2, 4, 4),
            Recipe::PureBf16 | Recipe::Bf16Fp32States => (2, 2, 0),
        }
    }

    /// Bytes of one activation value.
    pub fn activation_bytes(self) -> u64 {
        match self {
            Recipe::Fp32 => 4,
            _ => 2,
        }
    }

    /// Bytes of one optimizer state value.
    fn state_bytes(self) -> u64 {
        match self {
            Recipe::PureBf16 => 2,
            _ => 4,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainOptimizer {
    Sgd,
    Momentum,
    /// Adam or AdamW: two moments per parameter.
    Adam,
    /// bitsandbytes 8-bit Adam: two 8-bit moments (block-wise scales not counted).
    Adam8bit,
}

impl TrainOptimizer {
    pub const ALL: [TrainOptimizer; 4] = [
        TrainOptimizer::Adam,
        TrainOptimizer::Adam8bit,
        TrainOptimizer::Momentum,
        TrainOptimizer::Sgd,
    ];

    pub fn id(self) -> &'static str {
        match self {
            TrainOptimizer::Sgd => "sgd",
            TrainOptimizer::Momentum => "momentum",
            TrainOptimizer::Adam => "adam",
            TrainOptimizer::Adam8bit => "adam8bit",
        }
    }

    pub fn from_id(id: &str) -> Option<TrainOptimizer> {
        TrainOptimizer::ALL.into_iter().find(|o| o.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            TrainOptimizer::Sgd => "SGD — no state",
            TrainOptimizer::Momentum => "SGD with momentum — 1 state",
            TrainOptimizer::Adam => "Adam / AdamW — 2 states",
            TrainOptimizer::Adam8bit => "8-bit Adam (bitsandbytes) — 2 × 1 B",
        }
    }

    /// Optimizer-state bytes per trainable parameter under `recipe`.
    pub fn bytes(self, recipe: Recipe) -> u64 {
        match self {
            TrainOptimizer::Sgd => 0,
            TrainOptimizer::Momentum => recipe.state_bytes(),
            TrainOptimizer::Adam => 2 * recipe.state_bytes(),
            TrainOptimizer::Adam8bit => 2,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recompute {
    /// Keep every activation for the backward pass.
    None,
    /// Recompute the attention scores (Korthikanti et al.: the 5·a·s/h term goes).
    Selective,
    /// Keep only each layer's input and recompute the layer in the backward pass.
    Full,
}

impl Recompute {
    pub const ALL: [Recompute; 3] = [Recompute::None, Recompute::Selective, Recompute::Full];

    pub fn id(self) -> &'static str {
        match self {
            Recompute::None => "none",
            Recompute::Selective => "selective",
            Recompute::Full => "full",
        }
    }

    pub fn from_id(id: &str) -> Option<Recompute> {
        Recompute::ALL.into_iter().find(|r| r.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Recompute::None => "None — keep all activations",
            Recompute::Selective => "Selective — recompute attention scores",
            Recompute::Full => "Full — keep layer inputs only",
        }
    }
}

/// Which parameters are trained, as the form and the scenario name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    Full,
    Lora,
    Qlora,
}

impl MethodKind {
    pub const ALL: [MethodKind; 3] = [MethodKind::Full, MethodKind::Lora, MethodKind::Qlora];

    pub fn id(self) -> &'static str {
        match self {
            MethodKind::Full => "full",
            MethodKind::Lora => "lora",
            MethodKind::Qlora => "qlora",
        }
    }

    pub fn from_id(id: &str) -> Option<MethodKind> {
        MethodKind::ALL.into_iter().find(|m| m.id() == id)
    }

    /// The activation recomputation the method's common recipes use. LoRA and
    /// QLoRA are trained with gradient checkpointing on: the QLoRA paper's
    /// scripts (artidoro/qlora `--gradient_checkpointing True`), Hugging Face
    /// PEFT's and TRL's QLoRA examples, and Unsloth's notebooks. Full training
    /// keeps every activation unless told otherwise.
    pub fn usual_recompute(self) -> Recompute {
        match self {
            MethodKind::Full => Recompute::None,
            MethodKind::Lora | MethodKind::Qlora => Recompute::Full,
        }
    }

    /// Why [`MethodKind::usual_recompute`] is what it is, for the field's hint.
    pub fn recompute_hint(self) -> &'static str {
        match self {
            MethodKind::Full => {
                "Full training keeps every activation by default; recomputation trades about a third more compute for memory."
            }
            MethodKind::Lora | MethodKind::Qlora => {
                "LoRA and QLoRA recipes (the QLoRA paper's scripts, PEFT, TRL, Unsloth) train with checkpointing, so it is on by default here."
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MethodKind::Full => "Full training / fine-tuning",
            MethodKind::Lora => "LoRA (frozen BF16 base)",
            MethodKind::Qlora => "QLoRA (frozen 4-bit NF4 base)",
        }
    }
}

/// Which parameters are trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method", deny_unknown_fields)]
pub enum Method {
    /// Every parameter.
    Full,
    /// Low-rank adapters on the chosen projections; the base stays frozen in BF16.
    Lora { rank: u64, targets: LoraTargets },
    /// LoRA on a base quantized to 4-bit NF4 (with double quantization).
    Qlora {
        rank: u64,
        targets: LoraTargets,
        double_quant: bool,
    },
}

/// The projections LoRA adapts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoraTargets {
    pub q: bool,
    pub k: bool,
    pub v: bool,
    pub o: bool,
    /// Gate, up and down projections of the FFN.
    pub ffn: bool,
}

impl LoraTargets {
    /// Every linear projection (QLoRA's recommendation).
    pub const ALL_LINEAR: LoraTargets = LoraTargets {
        q: true,
        k: true,
        v: true,
        o: true,
        ffn: true,
    };
    /// Query and value only (the LoRA paper's choice).
    pub const QV: LoraTargets = LoraTargets {
        q: true,
        k: false,
        v: true,
        o: false,
        ffn: false,
    };
}

/// What DeepSpeed moves to host memory (ZeRO-Offload, ZeRO-Infinity).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Offload {
    #[default]
    None,
    /// `offload_optimizer`: FP32 master weights and optimizer state (and, from
    /// ZeRO-2, the gradients) live in host memory; the CPU runs the update.
    Optimizer,
    /// `offload_optimizer` + `offload_param` (ZeRO-3): the weights too; a GPU
    /// holds only the layer being computed, gathered with its gradient.
    OptimizerAndParams,
}

impl Offload {
    pub const ALL: [Offload; 3] = [
        Offload::None,
        Offload::Optimizer,
        Offload::OptimizerAndParams,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Offload::None => "none",
            Offload::Optimizer => "optimizer",
            Offload::OptimizerAndParams => "optimizer_and_params",
        }
    }

    pub fn from_id(id: &str) -> Option<Offload> {
        Offload::ALL.into_iter().find(|o| o.id() == id)
    }

    pub fn is_none(&self) -> bool {
        *self == Offload::None
    }

    pub fn label(self) -> &'static str {
        match self {
            Offload::None => "Nothing: everything on the GPU",
            Offload::Optimizer => "Optimizer state to host memory (ZeRO-Offload)",
            Offload::OptimizerAndParams => "Optimizer state and weights to host memory (ZeRO-3)",
        }
    }
}

/// Whose arithmetic the ZeRO model states follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroAccounting {
    /// The ZeRO paper (Rajbhandari et al., 2019, §5): 2 + 2 + 12 B per parameter,
    /// stage 1 sharding the optimizer state and master weights, stage 2 the
    /// gradients too, stage 3 the weights too.
    #[default]
    Paper,
    /// DeepSpeed's own estimator (`estimate_zero2_model_states_mem_needs` in
    /// deepspeed/runtime/zero/stage_1_and_2.py, `estimate_zero3_model_states_mem_needs`
    /// in stage3.py), for mixed-precision Adam: ZeRO-2 keeps the full 16-bit
    /// weights and gradients on every GPU and shards 16 B of FP32 state per
    /// parameter (4P + 16P/N); ZeRO-3 shards 18 B per parameter and gathers the
    /// largest layer's 16-bit weights and gradients (18P/N + 4 × largest layer);
    /// with offload, 2P (ZeRO-2), 2P/N + 4 × largest, or 4 × largest (ZeRO-3).
    DeepspeedEstimator,
}

impl ZeroAccounting {
    pub const ALL: [ZeroAccounting; 2] =
        [ZeroAccounting::Paper, ZeroAccounting::DeepspeedEstimator];

    pub fn id(self) -> &'static str {
        match self {
            ZeroAccounting::Paper => "paper",
            ZeroAccounting::DeepspeedEstimator => "deepspeed_estimator",
        }
    }

    pub fn from_id(id: &str) -> Option<ZeroAccounting> {
        ZeroAccounting::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn is_default(&self) -> bool {
        *self == ZeroAccounting::Paper
    }

    pub fn label(self) -> &'static str {
        match self {
            ZeroAccounting::Paper => "The ZeRO paper (16 B per parameter, sharded by stage)",
            ZeroAccounting::DeepspeedEstimator => {
                "DeepSpeed's memory estimator (ZeRO-2 and ZeRO-3)"
            }
        }
    }
}

/// Parameters of the largest single weight tensor (DeepSpeed's
/// `largest_layer_params`): the embedding, the output head or the widest
/// projection.
pub fn largest_layer(arch: &Architecture) -> u64 {
    let h = arch.hidden;
    let ffn = arch.moe.map_or(arch.ffn, |m| arch.ffn.max(m.expert_ffn));
    [arch.vocab * h, ffn * h, arch.q_dim() * h]
        .into_iter()
        .max()
        .unwrap_or(0)
}

/// How a pipeline runs its micro-batches through its stages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Schedule {
    /// One forward, one backward (PipeDream-Flush, Megatron-LM's default): the
    /// first stage holds the activations of min(m, p) micro-batches.
    #[default]
    #[serde(rename = "1f1b")]
    OneFOneB,
    /// Megatron-LM's interleaved 1F1B, v model chunks per GPU: the first stage
    /// holds (1 + (p − 1) ÷ (p·v)) times as much (Korthikanti et al. 2022,
    /// §4.2.3), and the pipeline bubble is v times shorter.
    #[serde(rename = "interleaved")]
    Interleaved,
    /// GPipe: every micro-batch's forward before any backward: all m in flight.
    #[serde(rename = "gpipe")]
    Gpipe,
}

impl Schedule {
    pub const ALL: [Schedule; 3] = [Schedule::OneFOneB, Schedule::Interleaved, Schedule::Gpipe];

    pub fn id(self) -> &'static str {
        match self {
            Schedule::OneFOneB => "1f1b",
            Schedule::Interleaved => "interleaved",
            Schedule::Gpipe => "gpipe",
        }
    }

    pub fn from_id(id: &str) -> Option<Schedule> {
        Schedule::ALL.into_iter().find(|s| s.id() == id)
    }

    pub fn is_default(&self) -> bool {
        *self == Schedule::OneFOneB
    }

    pub fn label(self) -> &'static str {
        match self {
            Schedule::OneFOneB => "1F1B (Megatron-LM, DeepSpeed default)",
            Schedule::Interleaved => "Interleaved 1F1B (Megatron-LM virtual stages)",
            Schedule::Gpipe => "GPipe (all forwards, then all backwards)",
        }
    }

    /// Micro-batches' worth of one stage's activations the first stage holds,
    /// with `m` micro-batches, `p` stages and `v` chunks per GPU.
    pub fn in_flight(self, m: u32, p: u32, v: u32) -> f64 {
        let (m, p, v) = (
            f64::from(m.max(1)),
            f64::from(p.max(1)),
            f64::from(v.max(1)),
        );
        match self {
            Schedule::OneFOneB => m.min(p),
            Schedule::Interleaved => m.min(p) * (1.0 + (p - 1.0) / (p * v)),
            Schedule::Gpipe => m,
        }
    }

    /// Model chunks per GPU: `v` when interleaved, else 1.
    pub fn chunks(self, v: u32) -> u32 {
        if self == Schedule::Interleaved {
            v.max(1)
        } else {
            1
        }
    }
}

/// How the model is trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingWorkload {
    pub method: Method,
    pub recipe: Recipe,
    pub optimizer: TrainOptimizer,
    /// Sequences per micro-batch on one GPU.
    pub micro_batch: u64,
    /// Tokens per sequence.
    pub sequence: u64,
    pub recompute: Recompute,
    pub flash_attention: bool,
    /// Data-parallel GPUs (the ZeRO/FSDP shard count).
    pub data_parallel: u32,
    /// 0: none; 1: optimizer state; 2: + gradients; 3: + weights (FSDP full shard).
    pub zero_stage: u8,
    pub tensor_parallel: u32,
    pub sequence_parallel: bool,
    pub pipeline_parallel: u32,
    /// Micro-batches per step (pipeline schedule).
    pub micro_batches: u32,
    pub schedule: Schedule,
    /// Model chunks per GPU of the interleaved schedule.
    pub virtual_stages: u32,
    pub offload: Offload,
    /// Whose arithmetic the model states follow under ZeRO.
    pub accounting: ZeroAccounting,
    pub runtime_overhead: u64,
}

impl Default for TrainingWorkload {
    fn default() -> TrainingWorkload {
        TrainingWorkload {
            method: Method::Full,
            recipe: Recipe::Mixed16,
            optimizer: TrainOptimizer::Adam,
            micro_batch: 1,
            sequence: 4_096,
            recompute: Recompute::None,
            flash_attention: true,
            data_parallel: 1,
            zero_stage: 0,
            tensor_parallel: 1,
            sequence_parallel: false,
            pipeline_parallel: 1,
            micro_batches: 1,
            schedule: Schedule::OneFOneB,
            virtual_stages: 2,
            offload: Offload::None,
            accounting: ZeroAccounting::Paper,
            runtime_overhead: GIB,
        }
    }
}

/// Model-state bytes per GPU.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelStates {
    pub weights: u64,
    pub gradients: u64,
    pub master: u64,
    pub optimizer: u64,
}

impl ModelStates {
    pub fn total(&self) -> u64 {
        self.weights + self.gradients + self.master + self.optimizer
    }
}

/// Model states of `params` trainable parameters per GPU (ZeRO paper §5: stage 1
/// shards optimizer state and master weights over the `dp` GPUs, stage 2 also
/// gradients, stage 3 also weights), before tensor/pipeline splitting.
pub fn model_states(
    params: u64,
    recipe: Recipe,
    optimizer: TrainOptimizer,
    zero_stage: u8,
    dp: u32,
) -> ModelStates {
    let (w, gr, m) = recipe.bytes();
    let o = optimizer.bytes(recipe);
    let dp = u64::from(dp.max(1));
    let shard = |bytes: u64, stage: u8| {
        if zero_stage >= stage {
            bytes.div_ceil(dp)
        } else {
            bytes
        }
    };
    ModelStates {
        weights: shard(params * w, 3),
        gradients: shard(params * gr, 2),
        master: shard(params * m, 1),
        optimizer: shard(params * o, 1),
    }
}

/// Trainable LoRA parameters: rank × (in + out) for every adapted projection.
pub fn lora_params(arch: &Architecture, params: &ParamCount, rank: u64, t: LoraTargets) -> u64 {
    let h = arch.hidden;
    let q = arch.q_dim();
    let kv = arch.kv_dim();
    let mut per_layer_attn = 0;
    if t.q {
        per_layer_attn += rank * (h + q);
    }
    if t.k {
        per_layer_attn += rank * (h + kv);
    }
    if t.v {
        per_layer_attn += rank * (h + kv);
    }
    if t.o {
        per_layer_attn += rank * (q + h);
    }
    let mut total = 0;
    for b in &params.blocks {
        total += per_layer_attn;
        if t.ffn {
            let (inner, copies) = match arch.moe {
                Some(m) if b.params.router > 0 => (
                    m.expert_ffn,
                    u64::from(m.experts) + u64::from(m.shared_experts),
                ),
                _ => (arch.ffn, 1),
            };
            let mats = match arch.ffn_kind {
                FfnKind::Plain => 2,
                FfnKind::Gated => 3,
            };
            total += copies * mats * rank * (h + inner);
        }
    }
    total
}

/// Activation bytes of one layer for one micro-batch on one GPU, following
/// Korthikanti et al. 2022 (arXiv 2205.05198, §4.1 and Table 2), generalised to
/// grouped-query attention and gated FFNs.
pub fn layer_activations(arch: &Architecture, w: &TrainingWorkload, seq: u64) -> f64 {
    let s = seq as f64;
    let b = w.micro_batch as f64;
    let h = arch.hidden as f64;
    let t = f64::from(w.tensor_parallel.max(1));
    let a = f64::from(arch.heads);
    let q = arch.q_dim() as f64;
    let kv = arch.kv_dim() as f64;
    let (inner, experts) = match arch.moe {
        Some(m) => (
            m.expert_ffn as f64,
            f64::from(m.experts_per_token + m.shared_experts),
        ),
        None => (arch.ffn as f64, 1.0),
    };
    let ffn_values = match arch.ffn_kind {
        FfnKind::Plain => 4.0 * inner,
        // Gate and up outputs and their product (fused activation, as Megatron-LM).
        FfnKind::Gated => 6.0 * inner,
    } * experts;
    let scale = w.recipe.activation_bytes() as f64 / 2.0;
    // Not split by tensor parallelism unless sequence parallelism is on: the two
    // norm inputs (4sbh), the attention and FFN inputs (2sbh each) and two dropout masks (sbh each).
    let replicated = 10.0 * s * b * h;
    // Q, K, V and the attention output (2 bytes each), and the FFN intermediates.
    let parallel = s * b * (2.0 * q + 4.0 * kv + 2.0 * q + ffn_values);
    let scores = if w.flash_attention || w.recompute != Recompute::None {
        0.0
    } else {
        5.0 * a * s * s * b
    };
    let full = if w.sequence_parallel {
        (replicated + parallel + scores) / t
    } else {
        replicated + (parallel + scores) / t
    };
    let kept = match w.recompute {
        Recompute::Full => {
            let input = 2.0 * s * b * h;
            if w.sequence_parallel {
                input / t
            } else {
                input
            }
        }
        _ => full,
    };
    kept * scale
}

/// Checks a training workload; every problem names its field.
pub fn check_training(arch: &Architecture, w: &TrainingWorkload) -> Vec<EstimateError> {
    let mut errors = Vec::new();
    let mut push = |field: &str, message: String| {
        errors.push(EstimateError::Field {
            field: field.to_string(),
            message,
        })
    };
    let range = |v: u64, max: u64| v >= 1 && v <= max;
    if !range(w.micro_batch, MAX_MICRO_BATCH) {
        push(
            "micro_batch",
            format!("must be between 1 and {}", g(MAX_MICRO_BATCH)),
        );
    }
    if !range(w.sequence, super::memory::MAX_CONTEXT) {
        push(
            "sequence",
            format!("must be between 1 and {}", g(super::memory::MAX_CONTEXT)),
        );
    }
    for (field, v) in [
        ("data_parallel", w.data_parallel),
        ("tensor_parallel", w.tensor_parallel),
        ("pipeline_parallel", w.pipeline_parallel),
        ("micro_batches", w.micro_batches),
    ] {
        if !range(v.into(), MAX_PARALLEL.into()) {
            push(
                field,
                format!("must be between 1 and {}", g(MAX_PARALLEL.into())),
            );
        }
    }
    if w.zero_stage > 3 {
        push("zero_stage", "must be 0, 1, 2 or 3".to_string());
    }
    if let Some(message) = arch.tensor_parallel_problem(w.tensor_parallel) {
        push("tensor_parallel", message);
    }
    if w.pipeline_parallel > arch.layers + arch.encoder_layers {
        push(
            "pipeline_parallel",
            format!(
                "{} stages is more than the {} layers",
                w.pipeline_parallel,
                arch.layers + arch.encoder_layers
            ),
        );
    }
    match w.offload {
        Offload::Optimizer if w.zero_stage == 0 => push(
            "offload",
            "offloading the optimizer needs ZeRO stage 1, 2 or 3 (DeepSpeed's offload_optimizer)"
                .to_string(),
        ),
        Offload::OptimizerAndParams if w.zero_stage < 3 => push(
            "offload",
            "offloading the weights needs ZeRO-3 (DeepSpeed's offload_param)".to_string(),
        ),
        _ => {}
    }
    if w.accounting == ZeroAccounting::DeepspeedEstimator
        && (w.zero_stage < 2 || w.recipe != Recipe::Mixed16 || w.optimizer != TrainOptimizer::Adam)
    {
        push(
            "zero_accounting",
            "DeepSpeed's estimator covers ZeRO-2 and ZeRO-3 with mixed-precision (mixed16) Adam; choose those, or the ZeRO paper's accounting".to_string(),
        );
    }
    let layers = arch.layers + arch.encoder_layers;
    if w.schedule == Schedule::Interleaved && w.pipeline_parallel > 1 {
        let per_stage = layers / w.pipeline_parallel.max(1);
        let v = w.virtual_stages;
        if v < 2 || v > per_stage.max(2) || !layers.is_multiple_of(w.pipeline_parallel * v) {
            push(
                "virtual_stages",
                format!(
                    "the interleaved schedule splits each stage's layers into chunks: {v} chunks of {layers} layers over {} stages do not come out even (Megatron-LM needs layers ÷ (stages × chunks) whole, at least 2 chunks)",
                    w.pipeline_parallel
                ),
            );
        }
        if !w.micro_batches.is_multiple_of(w.pipeline_parallel) {
            push(
                "micro_batches",
                format!(
                    "the interleaved schedule runs micro-batches in groups of the {} stages: {} is not a multiple of {}",
                    w.pipeline_parallel, w.micro_batches, w.pipeline_parallel
                ),
            );
        }
    }
    match w.method {
        Method::Lora { rank, targets } | Method::Qlora { rank, targets, .. } => {
            if !range(rank, 65_536) {
                push("lora_rank", "must be between 1 and 65,536".to_string());
            }
            if !(targets.q || targets.k || targets.v || targets.o || targets.ffn) {
                push(
                    "lora_targets",
                    "choose at least one projection to adapt".to_string(),
                );
            }
        }
        Method::Full => {}
    }
    errors
}

/// The largest micro-batch (sequences per micro-batch and GPU) that fits in
/// `memory` bytes per GPU, the rest of `w` unchanged: the training twin of the
/// serving question "most concurrent sequences".
pub fn max_micro_batch(
    arch: &Architecture,
    params: &ParamCount,
    w: &TrainingWorkload,
    memory: u64,
) -> Reverse {
    largest_fitting(memory, MAX_MICRO_BATCH, |b| {
        let w = TrainingWorkload {
            micro_batch: b,
            ..w.clone()
        };
        training(arch, params, &w).ok().map(|e| e.total)
    })
}

/// The longest training sequence that fits in `memory` bytes per GPU at the
/// micro-batch of `w`, up to the model's positions (or the sequence asked, if longer).
pub fn max_sequence(
    arch: &Architecture,
    params: &ParamCount,
    w: &TrainingWorkload,
    memory: u64,
) -> Reverse {
    // Past the model's positions when a longer sequence is asked (and fits).
    let limit = MAX_CONTEXT.min(arch.max_positions.max(w.sequence).max(1));
    largest_fitting(memory, limit, |n| {
        let w = TrainingWorkload {
            sequence: n,
            ..w.clone()
        };
        training(arch, params, &w).ok().map(|e| e.total)
    })
}

/// Training or fine-tuning memory per GPU.
pub fn training(
    arch: &Architecture,
    params: &ParamCount,
    w: &TrainingWorkload,
) -> Result<Estimate, EstimateError> {
    if let Some(e) = check_training(arch, w).into_iter().next() {
        return Err(e);
    }
    let tp = u64::from(w.tensor_parallel);
    let pp = u64::from(w.pipeline_parallel);
    let split = tp * pp;
    let dp = w.data_parallel;
    let mut terms = Vec::new();
    let mut warnings = Vec::new();
    let (wb, gb, mb) = w.recipe.bytes();
    let ob = w.optimizer.bytes(w.recipe);
    let zero_note = match w.zero_stage {
        0 => String::new(),
        s => format!(", ZeRO-{s} over {dp} data-parallel GPUs"),
    };
    let split_note = if split > 1 {
        format!(" ÷ {split} (tensor {tp} × pipeline {pp})")
    } else {
        String::new()
    };

    let trainable = match w.method {
        Method::Full => params.total,
        Method::Lora { rank, targets } | Method::Qlora { rank, targets, .. } => {
            lora_params(arch, params, rank, targets)
        }
    };
    if w.method != Method::Full {
        let (format, label) = match w.method {
            Method::Qlora {
                double_quant: true, ..
            } => (WeightFormat::Nf4Dq, "NF4 + double quantization"),
            Method::Qlora { .. } => (WeightFormat::Nf4, "NF4"),
            _ => (WeightFormat::Bf16, "BF16"),
        };
        let base = weight_bytes(params, format, false);
        let frozen = if w.zero_stage >= 3 {
            base.bytes.div_ceil(u64::from(dp))
        } else {
            base.bytes
        };
        let frozen = frozen.div_ceil(split);
        // The base's formula ends with its bytes; a division follows it only when there is one.
        let zero = if w.zero_stage >= 3 && dp > 1 {
            format!(" ÷ {dp} (ZeRO-3)")
        } else {
            String::new()
        };
        let formula = if split_note.is_empty() && zero.is_empty() {
            base.formula.clone()
        } else {
            format!("({}){split_note}{zero} = {} B", base.formula, g(frozen))
        };
        terms.push(
            Term::new(
                TermKind::FrozenWeights,
                "Frozen base weights",
                frozen,
                formula,
                format!(
                    "The base model stays frozen in {label}: no gradients, no optimizer state."
                ),
            )
            .band(1.0, 1.01),
        );
    }
    let sharded = model_states(trainable, w.recipe, w.optimizer, w.zero_stage, dp);
    // DeepSpeed's offload: what leaves the GPU for host memory, per GPU.
    let mut states = sharded;
    let mut host = 0u64;
    if w.offload != Offload::None {
        host = sharded.master + sharded.optimizer;
        states.master = 0;
        states.optimizer = 0;
        if w.zero_stage >= 2 {
            host += sharded.gradients;
            states.gradients = 0;
        }
    }
    if w.offload == Offload::OptimizerAndParams {
        host += sharded.weights;
        // The layer being computed, gathered: its 16-bit weights and gradients
        // (DeepSpeed's estimator: 4 × largest_layer_params).
        let largest = largest_layer(arch).min(trainable);
        states.weights = largest.saturating_mul(wb);
        states.gradients = largest.saturating_mul(gb);
    }
    // DeepSpeed's estimator (validated: mixed16 Adam, ZeRO-2 or 3), term by term.
    let estimator = w.accounting == ZeroAccounting::DeepspeedEstimator;
    let largest = largest_layer(arch).min(trainable);
    let dp64 = u64::from(dp.max(1));
    if estimator && w.offload == Offload::None {
        // 16 B of FP32 state per parameter, sharded: master 4 + moments 8 + the
        // FP32 gradient partition 4 (counted with the optimizer state).
        states.master = (trainable * 4).div_ceil(dp64);
        states.optimizer = (trainable * 12).div_ceil(dp64);
        if w.zero_stage == 2 {
            // 4P: the 16-bit weights and gradients, whole on every GPU.
            states.weights = trainable * 2;
            states.gradients = trainable * 2;
        } else {
            // 18P/N + 4 × largest: the 16-bit shard (2 B) and the largest layer
            // gathered (2 B weights + 2 B gradients per parameter of it).
            states.weights = (trainable * 2).div_ceil(dp64) + largest * 2;
            states.gradients = largest * 2;
        }
    } else if estimator && w.offload == Offload::Optimizer && w.zero_stage >= 3 {
        // 2P/N + 4 × largest: the 16-bit shard and the largest layer gathered.
        states.weights = (trainable * 2).div_ceil(dp64) + largest * 2;
        states.gradients = largest * 2;
    }
    let per_gpu = |b: u64| b.div_ceil(split);
    let what = if w.method == Method::Full {
        "parameters"
    } else {
        "trainable adapter parameters"
    };
    let (weights_kind, weights_label) = if w.method == Method::Full {
        (TermKind::Weights, "Weights")
    } else {
        (TermKind::Adapters, "Adapter weights")
    };
    let line = |bytes_per: u64, stage: u8, on_gpu: u64| {
        let zero = if w.zero_stage >= stage && dp > 1 {
            format!(" ÷ {dp} (ZeRO-{})", w.zero_stage)
        } else {
            String::new()
        };
        let full = format!("{} {what} × {bytes_per} B{zero}{split_note}", g(trainable));
        if on_gpu == 0 && bytes_per > 0 && w.offload != Offload::None {
            format!("{full}, in host memory (offloaded) = 0 B on the GPU")
        } else if w.offload == Offload::OptimizerAndParams && stage >= 2 {
            format!(
                "the layer being computed: {} parameters × {bytes_per} B{split_note} = {} B (the rest in host memory)",
                g(largest_layer(arch).min(trainable)),
                g(per_gpu(on_gpu))
            )
        } else {
            format!("{full} = {} B", g(per_gpu(on_gpu)))
        }
    };
    // DeepSpeed's estimator's own lines, where it counts differently.
    let est = |text: String, on_gpu: u64| {
        format!(
            "{text} (DeepSpeed's estimator){split_note} = {} B",
            g(per_gpu(on_gpu))
        )
    };
    let gathered = format!(
        "{} × 2 B ÷ {dp} + the largest layer gathered, {} × 2 B",
        g(trainable),
        g(largest)
    );
    // The FP32 state (sharded) and the largest layer's gradients, as the estimator counts them.
    let est_master = || {
        Some(est(
            format!("{} {what} × 4 B ÷ {dp}", g(trainable)),
            states.master,
        ))
    };
    let est_optimizer = || {
        Some(est(
            format!(
                "{} {what} × 12 B ÷ {dp}: Adam's two moments (8 B) and the FP32 gradient partition (4 B)",
                g(trainable)
            ),
            states.optimizer,
        ))
    };
    let est_layer_gradients = || {
        Some(est(
            format!("the largest layer's gradients, {} × 2 B", g(largest)),
            states.gradients,
        ))
    };
    let whole = format!("{} {what} × 2 B, whole on every GPU", g(trainable));
    let (est_weights, est_gradients, est_master, est_optimizer) =
        match (estimator, w.offload, w.zero_stage) {
            (true, Offload::None, 2) => (
                Some(est(whole.clone(), states.weights)),
                Some(est(whole, states.gradients)),
                est_master(),
                est_optimizer(),
            ),
            (true, Offload::None, _) => (
                Some(est(gathered, states.weights)),
                est_layer_gradients(),
                est_master(),
                est_optimizer(),
            ),
            (true, Offload::Optimizer, 3) => (
                Some(est(gathered, states.weights)),
                est_layer_gradients(),
                None,
                None,
            ),
            _ => (None, None, None, None),
        };
    terms.push(Term::new(
        weights_kind,
        weights_label,
        per_gpu(states.weights),
        est_weights.unwrap_or_else(|| line(wb, 3, states.weights)),
        format!(
            "{} B per parameter in the recipe's working precision{zero_note}.",
            wb
        ),
    ));
    terms.push(Term::new(
        TermKind::Gradients,
        "Gradients",
        per_gpu(states.gradients),
        est_gradients.unwrap_or_else(|| line(gb, 2, states.gradients)),
        match w.recipe {
            Recipe::Mixed18 => "FP32 gradient accumulation (Megatron-LM main_grad): 4 B per parameter. This is the difference between 16 and 18 B per parameter.",
            Recipe::Fp32 => "FP32 gradients: 4 B per parameter.",
            _ => "16-bit gradients: 2 B per parameter.",
        },
    ));
    if mb > 0 {
        terms.push(Term::new(
            TermKind::MasterWeights,
            "FP32 master weights",
            per_gpu(states.master),
            est_master.unwrap_or_else(|| line(mb, 1, states.master)),
            "Mixed precision keeps an FP32 copy of the weights for the update (the precision article; ZeRO paper §3.1).",
        ));
    }
    terms.push(Term::new(
        TermKind::OptimizerState,
        "Optimizer state",
        per_gpu(states.optimizer),
        est_optimizer.unwrap_or_else(|| line(ob, 1, states.optimizer)),
        match w.optimizer {
            TrainOptimizer::Sgd => "Plain SGD keeps no state.",
            TrainOptimizer::Momentum => "One momentum value per parameter.",
            TrainOptimizer::Adam => "Adam's first and second moments per parameter.",
            TrainOptimizer::Adam8bit => "bitsandbytes 8-bit Adam: both moments in 8 bits; block-wise scales (< 1 %) not counted.",
        },
    ));

    // Activations.
    let seq = arch.vision.map_or(w.sequence, |v| v.tokens());
    let per_layer = layer_activations(arch, w, seq);
    let layers = u64::from(arch.layers + arch.encoder_layers);
    let layers_per_stage = layers.div_ceil(pp);
    let in_flight = if pp > 1 {
        w.schedule
            .in_flight(w.micro_batches, w.pipeline_parallel, w.virtual_stages)
    } else {
        1.0
    };
    let mut act = per_layer * layers_per_stage as f64 * in_flight;
    let flight = if pp > 1 && w.schedule == Schedule::Interleaved {
        let m = w.micro_batches.min(w.pipeline_parallel).max(1);
        format!(
            "{m} × (1 + ({pp} − 1) ÷ ({pp} × {} chunks)) micro-batches in flight (interleaved)",
            w.virtual_stages
        )
    } else {
        let n = in_flight.round() as u64;
        let how = match (pp > 1, w.schedule) {
            (false, _) => "",
            (true, Schedule::Gpipe) => " (GPipe)",
            (true, _) => " (1F1B)",
        };
        format!(
            "{n} micro-batch{} in flight{how}",
            if n == 1 { "" } else { "es" }
        )
    };
    let mut formula = format!(
        "{} B per layer × {} layers{} × {flight}",
        g(per_layer.ceil() as u64),
        g(layers_per_stage),
        if pp > 1 { " per stage" } else { "" },
    );
    if w.recompute == Recompute::Full {
        // One layer is recomputed in full during the backward pass.
        let no_recompute = TrainingWorkload {
            recompute: Recompute::None,
            ..w.clone()
        };
        let working = layer_activations(arch, &no_recompute, seq);
        act += working;
        formula.push_str(&format!(
            " + {} B for the layer being recomputed",
            g(working.ceil() as u64)
        ));
    }
    let act = to_bytes(act)?;
    let sbh = format!(
        "s = {}, b = {}, h = {}, a = {}{}",
        g(seq),
        g(w.micro_batch),
        g(arch.hidden),
        arch.heads,
        if tp > 1 {
            format!(", t = {tp}")
        } else {
            String::new()
        }
    );
    let note = match (w.recompute, w.flash_attention) {
        (Recompute::Full, _) => "Full recomputation keeps each layer's input, 2·s·b·h bytes (Korthikanti et al. 2022, §4.2.2), and recomputes one layer at a time.".to_string(),
        (Recompute::Selective, _) | (_, true) => "Korthikanti et al. 2022: s·b·h·34 bytes per layer for a standard layer; FlashAttention or selective recomputation drop the 5·a·s²·b attention-score term. Generalised here to grouped-query attention and gated FFNs.".to_string(),
        _ => "Korthikanti et al. 2022: s·b·h·(34 + 5·a·s/h) bytes per layer, attention scores included, generalised to grouped-query attention and gated FFNs.".to_string(),
    };
    terms.push(
        Term::new(
            TermKind::Activations,
            "Activations",
            act,
            format!("{formula} ({sbh}) = {} B", g(act)),
            &note,
        )
        .band(0.8, 1.5),
    );
    if arch.kind.generates() && pp == 1 {
        let logit_bytes =
            to_bytes(4.0 * seq as f64 * w.micro_batch as f64 * arch.vocab as f64 / tp as f64)?;
        terms.push(
            Term::new(
                TermKind::Logits,
                "Logits and loss",
                logit_bytes,
                format!(
                    "4 B × {} tokens × {} × {} vocabulary{} = {} B",
                    g(seq),
                    count(w.micro_batch, "sequence", "sequences"),
                    g(arch.vocab),
                    if tp > 1 { format!(" ÷ {tp}") } else { String::new() },
                    g(logit_bytes)
                ),
                "FP32 logits kept for the cross-entropy loss (Megatron-LM's estimator adds 4·s·b·V without pipeline parallelism).",
            )
            .band(0.5, 2.0),
        );
    }
    terms.push(
        Term::new(
            TermKind::RuntimeOverhead,
            "Runtime overhead",
            w.runtime_overhead,
            format!(
                "{} B per GPU, {}",
                g(w.runtime_overhead),
                if w.runtime_overhead == super::memory::DEFAULT_RUNTIME_OVERHEAD {
                    "the default"
                } else {
                    "as set"
                }
            ),
            "CUDA context, library workspaces, communication buffers; the caching allocator's fragmentation adds more (upper band).",
        )
        .band(0.5, 3.0),
    );
    if host > 0 {
        warnings.push(format!(
            "Offloaded to host memory: {} B per GPU ({} B on a host of 8 GPUs), updated by the CPU over PCIe.",
            g(per_gpu(host)),
            g(per_gpu(host).saturating_mul(8))
        ));
    }
    if w.zero_stage > 0 && dp == 1 {
        warnings.push(
            "ZeRO shards over data-parallel GPUs; with one GPU it saves nothing.".to_string(),
        );
    }
    if w.sequence_parallel && tp == 1 {
        warnings
            .push("Sequence parallelism needs tensor parallelism to split anything.".to_string());
    }
    if matches!(arch.kind, ModelKind::EncoderDecoder) {
        warnings
            .push("Encoder and decoder are both counted at the full sequence length.".to_string());
    }
    if arch.kind != ModelKind::Vision && w.sequence > arch.max_positions {
        warnings.push(format!(
            "The sequence of {} tokens is longer than the {} positions the model was trained for.",
            g(w.sequence),
            g(arch.max_positions)
        ));
    }
    let host_note = format!(
        "What DeepSpeed offloads ({}): updated by the CPU over PCIe.",
        w.offload.label()
    );
    Ok(
        Estimate::from_terms(terms, w.tensor_parallel * w.pipeline_parallel, warnings)
            .with_host(per_gpu(host), host_note),
    )
}
