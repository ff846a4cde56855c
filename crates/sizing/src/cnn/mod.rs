//! Convolutional networks: layer lists, derived shapes, and the training and
//! inference memory model of "Training vs Inference – Memory Consumption by Neural
//! Networks" (frankdenneman.nl, 2022); see docs/cnn-memory.md.

mod analysis;
pub mod form;
mod layer;
mod memory;
mod presets;
pub mod size;
pub mod text;

pub use analysis::{
    Analysis, LayerAnalysis, LivePeak, MAX_IMAGE_SIDE, MAX_LAYERS, NetworkError, Problem, Source,
    analyze, min_square_input,
};
pub use layer::{INPUT, ImageInput, Layer, LayerKind, Network, Pair, PoolOp, Shape};
pub use memory::{
    CnnWorkload, DEFAULT_RUNTIME_OVERHEAD, Estimate, EstimateError, LayerBytes, MAX_BATCH, Mode,
    Optimizer, Term, TermKind, estimate, input_bytes, layer_bytes,
};
pub use presets::Preset;
