//! A transformer's architecture as the numbers that decide its memory, and the
//! parameter count derived from them — total, and active per token for
//! Mixture-of-Experts models.
//!
//! Conventions (the same as Hugging Face's `num_parameters()`): every weight and
//! bias of every layer, norm weights (and biases for LayerNorm), embedding tables,
//! and the output head when it is not tied to the token embedding. Registered
//! buffers (rotary frequencies, causal masks) are not parameters.

use serde::{Deserialize, Serialize};

use crate::units::group_digits;

/// What the network is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Decoder-only language model (GPT, Llama, Mistral, …): causal, with a KV cache.
    Decoder,
    /// Encoder-only model (BERT): bidirectional, no KV cache.
    Encoder,
    /// Encoder-decoder (T5): the decoder caches its own keys and values and the
    /// encoder output projected for cross-attention.
    EncoderDecoder,
    /// Vision transformer (ViT): an encoder over image patches.
    Vision,
}

impl ModelKind {
    pub const ALL: [ModelKind; 4] = [
        ModelKind::Decoder,
        ModelKind::Encoder,
        ModelKind::EncoderDecoder,
        ModelKind::Vision,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ModelKind::Decoder => "decoder",
            ModelKind::Encoder => "encoder",
            ModelKind::EncoderDecoder => "encoder_decoder",
            ModelKind::Vision => "vision",
        }
    }

    pub fn from_id(id: &str) -> Option<ModelKind> {
        ModelKind::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            ModelKind::Decoder => "Decoder-only (causal LM)",
            ModelKind::Encoder => "Encoder-only",
            ModelKind::EncoderDecoder => "Encoder-decoder",
            ModelKind::Vision => "Vision transformer",
        }
    }

    /// Whether generation keeps a KV cache.
    pub fn generates(self) -> bool {
        matches!(self, ModelKind::Decoder | ModelKind::EncoderDecoder)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FfnKind {
    /// Two matrices: up (h×i) and down (i×h), e.g. GELU in GPT-2, BERT, T5, ViT.
    Plain,
    /// Three matrices: gate and up (h×i each) and down (i×h): SwiGLU / GeGLU.
    Gated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormKind {
    /// RMSNorm: one weight vector.
    Rms,
    /// LayerNorm: weight and bias.
    Layer,
}

impl NormKind {
    fn params(self, width: u64) -> u64 {
        match self {
            NormKind::Rms => width,
            NormKind::Layer => 2 * width,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionKind {
    /// Rotary embeddings: no parameters.
    Rope,
    /// A learned table of `max_positions × hidden`.
    Learned,
    /// T5's relative attention bias: `buckets × heads` in the first layer of each stack.
    Relative,
    /// ALiBi: no parameters.
    Alibi,
}

/// Mixture-of-Experts feed-forward blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Moe {
    /// Routed experts per MoE layer.
    pub experts: u32,
    /// Routed experts each token uses.
    pub experts_per_token: u32,
    /// Experts every token uses (DeepSeek's shared experts).
    pub shared_experts: u32,
    /// Intermediate size of one expert.
    pub expert_ffn: u64,
    /// The first this many layers keep a dense FFN of `Architecture::ffn` (DeepSeek-V3: 3).
    pub first_dense_layers: u32,
    /// The router has a bias per expert (DeepSeek-V3's score-correction bias).
    pub router_bias: bool,
}

/// Multi-head latent attention (DeepSeek-V2/V3): keys and values are
/// reconstructed from a compressed latent, which is all the KV cache stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mla {
    /// Rank of the query compression (0: queries are projected directly).
    pub q_lora_rank: u64,
    /// Rank of the key/value latent.
    pub kv_lora_rank: u64,
    /// Per-head query/key width without rotary position.
    pub qk_nope_head_dim: u64,
    /// Per-head query/key width with rotary position (the key part is shared by all heads).
    pub qk_rope_head_dim: u64,
    pub v_head_dim: u64,
}

/// Sliding-window (local) attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Tokens a local layer attends to.
    pub size: u64,
    /// 1: every layer is local (Mistral-7B v0.1). 2: every second layer, starting
    /// with the first, is local and the others global (Gemma-2).
    pub every: u32,
}

/// Patch input of a vision transformer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vision {
    pub image_size: u64,
    pub patch_size: u64,
    pub channels: u64,
}

impl Vision {
    /// Patches plus the class token (saturating: an image too large for the
    /// range checks is refused by them, not wrapped).
    pub fn tokens(&self) -> u64 {
        let side = self.image_size / self.patch_size.max(1);
        side.saturating_mul(side).saturating_add(1)
    }
}

/// The numbers that decide a transformer's parameters and memory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Architecture {
    pub kind: ModelKind,
    /// Transformer blocks; the decoder's for an encoder-decoder.
    pub layers: u32,
    /// Encoder blocks of an encoder-decoder; 0 otherwise.
    pub encoder_layers: u32,
    pub hidden: u64,
    /// Query heads.
    pub heads: u32,
    /// Key/value heads: equal to `heads` for MHA, fewer for GQA, 1 for MQA.
    pub kv_heads: u32,
    /// Width of one query/key/value head (for MLA see `mla`).
    pub head_dim: u64,
    /// FFN intermediate size (of the dense FFN layers).
    pub ffn: u64,
    pub ffn_kind: FfnKind,
    /// Vocabulary; 0 for a vision transformer.
    pub vocab: u64,
    /// The output head reuses the token-embedding matrix.
    pub tied_embeddings: bool,
    pub positions: PositionKind,
    /// Longest context the model was trained for (and the size of a learned table).
    pub max_positions: u64,
    /// T5 relative-attention buckets (`positions = relative`).
    pub relative_buckets: u64,
    pub norm: NormKind,
    /// Norms per block: 2 in most models, 4 in Gemma-2, 3 in a T5 decoder block
    /// (the encoder blocks of an encoder-decoder have one fewer).
    pub norms_per_layer: u32,
    /// Biases on the query, key and value projections (GPT-2, BERT, Qwen2).
    pub qkv_bias: bool,
    /// Bias on the attention output projection (GPT-2, BERT).
    pub out_bias: bool,
    /// Biases in the FFN (GPT-2, BERT, ViT).
    pub ffn_bias: bool,
    /// BERT's token-type (segment) embeddings.
    pub token_types: u64,
    /// A norm right after the embeddings (BERT).
    pub embedding_norm: bool,
    /// A norm after the last block of each stack (pre-norm models); BERT, a
    /// post-norm model, has none.
    pub final_norm: bool,
    /// BERT's pooler: a dense h×h layer with bias on the first token.
    pub pooler: bool,
    /// Classification labels of an image-classification head (ViT); 0: none.
    pub classifier_labels: u64,
    pub vision: Option<Vision>,
    pub moe: Option<Moe>,
    pub mla: Option<Mla>,
    pub window: Option<Window>,
}

/// Upper bounds that keep every count well inside 64 bits.
pub mod limits {
    pub const LAYERS: u64 = 1_024;
    pub const HIDDEN: u64 = 131_072;
    pub const HEADS: u64 = 1_024;
    pub const HEAD_DIM: u64 = 4_096;
    pub const FFN: u64 = 1_048_576;
    pub const VOCAB: u64 = 4_194_304;
    pub const POSITIONS: u64 = 16_777_216;
    pub const EXPERTS: u64 = 1_024;
    pub const RANK: u64 = 65_536;
    pub const LABELS: u64 = 1_000_000;
    pub const IMAGE: u64 = 16_384;
}

/// A problem with one field of an architecture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchError {
    /// The field, as named in [`Architecture`] (`moe.experts`, `heads`, …).
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ArchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl Architecture {
    /// Every problem, each naming its field. Empty when the architecture is usable.
    pub fn validate(&self) -> Vec<ArchError> {
        let mut errors = Vec::new();
        let mut range = |field: &str, v: u64, min: u64, max: u64| {
            if v < min || v > max {
                errors.push(ArchError {
                    field: field.to_string(),
                    message: format!(
                        "must be between {} and {}, not {}",
                        group_digits(min),
                        group_digits(max),
                        group_digits(v)
                    ),
                });
            }
        };
        range("layers", self.layers.into(), 1, limits::LAYERS);
        if self.kind == ModelKind::EncoderDecoder {
            range(
                "encoder_layers",
                self.encoder_layers.into(),
                1,
                limits::LAYERS,
            );
        } else {
            range("encoder_layers", self.encoder_layers.into(), 0, 0);
        }
        range("hidden", self.hidden, 1, limits::HIDDEN);
        range("heads", self.heads.into(), 1, limits::HEADS);
        range("kv_heads", self.kv_heads.into(), 1, limits::HEADS);
        range("head_dim", self.head_dim, 1, limits::HEAD_DIM);
        range("ffn", self.ffn, 1, limits::FFN);
        let min_vocab = u64::from(self.kind != ModelKind::Vision);
        range("vocab", self.vocab, min_vocab, limits::VOCAB);
        // A vision model's positions follow from its image: name the image first.
        if let Some(v) = &self.vision {
            range("vision.image_size", v.image_size, 1, limits::IMAGE);
            range("vision.patch_size", v.patch_size, 1, limits::IMAGE);
            range("vision.channels", v.channels, 1, 64);
        }
        range("max_positions", self.max_positions, 1, limits::POSITIONS);
        range("norms_per_layer", self.norms_per_layer.into(), 0, 8);
        range("token_types", self.token_types, 0, 1_024);
        range(
            "classifier_labels",
            self.classifier_labels,
            0,
            limits::LABELS,
        );
        if self.positions == PositionKind::Relative {
            range("relative_buckets", self.relative_buckets, 1, 4_096);
        }
        if let Some(m) = &self.moe {
            range("moe.experts", m.experts.into(), 2, limits::EXPERTS);
            range(
                "moe.experts_per_token",
                m.experts_per_token.into(),
                1,
                limits::EXPERTS,
            );
            range("moe.shared_experts", m.shared_experts.into(), 0, 64);
            range("moe.expert_ffn", m.expert_ffn, 1, limits::FFN);
            range(
                "moe.first_dense_layers",
                m.first_dense_layers.into(),
                0,
                limits::LAYERS,
            );
        }
        if let Some(m) = &self.mla {
            range("mla.q_lora_rank", m.q_lora_rank, 0, limits::RANK);
            range("mla.kv_lora_rank", m.kv_lora_rank, 1, limits::RANK);
            range(
                "mla.qk_nope_head_dim",
                m.qk_nope_head_dim,
                1,
                limits::HEAD_DIM,
            );
            range(
                "mla.qk_rope_head_dim",
                m.qk_rope_head_dim,
                0,
                limits::HEAD_DIM,
            );
            range("mla.v_head_dim", m.v_head_dim, 1, limits::HEAD_DIM);
        }
        if let Some(w) = &self.window {
            range("window.size", w.size, 1, limits::POSITIONS);
            range("window.every", w.every.into(), 1, 2);
        }
        let mut problem = |field: &str, message: String| {
            errors.push(ArchError {
                field: field.to_string(),
                message,
            })
        };
        if self.kv_heads > self.heads {
            problem(
                "kv_heads",
                format!(
                    "{} key/value heads is more than the {} query heads",
                    self.kv_heads, self.heads
                ),
            );
        } else if self.kv_heads > 0 && !self.heads.is_multiple_of(self.kv_heads) {
            // The nearest counts that do divide them, below and above.
            let divides = |k: &u32| self.heads.is_multiple_of(*k);
            let below = (1..self.kv_heads).rev().find(divides).unwrap_or(1);
            let above = (self.kv_heads..=self.heads)
                .find(divides)
                .unwrap_or(self.heads);
            problem(
                "kv_heads",
                format!(
                    "the {} query heads do not divide into groups of {} key/value heads: use {below} or {above}",
                    self.heads, self.kv_heads
                ),
            );
        }
        if let Some(m) = &self.moe {
            if m.experts_per_token > m.experts {
                problem(
                    "moe.experts_per_token",
                    format!(
                        "each token cannot use {} of {} experts",
                        m.experts_per_token, m.experts
                    ),
                );
            }
            if m.first_dense_layers > self.layers {
                problem(
                    "moe.first_dense_layers",
                    format!("more dense layers than the {} layers", self.layers),
                );
            }
            if !matches!(self.kind, ModelKind::Decoder) {
                problem(
                    "moe",
                    "Mixture-of-Experts is supported for decoder-only models".into(),
                );
            }
        }
        if self.mla.is_some() && self.kind != ModelKind::Decoder {
            problem(
                "mla",
                "multi-head latent attention is supported for decoder-only models".into(),
            );
        }
        match (self.kind, &self.vision) {
            (ModelKind::Vision, None) => problem(
                "vision",
                "a vision transformer needs an image and patch size".into(),
            ),
            (ModelKind::Vision, Some(v)) if v.patch_size > v.image_size => problem(
                "vision.patch_size",
                format!(
                    "a {0}×{0} patch does not fit a {1}×{1} image",
                    v.patch_size, v.image_size
                ),
            ),
            (ModelKind::Vision, Some(v)) if v.tokens() > self.max_positions => problem(
                "max_positions",
                format!(
                    "the image has {} patches plus the class token, more than the {} positions",
                    v.tokens() - 1,
                    self.max_positions
                ),
            ),
            (k, Some(_)) if k != ModelKind::Vision => problem(
                "vision",
                "only a vision transformer takes image patches".into(),
            ),
            _ => {}
        }
        errors
    }

    /// Query width: heads × head_dim (MLA: heads × (nope + rope)).
    pub fn q_dim(&self) -> u64 {
        match &self.mla {
            Some(m) => u64::from(self.heads)
                .saturating_mul(m.qk_nope_head_dim.saturating_add(m.qk_rope_head_dim)),
            None => u64::from(self.heads).saturating_mul(self.head_dim),
        }
    }

    /// Key (and value) width: kv_heads × head_dim.
    pub fn kv_dim(&self) -> u64 {
        u64::from(self.kv_heads) * self.head_dim
    }

    /// The heads one GPU of a `tp`-way split still holds, for splitting further:
    /// query heads ÷ tp, and key/value heads ÷ tp (1 when copied, or with
    /// multi-head latent attention, whose latent every GPU caches whole).
    pub fn heads_per_gpu(&self, tp: u32) -> crate::catalog::Heads {
        let tp = tp.max(1);
        let kv = if self.mla.is_some() {
            1
        } else {
            (self.kv_heads / tp).max(1)
        };
        crate::catalog::Heads {
            query: (self.heads / tp).max(1),
            kv,
        }
    }

    /// Why `tp` GPUs cannot split the attention heads as vLLM, SGLang and
    /// TensorRT-LLM require, if they cannot: `tp` divides the query heads, and
    /// divides the key/value heads or is a multiple of them (each GPU then keeps
    /// a copy of one); the fits' layouts follow the same rule
    /// ([`crate::catalog::Heads::accept`]). A multi-head latent cache is not
    /// split by heads.
    pub fn tensor_parallel_problem(&self, tp: u32) -> Option<String> {
        if tp <= 1 {
            return None;
        }
        if !self.heads.is_multiple_of(tp) {
            return Some(format!(
                "{tp} GPUs do not divide the {} attention heads evenly",
                self.heads
            ));
        }
        let kv = self.kv_heads.max(1);
        (!self.heads_per_gpu(1).accept(tp)).then(|| {
            format!(
                "{tp} GPUs neither divide the {kv} key/value heads nor hold whole copies of them: \
                 use a degree that divides {kv} or is a multiple of it"
            )
        })
    }

    /// Whether layer `i` (0-based) uses sliding-window attention.
    pub fn is_local_layer(&self, i: u32) -> bool {
        self.window
            .is_some_and(|w| w.every <= 1 || i.is_multiple_of(w.every))
    }

    /// Attention style as people name it.
    pub fn attention_label(&self) -> String {
        if self.mla.is_some() {
            return "MLA (latent KV)".to_string();
        }
        if self.kv_heads == self.heads {
            "MHA".to_string()
        } else if self.kv_heads == 1 {
            "MQA".to_string()
        } else {
            format!(
                "GQA ({} query heads per KV head)",
                self.heads / self.kv_heads.max(1)
            )
        }
    }

    /// Parameters, counted per component. Call on a validated architecture.
    pub fn params(&self) -> ParamCount {
        count(self)
    }
}

/// Parameters of one transformer block, by tensor role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockParams {
    /// Query projection (MLA: the query down/up projections and their norm).
    pub q: u64,
    /// Key projection (MLA: the joint KV down-projection and its norm).
    pub k: u64,
    /// Value projection (MLA: the KV up-projection).
    pub v: u64,
    /// Attention output projection.
    pub o: u64,
    /// Cross-attention (encoder-decoder decoder blocks): all four projections.
    pub cross: u64,
    /// Relative-position bias table (T5, first block of each stack).
    pub position_bias: u64,
    /// FFN gate and up projections of every expert (and shared experts).
    pub ffn_up: u64,
    /// FFN down projections of every expert (and shared experts).
    pub ffn_down: u64,
    /// Expert router (gate) weights and bias.
    pub router: u64,
    /// Biases of the attention and FFN projections.
    pub biases: u64,
    pub norms: u64,
    /// FFN parameters one token uses (active experts + shared experts).
    pub ffn_active: u64,
}

impl BlockParams {
    pub fn attention(&self) -> u64 {
        self.q + self.k + self.v + self.o + self.cross + self.position_bias
    }

    pub fn ffn(&self) -> u64 {
        self.ffn_up + self.ffn_down + self.router
    }

    pub fn total(&self) -> u64 {
        self.attention() + self.ffn() + self.biases + self.norms
    }

    /// Parameters one token touches.
    pub fn active(&self) -> u64 {
        self.attention() + self.ffn_active + self.router + self.biases + self.norms
    }

    /// Weights of the linear projections: what weight quantization applies to.
    pub fn linear(&self) -> u64 {
        self.q + self.k + self.v + self.o + self.cross + self.ffn_up + self.ffn_down
    }
}

/// Which stack a block belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stack {
    Encoder,
    Decoder,
}

/// One block and where it sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub stack: Stack,
    /// Index within its stack.
    pub index: u32,
    pub params: BlockParams,
}

/// Parameters of a whole model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamCount {
    /// Token embedding table (vocab × hidden).
    pub token_embedding: u64,
    /// Learned positions, token types, patch projection, class token, embedding norm.
    pub other_embeddings: u64,
    pub blocks: Vec<Block>,
    /// Final norm(s).
    pub final_norms: u64,
    /// Untied output head (vocab × hidden); 0 when tied.
    pub output_head: u64,
    /// Pooler and classifier.
    pub task_head: u64,
    pub total: u64,
    /// Parameters one token uses (all of them, except for MoE).
    pub active: u64,
}

impl ParamCount {
    pub fn attention(&self) -> u64 {
        self.blocks.iter().map(|b| b.params.attention()).sum()
    }

    pub fn ffn(&self) -> u64 {
        self.blocks.iter().map(|b| b.params.ffn()).sum()
    }

    pub fn norms_and_biases(&self) -> u64 {
        self.blocks
            .iter()
            .map(|b| b.params.norms + b.params.biases)
            .sum::<u64>()
            + self.final_norms
    }

    pub fn embeddings(&self) -> u64 {
        self.token_embedding + self.other_embeddings
    }

    /// Weights of the blocks' linear projections (what quantization applies to).
    pub fn linear(&self) -> u64 {
        self.blocks.iter().map(|b| b.params.linear()).sum()
    }

    /// Everything except the blocks' linear projections: embeddings, heads, norms,
    /// biases, routers, position biases.
    pub fn non_linear(&self) -> u64 {
        self.total - self.linear()
    }

    /// Parameters not in embedding tables or the output head ("non-embedding", as model cards count).
    pub fn non_embedding(&self) -> u64 {
        self.total - self.embeddings() - self.output_head
    }
}

fn ffn_params(kind: FfnKind, hidden: u64, inner: u64) -> (u64, u64) {
    let up = match kind {
        FfnKind::Plain => hidden * inner,
        FfnKind::Gated => 2 * hidden * inner,
    };
    (up, inner * hidden)
}

fn ffn_bias(kind: FfnKind, hidden: u64, inner: u64) -> u64 {
    match kind {
        FfnKind::Plain => inner + hidden,
        FfnKind::Gated => 2 * inner + hidden,
    }
}

fn block(a: &Architecture, stack: Stack, index: u32) -> BlockParams {
    let h = a.hidden;
    let heads = u64::from(a.heads);
    let mut p = BlockParams::default();
    match &a.mla {
        Some(m) => {
            let qk_head = m.qk_nope_head_dim + m.qk_rope_head_dim;
            p.q = if m.q_lora_rank > 0 {
                h * m.q_lora_rank + m.q_lora_rank + m.q_lora_rank * heads * qk_head
            } else {
                h * heads * qk_head
            };
            p.k = h * (m.kv_lora_rank + m.qk_rope_head_dim) + m.kv_lora_rank;
            p.v = m.kv_lora_rank * heads * (m.qk_nope_head_dim + m.v_head_dim);
            p.o = heads * m.v_head_dim * h;
        }
        None => {
            let q = a.q_dim();
            let kv = a.kv_dim();
            p.q = h * q;
            p.k = h * kv;
            p.v = h * kv;
            p.o = q * h;
            if a.qkv_bias {
                p.biases += q + 2 * kv;
            }
            if a.out_bias {
                p.biases += h;
            }
        }
    }
    if a.kind == ModelKind::EncoderDecoder && stack == Stack::Decoder {
        let q = a.q_dim();
        p.cross = 2 * h * q + 2 * h * a.kv_dim();
        if a.qkv_bias {
            p.biases += q + 2 * a.kv_dim();
        }
        if a.out_bias {
            p.biases += h;
        }
    }
    if a.positions == PositionKind::Relative && index == 0 {
        p.position_bias = a.relative_buckets * heads;
    }
    let norms = match (a.kind, stack) {
        // The encoder blocks of an encoder-decoder have no cross-attention norm.
        (ModelKind::EncoderDecoder, Stack::Encoder) => a.norms_per_layer.saturating_sub(1),
        _ => a.norms_per_layer,
    };
    p.norms = u64::from(norms) * a.norm.params(h);
    match a.moe {
        Some(m) if stack == Stack::Decoder && index >= m.first_dense_layers => {
            let experts = u64::from(m.experts);
            let shared = u64::from(m.shared_experts);
            let (up, down) = ffn_params(a.ffn_kind, h, m.expert_ffn);
            p.ffn_up = (experts + shared) * up;
            p.ffn_down = (experts + shared) * down;
            p.router = h * experts + if m.router_bias { experts } else { 0 };
            p.ffn_active = (u64::from(m.experts_per_token) + shared) * (up + down);
            if a.ffn_bias {
                p.biases += (experts + shared) * ffn_bias(a.ffn_kind, h, m.expert_ffn);
            }
        }
        _ => {
            let (up, down) = ffn_params(a.ffn_kind, h, a.ffn);
            p.ffn_up = up;
            p.ffn_down = down;
            p.ffn_active = up + down;
            if a.ffn_bias {
                p.biases += ffn_bias(a.ffn_kind, h, a.ffn);
            }
        }
    }
    p
}

fn count(a: &Architecture) -> ParamCount {
    let h = a.hidden;
    let token_embedding = a.vocab * h;
    let mut other = 0;
    if a.positions == PositionKind::Learned {
        // ViT's table has one row per patch plus the class token.
        other += match &a.vision {
            Some(v) => v.tokens() * h,
            None => a.max_positions * h,
        };
    }
    other += a.token_types * h;
    if a.embedding_norm {
        other += a.norm.params(h);
    }
    if let Some(v) = &a.vision {
        // Patch projection (a conv with bias) and the class token.
        other += v.channels * v.patch_size * v.patch_size * h + h + h;
    }
    let mut blocks = Vec::new();
    if a.kind == ModelKind::EncoderDecoder {
        for i in 0..a.encoder_layers {
            blocks.push(Block {
                stack: Stack::Encoder,
                index: i,
                params: block(a, Stack::Encoder, i),
            });
        }
    }
    let main_stack = match a.kind {
        ModelKind::Encoder | ModelKind::Vision => Stack::Encoder,
        _ => Stack::Decoder,
    };
    for i in 0..a.layers {
        blocks.push(Block {
            stack: main_stack,
            index: i,
            params: block(a, main_stack, i),
        });
    }
    let stacks = if a.kind == ModelKind::EncoderDecoder {
        2
    } else {
        1
    };
    let final_norms = if a.final_norm {
        stacks * a.norm.params(h)
    } else {
        0
    };
    let output_head = if a.kind.generates() && !a.tied_embeddings {
        a.vocab * h
    } else {
        0
    };
    let mut task_head = 0;
    if a.pooler {
        task_head += h * h + h;
    }
    if a.classifier_labels > 0 {
        task_head += h * a.classifier_labels + a.classifier_labels;
    }
    let block_total: u64 = blocks.iter().map(|b| b.params.total()).sum();
    let block_active: u64 = blocks.iter().map(|b| b.params.active()).sum();
    let fixed = token_embedding + other + final_norms + output_head + task_head;
    ParamCount {
        token_embedding,
        other_embeddings: other,
        blocks,
        final_norms,
        output_head,
        task_head,
        total: fixed + block_total,
        active: fixed + block_active,
    }
}
