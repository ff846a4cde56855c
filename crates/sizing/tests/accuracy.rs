//! The calibration suite (`accuracy/cases.json`, `make accuracy` writes
//! docs/accuracy.md): every case sizes, every case outside ±25 % of its
//! measurement says why, and the kinds whose goals are met stay met — weights
//! within 3 % (median), training states and totals within 10 %. The KV-capacity
//! and activation medians are above their goals (docs/accuracy.md says why) and
//! are held where they are, so that a change that moves them is seen.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use serde_json::Value;
use sizing::catalog::Catalog;
use sizing::report::figure::figure;
use sizing::report::size;
use sizing::scenario::from_value;

const CASES: &str = include_str!("../../../accuracy/cases.json");

fn unit(u: &str) -> f64 {
    match u {
        "GiB" => 1_073_741_824.0,
        "GB" => 1e9,
        "MiB" => 1_048_576.0,
        "MB" => 1e6,
        "tokens" | "B/param" => 1.0,
        other => panic!("unknown unit {other}"),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[test]
fn the_calibration_suite_holds() {
    let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut errors: Vec<(String, f64)> = Vec::new();
    for c in &cases {
        let id = c["id"].as_str().unwrap();
        let scenario = from_value(c["scenario"].clone()).unwrap_or_else(|e| panic!("{id}: {e}"));
        let r = size(&scenario, Catalog::bundled()).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        let name = c["figure"].as_str().unwrap();
        let value = figure(&r, name)
            .unwrap_or_else(|| panic!("{id}: no {name} in the report"))
            .as_f64()
            / unit(c["unit"].as_str().unwrap());
        let measured = c["measured"].as_f64().unwrap();
        let error = (value - measured) / measured * 100.0;
        assert!(
            error.abs() <= 25.0 || c["reason"].is_string(),
            "{id}: {error:+.1} % needs a reason"
        );
        errors.push((c["kind"].as_str().unwrap().to_string(), error.abs()));
    }
    let med = |kind: &str| {
        median(
            errors
                .iter()
                .filter(|(k, _)| k == kind)
                .map(|(_, e)| *e)
                .collect(),
        )
    };
    assert!(med("weights") <= 3.0, "weights {:.1} %", med("weights"));
    assert!(med("training_states") <= 10.0);
    assert!(med("total") <= 10.0);
    assert!(
        med("kv_capacity") <= 3.0,
        "KV capacity {:.1} %",
        med("kv_capacity")
    );
    assert!(
        med("activations") <= 20.0,
        "activations {:.1} %",
        med("activations")
    );
}
