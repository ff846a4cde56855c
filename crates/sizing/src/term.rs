//! One line of a memory breakdown, shared by every model: bytes, how they were
//! computed, and the band the true figure is expected in. Each model names its
//! own kinds of memory (`K`).

use serde::{Deserialize, Serialize};

use crate::units::group_digits;

/// A model's kinds of memory, each with a stable id ("weights", "kv_cache").
pub trait Kind: Copy {
    fn id(self) -> &'static str;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term<K> {
    pub kind: K,
    pub label: String,
    pub bytes: u64,
    /// The arithmetic with the actual numbers: "138,357,544 parameters × 4 B (FP32) = 553,430,176 B".
    pub formula: String,
    /// The assumption behind the term and its source.
    pub note: String,
    /// The band the true figure is expected in (both `bytes` when exact).
    pub low: u64,
    pub high: u64,
}

impl<K> Term<K> {
    /// An exact term.
    pub(crate) fn new(
        kind: K,
        label: impl Into<String>,
        bytes: u64,
        formula: String,
        note: impl Into<String>,
    ) -> Term<K> {
        Term {
            kind,
            label: label.into(),
            bytes,
            formula,
            note: note.into(),
            low: bytes,
            high: bytes,
        }
    }

    /// Sets the band as factors of the figure.
    pub(crate) fn band(mut self, low: f64, high: f64) -> Term<K> {
        self.low = (self.bytes as f64 * low).floor() as u64;
        self.high = (self.bytes as f64 * high).ceil().min(u64::MAX as f64) as u64;
        self
    }
}

/// The total as a sum of the terms that take memory: "weights + gradients + … = 4,147,575,264 B".
pub fn total_formula<K>(terms: &[Term<K>], total: u64) -> String {
    format!(
        "{} = {} B",
        terms
            .iter()
            .filter(|t| t.bytes > 0)
            .map(|t| t.label.to_lowercase())
            .collect::<Vec<_>>()
            .join(" + "),
        group_digits(total)
    )
}
