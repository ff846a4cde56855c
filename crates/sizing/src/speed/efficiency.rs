//! What share of a GPU's peak a workload reaches: model FLOPs utilisation (MFU)
//! for training and prefill, memory-bandwidth utilisation (MBU) for decode, and a
//! fixed overhead per decode step. Defaults per GPU generation and serving
//! engine, calibrated against the public measurements in `docs/throughput.md`
//! (`tests/calibration.rs` recomputes every one); the user can set each.

use serde::{Deserialize, Serialize};

/// The serving engine: how close decode comes to the memory roofline, and its
/// fixed cost per step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// vLLM, TensorRT-LLM, SGLang, TGI: fused kernels, CUDA graphs, paged KV cache.
    #[default]
    Optimized,
    /// llama.cpp (and Ollama, LM Studio on top of it).
    LlamaCpp,
    /// Hugging Face Transformers `generate` in eager PyTorch.
    Transformers,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Optimized, Engine::LlamaCpp, Engine::Transformers];

    pub fn id(self) -> &'static str {
        match self {
            Engine::Optimized => "optimized",
            Engine::LlamaCpp => "llama_cpp",
            Engine::Transformers => "transformers",
        }
    }

    pub fn from_id(id: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Engine::Optimized => "vLLM / TensorRT-LLM / SGLang",
            Engine::LlamaCpp => "llama.cpp / Ollama",
            Engine::Transformers => "Transformers (eager PyTorch)",
        }
    }

    /// Share of the generation's decode MBU this engine reaches.
    fn mbu_factor(self) -> f64 {
        match self {
            Engine::Optimized => 1.0,
            Engine::LlamaCpp => 0.9,
            Engine::Transformers => 0.6,
        }
    }

    /// Fixed time per decode step (scheduling, sampling, kernel launches), s.
    pub fn step_overhead_s(self) -> f64 {
        match self {
            Engine::Optimized => 0.000_5,
            Engine::LlamaCpp => 0.001,
            Engine::Transformers => 0.02,
        }
    }
}

/// Fixed time before the first token (request handling, scheduling), s.
pub const FIRST_TOKEN_OVERHEAD_S: f64 = 0.01;

/// Relative spread of the calibration set: the band every speed figure carries.
pub const BAND: f64 = 0.25;

/// Defaults of one GPU generation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Defaults {
    /// Transformer training MFU (counting recomputed FLOPs, as Megatron-LM does).
    pub llm_training: f64,
    /// CNN training MFU on tensor cores (FP16/BF16).
    pub cnn_training: f64,
    /// CNN training MFU in plain FP32 (CUDA cores: convolution kernels use them well).
    pub cnn_fp32: f64,
    /// Prefill and large-batch compute MFU.
    pub prefill: f64,
    /// Decode MBU with an optimized engine.
    pub decode: f64,
}

/// The defaults for a catalog architecture ("Ampere", "Hopper (+ Grace Arm CPU)").
pub fn defaults(architecture: &str) -> Defaults {
    let a = architecture.to_ascii_lowercase();
    let d = |llm_training, cnn_training, cnn_fp32, prefill, decode| Defaults {
        llm_training,
        cnn_training,
        cnn_fp32,
        prefill,
        decode,
    };
    if a.starts_with("maxwell") || a.starts_with("pascal") {
        // No tensor cores.
        d(0.35, 0.33, 0.33, 0.4, 0.6)
    } else if a.starts_with("volta") {
        d(0.37, 0.24, 0.55, 0.4, 0.6)
    } else if a.starts_with("turing") {
        d(0.35, 0.22, 0.5, 0.4, 0.6)
    } else if a.starts_with("ampere") {
        d(0.45, 0.2, 0.55, 0.5, 0.55)
    } else if a.starts_with("ada") {
        d(0.4, 0.2, 0.5, 0.45, 0.75)
    } else if a.starts_with("hopper") {
        d(0.42, 0.18, 0.5, 0.45, 0.6)
    } else {
        // Blackwell and later: newer, less measured.
        d(0.35, 0.15, 0.5, 0.4, 0.6)
    }
}

/// The efficiencies a scenario sets (`None`: the default).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Overrides {
    pub engine: Engine,
    pub training_mfu_percent: Option<f64>,
    pub prefill_mfu_percent: Option<f64>,
    pub decode_mbu_percent: Option<f64>,
    pub step_overhead_ms: Option<f64>,
}

/// Where an efficiency came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The GPU generation's calibrated default.
    Default,
    /// Set in the scenario.
    Yours,
}

/// The efficiencies used for one option.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Efficiencies {
    /// Training MFU (0–1).
    pub training: f64,
    pub training_origin: Origin,
    /// Prefill MFU (0–1).
    pub prefill: f64,
    pub prefill_origin: Origin,
    /// Decode MBU (0–1).
    pub decode: f64,
    pub decode_origin: Origin,
    /// Fixed time per decode step, s.
    pub step_overhead_s: f64,
    pub step_origin: Origin,
}

/// CNN training MFU in TF32: NVIDIA's ResNet-50 tables reach about 15 % of the TF32 peak.
pub const CNN_TF32: f64 = 0.15;

/// The efficiencies for `architecture` and the arithmetic `format` ("BF16", "TF32",
/// "FP32"), with the scenario's own where it set them.
pub fn resolve(architecture: &str, format: &str, cnn: bool, s: &Overrides) -> Efficiencies {
    let d = defaults(architecture);
    let cnn_training = match format {
        "FP32" => d.cnn_fp32,
        "TF32" => CNN_TF32,
        _ => d.cnn_training,
    };
    let pick = |set: Option<f64>, default: f64| match set {
        Some(p) => (p / 100.0, Origin::Yours),
        None => (default, Origin::Default),
    };
    let (training, training_origin) = pick(
        s.training_mfu_percent,
        if cnn { cnn_training } else { d.llm_training },
    );
    let (prefill, prefill_origin) = pick(s.prefill_mfu_percent, d.prefill);
    let (decode, decode_origin) = pick(s.decode_mbu_percent, d.decode * s.engine.mbu_factor());
    let (step_overhead_s, step_origin) = match s.step_overhead_ms {
        Some(ms) => (ms / 1000.0, Origin::Yours),
        None => (s.engine.step_overhead_s(), Origin::Default),
    };
    Efficiencies {
        training,
        training_origin,
        prefill,
        prefill_origin,
        decode,
        decode_origin,
        step_overhead_s,
        step_origin,
    }
}
