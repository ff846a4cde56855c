//! One number of a report, by name: what the calibration suite
//! (`accuracy/cases.json`, `make accuracy`) compares with a published
//! measurement, and what `headroom-cli size --figure NAME` prints.
//!
//! | Name | The number |
//! |---|---|
//! | `total` | the memory total, bytes |
//! | `kv_tokens` | the KV capacity the serving engine would report, tokens |
//! | `states` | the training states: weights, gradients, master weights, optimizer state, adapters and frozen weights, bytes |
//! | `states_per_param` | weights, gradients, master weights and optimizer state per parameter, bytes |
//! | `host` | bytes kept in host memory |
//! | `model_weights` | the weights on the GPU and in host memory, bytes |
//! | a term's id (`weights`, `kv_cache`, `activations`, …) | that term, bytes (0 when the workload has no such term; a name this kind of workload has no term for is refused) |
//!
//! Bytes and tokens are whole numbers, printed exactly.

use super::Report;

/// The terms of the training states a framework's estimator counts.
const STATES: [&str; 4] = ["weights", "gradients", "master_weights", "optimizer_state"];

/// A figure: a whole number (bytes, tokens), printed exactly, or a ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Whole(u64),
    Ratio(f64),
}

impl Value {
    /// The figure as a float, for comparing with a measurement.
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Whole(n) => n as f64,
            Value::Ratio(x) => x,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Whole(n) => write!(f, "{n}"),
            Value::Ratio(x) => write!(f, "{x}"),
        }
    }
}

/// The names [`figure`] takes besides a term id.
pub const NAMES: [&str; 6] = [
    "total",
    "host",
    "model_weights",
    "kv_tokens",
    "states",
    "states_per_param",
];

/// The number `name` names in `r`; `None` for a name that is not a figure (a
/// term id of this kind of workload: a CNN has no `activations`, a
/// transformer no `feature_maps`) or a KV capacity the report does not have
/// (no serving question).
pub fn figure(r: &Report, name: &str) -> Option<Value> {
    let m = &r.memory;
    let states: u64 = STATES.iter().map(|id| m.bytes(id)).sum();
    match name {
        "total" => Some(Value::Whole(m.total)),
        "host" => Some(Value::Whole(m.host)),
        // The weights wherever the engine keeps them: on the GPU and, for
        // llama.cpp's token embedding, in host memory (the model's file size).
        "model_weights" => Some(Value::Whole(m.bytes("weights").saturating_add(m.host))),
        "kv_tokens" => r.reverse.as_ref()?.kv_tokens.map(Value::Whole),
        "states" => Some(Value::Whole(
            states
                .saturating_add(m.bytes("adapters"))
                .saturating_add(m.bytes("frozen_weights")),
        )),
        "states_per_param" => (r.model.parameters > 0)
            .then(|| Value::Ratio(states as f64 / r.model.parameters as f64)),
        // A term the report does not hold (no adapters when serving) is 0; a
        // name this kind of workload has no term for is no figure.
        term if terms(r).any(|t| t == term) => Some(Value::Whole(m.bytes(term))),
        _ => None,
    }
}

/// The term ids of the report's kind of workload.
pub fn terms(r: &Report) -> Box<dyn Iterator<Item = &'static str>> {
    use crate::scenario::Workload;
    match r.scenario.workload {
        Workload::Transformer(_) => Box::new(
            crate::transformer::memory::TermKind::ALL
                .iter()
                .map(|k| k.id()),
        ),
        Workload::Cnn(_) => Box::new(crate::cnn::TermKind::ALL.iter().map(|k| k.id())),
        Workload::Known(_) => Box::new(["stated"].into_iter()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::report::size;
    use crate::scenario::parse;

    #[test]
    fn figures_read_the_report() {
        // Llama-2-7B full fine-tuning with mixed-precision Adam: 16 bytes per parameter.
        let s = parse(r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b","mode":"training","method":"full"}}}"#)
            .unwrap();
        let r = size(&s, Catalog::bundled()).unwrap();
        assert_eq!(figure(&r, "total"), Some(Value::Whole(r.memory.total)));
        assert_eq!(
            figure(&r, "weights"),
            Some(Value::Whole(r.memory.bytes("weights")))
        );
        // A term this workload lacks is 0; a name no workload has is refused,
        // and so is a CNN's term.
        assert_eq!(figure(&r, "kv_cache"), Some(Value::Whole(0)));
        assert_eq!(figure(&r, "no_such_term"), None);
        assert_eq!(figure(&r, "weigths"), None);
        assert_eq!(figure(&r, "feature_maps"), None);
        assert_eq!(figure(&r, "states_per_param"), Some(Value::Ratio(16.0)));
        assert_eq!(figure(&r, "kv_tokens"), None);
        assert_eq!(figure(&r, "Weights!"), None);
        assert_eq!(figure(&r, ""), None);
    }
}
