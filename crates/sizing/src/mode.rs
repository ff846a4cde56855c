//! Whether a workload trains or serves: shared by every model in the engine.

use serde::{Deserialize, Serialize};

/// Training (weights, gradients, optimizer state, stored activations) or inference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Training,
    Inference,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Training, Mode::Inference];

    pub fn id(self) -> &'static str {
        match self {
            Mode::Training => "training",
            Mode::Inference => "inference",
        }
    }

    pub fn from_id(id: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::Training => "Training",
            Mode::Inference => "Inference",
        }
    }
}
