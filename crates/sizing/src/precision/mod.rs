//! Number formats: the one definition of every format headroom knows — its bit
//! layout, how many bytes a value takes (block scales included), its range and
//! precision, and what it is used for — that every model in the engine uses.
//!
//! Storage is counted in bits so that sub-byte and block-scaled formats are
//! exact: `n` values of a format with `b`-bit elements and one `s`-bit scale per
//! block of `k` take `ceil((n·b + ceil(n/k)·s) / 8)` bytes.

pub mod codec;
pub mod decimal;
pub mod explore;
pub mod support;

use serde::{Deserialize, Serialize};

use codec::{FloatSpec, Specials};

/// A numeric format a tensor can be stored in (or, for TF32, computed in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Fp64,
    Fp32,
    /// NVIDIA TensorFloat-32: a tensor-core math mode. Values are stored as FP32.
    Tf32,
    Fp16,
    Bf16,
    /// OCP FP8 E4M3 (no infinities, max 448).
    Fp8E4m3,
    /// OCP FP8 E5M2 (IEEE-like, max 57344).
    Fp8E5m2,
    Int8,
    Int4,
    /// OCP MX FP6 E3M2 element (no Inf/NaN, max 28).
    Fp6E3m2,
    /// OCP MX FP6 E2M3 element (no Inf/NaN, max 7.5).
    Fp6E2m3,
    /// OCP MX FP4 E2M1 element (no Inf/NaN, max 6), unscaled.
    Fp4E2m1,
    /// OCP MXFP4: blocks of 32 E2M1 values sharing one E8M0 (power-of-two) scale.
    Mxfp4,
    /// NVIDIA NVFP4: blocks of 16 E2M1 values sharing one FP8 E4M3 scale.
    Nvfp4,
    /// bitsandbytes NormalFloat4: 16 levels fitted to a normal distribution,
    /// blocks of 64 sharing an FP32 absmax.
    Nf4,
}

/// Sign / exponent / mantissa widths of a floating-point format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BitLayout {
    pub sign: u8,
    pub exponent: u8,
    pub mantissa: u8,
}

/// What a format is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatKind {
    /// A floating-point storage format.
    Float,
    /// A math mode whose operands are stored in another format (TF32 → FP32).
    MathMode,
    /// Small floating-point elements that share a scale per block.
    BlockFloat,
    /// 4-bit indices into a table of 16 levels, scaled per block.
    Lookup,
    /// A two's-complement integer format used for quantized inference.
    Integer,
}

/// How one element is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Element {
    Float(FloatSpec),
    /// Symmetric signed integers: −(2^(bits−1) − 1) … 2^(bits−1) − 1 times a scale.
    Integer {
        bits: u32,
    },
    /// The NF4 table.
    Nf4,
}

/// The scale a block of values shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleFormat {
    /// 8-bit power of two, 2^-127 … 2^127 (OCP MX).
    E8m0,
    /// FP8 E4M3 (NVFP4).
    Fp8E4m3,
    /// FP32 absmax (bitsandbytes).
    Fp32,
}

impl ScaleFormat {
    pub fn bits(self) -> u32 {
        match self {
            ScaleFormat::E8m0 | ScaleFormat::Fp8E4m3 => 8,
            ScaleFormat::Fp32 => 32,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ScaleFormat::E8m0 => "E8M0",
            ScaleFormat::Fp8E4m3 => "FP8 E4M3",
            ScaleFormat::Fp32 => "FP32",
        }
    }
}

/// One scale per `values` elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockScale {
    pub values: u32,
    pub scale: ScaleFormat,
}

/// How much a format is used for a purpose, per the precision article and
/// current practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    /// What frameworks and serving stacks do by default.
    Standard,
    /// Widely used, with a stated caveat.
    Common,
    /// Supported by the newest hardware and software; not yet routine.
    Emerging,
    /// Possible, rarely worth it.
    Rare,
    /// Not used for this.
    No,
}

impl Use {
    pub fn label(self) -> &'static str {
        match self {
            Use::Standard => "standard",
            Use::Common => "common",
            Use::Emerging => "emerging",
            Use::Rare => "rare",
            Use::No => "no",
        }
    }
}

/// Whether training in the format needs its values scaled to stay in range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossScaling {
    /// Range of FP32 or wider: no scaling.
    NotNeeded,
    /// FP16: dynamic loss scaling keeps small gradients from underflowing.
    LossScaling,
    /// FP8: a scale factor per tensor (Transformer Engine's delayed scaling).
    PerTensor,
    /// MX/NVFP4/NF4: the block scale is part of the format.
    PerBlock,
    /// Integers are not trained in.
    NotTrained,
}

impl LossScaling {
    pub fn label(self) -> &'static str {
        match self {
            LossScaling::NotNeeded => "no",
            LossScaling::LossScaling => "yes — loss scaling",
            LossScaling::PerTensor => "yes — per-tensor scale",
            LossScaling::PerBlock => "built in — block scale",
            LossScaling::NotTrained => "n/a — not trained in",
        }
    }
}

/// Facts about one format.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FormatInfo {
    pub precision: Precision,
    /// Stable identifier used in files and links.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Bits one stored element occupies in memory (32 for TF32, which is stored as FP32).
    pub storage_bits: u32,
    /// Bits that take part in arithmetic (19 for TF32, otherwise the element width).
    pub math_bits: u32,
    pub element: Element,
    pub block: Option<BlockScale>,
    pub kind: FormatKind,
    pub loss_scaling: LossScaling,
    pub training: Use,
    pub inference: Use,
    /// First NVIDIA tensor-core generation that computes in it natively.
    pub tensor_cores_since: Option<&'static str>,
    /// One sentence on where the format is used.
    pub note: &'static str,
    /// Where its definition comes from.
    pub source: &'static str,
}

const IEEE754: &str = "IEEE 754-2019";
const OCP_FP8: &str = "OCP 8-bit Floating Point Specification (OFP8) 1.0, 2023";
const OCP_MX: &str = "OCP Microscaling Formats (MX) Specification 1.0, 2023";

const fn ieee(exponent: u32, mantissa: u32) -> Element {
    Element::Float(FloatSpec::ieee(exponent, mantissa))
}

const fn ocp(exponent: u32, mantissa: u32, bias: i32, specials: Specials) -> Element {
    Element::Float(FloatSpec {
        exponent,
        mantissa,
        bias,
        specials,
    })
}

const E2M1: Element = ocp(2, 1, 1, Specials::None);

const FORMATS: [FormatInfo; 15] = [
    FormatInfo {
        precision: Precision::Fp64,
        id: "fp64",
        name: "FP64",
        storage_bits: 64,
        math_bits: 64,
        element: ieee(11, 52),
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::NotNeeded,
        training: Use::No,
        inference: Use::No,
        tensor_cores_since: Some("Ampere (A100, A30, H100, B200 only)"),
        note: "Double precision for HPC; not needed to train neural networks.",
        source: IEEE754,
    },
    FormatInfo {
        precision: Precision::Fp32,
        id: "fp32",
        name: "FP32",
        storage_bits: 32,
        math_bits: 32,
        element: ieee(8, 23),
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::NotNeeded,
        training: Use::Standard,
        inference: Use::Rare,
        tensor_cores_since: None,
        note: "Single precision: the frameworks' default and the reference for training. Runs on CUDA cores; tensor cores take it as TF32.",
        source: IEEE754,
    },
    FormatInfo {
        precision: Precision::Tf32,
        id: "tf32",
        name: "TF32",
        storage_bits: 32,
        math_bits: 19,
        element: ieee(8, 10),
        block: None,
        kind: FormatKind::MathMode,
        loss_scaling: LossScaling::NotNeeded,
        training: Use::Standard,
        inference: Use::Rare,
        tensor_cores_since: Some("Ampere"),
        note: "Tensor-core math mode (Ampere and later): FP32 operands are rounded to 10 mantissa bits for the multiply. Values stay FP32 in memory, so nothing is saved. The default for FP32 work in NVIDIA's containers, PyTorch 1.7 and TensorFlow 2.4; PyTorch 1.12 and later enable it for matrix multiplies only with torch.set_float32_matmul_precision(\"high\").",
        source: "NVIDIA A100 Tensor Core GPU Architecture whitepaper, 2020",
    },
    FormatInfo {
        precision: Precision::Fp16,
        id: "fp16",
        name: "FP16",
        storage_bits: 16,
        math_bits: 16,
        element: ieee(5, 10),
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::LossScaling,
        training: Use::Common,
        inference: Use::Standard,
        tensor_cores_since: Some("Volta"),
        note: "Half precision: half the memory of FP32. Training uses it in mixed precision, with FP32 master weights and dynamic loss scaling; look at the GPU's FP16 figure for that.",
        source: IEEE754,
    },
    FormatInfo {
        precision: Precision::Bf16,
        id: "bf16",
        name: "BF16",
        storage_bits: 16,
        math_bits: 16,
        element: ieee(8, 7),
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::NotNeeded,
        training: Use::Standard,
        inference: Use::Standard,
        tensor_cores_since: Some("Ampere"),
        note: "bfloat16: half the memory of FP32 with FP32's range, so no loss scaling; the default for training and serving LLMs.",
        source: "Google Brain bfloat16; Intel BF16 Hardware Numerics Definition, 2018",
    },
    FormatInfo {
        precision: Precision::Fp8E4m3,
        id: "fp8_e4m3",
        name: "FP8 E4M3",
        storage_bits: 8,
        math_bits: 8,
        element: ocp(4, 3, 7, Specials::NanOnly),
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::PerTensor,
        training: Use::Emerging,
        inference: Use::Common,
        tensor_cores_since: Some("Ada Lovelace and Hopper"),
        note: "FP8 with more precision: weights and activations for inference (vLLM, TensorRT-LLM `fp8`), and the forward pass in FP8 training with per-tensor scales.",
        source: OCP_FP8,
    },
    FormatInfo {
        precision: Precision::Fp8E5m2,
        id: "fp8_e5m2",
        name: "FP8 E5M2",
        storage_bits: 8,
        math_bits: 8,
        element: ieee(5, 2),
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::PerTensor,
        training: Use::Emerging,
        inference: Use::Rare,
        tensor_cores_since: Some("Ada Lovelace and Hopper"),
        note: "FP8 with more range: gradients in FP8 training (Transformer Engine's hybrid recipe); too coarse for weights.",
        source: OCP_FP8,
    },
    FormatInfo {
        precision: Precision::Int8,
        id: "int8",
        name: "INT8",
        storage_bits: 8,
        math_bits: 8,
        element: Element::Integer { bits: 8 },
        block: None,
        kind: FormatKind::Integer,
        loss_scaling: LossScaling::NotTrained,
        training: Use::No,
        inference: Use::Standard,
        tensor_cores_since: Some("Turing"),
        note: "8-bit integers with a per-tensor or per-channel scale for quantized inference (the scale's bytes are negligible).",
        source: "Jacob et al., Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference, 2018",
    },
    FormatInfo {
        precision: Precision::Int4,
        id: "int4",
        name: "INT4",
        storage_bits: 4,
        math_bits: 4,
        element: Element::Integer { bits: 4 },
        block: None,
        kind: FormatKind::Integer,
        loss_scaling: LossScaling::NotTrained,
        training: Use::No,
        inference: Use::Common,
        tensor_cores_since: Some("Turing (dropped in Hopper)"),
        note: "4-bit integers, two values per byte, with no scales: GPTQ and AWQ add an FP16 scale (and a zero point) per group of 128 weights, about 4.125–4.25 bits a weight (the Transformers page's INT4 group-128 formats count them). Weight-only INT4 is dequantized to BF16 for the multiply; INT4 tensor cores (Turing, Ampere) take INT4 activations too.",
        source: "NVIDIA Turing architecture whitepaper, 2018",
    },
    FormatInfo {
        precision: Precision::Fp6E3m2,
        id: "fp6_e3m2",
        name: "FP6 E3M2",
        storage_bits: 6,
        math_bits: 6,
        element: ocp(3, 2, 3, Specials::None),
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::PerBlock,
        training: Use::No,
        inference: Use::Emerging,
        tensor_cores_since: Some("Blackwell"),
        note: "MX element with more range; used inside MXFP6 blocks (32 values, one E8M0 scale).",
        source: OCP_MX,
    },
    FormatInfo {
        precision: Precision::Fp6E2m3,
        id: "fp6_e2m3",
        name: "FP6 E2M3",
        storage_bits: 6,
        math_bits: 6,
        element: ocp(2, 3, 1, Specials::None),
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::PerBlock,
        training: Use::No,
        inference: Use::Emerging,
        tensor_cores_since: Some("Blackwell"),
        note: "MX element with more precision; used inside MXFP6 blocks (32 values, one E8M0 scale).",
        source: OCP_MX,
    },
    FormatInfo {
        precision: Precision::Fp4E2m1,
        id: "fp4_e2m1",
        name: "FP4 E2M1",
        storage_bits: 4,
        math_bits: 4,
        element: E2M1,
        block: None,
        kind: FormatKind::Float,
        loss_scaling: LossScaling::PerBlock,
        training: Use::No,
        inference: Use::Emerging,
        tensor_cores_since: Some("Blackwell"),
        note: "The 4-bit float element: ±{0, 0.5, 1, 1.5, 2, 3, 4, 6}. Only useful with a block scale (MXFP4, NVFP4).",
        source: OCP_MX,
    },
    FormatInfo {
        precision: Precision::Mxfp4,
        id: "mxfp4",
        name: "MXFP4",
        storage_bits: 4,
        math_bits: 4,
        element: E2M1,
        block: Some(BlockScale {
            values: 32,
            scale: ScaleFormat::E8m0,
        }),
        kind: FormatKind::BlockFloat,
        loss_scaling: LossScaling::PerBlock,
        training: Use::Emerging,
        inference: Use::Emerging,
        tensor_cores_since: Some("Blackwell"),
        note: "32 E2M1 values share a power-of-two scale: 4.25 bits per value. gpt-oss ships its MoE weights in it.",
        source: OCP_MX,
    },
    FormatInfo {
        precision: Precision::Nvfp4,
        id: "nvfp4",
        name: "NVFP4",
        storage_bits: 4,
        math_bits: 4,
        element: E2M1,
        block: Some(BlockScale {
            values: 16,
            scale: ScaleFormat::Fp8E4m3,
        }),
        kind: FormatKind::BlockFloat,
        loss_scaling: LossScaling::PerBlock,
        training: Use::Emerging,
        inference: Use::Emerging,
        tensor_cores_since: Some("Blackwell"),
        note: "16 E2M1 values share an FP8 E4M3 scale (plus one FP32 scale per tensor): 4.5 bits per value, finer scales than MXFP4.",
        source: "NVIDIA, Introducing NVFP4 for Efficient and Accurate Low-Precision Inference, 2025",
    },
    FormatInfo {
        precision: Precision::Nf4,
        id: "nf4",
        name: "NF4",
        storage_bits: 4,
        math_bits: 4,
        element: Element::Nf4,
        block: Some(BlockScale {
            values: 64,
            scale: ScaleFormat::Fp32,
        }),
        kind: FormatKind::Lookup,
        loss_scaling: LossScaling::PerBlock,
        training: Use::No,
        inference: Use::Common,
        tensor_cores_since: None,
        note: "QLoRA's NormalFloat4: 16 levels at the quantiles of a normal distribution, an FP32 absmax per 64 values (4.5 bits per value); QLoRA's double quantization stores the absmax values in 8 bits with an FP32 scale per 256 of them, 4.127 bits a value (the Transformers page's NF4 with double quantization). Storage only: it is dequantized to BF16 for every multiply. QLoRA fine-tunes adapters on top of frozen NF4 weights.",
        source: "Dettmers et al., QLoRA: Efficient Finetuning of Quantized LLMs, 2023",
    },
];

impl Precision {
    /// Every format, in table order: widest first, block formats after their element.
    pub const ALL: [Precision; 15] = [
        Precision::Fp64,
        Precision::Fp32,
        Precision::Tf32,
        Precision::Fp16,
        Precision::Bf16,
        Precision::Fp8E4m3,
        Precision::Fp8E5m2,
        Precision::Fp6E3m2,
        Precision::Fp6E2m3,
        Precision::Fp4E2m1,
        Precision::Mxfp4,
        Precision::Nvfp4,
        Precision::Nf4,
        Precision::Int8,
        Precision::Int4,
    ];

    pub fn info(self) -> &'static FormatInfo {
        // FORMATS is in declaration order; the test `table_is_in_declaration_order` keeps it so.
        &FORMATS[self as usize]
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn from_id(id: &str) -> Option<Precision> {
        FORMATS
            .iter()
            .find(|f| f.id.eq_ignore_ascii_case(id) || f.name.eq_ignore_ascii_case(id))
            .map(|f| f.precision)
    }

    /// Bits one stored element takes, scales not counted.
    pub fn storage_bits(self) -> u32 {
        self.info().storage_bits
    }

    /// The floating-point definition of the element, if it is one.
    pub fn float_spec(self) -> Option<FloatSpec> {
        match self.info().element {
            Element::Float(s) => Some(s),
            _ => None,
        }
    }

    /// Sign / exponent / mantissa widths, for floating-point elements.
    pub fn layout(self) -> Option<BitLayout> {
        self.float_spec().map(|s| BitLayout {
            sign: 1,
            exponent: s.exponent as u8,
            mantissa: s.mantissa as u8,
        })
    }

    /// Bytes `elements` values take, block scales included:
    /// `ceil((n·b + ceil(n/k)·s) / 8)`. `None` when the result does not fit in 64 bits.
    pub fn bytes_for(self, elements: u64) -> Option<u64> {
        let n = u128::from(elements);
        let mut bits = n * u128::from(self.storage_bits());
        if let Some(b) = self.info().block {
            bits += n.div_ceil(u128::from(b.values)) * u128::from(b.scale.bits());
        }
        u64::try_from(bits.div_ceil(8)).ok()
    }

    /// Average bits per value, block scales included (4.25 for MXFP4).
    pub fn bits_per_value(self) -> f64 {
        let info = self.info();
        let scale = info
            .block
            .map_or(0.0, |b| f64::from(b.scale.bits()) / f64::from(b.values));
        f64::from(info.storage_bits) + scale
    }

    /// Bytes per value as people write it: "4 B", "2 B", "0.5 B", "0.53125 B".
    pub fn bytes_per_value_label(self) -> String {
        // Bits per value are multiples of 1/64, so the decimal is short and exact.
        let s = format!("{:.6}", self.bits_per_value() / 8.0);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{s} B")
    }

    pub fn is_integer(self) -> bool {
        self.info().kind == FormatKind::Integer
    }

    /// Whether frameworks train in the format (as the compute format of a
    /// training step, not only to store frozen weights).
    pub fn trainable(self) -> bool {
        !matches!(self.info().training, Use::No)
    }

    /// Whether values are narrower than FP32 in memory.
    pub fn narrower_than_fp32(self) -> bool {
        self.storage_bits() < 32
    }

    /// The largest finite value (with the largest block scale for block formats;
    /// at scale 1 for integers and NF4).
    pub fn max_finite(self) -> f64 {
        let info = self.info();
        match (info.element, info.block) {
            (Element::Float(s), None) => s.max_finite(),
            (Element::Float(s), Some(b)) => s.max_finite() * scale_range(b.scale).1,
            (Element::Integer { bits }, _) => f64::from((1u32 << (bits - 1)) - 1),
            (Element::Nf4, _) => 1.0,
        }
    }

    /// The smallest positive normal value (floats only; block formats at the
    /// smallest scale).
    pub fn min_normal(self) -> Option<f64> {
        let info = self.info();
        match (info.element, info.block) {
            (Element::Float(s), None) => Some(s.min_normal()),
            (Element::Float(s), Some(b)) => Some(s.min_normal() * scale_range(b.scale).0),
            _ => None,
        }
    }

    /// The smallest positive value: the smallest subnormal for floats, one step
    /// for integers, the smallest non-zero level for NF4.
    pub fn min_positive(self) -> f64 {
        let info = self.info();
        match (info.element, info.block) {
            (Element::Float(s), None) => s.min_subnormal(),
            (Element::Float(s), Some(b)) => s.min_subnormal() * scale_range(b.scale).0,
            (Element::Integer { .. }, _) => 1.0,
            (Element::Nf4, _) => explore::NF4_LEVELS[8],
        }
    }

    /// Machine epsilon, 2^-mantissa (floats only).
    pub fn epsilon(self) -> Option<f64> {
        self.float_spec().map(|s| s.epsilon())
    }

    /// Significant decimal digits: (mantissa + 1)·log10 2 for floats; for
    /// integers, log10 of the largest magnitude.
    pub fn decimal_digits(self) -> f64 {
        match self.info().element {
            Element::Float(s) => f64::from(s.mantissa + 1) * std::f64::consts::LOG10_2,
            Element::Integer { bits } => f64::from(bits - 1) * std::f64::consts::LOG10_2,
            Element::Nf4 => 3.0 * std::f64::consts::LOG10_2,
        }
    }
}

/// The smallest and largest positive value of a block scale.
pub fn scale_range(scale: ScaleFormat) -> (f64, f64) {
    match scale {
        ScaleFormat::E8m0 => (codec::pow2(-127), codec::pow2(127)),
        ScaleFormat::Fp8E4m3 => {
            let s = Precision::Fp8E4m3.float_spec().expect("E4M3 is a float");
            (s.min_subnormal(), s.max_finite())
        }
        ScaleFormat::Fp32 => (f64::from(f32::MIN_POSITIVE), f64::from(f32::MAX)),
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_declaration_order() {
        for p in Precision::ALL {
            assert_eq!(p.info().precision, p);
        }
        let mut ids: Vec<_> = Precision::ALL.iter().map(|p| *p as usize).collect();
        ids.sort_unstable();
        assert_eq!(
            ids,
            (0..FORMATS.len()).collect::<Vec<_>>(),
            "ALL lists every format once"
        );
    }

    #[test]
    fn bytes_per_value_follow_the_article() {
        // The precision article (frankdenneman.nl, 2022-07-26): FP64 8, FP32 4, TF32 4 (stored as FP32), FP16 2, BF16 2, INT8 1; INT4 is half a byte.
        let expect = [
            (Precision::Fp64, 8),
            (Precision::Fp32, 4),
            (Precision::Tf32, 4),
            (Precision::Fp16, 2),
            (Precision::Bf16, 2),
            (Precision::Fp8E4m3, 1),
            (Precision::Fp8E5m2, 1),
            (Precision::Int8, 1),
        ];
        for (p, bytes) in expect {
            assert_eq!(p.bytes_for(1_000), Some(1_000 * bytes), "{p}");
        }
        assert_eq!(Precision::Int4.bytes_for(1_000), Some(500));
        // An odd count of 4-bit values still needs a whole last byte.
        assert_eq!(Precision::Int4.bytes_for(3), Some(2));
        assert_eq!(Precision::Int4.bytes_per_value_label(), "0.5 B");
        assert_eq!(Precision::Bf16.bytes_per_value_label(), "2 B");
    }

    #[test]
    fn ids_round_trip() {
        for p in Precision::ALL {
            assert_eq!(Precision::from_id(p.id()), Some(p));
            assert_eq!(Precision::from_id(p.name()), Some(p));
        }
        assert_eq!(Precision::from_id("fp12"), None);
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        assert_eq!(Precision::Fp64.bytes_for(u64::MAX), None);
        assert_eq!(Precision::Int4.bytes_for(u64::MAX), Some(u64::MAX / 2 + 1));
    }
}
