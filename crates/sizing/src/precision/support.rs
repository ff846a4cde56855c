//! Which formats each GPU computes in, and how fast: the catalog's datasheet
//! rates mapped onto the format catalog.

use serde::{Deserialize, Serialize};

use super::Precision;
use crate::catalog::{Gpu, Rate, RateStatus, Rates};

/// How a GPU handles a format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// Tensor cores compute in it natively.
    TensorCores,
    /// CUDA cores only (FP32, and FP64 where there is no FP64 tensor-core rate).
    CudaCores,
    /// Stored in it, computed in another format after dequantization (NF4 → BF16).
    Dequantized(Precision),
    /// The datasheet gives no figure; the rate is that of a format the
    /// architecture runs it at (FP6 at the FP8 rate on Blackwell).
    SameRateAs(Precision),
    /// No hardware support.
    Unsupported,
    /// Supported or not, the datasheet gives no figure.
    Unknown,
}

/// One cell of the support matrix.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Support {
    pub path: Path,
    /// Dense peak, TFLOPS (TOPS for integers).
    pub dense: Option<f64>,
    /// Peak with 2:4 structured sparsity, where the datasheet gives one.
    pub sparse: Option<f64>,
    /// Dense rate over the GPU's FP32 (CUDA-core) rate.
    pub speedup_vs_fp32: Option<f64>,
}

/// The formats the matrix has a column for, in order. E5M2 shares E4M3's rate and
/// the three FP4 variants share one, so each group gets one column.
pub const COLUMNS: [Precision; 10] = [
    Precision::Fp64,
    Precision::Fp32,
    Precision::Tf32,
    Precision::Fp16,
    Precision::Bf16,
    Precision::Fp8E4m3,
    Precision::Fp6E3m2,
    Precision::Nvfp4,
    Precision::Int8,
    Precision::Int4,
];

/// The short column heading of a format in the matrix.
pub fn column_label(p: Precision) -> &'static str {
    match p {
        Precision::Fp8E4m3 | Precision::Fp8E5m2 => "FP8",
        Precision::Fp6E3m2 | Precision::Fp6E2m3 => "FP6",
        Precision::Fp4E2m1 | Precision::Mxfp4 | Precision::Nvfp4 => "FP4",
        p => p.name(),
    }
}

/// Unit of the rates of a format.
pub fn unit(p: Precision) -> &'static str {
    if p.is_integer() { "TOPS" } else { "TFLOPS" }
}

/// The catalog rate a format runs at.
type Field = fn(&Rates) -> Rate;

fn rate_pair(gpu: &Gpu, field: Field) -> (Rate, Rate) {
    (field(&gpu.perf.dense), field(&gpu.perf.sparse))
}

fn field(p: Precision) -> Field {
    match p {
        Precision::Fp64 => |r| r.fp64_tensor,
        Precision::Fp32 => |r| r.fp32,
        Precision::Tf32 => |r| r.tf32,
        Precision::Fp16 => |r| r.fp16,
        Precision::Bf16 | Precision::Nf4 => |r| r.bf16,
        Precision::Fp8E4m3 | Precision::Fp8E5m2 | Precision::Fp6E3m2 | Precision::Fp6E2m3 => {
            |r| r.fp8
        }
        Precision::Fp4E2m1 | Precision::Mxfp4 | Precision::Nvfp4 => |r| r.fp4,
        Precision::Int8 => |r| r.int8,
        Precision::Int4 => |r| r.int4,
    }
}

/// How `gpu` handles format `p`, with its datasheet rates.
pub fn support(gpu: &Gpu, p: Precision) -> Support {
    let (mut dense, mut sparse) = rate_pair(gpu, field(p));
    let mut path = Path::TensorCores;
    match p {
        Precision::Fp32 => path = Path::CudaCores,
        Precision::Fp64 if dense.value().is_none() => {
            (dense, sparse) = rate_pair(gpu, |r| r.fp64);
            path = Path::CudaCores;
        }
        Precision::Nf4 => path = Path::Dequantized(Precision::Bf16),
        Precision::Fp6E3m2 | Precision::Fp6E2m3 => {
            if gpu.architecture.starts_with("Blackwell") {
                path = Path::SameRateAs(Precision::Fp8E4m3);
            } else {
                dense = Rate::Status(RateStatus::Unsupported);
                sparse = Rate::Status(RateStatus::Unsupported);
            }
        }
        _ => {}
    }
    match dense {
        Rate::Status(RateStatus::Unsupported) => path = Path::Unsupported,
        Rate::Status(RateStatus::Unknown) => path = Path::Unknown,
        Rate::Value(_) => {}
    }
    let fp32 = gpu.perf.dense.fp32.value();
    let d = dense.value();
    Support {
        path,
        dense: d,
        sparse: sparse.value(),
        speedup_vs_fp32: d.zip(fp32).filter(|(_, f)| *f > 0.0).map(|(d, f)| d / f),
    }
}

/// The formats whose dense rate `gpu`'s tensor cores publish.
pub fn tensor_core_formats(gpu: &Gpu) -> Vec<Precision> {
    Precision::ALL
        .into_iter()
        .filter(|p| {
            let s = support(gpu, *p);
            matches!(s.path, Path::TensorCores | Path::SameRateAs(_))
        })
        .collect()
}
