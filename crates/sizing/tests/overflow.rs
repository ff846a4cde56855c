//! Numbers from a file or a link that are large enough to overflow an integer:
//! each is refused with a message at its field, never computed with wrapped
//! arithmetic (which, in a release build, skipped validation or showed wrong
//! capacities) and never a panic (which overflow-checked builds raised). Each
//! test pins one input that did; they run natively and, compiled to wasm32, in Node.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use serde_json::{Value, json};
use sizing::catalog::{Catalog, Demand, FitSettings, fit};
use sizing::report::size;
use sizing::scenario::link::{self, AppState};
use sizing::scenario::{ModelRef, Scenario, TransformerScenario, Workload};
use sizing::transformer::hf;
use sizing::transformer::zoo;

/// A zoo model's config.json with `changes` applied.
fn config(id: &str, changes: Value) -> String {
    let mut c = Value::Object(zoo::find(id).unwrap().entry.config.clone());
    for (k, v) in changes.as_object().unwrap() {
        c[k] = v.clone();
    }
    c.to_string()
}

/// The field an imported config is refused at.
fn refused_at(text: &str) -> String {
    hf::import(text).unwrap_err().field.unwrap_or_default()
}

#[test]
fn a_vit_with_a_huge_image_is_refused_at_image_size() {
    // 2^40 / 1 patches per side: side × side + 1 overflowed before validation.
    let text = config(
        "vit-b-16",
        json!({"image_size": 1u64 << 40, "patch_size": 1}),
    );
    assert_eq!(refused_at(&text), "image_size");
}

#[test]
fn a_falcon_with_a_huge_hidden_size_is_refused_at_its_ffn() {
    // 4 × hidden, the default FFN, overflowed.
    let text = config(
        "falcon-40b",
        json!({"hidden_size": 1u64 << 62, "num_attention_heads": 64}),
    );
    let field = refused_at(&text);
    assert!(
        ["hidden_size", "ffn_hidden_size"].contains(&field.as_str()),
        "{field}"
    );
}

#[test]
fn a_gpt2_with_a_huge_embedding_is_refused_not_wrapped() {
    let text = config("gpt2", json!({"n_embd": 12u64 << 60, "n_head": 12}));
    let field = refused_at(&text);
    assert!(["n_embd", "n_inner"].contains(&field.as_str()), "{field}");
}

#[test]
fn a_gpt2_config_in_a_link_is_refused_at_its_field() {
    // The same config, carried by a link: sizing names the config key.
    let map = serde_json::from_str(&config("gpt2", json!({"n_embd": 12u64 << 60}))).unwrap();
    let s = Scenario::new(Workload::Transformer(TransformerScenario {
        model: ModelRef::Config(map),
        ..TransformerScenario::default()
    }));
    let linked = link::decode(&link::encode(&AppState::from_scenario(&s)))
        .unwrap()
        .scenario()
        .unwrap();
    let e = size(&linked, Catalog::bundled()).unwrap_err();
    assert!(e[0].path.starts_with("workload.transformer.model"), "{e:?}");
}

#[test]
fn a_deepseek_whose_head_dimensions_add_past_u64_is_refused() {
    let text = config(
        "deepseek-v3",
        json!({"qk_nope_head_dim": u64::MAX, "qk_rope_head_dim": 64}),
    );
    let field = refused_at(&text);
    assert!(field.starts_with("qk_") || field == "head_dim", "{field}");
}

/// The bundled catalog with one change made to its JSON.
fn catalog(change: impl FnOnce(&mut Value)) -> Result<Catalog, String> {
    let mut v: Value = serde_json::from_str(&Catalog::bundled().to_json()).unwrap();
    change(&mut v);
    Catalog::from_json(&v.to_string()).map_err(|e| e.to_string())
}

/// The index of a GPU in the bundled catalog.
fn gpu(id: &str) -> usize {
    Catalog::bundled()
        .gpus
        .iter()
        .position(|g| g.id == id)
        .unwrap()
}

#[test]
fn a_mig_start_slice_near_u32_max_is_refused() {
    let i = gpu("a100-sxm4-80gb");
    let e = catalog(|v| v["gpus"][i]["mig"]["profiles"][0]["start_slices"] = json!([u32::MAX]))
        .unwrap_err();
    assert!(e.contains("start_slices"), "{e}");
}

#[test]
fn mig_backed_instances_times_vgpus_past_u32_is_refused() {
    let i = gpu("a100-sxm4-80gb");
    let e = catalog(|v| {
        let t = &mut v["gpus"][i]["vgpu"]["mig_backed"][0];
        t["vgpus_per_instance"] = json!(u32::MAX);
        t["max_per_gpu"] = json!(u32::MAX);
    })
    .unwrap_err();
    assert!(e.contains("mig_backed[0]"), "{e}");
}

#[test]
fn a_framebuffer_whose_bytes_pass_u64_is_refused() {
    // A GPU of absurd memory let a framebuffer of 2^60 MiB through; × MiB wrapped.
    let i = gpu("l40s");
    let e = catalog(|v| {
        v["gpus"][i]["memory"]["size_gb"] = json!(1e30);
        v["gpus"][i]["vgpu"]["time_sliced"][0]["framebuffer_mib"] = json!(1u64 << 60);
    })
    .unwrap_err();
    assert!(e.contains("memory.size_gb"), "{e}");
}

#[test]
fn a_mig_reserve_whose_bytes_pass_u64_is_refused() {
    let i = gpu("a100-sxm4-80gb");
    let e = catalog(|v| {
        v["gpus"][i]["memory"]["size_gb"] = json!(1e30);
        v["gpus"][i]["mig"]["profiles"][0]["memory_gb"] = json!(1e29);
        v["gpus"][i]["mig"]["profiles"][0]["reserve_mib"] = json!(1u64 << 50);
    })
    .unwrap_err();
    assert!(e.contains("size_gb") || e.contains("memory_gb"), "{e}");
}

#[test]
fn a_mig_backed_reserve_is_checked_like_every_other() {
    // 2^44 MiB × MiB wrapped to 0 bytes, and the option still "fitted".
    let i = gpu("a100-sxm4-80gb");
    let e = catalog(|v| v["gpus"][i]["vgpu"]["mig_backed"][0]["reserve_mib"] = json!(1u64 << 44))
        .unwrap_err();
    assert!(
        e.contains("mig_backed[0]") && e.contains("reserve_mib"),
        "{e}"
    );
}

#[test]
fn gpus_per_board_times_cards_cannot_overflow() {
    let i = gpu("a16");
    let e = catalog(|v| v["gpus"][i]["gpus_per_board"] = json!(u32::MAX)).unwrap_err();
    assert!(e.contains("gpus_per_board"), "{e}");
}

#[test]
fn memory_that_rounds_to_nothing_is_refused() {
    let i = gpu("l4");
    let e = catalog(|v| v["gpus"][i]["memory"]["size_gb"] = json!(1e-12)).unwrap_err();
    assert!(e.contains("memory.size_gb"), "{e}");
    let j = gpu("a100-sxm4-80gb");
    let e = catalog(|v| v["gpus"][j]["vgpu"]["mig_backed"][0]["framebuffer_mib"] = json!(0))
        .unwrap_err();
    assert!(e.contains("framebuffer_mib"), "{e}");
}

#[test]
fn every_option_of_the_bundled_catalog_holds_something() {
    let fits = fit(
        Catalog::bundled(),
        &Demand::new(1, 0),
        &FitSettings::default(),
    );
    assert!(fits.options.iter().all(|o| o.capacity > 0));
}
