use super::*;
use crate::catalog::Catalog;
use crate::report::{Report, size};
use crate::scenario::Scenario;

fn sized(json: &str) -> Report {
    let s: Scenario = serde_json::from_str(json).unwrap();
    size(&s, Catalog::bundled()).unwrap()
}

fn llama(recipe: &str) -> Report {
    sized(&format!(
        r#"{{"version":1,"workload":{{"transformer":{{"model":"llama-2-7b","mode":"inference","weights":"fp16","sequences":1,"context":4096}}}},"compression":{recipe}}}"#
    ))
}

#[test]
fn two_four_is_two_of_every_four() {
    // Seeds §1.6: "two values out of each contiguous block of four must be zero" → 50 %.
    let c = Compression::default();
    assert_eq!(c.pruning, Pruning::TwoFour);
    assert_eq!(c.sparsity(), 0.5);
    let m = Matrix {
        name: "w".into(),
        role: Role::Ffn,
        rows: 2,
        cols: 8,
        count: 1,
        edge: false,
        macs: 16,
    };
    let s = store(&c, &m, BlockBits::of(Precision::Fp32));
    assert_eq!(s.kept, 8);
    assert_eq!(s.format, "2:4");
    // 4 groups × (2 × 32 + 4) bits = 272 bits = 34 B, as crates/sparse counts it.
    assert_eq!(s.bytes, 34);
    assert_eq!(s.bytes, sparse::bytes::two_four(2, 8, 32));
}

#[test]
fn twenty_percent_per_iteration() {
    // Seeds §1.6: "prune 20% of the weights with the lowest magnitudes during one iteration".
    assert_eq!(kept_after(0.2, 1), 0.8);
    assert!((kept_after(0.2, 3) - 0.512).abs() < 1e-12);
    assert!((kept_after(0.2, 10) - 0.107_374_182_4).abs() < 1e-12);
    assert_eq!(iterations_for(0.2, 0.2), 1);
    assert_eq!(iterations_for(0.2, 0.488), 3);
    assert_eq!(iterations_for(0.2, 0.5), 4);
    assert_eq!(iterations_for(0.2, 0.9), 11);
    let s = Schedule::new(0.2, 0.5);
    assert_eq!(s.iterations, 4);
    // The last step stops at the target: 0.8, 0.64, 0.512, then 0.5 (not 0.4096).
    assert_eq!(s.kept.len(), 4);
    assert_eq!(s.kept[3], 0.5);
}

#[test]
fn break_even_of_each_format() {
    // f32 values, u32 indices: CSR 50 %, 1×4 blocks 20 %, 4×4 5.9 % (docs/sparse-benchmark.md).
    let b = break_even(32.0, 32, 32, Block::B1x4);
    assert_eq!(b[1].sparsity, Some(0.5));
    assert_eq!(b[2].sparsity, Some(0.2));
    assert_eq!(b[1].sparsity, Some(sparse::bytes::csr_break_even(4, 4)));
    let b = break_even(32.0, 32, 32, Block::B4x4);
    assert!(
        (b[2].sparsity.unwrap() - sparse::bytes::bsr_break_even(sparse::BlockShape::B4x4, 4, 4))
            .abs()
            < 1e-12
    );
    // FP16 values with 32-bit indices: 66.7 %; with 16-bit: 50 %.
    assert!((break_even(16.0, 32, 32, Block::B1x4)[1].sparsity.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(break_even(16.0, 16, 16, Block::B1x4)[1].sparsity, Some(0.5));
    // 2:4 in FP16 keeps 36 of every 64 bits.
    assert!(
        break_even(16.0, 32, 32, Block::B1x4)[3]
            .formula
            .contains("56.25 %")
    );
}

#[test]
fn llama_2_7b_two_four_weights_to_the_byte() {
    let r = llama(r#"{"pruning":"two_four"}"#);
    let c = r.compression.as_ref().unwrap();
    // 32 blocks × (4 × 4096×4096 + 3 × 4096×11008) = 6,476,005,376 projection weights.
    assert_eq!(c.chosen_params, 6_476_005_376);
    let per_block = 4 * sparse::bytes::two_four(4096, 4096, 16)
        + 2 * sparse::bytes::two_four(11008, 4096, 16)
        + sparse::bytes::two_four(4096, 11008, 16);
    assert_eq!(per_block, 227_672_064);
    assert_eq!(c.chosen_after, 32 * per_block);
    // FP16: 6,738,415,616 × 2 B, less the projections' 12,952,010,752 B, plus their 2:4 form.
    assert_eq!(c.weights_before, 13_476_831_232);
    assert_eq!(
        c.weights_after,
        13_476_831_232 - 12_952_010_752 + 7_285_506_048
    );
    assert_eq!(c.weights_after, 7_810_326_528);
    assert_eq!(r.memory.bytes("weights"), 7_810_326_528);
    // The KV cache is untouched: 2 × 32 layers × 4096 × 2 B per token × 4096 tokens.
    let kv = c.terms.iter().find(|t| t.id == "kv_cache").unwrap();
    assert_eq!(kv.before, kv.after);
    assert_eq!(kv.after, 2_147_483_648);
    // Options that hold 7.8 GB and not 13.5 GB now fit: a 10 GB slice, for one.
    assert!(
        c.newly_fit
            .iter()
            .any(|o| o.contains("2g.20gb") || o.contains("1g.10gb") || o.contains("A10")),
        "{:?}",
        c.newly_fit
    );
    // 2:4 runs on sparse tensor cores: every projection's arithmetic, not the head's.
    let share = c.math.two_four_share;
    let head = 32_000.0 * 4096.0;
    assert!(
        (share - 6_476_005_376.0 / (6_476_005_376.0 + head)).abs() < 1e-9,
        "{share}"
    );
}

#[test]
fn csr_at_half_saves_nothing() {
    // FP16 values and 16-bit indices break even at 50 % before the row pointers:
    // with them, CSR at 50 % is larger than dense, so the smallest form stays dense.
    let r = llama(
        r#"{"pruning":"unstructured","sparsity_percent":50,"index_bits":16,"storage":"auto"}"#,
    );
    let c = r.compression.unwrap();
    assert_eq!(c.weights_after, c.weights_before);
    assert!(c.matrices.iter().all(|m| m.format == "Dense"));
    // Forced to CSR it costs more than it saves: + (rows + 1) × 4 B per matrix.
    let r = llama(
        r#"{"pruning":"unstructured","sparsity_percent":50,"index_bits":16,"storage":"csr"}"#,
    );
    let c = r.compression.unwrap();
    assert!(c.weights_after > c.weights_before);
    let q = c.matrices.iter().find(|m| m.name == "q_proj").unwrap();
    assert_eq!(q.after, 32 * (4096 * 4096 / 2 * 4 + 4097 * 4));
    // At 90 % CSR is well past break-even.
    let r = llama(r#"{"pruning":"unstructured","sparsity_percent":90,"index_bits":16}"#);
    let c = r.compression.unwrap();
    assert!(c.matrices.iter().all(|m| m.format == "CSR"));
    assert!(c.weights_after < c.weights_before / 3);
    assert_eq!(c.schedule.as_ref().unwrap().iterations, 11);
}

/// A CSR column index must name every column: VGG-16's fc1 has 25,088, which
/// takes 15 bits whatever narrower width is asked; conv1_1's 27 columns take 5.
#[test]
fn csr_indices_are_as_wide_as_the_columns_need() {
    let r = sized(
        r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":1,"mode":"inference","precision":"fp32"}},"compression":{"pruning":"unstructured","sparsity_percent":50,"storage":"csr","index_bits":4}}"#,
    );
    let c = r.compression.unwrap();
    let fc1 = c.matrices.iter().find(|m| m.name == "fc1").unwrap();
    // 51,380,224 kept × (32 + 15) bits + 4,097 row pointers × 4 B.
    assert_eq!(fc1.after, 51_380_224 * 47 / 8 + 4_097 * 4);
    assert_eq!(fc1.after, 301_875_204);
    assert!(
        fc1.formula.contains("25,088 columns need 15-bit indices"),
        "{}",
        fc1.formula
    );
    let conv = c.matrices.iter().find(|m| m.name == "conv1_1").unwrap();
    assert!(
        conv.formula.contains("27 columns need 5-bit indices"),
        "{}",
        conv.formula
    );
    // Wide enough as asked: no note.
    let r = sized(
        r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":1,"mode":"inference","precision":"fp32"}},"compression":{"pruning":"unstructured","sparsity_percent":50,"storage":"csr","index_bits":16}}"#,
    );
    let c = r.compression.unwrap();
    assert!(c.matrices.iter().all(|m| !m.formula.contains("need")));
}

#[test]
fn quantization_and_exceptions() {
    // INT8 weights of every projection but the first and last block's.
    let r = llama(r#"{"pruning":"none","quantize":"int8","keep_first_last":true}"#);
    let c = r.compression.unwrap();
    let per_block = 202_375_168u64;
    assert_eq!(c.chosen_params, 30 * per_block);
    assert_eq!(c.weights_after, c.weights_before - 30 * per_block);
    // Weight-only: the math stays 16-bit; with activations it runs at INT8.
    assert_eq!(c.math.compute, "FP16");
    let r = llama(r#"{"pruning":"none","quantize":"int8","activations":true}"#);
    assert_eq!(r.compression.unwrap().math.compute, "INT8");
}

#[test]
fn deep_compression_reaches_the_papers_order_of_magnitude() {
    // Han, Mao & Dally (2016), Table 1: AlexNet 240 MB → 6.9 MB (35×), VGG-16
    // 552 MB → 11.3 MB (49×), keeping 11 % and 7.5 % of the weights, 4- and 5-bit
    // relative indices, 5-bit FC codebooks (INT4 here: the nearest format).
    for (net, keep, index, paper) in [("alexnet", 89.0, 4, 35.0), ("vgg16", 92.5, 5, 49.0)] {
        let r = sized(&format!(
            r#"{{"version":1,"workload":{{"cnn":{{"network":"{net}","mode":"inference","batch":1}}}},"compression":{{"pruning":"unstructured","sparsity_percent":{keep},"quantize":"int4","storage":"relative","index_bits":{index}}}}}"#
        ));
        let c = r.compression.clone().unwrap();
        let ratio = c.file_ratio();
        assert!(
            ratio > paper / 2.0 && ratio < paper * 2.0,
            "{net}: {ratio:.1}× vs {paper}×"
        );
        // The file is decoded to a GPU format to run: the memory term, the fits
        // and the speed take that, which is larger than the file.
        assert!(c.weights_after > c.file_bytes.unwrap(), "{net}");
        assert_eq!(r.memory.bytes("weights"), c.weights_after, "{net}");
        assert!(
            c.matrices
                .iter()
                .filter(|m| m.compressed)
                .all(|m| m.format.ends_with("(from Relative index + Huffman)")),
            "{net}"
        );
        // The Markdown report carries the recipe and both sizes.
        let md = crate::report::export::markdown(&r, None);
        assert!(
            md.contains("## Compression") && md.contains("as a file (Relative index + Huffman)"),
            "{md}"
        );
    }
}

#[test]
fn training_keeps_the_dense_figures() {
    let r = sized(
        r#"{"version":1,"workload":{"cnn":{"network":"vgg16","mode":"training","batch":8}},"compression":{"pruning":"two_four"}}"#,
    );
    let c = r.compression.unwrap();
    assert!(!c.applies);
    assert_eq!(r.memory.bytes("weights"), 138_357_544 * 4);
    assert!(c.notes[0].contains("inference"));
}

#[test]
fn bad_recipes_name_their_field() {
    let s: Scenario = serde_json::from_str(
        r#"{"version":1,"workload":{"cnn":{"network":"vgg16","mode":"inference"}},"compression":{"pruning":"unstructured","sparsity_percent":120,"storage":"two_four","targets":"ffn","index_bits":0}}"#,
    )
    .unwrap();
    let e = size(&s, Catalog::bundled()).unwrap_err();
    let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
    for p in [
        "compression.sparsity_percent",
        "compression.storage",
        "compression.targets",
        "compression.index_bits",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    let nan = Compression {
        pruning: Pruning::Block,
        sparsity_percent: f64::NAN,
        ..Compression::default()
    };
    assert!(
        nan.check(true)
            .iter()
            .any(|e| e.path == "compression.sparsity_percent")
    );
}

#[test]
fn two_four_speeds_up_only_gpus_with_sparse_tensor_cores() {
    let dense = llama(r#"{"pruning":"none"}"#);
    let sparse = llama(r#"{"pruning":"two_four"}"#);
    let detail = |r: &Report, gpu: &str| {
        r.fits
            .as_ref()
            .unwrap()
            .options
            .iter()
            .find(|o| o.gpu_id == gpu && o.profile.is_none())
            .and_then(|o| o.speed.clone())
            .unwrap()
    };
    // The A100 has 2:4 tensor cores: prefill gets faster. The V100 has none.
    let (a, b) = (
        detail(&dense, "a100-sxm4-80gb"),
        detail(&sparse, "a100-sxm4-80gb"),
    );
    let (ta, tb) = (a.ttft_s.unwrap(), b.ttft_s.unwrap());
    assert!(tb < ta, "{tb} < {ta}");
    assert!(ta / tb < 1.31, "{}", ta / tb);
}

#[test]
fn break_even_takes_the_index_width_the_matrices_need() {
    // 4-bit CSR indices cannot name 11,008 columns: the widest matrix stores
    // 14-bit ones, so CSR breaks even at 14 ÷ (16 + 14) = 46.7 %, not 20 %.
    let r = sized(
        r#"{"version":1,"workload":{"transformer":{"model":"llama-2-7b","weights":"fp16"}},"compression":{"pruning":"unstructured","sparsity_percent":30,"storage":"csr","index_bits":4}}"#,
    );
    let c = r.compression.unwrap();
    let csr = c.break_even.iter().find(|b| b.format == "CSR").unwrap();
    assert!(
        (csr.sparsity.unwrap() - 14.0 / 30.0).abs() < 1e-12,
        "{}",
        csr.formula
    );
    assert!(c.weights_after > c.weights_before);
}

#[test]
fn the_schedule_formula_reads_as_computed() {
    // ln(0.5) ÷ ln(0.8) = 3.106: four iterations.
    let s = Schedule::new(0.2, 0.5);
    assert_eq!(s.iterations, 4);
    assert_eq!(
        s.formula,
        "⌈ln(1 − 0.5) ÷ ln(1 − 0.2)⌉ = ⌈3.11⌉ = 4 iterations; kept after n = 0.8ⁿ"
    );
    // A hair of sparsity: one iteration, and a ceiling that is not "0.00".
    let s = Schedule::new(0.2, 0.0001);
    assert_eq!(s.iterations, 1);
    assert!(
        s.formula.contains("= ⌈0.000448⌉ = 1 iteration;"),
        "{}",
        s.formula
    );
    // No sparsity: no "-0".
    assert!(!Schedule::new(0.2, 0.0).formula.contains('-'));
    // More iterations than the list shows.
    let s = Schedule::new(0.01, 0.99);
    assert_eq!(s.kept.len(), 100);
    assert!(
        s.formula.ends_with("(the first 100 listed)"),
        "{}",
        s.formula
    );
}
