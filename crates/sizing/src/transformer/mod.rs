//! Transformer memory: architecture and parameter count, the model zoo and
//! Hugging Face config import, weight and KV formats, inference memory with the
//! reverse questions, and training / fine-tuning memory per GPU; [`size`] checks and
//! sizes the transformer part of a scenario. See
//! docs/transformer-memory.md for every formula and its source.

pub mod arch;
pub mod engine;
pub mod form;
pub mod hf;
pub mod memory;
pub mod quant;
pub mod size;
pub mod training;
pub mod zoo;

pub use arch::{Architecture, ModelKind, ParamCount};
pub use engine::ServingEngine;
pub use memory::{Estimate, InferenceWorkload, Term, TermKind};
pub use quant::{KvFormat, WeightFormat};
pub use training::{
    Method, Offload, Recipe, Recompute, Schedule, TrainOptimizer, TrainingWorkload, ZeroAccounting,
};
