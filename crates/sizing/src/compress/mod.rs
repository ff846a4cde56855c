//! Compression: what pruning, 2:4 structured sparsity and quantization do to a
//! model's weights, layer by layer, and so to its memory, its fits and its speed.
//!
//! The settings ([`Compression`]) are a section of the scenario any workload can
//! carry. [`plan`] lists the model's weight matrices ([`Matrix`]: a transformer's
//! attention and FFN projections, a CNN's convolutions and dense layers), applies
//! the recipe to the chosen ones, and stores each in a format whose bytes come
//! from `crates/sparse`'s byte model ([`sparse::bytes`]):
//!
//! - dense: every value, zeros included (pruning alone saves nothing);
//! - CSR: the kept values, a column index each, a 32-bit row pointer per row;
//! - blocked CSR: kept blocks, one column index per block;
//! - 2:4: two values of every four and 2 × 2 bits of positions (NVIDIA's layout);
//! - relative-index sparse with Huffman coding (Han et al.'s Deep Compression):
//!   each kept value as a codebook index plus the gap since the previous one,
//!   entropy-coded.
//!
//! Inference only: a training scenario keeps its dense figures, and says so.

pub mod apply;
pub mod form;
mod matrices;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::precision::Precision;
use crate::report::words::sig;
use crate::scenario::FieldError;
use crate::transformer::quant::BlockBits;
use crate::units::group_digits as g;

pub use apply::weights_per_gpu;
pub use form::CompressionForm;
pub use matrices::{Matrix, Role, cnn_matrices, transformer_matrices};

/// Scenario paths of the compression fields.
pub const SPARSITY: crate::field::Decimal =
    crate::field::Decimal::new("compression.sparsity_percent", 0.0, 99.0);
pub const RATE: crate::field::Decimal =
    crate::field::Decimal::new("compression.rate_percent", 1.0, 90.0);
pub const INDEX_BITS: crate::field::Whole =
    crate::field::Whole::new("compression.index_bits", 1, 32);
pub const STORAGE_PATH: &str = "compression.storage";
pub const TARGETS_PATH: &str = "compression.targets";
pub const QUANTIZE_PATH: &str = "compression.quantize";

/// How weights are pruned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pruning {
    /// No weight is removed (quantization only).
    None,
    /// The smallest weights by magnitude, anywhere.
    #[default]
    Unstructured,
    /// Whole blocks with the smallest L1 norm.
    Block,
    /// Two of every four consecutive weights of a row (NVIDIA 2:4): 50 % exactly.
    TwoFour,
}

impl Pruning {
    pub const ALL: [Pruning; 4] = [
        Pruning::None,
        Pruning::Unstructured,
        Pruning::Block,
        Pruning::TwoFour,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Pruning::None => "none",
            Pruning::Unstructured => "unstructured",
            Pruning::Block => "block",
            Pruning::TwoFour => "two_four",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Pruning::None => "None (quantize only)",
            Pruning::Unstructured => "Unstructured, by magnitude",
            Pruning::Block => "Blocks, by L1 norm",
            Pruning::TwoFour => "2:4 structured (2 of every 4 zero)",
        }
    }

    pub fn from_id(id: &str) -> Option<Pruning> {
        Pruning::ALL.into_iter().find(|p| p.id() == id)
    }
}

/// The block of block pruning and blocked CSR.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    #[default]
    B1x4,
    B4x1,
    B2x2,
    B4x4,
}

impl Block {
    pub const ALL: [Block; 4] = [Block::B1x4, Block::B4x1, Block::B2x2, Block::B4x4];

    pub fn shape(self) -> sparse::BlockShape {
        match self {
            Block::B1x4 => sparse::BlockShape::B1x4,
            Block::B4x1 => sparse::BlockShape::B4x1,
            Block::B2x2 => sparse::BlockShape::B2x2,
            Block::B4x4 => sparse::BlockShape::B4x4,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Block::B1x4 => "b1x4",
            Block::B4x1 => "b4x1",
            Block::B2x2 => "b2x2",
            Block::B4x4 => "b4x4",
        }
    }

    pub fn label(self) -> &'static str {
        self.shape().label()
    }

    pub fn from_id(id: &str) -> Option<Block> {
        Block::ALL.into_iter().find(|b| b.id() == id)
    }
}

/// Which weight matrices the recipe applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Targets {
    /// Every weight matrix: a transformer's attention and FFN projections (never
    /// its embeddings, norms or output head), a CNN's convolutions and dense layers.
    #[default]
    All,
    /// A transformer's FFN projections.
    Ffn,
    /// A transformer's attention projections.
    Attention,
    /// A CNN's convolutions.
    Conv,
    /// A CNN's dense (fully connected) layers.
    Dense,
}

impl Targets {
    pub const ALL: [Targets; 5] = [
        Targets::All,
        Targets::Ffn,
        Targets::Attention,
        Targets::Conv,
        Targets::Dense,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Targets::All => "all",
            Targets::Ffn => "ffn",
            Targets::Attention => "attention",
            Targets::Conv => "conv",
            Targets::Dense => "dense",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Targets::All => "Every weight matrix",
            Targets::Ffn => "FFN projections",
            Targets::Attention => "Attention projections",
            Targets::Conv => "Convolutions",
            Targets::Dense => "Dense (fully connected) layers",
        }
    }

    pub fn from_id(id: &str) -> Option<Targets> {
        Targets::ALL.into_iter().find(|t| t.id() == id)
    }

    /// Whether the choice applies to a transformer (else to a CNN).
    pub fn for_transformer(self) -> bool {
        matches!(self, Targets::All | Targets::Ffn | Targets::Attention)
    }

    pub fn for_cnn(self) -> bool {
        matches!(self, Targets::All | Targets::Conv | Targets::Dense)
    }

    fn takes(self, role: Role) -> bool {
        match self {
            Targets::All => true,
            Targets::Ffn => role == Role::Ffn,
            Targets::Attention => role == Role::Attention,
            Targets::Conv => role == Role::Conv,
            Targets::Dense => role == Role::Dense,
        }
    }
}

/// How a compressed matrix is stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    /// The smallest format the pruning allows, per matrix.
    #[default]
    Auto,
    Dense,
    Csr,
    Bsr,
    TwoFour,
    /// Deep Compression's relative-index sparse format with Huffman coding.
    Relative,
}

impl Storage {
    pub const ALL: [Storage; 6] = [
        Storage::Auto,
        Storage::Dense,
        Storage::Csr,
        Storage::Bsr,
        Storage::TwoFour,
        Storage::Relative,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Storage::Auto => "auto",
            Storage::Dense => "dense",
            Storage::Csr => "csr",
            Storage::Bsr => "bsr",
            Storage::TwoFour => "two_four",
            Storage::Relative => "relative",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Storage::Auto => "Smallest for each matrix",
            Storage::Dense => "Dense (zeros stored)",
            Storage::Csr => "CSR",
            Storage::Bsr => "Blocked CSR",
            Storage::TwoFour => "2:4 compressed + metadata",
            Storage::Relative => "Relative index + Huffman (Deep Compression)",
        }
    }

    pub fn from_id(id: &str) -> Option<Storage> {
        Storage::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// A compression recipe. Every field may be left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Compression {
    pub pruning: Pruning,
    /// Share of the chosen weights removed (unstructured: weights; block: blocks), %.
    /// 2:4 is always 50 %.
    pub sparsity_percent: f64,
    pub block: Block,
    /// Share of the remaining weights each iteration of iterative pruning removes, %.
    pub rate_percent: f64,
    pub targets: Targets,
    pub storage: Storage,
    /// Bits of a column index (CSR, blocked CSR) or of a gap (relative index).
    pub index_bits: u64,
    /// The format the chosen weights are quantized to; absent keeps the model's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantize: Option<Precision>,
    /// Activations are quantized too (W8A8), so the matrix math runs in that format.
    pub activations: bool,
    /// The first and the last weighted layer (transformer: block) keep their format and every weight.
    pub keep_first_last: bool,
}

impl Default for Compression {
    fn default() -> Compression {
        Compression {
            pruning: Pruning::TwoFour,
            sparsity_percent: 50.0,
            block: Block::B1x4,
            rate_percent: 20.0,
            targets: Targets::All,
            storage: Storage::Auto,
            index_bits: 32,
            quantize: None,
            activations: false,
            keep_first_last: false,
        }
    }
}

/// Huffman coding's saving over fixed-width codes in Deep Compression: 20 % to
/// 30 % (Han, Mao & Dally, ICLR 2016, §4 and Table 1); the middle is used.
pub const HUFFMAN_SAVING: (f64, f64, f64) = (0.20, 0.25, 0.30);

/// NVIDIA's 2:4 sparse tensor cores: the datasheets' "with sparsity" rates are
/// 2× dense. Measured gains are lower: 1.38× for one FP16 linear layer on an
/// A100 (PyTorch's semi-structured sparsity tutorial), "up to 1.7×" for the
/// matmul alone (torchao's sparsity README), 1.1×–1.27× end to end (torchao's
/// ViT-h; HPC-AI's vLLM run), and slower than dense for small batches. The middle
/// figure is applied to the 2:4 layers' arithmetic on GPUs with sparse tensor
/// cores; (low, applied, high).
pub const TWO_FOUR_SPEEDUP: (f64, f64, f64) = (1.1, 1.3, 1.7);

impl Compression {
    /// The sparsity actually applied, 0–1: 0.5 for 2:4, 0 without pruning.
    pub fn sparsity(&self) -> f64 {
        match self.pruning {
            Pruning::None => 0.0,
            Pruning::TwoFour => 0.5,
            _ => self.sparsity_percent / 100.0,
        }
    }

    /// Every problem with the recipe for a transformer (`true`) or a CNN, each at its field.
    pub fn check(&self, transformer: bool) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if matches!(self.pruning, Pruning::Unstructured | Pruning::Block)
            && let Err(e) = SPARSITY.check(self.sparsity_percent)
        {
            errors.push(e);
        }
        if matches!(self.pruning, Pruning::Unstructured | Pruning::Block)
            && let Err(e) = RATE.check(self.rate_percent)
        {
            errors.push(e);
        }
        if let Err(e) = INDEX_BITS.check(self.index_bits) {
            errors.push(e);
        }
        if transformer && !self.targets.for_transformer() {
            errors.push(FieldError::new(
                TARGETS_PATH,
                format!(
                    "\"{}\" is for CNNs; a transformer prunes every projection, the FFN or the attention.",
                    self.targets.label()
                ),
            ));
        }
        if !transformer && !self.targets.for_cnn() {
            errors.push(FieldError::new(
                TARGETS_PATH,
                format!(
                    "\"{}\" is for transformers; a CNN prunes every layer, its convolutions or its dense layers.",
                    self.targets.label()
                ),
            ));
        }
        let storage_needs = match self.storage {
            Storage::Bsr if self.pruning != Pruning::Block => {
                Some("Blocked CSR stores block-pruned weights: choose block pruning.")
            }
            Storage::TwoFour if self.pruning != Pruning::TwoFour => {
                Some("The 2:4 format stores 2:4-pruned weights: choose 2:4 pruning.")
            }
            Storage::Relative if self.pruning == Pruning::None => {
                Some("The relative-index format stores pruned weights: choose a pruning.")
            }
            _ => None,
        };
        if let Some(m) = storage_needs {
            errors.push(FieldError::new(STORAGE_PATH, m));
        }
        if let Some(q) = self.quantize
            && matches!(q, Precision::Fp64 | Precision::Tf32)
        {
            errors.push(FieldError::new(
                QUANTIZE_PATH,
                format!(
                    "{} is not a storage format for compressed weights; choose FP16, BF16, FP8, INT8, a 4- or 6-bit format or FP32.",
                    q.name()
                ),
            ));
        }
        errors
    }
}

/// The iterative schedule: prune `rate` of the remaining weights per iteration
/// until `target` are gone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Schedule {
    pub rate: f64,
    pub target: f64,
    /// Iterations to reach the target: ⌈ln(1 − target) ÷ ln(1 − rate)⌉.
    pub iterations: u32,
    /// Share kept after iteration 1, 2, …: (1 − rate)ⁿ, the last one capped at the target.
    pub kept: Vec<f64>,
    pub formula: String,
}

/// Share of weights kept after `n` iterations at `rate`: (1 − rate)ⁿ.
pub fn kept_after(rate: f64, n: u32) -> f64 {
    (1.0 - rate).powi(n as i32)
}

/// Iterations of `rate` needed to remove `target` of the weights.
pub fn iterations_for(rate: f64, target: f64) -> u32 {
    if target <= 0.0 || rate <= 0.0 || rate >= 1.0 {
        return 0;
    }
    if target >= 1.0 {
        return u32::MAX;
    }
    // A hair under the exact power counts as reached (0.8³ = 0.512 is 48.8 %).
    let n = ((1.0 - target).ln() / (1.0 - rate).ln() - 1e-9).ceil();
    n.clamp(0.0, 1000.0) as u32
}

/// Three significant digits without trailing zeros: 0.5, 3.11, 0.000448.
fn short(x: f64) -> String {
    let s = sig(x);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

impl Schedule {
    pub fn new(rate: f64, target: f64) -> Schedule {
        let iterations = iterations_for(rate, target);
        let kept = (1..=iterations.min(100))
            .map(|n| kept_after(rate, n).max(1.0 - target))
            .collect();
        Schedule {
            rate,
            target,
            iterations,
            kept,
            formula: format!(
                "⌈ln(1 − {}) ÷ ln(1 − {})⌉ = ⌈{}⌉ = {}; kept after n = {}ⁿ{}",
                short(target),
                short(rate),
                short((1.0 - target).ln() / (1.0 - rate).ln()),
                crate::units::count(u64::from(iterations), "iteration", "iterations"),
                short(1.0 - rate),
                if iterations > 100 {
                    " (the first 100 listed)"
                } else {
                    ""
                }
            ),
        }
    }
}

/// Where a sparse format starts to take less memory than dense.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BreakEven {
    pub format: String,
    /// Sparsity above which the format is smaller than dense (ignoring row pointers); `None` when it is fixed.
    pub sparsity: Option<f64>,
    pub formula: String,
}

/// The break-even sparsity of each format for values of `value_bits` and indices of `index_bits`.
/// `csr_bits` and `bsr_bits` are the index widths each format stores: the
/// recipe's, or wider where a matrix has more columns (block columns) than
/// it can name.
pub fn break_even(value_bits: f64, csr_bits: u64, bsr_bits: u64, block: Block) -> Vec<BreakEven> {
    let i = csr_bits as f64;
    let bi = bsr_bits as f64;
    let v = value_bits;
    let shape = block.shape();
    let per = (shape.rows() * shape.cols()) as f64;
    let tf = (2.0 * v + 4.0) / (4.0 * v);
    vec![
        BreakEven {
            format: "Dense".into(),
            sparsity: None,
            formula: "Never smaller: the zeros are stored.".into(),
        },
        BreakEven {
            format: "CSR".into(),
            sparsity: Some(i / (v + i)),
            formula: format!(
                "index ÷ (value + index) = {i} ÷ ({} + {i}) bits = {:.1} %",
                trim(v),
                100.0 * i / (v + i)
            ),
        },
        BreakEven {
            format: format!("Blocked CSR {}", block.label()),
            sparsity: Some(bi / (per * v + bi)),
            formula: format!(
                "index ÷ ({} values + index) = {bi} ÷ ({} + {bi}) bits = {:.1} % of blocks",
                per,
                trim(per * v),
                100.0 * bi / (per * v + bi)
            ),
        },
        BreakEven {
            format: "2:4".into(),
            sparsity: None,
            formula: format!(
                "Fixed at 50 %: (2 × {} + 4) ÷ (4 × {}) = {:.2} % of dense",
                trim(v),
                trim(v),
                100.0 * tf
            ),
        },
    ]
}

fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The stored form of one group of identical matrices.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MatrixRow {
    pub name: String,
    /// "attention", "ffn", "conv", "dense".
    pub role: Role,
    pub rows: u64,
    pub cols: u64,
    /// Matrices of this shape (layers × experts).
    pub count: u64,
    pub params: u64,
    /// Whether the recipe applies (else kept as it was).
    pub compressed: bool,
    /// Non-zero weights kept, all `count` matrices.
    pub kept: u64,
    pub format: String,
    pub value_format: String,
    pub before: u64,
    pub after: u64,
    pub formula: String,
}

impl MatrixRow {
    /// "4,096 × 11,008".
    pub fn shape(&self) -> String {
        format!("{} × {}", g(self.rows), g(self.cols))
    }
}

/// The bytes of one matrix in each format the recipe allows, the smallest first
/// when `storage` is [`Storage::Auto`].
pub(crate) struct Stored {
    pub format: String,
    /// On the GPU.
    pub bytes: u64,
    pub kept: u64,
    pub formula: String,
    /// As a file, when that is smaller than on the GPU (Deep Compression's
    /// relative index and Huffman coding, decoded before it runs).
    pub file_bytes: Option<u64>,
}

/// One `rows × cols` matrix stored under the recipe.
pub(crate) fn store(c: &Compression, m: &Matrix, bits: BlockBits) -> Stored {
    let cells = m.rows.saturating_mul(m.cols);
    let s = c.sparsity();
    let i = c.index_bits;
    let dense = || {
        let kept = match c.pruning {
            Pruning::None => cells,
            Pruning::TwoFour => m.rows.saturating_mul(m.cols.div_ceil(4)).saturating_mul(2),
            _ => cells - removed(s, cells),
        };
        let b = bits.bytes(cells);
        Stored {
            file_bytes: None,
            format: "Dense".into(),
            bytes: b,
            kept,
            formula: format!(
                "{} × {} values × {} bits = {} B",
                g(m.rows),
                g(m.cols),
                trim(bits.bits_per_value()),
                g(b)
            ),
        }
    };
    let csr = |kept: u64| {
        let (ic, widened) = index_width(i, m.cols, "columns");
        let v = bits.bytes(kept);
        let idx = (u128::from(kept) * u128::from(ic)).div_ceil(8) as u64;
        let ptr = sparse::bytes::csr(m.rows, 0, 0, 4);
        let b = v.saturating_add(idx).saturating_add(ptr);
        Stored {
            file_bytes: None,
            format: "CSR".into(),
            bytes: b,
            kept,
            formula: format!(
                "{} kept × ({} + {ic}) bits + ({} + 1) row pointers × 4 B = {} B{widened}",
                g(kept),
                trim(bits.bits_per_value()),
                g(m.rows),
                g(b)
            ),
        }
    };
    let kept_unstructured = cells - removed(s, cells);
    let candidates: Vec<Stored> = match c.pruning {
        Pruning::None => vec![dense()],
        Pruning::Unstructured => vec![dense(), csr(kept_unstructured)],
        Pruning::Block => {
            let shape = c.block.shape();
            let (br, bc) = (shape.rows() as u64, shape.cols() as u64);
            let blocks = m.rows.div_ceil(br).saturating_mul(m.cols.div_ceil(bc));
            let kept_blocks = blocks - removed(s, blocks);
            let kept = kept_blocks.saturating_mul(br * bc).min(cells);
            let (ib, widened) = index_width(i, m.cols.div_ceil(bc), "block columns");
            let v = bits.bytes(kept_blocks.saturating_mul(br * bc));
            let idx = (u128::from(kept_blocks) * u128::from(ib)).div_ceil(8) as u64;
            let ptr = sparse::bytes::bsr(m.rows, shape, 0, 0, 4);
            let b = v.saturating_add(idx).saturating_add(ptr);
            let bsr = Stored {
                file_bytes: None,
                format: format!("Blocked CSR {}", shape.label()),
                bytes: b,
                kept,
                formula: format!(
                    "{} kept blocks × ({} × {} bits + {ib}) bits + ({} + 1) block-row pointers × 4 B = {} B{widened}",
                    g(kept_blocks),
                    br * bc,
                    trim(bits.bits_per_value()),
                    g(m.rows.div_ceil(br)),
                    g(b)
                ),
            };
            vec![dense(), bsr, csr(kept)]
        }
        Pruning::TwoFour => {
            let groups = m.rows.saturating_mul(m.cols.div_ceil(4));
            let kept = groups.saturating_mul(2);
            let v = bits.bytes(kept);
            let meta = groups.saturating_mul(4).div_ceil(8);
            let b = v.saturating_add(meta);
            let tf = Stored {
                file_bytes: None,
                format: "2:4".into(),
                bytes: b,
                kept,
                formula: format!(
                    "{} groups of 4 × (2 × {} bits + 4 bits of positions) = {} B",
                    g(groups),
                    trim(bits.bits_per_value()),
                    g(b)
                ),
            };
            vec![dense(), tf, csr(kept)]
        }
    };
    let kept = candidates[0].kept;
    let chosen = match c.storage {
        Storage::Auto => candidates.into_iter().min_by_key(|s| s.bytes),
        Storage::Dense => candidates.into_iter().next(),
        Storage::Csr => candidates.into_iter().find(|s| s.format == "CSR"),
        Storage::Bsr => candidates
            .into_iter()
            .find(|s| s.format.starts_with("Blocked")),
        Storage::TwoFour => candidates.into_iter().find(|s| s.format == "2:4"),
        // A file in this format is decoded to the smallest GPU format to run.
        Storage::Relative => candidates.into_iter().min_by_key(|s| s.bytes).map(|gpu| {
            let file = relative(c, m, bits, kept);
            Stored {
                format: format!("{} (from Relative index + Huffman)", gpu.format),
                formula: format!("{}; as a file: {}", gpu.formula, file.formula),
                file_bytes: Some(file.bytes),
                ..gpu
            }
        }),
    };
    chosen.unwrap_or_else(dense)
}

/// The bits of an index into `n` positions (`what`): the `asked` width, or the
/// least that can name every one of them when `asked` cannot, with a note that
/// says so. (The relative format stores gaps, not positions, and needs no such
/// floor.)
fn index_width(asked: u64, n: u64, what: &str) -> (u64, String) {
    let need = u64::from(u64::BITS - n.saturating_sub(1).leading_zeros()).max(1);
    if asked >= need {
        (asked, String::new())
    } else {
        (
            need,
            format!(
                " ({} {what} need {need}-bit indices; {asked} bits cannot name them all)",
                g(n)
            ),
        )
    }
}

/// Deep Compression's storage: each kept value as a `bits`-wide codebook index
/// and its gap since the previous kept value in `index_bits` bits (a filler zero
/// where a gap is longer than the index can say: expected (1 − d)^(2^b) ÷ (1 −
/// (1 − d)^(2^b)) per value at density d), a codebook of 2^bits FP32 values per
/// matrix, and Huffman coding saving [`HUFFMAN_SAVING`] of the codes.
fn relative(c: &Compression, m: &Matrix, bits: BlockBits, kept: u64) -> Stored {
    let cells = m.rows.saturating_mul(m.cols).max(1);
    let d = kept as f64 / cells as f64;
    let b = c.index_bits.min(30) as i32;
    let miss = (1.0 - d).powi(1 << b);
    let fillers = if d > 0.0 && miss < 1.0 {
        kept as f64 * miss / (1.0 - miss)
    } else {
        0.0
    };
    let per = bits.bits_per_value().ceil() + c.index_bits as f64;
    let codes = (kept as f64 + fillers) * per / 8.0;
    let codebook = (1u64 << (bits.bits_per_value().ceil() as u32).min(16)) * 4;
    let coded = (codes * (1.0 - HUFFMAN_SAVING.1)).ceil() as u64;
    let b_total = coded.saturating_add(codebook);
    Stored {
        file_bytes: None,
        format: "Relative index + Huffman".into(),
        bytes: b_total,
        kept,
        formula: format!(
            "({} kept + {} fillers) × ({} + {}) bits × (1 − {:.0} % Huffman) + {} B codebook = {} B",
            g(kept),
            g(fillers.round() as u64),
            trim(bits.bits_per_value().ceil()),
            c.index_bits,
            HUFFMAN_SAVING.1 * 100.0,
            g(codebook),
            g(b_total)
        ),
    }
}

/// Entries removed at `sparsity` out of `n`: `round(sparsity · n)`, as
/// [`sparse::prune::count_for`] prunes.
pub fn removed(sparsity: f64, n: u64) -> u64 {
    ((sparsity * n as f64).round() as u64).min(n)
}
