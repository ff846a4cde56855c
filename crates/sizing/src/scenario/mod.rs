//! A scenario: one versioned description of a workload and the deployment question
//! asked about it. Links, saved scenarios, exported files and the command line
//! all read and write this one format; [`crate::report`] answers it.
//!
//! Numbers are stored as numbers. Whether they are in range is checked when the
//! scenario is sized (the same checks, with the same messages, as the app's
//! fields), so a link can carry a value the user is still correcting.

pub mod link;
pub mod store;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::catalog::{DeploymentMode, VgpuMode};
use crate::cnn::{Optimizer, Preset};
use crate::mode::Mode;
use crate::precision::Precision;
use crate::speed::efficiency::{Engine, Overrides};
use crate::speed::link::{Link, Overlap};
use crate::transformer::training::{
    LoraTargets, MethodKind, Offload, Recipe, Recompute, Schedule, TrainOptimizer, ZeroAccounting,
};
use crate::transformer::zoo::DEFAULT_MODEL;
use crate::transformer::{KvFormat, ServingEngine, WeightFormat};
use crate::units::ByteUnits;

pub use link::{AppState, CompressOn, CompressView, LinkError, Page};

/// The scenario format this build writes and reads.
pub const VERSION: u32 = 1;

/// Largest scenario or saved-scenario file read, in bytes.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// A workload and its deployment question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version, [`VERSION`].
    pub version: u32,
    /// A name for people ("Support chatbot, 32 users").
    #[serde(default)]
    pub name: String,
    /// How sizes are shown (the report's numbers are bytes either way).
    #[serde(default)]
    pub units: ByteUnits,
    pub workload: Workload,
    #[serde(default)]
    pub deployment: Deployment,
    /// How fast and how long: latency targets, efficiencies, the dataset, the network.
    #[serde(default, skip_serializing_if = "SpeedInputs::is_default")]
    pub speed: SpeedInputs,
    /// A cluster and VMs to place on it ([`crate::place`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<crate::place::Cluster>,
    /// Pruning, 2:4 sparsity and quantization of the workload's weights ([`crate::compress`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<crate::compress::Compression>,
}

impl Scenario {
    pub fn new(workload: Workload) -> Scenario {
        Scenario {
            version: VERSION,
            name: String::new(),
            units: ByteUnits::default(),
            workload,
            deployment: Deployment::default(),
            speed: SpeedInputs::default(),
            cluster: None,
            compression: None,
        }
    }

    /// Pretty JSON, as files and the command line write it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }
}

/// The model and how it is run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)] // one per scenario; boxing buys nothing
#[serde(rename_all = "snake_case")]
pub enum Workload {
    Transformer(TransformerScenario),
    Cnn(CnnScenario),
    /// Memory already known per GPU ([`crate::known`]).
    Known(crate::known::KnownScenario),
}

impl Workload {
    pub fn kind(&self) -> &'static str {
        match self {
            Workload::Transformer(_) => "transformer",
            Workload::Cnn(_) => "cnn",
            Workload::Known(_) => "known",
        }
    }
}

/// A transformer from the zoo or a Hugging Face config.json, and its workload.
/// Every field may be left out; it then takes the value the app opens with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TransformerScenario {
    pub model: ModelRef,
    /// Architecture numbers changed from the model's.
    pub arch: ArchEdits,
    pub mode: Mode,
    pub weights: WeightFormat,
    pub quantize_embeddings: bool,
    pub kv: KvFormat,
    /// Concurrent sequences (users or batch) for inference.
    pub sequences: u64,
    /// Tokens per sequence: the context for inference, the sequence length for training.
    pub context: u64,
    /// Tokens per forward pass; absent for the engine's default (llama.cpp's
    /// `n_ubatch` of 512, 8,192 for the others).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefill_chunk: Option<u64>,
    pub flash_attention: bool,
    pub window_cache: bool,
    pub tensor_parallel: u64,
    /// Runtime overhead per GPU, MiB; absent for the engine's default (vLLM's
    /// non-torch memory, 256 MiB at tensor parallel 1 and 2.1–2.2 GiB above;
    /// 1,024 MiB otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overhead_mib: Option<f64>,
    /// The serving engine, whose budget rule and KV rounding apply.
    #[serde(skip_serializing_if = "ServingEngine::is_generic")]
    pub engine: ServingEngine,
    /// The engine's memory fraction (vLLM `gpu_memory_utilization`, SGLang
    /// `mem_fraction_static`, TensorRT-LLM `free_gpu_memory_fraction`); absent
    /// for the engine's default (1 for any engine, 0.9 for vLLM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utilization: Option<f64>,
    /// GPU memory for the reverse questions, GiB (serving: longest context, most
    /// sequences; training: longest sequence, largest micro-batch).
    pub memory_gib: f64,
    pub method: MethodKind,
    pub lora_rank: u64,
    pub lora_targets: LoraTargets,
    pub double_quant: bool,
    pub recipe: Recipe,
    pub optimizer: TrainOptimizer,
    pub micro_batch: u64,
    /// Activation recomputation; left out, the method's common recipe
    /// ([`MethodKind::usual_recompute`]: full for LoRA and QLoRA, none for full training).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recompute: Option<Recompute>,
    pub data_parallel: u64,
    pub zero_stage: u8,
    pub sequence_parallel: bool,
    pub pipeline_parallel: u64,
    pub micro_batches: u64,
    /// How the pipeline runs its micro-batches (with `pipeline_parallel` > 1).
    #[serde(skip_serializing_if = "Schedule::is_default")]
    pub pipeline_schedule: Schedule,
    /// Model chunks per GPU of the interleaved schedule.
    pub virtual_stages: u64,
    /// What DeepSpeed moves to host memory (with ZeRO).
    #[serde(skip_serializing_if = "Offload::is_none")]
    pub offload: Offload,
    /// Whose arithmetic the ZeRO model states follow.
    #[serde(skip_serializing_if = "ZeroAccounting::is_default")]
    pub zero_accounting: ZeroAccounting,
}

/// Which transformer: a zoo id, or the contents of a config.json.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelRef {
    Zoo(String),
    Config(Map<String, Value>),
}

impl Default for ModelRef {
    fn default() -> ModelRef {
        ModelRef::Zoo(DEFAULT_MODEL.to_string())
    }
}

impl Serialize for ModelRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ModelRef::Zoo(id) => s.serialize_str(id),
            ModelRef::Config(map) => map.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ModelRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ModelRef, D::Error> {
        match Value::deserialize(d)? {
            Value::String(id) => Ok(ModelRef::Zoo(id)),
            Value::Object(map) => Ok(ModelRef::Config(map)),
            other => Err(D::Error::custom(format!(
                "expected a zoo model id such as \"llama-3.1-8b\" or a config.json object, found {}",
                json_kind(&other)
            ))),
        }
    }
}

/// Architecture numbers that differ from the model's; absent means unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArchEdits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heads: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kv_heads: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_dim: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ffn: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vocab: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_positions: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experts: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experts_per_token: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expert_ffn: Option<u64>,
    /// Gated (SwiGLU/GeGLU) FFN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gated: Option<bool>,
    /// Input and output embeddings shared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tied: Option<bool>,
}

/// A CNN, a bundled one or a layer list, and its workload. Every field may be left
/// out; the image then is the network's design input (224×224×3 for a layer list).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CnnScenario {
    pub network: NetworkRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<u64>,
    pub batch: u64,
    pub precision: Precision,
    pub mode: Mode,
    pub optimizer: Optimizer,
    pub mixed_precision: bool,
    /// Runtime overhead, MiB.
    pub overhead_mib: f64,
    /// GPU memory for the reverse question (the largest batch), GiB.
    pub memory_gib: f64,
}

/// Which CNN: a bundled network's id, or a layer list in the format of
/// `docs/cnn-memory.md`.
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkRef {
    Preset(Preset),
    Layers(String),
}

impl Serialize for NetworkRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            NetworkRef::Preset(p) => s.serialize_str(p.id()),
            NetworkRef::Layers(text) => {
                let mut m = Map::new();
                m.insert("layers".into(), Value::String(text.clone()));
                m.serialize(s)
            }
        }
    }
}

impl<'de> Deserialize<'de> for NetworkRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<NetworkRef, D::Error> {
        let presets = || {
            Preset::ALL
                .iter()
                .map(|p| format!("\"{}\"", p.id()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match Value::deserialize(d)? {
            Value::String(id) => Preset::from_id(&id).map(NetworkRef::Preset).ok_or_else(|| {
                D::Error::custom(format!(
                    "\"{id}\" is not a bundled network; use one of {} or {{\"layers\": \"…\"}}",
                    presets()
                ))
            }),
            Value::Object(mut map) => {
                let layers = map.remove("layers");
                if let Some(k) = map.keys().next() {
                    return Err(D::Error::custom(format!(
                        "unknown field `{k}`: a custom network is {{\"layers\": \"…\"}}"
                    )));
                }
                match layers {
                    Some(Value::String(text)) => Ok(NetworkRef::Layers(text)),
                    Some(other) => Err(D::Error::custom(format!(
                        "`layers` must be text, one layer per line, found {}",
                        json_kind(&other)
                    ))),
                    None => Err(D::Error::custom(
                        "a custom network needs `layers`, one layer per line",
                    )),
                }
            }
            other => Err(D::Error::custom(format!(
                "expected a bundled network id ({}) or {{\"layers\": \"…\"}}, found {}",
                presets(),
                json_kind(&other)
            ))),
        }
    }
}

/// The deployment question: margin, host shape and which parts of the catalog to search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Deployment {
    /// Memory kept free on top of the estimate, percent.
    pub margin_percent: f64,
    pub cards_per_host: u64,
    pub vgpu_mode: VgpuMode,
    /// ECC on GDDR GPUs (costs 1/16 of their memory).
    pub ecc: bool,
    /// Only this GPU architecture ("Hopper").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// Only this form factor: "PCIe", "SXM" or "Superchip".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_class: Option<String>,
    /// Only this deployment mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<DeploymentMode>,
    /// Also list what is too small.
    pub show_too_small: bool,
    /// Every profile, not only the smallest fit per GPU and mode.
    pub all_profiles: bool,
    /// The vSphere release the deployment sheet checks against.
    #[serde(skip_serializing_if = "crate::vsphere::Release::is_default")]
    pub vsphere: crate::vsphere::Release,
    /// The VM is a Tanzu Kubernetes Grid worker node (512 GB MMIO by default).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tkg: bool,
    /// The user's own hosts, answered first ([`crate::fleet`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fleet: Vec<crate::fleet::HostType>,
}

/// The speed question of a scenario: latency targets, efficiencies, the dataset
/// and the network. Every field may be left out; it then takes its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpeedInputs {
    /// The option the speed card details, `gpu_id` or `gpu_id/profile`; the
    /// recommended one when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// The serving engine (inference).
    pub engine: Engine,
    /// Tokens generated per request; the prompt is the rest of the context.
    pub output_tokens: u64,
    /// Time-to-first-token target, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<f64>,
    /// Time-per-output-token target, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tpot_ms: Option<f64>,
    /// Model FLOPs utilisation for training, percent; the GPU generation's default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training_mfu_percent: Option<f64>,
    /// … for prefill (and the compute side of decode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefill_mfu_percent: Option<f64>,
    /// Memory-bandwidth utilisation for decode, percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decode_mbu_percent: Option<f64>,
    /// Fixed time per decode step, ms; the engine's default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_overhead_ms: Option<f64>,
    /// Training samples (images or sequences) per epoch; the workload's default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epochs: Option<u64>,
    /// Bytes of one sample on disk; the workload's default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_bytes: Option<u64>,
    /// Storage read throughput, MB/s; no data-loading bound when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_mb_s: Option<f64>,
    /// Data loading runs ahead of compute (DataLoader workers); else it adds to each iteration.
    pub prefetch: bool,
    /// Data-parallel GPUs of a CNN (a transformer counts its own parallel sizes).
    pub gpus: u64,
    /// The link gradients are all-reduced over.
    pub link: Link,
    /// How much of the all-reduce hides behind the backward pass.
    pub overlap: Overlap,
    /// Parameters whose gradients are exchanged; the trainable ones when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gradient_params: Option<u64>,
    /// Price of one GPU-hour, for the cost of a run (no currency: the user's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_per_gpu_hour: Option<f64>,
}

impl Default for SpeedInputs {
    fn default() -> SpeedInputs {
        SpeedInputs {
            option: None,
            engine: Engine::default(),
            output_tokens: 256,
            ttft_ms: None,
            tpot_ms: None,
            training_mfu_percent: None,
            prefill_mfu_percent: None,
            decode_mbu_percent: None,
            step_overhead_ms: None,
            samples: None,
            epochs: None,
            sample_bytes: None,
            storage_mb_s: None,
            prefetch: true,
            gpus: 1,
            link: Link::default(),
            overlap: Overlap::default(),
            gradient_params: None,
            price_per_gpu_hour: None,
        }
    }
}

impl SpeedInputs {
    pub fn is_default(&self) -> bool {
        *self == SpeedInputs::default()
    }

    /// The efficiencies this question sets.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            engine: self.engine,
            training_mfu_percent: self.training_mfu_percent,
            prefill_mfu_percent: self.prefill_mfu_percent,
            decode_mbu_percent: self.decode_mbu_percent,
            step_overhead_ms: self.step_overhead_ms,
        }
    }
}

/// The form-factor classes a deployment can be limited to.
pub const FORM_CLASSES: [&str; 3] = ["PCIe", "SXM", "Superchip"];

/// A problem with one field of a scenario (or a link, or a saved file): the one
/// shape of every error the app, the link reader and the command line show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Dotted path of the field in the scenario, e.g. `workload.cnn.batch`; empty
    /// for the file as a whole.
    pub path: String,
    pub message: String,
}

/// The most characters of an error's message (and of its path).
pub const MAX_MESSAGE_CHARS: usize = 1_000;

impl FieldError {
    /// A message quoting what was typed is cut at [`MAX_MESSAGE_CHARS`], so a
    /// pasted megabyte is not repeated back.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> FieldError {
        let message: String = message.into();
        FieldError {
            path: crate::input::clip(&path.into(), MAX_MESSAGE_CHARS),
            message: crate::input::clip(&message, MAX_MESSAGE_CHARS),
        }
    }

    /// The same error, its path placed under `prefix`.
    pub fn under(mut self, prefix: &str) -> FieldError {
        self.path = match (prefix.is_empty(), self.path.is_empty()) {
            (true, _) => self.path,
            (false, true) => prefix.to_string(),
            (false, false) => format!("{prefix}.{}", self.path),
        };
        self
    }

    /// The message of the first error at `path`.
    pub fn at<'a>(errors: &'a [FieldError], path: &str) -> Option<&'a str> {
        errors
            .iter()
            .find(|e| e.path == path)
            .map(|e| e.message.as_str())
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for FieldError {}

/// A page's form read into its part of a scenario: every field that holds a
/// number gives it (in range or not: sizing checks ranges), every field that holds
/// none keeps its last value and has a message in `unread`.
#[derive(Clone, Debug, PartialEq)]
pub struct FromForm<T> {
    pub part: T,
    pub unread: Vec<FieldError>,
}

/// "a number", "text", … for messages about a JSON value of the wrong kind.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Reads a scenario file: JSON, the version checked first, then every field.
pub fn parse(text: &str) -> Result<Scenario, FieldError> {
    from_value(read_json(text)?)
}

/// JSON text of a file, refusing files too large to be a scenario list.
pub(crate) fn read_json(text: &str) -> Result<Value, FieldError> {
    let text = crate::input::without_bom(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(FieldError::new(
            "",
            format!(
                "The file is {} bytes; scenarios take a few kilobytes each (at most {} read).",
                crate::units::group_digits(text.len() as u64),
                crate::units::group_digits(MAX_FILE_BYTES as u64)
            ),
        ));
    }
    serde_json::from_str(text).map_err(|e| FieldError::new("", format!("Not valid JSON: {e}.")))
}

pub use crate::input::MAX_NESTING;

/// Refuses values nested deeper than [`MAX_NESTING`], naming where.
pub(crate) fn check_depth(value: &Value) -> Result<(), FieldError> {
    match crate::input::too_deep(value, MAX_NESTING) {
        Some(path) => Err(FieldError::new(
            path,
            format!("nested more than {MAX_NESTING} levels deep"),
        )),
        None => Ok(()),
    }
}

/// A scenario from parsed JSON (one entry of a saved-scenarios file, for example).
pub fn from_value(mut value: Value) -> Result<Scenario, FieldError> {
    let Value::Object(obj) = &value else {
        return Err(FieldError::new(
            "",
            format!(
                "A scenario is a JSON object with \"version\": {VERSION}, found {}.",
                json_kind(&value)
            ),
        ));
    };
    let version = check_version(obj.get("version"), "scenario")?;
    check_depth(&value)?;
    if let Some(Value::Object(w)) = obj.get("workload")
        && w.len() != 1
    {
        return Err(FieldError::new(
            "workload",
            "name one workload: {\"transformer\": {…}}, {\"cnn\": {…}} or {\"known\": {…}}",
        ));
    }
    migrate(&mut value, version);
    deserialize_at(value, "")
}

/// The version field of a file or link: present, whole, not from the future.
pub(crate) fn check_version(v: Option<&Value>, what: &str) -> Result<u32, FieldError> {
    let err = |m: String| Err(FieldError::new("version", m));
    match v {
        None => err(format!(
            "is missing; a {what} starts with \"version\": {VERSION}"
        )),
        // `1.0` is version 1, as a zero fraction is whole everywhere in a file.
        Some(Value::Number(n)) => match n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && (0.0..4_294_967_296.0).contains(f))
                .map(|f| f as u64)
        }) {
            Some(0) => err(format!(
                "0 is not a {what} version; versions start at 1 (this headroom writes {VERSION})"
            )),
            Some(v) if v > u64::from(VERSION) => err(format!(
                "{v} is newer than this headroom reads ({VERSION}); open the {what} in a newer headroom"
            )),
            Some(v) => Ok(v as u32),
            None => err(format!("must be a whole number, e.g. {VERSION}; found {n}")),
        },
        Some(other) => err(format!(
            "must be a whole number, e.g. {VERSION}; found {}",
            json_kind(other)
        )),
    }
}

/// Brings an older version's JSON up to [`VERSION`]. Version 1 is the first, so
/// there is nothing to do yet; each later version adds one step here.
fn migrate(value: &mut Value, from: u32) {
    debug_assert!(from <= VERSION);
    if let Value::Object(obj) = value {
        obj.insert("version".into(), Value::from(VERSION));
    }
}

/// Deserializes `value`, naming the field at fault under `prefix`.
pub(crate) fn deserialize_at<T: serde::de::DeserializeOwned>(
    value: Value,
    prefix: &str,
) -> Result<T, FieldError> {
    crate::json_path::deserialize(&value).map_err(|(path, e)| {
        let path = if path == "." { String::new() } else { path };
        // A value sent in a file or a link is echoed only in part.
        let message = crate::input::clip(&plain_message(&e.to_string()), 240);
        FieldError::new(crate::input::clip(&path, 120), message).under(prefix)
    })
}

/// serde's message in the words of the scenario format.
fn plain_message(message: &str) -> String {
    let m = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    // "unknown variant `x`, expected one of `a`, `b`" (or "expected `a` or `b`").
    if let Some(rest) = m.strip_prefix("unknown variant `")
        && let Some((found, expected)) = rest.split_once("`, expected ")
    {
        let choices = expected
            .trim_start_matches("one of ")
            .replace(" or ", ", ")
            .replace('`', "");
        return format!("'{found}' is not one of: {choices}");
    }
    for int in ["u8", "u32", "u64"] {
        let expected = format!(", expected {int}");
        if let Some(rest) = m.strip_suffix(expected.as_str()) {
            let found = rest
                .strip_prefix("invalid value: ")
                .or_else(|| rest.strip_prefix("invalid type: "))
                .unwrap_or(rest);
            let max = match int {
                "u8" => u64::from(u8::MAX),
                "u32" => u64::from(u32::MAX),
                _ => u64::MAX,
            };
            // A whole number past u64 reaches serde as a float.
            let too_large = found
                .strip_prefix("floating point `")
                .and_then(|f| f.strip_suffix('`'))
                .and_then(|f| f.parse::<f64>().ok())
                // u64::MAX as f64 rounds up to 2⁶⁴, itself too large; u8 and u32 are exact.
                .is_some_and(|f| {
                    f.fract() == 0.0 && (f > max as f64 || (int == "u64" && f >= max as f64))
                });
            // The type's own range (up to 18,446,744,073,709,551,615) is not the
            // field's: its check names that once the value reads as a whole number.
            return if found.starts_with("integer `-") {
                format!("must be a whole number, 0 or more; found {found}")
            } else if too_large || found.starts_with("integer `") {
                format!(
                    "must be a whole number; found one too large to read (over {})",
                    crate::units::group_digits(max)
                )
            } else {
                format!("must be a whole number; found {found}")
            };
        }
    }
    if let Some(rest) = m.strip_suffix(", expected f64") {
        let found = rest.strip_prefix("invalid type: ").unwrap_or(rest);
        return format!("must be a number; found {found}");
    }
    m.to_string()
}
