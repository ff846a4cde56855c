//! What the Fits table shows of an option's speed. A leaf: the fit engine holds
//! these rows, the speed model fills them.

use serde::{Deserialize, Serialize};

/// What bounds a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Reading weights and KV cache.
    Memory,
    /// Arithmetic.
    Compute,
    /// Memory capacity: no more sequences fit.
    Capacity,
}

/// The speed of one fit option, for the Fits table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionSpeed {
    /// Time to first token (generating transformers), s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttft_s: Option<f64>,
    /// Time per output token at the scenario's sequences (generating
    /// transformers), time per batch (other inference) or per iteration (training), s.
    pub step_s: f64,
    /// Tokens/s (generating transformers) or samples/s, all sequences together.
    pub throughput: f64,
    /// The share of the GPU the option gets when every VM sharing it is busy (1 alone).
    pub busy_share: f64,
    /// `step_s` when every VM sharing the GPU is busy.
    pub busy_step_s: f64,
    pub bound: Bound,
    /// Most concurrent sequences the option's memory holds (generating transformers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_users: Option<u64>,
    /// Most concurrent sequences that meet the latency targets, all VMs busy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users_meeting: Option<u64>,
    /// Whether the scenario's sequences meet the targets (none set: `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_target: Option<bool>,
    /// Training: wall-clock seconds of the whole run on the scenario's GPU count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training_s: Option<f64>,
}
