//! The scenario format over generated scenarios: scenario → link → scenario,
//! scenario → JSON → scenario and saved list → export → import are the identity;
//! bad files name the field. Native only: proptest needs an OS.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use sizing::catalog::{Catalog, DeploymentMode, VgpuMode};
use sizing::cnn::{Optimizer, Preset};
use sizing::compress::Compression;
use sizing::mode::Mode;
use sizing::precision::Precision;
use sizing::report::{Report, size, size_page};
use sizing::scenario::link::{self, AppState, CatalogView, FormatsView, Page};
use sizing::scenario::store::Library;
use sizing::scenario::{
    ArchEdits, CnnScenario, Deployment, FromForm, ModelRef, NetworkRef, Scenario,
    TransformerScenario, VERSION, Workload, parse,
};
use sizing::speed::{Engine, Link, Overlap, SpeedInputs};
use sizing::transformer::training::MethodKind;
use sizing::transformer::training::{
    LoraTargets, Offload, Recipe, Recompute, Schedule, TrainOptimizer, ZeroAccounting,
};
use sizing::transformer::zoo::zoo;
use sizing::transformer::{KvFormat, ServingEngine, WeightFormat};
use sizing::units::ByteUnits;

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(all)
}

/// Text with the characters links must escape, and some that need no escaping.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 ]{1,12}",
        "[&=#%+.?/\"'{}\\[\\]:, \n\tÄé€🙂a-z0-9-]{0,24}",
        Just("123".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("\"quoted\"".to_string()),
    ]
}

/// Any u64, weighted towards the sizes people type.
fn number() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..=100_000, any::<u64>()]
}

/// Finite decimals, including ones that print with many digits.
fn decimal() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..=100_000).prop_map(f64::from),
        (0u32..=1000, 1u32..=1000).prop_map(|(a, b)| f64::from(a) / f64::from(b)),
        -1e12f64..1e12,
    ]
}

fn model() -> impl Strategy<Value = ModelRef> {
    (0..zoo().len(), any::<bool>()).prop_map(|(i, config)| {
        let m = &zoo()[i];
        if config {
            ModelRef::Config(m.entry.config.clone())
        } else {
            ModelRef::Zoo(m.entry.id.clone())
        }
    })
}

fn arch_edits() -> BoxedStrategy<ArchEdits> {
    let n = || prop::option::of(number());
    (
        (n(), n(), n(), n(), n(), n()),
        (n(), n(), n(), n(), n()),
        (
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |(
                (layers, hidden, heads, kv_heads, head_dim, ffn),
                (vocab, max_positions, experts, experts_per_token, expert_ffn),
                (gated, tied),
            )| ArchEdits {
                layers,
                hidden,
                heads,
                kv_heads,
                head_dim,
                ffn,
                vocab,
                max_positions,
                experts,
                experts_per_token,
                expert_ffn,
                gated,
                tied,
            },
        )
        .boxed()
}

fn transformer() -> BoxedStrategy<TransformerScenario> {
    (
        (
            model(),
            arch_edits(),
            pick(&Mode::ALL),
            pick(&WeightFormat::ALL),
        ),
        (
            any::<bool>(),
            pick(&KvFormat::ALL),
            number(),
            number(),
            number(),
        ),
        (
            any::<bool>(),
            any::<bool>(),
            number(),
            decimal(),
            decimal(),
            decimal(),
        ),
        (
            pick(&MethodKind::ALL),
            number(),
            any::<[bool; 5]>(),
            any::<bool>(),
        ),
        (
            pick(&Recipe::ALL),
            pick(&TrainOptimizer::ALL),
            number(),
            pick(&Recompute::ALL),
        ),
        (
            number(),
            any::<u8>(),
            any::<bool>(),
            number(),
            number(),
            pick(&Schedule::ALL),
            number(),
            pick(&Offload::ALL),
            pick(&ZeroAccounting::ALL),
        ),
    )
        .prop_map(|(a, b, c, d, e, f)| TransformerScenario {
            model: a.0,
            arch: a.1,
            mode: a.2,
            weights: a.3,
            quantize_embeddings: b.0,
            kv: b.1,
            sequences: b.2,
            context: b.3,
            prefill_chunk: Some(b.4),
            flash_attention: c.0,
            window_cache: c.1,
            tensor_parallel: c.2,
            overhead_mib: Some(c.3),
            engine: ServingEngine::Generic,
            utilization: Some(c.4),
            memory_gib: c.5,
            method: d.0,
            lora_rank: d.1,
            lora_targets: LoraTargets {
                q: d.2[0],
                k: d.2[1],
                v: d.2[2],
                o: d.2[3],
                ffn: d.2[4],
            },
            double_quant: d.3,
            recipe: e.0,
            optimizer: e.1,
            micro_batch: e.2,
            recompute: Some(e.3),
            data_parallel: f.0,
            zero_stage: f.1,
            sequence_parallel: f.2,
            pipeline_parallel: f.3,
            micro_batches: f.4,
            pipeline_schedule: f.5,
            virtual_stages: f.6,
            offload: f.7,
            zero_accounting: f.8,
        })
        .boxed()
}

fn cnn() -> BoxedStrategy<CnnScenario> {
    let network = prop_oneof![
        pick(&Preset::ALL).prop_map(NetworkRef::Preset),
        text().prop_map(NetworkRef::Layers),
        Just(NetworkRef::Layers(
            "conv 64 3x3 pad=1\npool 2\nfc 10 # a=b&c\n".into()
        )),
    ];
    (
        network,
        prop::option::of(number()),
        prop::option::of(number()),
        prop::option::of(number()),
        number(),
        pick(&Precision::ALL),
        pick(&Mode::ALL),
        pick(&Optimizer::ALL),
        any::<bool>(),
        decimal(),
        decimal(),
    )
        .prop_map(
            |(network, height, width, channels, batch, precision, mode, optimizer, mixed, o, m)| {
                CnnScenario {
                    network,
                    height,
                    width,
                    channels,
                    batch,
                    precision,
                    mode,
                    optimizer,
                    mixed_precision: mixed,
                    overhead_mib: o,
                    memory_gib: m,
                }
            },
        )
        .boxed()
}

fn deployment() -> BoxedStrategy<Deployment> {
    (
        decimal(),
        number(),
        pick(&VgpuMode::ALL),
        any::<bool>(),
        prop::option::of(text()),
        prop::option::of(prop_oneof![
            Just("PCIe".to_string()),
            Just("SXM".to_string()),
            text()
        ]),
        prop::option::of(pick(&DeploymentMode::ALL)),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(margin, cards, vgpu_mode, ecc, architecture, form_class, mode, tiny, all)| {
                Deployment {
                    margin_percent: margin,
                    cards_per_host: cards,
                    vgpu_mode,
                    ecc,
                    architecture,
                    form_class,
                    mode,
                    show_too_small: tiny,
                    all_profiles: all,
                    ..Deployment::default()
                }
            },
        )
        .boxed()
}

/// Scenarios a person would size: every number in its usual range, so that most
/// give a report (the generators above mostly give errors).
fn plausible() -> BoxedStrategy<Scenario> {
    let transformer = (
        model(),
        pick(&Mode::ALL),
        pick(&WeightFormat::ALL),
        pick(&KvFormat::ALL),
        (
            1u64..=64,
            1u64..=16_384,
            prop::sample::select(vec![1u64, 2, 4, 8]),
        ),
        (0u32..=4096).prop_map(f64::from),
        pick(&MethodKind::ALL),
        (1u64..=8, pick(&Recompute::ALL), 0u8..=3, 1u64..=8),
        prop::option::of(1u64..=96),
    )
        .prop_map(
            |(model, mode, weights, kv, (sequences, context, tp), overhead, method, t, layers)| {
                Workload::Transformer(TransformerScenario {
                    model,
                    arch: ArchEdits {
                        layers,
                        ..ArchEdits::default()
                    },
                    mode,
                    weights,
                    kv,
                    sequences,
                    context,
                    tensor_parallel: tp,
                    overhead_mib: Some(overhead),
                    method,
                    micro_batch: t.0,
                    recompute: Some(t.1),
                    zero_stage: t.2,
                    data_parallel: t.3,
                    ..TransformerScenario::default()
                })
            },
        );
    let cnn = (
        pick(&Preset::ALL),
        prop::option::of(32u64..=512),
        1u64..=256,
        pick(&Precision::ALL),
        pick(&Mode::ALL),
        pick(&Optimizer::ALL),
        any::<bool>(),
    )
        .prop_map(|(p, side, batch, precision, mode, optimizer, mixed)| {
            Workload::Cnn(CnnScenario {
                network: NetworkRef::Preset(p),
                height: side,
                width: side,
                batch,
                precision,
                mode,
                optimizer,
                mixed_precision: mixed,
                ..CnnScenario::default()
            })
        });
    let deployment = (
        0u32..=50,
        1u64..=16,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(margin, cards, ecc, tiny, all)| Deployment {
            margin_percent: f64::from(margin),
            cards_per_host: cards,
            ecc,
            show_too_small: tiny,
            all_profiles: all,
            ..Deployment::default()
        });
    (
        text(),
        pick(&ByteUnits::ALL),
        prop_oneof![transformer, cnn],
        deployment,
    )
        .prop_map(|(name, units, workload, deployment)| Scenario {
            version: VERSION,
            name,
            units,
            workload,
            deployment,
            speed: SpeedInputs::default(),
            cluster: None,
            compression: None,
        })
        .boxed()
}

/// Compression recipes, sensible and not: sparsity and rate out of range, index
/// widths of 0 and 64, storage that does not match the pruning.
fn compression() -> BoxedStrategy<Option<Compression>> {
    use sizing::compress::{Block, Pruning, Storage, Targets};
    let percent = || prop_oneof![0.0f64..100.0, Just(-1.0), Just(150.0), Just(1e300)];
    prop_oneof![
        Just(None),
        (
            pick(&Pruning::ALL),
            percent(),
            pick(&Block::ALL),
            percent(),
            pick(&Targets::ALL),
            pick(&Storage::ALL),
            prop_oneof![Just(0u64), 1u64..33, Just(64)],
            prop_oneof![Just(None), pick(&Precision::ALL).prop_map(Some)],
            any::<(bool, bool)>(),
        )
            .prop_map(
                |(
                    pruning,
                    sparsity_percent,
                    block,
                    rate_percent,
                    targets,
                    storage,
                    index_bits,
                    quantize,
                    (activations, keep_first_last),
                )| {
                    Some(Compression {
                        pruning,
                        sparsity_percent,
                        block,
                        rate_percent,
                        targets,
                        storage,
                        index_bits,
                        quantize,
                        activations,
                        keep_first_last,
                    })
                }
            ),
    ]
    .boxed()
}

/// Speed questions, plausible and not: zeros, negatives and huge values included.
fn speed() -> BoxedStrategy<SpeedInputs> {
    let number = || {
        prop_oneof![
            Just(None),
            (0.001f64..1e6).prop_map(Some),
            Just(Some(0.0)),
            Just(Some(1e300)),
            Just(Some(-1.0)),
        ]
    };
    let count = || {
        prop_oneof![
            Just(None),
            (1u64..10_000_000).prop_map(Some),
            Just(Some(0)),
            Just(Some(u64::MAX))
        ]
    };
    (
        (
            pick(&Engine::ALL),
            prop_oneof![1u64..4096, Just(0), Just(u64::MAX)],
            number(),
            number(),
            number(),
            number(),
        ),
        (
            count(),
            count(),
            count(),
            number(),
            any::<bool>(),
            prop_oneof![1u64..64, Just(0)],
            pick(&Link::ALL),
            pick(&Overlap::ALL),
        ),
        (count(), number()),
    )
        .prop_map(
            |(
                (engine, output_tokens, ttft, tpot, mfu, mbu),
                (samples, epochs, bytes, storage, prefetch, gpus, link, overlap),
                (grads, price),
            )| {
                SpeedInputs {
                    option: None,
                    engine,
                    output_tokens,
                    ttft_ms: ttft,
                    tpot_ms: tpot,
                    training_mfu_percent: mfu,
                    prefill_mfu_percent: mfu,
                    decode_mbu_percent: mbu,
                    step_overhead_ms: None,
                    samples,
                    epochs,
                    sample_bytes: bytes,
                    storage_mb_s: storage,
                    prefetch,
                    gpus,
                    link,
                    overlap,
                    gradient_params: grads,
                    price_per_gpu_hour: price,
                }
            },
        )
        .boxed()
}

fn scenario() -> BoxedStrategy<Scenario> {
    (
        text(),
        pick(&ByteUnits::ALL),
        prop_oneof![
            transformer().prop_map(Workload::Transformer),
            cnn().prop_map(Workload::Cnn)
        ],
        deployment(),
        speed(),
        any::<bool>(),
        compression(),
    )
        .prop_map(
            |(name, units, workload, deployment, speed, cluster, compression)| Scenario {
                version: VERSION,
                name,
                units,
                workload,
                deployment,
                speed,
                cluster: cluster.then(sizing::place::Cluster::default),
                compression,
            },
        )
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn scenario_link_scenario_is_the_identity(s in scenario()) {
        let state = AppState::from_scenario(&s);
        let fragment = link::encode(&state);
        prop_assert!(fragment.starts_with("v=1"));
        prop_assert!(!fragment.contains(' ') && !fragment.contains('#') && !fragment.contains('\n'));
        let back = link::decode(&fragment).map_err(|e| TestCaseError::fail(format!("{e}: {fragment}")))?;
        prop_assert_eq!(&back, &state);
        prop_assert_eq!(back.scenario(), Some(s));
    }

    #[test]
    fn the_whole_app_state_survives_a_link(
        s in scenario(),
        other in cnn(),
        page in pick(&[Page::Transformer, Page::Cnn, Page::Formats, Page::Catalog, Page::Saved]),
        value in text(),
        saturate in any::<bool>(),
        gpu in prop::option::of(text()),
    ) {
        let mut state = AppState::from_scenario(&s);
        state.cnn = other;
        state.page = page;
        state.formats = FormatsView { value, absmax: "448".into(), saturate };
        state.catalog = CatalogView { gpu, ..CatalogView::default() };
        let back = link::decode(&link::encode(&state)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, state);
    }

    #[test]
    fn scenario_json_scenario_is_the_identity(s in scenario()) {
        let back = parse(&s.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, s);
    }

    #[test]
    fn export_then_import_keeps_every_saved_scenario(list in prop::collection::vec(scenario(), 0..5)) {
        let mut lib = Library::default();
        for s in list {
            lib.add(s);
        }
        let back = Library::read(&lib.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &lib);
        let mut fresh = Library::default();
        fresh.import(&back);
        prop_assert_eq!(fresh, lib);
    }

    #[test]
    fn sizing_any_scenario_answers_or_names_fields(s in scenario()) {
        match size(&s, Catalog::bundled()) {
            Ok(r) => {
                prop_assert_eq!(r.memory.total, r.memory.terms.iter().map(|t| t.bytes).fold(0u64, u64::saturating_add));
                prop_assert!(r.memory.low <= r.memory.total && r.memory.total <= r.memory.high);
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(
                        e.path.starts_with("workload.") || e.path.starts_with("deployment.") || e.path.starts_with("compression."),
                        "{}", e
                    );
                    prop_assert!(!e.message.is_empty());
                }
            }
        }
    }
}

/// What a workload page of the app sizes for `state`: the link's state opened
/// into the forms, the forms read once (name and units aside, as the page does),
/// and the report of that. `None` for a model the page cannot open.
fn page_report(state: &AppState) -> Option<Result<Report, Vec<sizing::scenario::FieldError>>> {
    if state.page == Page::Compression {
        // The page's model as its own page reads it, and the recipe from its form.
        let on = match state.compress.on {
            sizing::scenario::CompressOn::Transformer => Page::Transformer,
            sizing::scenario::CompressOn::Cnn => Page::Cnn,
        };
        let inner = AppState {
            page: on,
            ..state.clone()
        };
        let recipe = Compression::from_form(&state.compress.recipe.to_form(), None);
        return page_report_with(&inner, Some(recipe));
    }
    page_report_with(state, None)
}

fn page_report_with(
    state: &AppState,
    recipe: Option<FromForm<Compression>>,
) -> Option<Result<Report, Vec<sizing::scenario::FieldError>>> {
    let (workload, deployment) = match state.page {
        Page::Transformer => {
            let form = state.tf.to_form().ok()?;
            let w = TransformerScenario::from_form(&form, None);
            (
                FromForm {
                    part: Workload::Transformer(w.part),
                    unread: w.unread,
                },
                Deployment::from_form(&state.tf_gpu.to_form(), None),
            )
        }
        Page::Cnn => {
            let w = CnnScenario::from_form(&state.cnn.to_form(), None);
            (
                FromForm {
                    part: Workload::Cnn(w.part),
                    unread: w.unread,
                },
                Deployment::from_form(&state.cnn_gpu.to_form(), None),
            )
        }
        _ => return None,
    };
    let mut unread = workload.unread;
    unread.extend(deployment.unread);
    let compression = recipe.map(|r| {
        unread.extend(r.unread);
        r.part
    });
    let question = Scenario {
        deployment: deployment.part,
        compression,
        ..Scenario::new(workload.part)
    };
    Some(size_page(&question, &unread, Catalog::bundled()))
}

/// A report with its scenario's words (name, units) and the form of its model
/// reference set aside: what the numbers are.
fn numbers(r: Result<Report, Vec<sizing::scenario::FieldError>>, s: &Scenario) -> String {
    match r {
        Ok(mut r) => {
            r.scenario = s.clone();
            r.to_json()
        }
        Err(e) => format!("{e:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The one road: the page reads its forms and sizes what they say; the link
    /// carries the scenario; both give the same report.
    #[test]
    fn the_page_report_is_the_report_of_the_scenario_its_link_carries(
        s in prop_oneof![scenario(), plausible()]
    ) {
        let state = AppState::from_scenario(&s);
        let linked = link::decode(&link::encode(&state))
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .scenario()
            .expect("a workload page");
        let Some(page) = page_report(&state) else {
            // Only a model the page cannot show (expert edits on a dense model) ends here.
            prop_assert!(state.tf.to_form().is_err());
            return Ok(());
        };
        let direct = size(&linked, Catalog::bundled());
        prop_assert_eq!(numbers(page, &linked), numbers(direct, &linked));
    }
}

fn field_of(json: &str) -> String {
    let e = parse(json).unwrap_err();
    e.path
}

#[test]
fn unknown_fields_are_named_with_their_path() {
    assert_eq!(
        field_of(r#"{"version":1,"workload":{"cnn":{"bacth":8}}}"#),
        "workload.cnn.bacth"
    );
    assert_eq!(
        field_of(r#"{"version":1,"workload":{"cnn":{}},"extra":1}"#),
        "extra"
    );
    assert_eq!(
        field_of(r#"{"version":1,"workload":{"rnn":{}}}"#),
        "workload"
    );
    assert_eq!(
        field_of(r#"{"version":1,"workload":{"transformer":{"arch":{"layer":4}}}}"#),
        "workload.transformer.arch.layer"
    );
}

#[test]
fn a_negative_batch_names_the_batch() {
    let e = parse(r#"{"version":1,"workload":{"cnn":{"batch":-8}}}"#).unwrap_err();
    assert_eq!(e.path, "workload.cnn.batch");
    assert_eq!(
        e.message,
        "must be a whole number, 0 or more; found integer `-8`"
    );
    // A word the format does not know is answered with the words it does.
    let e = parse(r#"{"version":1,"workload":{"transformer":{"engine":"nope"}}}"#).unwrap_err();
    assert_eq!(e.path, "workload.transformer.engine");
    assert!(
        e.message.starts_with("'nope' is not one of: "),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("vllm") && !e.message.contains('`'),
        "{}",
        e.message
    );
    let e =
        parse(r#"{"version":1,"workload":{"transformer":{"utilization":"high"}}}"#).unwrap_err();
    assert_eq!(e.path, "workload.transformer.utilization");
    assert_eq!(e.message, "must be a number; found string \"high\"");
}

#[test]
fn versions_are_checked_before_anything_else() {
    let e = parse(r#"{"version":2,"workload":{"cnn":{"unknown":1}}}"#).unwrap_err();
    assert_eq!(e.path, "version");
    assert_eq!(
        e.message,
        "2 is newer than this headroom reads (1); open the scenario in a newer headroom"
    );
    assert_eq!(field_of(r#"{"workload":{"cnn":{}}}"#), "version");
    assert_eq!(
        field_of(r#"{"version":0,"workload":{"cnn":{}}}"#),
        "version"
    );
    assert_eq!(
        field_of(r#"{"version":"1","workload":{"cnn":{}}}"#),
        "version"
    );
    assert_eq!(field_of("[]"), "");
    assert_eq!(field_of("{"), "");
}

#[test]
fn a_short_file_takes_the_opening_values() {
    let s = parse(r#"{"version":1,"workload":{"cnn":{"network":"resnet50","batch":64}}}"#).unwrap();
    let Workload::Cnn(c) = &s.workload else {
        panic!("a CNN")
    };
    assert_eq!(c.batch, 64);
    assert_eq!(c.precision, CnnScenario::default().precision);
    assert_eq!(s.deployment, Deployment::default());
    // A pasted config.json is a model.
    let config = zoo().iter().find(|m| m.entry.id == "mistral-7b").unwrap();
    let json = format!(
        r#"{{"version":1,"workload":{{"transformer":{{"model":{}}}}}}}"#,
        serde_json::Value::Object(config.entry.config.clone())
    );
    let r = size(&parse(&json).unwrap(), Catalog::bundled()).unwrap();
    assert_eq!(r.model.name, "Mistral-7B-v0.1");
}

/// A whole number written with a zero fraction, as generated files have them,
/// reads as that number; a fraction is refused where it was written.
#[test]
fn whole_numbers_may_carry_a_zero_fraction() {
    let s =
        parse(r#"{"version":1.0,"workload":{"cnn":{"network":"resnet50","batch":8.0}}}"#).unwrap();
    let Workload::Cnn(c) = &s.workload else {
        panic!("a CNN")
    };
    assert_eq!(c.batch, 8);
    let e = parse(r#"{"version":1,"workload":{"cnn":{"batch":2.5}}}"#).unwrap_err();
    assert_eq!(e.path, "workload.cnn.batch");
    assert_eq!(
        field_of(r#"{"version":1.5,"workload":{"cnn":{}}}"#),
        "version"
    );
}

/// Every choice is written in files and links with the id the app's menus use.
#[test]
fn choices_are_written_with_their_ids() {
    fn check<T: serde::Serialize + Copy + std::fmt::Debug>(all: &[T], id: fn(T) -> &'static str) {
        for &v in all {
            assert_eq!(
                serde_json::to_value(v).unwrap(),
                serde_json::Value::from(id(v)),
                "{v:?}"
            );
        }
    }
    check(&WeightFormat::ALL, WeightFormat::id);
    check(&KvFormat::ALL, KvFormat::id);
    check(&Precision::ALL, Precision::id);
    check(&Recipe::ALL, Recipe::id);
    check(&TrainOptimizer::ALL, TrainOptimizer::id);
    check(&Recompute::ALL, Recompute::id);
    check(&Optimizer::ALL, Optimizer::id);
    check(&ByteUnits::ALL, ByteUnits::id);
    check(&DeploymentMode::ALL, DeploymentMode::id);
    check(&VgpuMode::ALL, VgpuMode::id);
    check(&Mode::ALL, Mode::id);
    check(&MethodKind::ALL, MethodKind::id);
    check(&Preset::ALL, Preset::id);
}

#[test]
fn messages_for_odd_files_are_plain() {
    // A byte-order mark, as some editors write, is not an error.
    let s = parse("\u{feff}{\"version\":1,\"workload\":{\"cnn\":{}}}").unwrap();
    assert!(matches!(s.workload, Workload::Cnn(_)));
    let e = parse(r#"{"version":1,"workload":{}}"#).unwrap_err();
    assert_eq!(e.path, "workload");
    assert!(e.message.starts_with("name one workload"), "{}", e.message);
    let e =
        parse(r#"{"version":1,"workload":{"cnn":{"batch":18446744073709551616}}}"#).unwrap_err();
    assert_eq!(
        e.message,
        "must be a whole number; found one too large to read (over 18,446,744,073,709,551,615)"
    );
    // A refused value is echoed only in part.
    let long = "x".repeat(280_000);
    let e = parse(&format!(
        r#"{{"version":1,"workload":{{"cnn":{{"{long}":1}}}}}}"#
    ))
    .unwrap_err();
    assert!(e.to_string().len() < 600, "{} bytes", e.to_string().len());
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_where_it_is() {
    use sizing::scenario::MAX_NESTING;
    // 120 levels inside the scenario's 4: under the JSON reader's 128, over the limit.
    let mut deep = String::from("1");
    for _ in 0..120 {
        deep = format!("{{\"k\":{deep}}}");
    }
    let text = format!(r#"{{"version":1,"workload":{{"transformer":{{"model":{deep}}}}}}}"#);
    let e = parse(&text).unwrap_err();
    assert!(
        e.path.starts_with("workload.transformer.model.k.k"),
        "{}",
        e.path
    );
    assert!(e.message.contains(&MAX_NESTING.to_string()));
    // The same scenario in a saved list: the list reads, the entry is listed as unreadable.
    let list = format!(r#"{{"format":"headroom-scenarios","version":1,"scenarios":[{text}]}}"#);
    let lib = Library::read(&list).unwrap();
    assert_eq!(lib.saved().count(), 0);
    assert_eq!(lib.problems().len(), 1);
}
