//! What one fit option gets of its GPU: peak arithmetic for the workload's number
//! format, memory bandwidth, and the share a MIG slice or a time-sliced vGPU has.

use crate::catalog::{DeploymentMode, FitOption, Gpu, Rates};
use crate::precision::Precision;

/// The arithmetic a workload runs in, as it picks a GPU's rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compute {
    /// FP32 tensor math where the GPU has TF32 (PyTorch's default for
    /// convolutions), plain FP32 where it has not.
    Fp32,
    /// Plain FP32: a transformer's matrix multiplies, which PyTorch 1.12 and
    /// later run without TF32 unless told (`allow_tf32` is off for matmuls).
    Fp32Matmul,
    /// FP64: the GPU's FP64 tensor rate where it has one, else plain FP64.
    Fp64,
    Fp16,
    Bf16,
    Fp8,
    Int8,
    /// 4-bit integer weights and activations (INT4 tensor cores, Turing and
    /// Ampere); BF16 where the GPU has none, the weights widened for it.
    Int4,
    /// FP4 (E2M1, MXFP4, NVFP4) weights and activations on Blackwell's FP4
    /// tensor cores; BF16 where the GPU has none, the weights widened for it.
    Fp4,
}

/// A named rate of a GPU.
type RateOf = fn(&Rates) -> Option<f64>;

impl Compute {
    pub fn of(p: Precision) -> Compute {
        match p {
            Precision::Fp64 => Compute::Fp64,
            Precision::Fp32 | Precision::Tf32 => Compute::Fp32,
            Precision::Fp16 => Compute::Fp16,
            Precision::Fp8E4m3 | Precision::Fp8E5m2 => Compute::Fp8,
            Precision::Int8 => Compute::Int8,
            Precision::Int4 => Compute::Int4,
            Precision::Fp4E2m1 | Precision::Mxfp4 | Precision::Nvfp4 => Compute::Fp4,
            _ => Compute::Bf16,
        }
    }

    /// The arithmetic of a transformer served with weights in `w`: FP8 weights
    /// run FP8 math and NVFP4 weights FP4 math (NVIDIA's W4A4 format, as
    /// TensorRT-LLM runs it on Blackwell); other quantized weights are widened
    /// to 16 bits for it; FP32 weights run plain FP32 matrix multiplies.
    pub fn of_weights(w: crate::transformer::WeightFormat) -> Compute {
        match w.precision() {
            Some(p @ (Precision::Fp8E4m3 | Precision::Nvfp4)) => Compute::of(p),
            _ => match Compute::of(w.compute_precision()) {
                Compute::Fp32 => Compute::Fp32Matmul,
                c => c,
            },
        }
    }

    /// The format's name as the cards print it.
    pub fn name(self) -> &'static str {
        match self {
            Compute::Fp32 => "FP32/TF32",
            Compute::Fp32Matmul => "FP32",
            Compute::Fp64 => "FP64",
            Compute::Fp16 => "FP16",
            Compute::Bf16 => "BF16",
            Compute::Fp8 => "FP8",
            Compute::Int8 => "INT8",
            Compute::Int4 => "INT4",
            Compute::Fp4 => "FP4",
        }
    }

    /// The rate in FLOP/s and the format it is for; the next wider format the GPU
    /// has when it lacks this one (BF16 → FP16 → FP32).
    pub fn rate(self, r: &Rates) -> (f64, &'static str) {
        let chain: &[(&'static str, RateOf)] = match self {
            Compute::Fp32 => &[("TF32", |r| r.tf32.value()), ("FP32", |r| r.fp32.value())],
            Compute::Fp32Matmul => &[("FP32", |r| r.fp32.value())],
            Compute::Fp64 => &[
                ("FP64 Tensor", |r| r.fp64_tensor.value()),
                ("FP64", |r| r.fp64.value()),
            ],
            Compute::Fp16 => &[("FP16", |r| r.fp16.value()), ("FP32", |r| r.fp32.value())],
            Compute::Bf16 => &[
                ("BF16", |r| r.bf16.value()),
                ("FP16", |r| r.fp16.value()),
                ("FP32", |r| r.fp32.value()),
            ],
            Compute::Fp8 => &[
                ("FP8", |r| r.fp8.value()),
                ("BF16", |r| r.bf16.value()),
                ("FP16", |r| r.fp16.value()),
                ("FP32", |r| r.fp32.value()),
            ],
            Compute::Int8 => &[
                ("INT8", |r| r.int8.value()),
                ("FP16", |r| r.fp16.value()),
                ("FP32", |r| r.fp32.value()),
            ],
            Compute::Int4 => &[
                ("INT4", |r| r.int4.value()),
                ("BF16", |r| r.bf16.value()),
                ("FP16", |r| r.fp16.value()),
                ("FP32", |r| r.fp32.value()),
            ],
            Compute::Fp4 => &[
                ("FP4", |r| r.fp4.value()),
                ("BF16", |r| r.bf16.value()),
                ("FP16", |r| r.fp16.value()),
                ("FP32", |r| r.fp32.value()),
            ],
        };
        chain
            .iter()
            .find_map(|(name, f)| {
                f(r).filter(|v| v.is_finite() && *v > 0.0)
                    .map(|v| (v * 1e12, *name))
            })
            .unwrap_or((0.0, "none"))
    }
}

/// What an option gets of its GPU.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    /// FLOP/s at the workload's format, the option's share.
    pub peak: f64,
    pub format: &'static str,
    /// Memory bandwidth, bytes/s, the option's share.
    pub bandwidth: f64,
    /// Of the GPU's compute (MIG: compute slices ÷ the GPU's).
    pub compute_share: f64,
    /// Of the GPU's bandwidth (MIG: memory slices ÷ the GPU's).
    pub bandwidth_share: f64,
    /// The further share when every VM time-sharing it is busy (1 when it is alone on it).
    pub busy_share: f64,
    /// How the shares were found.
    pub note: String,
    /// A MIG instance (no NVLink).
    pub mig: bool,
}

/// What a workload runs on: a whole GPU, a MIG instance or a vGPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot<'a> {
    pub mode: DeploymentMode,
    /// MIG profile or vGPU type; `None` for a whole GPU.
    pub profile: Option<&'a str>,
    /// Instances of it on one GPU.
    pub per_gpu: u32,
    pub time_slice_ms: Option<u32>,
}

impl Slot<'_> {
    /// A whole GPU, passed through.
    pub const WHOLE: Slot<'static> = Slot {
        mode: DeploymentMode::Passthrough,
        profile: None,
        per_gpu: 1,
        time_slice_ms: None,
    };
}

impl<'a> From<&'a FitOption> for Slot<'a> {
    fn from(o: &'a FitOption) -> Slot<'a> {
        Slot {
            mode: o.mode,
            profile: o.profile.as_deref(),
            per_gpu: o.per_gpu,
            time_slice_ms: o.time_slice_ms,
        }
    }
}

/// The share of `gpu` a slot gets, and its peaks for `compute`.
pub fn share(gpu: &Gpu, o: &Slot, compute: Compute) -> Share {
    let (full_peak, format) = compute.rate(&gpu.perf.dense);
    let full_bw = gpu
        .memory
        .bandwidth_gbps
        .filter(|b| b.is_finite() && *b > 0.0)
        .unwrap_or(0.0)
        * 1e9;
    let mig_slices = |instance: &str| -> Option<(f64, f64, String)> {
        let mig = gpu.mig.as_ref()?;
        let p = gpu.mig_profile(instance)?;
        let c = f64::from(p.compute_slices) / f64::from(mig.compute_slices.max(1));
        let m = f64::from(p.memory_slices) / f64::from(mig.memory_slices.max(1));
        Some((
            c.min(1.0),
            m.min(1.0),
            format!(
                "{}: {}/{} of the compute, {}/{} of the memory bandwidth (MIG slices)",
                p.name, p.compute_slices, mig.compute_slices, p.memory_slices, mig.memory_slices
            ),
        ))
    };
    let profile = o.profile.unwrap_or("");
    let (compute_share, bandwidth_share, busy_share, note, mig) = match o.mode {
        DeploymentMode::Passthrough => (1.0, 1.0, 1.0, "The whole GPU".to_string(), false),
        DeploymentMode::Mig => match mig_slices(profile) {
            Some((c, m, note)) => (c, m, 1.0, note, true),
            None => (
                1.0,
                1.0,
                1.0,
                "MIG profile not in the catalog: the whole GPU assumed".into(),
                true,
            ),
        },
        DeploymentMode::TimeSlicedVgpu => {
            let n = o.per_gpu.max(1);
            (
                1.0,
                1.0,
                1.0 / f64::from(n),
                format!(
                    "Time-sliced: the whole GPU while it runs alone; 1/{n} when all {n} VMs on the GPU are busy ({} ms slices)",
                    o.time_slice_ms.unwrap_or(0)
                ),
                false,
            )
        }
        DeploymentMode::MigBackedVgpu => {
            let t = gpu.vgpu.mig_backed.iter().find(|t| t.name == profile);
            let shared = t.map_or(1, |t| t.vgpus_per_instance.max(1));
            match t.and_then(|t| mig_slices(&t.gpu_instance)) {
                Some((c, m, note)) => {
                    let note = if shared > 1 {
                        format!("{note}; {shared} vGPUs time-share the instance")
                    } else {
                        format!("The MIG instance behind it, {note}")
                    };
                    (c, m, 1.0 / f64::from(shared), note, true)
                }
                None => (
                    1.0,
                    1.0,
                    1.0,
                    "MIG instance not in the catalog: the whole GPU assumed".into(),
                    true,
                ),
            }
        }
    };
    Share {
        peak: full_peak * compute_share,
        format,
        bandwidth: full_bw * bandwidth_share,
        compute_share,
        bandwidth_share,
        busy_share,
        note,
        mig,
    }
}

/// 2:4 sparsity on a GPU whose datasheet gives a rate "with sparsity" for this
/// format: the `share` of the arithmetic in 2:4 layers runs
/// [`crate::compress::TWO_FOUR_SPEEDUP`] faster (the measured gain, not the
/// datasheet's 2×), capped at the GPU's own sparse ÷ dense ratio; the rest at the
/// dense rate. The peak becomes dense × 1 ÷ ((1 − share) + share ÷ k).
pub fn sparse_tensor_cores(s: &mut Share, gpu: &Gpu, compute: Compute, share: f64) {
    if !(share > 0.0 && share <= 1.0 && s.peak > 0.0) {
        return;
    }
    let (dense, format) = compute.rate(&gpu.perf.dense);
    let (sparse, sparse_format) = compute.rate(&gpu.perf.sparse);
    if !(sparse > dense && dense > 0.0 && format == sparse_format) {
        // The datasheet's sparse rate for the format the math runs in.
        let unknown = gpu.perf.sparse.all().iter().any(|(name, r)| {
            name.eq_ignore_ascii_case(&format.replace(' ', "_"))
                && *r == crate::catalog::Rate::Status(crate::catalog::RateStatus::Unknown)
        });
        s.note.push_str(if unknown {
            "; the datasheet publishes no rate with sparsity for this format: 2:4 runs at the dense rate here"
        } else {
            "; no sparse tensor cores for this format: 2:4 runs at the dense rate"
        });
        return;
    }
    let k = crate::compress::TWO_FOUR_SPEEDUP.1.min(sparse / dense);
    let m = 1.0 / ((1.0 - share) + share / k);
    s.peak *= m;
    s.note.push_str(&format!(
        "; 2:4 sparse tensor cores: ×{k} on the {:.0} % of the arithmetic in 2:4 layers, ×{m:.2} overall",
        share * 100.0
    ));
}
