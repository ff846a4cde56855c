//! Reading a Hugging Face `config.json` into an [`Architecture`].
//!
//! Supported `model_type`s: llama, mistral, mixtral, qwen2, gemma2, phi3,
//! deepseek_v3, falcon, gpt2, bert, t5, vit. Every value the count depends on is
//! read from the file; where the file leaves a field out and the `transformers`
//! class has a documented default, that default is used and listed as an
//! assumption. Anything else missing, of the wrong type or contradictory is an
//! error that names the field.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::arch::{
    Architecture, FfnKind, Mla, ModelKind, Moe, NormKind, PositionKind, Vision, Window,
};

/// Largest config accepted, in bytes (real ones are 1–30 kB; ViT's with labels ~70 kB).
pub const MAX_CONFIG_BYTES: usize = 2 * 1024 * 1024;

/// The model types this importer reads.
pub const SUPPORTED: [&str; 12] = [
    "llama",
    "mistral",
    "mixtral",
    "qwen2",
    "gemma2",
    "phi3",
    "deepseek_v3",
    "falcon",
    "gpt2",
    "bert",
    "t5",
    "vit",
];

/// Why a config could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportError {
    /// The config field at fault, when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn err(field: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        field: Some(field.to_string()),
        message: message.into(),
    }
}

/// A config read successfully.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    pub arch: Architecture,
    /// `_name_or_path` when present, else the architecture class, else the model type.
    pub name: String,
    pub model_type: String,
    /// Defaults the file left implicit, and what was not counted.
    pub assumptions: Vec<String>,
}

struct Reader<'a> {
    obj: &'a Map<String, Value>,
    model_type: String,
    assumptions: Vec<String>,
}

impl<'a> Reader<'a> {
    fn value(&self, key: &str) -> Option<&'a Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    fn whole(&self, key: &str, v: &Value) -> Result<u64, ImportError> {
        match v {
            Value::Number(n) => match n.as_u64() {
                Some(x) => Ok(x),
                None if n.as_i64().is_some() => {
                    Err(err(key, format!("must not be negative, found {n}")))
                }
                // 32.0 is the whole number 32; 1e20 is whole but past any field's range.
                None => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f < 0.0 => {
                        Err(err(key, format!("must not be negative, found {n}")))
                    }
                    Some(f) if f.fract() == 0.0 && f < u64::MAX as f64 => Ok(f as u64),
                    Some(f) if f.fract() == 0.0 => {
                        Err(err(key, format!("is far too large, found {n}")))
                    }
                    _ => Err(err(key, format!("must be a whole number, found {n}"))),
                },
            },
            Value::String(s) => Err(err(
                key,
                format!("must be a number, found the text \"{}\"", clip(s)),
            )),
            Value::Bool(b) => Err(err(key, format!("must be a number, found {b}"))),
            _ => Err(err(key, "must be a number")),
        }
    }

    /// A required whole number.
    fn req(&self, key: &str) -> Result<u64, ImportError> {
        match self.value(key) {
            Some(v) => self.whole(key, v),
            None => Err(err(
                key,
                format!("is missing; a {} config needs it", self.model_type),
            )),
        }
    }

    /// The first of several names a field goes by (Falcon's old and new names).
    fn req_any(&self, keys: &[&str]) -> Result<u64, ImportError> {
        for k in keys {
            if let Some(v) = self.value(k) {
                return self.whole(k, v);
            }
        }
        Err(err(
            keys[0],
            format!("is missing; a {} config needs it", self.model_type),
        ))
    }

    fn opt(&self, key: &str) -> Result<Option<u64>, ImportError> {
        self.value(key).map(|v| self.whole(key, v)).transpose()
    }

    /// An optional whole number with the `transformers` default, noted when used.
    fn or_default(&mut self, key: &str, default: u64, why: &str) -> Result<u64, ImportError> {
        match self.opt(key)? {
            Some(v) => Ok(v),
            None => {
                self.assumptions
                    .push(format!("{key} is not given: {why} ({default})."));
                Ok(default)
            }
        }
    }

    fn flag(&mut self, key: &str, default: bool, why: &str) -> Result<bool, ImportError> {
        match self.value(key) {
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(err(
                key,
                format!("must be true or false, found {}", clip(&other.to_string())),
            )),
            None => {
                self.assumptions
                    .push(format!("{key} is not given: {why} ({default})."));
                Ok(default)
            }
        }
    }

    fn text(&self, key: &str) -> Result<Option<&'a str>, ImportError> {
        match self.value(key) {
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(err(key, "must be text")),
            None => Ok(None),
        }
    }

    fn u32(&self, key: &str, v: u64) -> Result<u32, ImportError> {
        u32::try_from(v).map_err(|_| err(key, format!("{v} is far too large")))
    }
}

fn clip(s: &str) -> String {
    crate::input::clip(s, 40)
}

/// Head width: `head_dim` when given, else hidden ÷ heads, which must divide.
fn head_dim(r: &mut Reader, hidden: u64, heads: u64) -> Result<u64, ImportError> {
    if let Some(d) = r.opt("head_dim")? {
        return Ok(d);
    }
    if heads == 0 {
        return Err(err("num_attention_heads", "must be at least 1"));
    }
    if !hidden.is_multiple_of(heads) {
        return Err(err(
            "num_attention_heads",
            format!(
                "hidden size {hidden} is not divisible by {heads} heads, and head_dim is not given"
            ),
        ));
    }
    Ok(hidden / heads)
}

fn base(kind: ModelKind) -> Architecture {
    Architecture {
        kind,
        layers: 0,
        encoder_layers: 0,
        hidden: 0,
        heads: 0,
        kv_heads: 0,
        head_dim: 0,
        ffn: 0,
        ffn_kind: FfnKind::Gated,
        vocab: 0,
        tied_embeddings: false,
        positions: PositionKind::Rope,
        max_positions: 0,
        relative_buckets: 0,
        norm: NormKind::Rms,
        norms_per_layer: 2,
        qkv_bias: false,
        out_bias: false,
        ffn_bias: false,
        token_types: 0,
        embedding_norm: false,
        final_norm: true,
        pooler: false,
        classifier_labels: 0,
        vision: None,
        moe: None,
        mla: None,
        window: None,
    }
}

/// Llama and its relatives: llama, mistral, mixtral, qwen2, gemma2, phi3, deepseek_v3.
fn llama_like(r: &mut Reader) -> Result<Architecture, ImportError> {
    let mt = r.model_type.clone();
    let mut a = base(ModelKind::Decoder);
    a.hidden = r.req("hidden_size")?;
    a.layers = r.u32("num_hidden_layers", r.req("num_hidden_layers")?)?;
    let heads = r.req("num_attention_heads")?;
    a.heads = r.u32("num_attention_heads", heads)?;
    let kv = match r.opt("num_key_value_heads")? {
        Some(v) => v,
        None => {
            r.assumptions.push(format!(
                "num_key_value_heads is not given: {mt} then uses one KV head per attention head (MHA, {heads})."
            ));
            heads
        }
    };
    a.kv_heads = r.u32("num_key_value_heads", kv)?;
    a.head_dim = head_dim(r, a.hidden, heads)?;
    a.ffn = r.req("intermediate_size")?;
    a.vocab = r.req("vocab_size")?;
    // The transformers config classes' defaults (LlamaConfig 2,048,
    // MistralConfig and MixtralConfig 4,096 × 32, Qwen2Config 32,768,
    // Gemma2Config 8,192, Phi3Config 4,096).
    a.max_positions = match mt.as_str() {
        "llama" => 2048,
        "mistral" | "mixtral" => 131_072,
        "qwen2" => 32_768,
        "gemma2" => 8192,
        "phi3" => 4096,
        _ => 0,
    };
    a.max_positions = if a.max_positions > 0 {
        r.or_default(
            "max_position_embeddings",
            a.max_positions,
            &format!("the {mt} default"),
        )?
    } else {
        r.req("max_position_embeddings")?
    };
    let tied_default = mt == "gemma2";
    a.tied_embeddings = r.flag(
        "tie_word_embeddings",
        tied_default,
        &format!("the {mt} default"),
    )?;
    match mt.as_str() {
        "qwen2" => {
            // Qwen2 always has biases on q, k and v (not on o).
            a.qkv_bias = true;
            if r.value("use_sliding_window") == Some(&Value::Bool(true)) {
                let size = r.req("sliding_window")?;
                a.window = Some(Window { size, every: 1 });
                r.assumptions.push(
                    "use_sliding_window is true: every layer is counted as local (max_window_layers is not modelled).".into(),
                );
            }
        }
        "gemma2" => {
            a.norms_per_layer = 4;
            if let Some(size) = r.opt("sliding_window")? {
                a.window = Some(Window { size, every: 2 });
            }
        }
        "mistral" | "phi3" => {
            if let Some(size) = r.opt("sliding_window")? {
                a.window = Some(Window { size, every: 1 });
            }
        }
        _ => {}
    }
    if matches!(mt.as_str(), "llama" | "mistral" | "mixtral" | "phi3") {
        let bias = match mt.as_str() {
            "llama" => r.flag("attention_bias", false, "the llama default")?,
            _ => false,
        };
        a.qkv_bias = bias;
        a.out_bias = bias;
        if mt == "llama" && r.value("mlp_bias") == Some(&Value::Bool(true)) {
            a.ffn_bias = true;
        }
    }
    if mt == "mixtral" {
        let experts = r.req("num_local_experts")?;
        let k = r.req("num_experts_per_tok")?;
        a.moe = Some(Moe {
            experts: r.u32("num_local_experts", experts)?,
            experts_per_token: r.u32("num_experts_per_tok", k)?,
            shared_experts: 0,
            expert_ffn: a.ffn,
            first_dense_layers: 0,
            router_bias: false,
        });
    }
    if mt == "deepseek_v3" {
        let experts = r.req("n_routed_experts")?;
        let k = r.req("num_experts_per_tok")?;
        let shared = r.or_default("n_shared_experts", 0, "no shared experts")?;
        let first = r.or_default("first_k_dense_replace", 0, "every layer is MoE")?;
        let freq = r.or_default(
            "moe_layer_freq",
            1,
            "every layer after the dense ones is MoE",
        )?;
        if freq != 1 {
            return Err(err(
                "moe_layer_freq",
                format!("MoE every {freq} layers is not supported; only 1 (every layer) is"),
            ));
        }
        let router_bias = r.text("topk_method")? == Some("noaux_tc");
        a.moe = Some(Moe {
            experts: r.u32("n_routed_experts", experts)?,
            experts_per_token: r.u32("num_experts_per_tok", k)?,
            shared_experts: r.u32("n_shared_experts", shared)?,
            expert_ffn: r.req("moe_intermediate_size")?,
            first_dense_layers: r.u32("first_k_dense_replace", first)?,
            router_bias,
        });
        let q_lora_rank = r.opt("q_lora_rank")?.unwrap_or(0);
        let m = Mla {
            q_lora_rank,
            kv_lora_rank: r.req("kv_lora_rank")?,
            qk_nope_head_dim: r.req("qk_nope_head_dim")?,
            qk_rope_head_dim: r.req("qk_rope_head_dim")?,
            v_head_dim: r.req("v_head_dim")?,
        };
        // Saturating: an absurd config is refused by the range checks, not wrapped.
        a.head_dim = m.qk_nope_head_dim.saturating_add(m.qk_rope_head_dim);
        a.kv_heads = a.heads;
        a.mla = Some(m);
        if let Some(n) = r.opt("num_nextn_predict_layers")?.filter(|n| *n > 0) {
            r.assumptions.push(format!(
                "The {n} multi-token-prediction layer(s) are not counted: engines load them only for speculative decoding."
            ));
        }
    }
    Ok(a)
}

fn falcon(r: &mut Reader) -> Result<Architecture, ImportError> {
    let mut a = base(ModelKind::Decoder);
    a.hidden = r.req("hidden_size")?;
    a.layers = r.u32(
        "num_hidden_layers",
        r.req_any(&["num_hidden_layers", "n_layer"])?,
    )?;
    let heads = r.req_any(&["num_attention_heads", "n_head"])?;
    a.heads = r.u32("num_attention_heads", heads)?;
    a.head_dim = head_dim(r, a.hidden, heads)?;
    let new_arch = r.flag("new_decoder_architecture", false, "the falcon default")?;
    let kv = if new_arch {
        r.req_any(&["num_kv_heads", "n_head_kv"])?
    } else if r.flag("multi_query", true, "the falcon default")? {
        1
    } else {
        heads
    };
    a.kv_heads = r.u32("num_kv_heads", kv)?;
    a.ffn = r.or_default(
        "ffn_hidden_size",
        a.hidden.saturating_mul(4),
        "Falcon's FFN is 4 × hidden",
    )?;
    a.ffn_kind = FfnKind::Plain;
    a.vocab = r.req("vocab_size")?;
    a.norm = NormKind::Layer;
    let parallel = r.flag("parallel_attn", true, "the falcon default")?;
    a.norms_per_layer = if new_arch || !parallel { 2 } else { 1 };
    let bias = r.flag("bias", false, "the falcon default")?;
    a.qkv_bias = bias;
    a.out_bias = bias;
    a.ffn_bias = bias;
    a.positions = if r.flag("alibi", false, "the falcon default")? {
        PositionKind::Alibi
    } else {
        PositionKind::Rope
    };
    a.tied_embeddings = r.flag("tie_word_embeddings", true, "the falcon default")?;
    a.max_positions = r.or_default(
        "max_position_embeddings",
        2048,
        "Falcon was trained on 2,048-token sequences",
    )?;
    Ok(a)
}

fn gpt2(r: &mut Reader) -> Result<Architecture, ImportError> {
    let mut a = base(ModelKind::Decoder);
    a.hidden = r.req("n_embd")?;
    a.layers = r.u32("n_layer", r.req("n_layer")?)?;
    let heads = r.req("n_head")?;
    a.heads = r.u32("n_head", heads)?;
    a.kv_heads = a.heads;
    if heads == 0 || !a.hidden.is_multiple_of(heads) {
        return Err(err(
            "n_head",
            format!("n_embd {} is not divisible by {heads} heads", a.hidden),
        ));
    }
    a.head_dim = a.hidden / heads;
    a.ffn = r.or_default(
        "n_inner",
        a.hidden.saturating_mul(4),
        "GPT-2 uses 4 × n_embd",
    )?;
    a.ffn_kind = FfnKind::Plain;
    a.vocab = r.req("vocab_size")?;
    a.max_positions = r.req("n_positions")?;
    a.positions = PositionKind::Learned;
    a.norm = NormKind::Layer;
    a.qkv_bias = true;
    a.out_bias = true;
    a.ffn_bias = true;
    a.tied_embeddings = r.flag("tie_word_embeddings", true, "the gpt2 default")?;
    Ok(a)
}

/// The fields BERT and ViT share: a post- or pre-norm encoder with MHA, a plain
/// GELU FFN and LayerNorm.
fn encoder(r: &mut Reader, kind: ModelKind) -> Result<Architecture, ImportError> {
    let mut a = base(kind);
    a.hidden = r.req("hidden_size")?;
    a.layers = r.u32("num_hidden_layers", r.req("num_hidden_layers")?)?;
    let heads = r.req("num_attention_heads")?;
    a.heads = r.u32("num_attention_heads", heads)?;
    a.kv_heads = a.heads;
    a.head_dim = head_dim(r, a.hidden, heads)?;
    a.ffn = r.req("intermediate_size")?;
    a.ffn_kind = FfnKind::Plain;
    a.norm = NormKind::Layer;
    a.positions = PositionKind::Learned;
    a.qkv_bias = true;
    a.out_bias = true;
    a.ffn_bias = true;
    Ok(a)
}

fn bert(r: &mut Reader) -> Result<Architecture, ImportError> {
    let mut a = encoder(r, ModelKind::Encoder)?;
    a.vocab = r.req("vocab_size")?;
    a.max_positions = r.or_default("max_position_embeddings", 512, "the bert default")?;
    a.token_types = r.or_default("type_vocab_size", 2, "the bert default")?;
    a.embedding_norm = true;
    a.final_norm = false;
    a.pooler = true;
    r.assumptions.push(
        "Counted as BertModel loads it: embeddings, encoder and pooler; task heads (masked-LM, classifier) are not included.".into(),
    );
    Ok(a)
}

fn t5(r: &mut Reader) -> Result<Architecture, ImportError> {
    let mut a = base(ModelKind::EncoderDecoder);
    a.hidden = r.req("d_model")?;
    let enc = r.req("num_layers")?;
    a.encoder_layers = r.u32("num_layers", enc)?;
    let dec = r.or_default(
        "num_decoder_layers",
        enc,
        "T5 uses num_layers for the decoder too",
    )?;
    a.layers = r.u32("num_decoder_layers", dec)?;
    a.heads = r.u32("num_heads", r.req("num_heads")?)?;
    a.kv_heads = a.heads;
    a.head_dim = r.req("d_kv")?;
    a.ffn = r.req("d_ff")?;
    let proj = r.text("feed_forward_proj")?.map(str::to_string);
    a.ffn_kind = match proj.as_deref() {
        None => {
            r.assumptions.push(
                "feed_forward_proj is not given: T5's default is a plain ReLU FFN (relu).".into(),
            );
            FfnKind::Plain
        }
        Some(p) if p.starts_with("gated-") => FfnKind::Gated,
        Some("relu" | "gelu" | "gelu_new" | "silu") => FfnKind::Plain,
        Some(p) => {
            return Err(err(
                "feed_forward_proj",
                format!("\"{}\" is not a T5 FFN kind (relu, gated-gelu, …)", clip(p)),
            ));
        }
    };
    a.vocab = r.req("vocab_size")?;
    a.positions = PositionKind::Relative;
    a.relative_buckets = r.or_default("relative_attention_num_buckets", 32, "the t5 default")?;
    a.max_positions = r.or_default("n_positions", 512, "the length T5 was pre-trained on")?;
    a.norm = NormKind::Rms;
    a.norms_per_layer = 3;
    a.tied_embeddings = r.flag("tie_word_embeddings", true, "the t5 default")?;
    Ok(a)
}

fn vit(r: &mut Reader) -> Result<Architecture, ImportError> {
    let mut a = encoder(r, ModelKind::Vision)?;
    let v = Vision {
        image_size: r.req("image_size")?,
        patch_size: r.req("patch_size")?,
        channels: r.or_default("num_channels", 3, "RGB")?,
    };
    if v.patch_size == 0 {
        return Err(err("patch_size", "must be at least 1"));
    }
    a.vision = Some(v);
    a.max_positions = if v.patch_size <= v.image_size {
        v.tokens()
    } else {
        1
    };
    a.qkv_bias = r.flag("qkv_bias", true, "the vit default")?;
    let classifier = r
        .obj
        .get("architectures")
        .and_then(Value::as_array)
        .is_some_and(|list| {
            list.iter().any(|c| {
                c.as_str()
                    .is_some_and(|s| s.ends_with("ForImageClassification"))
            })
        });
    if classifier {
        let labels = match r.obj.get("id2label") {
            Some(Value::Object(m)) => m.len() as u64,
            _ => r.or_default("num_labels", 2, "the transformers default for a classifier")?,
        };
        a.classifier_labels = labels;
    } else {
        a.pooler = true;
        r.assumptions
            .push("Counted as ViTModel loads it: with the pooler, without a classifier.".into());
    }
    Ok(a)
}

/// Reads a `config.json` text.
pub fn import(text: &str) -> Result<Imported, ImportError> {
    let text = crate::input::without_bom(text);
    if text.len() > MAX_CONFIG_BYTES {
        return Err(ImportError {
            field: None,
            message: format!(
                "The file is {} bytes; a config.json is a few kilobytes (at most {} accepted).",
                crate::units::group_digits(text.len() as u64),
                crate::units::group_digits(MAX_CONFIG_BYTES as u64)
            ),
        });
    }
    if text.trim().is_empty() {
        return Err(ImportError {
            field: None,
            message: "Paste the contents of a config.json.".into(),
        });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError {
        field: None,
        message: if e.to_string().starts_with("recursion limit exceeded") {
            format!(
                "Not a config.json: nested more than 128 levels deep (line {}, column {}); a config.json nests a few.",
                e.line(),
                e.column()
            )
        } else {
            format!("Not valid JSON: {e}.")
        },
    })?;
    let Value::Object(obj) = &value else {
        return Err(ImportError {
            field: None,
            message: "A config.json is a JSON object ({ … }), not a list or a single value.".into(),
        });
    };
    // A scenario holds the config three levels down and must stay within its limit.
    let max = crate::input::MAX_NESTING - 4;
    if let Some(path) = crate::input::too_deep(&value, max) {
        return Err(ImportError {
            field: None,
            message: format!(
                "{path}: nested more than {max} levels deep; a config.json nests a few levels"
            ),
        });
    }
    import_object(obj)
}

/// Reads a parsed `config.json` object.
pub fn import_object(obj: &Map<String, Value>) -> Result<Imported, ImportError> {
    let model_type = match obj.get("model_type") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(err("model_type", "must be text, e.g. \"llama\"")),
        None => {
            return Err(err(
                "model_type",
                "is missing: headroom reads the model type to know the architecture (it is in every transformers config.json)",
            ));
        }
    };
    if !SUPPORTED.contains(&model_type.as_str()) {
        return Err(err(
            "model_type",
            format!(
                "\"{}\" is not a supported architecture. Supported: {}. Describe other models in the architecture editor.",
                clip(&model_type),
                SUPPORTED.join(", ")
            ),
        ));
    }
    let mut r = Reader {
        obj,
        model_type: model_type.clone(),
        assumptions: Vec::new(),
    };
    let arch = match model_type.as_str() {
        "falcon" => falcon(&mut r)?,
        "gpt2" => gpt2(&mut r)?,
        "bert" => bert(&mut r)?,
        "t5" => t5(&mut r)?,
        "vit" => vit(&mut r)?,
        _ => llama_like(&mut r)?,
    };
    if let Some(e) = arch.validate().into_iter().next() {
        return Err(ImportError {
            field: Some(config_field(&model_type, &e.field).to_string()),
            message: e.message,
        });
    }
    let name = match obj.get("_name_or_path").and_then(Value::as_str) {
        Some(n) if !n.trim().is_empty() => clip(n.trim()),
        _ => obj
            .get("architectures")
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .and_then(Value::as_str)
            .map_or_else(|| model_type.clone(), clip),
    };
    Ok(Imported {
        arch,
        name,
        model_type,
        assumptions: r.assumptions,
    })
}

/// The config.json key behind an [`Architecture`] field, for messages.
fn config_field(model_type: &str, field: &str) -> &'static str {
    let gpt2 = model_type == "gpt2";
    let t5 = model_type == "t5";
    match field {
        "layers" if gpt2 => "n_layer",
        "layers" if t5 => "num_decoder_layers",
        "layers" => "num_hidden_layers",
        "encoder_layers" => "num_layers",
        "hidden" if gpt2 => "n_embd",
        "hidden" if t5 => "d_model",
        "hidden" => "hidden_size",
        "heads" if gpt2 => "n_head",
        "heads" if t5 => "num_heads",
        "heads" => "num_attention_heads",
        "kv_heads" if model_type == "falcon" => "num_kv_heads",
        "kv_heads" => "num_key_value_heads",
        "head_dim" if t5 => "d_kv",
        "head_dim" => "head_dim",
        "ffn" if gpt2 => "n_inner",
        "ffn" if t5 => "d_ff",
        "ffn" => "intermediate_size",
        "vocab" => "vocab_size",
        "max_positions" if gpt2 => "n_positions",
        "max_positions" => "max_position_embeddings",
        "moe.experts" if model_type == "mixtral" => "num_local_experts",
        "moe.experts" => "n_routed_experts",
        "moe.experts_per_token" => "num_experts_per_tok",
        "moe.shared_experts" => "n_shared_experts",
        "moe.expert_ffn" => "moe_intermediate_size",
        "moe.first_dense_layers" => "first_k_dense_replace",
        "mla.q_lora_rank" => "q_lora_rank",
        "mla.kv_lora_rank" => "kv_lora_rank",
        "mla.qk_nope_head_dim" => "qk_nope_head_dim",
        "mla.qk_rope_head_dim" => "qk_rope_head_dim",
        "mla.v_head_dim" => "v_head_dim",
        "window.size" => "sliding_window",
        "vision.image_size" => "image_size",
        "vision.patch_size" => "patch_size",
        "vision.channels" => "num_channels",
        "token_types" => "type_vocab_size",
        "relative_buckets" => "relative_attention_num_buckets",
        _ => "config",
    }
}
