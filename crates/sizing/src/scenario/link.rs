//! The app's whole state as a URL fragment: `v=1&page=cnn&cnn.batch=8`.
//!
//! Only what differs from the opening state is written, one `path=value` pair per
//! leaf in the order of [`AppState`]'s fields, with dotted paths into its JSON. Values are the JSON
//! text of the leaf, except text that would not read as JSON, which is written as
//! it is (`tf.model=llama-2-7b`, `tf.context=32768`, `name=%22123%22` for the text
//! "123"). Reading starts from the opening state and sets each pair, so a link
//! stays short and each pair can be read and edited by hand. An object a path
//! cannot name (a pasted config with an empty key, or nested deeper than
//! [`MAX_DEPTH`]) is written whole, as its JSON.
//!
//! Pairs longer than [`COMPRESS_ABOVE`] bytes travel compressed:
//! `v=1&z=<deflate, base64url>` holds the same pairs. Whatever is written reads
//! back; a state too large even compressed is [`Encoded::too_long`].

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    CnnScenario, Deployment, FieldError, Scenario, SpeedInputs, TransformerScenario, VERSION,
    Workload, check_depth, check_version, deserialize_at,
};
use crate::catalog::browse::BrowseQuery;
use crate::input::clip;
use crate::known::KnownScenario;
use crate::units::ByteUnits;

/// Longest fragment read, in bytes (a pasted config.json makes a link of a few kB).
pub const MAX_FRAGMENT_BYTES: usize = 64 * 1024;

/// Most dots in a name: deeper than any field (a pasted config nests a few levels).
pub const MAX_DEPTH: usize = 16;

/// Pairs longer than this are written compressed.
pub const COMPRESS_ABOVE: usize = 8 * 1024;

/// Largest text a compressed link may unpack to (a guard against deflate bombs).
const MAX_UNPACKED_BYTES: usize = 4 * 1024 * 1024;

/// The page on show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Page {
    #[default]
    Transformer,
    Cnn,
    /// A workload whose memory is known ([`crate::known`]).
    Known,
    Formats,
    Catalog,
    Saved,
    Placement,
    Compression,
    Glossary,
}

/// Which workload page's model the compression page compresses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompressOn {
    #[default]
    Transformer,
    Cnn,
}

/// The compression page: the model it takes and the recipe.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompressView {
    pub on: CompressOn,
    pub recipe: crate::compress::Compression,
}

impl CompressView {
    fn is_default(&self) -> bool {
        *self == CompressView::default()
    }
}

/// The number-format explorer's inputs, as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FormatsView {
    pub value: String,
    /// Largest magnitude of the block, for the scaled formats.
    pub absmax: String,
    pub saturate: bool,
}

impl Default for FormatsView {
    fn default() -> FormatsView {
        FormatsView {
            value: "0.1".into(),
            absmax: "1".into(),
            saturate: true,
        }
    }
}

/// The catalog page's filters and the GPU whose details are open.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogView {
    pub query: BrowseQuery,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<String>,
}

/// Everything on screen that a link restores.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppState {
    pub page: Page,
    /// Embedded in another site: the page alone, without the header and tabs.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub embed: bool,
    pub units: ByteUnits,
    /// The scenario's name, when it has one.
    pub name: String,
    pub tf: TransformerScenario,
    pub tf_gpu: Deployment,
    /// The transformer page's speed question.
    pub tf_speed: SpeedInputs,
    pub cnn: CnnScenario,
    pub cnn_gpu: Deployment,
    /// The CNN page's speed question.
    pub cnn_speed: SpeedInputs,
    /// The known-demand page.
    pub known: KnownScenario,
    pub known_gpu: Deployment,
    pub formats: FormatsView,
    pub catalog: CatalogView,
    /// The cluster and VMs of the placement simulator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<crate::place::Cluster>,
    /// The compression page's model and recipe.
    #[serde(default, skip_serializing_if = "CompressView::is_default")]
    pub compress: CompressView,
}

impl AppState {
    /// The app opened on a scenario: its page, its workload and its question.
    pub fn from_scenario(s: &Scenario) -> AppState {
        let mut state = AppState {
            name: s.name.clone(),
            units: s.units,
            cluster: s.cluster.clone(),
            ..AppState::default()
        };
        if let Some(recipe) = &s.compression {
            state.compress = CompressView {
                on: match &s.workload {
                    Workload::Cnn(_) => CompressOn::Cnn,
                    _ => CompressOn::Transformer,
                },
                recipe: recipe.clone(),
            };
        }
        match &s.workload {
            Workload::Transformer(t) => {
                state.page = Page::Transformer;
                state.tf = t.clone();
                state.tf_gpu = s.deployment.clone();
                state.tf_speed = s.speed.clone();
            }
            Workload::Cnn(c) => {
                state.page = Page::Cnn;
                state.cnn = c.clone();
                state.cnn_gpu = s.deployment.clone();
                state.cnn_speed = s.speed.clone();
            }
            Workload::Known(k) => {
                state.page = Page::Known;
                state.known = k.clone();
                state.known_gpu = s.deployment.clone();
            }
        }
        if s.compression.is_some() && !matches!(s.workload, Workload::Known(_)) {
            state.page = Page::Compression;
        }
        state
    }

    /// This state with `s` opened on its page; the other workload pages keep what they hold.
    pub fn with_scenario(&self, s: &Scenario) -> AppState {
        let fresh = AppState::from_scenario(s);
        let mut next = AppState {
            embed: self.embed,
            formats: self.formats.clone(),
            catalog: self.catalog.clone(),
            compress: if s.compression.is_some() {
                fresh.compress.clone()
            } else {
                self.compress.clone()
            },
            ..fresh.clone()
        };
        if !matches!(s.workload, Workload::Transformer(_)) {
            next.tf = self.tf.clone();
            next.tf_gpu = self.tf_gpu.clone();
            next.tf_speed = self.tf_speed.clone();
        }
        if !matches!(s.workload, Workload::Cnn(_)) {
            next.cnn = self.cnn.clone();
            next.cnn_gpu = self.cnn_gpu.clone();
            next.cnn_speed = self.cnn_speed.clone();
        }
        if !matches!(s.workload, Workload::Known(_)) {
            next.known = self.known.clone();
            next.known_gpu = self.known_gpu.clone();
        }
        next
    }

    /// The scenario of the workload page on show (`None` on other pages).
    pub fn scenario(&self) -> Option<Scenario> {
        self.scenario_of(self.page)
    }

    /// The scenario of a workload page.
    pub fn scenario_of(&self, page: Page) -> Option<Scenario> {
        if page == Page::Compression {
            let on = match self.compress.on {
                CompressOn::Transformer => Page::Transformer,
                CompressOn::Cnn => Page::Cnn,
            };
            return self.scenario_of(on).map(|s| Scenario {
                compression: Some(self.compress.recipe.clone()),
                ..s
            });
        }
        let (workload, deployment, speed) = match page {
            Page::Transformer => (
                Workload::Transformer(self.tf.clone()),
                &self.tf_gpu,
                &self.tf_speed,
            ),
            Page::Cnn => (
                Workload::Cnn(self.cnn.clone()),
                &self.cnn_gpu,
                &self.cnn_speed,
            ),
            Page::Known => (
                Workload::Known(self.known.clone()),
                &self.known_gpu,
                &SpeedInputs::default(),
            ),
            _ => return None,
        };
        Some(Scenario {
            version: VERSION,
            name: self.name.clone(),
            units: self.units,
            workload,
            deployment: deployment.clone(),
            speed: speed.clone(),
            cluster: self.cluster.clone(),
            compression: None,
        })
    }
}

/// Why a link could not be opened; the app then shows this and its opening state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Made by a newer headroom.
    Newer(u32),
    /// Not a headroom link, or damaged.
    Unreadable(String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Newer(v) => write!(
                f,
                "This link was made by a newer headroom (link format {v}; this one reads {VERSION}). It opened with the default settings instead; open the link in a newer headroom to see its scenario."
            ),
            LinkError::Unreadable(why) => write!(
                f,
                "This link could not be read ({why}). It opened with the default settings instead."
            ),
        }
    }
}

/// Characters written as %XX in values: the fragment's own separators and
/// whatever chat programs and mail clients break links on.
const VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'+')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Path segments also escape the dot that joins them.
const SEGMENT: &AsciiSet = &VALUE.add(b'.');

/// The opening state as JSON, the base every link is written against (built once:
/// it parses the default CNN's layer list and looks up the default model).
fn opening() -> &'static Value {
    static OPENING: OnceLock<Value> = OnceLock::new();
    OPENING.get_or_init(|| serde_json::to_value(AppState::default()).expect("app state serializes"))
}

/// A link's fragment, and whether the reader takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    /// The fragment, without `#`.
    pub fragment: String,
}

impl Encoded {
    /// Longer than a link can be, even compressed: export the scenario as a file.
    pub fn too_long(&self) -> bool {
        self.fragment.len() > MAX_FRAGMENT_BYTES
    }
}

/// The fragment (without `#`) for `state`.
pub fn encode(state: &AppState) -> String {
    encoded(state).fragment
}

/// The fragment for `state`, compressed when long.
pub fn encoded(state: &AppState) -> Encoded {
    let value = serde_json::to_value(state).expect("app state serializes");
    let mut pairs = Vec::new();
    changes(&value, Some(opening()), &mut Vec::new(), &mut pairs);
    let plain = pairs.join("&");
    let fragment = if plain.len() > COMPRESS_ABOVE {
        let packed = miniz_oxide::deflate::compress_to_vec(plain.as_bytes(), 6);
        format!("v={VERSION}&z={}", URL_SAFE_NO_PAD.encode(packed))
    } else if plain.is_empty() {
        format!("v={VERSION}")
    } else {
        format!("v={VERSION}&{plain}")
    };
    Encoded { fragment }
}

fn changes(v: &Value, base: Option<&Value>, path: &mut Vec<String>, out: &mut Vec<String>) {
    if Some(v) == base {
        return;
    }
    match v {
        // An object whose keys a path can name; others are written whole.
        Value::Object(map)
            if !map.is_empty()
                && path.len() + 1 < MAX_DEPTH
                && !map.keys().any(String::is_empty) =>
        {
            let base = base.and_then(Value::as_object);
            for (k, x) in map {
                path.push(k.clone());
                changes(x, base.and_then(|b| b.get(k)), path, out);
                path.pop();
            }
            // A key the opening state has and this one leaves out reads as null.
            for k in base.into_iter().flat_map(|b| b.keys()) {
                if !map.contains_key(k) {
                    path.push(k.clone());
                    out.push(pair(path, &Value::Null));
                    path.pop();
                }
            }
        }
        leaf => out.push(pair(path, leaf)),
    }
}

fn pair(path: &[String], v: &Value) -> String {
    let key: Vec<String> = path
        .iter()
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect();
    let text = match v {
        // Text that would read as JSON (a number, true, "quoted") is quoted.
        Value::String(s) if serde_json::from_str::<Value>(s).is_err() => s.clone(),
        other => other.to_string(),
    };
    format!("{}={}", key.join("."), utf8_percent_encode(&text, VALUE))
}

/// Reads a fragment (with or without its `#`). An empty fragment is the opening state.
/// Every value must read: see [`decode_lenient`] for what the app opens.
pub fn decode(fragment: &str) -> Result<AppState, LinkError> {
    read(fragment, false).map(|(state, _)| state)
}

/// Most fields a link may lose to [`decode_lenient`] before it is refused whole.
pub const MAX_DROPPED: usize = 16;

/// Reads a fragment as [`decode`] does, except that a field whose value cannot be
/// read (a negative count, a word the format does not know, an unknown field)
/// is put back to its opening value, with its message, and the rest of the link
/// is kept. A link that cannot be read at all (its format, its pairs, its
/// version) is still refused whole.
pub fn decode_lenient(fragment: &str) -> Result<(AppState, Vec<FieldError>), LinkError> {
    read(fragment, true)
}

fn read(fragment: &str, lenient: bool) -> Result<(AppState, Vec<FieldError>), LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.is_empty() {
        return Ok((AppState::default(), Vec::new()));
    }
    let bad = |m: String| LinkError::Unreadable(m);
    if fragment.len() > MAX_FRAGMENT_BYTES {
        return Err(bad(format!(
            "it is {} bytes long, more than the {} a headroom link can be",
            fragment.len(),
            MAX_FRAGMENT_BYTES
        )));
    }
    let mut root = opening().clone();
    let mut version = None;
    let unpacked;
    let mut fragment = fragment;
    if let Some(z) = fragment.split('&').find_map(|p| p.strip_prefix("z=")) {
        unpacked = unpack(z).ok_or_else(|| bad("its compressed part is damaged".into()))?;
        version = fragment
            .split('&')
            .find_map(|p| p.strip_prefix("v="))
            .map(str::to_string);
        fragment = &unpacked;
    }
    for part in fragment.split('&').filter(|p| !p.is_empty()) {
        let Some((key, text)) = part.split_once('=') else {
            return Err(bad(format!("\"{}\" is not a name=value pair", short(part))));
        };
        let text =
            unescape(text).ok_or_else(|| bad(format!("the value of {} is garbled", short(key))))?;
        if key == "v" {
            version = Some(text);
            continue;
        }
        let path: Option<Vec<String>> = key.split('.').map(unescape).collect();
        let path = path
            .filter(|p| p.len() <= MAX_DEPTH && p.iter().all(|s| !s.is_empty()))
            .ok_or_else(|| bad(format!("\"{}\" is not a field name", short(key))))?;
        let value = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
        set(&mut root, &path, value);
    }
    let Some(version) = version else {
        return Err(bad("it has no format version, v=…".into()));
    };
    let number = serde_json::from_str::<Value>(&version).ok();
    match check_version(number.as_ref(), "link") {
        Ok(_) => {}
        Err(_) if number.as_ref().and_then(Value::as_u64).is_some() => {
            let v = number.and_then(|n| n.as_u64()).unwrap_or(0);
            if v > u64::from(VERSION) {
                return Err(LinkError::Newer(v.min(u64::from(u32::MAX)) as u32));
            }
            return Err(bad(format!("v={v} is not a link format")));
        }
        Err(_) => return Err(bad(format!("v={} is not a link format", short(&version)))),
    }
    check_depth(&root).map_err(|e| bad(e.to_string()))?;
    let mut dropped = Vec::new();
    loop {
        match deserialize_at::<AppState>(root.clone(), "") {
            Ok(state) => return Ok((state, dropped)),
            Err(e) => {
                let shown = FieldError::new(short(&e.path), clip(&e.message, 240));
                if !lenient || dropped.len() >= MAX_DROPPED || !put_back(&mut root, &e) {
                    return Err(bad(shown.to_string()));
                }
                dropped.push(shown);
            }
        }
    }
}

/// Puts the field `e` names back to its opening value (an unknown field is
/// removed; a list goes back whole; a part the opening state does not have is
/// removed from where it starts); false when that changes nothing.
fn put_back(root: &mut Value, e: &FieldError) -> bool {
    let mut path = Vec::new();
    for seg in e.path.split('.').filter(|s| !s.is_empty()) {
        // A list's item: the list goes back whole.
        match seg.split_once('[') {
            Some((list, _)) => {
                path.push(list.to_string());
                break;
            }
            None => path.push(seg.to_string()),
        }
    }
    // An unknown field's path may stop at the object that holds it.
    if let Some(name) = e
        .message
        .strip_prefix("unknown field `")
        .and_then(|m| m.split('`').next())
        && !e.path.contains('[')
        && path.last().map(String::as_str) != Some(name)
    {
        path.push(name.to_string());
    }
    // How much of the path the opening state has.
    let mut known = 0;
    let mut opening_value = opening();
    for seg in &path {
        match opening_value.get(seg.as_str()) {
            Some(v) => {
                opening_value = v;
                known += 1;
            }
            None => break,
        }
    }
    if known < path.len() {
        // A part the opening state leaves out (it is its default): remove the
        // field alone where its object is in the link, and every other field of
        // that part reads as linked (each part fills what is missing with its
        // defaults); else the part from where the opening state stops.
        if let Some((leaf, parent_path)) = path.split_last() {
            let mut parent = Some(&mut *root);
            for seg in parent_path {
                parent = parent.and_then(|p| p.get_mut(seg.as_str()));
            }
            if let Some(object) = parent.and_then(Value::as_object_mut)
                && object.remove(leaf.as_str()).is_some()
            {
                return true;
            }
        }
        path.truncate(known + 1);
    }
    let Some((key, parent_path)) = path.split_last() else {
        return false;
    };
    let mut parent = &mut *root;
    for seg in parent_path {
        match parent.get_mut(seg.as_str()) {
            Some(v) => parent = v,
            None => return false,
        }
    }
    let Some(parent) = parent.as_object_mut() else {
        return false;
    };
    if known < path.len() {
        return parent.remove(key.as_str()).is_some();
    }
    if parent.get(key.as_str()) == Some(opening_value) {
        return false;
    }
    parent.insert(key.clone(), opening_value.clone());
    true
}

/// The pairs a `z=` part holds.
fn unpack(z: &str) -> Option<String> {
    let packed = URL_SAFE_NO_PAD.decode(z).ok()?;
    let bytes =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_UNPACKED_BYTES).ok()?;
    String::from_utf8(bytes).ok()
}

/// Text from a link, cut to a length that fits in a message.
fn short(s: &str) -> String {
    clip(s, 60)
}

fn unescape(s: &str) -> Option<String> {
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// Sets `path` in `root`, making objects on the way.
fn set(root: &mut Value, path: &[String], value: Value) {
    let mut at = root;
    for seg in path {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        at = at
            .as_object_mut()
            .expect("made an object above")
            .entry(seg.clone())
            .or_insert(Value::Null);
    }
    *at = value;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnn::Preset;
    use crate::scenario::NetworkRef;

    #[test]
    fn the_opening_state_is_just_the_version() {
        assert_eq!(encode(&AppState::default()), "v=1");
        assert_eq!(decode("").unwrap(), AppState::default());
        assert_eq!(decode("#v=1").unwrap(), AppState::default());
    }

    #[test]
    fn changes_are_short_readable_pairs() {
        let mut s = AppState {
            page: Page::Cnn,
            ..AppState::default()
        };
        s.cnn.batch = 8;
        s.cnn.network = NetworkRef::Preset(Preset::ResNet50);
        s.tf.model = crate::scenario::ModelRef::Zoo("llama-2-7b".into());
        s.tf_gpu.architecture = Some("Hopper".into());
        s.name = "Q3 chatbot: 32 users & 8k context".into();
        let link = encode(&s);
        assert_eq!(
            link,
            "v=1&page=cnn&name=Q3%20chatbot:%2032%20users%20%26%208k%20context&tf.model=llama-2-7b&tf_gpu.architecture=Hopper&cnn.network=resnet50&cnn.batch=8"
        );
        assert_eq!(decode(&link).unwrap(), s);
    }

    #[test]
    fn opening_a_scenario_keeps_the_other_page() {
        let mut state = AppState::default();
        state.cnn.batch = 8;
        state.formats.value = "1/3".into();
        let tf = TransformerScenario {
            sequences: 64,
            ..TransformerScenario::default()
        };
        let s = Scenario {
            name: "chat".into(),
            ..Scenario::new(Workload::Transformer(tf.clone()))
        };
        let opened = state.with_scenario(&s);
        assert_eq!(
            (opened.page, opened.name.as_str()),
            (Page::Transformer, "chat")
        );
        assert_eq!(opened.tf, tf);
        assert_eq!(opened.cnn.batch, 8);
        assert_eq!(opened.formats.value, "1/3");
    }

    fn with_config(config: serde_json::Value) -> AppState {
        let mut s = AppState::default();
        s.tf.model = crate::scenario::ModelRef::Config(config.as_object().unwrap().clone());
        s
    }

    #[test]
    fn objects_a_path_cannot_name_are_written_whole() {
        // An empty key, and nesting deeper than a link's names go.
        let mut deep = serde_json::json!({"leaf": 1});
        for _ in 0..MAX_DEPTH + 4 {
            deep = serde_json::json!({ "k": deep });
        }
        let s = with_config(serde_json::json!({"": 1, "model_type": "gpt2", "deep": deep}));
        let link = encode(&s);
        assert!(link.contains("tf.model="), "{link}");
        assert_eq!(decode(&link).unwrap(), s);
    }

    #[test]
    fn long_states_travel_compressed_and_read_back() {
        // A ViT config with 1,000 labels made a 127,667-byte link the reader refused.
        let mut config = crate::transformer::zoo::find("vit-b-16")
            .unwrap()
            .entry
            .config
            .clone();
        let labels: Map<String, Value> = (0..1000)
            .map(|i| {
                (
                    i.to_string(),
                    Value::from(format!("label number {i}, a class of images")),
                )
            })
            .collect();
        config.insert("id2label".into(), Value::Object(labels.clone()));
        config.insert(
            "label2id".into(),
            Value::Object(
                labels
                    .iter()
                    .map(|(k, v)| {
                        (
                            v.as_str().unwrap().into(),
                            Value::from(k.parse::<u64>().unwrap()),
                        )
                    })
                    .collect(),
            ),
        );
        let s = with_config(Value::Object(config));
        let e = encoded(&s);
        assert!(e.fragment.starts_with("v=1&z="), "{}", &e.fragment[..40]);
        assert!(!e.too_long(), "{} bytes", e.fragment.len());
        assert_eq!(decode(&e.fragment).unwrap(), s);
        // Short states stay readable pairs.
        assert!(!encode(&AppState::default()).contains("z="));
    }

    #[test]
    fn a_state_too_large_even_compressed_says_so() {
        let mut seed = 1u64;
        let noise: String = (0..200_000)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from(b'a' + (seed >> 59) as u8)
            })
            .collect();
        let s = AppState {
            name: noise,
            ..AppState::default()
        };
        assert!(encoded(&s).too_long());
        assert!(decode(&encode(&s)).is_err());
        assert!(
            decode("v=1&z=!!!")
                .unwrap_err()
                .to_string()
                .contains("compressed")
        );
    }

    #[test]
    fn text_that_reads_as_json_is_quoted() {
        let s = AppState {
            name: "123".into(),
            ..AppState::default()
        };
        let link = encode(&s);
        assert_eq!(link, "v=1&name=%22123%22");
        assert_eq!(decode(&link).unwrap(), s);
    }

    #[test]
    fn a_bad_value_of_a_part_left_at_its_default_costs_that_value_alone() {
        // The compression recipe is not in the opening state (it is its
        // default): a sparsity out of range goes back alone, and the pruning,
        // storage, index width and format stay as linked.
        for bad in ["1e309", "abc"] {
            let (state, dropped) = decode_lenient(&format!(
                "v=1&page=compression&compress.recipe.pruning=unstructured&compress.recipe.storage=csr&compress.recipe.index_bits=16&compress.recipe.quantize=int8&compress.recipe.sparsity_percent={bad}"
            ))
            .unwrap();
            let r = &state.compress.recipe;
            assert_eq!(r.pruning, crate::compress::Pruning::Unstructured, "{bad}");
            assert_eq!(r.storage, crate::compress::Storage::Csr, "{bad}");
            assert_eq!(r.index_bits, 16, "{bad}");
            assert_eq!(r.quantize, Some(crate::precision::Precision::Int8), "{bad}");
            assert_eq!(
                r.sparsity_percent,
                crate::compress::Compression::default().sparsity_percent
            );
            let paths: Vec<&str> = dropped.iter().map(|e| e.path.as_str()).collect();
            assert_eq!(paths, ["compress.recipe.sparsity_percent"], "{bad}");
        }
    }

    #[test]
    fn the_app_opens_the_rest_of_a_link_with_a_bad_value() {
        // A count cannot be negative, a page must be one the app has, and a
        // misspelt field is not a field: each goes back to its opening value with
        // its message; what can be read is kept.
        let (state, dropped) =
            decode_lenient("v=1&tf.sequences=0&tf.context=-5&page=nowhere&cnn.bacth=3&cnn.batch=8")
                .unwrap();
        assert_eq!(state.tf.sequences, 0);
        assert_eq!(state.tf.context, AppState::default().tf.context);
        assert_eq!(state.page, AppState::default().page);
        assert_eq!(state.cnn.batch, 8);
        let paths: Vec<&str> = dropped.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths.len(), 3, "{dropped:?}");
        assert!(
            paths.contains(&"tf.context") && paths.contains(&"page"),
            "{paths:?}"
        );
        assert!(
            dropped
                .iter()
                .any(|e| e.message.contains("unknown field `bacth`"))
        );
        // A bad value inside a list's item puts the list back whole.
        let (state, dropped) =
            decode_lenient(r#"v=1&cluster.requests=[{"count":-1}]&cnn.batch=8"#).unwrap();
        assert_eq!(
            state.cluster.unwrap().requests,
            crate::place::Cluster::default().requests
        );
        assert_eq!(state.cnn.batch, 8);
        assert!(dropped[0].path.starts_with("cluster"), "{dropped:?}");
        // The strict reader refuses the same link; a link that cannot be read at all
        // is refused by both.
        assert!(decode("v=1&tf.context=-5").is_err());
        assert!(decode_lenient("v=1&z=!!!").is_err());
        assert!(decode_lenient("page=cnn").is_err());
        // At most MAX_DROPPED fields are put back.
        let many: String = (0..=MAX_DROPPED).map(|i| format!("&bad{i}=1")).collect();
        assert!(decode_lenient(&format!("v=1{many}")).is_err());
    }

    #[test]
    fn bad_links_say_why() {
        assert_eq!(decode("v=2&page=cnn"), Err(LinkError::Newer(2)));
        let msg = |f: &str| decode(f).unwrap_err().to_string();
        assert!(
            msg("page=cnn").contains("no format version"),
            "{}",
            msg("page=cnn")
        );
        assert!(msg("v=1&cnn.batch=-3").contains("cnn.batch"));
        assert!(msg("v=1&cnn.bacth=3").contains("unknown field `bacth`"));
        assert!(msg("v=1&page=nowhere").contains("page"));
        assert!(msg("v=1&cnn..batch=1").contains("not a field name"));
        let deep = format!("v=1&{}=1", vec!["a"; 20_000].join("."));
        assert!(msg(&deep).contains("not a field name"));
        assert!(msg(&deep).len() < 200);
        let long = format!("v=1&{}=1", "k".repeat(30_000));
        assert!(msg(&long).contains("unknown field"));
        assert!(msg(&long).len() < 600);
        assert!(msg("v=1&name=%FF").contains("garbled"));
        assert!(msg("v=0").contains("v=0"));
        assert!(msg("v=one").contains("v=one"));
        assert!(msg("garbage").contains("name=value"));
    }
}
