//! The recipe applied to a sized model: its weight matrices stored as the recipe
//! says, the weights term of the estimate replaced, and the report section.

use serde::Serialize;

use super::{
    BreakEven, Compression, HUFFMAN_SAVING, Matrix, MatrixRow, Pruning, Schedule, Storage,
    TWO_FOUR_SPEEDUP, break_even, cnn_matrices, store, transformer_matrices,
};
use crate::catalog::{Demand, FitStatus, Fits};
use crate::cnn::size::CnnSized;
use crate::mode::Mode;
use crate::scenario::{FieldError, TransformerScenario};
use crate::speed::gpu::Compute;
use crate::transformer::quant::{BlockBits, weight_bytes};
use crate::transformer::size::TransformerSized;
use crate::units::group_digits as g;

/// One memory term before and after compression, per GPU.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TermChange {
    pub id: String,
    pub label: String,
    pub before: u64,
    pub after: u64,
}

/// What compression does to the arithmetic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MathEffect {
    /// Share of the matrix arithmetic in 2:4 layers (0 without 2:4).
    pub two_four_share: f64,
    /// (low, applied, high) speed-up of that arithmetic on GPUs with sparse tensor cores.
    pub two_four_speedup: (f64, f64, f64),
    /// The format the matrix math runs in.
    pub compute: String,
    pub note: String,
}

/// The compression section of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompressionReport {
    /// False for training: the figures are the dense model's.
    pub applies: bool,
    pub matrices: Vec<MatrixRow>,
    /// The model's own weight format, and the one compressed matrices are stored in.
    pub base_format: String,
    pub value_format: String,
    /// The stored values take more bits than the model's own (a recipe that
    /// "quantizes" to a wider format).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub wider_values: bool,
    /// Sparsity applied to the chosen matrices, 0–1.
    pub sparsity: f64,
    /// Every weight of the model, all GPUs together.
    pub weights_before: u64,
    pub weights_after: u64,
    pub weights_formula: String,
    /// The chosen matrices alone.
    pub chosen_params: u64,
    pub chosen_before: u64,
    pub chosen_after: u64,
    /// Every weight as a file, where the format's file is smaller than what
    /// the GPU holds (Relative index + Huffman, decoded before it runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_bytes: Option<u64>,
    /// Per GPU, every term of the memory estimate.
    pub terms: Vec<TermChange>,
    pub total_before: u64,
    pub total_after: u64,
    pub schedule: Option<Schedule>,
    pub break_even: Vec<BreakEven>,
    pub math: MathEffect,
    /// Options that hold the compressed model and not the original ("A100 80GB 3g.40gb").
    pub newly_fit: Vec<String>,
    pub notes: Vec<String>,
    /// What the fit engine was asked before compression (for the newly-fit list).
    #[serde(skip)]
    pub demand_before: Option<Demand>,
}

impl CompressionReport {
    /// weights before ÷ after.
    pub fn ratio(&self) -> f64 {
        if self.weights_after == 0 {
            0.0
        } else {
            self.weights_before as f64 / self.weights_after as f64
        }
    }

    /// weights before ÷ as a file (as on the GPU where the file is no smaller).
    pub fn file_ratio(&self) -> f64 {
        let file = self.file_bytes.unwrap_or(self.weights_after);
        if file == 0 {
            0.0
        } else {
            self.weights_before as f64 / file as f64
        }
    }

    /// Fills [`Self::newly_fit`]: options that hold the demand now and did not before.
    pub fn compare_fits(&mut self, before: &Fits, after: &Fits) {
        // As the fits list counts them: the demand and the safety margin.
        let holds = |s: FitStatus| s == FitStatus::Fits;
        self.newly_fit = after
            .options
            .iter()
            .filter(|o| holds(o.status))
            .filter(|o| {
                !before.options.iter().any(|b| {
                    b.gpu_id == o.gpu_id
                        && b.mode == o.mode
                        && b.profile == o.profile
                        && holds(b.status)
                })
            })
            .map(|o| match &o.profile {
                Some(p) => format!("{} {p}", o.gpu_name),
                None => o.gpu_name.clone(),
            })
            .collect();
    }
}

/// What [`transformer`] and [`cnn`] hand back: the section, and what the speed model uses.
pub struct Applied {
    pub report: CompressionReport,
    /// Share of the arithmetic in 2:4 layers.
    pub two_four_share: f64,
    /// The format the matrix math runs in, when quantized activations change it.
    pub compute: Option<Compute>,
    /// Weight bytes a forward pass reads more (negative: fewer) than the speed
    /// model's own count; 0 where that count is the replaced weights term.
    pub weights_delta: f64,
}

/// The matrices as stored, and the sums the section needs.
struct Tally {
    rows: Vec<MatrixRow>,
    chosen_params: u64,
    chosen_before: u64,
    chosen_after: u64,
    /// The chosen matrices as a file, when a format's file differs.
    file_after: Option<u64>,
    two_four_macs: u64,
    matrix_macs: u64,
}

/// The matrices as the recipe treats them: first and last layers apart only when they are kept.
fn grouped(c: &Compression, matrices: Vec<Matrix>) -> Vec<Matrix> {
    if c.keep_first_last {
        return matrices;
    }
    let mut out: Vec<Matrix> = Vec::new();
    for m in matrices {
        match out
            .iter_mut()
            .find(|o| o.name == m.name && o.rows == m.rows && o.cols == m.cols)
        {
            Some(o) => {
                o.count = o.count.saturating_add(m.count);
                o.macs = o.macs.saturating_add(m.macs);
            }
            None => out.push(Matrix { edge: false, ..m }),
        }
    }
    out
}

fn apply(c: &Compression, matrices: &[Matrix], base: BlockBits, base_name: &str) -> Tally {
    let value = c.quantize.map_or(base, BlockBits::of);
    let value_name = c
        .quantize
        .map_or(base_name.to_string(), |p| p.name().to_string());
    let mut s = Tally {
        rows: Vec::new(),
        chosen_params: 0,
        chosen_before: 0,
        chosen_after: 0,
        file_after: None,
        two_four_macs: 0,
        matrix_macs: 0,
    };
    for m in matrices {
        let chosen = c.targets.takes(m.role) && !(c.keep_first_last && m.edge);
        let params = m.params();
        let before = base.bytes(params);
        s.matrix_macs = s.matrix_macs.saturating_add(m.macs);
        let (kept, format, value_format, after, formula) = if chosen {
            let one = store(c, m, value);
            let after = one.bytes.saturating_mul(m.count);
            s.chosen_params = s.chosen_params.saturating_add(params);
            s.chosen_after = s.chosen_after.saturating_add(after);
            if let Some(file) = one.file_bytes {
                s.file_after = Some(
                    s.file_after
                        .unwrap_or(0)
                        .saturating_add(file.saturating_mul(m.count)),
                );
            }
            if one.format.starts_with("2:4") {
                s.two_four_macs = s.two_four_macs.saturating_add(m.macs);
            }
            let formula = if m.count > 1 {
                format!("{} × ({})", g(m.count), one.formula)
            } else {
                one.formula
            };
            let kept = one.kept.saturating_mul(m.count);
            (kept, one.format, value_name.clone(), after, formula)
        } else {
            let formula = format!("{} parameters, unchanged", g(params));
            (
                params,
                "As it was".into(),
                base_name.to_string(),
                before,
                formula,
            )
        };
        s.rows.push(MatrixRow {
            name: m.name.clone(),
            role: m.role,
            rows: m.rows,
            cols: m.cols,
            count: m.count,
            params,
            compressed: chosen,
            kept,
            format,
            value_format,
            before,
            after,
            formula,
        });
    }
    // The chosen weights' bytes as the model's own term counts them (one rounding).
    s.chosen_before = base.bytes(s.chosen_params);
    s
}

fn notes(c: &Compression, applies: bool) -> Vec<String> {
    let mut n = Vec::new();
    if !applies {
        n.push("Compression sizes the model you deploy: these training figures are for the dense model. Switch the mode to inference to see what the recipe saves.".into());
    }
    n.push("Pruning replaces weights with zeros; it saves memory only when the zeros are not stored (a sparse format), and time only when the kernel skips them. A dense matrix full of zeros is multiplied like any other.".into());
    match c.pruning {
        Pruning::TwoFour => n.push("2:4 is the one pattern NVIDIA's sparse tensor cores (Ampere and later) skip in hardware: the datasheets' \"with sparsity\" rates are 2× dense; measured gains are 1.1×–1.7× (applied: 1.3× on the 2:4 layers' arithmetic), and small batches can run slower than dense. The pattern must be trained in (NVIDIA's ASP: prune, then fine-tune).".into()),
        Pruning::Unstructured | Pruning::Block => n.push("Tensor cores get nothing from unstructured or block sparsity: the speed figures keep the dense rate. Sparse kernels pay off on CPUs and in the kernel lab below only well past the break-even sparsity.".into()),
        Pruning::None => {}
    }
    n.push("Pruning and quantization go together: Deep Compression (Han, Mao & Dally, ICLR 2016) pruned, quantized to a codebook and Huffman-coded AlexNet from 240 MB to 6.9 MB (35×) and VGG-16 from 552 MB to 11.3 MB (49×) without losing accuracy; choose \"Relative index + Huffman\" to size that pipeline.".into());
    if c.storage == Storage::Relative {
        n.push(format!(
            "Huffman coding saved {:.0}–{:.0} % in the paper; {:.0} % is applied. Such a file must be decoded back to a GPU format before it runs: it is a download and storage size, not the memory a GPU needs; memory, fits and speed take the smallest GPU format of each matrix (dense, CSR, blocked CSR or 2:4).",
            HUFFMAN_SAVING.0 * 100.0,
            HUFFMAN_SAVING.2 * 100.0,
            HUFFMAN_SAVING.1 * 100.0
        ));
    }
    if matches!(c.pruning, Pruning::Unstructured | Pruning::Block) {
        n.push("Iterative pruning fine-tunes after every step, and that fine-tuning \"could exceed the original training time by a factor of 3 or sometimes even more\", with no guarantee of success (\"Training vs Inference – Network Compression\", frankdenneman.nl, 2022).".into());
    }
    n
}

/// Whether the GPUs have a matrix-math rate for values in `p` (FP32, FP16,
/// BF16, FP8, INT8, INT4, FP4): 6-bit formats and NF4 have none in the catalog.
fn has_rate(p: crate::precision::Precision) -> bool {
    Compute::of(p) != Compute::Bf16 || p == crate::precision::Precision::Bf16
}

fn math(
    c: &Compression,
    share: f64,
    base_compute: Compute,
    wider_values: bool,
) -> (MathEffect, Option<Compute>) {
    let compute = match (c.activations, c.quantize) {
        (true, Some(p)) if has_rate(p) => Some(Compute::of(p)),
        _ => None,
    };
    let format = compute.unwrap_or(base_compute).name();
    let mut note = if compute.is_some() {
        format!(
            "Weights and activations quantized: the matrix math runs at the GPU's {format} rate where it has one, else in the next wider format it has (the speed card names the rate it takes)."
        )
    } else if let Some(p) = c.quantize.filter(|_| c.activations) {
        format!(
            "{} has no matrix-math rate of its own among the catalog's figures: the math runs at the model's {format} rate, and the gain is in memory and in the bytes each step reads.",
            p.name()
        )
    } else if let Some(p) = c.quantize.filter(|_| wider_values) {
        format!(
            "{} is wider than the model's own format: the weights take more memory, and the math still runs in {format}.",
            p.name()
        )
    } else if c.quantize.is_some() {
        format!(
            "Weight-only quantization: weights are widened to {format} for the math; the gain is in memory and in the bytes each step reads."
        )
    } else {
        format!("The matrix math runs in {format}.")
    };
    if share > 0.0 {
        note.push_str(&format!(
            " {:.1} % of it is in 2:4 layers: ×{} on those where the GPU has sparse tensor cores (its datasheet rate with sparsity), none elsewhere.",
            share * 100.0,
            TWO_FOUR_SPEEDUP.1
        ));
    }
    (
        MathEffect {
            two_four_share: share,
            two_four_speedup: TWO_FOUR_SPEEDUP,
            compute: format.into(),
            note,
        },
        compute,
    )
}

/// The index width stored for the compressed matrices' columns taken `per`
/// at a time (blocks of `per` columns): the recipe's, or the widest any of
/// them needs to name them all.
fn index_bits(c: &Compression, rows: &[MatrixRow], per: u64) -> u64 {
    rows.iter()
        .filter(|m| m.compressed)
        .map(|m| super::index_width(c.index_bits, m.cols.div_ceil(per.max(1)), "").0)
        .max()
        .unwrap_or(c.index_bits)
}

/// The model as it was: its weights' format, their bytes (all GPUs) and the math's format.
struct Base<'a> {
    bits: BlockBits,
    name: &'a str,
    weights: u64,
    compute: Compute,
    applies: bool,
}

/// The section from the stored matrices; `total_macs` is all of the model's
/// matrix arithmetic (a transformer's output head included).
fn section(
    c: &Compression,
    s: Tally,
    total_macs: u64,
    base: &Base,
) -> (CompressionReport, f64, Option<Compute>) {
    let weights_after = base
        .weights
        .saturating_sub(s.chosen_before)
        .saturating_add(s.chosen_after);
    let share = if total_macs == 0 {
        0.0
    } else {
        s.two_four_macs as f64 / total_macs as f64
    };
    let value = c.quantize.map_or(base.bits, BlockBits::of);
    let wider_values = value.bits_per_value() > base.bits.bits_per_value();
    let (math, compute) = math(c, share, base.compute, wider_values);
    let csr_bits = index_bits(c, &s.rows, 1);
    let bsr_bits = index_bits(c, &s.rows, c.block.shape().cols() as u64);
    let report = CompressionReport {
        applies: base.applies,
        base_format: base.name.to_string(),
        value_format: c
            .quantize
            .map_or(base.name.to_string(), |p| p.name().to_string()),
        wider_values,
        sparsity: c.sparsity(),
        weights_formula: format!(
            "{} B − {} B of the chosen matrices as they were + {} B stored = {} B",
            g(base.weights),
            g(s.chosen_before),
            g(s.chosen_after),
            g(weights_after)
        ),
        weights_before: base.weights,
        weights_after,
        chosen_params: s.chosen_params,
        chosen_before: s.chosen_before,
        chosen_after: s.chosen_after,
        file_bytes: s.file_after.map(|f| {
            base.weights
                .saturating_sub(s.chosen_before)
                .saturating_add(f)
        }),
        matrices: s.rows,
        terms: Vec::new(),
        total_before: 0,
        total_after: 0,
        schedule: matches!(c.pruning, Pruning::Unstructured | Pruning::Block)
            .then(|| Schedule::new(c.rate_percent / 100.0, c.sparsity())),
        break_even: break_even(value.bits_per_value(), csr_bits, bsr_bits, c.block),
        math,
        newly_fit: Vec::new(),
        notes: notes(c, base.applies),
        demand_before: None,
    };
    (report, share, compute)
}

/// The section completed with the terms before and after, and what the speed model uses.
fn finish<K: crate::term::Kind>(
    mut report: CompressionReport,
    share: f64,
    compute: Option<Compute>,
    before: &[crate::term::Term<K>],
    after: &[crate::term::Term<K>],
) -> Applied {
    let total =
        |terms: &[crate::term::Term<K>]| terms.iter().map(|t| t.bytes).fold(0, u64::saturating_add);
    report.terms = changes(before, after);
    report.total_before = total(before);
    report.total_after = total(after);
    let applies = report.applies;
    Applied {
        report,
        two_four_share: if applies { share } else { 0.0 },
        compute: compute.filter(|_| applies),
        weights_delta: 0.0,
    }
}

/// Replaces `kind`'s bytes in `terms` with `after` (per GPU), keeping its band's proportions.
fn replace<K: PartialEq + Copy + crate::term::Kind>(
    terms: &mut [crate::term::Term<K>],
    kind: K,
    after: u64,
    formula: String,
    note: &str,
) {
    if let Some(t) = terms.iter_mut().find(|t| t.kind == kind) {
        let high = if t.bytes == 0 {
            after
        } else {
            (after as f64 * t.high as f64 / t.bytes as f64).ceil() as u64
        };
        t.bytes = after;
        t.low = after;
        t.high = high.max(after);
        t.formula = formula;
        t.note = format!("{note} {}", t.note);
    }
}

fn changes<K: crate::term::Kind>(
    before: &[crate::term::Term<K>],
    after: &[crate::term::Term<K>],
) -> Vec<TermChange> {
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b.bytes > 0 || a.bytes > 0)
        .map(|(b, a)| TermChange {
            id: b.kind.id().to_string(),
            label: b.label.clone(),
            before: b.bytes,
            after: a.bytes,
        })
        .collect()
}

/// Compresses a sized transformer: every problem at its field.
pub fn transformer(
    c: &Compression,
    t: &TransformerScenario,
    r: &mut TransformerSized,
) -> Result<Applied, Vec<FieldError>> {
    use crate::transformer::memory::TermKind;
    let errors = problems(c, t);
    if !errors.is_empty() {
        return Err(errors);
    }
    let base = Base {
        bits: t.weights.linear_bits(),
        name: &base_name(t),
        weights: weight_bytes(&r.params, t.weights, t.quantize_embeddings).bytes,
        compute: Compute::of_weights(t.weights),
        applies: r.mode == Mode::Inference,
    };
    let tally = transformer_tally(c, t, &r.arch, &r.params);
    // The output head's arithmetic is never 2:4.
    let head = if r.arch.kind.generates() {
        r.arch.vocab.saturating_mul(r.arch.hidden)
    } else {
        0
    };
    let total_macs = tally.matrix_macs.saturating_add(head);
    let (mut report, share, compute) = section(c, tally, total_macs, &base);
    // Serving: `transformer::size::size_compressed` counted the recipe's weights
    // (`weights_per_gpu`, the same bytes as `per_gpu` below) in the estimate,
    // its budget, answers, curves and room, and kept the estimate before them.
    let before = r.before_compression.as_ref().unwrap_or(&r.estimate);
    let (before_terms, demand_before) = (before.terms.clone(), before.demand());
    if base.applies {
        let tp = t.tensor_parallel.max(1);
        let per_gpu = report.weights_after.div_ceil(tp);
        let formula = if tp > 1 {
            format!(
                "({}) ÷ {tp} GPUs = {} B",
                report.weights_formula,
                g(per_gpu)
            )
        } else {
            report.weights_formula.clone()
        };
        let mut terms = r.estimate.terms.clone();
        replace(
            &mut terms,
            TermKind::Weights,
            per_gpu,
            formula,
            "Compressed.",
        );
        report.demand_before = Some(demand_before);
        // The same bytes as the estimate's (worked out with the recipe's
        // weights), with the recipe's formula; the rules of a split (vLLM's
        // least GPU and its memory outside the model) stay as they were.
        let (min_gpu, vllm) = (r.estimate.min_gpu, r.estimate.vllm);
        r.estimate = crate::transformer::Estimate::from_terms(
            terms,
            r.estimate.gpus_per_copy,
            r.estimate.warnings.clone(),
        )
        .with_host(r.estimate.host, r.estimate.host_note.clone());
        r.estimate.min_gpu = min_gpu;
        r.estimate.vllm = vllm;
    }
    Ok(finish(
        report,
        share,
        compute,
        &before_terms,
        &r.estimate.terms,
    ))
}

/// A recipe's problems with a transformer's scenario.
fn problems(c: &Compression, t: &TransformerScenario) -> Vec<FieldError> {
    let mut errors = c.check(true);
    if t.weights.is_gguf() {
        errors.push(FieldError::new(
            "workload.transformer.weights",
            "GGUF mixes pick a type per tensor; compression starts from one format. Choose BF16 or FP16 weights and quantize in the recipe.",
        ));
    }
    errors
}

/// The name of the format the recipe starts from.
/// The recipe over a transformer's matrices, from its weights' format.
fn transformer_tally(
    c: &Compression,
    t: &TransformerScenario,
    arch: &crate::transformer::Architecture,
    params: &crate::transformer::ParamCount,
) -> Tally {
    let matrices = grouped(c, transformer_matrices(arch, params));
    apply(c, &matrices, t.weights.linear_bits(), &base_name(t))
}

fn base_name(t: &TransformerScenario) -> String {
    t.weights
        .precision()
        .map_or_else(|| t.weights.label().to_string(), |p| p.name().to_string())
}

/// Bytes of weights per GPU of a transformer served compressed by `c`, as
/// [`transformer`] puts them in the weights term; `None` when the recipe has
/// problems (which [`transformer`] reports).
pub fn weights_per_gpu(
    c: &Compression,
    t: &TransformerScenario,
    arch: &crate::transformer::Architecture,
    params: &crate::transformer::ParamCount,
) -> Option<u64> {
    if !problems(c, t).is_empty() {
        return None;
    }
    let tally = transformer_tally(c, t, arch, params);
    let after = weight_bytes(params, t.weights, t.quantize_embeddings)
        .bytes
        .saturating_sub(tally.chosen_before)
        .saturating_add(tally.chosen_after);
    Some(after.div_ceil(t.tensor_parallel.max(1)))
}

/// Compresses a sized CNN.
pub fn cnn(c: &Compression, r: &mut CnnSized) -> Result<Applied, Vec<FieldError>> {
    use crate::cnn::TermKind;
    let errors = c.check(false);
    if !errors.is_empty() {
        return Err(errors);
    }
    let p = r.workload.precision;
    let matrices = grouped(c, cnn_matrices(&r.network, &r.analysis));
    let base = Base {
        bits: BlockBits::of(p),
        name: p.name(),
        weights: r.estimate.bytes(TermKind::Weights),
        compute: Compute::of(p),
        applies: r.workload.mode == Mode::Inference,
    };
    let tally = apply(c, &matrices, base.bits, base.name);
    let (mut report, share, compute) = section(c, tally, r.analysis.macs, &base);
    let before_terms = r.estimate.terms.clone();
    if base.applies {
        report.demand_before = Some(r.estimate.demand());
        let formula = report.weights_formula.clone();
        replace(
            &mut r.estimate.terms,
            TermKind::Weights,
            report.weights_after,
            formula,
            "Compressed.",
        );
        r.estimate.total = r
            .estimate
            .terms
            .iter()
            .map(|t| t.bytes)
            .fold(0, u64::saturating_add);
    }
    let mut applied = finish(report, share, compute, &before_terms, &r.estimate.terms);
    // A CNN's forward pass counts its layers' dense weights.
    if base.applies {
        applied.weights_delta = applied.report.weights_after as f64 - base.weights as f64;
    }
    Ok(applied)
}
