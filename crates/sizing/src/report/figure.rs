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
//! | a term's id (`weights`, `kv_cache`, `activations`, …) | that term, bytes (0 when the workload has no such term; a name no workload has is refused) |

use super::Report;

/// The terms of the training states a framework's estimator counts.
const STATES: [&str; 4] = ["weights", "gradients", "master_weights", "optimizer_state"];

/// The number `name` names in `r`; `None` for a name that is not a figure (a
/// term id must be lower-case letters and `_`) or a KV capacity the report
/// does not have (no serving question).
pub fn figure(r: &Report, name: &str) -> Option<f64> {
    let m = &r.memory;
    let states: u64 = STATES.iter().map(|id| m.bytes(id)).sum();
    match name {
        "total" => Some(m.total as f64),
        "host" => Some(m.host as f64),
        // The weights wherever the engine keeps them: on the GPU and, for
        // llama.cpp's token embedding, in host memory (the model's file size).
        "model_weights" => Some((m.bytes("weights") + m.host) as f64),
        "kv_tokens" => r.reverse.as_ref()?.kv_tokens.map(|t| t as f64),
        "states" => Some((states + m.bytes("adapters") + m.bytes("frozen_weights")) as f64),
        "states_per_param" => {
            (r.model.parameters > 0).then(|| states as f64 / r.model.parameters as f64)
        }
        // A term the report does not hold (no adapters when serving) is 0; a
        // name no workload has is no figure.
        term if is_term(term) => Some(m.bytes(term) as f64),
        _ => None,
    }
}

/// Whether `id` names a memory term of some workload.
fn is_term(id: &str) -> bool {
    crate::transformer::memory::TermKind::ALL
        .iter()
        .map(|k| k.id())
        .chain(crate::cnn::TermKind::ALL.iter().map(|k| k.id()))
        .chain(["stated"])
        .any(|t| t == id)
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
        assert_eq!(figure(&r, "total"), Some(r.memory.total as f64));
        assert_eq!(
            figure(&r, "weights"),
            Some(r.memory.bytes("weights") as f64)
        );
        // A term this workload lacks is 0; a name no workload has is refused.
        assert_eq!(figure(&r, "kv_cache"), Some(0.0));
        assert_eq!(figure(&r, "no_such_term"), None);
        assert_eq!(figure(&r, "weigths"), None);
        assert_eq!(figure(&r, "states_per_param"), Some(16.0));
        assert_eq!(figure(&r, "kv_tokens"), None);
        assert_eq!(figure(&r, "Weights!"), None);
        assert_eq!(figure(&r, ""), None);
    }
}
