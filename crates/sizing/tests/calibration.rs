//! The speed model against public measurements: every case of the calibration
//! table in `docs/throughput.md`, recomputed with the default efficiencies.
//! `cargo test -p sizing --test calibration -- --nocapture` prints the table.

use serde_json::{Value, json};
use sizing::catalog::Catalog;
use sizing::report::{Report, size};
use sizing::scenario::parse;

/// What a case measured.
#[derive(Clone, Copy)]
enum Metric {
    /// Training tokens per second per GPU.
    TrainTokens,
    /// Training samples (images, sequences) per second per GPU.
    TrainSamples,
    /// Milliseconds per output token.
    TpotMs,
    /// Milliseconds to the first token.
    TtftMs,
    /// Inference samples per second (a forward workload).
    Throughput,
}

struct Case {
    source: &'static str,
    what: &'static str,
    measured: f64,
    metric: Metric,
    scenario: Value,
    option: &'static str,
    /// Why the model cannot be expected to come within ±50 %.
    outlier: Option<&'static str>,
}

fn gpt(hidden: u64, layers: u64, heads: u64, vocab: u64) -> Value {
    json!({"model_type": "gpt2", "n_embd": hidden, "n_layer": layers, "n_head": heads,
           "vocab_size": vocab, "n_positions": 2048})
}

fn train_tf(model: Value, context: u64, micro_batch: u64, recompute: &str) -> Value {
    json!({"transformer": {"model": model, "mode": "training", "context": context,
        "micro_batch": micro_batch, "recompute": recompute}})
}

fn serve(model: Value, weights: &str, sequences: u64, context: u64, tp: u64) -> Value {
    json!({"transformer": {"model": model, "weights": weights, "sequences": sequences,
        "context": context, "tensor_parallel": tp}})
}

fn resnet50(mode: &str, batch: u64, precision: &str, mixed: bool) -> Value {
    json!({"cnn": {"network": "resnet50", "mode": mode, "batch": batch,
        "precision": precision, "mixed_precision": mixed}})
}

fn cases() -> Vec<Case> {
    let c = |source, what, measured, metric, scenario, option| Case {
        source,
        what,
        measured,
        metric,
        scenario,
        option,
        outlier: None,
    };
    let gpt3 = || gpt(12288, 96, 96, 51200);
    vec![
        // Megatron-LM (Narayanan et al. 2021): TFLOP/s per GPU counted with their
        // Eq. 3 (full recomputation), turned into tokens/s with the same equation.
        c(
            "Megatron-LM 2021, §5.1",
            "GPT-3 175B, 1,024 A100, 140 TFLOP/s",
            140e12 / 1.434e12,
            Metric::TrainTokens,
            train_tf(gpt3(), 2048, 1, "full"),
            "a100-sxm4-80gb",
        ),
        c(
            "Megatron-LM 2021, Table 2",
            "GPT-3 175B, 384 A100, 153 TFLOP/s",
            153e12 / 1.434e12,
            Metric::TrainTokens,
            train_tf(gpt3(), 2048, 1, "full"),
            "a100-sxm4-80gb",
        ),
        c(
            "Megatron-LM 2021, Table 1",
            "GPT 1T, 3,072 A100, 163 TFLOP/s",
            163e12 / 8.168e12,
            Metric::TrainTokens,
            train_tf(gpt(25600, 128, 160, 51200), 2048, 1, "full"),
            "a100-sxm4-80gb",
        ),
        c(
            "Megatron-LM 2021, Table 1",
            "GPT 1.7B, 32 A100, 137 TFLOP/s",
            137e12 / 1.4751e10,
            Metric::TrainTokens,
            train_tf(gpt(2304, 24, 24, 51200), 2048, 1, "full"),
            "a100-sxm4-80gb",
        ),
        c(
            "BigScience tr11-176B-ml log",
            "BLOOM-176B, 384 A100, 19.561 samples/s of 2,048 tokens",
            19.561 * 2048.0 / 384.0,
            Metric::TrainTokens,
            train_tf(gpt(14336, 70, 112, 250880), 2048, 2, "full"),
            "a100-sxm4-80gb",
        ),
        c(
            "Llama 3 paper, Table 4",
            "Llama 3 405B, 8,192 H100, 430 TFLOP/s (43 % MFU)",
            430e12 / (6.0 * 405.8e9 + 3.0 * 2.0 * 126.0 * 128.0 * 256.0 * 4096.5),
            Metric::TrainTokens,
            train_tf(json!("llama-3.1-405b"), 8192, 1, "none"),
            "h100-sxm5-80gb",
        ),
        c(
            "NVIDIA DeepLearningExamples BERT",
            "BERT-Large pretraining, seq 128, A100 80GB AMP",
            580.0,
            Metric::TrainSamples,
            train_tf(json!("bert-large"), 128, 256, "none"),
            "a100-sxm4-80gb",
        ),
        c(
            "NVIDIA DeepLearningExamples BERT",
            "BERT-Large pretraining, seq 512, A100 80GB AMP",
            210.0,
            Metric::TrainSamples,
            train_tf(json!("bert-large"), 512, 32, "none"),
            "a100-sxm4-80gb",
        ),
        c(
            "NVIDIA DeepLearningExamples BERT",
            "BERT-Large pretraining, seq 128, V100 32GB AMP",
            224.0,
            Metric::TrainSamples,
            train_tf(json!("bert-large"), 128, 64, "none"),
            "v100-sxm2-32gb",
        ),
        c(
            "NVIDIA DeepLearningExamples RN50 (PyTorch)",
            "ResNet-50 training, A100 80GB AMP, batch 256",
            2470.0,
            Metric::TrainSamples,
            resnet50("training", 256, "fp16", true),
            "a100-sxm4-80gb",
        ),
        c(
            "NVIDIA DeepLearningExamples RN50 (PyTorch)",
            "ResNet-50 training, A100 80GB TF32, batch 256",
            938.0,
            Metric::TrainSamples,
            resnet50("training", 256, "fp32", false),
            "a100-sxm4-80gb",
        ),
        c(
            "NVIDIA DeepLearningExamples RN50 (TensorFlow)",
            "ResNet-50 training, A100 40GB AMP, batch 256",
            2375.0,
            Metric::TrainSamples,
            resnet50("training", 256, "fp16", true),
            "a100-sxm4-40gb",
        ),
        c(
            "NVIDIA DeepLearningExamples RN50 (PyTorch)",
            "ResNet-50 training, V100 16GB AMP, batch 256",
            1200.0,
            Metric::TrainSamples,
            resnet50("training", 256, "fp16", true),
            "v100-sxm2-16gb",
        ),
        c(
            "NVIDIA DeepLearningExamples RN50 (PyTorch)",
            "ResNet-50 training, V100 16GB FP32, batch 112",
            367.0,
            Metric::TrainSamples,
            resnet50("training", 112, "fp32", false),
            "v100-sxm2-16gb",
        ),
        c(
            "You et al. 2018, abstract",
            "ResNet-50, 90 epochs on one M40 in 14 days",
            90.0 * 1_281_167.0 / (14.0 * 86_400.0),
            Metric::TrainSamples,
            resnet50("training", 256, "fp32", false),
            "m40-24gb",
        ),
        c(
            "llama.cpp benchmarks (XiongjieDai)",
            "Llama-2-7B F16, batch 1, A100 80GB",
            1000.0 / 73.83,
            Metric::TpotMs,
            serve(json!("llama-2-7b"), "fp16", 1, 256, 1),
            "a100-pcie-80gb",
        ),
        c(
            "llama.cpp benchmarks (XiongjieDai)",
            "Llama-2-7B F16, batch 1, H100 PCIe",
            1000.0 / 83.32,
            Metric::TpotMs,
            serve(json!("llama-2-7b"), "fp16", 1, 256, 1),
            "h100-pcie-80gb",
        ),
        Case {
            outlier: Some(
                "llama.cpp's 4-bit kernels dequantize on the fly: on data-center GPUs at batch 1 they are bound by that arithmetic, not by reading the 3.6 GiB of weights",
            ),
            ..c(
                "llama.cpp benchmarks (XiongjieDai)",
                "Llama-2-7B Q4_0, batch 1, A100 80GB",
                1000.0 / 136.24,
                Metric::TpotMs,
                serve(json!("llama-2-7b"), "q4_0", 1, 256, 1),
                "a100-pcie-80gb",
            )
        },
        c(
            "Databricks 2023, Table 1",
            "MPT-7B, 512-token prompt, A100 40GB",
            46.0,
            Metric::TtftMs,
            serve(gpt(4096, 32, 32, 50432), "fp16", 1, 513, 1),
            "a100-sxm4-40gb",
        ),
        c(
            "TensorRT-LLM performance (v0.5)",
            "LLaMA 7B, 2,048-token prompt, A100 FP16",
            133.0,
            Metric::TtftMs,
            serve(json!("llama-2-7b"), "fp16", 1, 2049, 1),
            "a100-sxm4-80gb",
        ),
        c(
            "TensorRT-LLM performance (v0.5)",
            "LLaMA 7B, 2,048-token prompt, H100 FP8",
            36.0,
            Metric::TtftMs,
            serve(json!("llama-2-7b"), "fp8", 1, 2049, 1),
            "h100-sxm5-80gb",
        ),
        c(
            "NVIDIA NIM benchmarks 1.8.0",
            "Llama-3.3-70B FP8, TP 2, 1 user, 5,000/500",
            18.58,
            Metric::TpotMs,
            serve(json!("llama-3.1-70b"), "fp8", 1, 5500, 2),
            "h100-sxm5-80gb",
        ),
        c(
            "vLLM A100 vs H100 NVL (server-gear.com)",
            "Qwen2.5-7B BF16, TP 4, 1 user, 512/256, A100 80GB",
            5.49,
            Metric::TpotMs,
            serve(json!("qwen2.5-7b"), "bf16", 1, 768, 4),
            "a100-sxm4-80gb",
        ),
        c(
            "vLLM A100 vs H100 NVL (server-gear.com)",
            "Qwen2.5-7B BF16, TP 4, 1 user, 512/256, H100 NVL",
            3.93,
            Metric::TpotMs,
            serve(json!("qwen2.5-7b"), "bf16", 1, 768, 4),
            "h100-nvl-94gb",
        ),
        c(
            "MLPerf Inference v3.0 closed",
            "ResNet-50 offline INT8, A100 SXM 80GB",
            42_379.3,
            Metric::Throughput,
            resnet50("inference", 2048, "int8", false),
            "a100-sxm4-80gb",
        ),
        c(
            "MLPerf Inference v3.0 closed",
            "ResNet-50 offline INT8, H100 SXM",
            91_825.7,
            Metric::Throughput,
            resnet50("inference", 2048, "int8", false),
            "h100-sxm5-80gb",
        ),
        c(
            "MLPerf Inference v3.0 closed",
            "ResNet-50 offline INT8, L4",
            13_157.8,
            Metric::Throughput,
            resnet50("inference", 32, "int8", false),
            "l4",
        ),
        c(
            "MLPerf Inference v0.7 closed",
            "ResNet-50 offline INT8, T4",
            6_035.57,
            Metric::Throughput,
            resnet50("inference", 256, "int8", false),
            "t4",
        ),
        c(
            "NVIDIA DeepLearningExamples RN50 (Paddle-TRT)",
            "ResNet-50 FP16, batch 256, A100 80GB",
            17_054.8,
            Metric::Throughput,
            resnet50("inference", 256, "fp16", false),
            "a100-sxm4-80gb",
        ),
        c(
            "NVIDIA DeepLearningExamples RN50 (Paddle-TRT)",
            "ResNet-50 FP16, batch 256, A10",
            5_505.24,
            Metric::Throughput,
            resnet50("inference", 256, "fp16", false),
            "a10",
        ),
    ]
}

fn report(c: &Case) -> Report {
    let s = json!({
        "version": 1,
        "workload": c.scenario,
        "deployment": {"show_too_small": true, "all_profiles": true},
        "speed": {"option": c.option, "samples": 1_024_000, "epochs": 1,
                  "output_tokens": if matches!(c.metric, Metric::TtftMs) { 1 } else { 128 }},
    });
    let s = parse(&s.to_string()).unwrap_or_else(|e| panic!("{}: {e}", c.what));
    size(&s, Catalog::bundled()).unwrap_or_else(|e| panic!("{}: {e:?}", c.what))
}

fn predicted(c: &Case) -> f64 {
    let r = report(c);
    let d = r
        .speed
        .as_ref()
        .and_then(|s| s.detail.as_ref())
        .unwrap_or_else(|| panic!("{}: no speed ({:?})", c.what, r.errors));
    assert_eq!(d.key, c.option, "{}", c.what);
    let figure = |id: &str| {
        d.figures
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("{}: no {id}", c.what))
            .value
    };
    let run = || d.training.as_ref().expect("a training run");
    match c.metric {
        Metric::TrainTokens => run().tokens.unwrap() / run().total_s / run().gpus as f64,
        Metric::TrainSamples => {
            run().samples as f64 * run().epochs as f64 / run().total_s / run().gpus as f64
        }
        Metric::TpotMs => figure("tpot") * 1000.0,
        Metric::TtftMs => figure("ttft") * 1000.0,
        Metric::Throughput => figure("throughput"),
    }
}

#[test]
fn the_model_is_within_its_calibration() {
    let cases = cases();
    assert!(cases.len() >= 12);
    let mut errors = Vec::new();
    println!("| Source | Configuration | Measured | headroom | Error |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for c in &cases {
        let p = predicted(c);
        let e = (p - c.measured) / c.measured;
        let unit = match c.metric {
            Metric::TrainTokens => "tokens/s per GPU",
            Metric::TrainSamples => "samples/s per GPU",
            Metric::TpotMs => "ms per token",
            Metric::TtftMs => "ms to first token",
            Metric::Throughput => "images/s",
        };
        println!(
            "| {} | {} | {:.4} {unit} | {:.4} | {:+.0} %{} |",
            c.source,
            c.what,
            c.measured,
            p,
            e * 100.0,
            c.outlier.map_or(String::new(), |why| format!(" ({why})"))
        );
        assert!(p.is_finite() && p > 0.0, "{}", c.what);
        if c.outlier.is_none() {
            assert!(e.abs() <= 0.5, "{}: {p} against {}", c.what, c.measured);
        }
        errors.push(e.abs());
    }
    errors.sort_by(f64::total_cmp);
    let median = errors[errors.len() / 2];
    println!(
        "\nMedian absolute error over {} cases: {:.1} %",
        errors.len(),
        median * 100.0
    );
    assert!(median <= 0.2, "median absolute error {median}");
}
