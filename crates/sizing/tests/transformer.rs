//! Transformer memory checked against published figures: parameter counts of the
//! released models, KV-cache sizes per token, the ZeRO paper's worked example,
//! Korthikanti et al.'s activation formula and the sizes of published GGUF files.
//! These run natively and, compiled to wasm32, under Node.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use sizing::transformer::arch::{Architecture, FfnKind};
use sizing::transformer::hf::import;
use sizing::transformer::memory::{
    InferenceWorkload, Reverse, TermKind, inference, kv_bytes_per_token, max_context, max_sequences,
};
use sizing::transformer::quant::{KvFormat, WeightFormat, weight_bytes};
use sizing::transformer::training::{
    LoraTargets, Method, Offload, Recipe, Recompute, Schedule, TrainOptimizer, TrainingWorkload,
    ZeroAccounting, check_training, largest_layer, layer_activations, lora_params, max_micro_batch,
    max_sequence, model_states, training,
};
use sizing::transformer::zoo::{config_text, find, search, zoo};

fn arch(id: &str) -> Architecture {
    find(id)
        .unwrap_or_else(|| panic!("{id} in the zoo"))
        .imported
        .arch
        .clone()
}

/// Parameter counts as Hugging Face's `num_parameters()` gives them for the
/// model class named: every weight and bias; embeddings once when tied; the
/// untied LM head counted. Published figures: model cards, papers and
/// `print_trainable_parameters` outputs (docs/transformer-memory.md lists them).
#[test]
fn parameter_counts_match_the_published_models() {
    let expect: [(&str, u64); 20] = [
        // LlamaForCausalLM: embeddings + 32 × (attention + SwiGLU + 2 RMSNorm) + norm + untied head.
        ("llama-2-7b", 6_738_415_616),
        ("llama-2-13b", 13_015_864_320),
        ("llama-2-70b", 68_976_648_192),
        ("llama-3.1-8b", 8_030_261_248),
        ("llama-3.1-70b", 70_553_706_496),
        ("llama-3.1-405b", 405_853_388_800),
        ("mistral-7b", 7_241_732_096),
        // MixtralForCausalLM: 8 experts per layer and the router (4096 × 8) counted.
        ("mixtral-8x7b", 46_702_792_704),
        ("mixtral-8x22b", 140_620_634_112),
        // Qwen2 has q/k/v biases; the card says 7.61B.
        ("qwen2.5-7b", 7_615_616_512),
        // Gemma 2 paper, Table 2: 8,324,201,984 non-embedding parameters (+ 256,000 × 3,584 tied embedding).
        ("gemma-2-9b", 9_241_705_984),
        ("gemma-2-27b", 27_227_128_320),
        ("phi-3-mini", 3_821_079_552),
        ("phi-3-medium", 13_960_238_080),
        // Main model without the multi-token-prediction layer: the "671B" of the paper.
        ("deepseek-v3", 671_026_419_200),
        ("falcon-40b", 41_303_293_952),
        // GPT2LMHeadModel: wte + wpe + 12 blocks + ln_f; head tied.
        ("gpt2", 124_439_808),
        // BertModel: embeddings (word, position, token type, LayerNorm) + 12 layers + pooler; no MLM head.
        ("bert-base", 109_482_240),
        ("bert-large", 335_141_888),
        // T5ForConditionalGeneration: shared embedding (tied head), 12 + 12 blocks, relative bias in block 0 of each stack.
        ("t5-base", 222_903_552),
    ];
    for (id, n) in expect {
        assert_eq!(arch(id).params().total, n, "{id}");
    }
    // ViTForImageClassification with 1,000 ImageNet classes: 86.6M as timm reports.
    assert_eq!(arch("vit-b-16").params().total, 86_567_656);
    for m in zoo() {
        if let Some(p) = m.entry.published_params {
            assert_eq!(m.imported.arch.params().total, p, "{}", m.entry.id);
        }
    }
}

#[test]
fn active_parameters_of_mixture_of_experts() {
    // Mixtral: 2 of 8 experts per token, "12.9B active" (Mistral AI).
    let m = arch("mixtral-8x7b").params();
    assert_eq!(m.active, 12_879_925_248);
    // DeepSeek-V3: 8 of 256 routed experts + 1 shared: "37B activated".
    let d = arch("deepseek-v3").params();
    assert_eq!(d.active, 37_552_297_472);
    // Dense models use every parameter.
    let l = arch("llama-3.1-8b").params();
    assert_eq!(l.active, l.total);
}

#[test]
fn qwen_non_embedding_count_matches_the_card() {
    // Qwen2.5-7B card: "Number of Parameters (Non-Embedding): 6.53B".
    let p = arch("qwen2.5-7b").params();
    assert_eq!(p.non_embedding(), 6_525_621_760);
}

#[test]
fn kv_cache_per_token_is_gqa_aware() {
    // 2 × layers × KV heads × head dim × 2 B.
    assert_eq!(
        kv_bytes_per_token(&arch("llama-2-7b"), KvFormat::Fp16, 1),
        524_288
    ); // 2·32·32·128·2
    assert_eq!(
        kv_bytes_per_token(&arch("llama-3.1-8b"), KvFormat::Fp16, 1),
        131_072
    ); // 2·32·8·128·2
    assert_eq!(
        kv_bytes_per_token(&arch("llama-2-70b"), KvFormat::Fp16, 1),
        327_680
    ); // 2·80·8·128·2
    // FP8 halves it; tensor parallelism over 8 GPUs leaves one KV head each.
    assert_eq!(
        kv_bytes_per_token(&arch("llama-2-70b"), KvFormat::Fp8, 1),
        163_840
    );
    assert_eq!(
        kv_bytes_per_token(&arch("llama-2-70b"), KvFormat::Fp16, 8),
        40_960
    );
    // MLA caches the 512-wide latent and the 64-wide rotary key: 61 × 576 × 2 B.
    assert_eq!(
        kv_bytes_per_token(&arch("deepseek-v3"), KvFormat::Bf16, 1),
        70_272
    );
    // llama.cpp's q8_0 cache: 34 bytes per 32 values.
    assert_eq!(
        kv_bytes_per_token(&arch("llama-3.1-8b"), KvFormat::Q8_0, 1),
        32 * (2 * 8 * 128 / 32) * 34
    );
    // Encoders keep no cache.
    assert_eq!(kv_bytes_per_token(&arch("bert-base"), KvFormat::Fp16, 1), 0);
}

#[test]
fn sliding_window_layers_cache_only_their_window() {
    // Mistral-7B v0.1: every layer attends to 4,096 tokens; at 32K context the cache stays at 4K.
    let a = arch("mistral-7b");
    let p = a.params();
    let w = InferenceWorkload {
        context: 32_768,
        ..InferenceWorkload::default()
    };
    let kv = inference(&a, &p, &w).unwrap().bytes(TermKind::KvCache);
    assert_eq!(kv, 32 * 2 * 8 * 128 * 2 * 4_096);
    let full = InferenceWorkload {
        window_cache: false,
        ..w
    };
    assert_eq!(
        inference(&a, &p, &full).unwrap().bytes(TermKind::KvCache),
        32 * 2 * 8 * 128 * 2 * 32_768
    );
    // Gemma-2-9B: 21 local layers (window 4,096) and 21 global layers at 8,192 tokens.
    let g = arch("gemma-2-9b");
    let w = InferenceWorkload {
        context: 8_192,
        ..InferenceWorkload::default()
    };
    let per_token_layer = 2 * 8 * 256 * 2;
    assert_eq!(
        inference(&g, &g.params(), &w)
            .unwrap()
            .bytes(TermKind::KvCache),
        21 * per_token_layer * 8_192 + 21 * per_token_layer * 4_096
    );
}

#[test]
fn weights_in_each_format() {
    let a = arch("llama-2-7b");
    let p = a.params();
    assert_eq!(
        weight_bytes(&p, WeightFormat::Fp16, false).bytes,
        2 * 6_738_415_616
    );
    assert_eq!(
        weight_bytes(&p, WeightFormat::Fp32, false).bytes,
        4 * 6_738_415_616
    );
    // FP8 with everything quantized is exactly half of BF16, less the norms.
    let fp8_all = weight_bytes(&p, WeightFormat::Fp8, true);
    assert_eq!(fp8_all.other_params, 65 * 4_096);
    // Linear layers only: the 131M-entry embedding and head stay in BF16.
    let fp8 = weight_bytes(&p, WeightFormat::Fp8, false);
    assert_eq!(
        fp8.quantized_params,
        32 * (4 * 4_096 * 4_096 + 3 * 4_096 * 11_008)
    );
    // TheBloke/Llama-2-7B-GGUF: llama-2-7b.Q4_K_M.gguf 4.08 GB, Q8_0 7.16 GB, Q4_0 3.83 GB
    // (files also hold the vocabulary and metadata, a few MB).
    let gb = |f| weight_bytes(&p, f, false).bytes as f64 / 1e9;
    assert!(
        (gb(WeightFormat::GgufQ4KM) - 4.08).abs() < 0.01,
        "{}",
        gb(WeightFormat::GgufQ4KM)
    );
    assert!(
        (gb(WeightFormat::GgufQ8_0) - 7.16).abs() < 0.01,
        "{}",
        gb(WeightFormat::GgufQ8_0)
    );
    assert!(
        (gb(WeightFormat::GgufQ4_0) - 3.83).abs() < 0.01,
        "{}",
        gb(WeightFormat::GgufQ4_0)
    );
    // QLoRA paper §2: double quantization brings the constants from 0.5 to 0.127 bits per parameter.
    let bits = |f: WeightFormat| f.linear_bits().bits_per_value();
    assert_eq!(bits(WeightFormat::Nf4), 4.5);
    assert!((bits(WeightFormat::Nf4Dq) - 4.127).abs() < 0.0005);
    assert!((bits(WeightFormat::Int4G128) - 4.15625).abs() < 1e-12);
}

#[test]
fn zero_paper_example() {
    // Rajbhandari et al. 2020 (ZeRO), Figure 1: 7.5B parameters, mixed-precision Adam
    // (2 + 2 + 12 bytes per parameter), 64 data-parallel GPUs.
    let psi = 7_500_000_000;
    let gb = |stage| {
        model_states(psi, Recipe::Mixed16, TrainOptimizer::Adam, stage, 64).total() as f64 / 1e9
    };
    assert_eq!(gb(0), 120.0);
    assert_eq!(format!("{:.1}", gb(1)), "31.4");
    assert_eq!(format!("{:.1}", gb(2)), "16.6");
    assert_eq!(format!("{:.1}", gb(3)), "1.9");
    // Megatron-LM's FP32 gradient accumulation: 18 bytes per parameter.
    assert_eq!(
        model_states(1, Recipe::Mixed18, TrainOptimizer::Adam, 0, 1).total(),
        18
    );
    assert_eq!(
        model_states(1, Recipe::PureBf16, TrainOptimizer::Adam, 0, 1).total(),
        8
    );
    assert_eq!(
        model_states(1, Recipe::Fp32, TrainOptimizer::Adam, 0, 1).total(),
        16
    );
    // BF16 weights and gradients with FP32 Adam moments and no master copy: the
    // 12 bytes per parameter of PEFT's LoRA and QLoRA recipes.
    assert_eq!(
        model_states(1, Recipe::Bf16Fp32States, TrainOptimizer::Adam, 0, 1).total(),
        12
    );
    assert_eq!(
        model_states(1, Recipe::Mixed16, TrainOptimizer::Adam8bit, 0, 1).total(),
        10
    );
}

/// A GPT-3-175B-shaped layer (Korthikanti et al. 2022, Table 3: h = 12,288,
/// a = 96, s = 2,048): the paper's per-layer formulas hold exactly.
#[test]
fn korthikanti_activation_formulas() {
    let mut a = arch("gpt2");
    a.hidden = 12_288;
    a.heads = 96;
    a.kv_heads = 96;
    a.head_dim = 128;
    a.ffn = 4 * 12_288;
    a.ffn_kind = FfnKind::Plain;
    let (s, b, h, heads) = (2_048.0, 1.0, 12_288.0, 96.0);
    let w = TrainingWorkload {
        sequence: 2_048,
        flash_attention: false,
        ..TrainingWorkload::default()
    };
    let got = layer_activations(&a, &w, 2_048);
    assert_eq!(got, s * b * h * (34.0 + 5.0 * heads * s / h));
    let t = 8.0;
    let tp = TrainingWorkload {
        tensor_parallel: 8,
        ..w.clone()
    };
    assert_eq!(
        layer_activations(&a, &tp, 2_048),
        s * b * h * (10.0 + 24.0 / t + 5.0 * heads * s / (h * t))
    );
    let sp = TrainingWorkload {
        sequence_parallel: true,
        ..tp.clone()
    };
    assert_eq!(
        layer_activations(&a, &sp, 2_048),
        s * b * h * (34.0 + 5.0 * heads * s / h) / t
    );
    let selective = TrainingWorkload {
        recompute: Recompute::Selective,
        ..sp.clone()
    };
    assert_eq!(
        layer_activations(&a, &selective, 2_048),
        34.0 * s * b * h / t
    );
    let full = TrainingWorkload {
        recompute: Recompute::Full,
        sequence_parallel: false,
        ..tp
    };
    assert_eq!(layer_activations(&a, &full, 2_048), 2.0 * s * b * h);
    // FlashAttention drops the score term just as selective recomputation does.
    let flash = TrainingWorkload {
        flash_attention: true,
        ..w
    };
    assert_eq!(layer_activations(&a, &flash, 2_048), 34.0 * s * b * h);
}

#[test]
fn lora_trains_a_small_fraction() {
    let a = arch("llama-2-7b");
    let p = a.params();
    // r = 8 on q and v: 32 layers × 2 × 8 × (4096 + 4096) = 4,194,304, as PEFT prints for Llama-2-7B.
    assert_eq!(lora_params(&a, &p, 8, LoraTargets::QV), 4_194_304);
    // All linear layers at r = 16: 32 × 16 × (4·8192 + 3·(4096 + 11008)) = 39,976,960.
    assert_eq!(lora_params(&a, &p, 16, LoraTargets::ALL_LINEAR), 39_976_960);
    let full = training(&a, &p, &TrainingWorkload::default()).unwrap();
    let lora = training(
        &a,
        &p,
        &TrainingWorkload {
            method: Method::Lora {
                rank: 16,
                targets: LoraTargets::ALL_LINEAR,
            },
            ..TrainingWorkload::default()
        },
    )
    .unwrap();
    assert_eq!(full.bytes(TermKind::OptimizerState), 8 * 6_738_415_616);
    assert_eq!(lora.bytes(TermKind::OptimizerState), 8 * 39_976_960);
    assert_eq!(lora.bytes(TermKind::FrozenWeights), 2 * 6_738_415_616);
    let qlora = training(
        &a,
        &p,
        &TrainingWorkload {
            method: Method::Qlora {
                rank: 16,
                targets: LoraTargets::ALL_LINEAR,
                double_quant: true,
            },
            ..TrainingWorkload::default()
        },
    )
    .unwrap();
    // The 4-bit base is about 3.6 GB against 13.5 GB in BF16.
    let frozen = qlora.bytes(TermKind::FrozenWeights) as f64 / 1e9;
    assert!((3.5..3.9).contains(&frozen), "{frozen}");
}

#[test]
fn training_splits_per_gpu() {
    let a = arch("llama-2-70b");
    let p = a.params();
    let w = TrainingWorkload {
        tensor_parallel: 8,
        pipeline_parallel: 2,
        micro_batches: 8,
        data_parallel: 4,
        zero_stage: 1,
        sequence_parallel: true,
        recompute: Recompute::Selective,
        ..TrainingWorkload::default()
    };
    let e = training(&a, &p, &w).unwrap();
    assert_eq!(e.gpus_per_copy, 16);
    // Weights: 2 B per parameter split over 16 GPUs; optimizer: 8 B ÷ 4 (ZeRO-1) ÷ 16.
    assert_eq!(e.bytes(TermKind::Weights), (2 * p.total).div_ceil(16));
    assert_eq!(
        e.bytes(TermKind::OptimizerState),
        (8 * p.total).div_ceil(4).div_ceil(16)
    );
}

/// The reverse questions of training. With full recomputation a sequence more
/// in the micro-batch adds the same bytes (its checkpoints, its one layer's
/// activations, its logits), so the largest micro-batch that fits is, by hand,
/// (memory − the total at micro-batch 0) ÷ those bytes; and the answer is the
/// last micro-batch (or sequence length) whose total is within the memory.
#[test]
fn training_reverse_questions() {
    let a = arch("llama-2-7b");
    let p = a.params();
    let w = TrainingWorkload {
        data_parallel: 8,
        zero_stage: 3,
        recompute: Recompute::Full,
        sequence: 4_096,
        micro_batch: 1,
        ..TrainingWorkload::default()
    };
    let total = |b: u64, n: u64| {
        let w = TrainingWorkload {
            micro_batch: b,
            sequence: n,
            ..w.clone()
        };
        training(&a, &p, &w).unwrap().total
    };
    let per = total(2, 4_096) - total(1, 4_096);
    assert_eq!(total(3, 4_096) - total(2, 4_096), per);
    let memory = 80 * (1u64 << 30);
    let by_hand = (memory - (total(1, 4_096) - per)) / per;
    match max_micro_batch(&a, &p, &w, memory) {
        Reverse::Fits { value, total: t } => {
            assert_eq!(value, by_hand);
            assert_eq!(t, total(value, 4_096));
            assert!(total(value + 1, 4_096) > memory);
        }
        other => panic!("{other:?}"),
    }
    match max_sequence(&a, &p, &w, memory) {
        Reverse::Fits { value, total: t } => {
            assert!(value > 4_096, "{value}");
            assert_eq!(t, total(1, value));
            assert!(t <= memory && total(1, value + 1) > memory);
        }
        // Llama-2-7B has 4,096 positions: every length up to them fits.
        Reverse::Unbounded { limit } => assert_eq!(limit, 4_096),
        other => panic!("{other:?}"),
    }
    // A sequence longer than the model's 4,096 positions that fits is not
    // answered below itself, and is warned about.
    let long = TrainingWorkload {
        sequence: 8_192,
        ..w.clone()
    };
    assert!(total(1, 8_192) <= memory);
    assert!(max_sequence(&a, &p, &long, memory).value() >= 8_192);
    assert!(
        training(&a, &p, &long)
            .unwrap()
            .warnings
            .iter()
            .any(|w| w.contains("8,192 tokens is longer than the 4,096 positions"))
    );
    // In 8 GiB not even one sequence trains: the model states alone are more.
    assert!(matches!(
        max_micro_batch(&a, &p, &w, 8 << 30),
        Reverse::Nothing { total_at_one } if total_at_one == total(1, 4_096)
    ));
}

/// Korthikanti et al. 2022, §4.2.3: with p stages the first stage holds p
/// micro-batches of its L/p layers under 1F1B, (1 + (p − 1)/(p·v)) times that
/// interleaved with v chunks, and all m micro-batches under GPipe.
#[test]
fn the_pipeline_schedule_sets_the_first_stage_activations() {
    let a = arch("llama-2-7b");
    let p = a.params();
    let at = |schedule, v| {
        let w = TrainingWorkload {
            pipeline_parallel: 4,
            micro_batches: 8,
            schedule,
            virtual_stages: v,
            ..TrainingWorkload::default()
        };
        training(&a, &p, &w).unwrap().bytes(TermKind::Activations) as f64
    };
    let one_f_one_b = at(Schedule::OneFOneB, 2);
    let per_layer = layer_activations(&a, &TrainingWorkload::default(), 4_096);
    // 32 layers over 4 stages: 8 layers × 4 micro-batches in flight.
    assert!((one_f_one_b - per_layer * 8.0 * 4.0).abs() <= 1.0);
    assert!((at(Schedule::Gpipe, 2) / one_f_one_b - 2.0).abs() < 1e-9);
    // v = 2: 1 + 3/8.
    assert!((at(Schedule::Interleaved, 2) / one_f_one_b - 1.375).abs() < 1e-9);
    // 32 layers do not split into 4 stages × 3 chunks, and 6 micro-batches are
    // not a multiple of 4 stages.
    let w = TrainingWorkload {
        pipeline_parallel: 4,
        micro_batches: 6,
        schedule: Schedule::Interleaved,
        virtual_stages: 3,
        ..TrainingWorkload::default()
    };
    let fields: Vec<String> = check_training(&a, &w)
        .into_iter()
        .map(|e| match e {
            sizing::transformer::memory::EstimateError::Field { field, .. } => field,
            other => other.to_string(),
        })
        .collect();
    assert_eq!(fields, ["virtual_stages", "micro_batches"]);
}

/// DeepSpeed's offload (memory.rst, its estimator): ZeRO-2 with the optimizer
/// offloaded keeps only the 16-bit weights on a GPU (2 B per parameter); ZeRO-3
/// with the weights offloaded too keeps the largest layer's 16-bit weights and
/// gradients (4 × largest_layer_params bytes).
#[test]
fn offload_leaves_what_deepspeed_says_on_the_gpu() {
    let a = arch("llama-2-7b");
    let p = a.params();
    let at = |zero_stage, offload| {
        let w = TrainingWorkload {
            data_parallel: 8,
            zero_stage,
            offload,
            ..TrainingWorkload::default()
        };
        let e = training(&a, &p, &w).unwrap();
        let states: u64 = [
            TermKind::Weights,
            TermKind::Gradients,
            TermKind::MasterWeights,
            TermKind::OptimizerState,
        ]
        .into_iter()
        .map(|k| e.bytes(k))
        .sum();
        (states, e.warnings)
    };
    let (zero2, warnings) = at(2, Offload::Optimizer);
    assert_eq!(zero2, 2 * p.total);
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Offloaded to host memory"))
    );
    // The embedding, 32,000 × 4,096, is Llama-2-7B's largest tensor.
    assert_eq!(largest_layer(&a), 32_000 * 4_096);
    assert_eq!(at(3, Offload::OptimizerAndParams).0, 4 * 32_000 * 4_096);
    // ZeRO-3, optimizer offloaded: the weights' shard stays.
    assert_eq!(at(3, Offload::Optimizer).0, (2 * p.total).div_ceil(8));
    let refuse = |zero_stage, offload| {
        let w = TrainingWorkload {
            zero_stage,
            offload,
            ..TrainingWorkload::default()
        };
        check_training(&a, &w).len()
    };
    assert_eq!(refuse(0, Offload::Optimizer), 1);
    assert_eq!(refuse(2, Offload::OptimizerAndParams), 1);
    assert_eq!(refuse(1, Offload::Optimizer), 0);
}

/// DeepSpeed's estimator (stage_1_and_2.py, stage3.py), Llama-2-7B over 8 GPUs with
/// mixed-precision Adam: ZeRO-2 4P + 16P/8; ZeRO-3 18P/8 + 4 × largest; ZeRO-3 with
/// the optimizer offloaded 2P/8 + 4 × largest; everything offloaded 4 × largest.
#[test]
fn deepspeeds_estimator_counts_as_its_code_does() {
    let a = arch("llama-2-7b");
    let p = a.params();
    let largest = 32_000 * 4_096;
    let states = |zero_stage, offload| {
        let w = TrainingWorkload {
            data_parallel: 8,
            zero_stage,
            offload,
            accounting: ZeroAccounting::DeepspeedEstimator,
            ..TrainingWorkload::default()
        };
        assert!(check_training(&a, &w).is_empty());
        let e = training(&a, &p, &w).unwrap();
        [
            TermKind::Weights,
            TermKind::Gradients,
            TermKind::MasterWeights,
            TermKind::OptimizerState,
        ]
        .map(|k| e.bytes(k))
    };
    let z2 = states(2, Offload::None);
    assert_eq!(
        z2,
        [
            2 * p.total,
            2 * p.total,
            (4 * p.total).div_ceil(8),
            (12 * p.total).div_ceil(8)
        ]
    );
    let z3: u64 = states(3, Offload::None).iter().sum();
    assert_eq!(
        z3,
        (2 * p.total).div_ceil(8)
            + (4 * p.total).div_ceil(8)
            + (12 * p.total).div_ceil(8)
            + 4 * largest
    );
    // Within rounding of 18P/8 + 4 × largest.
    assert!(z3.abs_diff(18 * p.total / 8 + 4 * largest) <= 3);
    assert_eq!(
        states(3, Offload::Optimizer).iter().sum::<u64>(),
        (2 * p.total).div_ceil(8) + 4 * largest
    );
    assert_eq!(
        states(3, Offload::OptimizerAndParams).iter().sum::<u64>(),
        4 * largest
    );
    assert_eq!(
        states(2, Offload::Optimizer).iter().sum::<u64>(),
        2 * p.total
    );
    // Outside what the estimator covers, the field says so.
    for w in [
        TrainingWorkload {
            zero_stage: 1,
            data_parallel: 8,
            accounting: ZeroAccounting::DeepspeedEstimator,
            ..TrainingWorkload::default()
        },
        TrainingWorkload {
            zero_stage: 2,
            data_parallel: 8,
            recipe: Recipe::Mixed18,
            accounting: ZeroAccounting::DeepspeedEstimator,
            ..TrainingWorkload::default()
        },
    ] {
        let problems = check_training(&a, &w);
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}

#[test]
fn inference_terms_and_reverse_questions() {
    let a = arch("llama-3.1-8b");
    let p = a.params();
    // "Will Llama-3.1-8B serve 16 users at 8K context?"
    let w = InferenceWorkload {
        sequences: 16,
        context: 8_192,
        ..InferenceWorkload::default()
    };
    let e = inference(&a, &p, &w).unwrap();
    assert_eq!(e.bytes(TermKind::Weights), 2 * 8_030_261_248);
    assert_eq!(e.bytes(TermKind::KvCache), 16 * 8_192 * 131_072); // 16 GiB
    assert!(e.low <= e.total && e.total <= e.high);
    let memory = 80 * (1u64 << 30);
    match max_context(&a, &p, &w, memory) {
        Reverse::Fits { value, total } => {
            assert!(total <= memory);
            let more = InferenceWorkload {
                context: value + 1,
                ..w.clone()
            };
            assert!(inference(&a, &p, &more).unwrap().total > memory);
            assert!(value > 8_192);
        }
        other => panic!("{other:?}"),
    }
    match max_sequences(&a, &p, &w, memory) {
        Reverse::Fits { value, total } => {
            assert!(total <= memory);
            assert!(value >= 16);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        max_sequences(&a, &p, &w, 1 << 30),
        Reverse::Nothing { .. }
    ));
    // vLLM keeps 10 % of the GPU free at gpu_memory_utilization 0.9.
    let vllm = InferenceWorkload {
        memory_utilization: 0.9,
        ..w
    };
    let e9 = inference(&a, &p, &vllm).unwrap();
    let reserve = e9.bytes(TermKind::EngineReserve);
    assert!(
        (e9.total as f64 * 0.9 - e.total as f64).abs() < 2.0,
        "{reserve}"
    );
}

#[test]
fn a_pasted_config_gives_the_zoo_numbers() {
    for m in zoo() {
        let text = config_text(m);
        let imported = import(&text).unwrap_or_else(|e| panic!("{}: {e}", m.entry.id));
        assert_eq!(imported.arch, m.imported.arch, "{}", m.entry.id);
        assert_eq!(imported.arch.params().total, m.imported.arch.params().total);
    }
}

#[test]
fn bad_configs_name_the_problem() {
    let msg = |text: &str| import(text).unwrap_err().to_string();
    assert_eq!(msg(""), "Paste the contents of a config.json.");
    assert!(msg("{ \"model_type\": ").starts_with("Not valid JSON: EOF while parsing"));
    assert!(msg("[1, 2]").contains("JSON object"));
    assert!(msg("{}").starts_with("model_type: is missing"));
    assert!(msg(r#"{"model_type": "mamba"}"#).starts_with(
        "model_type: \"mamba\" is not a supported architecture. Supported: llama, mistral"
    ));
    let llama = config_text(find("llama-2-7b").unwrap());
    let without = |key: &str| {
        let mut v: serde_json::Value = serde_json::from_str(&llama).unwrap();
        v.as_object_mut().unwrap().remove(key);
        v.to_string()
    };
    let with = |key: &str, value: serde_json::Value| {
        let mut v: serde_json::Value = serde_json::from_str(&llama).unwrap();
        v.as_object_mut().unwrap().insert(key.into(), value);
        v.to_string()
    };
    assert_eq!(
        msg(&without("hidden_size")),
        "hidden_size: is missing; a llama config needs it"
    );
    assert_eq!(
        msg(&with("hidden_size", serde_json::json!("4096"))),
        "hidden_size: must be a number, found the text \"4096\""
    );
    assert_eq!(
        msg(&with("num_hidden_layers", serde_json::json!(-32))),
        "num_hidden_layers: must not be negative, found -32"
    );
    assert_eq!(
        msg(&with("intermediate_size", serde_json::json!(11008.5))),
        "intermediate_size: must be a whole number, found 11008.5"
    );
    assert_eq!(
        msg(&with("num_attention_heads", serde_json::json!(30))),
        "num_attention_heads: hidden size 4096 is not divisible by 30 heads, and head_dim is not given"
    );
    assert_eq!(
        msg(&with("num_key_value_heads", serde_json::json!(5))),
        "num_key_value_heads: the 32 query heads do not divide into groups of 5 key/value heads: use 4 or 8"
    );
    assert_eq!(
        msg(&with("hidden_size", serde_json::json!(1u64 << 40))),
        "hidden_size: must be between 1 and 131,072, not 1,099,511,627,776"
    );
    // A whole number written as a float is read as one; one past any range is said so.
    assert_eq!(
        msg(&with("num_hidden_layers", serde_json::json!(1e20))),
        "num_hidden_layers: is far too large, found 1e+20"
    );
    let float = import(&with("num_hidden_layers", serde_json::json!(32.0))).unwrap();
    assert_eq!(float.arch.layers, 32);
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(
        msg(&format!("{{\"x\": {deep}}}"))
            .starts_with("Not a config.json: nested more than 128 levels deep"),
    );
    assert_eq!(
        msg(&with("num_hidden_layers", serde_json::json!(0))),
        "num_hidden_layers: must be between 1 and 1,024, not 0"
    );
    assert_eq!(
        msg(&with("tie_word_embeddings", serde_json::json!("no"))),
        "tie_word_embeddings: must be true or false, found \"no\""
    );
    // A missing key with a documented default is an assumption, not an error.
    let imported = import(&without("num_key_value_heads")).unwrap();
    assert!(imported.assumptions[0].starts_with("num_key_value_heads is not given"));
    // Hostile input: deep nesting and huge files are refused, not crashed on.
    let deep = "[".repeat(100_000);
    assert!(msg(&deep).starts_with("Not a config.json: nested more than 128 levels deep"));
    let huge = format!(
        "{{\"model_type\": \"llama\", \"x\": \"{}\"}}",
        "a".repeat(3 << 20)
    );
    assert!(msg(&huge).starts_with("The file is 3,145,"));
}

#[test]
fn search_finds_models_by_words() {
    let names = |q: &str| {
        search(q)
            .iter()
            .map(|m| m.entry.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("llama 70"), ["llama-2-70b", "llama-3.1-70b"]);
    assert_eq!(names("MIXTRAL"), ["mixtral-8x7b", "mixtral-8x22b"]);
    assert_eq!(names("qwen 72").len(), 1);
    assert!(names("no such model").is_empty());
    assert_eq!(search("").len(), zoo().len());
    assert!(zoo().len() >= 24);
}

/// vLLM budgets the peak of its profiling run: the forward pass over the batched
/// tokens, or, when larger, the sampler run on max_num_seqs requests over the
/// whole vocabulary at 16 B per entry (FP32 logits, their sorted copy, int64
/// indices). Llama-3.1-8B on an H100 under `vllm serve` (1,024 requests):
/// 1,024 × 128,256 × 16 B = 2,101,346,304 B (1.957 GiB; vLLM 0.19.0 printed a
/// torch peak increase of 1.89 GiB), the same at every tensor-parallel degree.
#[test]
fn vllm_profiles_its_sampler_on_max_num_seqs_requests() {
    use sizing::transformer::ServingEngine;
    let a = arch("llama-3.1-8b");
    let p = a.params();
    let served = |sequences: u64, tensor_parallel: u32, engine: ServingEngine| {
        let w = InferenceWorkload {
            context: 8_192,
            prefill_chunk: 8_192,
            sequences,
            tensor_parallel,
            engine,
            ..InferenceWorkload::default()
        };
        inference(&a, &p, &w).unwrap()
    };
    for tp in [1, 2, 4] {
        let e = served(1_024, tp, ServingEngine::Vllm);
        assert_eq!(e.bytes(TermKind::Activations), 1_024 * 128_256 * 16);
        // The sampler's logits are in that peak, not a term of their own.
        assert_eq!(e.bytes(TermKind::Logits), 0);
    }
    // Fewer sequences than vLLM's default max_num_seqs: 256 requests are sampled,
    // 256 × 128,256 × 16 B = 525,336,576 B, below the forward pass over 8,192
    // tokens: the residual stream and the normalised input (2 × 4,096), the
    // gate-and-up output (2 × 14,336) beside its activated half (14,336), × 2 B
    // = 838,860,800 B.
    let e = served(16, 1, ServingEngine::Vllm);
    assert_eq!(
        e.bytes(TermKind::Activations),
        8_192 * (2 * 4_096 + 2 * 14_336 + 14_336) * 2
    );
    assert_eq!(e.bytes(TermKind::Activations), 838_860_800);
    // Other engines: the forward workspace and the logits of the sequences asked.
    let e = served(16, 1, ServingEngine::Generic);
    assert_eq!(
        e.bytes(TermKind::Activations),
        8_192 * (2 * 4_096 + 2 * 14_336 + 14_336) * 2
    );
    assert_eq!(e.bytes(TermKind::Logits), 16 * 128_256 * 4);
    // Split over two GPUs, each holds its half of the FFN's intermediates.
    let e = served(16, 2, ServingEngine::Generic);
    assert_eq!(
        e.bytes(TermKind::Activations),
        8_192 * (2 * 4_096 + (2 * 14_336 + 14_336) / 2) * 2
    );
}

/// llama.cpp's own buffer lines. Its CI at build 2459 (github.com/ggml-org/ci
/// 030daed, ggml-4-x86-cuda-v100): OpenLLaMA-7B v2, Llama-2-7B's shape, on a
/// V100 with one sequence and n_ubatch 512, before llama.cpp had FlashAttention;
/// and llama-cpp-python on an RTX 3070 with Llama-3-8B Q4_K_M at n_ctx 512
/// (developer0hye/llama-3-korean-bllossom-8b-q4-docker, README).
#[test]
fn llama_cpp_keeps_the_token_embedding_on_the_host_and_sizes_its_compute_buffer_as_it_logs() {
    use sizing::transformer::ServingEngine;
    const MIB: u64 = 1 << 20;
    let run = |id: &str, weights: WeightFormat, context: u64| {
        let a = arch(id);
        let p = a.params();
        let w = InferenceWorkload {
            weights,
            context,
            sequences: 1,
            prefill_chunk: 512,
            flash_attention: false,
            engine: ServingEngine::LlamaCpp,
            runtime_overhead: 0,
            ..InferenceWorkload::default()
        };
        inference(&a, &p, &w).unwrap()
    };
    // "CPU buffer size = 250.00 MiB", "CUDA0 buffer size = 12603.02 MiB",
    // "CUDA0 KV buffer size = 1024.00 MiB", "CUDA0 compute buffer size = 164.00 MiB".
    let e = run("llama-2-7b", WeightFormat::Fp16, 2_048);
    assert_eq!(e.host, 32_000 * 4_096 * 2);
    assert_eq!(e.host, 250 * MIB);
    // 6,738,415,616 parameters less the embedding, in F16: 12,602.5 MiB, the
    // buffer less llama.cpp's 0.52 MiB of alignment.
    assert_eq!(
        e.bytes(TermKind::Weights),
        (6_738_415_616 - 32_000 * 4_096) * 2
    );
    assert_eq!(e.bytes(TermKind::KvCache), 1_024 * MIB);
    // 512 × 2,048 × (32 heads + 1 mask) × 4 B + 4 × 512 × 4,096 × 4 B.
    assert_eq!(e.bytes(TermKind::Activations), 164 * MIB);
    assert_eq!(e.bytes(TermKind::Logits), 0);
    // Q8_0 at n_ctx 512: "CPU buffer size = 132.81 MiB", "CUDA0 compute buffer
    // size = 70.50 MiB" (the output stage: 512 × (32,000 + 4,096) × 4 B).
    let e = run("llama-2-7b", WeightFormat::GgufQ8_0, 512);
    assert_eq!(e.host, 32_000 * 4_096 / 32 * 34);
    assert_eq!(e.bytes(TermKind::Activations), 512 * (32_000 + 4_096) * 4);
    assert_eq!(e.bytes(TermKind::Activations) * 2, 141 * MIB);
    // Llama-3-8B Q4_K_M at n_ctx 512: "CPU buffer size = 281.81 MiB" (Q4_K),
    // "CUDA0 KV buffer size = 64.00 MiB", "CUDA0 compute buffer size = 258.50 MiB".
    let e = run("llama-3.1-8b", WeightFormat::GgufQ4KM, 512);
    assert_eq!(e.host, 128_256 * 4_096 / 256 * 144);
    assert_eq!(e.bytes(TermKind::KvCache), 64 * MIB);
    assert_eq!(e.bytes(TermKind::Activations) * 2, 517 * MIB);
    // A tied model loads its embedding on the GPU again as the output layer.
    let e = run("gemma-2-9b", WeightFormat::GgufQ8_0, 512);
    assert_eq!(e.host, 0);
    // Other engines keep every weight on the GPU.
    let a = arch("llama-2-7b");
    let p = a.params();
    let e = inference(&a, &p, &InferenceWorkload::default()).unwrap();
    assert_eq!(e.host, 0);
    assert_eq!(e.bytes(TermKind::Weights), 6_738_415_616 * 2);
}

/// vLLM's CUDA context and CUDA graphs live outside its fraction, in the tenth
/// of the GPU it leaves free at 0.9: for a small model that sets the size.
#[test]
fn vllm_needs_room_for_its_context_and_graphs_beside_its_fraction() {
    use sizing::transformer::ServingEngine;
    const MIB: u64 = 1 << 20;
    let served = |id: &str| {
        let a = arch(id);
        let p = a.params();
        let w = InferenceWorkload {
            engine: ServingEngine::Vllm,
            memory_utilization: 0.9,
            ..InferenceWorkload::default()
        };
        inference(&a, &p, &w).unwrap()
    };
    // GPT-2: 12 layers; (522 MiB + 307 MiB + 12 × 18 MiB) ÷ (1 − 0.9) = 10,450 MiB.
    let e = served("gpt2");
    assert_eq!(e.total, 10_450 * MIB);
    assert_eq!(e.min_gpu, 10_450 * MIB);
    // Two GPUs over NVLink: the process group's context, 1,567 MiB; over PCIe
    // it stays 522 MiB.
    assert_eq!(e.demand().per_gpu(2), (1_567 + 307 + 12 * 18) * 10 * MIB);
    let two = sizing::catalog::Layout::model(2, 1, 1);
    assert_eq!(e.demand().per_gpu_in(two, 1), 10_450 * MIB);
    let w = e
        .warnings
        .iter()
        .find(|w| w.starts_with("vLLM keeps"))
        .unwrap();
    assert!(w.contains("here they set the size, 10.21 GiB"), "{w}");
    assert!(
        w.contains("--enforce-eager (no CUDA graphs) 5.10 GiB"),
        "{w}"
    );
    // Llama-3.1-8B's budget at 0.9 (18 GiB) exceeds the 13.72 GiB those ask.
    let e = served("llama-3.1-8b");
    assert!(!e.warnings.iter().any(|w| w.starts_with("vLLM keeps")));
    let budget = e
        .terms
        .iter()
        .filter(|t| t.kind != TermKind::EngineReserve)
        .map(|t| t.bytes)
        .sum::<u64>();
    assert_eq!(e.total, (budget as f64 / 0.9).ceil() as u64);
}

#[test]
fn a_config_without_max_position_embeddings_takes_the_class_default() {
    // LlamaConfig's documented default is 2,048; the file's silence is listed.
    let shape = r#"{"model_type":"llama","hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,"intermediate_size":11008,"vocab_size":32000}"#;
    let m = import(shape).unwrap();
    assert_eq!(m.arch.max_positions, 2048);
    assert!(
        m.assumptions.iter().any(
            |a| a.starts_with("max_position_embeddings is not given: the llama default (2048)")
        ),
        "{:?}",
        m.assumptions
    );
    let mistral = shape.replace("\"llama\"", "\"mistral\"");
    assert_eq!(import(&mistral).unwrap().arch.max_positions, 131_072);
}
