//! The arithmetic and memory traffic of a workload, whatever the GPU: FLOPs per
//! token or image from the architecture, bytes a decode step reads, what a
//! training iteration computes and exchanges.
//!
//! Transformers: a token's forward pass multiplies it by every weight it uses
//! once (2 FLOPs per multiply-add: 2 × the active parameters outside the
//! embedding tables, the routed experts only for MoE, the output head even when
//! tied), and attends to earlier positions: per layer 2 × heads × (key width +
//! value width) FLOPs per attended position (GQA shares keys, not arithmetic;
//! a sliding window caps the positions; MLA uses its own head widths). Training
//! is forward + backward (2 × forward), + one more forward under full
//! recomputation, + the attention part again under selective. CNNs: 2 × the
//! multiply-accumulates of every convolution and dense layer; training × 3.

use serde::{Deserialize, Serialize};

use super::gpu::Compute;
use super::{Figure, Unit, num};
use crate::cnn::size::CnnSized;
use crate::mode::Mode;
use crate::scenario::{CnnScenario, TransformerScenario};
use crate::transformer::arch::Architecture;
use crate::transformer::memory::TermKind;
use crate::transformer::size::TransformerSized;
use crate::transformer::training::{MethodKind, Recipe, Recompute};

/// Attention arithmetic per token, by how far it looks back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attention {
    /// Σ over full-attention layers of 2 × heads × (key + value width): FLOPs per attended position.
    pub global: f64,
    /// The same over sliding-window layers.
    pub local: f64,
    /// The window of those layers, tokens.
    pub window: u64,
    /// Every token sees every other (encoders); else causal.
    pub bidirectional: bool,
}

impl Attention {
    pub fn of(a: &Architecture) -> Attention {
        let (qk, v) = match &a.mla {
            Some(m) => (m.qk_nope_head_dim + m.qk_rope_head_dim, m.v_head_dim),
            None => (a.head_dim, a.head_dim),
        };
        let per_layer = 2.0 * f64::from(a.heads) * (qk + v) as f64;
        let layers = a.layers + a.encoder_layers;
        let local = (0..a.layers).filter(|&i| a.is_local_layer(i)).count() as f64;
        let global = f64::from(layers) - local;
        Attention {
            global: per_layer * global,
            local: per_layer * local,
            window: a.window.map_or(0, |w| w.size),
            bidirectional: !a.kind.generates(),
        }
    }

    /// FLOPs of one token that attends to `positions` earlier tokens.
    pub fn at(&self, positions: f64) -> f64 {
        self.global * positions + self.local * positions.min(self.window as f64)
    }

    /// Mean attention FLOPs per token over a pass of `s` tokens: causal tokens see
    /// (s + 1)/2 positions on average, bidirectional ones all s.
    pub fn mean_over(&self, s: u64) -> f64 {
        let s = s as f64;
        if self.bidirectional {
            return self.at(s);
        }
        let w = self.window as f64;
        let local_mean = if s <= w || w == 0.0 {
            (s + 1.0) / 2.0
        } else {
            (w * (w + 1.0) / 2.0 + (s - w) * w) / s
        };
        self.global * (s + 1.0) / 2.0 + self.local * local_mean
    }
}

/// A generating transformer served: prefill, then one decode step per output token.
#[derive(Clone, Debug, PartialEq)]
pub struct Generate {
    /// 2 × the parameters a token multiplies by.
    pub linear: f64,
    pub linear_formula: String,
    pub attention: Attention,
    /// Weight bytes on one GPU.
    pub weight_bytes: f64,
    /// MoE: the share of the weights in routed experts, the experts and how many a token uses.
    pub moe: Option<(f64, u32, u32)>,
    /// KV-cache bytes on one GPU for every sequence at the full context.
    pub kv_bytes: f64,
    /// Memory the workload needs on one GPU besides the KV cache.
    pub fixed_bytes: f64,
    /// The part of it every GPU keeps when the model is split (runtime overhead).
    pub replicated_bytes: f64,
    /// What sets the sequences an option's memory holds (the engine's budget,
    /// the other bytes as the sequences grow); `None`: the KV cache alone.
    pub room: Option<crate::transformer::size::ServingRoom>,
    pub sequences: u64,
    pub context: u64,
    pub tp: u64,
    /// Pipeline stages: runs of layers on their own GPUs, one after the other
    /// for every token (1 unless a split adds them).
    pub stages: u64,
    /// Hosts the stages span (1 unless a split spreads them): a hand-over
    /// from one host to the next crosses the network.
    pub hosts: u64,
    pub layers: u64,
    pub hidden: u64,
    pub compute: Compute,
    /// Attention heads, which a tensor-parallel degree must respect (`None`: no such rule).
    pub heads: Option<crate::catalog::Heads>,
    /// Share of the arithmetic in 2:4-sparse layers ([`crate::compress`]).
    pub two_four: f64,
}

impl Generate {
    /// Weight bytes a decode step of `batch` sequences reads: every dense weight
    /// once, and the experts the batch routes to (1 − (1 − k/E)^batch of them, for
    /// tokens routed independently).
    pub fn weights_read(&self, batch: f64) -> f64 {
        match self.moe {
            Some((routed, e, k)) if e > 0 => {
                let hit = 1.0 - (1.0 - f64::from(k) / f64::from(e)).powf(batch.max(1.0));
                self.weight_bytes * ((1.0 - routed) + routed * hit)
            }
            _ => self.weight_bytes,
        }
    }

    /// KV bytes per sequence per token of context, one GPU.
    pub fn kv_per_token(&self) -> f64 {
        self.kv_bytes / (self.sequences.max(1) as f64 * self.context.max(1) as f64)
    }
}

/// One forward pass over a batch: an encoder transformer or CNN inference.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    /// FLOPs of one sample (a sequence or an image).
    pub flops_per_sample: f64,
    pub flops_formula: String,
    pub batch: u64,
    /// Bytes one pass moves: weights once, feature maps written and read.
    pub bytes: f64,
    pub bytes_formula: String,
    /// The part of `bytes` proportional to the batch.
    pub batch_bytes: f64,
    /// Data-parallel replicas, each passing ⌈batch ÷ data⌉ of the samples
    /// (1 unless a split adds them).
    pub data: u64,
    pub tp: u64,
    /// Pipeline stages, one after the other (1 unless a split adds them).
    pub stages: u64,
    pub compute: Compute,
    /// Attention heads, which a tensor-parallel degree must respect (`None`: no such rule).
    pub heads: Option<crate::catalog::Heads>,
    /// "images" or "sequences".
    pub samples: &'static str,
    /// Share of the arithmetic in 2:4-sparse layers ([`crate::compress`]).
    pub two_four: f64,
    /// Share of `flops_per_sample` in matrix layers (a CNN's all; an encoder's
    /// without attention), which a 2:4 share counts against.
    pub linear_share: f64,
}

impl Forward {
    /// Samples each replica passes and the bytes it moves: ⌈batch ÷ data⌉,
    /// with the batch's share of the bytes.
    pub fn per_replica(&self) -> (u64, f64) {
        let batch = self.batch.max(1);
        let samples = batch.div_ceil(self.data.max(1));
        let fixed = (self.bytes - self.batch_bytes).max(0.0);
        (
            samples,
            fixed + self.batch_bytes * samples as f64 / batch as f64,
        )
    }
}

/// A training job.
#[derive(Clone, Debug, PartialEq)]
pub struct Train {
    /// Forward FLOPs of one sample (a sequence of `tokens_per_sample` or an image).
    pub forward_per_sample: f64,
    pub forward_formula: String,
    /// Training FLOPs ÷ forward FLOPs (3; 4 with full recomputation; …).
    pub multiplier: f64,
    pub multiplier_note: String,
    /// Samples one data-parallel replica takes per iteration (micro-batch × micro-batches);
    /// where a batch is split unevenly, the largest share (the slowest replica).
    pub replica_batch: u64,
    /// Samples per iteration over every replica: `replica_batch × data_parallel`,
    /// except where a batch is split unevenly (4,096 images over 6 GPUs: 4,096, not 6 × 683).
    pub global_batch: u64,
    pub data_parallel: u64,
    pub tensor_parallel: u64,
    pub pipeline_parallel: u64,
    pub micro_batches: u64,
    /// Model chunks per GPU: the interleaved schedule's v (1 otherwise), which
    /// shortens the pipeline bubble v-fold.
    pub chunks: u64,
    pub tokens_per_sample: u64,
    /// Trainable parameters: their gradients are all-reduced.
    pub trainable: u64,
    /// Bytes of one gradient value.
    pub gradient_bytes: u64,
    pub zero_stage: u8,
    /// Tensor parallelism: bytes of one activation all-reduce (micro-batch × sequence × hidden × 2 B).
    pub tp_activation_bytes: f64,
    pub layers: u64,
    pub compute: Compute,
    /// Attention heads, which a tensor-parallel degree must respect (`None`: no such rule).
    pub heads: Option<crate::catalog::Heads>,
    /// Bytes of one sample as the GPU takes it (an image's tensor), for the dataset card.
    pub raw_sample_bytes: u64,
    /// The dataset when the scenario names none.
    pub default_samples: u64,
    pub default_epochs: u64,
    pub default_sample_bytes: u64,
    pub dataset_note: &'static str,
    /// "images" or "sequences".
    pub samples: &'static str,
}

/// What a workload computes and moves, whatever the GPU.
#[derive(Clone, Debug, PartialEq)]
pub enum Work {
    Generate(Generate),
    Forward(Forward),
    Train(Train),
}

/// ImageNet-1K as the article gives it: 1.28 million images, 155.84 GiB.
pub const IMAGENET_IMAGES: u64 = 1_280_000;
pub const IMAGENET_BYTES: u64 = 167_334_727_516; // 155.84 GiB

/// Linear FLOPs per token: 2 × the active parameters outside the embedding tables
/// and final norms; the output head counts once even when tied to the embedding.
fn linear_flops(sized: &TransformerSized) -> (f64, String) {
    let p = &sized.params;
    let a = &sized.arch;
    let tied_head = if p.output_head == 0 && a.kind.generates() {
        a.vocab * a.hidden
    } else {
        0
    };
    let n = p
        .active
        .saturating_sub(p.embeddings())
        .saturating_sub(p.final_norms)
        .saturating_add(tied_head);
    let formula = if tied_head > 0 {
        format!(
            "2 × ({} active − {} embedding − {} final norm + {} tied output head) = {} FLOPs",
            num(p.active as f64),
            num(p.embeddings() as f64),
            num(p.final_norms as f64),
            num(tied_head as f64),
            num(2.0 * n as f64)
        )
    } else {
        format!(
            "2 × ({} active − {} embedding − {} final norm parameters) = {} FLOPs",
            num(p.active as f64),
            num(p.embeddings() as f64),
            num(p.final_norms as f64),
            num(2.0 * n as f64)
        )
    };
    (2.0 * n as f64, formula)
}

fn moe_share(t: &TransformerScenario, sized: &TransformerSized) -> Option<(f64, u32, u32)> {
    let m = sized.arch.moe.as_ref()?;
    let p = &sized.params;
    let (e, k) = (m.experts, m.experts_per_token);
    if e == 0 || k >= e || p.total == 0 {
        return None;
    }
    let idle = p.total.saturating_sub(p.active) as f64;
    let routed = idle / (1.0 - f64::from(k) / f64::from(e));
    // A share of the bytes, not of the parameters: the experts are stored in
    // the weights' format, while the embeddings may stay in 16 bits.
    let all = crate::transformer::quant::weight_bytes(p, t.weights, t.quantize_embeddings).bytes;
    if all == 0 {
        return None;
    }
    let routed_bytes = routed * t.weights.linear_bits().bits_per_value() / 8.0;
    Some(((routed_bytes / all as f64).min(1.0), e, k))
}

impl Work {
    /// The work of a sized transformer scenario.
    pub fn transformer(t: &TransformerScenario, sized: &TransformerSized) -> Work {
        let a = &sized.arch;
        let (linear, linear_formula) = linear_flops(sized);
        let attention = Attention::of(a);
        let term = |k: TermKind| sized.estimate.term(k).map_or(0, |t| t.bytes) as f64;
        let tp = t.tensor_parallel.max(1);
        // A vision transformer's sequence is its image's patches and class
        // token, whatever the context says (as the memory model counts it).
        let s = a.vision.map_or(t.context, |v| v.tokens());
        let samples = if a.vision.is_some() {
            "images"
        } else {
            "sequences"
        };
        if sized.mode == Mode::Training {
            // A sample on disk: its token ids, or an image's pixels.
            let (sample_bytes, dataset_note) = match a.vision {
                Some(v) => (
                    v.image_size
                        .saturating_mul(v.image_size)
                        .saturating_mul(v.channels),
                    "100,000 images, one epoch; on disk as 8-bit pixels, uncompressed (image side² × channels B)",
                ),
                None => (
                    s.saturating_mul(4),
                    "100,000 sequences of the context's length, one epoch; 4 B per token on disk (int32 token ids)",
                ),
            };
            let fwd_token = linear + attention.mean_over(s);
            let attn_share = attention.mean_over(s) * s as f64;
            let forward = fwd_token * s as f64;
            let (base, what) = match t.method {
                MethodKind::Full => (3.0, "forward + backward (2 × forward)"),
                _ => (
                    2.0,
                    "forward + backward for the activations only (the frozen base has no weight gradients)",
                ),
            };
            let (multiplier, note) = match t.recompute() {
                Recompute::None => (base, what.to_string()),
                Recompute::Full => (
                    base + 1.0,
                    format!("{what} + the forward again (full recomputation)"),
                ),
                Recompute::Selective => (
                    base + attn_share / forward.max(1.0),
                    format!("{what} + the attention scores again (selective recomputation)"),
                ),
            };
            let gradient_bytes = match t.recipe {
                Recipe::Mixed16 | Recipe::PureBf16 | Recipe::Bf16Fp32States => 2,
                Recipe::Mixed18 | Recipe::Fp32 => 4,
            };
            let compute = match t.recipe {
                Recipe::Fp32 => Compute::Fp32Matmul,
                _ => Compute::Bf16,
            };
            return Work::Train(Train {
                forward_per_sample: forward,
                forward_formula: format!(
                    "{} tokens × ({} linear + {} attention) = {} FLOPs",
                    num(s as f64),
                    num(linear),
                    num(attention.mean_over(s)),
                    num(forward)
                ),
                multiplier,
                multiplier_note: note,
                replica_batch: t.micro_batch.saturating_mul(t.micro_batches.max(1)),
                global_batch: t
                    .micro_batch
                    .saturating_mul(t.micro_batches.max(1))
                    .saturating_mul(t.data_parallel.max(1)),
                data_parallel: t.data_parallel.max(1),
                tensor_parallel: tp,
                pipeline_parallel: t.pipeline_parallel.max(1),
                micro_batches: t.micro_batches.max(1),
                chunks: u64::from(
                    t.pipeline_schedule
                        .chunks(u32::try_from(t.virtual_stages).unwrap_or(1)),
                ),
                tokens_per_sample: s,
                trainable: sized.trainable,
                gradient_bytes,
                zero_stage: t.zero_stage,
                tp_activation_bytes: t.micro_batch as f64 * s as f64 * a.hidden as f64 * 2.0,
                layers: u64::from(a.layers + a.encoder_layers),
                compute,
                heads: Some(a.heads_per_gpu(1)),
                raw_sample_bytes: sample_bytes,
                default_samples: 100_000,
                default_epochs: 1,
                default_sample_bytes: sample_bytes,
                dataset_note,
                samples,
            });
        }
        let compute = Compute::of_weights(t.weights);
        let weights = term(TermKind::Weights);
        if !a.kind.generates() {
            let per = (linear + attention.mean_over(s)) * s as f64;
            return Work::Forward(Forward {
                flops_per_sample: per,
                flops_formula: format!(
                    "{} tokens × ({} linear + {} attention) = {} FLOPs",
                    num(s as f64),
                    num(linear),
                    num(attention.mean_over(s)),
                    num(per)
                ),
                batch: t.sequences,
                bytes: weights + term(TermKind::Activations),
                batch_bytes: term(TermKind::Activations),
                data: 1,
                bytes_formula: format!(
                    "{} B weights + {} B activations",
                    num(weights),
                    num(term(TermKind::Activations))
                ),
                tp,
                stages: 1,
                compute,
                heads: Some(a.heads_per_gpu(1)),
                samples,
                two_four: 0.0,
                linear_share: linear / (linear + attention.mean_over(s)).max(f64::MIN_POSITIVE),
            });
        }
        let kv = term(TermKind::KvCache);
        Work::Generate(Generate {
            linear,
            linear_formula,
            attention,
            weight_bytes: weights,
            moe: moe_share(t, sized),
            kv_bytes: kv,
            fixed_bytes: (sized.estimate.total as f64 - kv).max(0.0),
            replicated_bytes: sized.estimate.demand().replicated as f64,
            room: sized.room,
            sequences: t.sequences,
            context: t.context,
            tp,
            stages: 1,
            hosts: 1,
            layers: u64::from(a.layers),
            hidden: a.hidden,
            compute,
            heads: Some(a.heads_per_gpu(1)),
            two_four: 0.0,
        })
    }

    /// The work of a sized CNN scenario.
    /// `gpus` data-parallel GPUs train it.
    pub fn cnn(c: &CnnScenario, sized: &CnnSized, gpus: u64) -> Work {
        let a = &sized.analysis;
        let macs = a.macs as f64;
        let forward = 2.0 * macs;
        let formula = format!(
            "2 × {} multiply-accumulates = {} FLOPs",
            num(macs),
            num(forward)
        );
        // The math runs in the chosen format. Mixed precision (a training
        // setting of 16-bit formats) adds FP32 master weights, not another format.
        let compute = Compute::of(c.precision);
        let bytes_per_value = c.precision.bits_per_value() / 8.0;
        if c.mode == Mode::Training {
            let gradient_bytes = if c.mixed_precision {
                4
            } else {
                (bytes_per_value.ceil() as u64).max(1)
            };
            return Work::Train(Train {
                forward_per_sample: forward,
                forward_formula: formula,
                multiplier: 3.0,
                multiplier_note: "forward + backward (2 × forward: input and weight gradients)"
                    .into(),
                replica_batch: c.batch,
                global_batch: c.batch.saturating_mul(gpus.max(1)),
                data_parallel: gpus.max(1),
                tensor_parallel: 1,
                pipeline_parallel: 1,
                micro_batches: 1,
                chunks: 1,
                tokens_per_sample: 1,
                trainable: a.params,
                gradient_bytes,
                zero_stage: 0,
                tp_activation_bytes: 0.0,
                layers: a.layers.len() as u64,
                compute,
                heads: None,
                raw_sample_bytes: (a.input_elements as f64 * bytes_per_value) as u64,
                default_samples: IMAGENET_IMAGES,
                default_epochs: 90,
                default_sample_bytes: IMAGENET_BYTES / IMAGENET_IMAGES,
                dataset_note: "ImageNet-1K as the article gives it: 1.28 million images, 155.84 GiB on disk (≈131 kB each); 90 epochs",
                samples: "images",
            });
        }
        let params = sized
            .layers
            .iter()
            .map(|l| l.param_bytes)
            .fold(0u64, u64::saturating_add) as f64;
        // Inference engines fuse normalization, activation and residual sums into
        // the convolution before them: the maps that travel are the outputs of
        // layers that compute (convolutions, dense layers).
        let computed: u64 = a
            .layers
            .iter()
            .filter(|l| l.macs > 0)
            .map(|l| l.output_elements)
            .fold(0u64, u64::saturating_add);
        let features = computed as f64 * bytes_per_value * c.batch as f64;
        Work::Forward(Forward {
            flops_per_sample: forward,
            flops_formula: formula,
            batch: c.batch,
            bytes: params + 2.0 * features,
            batch_bytes: 2.0 * features,
            data: 1,
            bytes_formula: format!(
                "{} B weights + 2 × {} B of convolution and dense outputs (each written once and read once; normalization, activations and sums fused into them)",
                num(params),
                num(features)
            ),
            tp: 1,
            stages: 1,
            compute,
            heads: None,
            samples: "images",
            two_four: 0.0,
            linear_share: 1.0,
        })
    }

    /// The work of the compressed model: `two_four` of the matrix arithmetic
    /// (the linear layers) in 2:4
    /// layers, the math in `compute` when quantized activations change it, and a
    /// forward pass reading `weights_delta` bytes more (negative: fewer) of weights.
    pub fn compress(&mut self, two_four: f64, compute: Option<Compute>, weights_delta: f64) {
        match self {
            Work::Generate(g) => {
                // Attention's arithmetic is dense: the 2:4 share is of the
                // linear layers' part of a token's FLOPs over the context (at
                // 128k tokens attention is most of them).
                let per_token = g.linear + g.attention.mean_over(g.context);
                g.two_four = if per_token > 0.0 {
                    two_four * g.linear / per_token
                } else {
                    0.0
                };
                g.compute = compute.unwrap_or(g.compute);
            }
            Work::Forward(f) => {
                f.two_four = two_four * f.linear_share;
                f.compute = compute.unwrap_or(f.compute);
                // Only a CNN's work counts its own weights (a transformer's reads
                // the replaced weights term): its formula names the compressed ones.
                if weights_delta != 0.0 {
                    f.bytes = (f.bytes + weights_delta).max(0.0);
                    f.bytes_formula = format!(
                        "{} B weights as compressed + 2 × {} B of convolution and dense outputs (each written once and read once; normalization, activations and sums fused into them)",
                        num((f.bytes - f.batch_bytes).max(0.0)),
                        num(f.batch_bytes / 2.0)
                    );
                }
            }
            Work::Train(_) => {}
        }
    }

    /// Share of the arithmetic in 2:4-sparse layers.
    pub fn two_four(&self) -> f64 {
        match self {
            Work::Generate(g) => g.two_four,
            Work::Forward(f) => f.two_four,
            Work::Train(_) => 0.0,
        }
    }

    /// Whether an engine can split this work `n` ways more by tensor parallelism:
    /// the whole degree must divide the attention heads.
    pub fn splits(&self, n: u64) -> bool {
        let (tp, heads) = match self {
            Work::Generate(g) => (g.tp, g.heads),
            Work::Forward(f) => (f.tp, f.heads),
            Work::Train(t) => (t.tensor_parallel, t.heads),
        };
        let t = u32::try_from(tp.saturating_mul(n).max(1)).unwrap_or(u32::MAX);
        heads.is_none_or(|h| h.accept(t))
    }

    /// This work split `n` ways more by tensor parallelism (see [`Work::split_layout`]).
    pub fn split(&self, n: u64) -> Work {
        self.split_layout(crate::catalog::Layout::model(
            u32::try_from(n).unwrap_or(u32::MAX),
            1,
            1,
        ))
    }

    /// This work laid out over `l.tensor × l.pipeline` more GPUs: each holds
    /// 1/(t·p) of the weights, the KV cache and the arithmetic (the runtime
    /// overhead stays on every GPU); the all-reduces run over `t` times as many
    /// GPUs, and the `p` stages take every token one after the other.
    pub fn split_layout(&self, l: crate::catalog::Layout) -> Work {
        if l.data > 1 {
            return self.replicas(u64::from(l.data));
        }
        let (t, p) = (u64::from(l.tensor.max(1)), u64::from(l.pipeline.max(1)));
        let k = (t * p) as f64;
        match self {
            Work::Generate(g) => {
                // The KV cache splits by key/value heads: tensor parallelism past
                // them (or a latent cache, one "head") keeps a copy on each GPU,
                // as the fit engine's layouts count it.
                let kv_shards = |tp: u64| match g.heads {
                    Some(h) => tp.min(u64::from(h.kv.max(1))),
                    None => tp,
                } as f64;
                let kv_k =
                    kv_shards(g.tp.max(1).saturating_mul(t)) / kv_shards(g.tp.max(1)) * p as f64;
                Work::Generate(Generate {
                    weight_bytes: g.weight_bytes / k,
                    kv_bytes: g.kv_bytes / kv_k,
                    fixed_bytes: g.replicated_bytes
                        + (g.fixed_bytes - g.replicated_bytes).max(0.0) / k,
                    room: g.room.map(|r| {
                        let share =
                            |b: f64| g.replicated_bytes + (b - g.replicated_bytes).max(0.0) / k;
                        crate::transformer::size::ServingRoom {
                            other: share(r.other),
                            other_full: share(r.other_full),
                            base: share(r.base),
                            per_sequence: r.per_sequence / k,
                            ..r
                        }
                    }),
                    tp: g.tp.saturating_mul(t),
                    stages: g.stages.saturating_mul(p),
                    hosts: g.hosts.max(1).saturating_mul(u64::from(l.hosts.max(1))),
                    ..g.clone()
                })
            }
            Work::Forward(f) => Work::Forward(Forward {
                bytes: f.bytes / k,
                batch_bytes: f.batch_bytes / k,
                tp: f.tp.saturating_mul(t),
                stages: f.stages.saturating_mul(p),
                ..f.clone()
            }),
            Work::Train(tr) => Work::Train(Train {
                tensor_parallel: tr.tensor_parallel.saturating_mul(t),
                pipeline_parallel: tr.pipeline_parallel.saturating_mul(p),
                ..tr.clone()
            }),
        }
    }

    /// This work over `d` data-parallel replicas, each taking ⌈batch ÷ d⌉
    /// of the samples (a CNN's split). Generating work has no batch to split.
    fn replicas(&self, d: u64) -> Work {
        match self {
            Work::Train(tr) => Work::Train(Train {
                replica_batch: tr.replica_batch.max(1).div_ceil(d),
                data_parallel: tr.data_parallel.max(1).saturating_mul(d),
                ..tr.clone()
            }),
            Work::Forward(f) => Work::Forward(Forward {
                data: f.data.max(1).saturating_mul(d),
                ..f.clone()
            }),
            Work::Generate(_) => self.clone(),
        }
    }

    /// The figures of the work itself, for the card's first lines.
    pub fn figures(&self) -> Vec<Figure> {
        match self {
            Work::Generate(g) => {
                let prompt = g.context as f64;
                let attn = g.attention.mean_over(g.context);
                vec![
                    Figure::exact(
                        "linear_flops",
                        "Linear FLOPs per token",
                        Unit::Flops,
                        g.linear,
                        g.linear_formula.clone(),
                        "Every weight a token uses, once: a multiply and an add.",
                    ),
                    Figure::exact(
                        "forward_flops",
                        "Forward FLOPs per token (mean over the context)",
                        Unit::Flops,
                        g.linear + attn,
                        format!(
                            "{} linear + {} attention ({} attended positions on average) = {}",
                            num(g.linear),
                            num(attn),
                            num((prompt + 1.0) / 2.0),
                            num(g.linear + attn)
                        ),
                        "Attention: 2 × heads × (key + value width) per attended position and layer; causal, so a token of a context of n sees (n + 1)/2 positions on average.",
                    ),
                ]
            }
            Work::Forward(f) => vec![Figure::exact(
                "forward_flops",
                if f.samples == "images" {
                    "Forward FLOPs per image"
                } else {
                    "Forward FLOPs per sequence"
                },
                Unit::Flops,
                f.flops_per_sample,
                f.flops_formula.clone(),
                "Convolutions and dense layers: 2 FLOPs per multiply-accumulate; pooling, normalization and sums left out.",
            )],
            Work::Train(t) => vec![
                Figure::exact(
                    "forward_flops",
                    if t.samples == "images" {
                        "Forward FLOPs per image"
                    } else {
                        "Forward FLOPs per sequence"
                    },
                    Unit::Flops,
                    t.forward_per_sample,
                    t.forward_formula.clone(),
                    "2 FLOPs per multiply-accumulate of every weight a sample meets, plus attention.",
                ),
                Figure::exact(
                    "training_flops",
                    if t.samples == "images" {
                        "Training FLOPs per image"
                    } else {
                        "Training FLOPs per sequence"
                    },
                    Unit::Flops,
                    t.forward_per_sample * t.multiplier,
                    format!(
                        "{} × {} = {}",
                        num(t.multiplier),
                        num(t.forward_per_sample),
                        num(t.forward_per_sample * t.multiplier)
                    ),
                    &t.multiplier_note,
                ),
            ],
        }
    }
}
