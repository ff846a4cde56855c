//! How many bytes a model's weights and its KV cache take in each storage format:
//! plain floating point, per-tensor FP8/INT8, group-quantized 4-bit (GPTQ/AWQ),
//! bitsandbytes NF4 (with and without double quantization), and GGUF's block
//! formats with llama.cpp's per-tensor choices for the `_K_M` mixes.

use serde::{Deserialize, Serialize};

use super::arch::{BlockParams, ParamCount, Stack};
use crate::precision::Precision;

/// Bits per block of values: `bits` for every `block` values (scales included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockBits {
    pub bits: u64,
    pub block: u64,
}

impl BlockBits {
    const fn per_value(bits: u64) -> BlockBits {
        BlockBits { bits, block: 1 }
    }

    /// A format of the shared format table: its element bits, plus the scale per block.
    pub fn of(p: Precision) -> BlockBits {
        let element = u64::from(p.storage_bits());
        match p.info().block {
            Some(b) => BlockBits {
                bits: u64::from(b.values) * element + u64::from(b.scale.bits()),
                block: u64::from(b.values),
            },
            None => BlockBits::per_value(element),
        }
    }

    /// Bytes `n` values take: `ceil(n · bits / block / 8)`.
    pub fn bytes(self, n: u64) -> u64 {
        let num = u128::from(n) * u128::from(self.bits);
        let den = u128::from(self.block) * 8;
        // n ≤ 2^60 and bits ≤ 2^17 keep this far below u64::MAX after the division.
        num.div_ceil(den) as u64
    }

    /// Average bits per value.
    pub fn bits_per_value(self) -> f64 {
        self.bits as f64 / self.block as f64
    }
}

/// GGUF tensor types used by the formats below (ggml's block layouts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GgufType {
    F32,
    /// 32 weights: 32 × 8-bit + one FP16 scale = 34 bytes.
    Q8_0,
    /// 256 weights: 210 bytes.
    Q6K,
    /// 256 weights: 176 bytes.
    Q5K,
    /// 256 weights: 144 bytes.
    Q4K,
    /// 32 weights: 32 × 4-bit + one FP16 scale = 18 bytes.
    Q4_0,
}

impl GgufType {
    pub fn bits(self) -> BlockBits {
        match self {
            GgufType::F32 => BlockBits::per_value(32),
            GgufType::Q8_0 => BlockBits {
                bits: 34 * 8,
                block: 32,
            },
            GgufType::Q6K => BlockBits {
                bits: 210 * 8,
                block: 256,
            },
            GgufType::Q5K => BlockBits {
                bits: 176 * 8,
                block: 256,
            },
            GgufType::Q4K => BlockBits {
                bits: 144 * 8,
                block: 256,
            },
            GgufType::Q4_0 => BlockBits {
                bits: 18 * 8,
                block: 32,
            },
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            GgufType::F32 => "F32",
            GgufType::Q8_0 => "Q8_0",
            GgufType::Q6K => "Q6_K",
            GgufType::Q5K => "Q5_K",
            GgufType::Q4K => "Q4_K",
            GgufType::Q4_0 => "Q4_0",
        }
    }
}

/// The format model weights are stored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightFormat {
    Fp32,
    Bf16,
    Fp16,
    /// FP8 E4M3 with per-tensor scales (vLLM/TensorRT-LLM `fp8`).
    Fp8,
    /// INT8 with per-channel scales (W8A8 / LLM.int8()).
    Int8,
    /// 4-bit integers with no stated scale overhead.
    Int4,
    /// 4-bit, groups of 128 with an FP16 scale and a 4-bit zero point each (GPTQ, AWQ).
    Int4G128,
    /// OCP MXFP4: blocks of 32 E2M1 values with an E8M0 scale (gpt-oss).
    Mxfp4,
    /// NVIDIA NVFP4: blocks of 16 E2M1 values with an FP8 E4M3 scale.
    Nvfp4,
    /// bitsandbytes NF4, blocks of 64 with an FP32 absmax each.
    Nf4,
    /// NF4 with double quantization (QLoRA): absmax in 8 bits, blocks of 256 of those share an FP32 scale.
    Nf4Dq,
    #[serde(rename = "q8_0")]
    GgufQ8_0,
    #[serde(rename = "q6_k")]
    GgufQ6K,
    #[serde(rename = "q5_k_m")]
    GgufQ5KM,
    #[serde(rename = "q4_k_m")]
    GgufQ4KM,
    #[serde(rename = "q4_0")]
    GgufQ4_0,
}

impl WeightFormat {
    pub const ALL: [WeightFormat; 16] = [
        WeightFormat::Fp32,
        WeightFormat::Bf16,
        WeightFormat::Fp16,
        WeightFormat::Fp8,
        WeightFormat::Int8,
        WeightFormat::Int4,
        WeightFormat::Int4G128,
        WeightFormat::Mxfp4,
        WeightFormat::Nvfp4,
        WeightFormat::Nf4,
        WeightFormat::Nf4Dq,
        WeightFormat::GgufQ8_0,
        WeightFormat::GgufQ6K,
        WeightFormat::GgufQ5KM,
        WeightFormat::GgufQ4KM,
        WeightFormat::GgufQ4_0,
    ];

    pub fn id(self) -> &'static str {
        match self {
            WeightFormat::Fp32 => "fp32",
            WeightFormat::Bf16 => "bf16",
            WeightFormat::Fp16 => "fp16",
            WeightFormat::Fp8 => "fp8",
            WeightFormat::Int8 => "int8",
            WeightFormat::Int4 => "int4",
            WeightFormat::Int4G128 => "int4_g128",
            WeightFormat::Mxfp4 => "mxfp4",
            WeightFormat::Nvfp4 => "nvfp4",
            WeightFormat::Nf4 => "nf4",
            WeightFormat::Nf4Dq => "nf4_dq",
            WeightFormat::GgufQ8_0 => "q8_0",
            WeightFormat::GgufQ6K => "q6_k",
            WeightFormat::GgufQ5KM => "q5_k_m",
            WeightFormat::GgufQ4KM => "q4_k_m",
            WeightFormat::GgufQ4_0 => "q4_0",
        }
    }

    pub fn from_id(id: &str) -> Option<WeightFormat> {
        WeightFormat::ALL
            .into_iter()
            .find(|f| f.id().eq_ignore_ascii_case(id))
    }

    pub fn label(self) -> &'static str {
        match self {
            WeightFormat::Fp32 => "FP32 — 32 bits",
            WeightFormat::Bf16 => "BF16 — 16 bits",
            WeightFormat::Fp16 => "FP16 — 16 bits",
            WeightFormat::Fp8 => "FP8 E4M3 — 8 bits",
            WeightFormat::Int8 => "INT8 — 8 bits",
            WeightFormat::Int4 => "INT4 — 4 bits",
            WeightFormat::Int4G128 => "INT4, group 128 (GPTQ/AWQ) — 4.16 bits",
            WeightFormat::Mxfp4 => "MXFP4 (OCP MX) — 4.25 bits",
            WeightFormat::Nvfp4 => "NVFP4 (Blackwell) — 4.5 bits",
            WeightFormat::Nf4 => "NF4 (bitsandbytes) — 4.5 bits",
            WeightFormat::Nf4Dq => "NF4 + double quant (QLoRA) — 4.13 bits",
            WeightFormat::GgufQ8_0 => "GGUF Q8_0 — 8.5 bits",
            WeightFormat::GgufQ6K => "GGUF Q6_K — 6.56 bits",
            WeightFormat::GgufQ5KM => "GGUF Q5_K_M — mixed Q5_K/Q6_K",
            WeightFormat::GgufQ4KM => "GGUF Q4_K_M — mixed Q4_K/Q6_K",
            WeightFormat::GgufQ4_0 => "GGUF Q4_0 — 4.5 bits",
        }
    }

    /// How the format stores the blocks' linear weights.
    pub fn note(self) -> &'static str {
        match self {
            WeightFormat::Fp32 | WeightFormat::Bf16 | WeightFormat::Fp16 => {
                "Every parameter in this format."
            }
            WeightFormat::Fp8 => {
                "Linear weights in FP8 with one scale per tensor (negligible); embeddings, output head and norms stay BF16 unless you quantize them too."
            }
            WeightFormat::Int8 => {
                "Linear weights in INT8 with one FP16 scale per output channel (< 0.1 % extra, not counted); the rest stays BF16."
            }
            WeightFormat::Int4 => {
                "Linear weights in 4 bits, scales not counted: a lower bound for any 4-bit method."
            }
            WeightFormat::Int4G128 => {
                "4 bits per weight + (16-bit scale + 4-bit zero point) per 128 weights = 4.156 bits; the rest stays BF16 (GPTQ, AWQ)."
            }
            WeightFormat::Mxfp4 => {
                "E2M1 weights + one 8-bit power-of-two scale per 32 = 4.25 bits (OCP MX; gpt-oss ships its experts so); the rest stays BF16. Native on Blackwell, dequantized elsewhere."
            }
            WeightFormat::Nvfp4 => {
                "E2M1 weights + one FP8 E4M3 scale per 16 = 4.5 bits (the per-tensor FP32 scale is negligible); the rest stays BF16. Native on Blackwell."
            }
            WeightFormat::Nf4 => {
                "4 bits per weight + one FP32 absmax per 64 weights = 4.5 bits; the rest stays BF16 (bitsandbytes)."
            }
            WeightFormat::Nf4Dq => {
                "4 bits + 8-bit absmax per 64 weights + FP32 scale per 256 blocks = 4.127 bits (QLoRA paper, §2); the rest stays BF16."
            }
            WeightFormat::GgufQ8_0 => {
                "Every 2-D tensor in Q8_0 (34 bytes per 32 weights); norms in F32 (llama.cpp)."
            }
            WeightFormat::GgufQ6K => {
                "Every 2-D tensor in Q6_K (210 bytes per 256 weights); norms in F32 (llama.cpp)."
            }
            WeightFormat::GgufQ5KM => {
                "Q5_K (176 B per 256); attn_v and ffn_down in Q6_K on llama.cpp's 'more bits' layers; output in Q6_K."
            }
            WeightFormat::GgufQ4KM => {
                "Q4_K (144 B per 256); attn_v and ffn_down in Q6_K on llama.cpp's 'more bits' layers; output in Q6_K."
            }
            WeightFormat::GgufQ4_0 => {
                "Q4_0 (18 bytes per 32 weights); output in Q6_K; norms in F32 (llama.cpp)."
            }
        }
    }

    fn gguf_base(self) -> Option<GgufType> {
        match self {
            WeightFormat::GgufQ8_0 => Some(GgufType::Q8_0),
            WeightFormat::GgufQ6K => Some(GgufType::Q6K),
            WeightFormat::GgufQ5KM => Some(GgufType::Q5K),
            WeightFormat::GgufQ4KM => Some(GgufType::Q4K),
            WeightFormat::GgufQ4_0 => Some(GgufType::Q4_0),
            _ => None,
        }
    }

    /// Bits of one linear weight (for non-GGUF formats): the format table's
    /// definition where the format is in it.
    pub fn linear_bits(self) -> BlockBits {
        if let Some(p) = self.precision() {
            return BlockBits::of(p);
        }
        match self {
            WeightFormat::Int4G128 => BlockBits {
                bits: 128 * 4 + 16 + 4,
                block: 128,
            },
            // 16,384 weights = 256 blocks of 64: 4-bit codes, 256 8-bit absmax, one FP32 scale.
            WeightFormat::Nf4Dq => BlockBits {
                bits: 16_384 * 4 + 256 * 8 + 32,
                block: 16_384,
            },
            f => f
                .gguf_base()
                .map_or(BlockBits::per_value(16), GgufType::bits),
        }
    }

    /// Whether the format stores anything below 16 bits.
    pub fn is_quantized(self) -> bool {
        !matches!(
            self,
            WeightFormat::Fp32 | WeightFormat::Bf16 | WeightFormat::Fp16
        )
    }

    pub fn is_gguf(self) -> bool {
        self.gguf_base().is_some()
    }

    /// The precision arithmetic runs in: the format itself for floats, BF16 for
    /// weight-only quantization (FP16 for GGUF).
    pub fn compute_precision(self) -> Precision {
        match self {
            WeightFormat::Fp32 => Precision::Fp32,
            WeightFormat::Fp16 => Precision::Fp16,
            f if f.is_gguf() => Precision::Fp16,
            _ => Precision::Bf16,
        }
    }

    /// The storage precision of a plain format, for the shared format table.
    pub fn precision(self) -> Option<Precision> {
        match self {
            WeightFormat::Fp32 => Some(Precision::Fp32),
            WeightFormat::Bf16 => Some(Precision::Bf16),
            WeightFormat::Fp16 => Some(Precision::Fp16),
            WeightFormat::Fp8 => Some(Precision::Fp8E4m3),
            WeightFormat::Int8 => Some(Precision::Int8),
            WeightFormat::Int4 => Some(Precision::Int4),
            WeightFormat::Mxfp4 => Some(Precision::Mxfp4),
            WeightFormat::Nvfp4 => Some(Precision::Nvfp4),
            WeightFormat::Nf4 => Some(Precision::Nf4),
            _ => None,
        }
    }
}

/// llama.cpp's `use_more_bits(i, n)`: the first and last eighth of the layers and
/// every third layer in between get a wider type for attn_v and ffn_down.
pub fn use_more_bits(i: u32, n: u32) -> bool {
    i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2
}

/// Bytes of the weights, with a one-line account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightBytes {
    pub bytes: u64,
    /// Parameters stored in the format's quantized type(s).
    pub quantized_params: u64,
    /// Parameters kept wider (BF16, or F32 for GGUF norms).
    pub other_params: u64,
    pub formula: String,
}

fn gguf_type_for(format: WeightFormat, role: Role, layer: u32, layers: u32) -> GgufType {
    let base = format.gguf_base().unwrap_or(GgufType::Q8_0);
    match role {
        Role::Output if base != GgufType::Q8_0 => GgufType::Q6K,
        Role::MoreBits
            if matches!(format, WeightFormat::GgufQ4KM | WeightFormat::GgufQ5KM)
                && use_more_bits(layer, layers) =>
        {
            GgufType::Q6K
        }
        Role::Vector => GgufType::F32,
        _ => base,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Output,
    /// attn_v and ffn_down.
    MoreBits,
    Plain,
    /// Norms, biases, routers: kept in F32 by llama.cpp.
    Vector,
}

fn block_roles(p: &BlockParams) -> [(Role, u64); 3] {
    [
        (Role::MoreBits, p.v + p.ffn_down),
        (Role::Plain, p.q + p.k + p.o + p.cross + p.ffn_up),
        (
            Role::Vector,
            p.norms + p.biases + p.router + p.position_bias,
        ),
    ]
}

/// Bytes of all weights in `format`. With `quantize_all`, non-GGUF quantized
/// formats also apply to the embeddings and the output head.
pub fn weight_bytes(params: &ParamCount, format: WeightFormat, quantize_all: bool) -> WeightBytes {
    let g = crate::units::group_digits;
    if format.is_gguf() {
        let layers = params
            .blocks
            .iter()
            .filter(|b| b.stack == Stack::Decoder)
            .count()
            .max(1) as u32;
        let mut bits_by_type: Vec<(GgufType, u64)> = Vec::new();
        let mut add = |t: GgufType, n: u64| {
            if n == 0 {
                return;
            }
            match bits_by_type.iter_mut().find(|(k, _)| *k == t) {
                Some((_, c)) => *c += n,
                None => bits_by_type.push((t, n)),
            }
        };
        add(
            gguf_type_for(format, Role::Plain, 0, layers),
            params.token_embedding,
        );
        add(GgufType::F32, params.other_embeddings);
        add(
            gguf_type_for(format, Role::Output, 0, layers),
            params.output_head + params.task_head,
        );
        add(GgufType::F32, params.final_norms);
        for b in &params.blocks {
            for (role, n) in block_roles(&b.params) {
                add(gguf_type_for(format, role, b.index, layers), n);
            }
        }
        let bytes: u64 = bits_by_type.iter().map(|(t, n)| t.bits().bytes(*n)).sum();
        let f32_params: u64 = bits_by_type
            .iter()
            .filter(|(t, _)| *t == GgufType::F32)
            .map(|(_, n)| n)
            .sum();
        let parts: Vec<String> = bits_by_type
            .iter()
            .map(|(t, n)| {
                format!(
                    "{} × {} ({:.4} bits)",
                    g(*n),
                    t.name(),
                    t.bits().bits_per_value()
                )
            })
            .collect();
        return WeightBytes {
            bytes,
            quantized_params: params.total - f32_params,
            other_params: f32_params,
            formula: format!("{} = {} B", parts.join(" + "), g(bytes)),
        };
    }
    if !format.is_quantized() {
        let bits = format.linear_bits();
        let bytes = bits.bytes(params.total);
        return WeightBytes {
            bytes,
            quantized_params: 0,
            other_params: params.total,
            formula: format!(
                "{} parameters × {} B = {} B",
                g(params.total),
                bits.bits / 8,
                g(bytes)
            ),
        };
    }
    let bits = format.linear_bits();
    let (quantized, other) = if quantize_all {
        let vectors = params.non_linear() - params.token_embedding - params.output_head;
        (params.total - vectors, vectors)
    } else {
        (params.linear(), params.non_linear())
    };
    let q_bytes = bits.bytes(quantized);
    let o_bytes = other * 2;
    let bytes = q_bytes + o_bytes;
    WeightBytes {
        bytes,
        quantized_params: quantized,
        other_params: other,
        formula: format!(
            "{} quantized weights × {} bits + {} other parameters × 2 B (BF16) = {} B + {} B = {} B",
            g(quantized),
            trim_bits(bits.bits_per_value()),
            g(other),
            g(q_bytes),
            g(o_bytes),
            g(bytes)
        ),
    }
}

fn trim_bits(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The format of the KV cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KvFormat {
    Fp32,
    Fp16,
    Bf16,
    /// FP8 E4M3 or E5M2 (vLLM `kv_cache_dtype=fp8`).
    Fp8,
    Int8,
    /// llama.cpp `q8_0` cache: 34 bytes per 32 values.
    Q8_0,
    /// llama.cpp `q4_0` cache: 18 bytes per 32 values.
    Q4_0,
}

impl KvFormat {
    pub const ALL: [KvFormat; 7] = [
        KvFormat::Fp32,
        KvFormat::Fp16,
        KvFormat::Bf16,
        KvFormat::Fp8,
        KvFormat::Int8,
        KvFormat::Q8_0,
        KvFormat::Q4_0,
    ];

    pub fn id(self) -> &'static str {
        match self {
            KvFormat::Fp32 => "fp32",
            KvFormat::Fp16 => "fp16",
            KvFormat::Bf16 => "bf16",
            KvFormat::Fp8 => "fp8",
            KvFormat::Int8 => "int8",
            KvFormat::Q8_0 => "q8_0",
            KvFormat::Q4_0 => "q4_0",
        }
    }

    pub fn from_id(id: &str) -> Option<KvFormat> {
        KvFormat::ALL
            .into_iter()
            .find(|f| f.id().eq_ignore_ascii_case(id))
    }

    pub fn label(self) -> &'static str {
        match self {
            KvFormat::Fp32 => "FP32 — 4 B",
            KvFormat::Fp16 => "FP16 — 2 B",
            KvFormat::Bf16 => "BF16 — 2 B",
            KvFormat::Fp8 => "FP8 — 1 B",
            KvFormat::Int8 => "INT8 — 1 B",
            KvFormat::Q8_0 => "GGUF q8_0 — 1.0625 B",
            KvFormat::Q4_0 => "GGUF q4_0 — 0.5625 B",
        }
    }

    pub fn bits(self) -> BlockBits {
        match self {
            KvFormat::Fp32 => BlockBits::per_value(32),
            KvFormat::Fp16 | KvFormat::Bf16 => BlockBits::per_value(16),
            KvFormat::Fp8 | KvFormat::Int8 => BlockBits::per_value(8),
            KvFormat::Q8_0 => GgufType::Q8_0.bits(),
            KvFormat::Q4_0 => GgufType::Q4_0.bits(),
        }
    }
}
