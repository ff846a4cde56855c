//! Training time on one option: compute per iteration, tensor- and
//! data-parallel communication, data loading, and the run's wall-clock time,
//! GPU-hours, energy and cost.

use serde::{Deserialize, Serialize};

use super::efficiency::Efficiencies;
use super::flops::Train;
use super::gpu::Share;
use super::link::{Link, ring_bytes};
use super::{Figure, SpeedInputs, Unit, band, finite, num, secs};
use crate::units::count;

/// The gradient all-reduce of one iteration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AllReduce {
    /// Gradient bytes one GPU holds.
    pub gradient_bytes: f64,
    /// Bytes each GPU sends (and receives): 2(N − 1)/N × the gradients.
    pub per_gpu_bytes: f64,
    pub link: Link,
    /// The link as used ("25 Gb Ethernet", "NVLink, 300 GB/s each way").
    pub link_label: String,
    pub bytes_per_s: f64,
    /// Time of the all-reduce, s.
    pub time_s: f64,
    /// The part the backward pass does not hide, s.
    pub exposed_s: f64,
    /// Exposed time ÷ iteration time.
    pub share: f64,
    /// Time of all-reduces over the run, s.
    pub run_s: f64,
}

/// A training run on one option.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub gpus: u64,
    /// Samples per iteration, all replicas.
    pub global_batch: u64,
    pub samples: u64,
    pub epochs: u64,
    pub iterations_per_epoch: u64,
    pub iterations: u64,
    /// Tokens trained on (transformers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<f64>,
    /// Bytes of one sample on disk, and as the GPU takes it.
    pub sample_bytes: u64,
    pub raw_sample_bytes: u64,
    pub dataset_bytes: f64,
    pub compute_s: f64,
    pub tensor_parallel_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_reduce: Option<AllReduce>,
    /// Reading one iteration's samples from storage, s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loading_s: Option<f64>,
    pub iteration_s: f64,
    /// Compute ÷ iteration: how much of the GPUs' time is arithmetic.
    pub scaling_efficiency: f64,
    pub total_s: f64,
    pub gpu_hours: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub energy_kwh: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

/// Bound on samples per epoch accepted (a petabyte-scale dataset of small samples).
pub const MAX_SAMPLES: u64 = 1_000_000_000_000_000;

/// The network assumed between hosts when the link is the GPU's own and the
/// run's GPUs span more than one host.
pub const BETWEEN_HOSTS: Link = Link::Eth100;

/// The run of `t` on an option with `share`, `eff`, the option's own link
/// (`gpu_link`: bytes/s, label), its TDP and the GPUs one VM holds (a host's
/// for passthrough; one copy's for vGPUs, each replica in a VM of its own).
#[allow(clippy::too_many_arguments)]
pub fn run(
    t: &Train,
    s: &SpeedInputs,
    share: &Share,
    eff: &Efficiencies,
    gpu_link: (f64, &str),
    tdp_w: Option<f64>,
    busy: f64,
    per_vm: u64,
) -> Run {
    let dp = t.data_parallel.max(1);
    let (tp, pp) = (t.tensor_parallel.max(1), t.pipeline_parallel.max(1));
    let gpus = dp.saturating_mul(tp).saturating_mul(pp);
    let global_batch = t.global_batch.max(1);
    let samples = s.samples.unwrap_or(t.default_samples);
    let epochs = s.epochs.unwrap_or(t.default_epochs);
    let sample_bytes = s.sample_bytes.unwrap_or(t.default_sample_bytes);
    let iterations_per_epoch = samples.div_ceil(global_batch);
    let iterations = iterations_per_epoch.saturating_mul(epochs);

    // Compute: one replica's FLOPs spread over its tp × pp GPUs, plus the pipeline bubble.
    let replica_flops = t.forward_per_sample * t.multiplier * t.replica_batch as f64;
    let per_gpu = replica_flops / (tp * pp) as f64;
    let bubble = 1.0 + (pp - 1) as f64 / (t.micro_batches.max(1) * t.chunks.max(1)) as f64;
    let compute_s = finite(per_gpu / (share.peak * busy * eff.training) * bubble);

    // Tensor parallelism: four activation all-reduces per layer per micro-batch.
    let tensor_parallel_s = if tp > 1 {
        let per = ring_bytes(t.tp_activation_bytes, tp) / gpu_link.0.max(1.0);
        finite(4.0 * (t.layers / pp) as f64 * t.micro_batches as f64 * per)
    } else {
        0.0
    };

    // Data parallelism: the gradients, all-reduced once per iteration.
    let all_reduce = (dp > 1).then(|| {
        let params = s.gradient_params.unwrap_or(t.trainable) as f64 / (tp * pp) as f64;
        let zero3 = if t.zero_stage >= 3 { 1.5 } else { 1.0 };
        let gradient_bytes = params * t.gradient_bytes as f64;
        let per_gpu_bytes = ring_bytes(gradient_bytes, dp) * zero3;
        let per_vm = per_vm.max(1);
        let (bytes_per_s, link_label) = match s.link.bytes_per_s() {
            Some(b) => (b, s.link.label().to_string()),
            // A ring over several VMs (hosts) runs at the network's speed.
            None if gpus > per_vm => (
                BETWEEN_HOSTS.bytes_per_s().unwrap_or(1.0),
                format!(
                    "{} between VMs (assumed: {} GPUs in {} VMs of at most {}; set the link to yours)",
                    BETWEEN_HOSTS.label(),
                    gpus,
                    gpus.div_ceil(per_vm),
                    per_vm
                ),
            ),
            None => (gpu_link.0, gpu_link.1.to_string()),
        };
        let time_s = finite(per_gpu_bytes / bytes_per_s.max(1.0));
        AllReduce {
            gradient_bytes,
            per_gpu_bytes,
            link: s.link,
            link_label,
            bytes_per_s,
            time_s,
            exposed_s: s.overlap.exposed(compute_s, time_s),
            share: 0.0,
            run_s: finite(time_s * iterations as f64),
        }
    });
    let exposed = all_reduce.as_ref().map_or(0.0, |a| a.exposed_s);
    let busy_gpu = compute_s + tensor_parallel_s + exposed;
    let loading_s = s
        .storage_mb_s
        .map(|mb| finite(global_batch as f64 * sample_bytes as f64 / (mb * 1e6)));
    let iteration_s = match loading_s {
        Some(l) if s.prefetch => busy_gpu.max(l),
        Some(l) => busy_gpu + l,
        None => busy_gpu,
    };
    let all_reduce = all_reduce.map(|a| AllReduce {
        share: finite(a.exposed_s / iteration_s),
        ..a
    });
    let total_s = finite(iteration_s * iterations as f64);
    // A MIG slice takes its share of each GPU's hours (its compute slices).
    let gpu_hours = total_s / 3600.0 * gpus as f64 * share.compute_share;
    Run {
        gpus,
        global_batch,
        samples,
        epochs,
        iterations_per_epoch,
        iterations,
        tokens: (t.tokens_per_sample > 1)
            .then_some(samples as f64 * epochs as f64 * t.tokens_per_sample as f64),
        sample_bytes,
        raw_sample_bytes: t.raw_sample_bytes,
        dataset_bytes: samples as f64 * sample_bytes as f64,
        compute_s,
        tensor_parallel_s,
        all_reduce,
        loading_s,
        iteration_s,
        scaling_efficiency: finite(compute_s / iteration_s),
        total_s,
        gpu_hours,
        // A slice draws its share of the board's power (in its GPU-hours).
        energy_kwh: tdp_w.map(|w| finite(gpu_hours * w / 1000.0)),
        cost: s.price_per_gpu_hour.map(|p| finite(gpu_hours * p)),
    }
}

/// "1 image", "1.28 M images": a count of samples (`what` is the plural).
fn samples(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {}", what.strip_suffix('s').unwrap_or(what))
    } else {
        format!("{} {what}", num(n as f64))
    }
}

/// The training card's figures.
pub fn figures(
    t: &Train,
    r: &Run,
    share: &Share,
    eff: &Efficiencies,
    s: &SpeedInputs,
) -> Vec<Figure> {
    let what = t.samples;
    let mut out = vec![Figure::exact(
        "iterations_per_epoch",
        "Iterations per epoch",
        Unit::Count,
        r.iterations_per_epoch as f64,
        format!(
            "{} ÷ {} per iteration ({}{} per replica × {}), rounded up",
            samples(r.samples, what),
            num(r.global_batch as f64),
            if t.replica_batch.saturating_mul(t.data_parallel.max(1)) == t.global_batch {
                ""
            } else {
                "up to "
            },
            num(t.replica_batch as f64),
            count(t.data_parallel, "replica", "replicas")
        ),
        if s.samples.is_none() {
            t.dataset_note
        } else {
            "The dataset as given."
        },
    )];
    out.push(Figure::exact(
        "dataset",
        "Dataset on disk",
        Unit::Bytes,
        r.dataset_bytes,
        format!(
            "{} {what} × {} B per file = {} B (as tensors in GPU memory: {} B each, {} B in all)",
            num(r.samples as f64),
            num(r.sample_bytes as f64),
            num(r.dataset_bytes),
            num(r.raw_sample_bytes as f64),
            num(r.samples as f64 * r.raw_sample_bytes as f64)
        ),
        "Files on disk are compressed (JPEG, token ids); the GPU takes decoded tensors. Neither fits in GPU memory whole: it streams in batches.",
    ));
    if let Some(tokens) = r.tokens {
        out.push(Figure::exact(
            "tokens",
            "Tokens trained on",
            Unit::Count,
            tokens,
            format!(
                "{} × {} tokens × {}",
                count(r.samples, "sequence", "sequences"),
                num(t.tokens_per_sample as f64),
                count(r.epochs, "epoch", "epochs")
            ),
            "",
        ));
    }
    let flops = t.forward_per_sample * t.multiplier * t.replica_batch as f64
        / (t.tensor_parallel * t.pipeline_parallel).max(1) as f64;
    out.push(band(Figure::exact(
        "compute",
        "Compute per iteration",
        Unit::Seconds,
        r.compute_s,
        format!(
            "{} FLOPs per GPU ÷ ({} FLOP/s {} × {} MFU){} = {} s",
            num(flops),
            num(share.peak),
            share.format,
            num(eff.training),
            if t.pipeline_parallel > 1 {
                if t.chunks > 1 {
                    format!(
                        " × (1 + ({} − 1) ÷ ({} × {} chunks) pipeline bubble, interleaved)",
                        t.pipeline_parallel, t.micro_batches, t.chunks
                    )
                } else {
                    format!(
                        " × (1 + ({} − 1) ÷ {} pipeline bubble)",
                        t.pipeline_parallel, t.micro_batches
                    )
                }
            } else {
                String::new()
            },
            secs(r.compute_s)
        ),
        "Training FLOPs of the samples one GPU's replica takes, at the calibrated utilisation.",
    )));
    if r.tensor_parallel_s > 0.0 {
        out.push(band(Figure::exact(
            "tensor_parallel",
            "Tensor-parallel all-reduces per iteration",
            Unit::Seconds,
            r.tensor_parallel_s,
            format!(
                "4 × {} layers × {} micro-batches × 2({} − 1)/{} × {} B ÷ the GPU link = {} s",
                t.layers / t.pipeline_parallel.max(1),
                t.micro_batches,
                t.tensor_parallel,
                t.tensor_parallel,
                num(t.tp_activation_bytes),
                secs(r.tensor_parallel_s)
            ),
            "Two activation all-reduces per layer forward and two backward (Megatron-LM); not overlapped.",
        )));
    }
    if let Some(a) = &r.all_reduce {
        out.push(Figure::exact(
            "gradient_bytes",
            "Gradients all-reduced per GPU",
            Unit::Bytes,
            a.gradient_bytes,
            format!(
                "{} parameters × {} B",
                num(a.gradient_bytes / t.gradient_bytes.max(1) as f64),
                t.gradient_bytes
            ),
            "The gradients of a GPU's share of the model (its tensor- and pipeline-parallel part), in the training recipe's gradient format (FP32 in the article), before ZeRO shards them: what the all-reduce moves. The memory card counts what each GPU keeps.",
        ));
        out.push(Figure::exact(
            "all_reduce_bytes",
            "All-reduce per GPU per iteration",
            Unit::Bytes,
            a.per_gpu_bytes,
            format!(
                "2 × ({} − 1)/{} × {} B{} = {} B",
                t.data_parallel,
                t.data_parallel,
                num(a.gradient_bytes),
                if t.zero_stage >= 3 { " × 1.5 (ZeRO-3 gathers the parameters too)" } else { "" },
                num(a.per_gpu_bytes)
            ),
            "Ring all-reduce: a reduce-scatter and an all-gather, each moving (N − 1)/N of the gradients; about twice the gradients for many GPUs.",
        ));
        out.push(band(Figure::exact(
            "all_reduce",
            "All-reduce time per iteration",
            Unit::Seconds,
            a.time_s,
            format!(
                "{} B × 8 ÷ {} Gb/s ({}) = {} s; {} s not hidden ({})",
                num(a.per_gpu_bytes),
                num(a.bytes_per_s * 8.0 / 1e9),
                a.link_label,
                secs(a.time_s),
                secs(a.exposed_s),
                s.overlap.label()
            ),
            "The link's line rate, one direction; the ring runs at its slowest hop.",
        )));
        out.push(Figure::exact(
            "all_reduce_run",
            "All-reduce time over the run",
            Unit::Seconds,
            a.run_s,
            format!(
                "{} s × {} iterations",
                secs(a.time_s),
                num(r.iterations as f64)
            ),
            "Communication alone, before any overlap.",
        ));
    }
    if let Some(l) = r.loading_s {
        out.push(Figure::exact(
            "loading",
            "Data loading per iteration",
            Unit::Seconds,
            l,
            format!(
                "{} × {} B ÷ {} MB/s = {} s ({})",
                samples(r.global_batch, what),
                num(r.sample_bytes as f64),
                num(s.storage_mb_s.unwrap_or(0.0)),
                secs(l),
                if s.prefetch { "prefetched: the slower of loading and the GPUs sets the pace" } else { "not prefetched: it adds to each iteration" }
            ),
            "Storage read throughput for the samples' files; decoding and augmentation not counted.",
        ));
    }
    out.push(band(Figure::exact(
        "iteration",
        "Iteration",
        Unit::Seconds,
        r.iteration_s,
        format!(
            "{} s compute{}{}{} = {} s",
            secs(r.compute_s),
            if r.tensor_parallel_s > 0.0 {
                format!(" + {} s tensor parallel", secs(r.tensor_parallel_s))
            } else {
                String::new()
            },
            r.all_reduce.as_ref().map_or(String::new(), |a| format!(
                " + {} s all-reduce",
                secs(a.exposed_s)
            )),
            r.loading_s.map_or(String::new(), |l| format!(
                ", {} {} s loading",
                if s.prefetch { "at least" } else { "+" },
                secs(l)
            )),
            secs(r.iteration_s)
        ),
        "The critical path of one iteration.",
    )));
    out.push(band(Figure::exact(
        "throughput",
        if what == "images" {
            "Images/s, all GPUs"
        } else {
            "Sequences/s, all GPUs"
        },
        Unit::Samples,
        finite(r.global_batch as f64 / r.iteration_s),
        format!(
            "{} ÷ {} s",
            samples(r.global_batch, what),
            secs(r.iteration_s)
        ),
        "One iteration's samples, every iteration.",
    )));
    out.push(band(Figure::exact(
        "epoch",
        "Epoch",
        Unit::Seconds,
        finite(r.iterations_per_epoch as f64 * r.iteration_s),
        format!(
            "{} iterations × {} s",
            num(r.iterations_per_epoch as f64),
            secs(r.iteration_s)
        ),
        "One pass over the dataset.",
    )));
    out.push(band(Figure::exact(
        "training_time",
        "Training time",
        Unit::Seconds,
        r.total_s,
        format!(
            "{} iterations ({} epoch{} × {}) × {} s",
            num(r.iterations as f64),
            num(r.epochs as f64),
            if r.epochs == 1 { "" } else { "s" },
            num(r.iterations_per_epoch as f64),
            secs(r.iteration_s)
        ),
        "Wall-clock time on the GPUs given; no restarts, evaluation or checkpoints.",
    )));
    out.push(band(Figure::exact(
        "gpu_hours",
        "GPU-hours",
        Unit::Count,
        r.gpu_hours,
        if share.compute_share < 1.0 {
            format!(
                "{} s ÷ 3,600 × {} × {} of each (the slice's compute share)",
                secs(r.total_s),
                crate::units::count(r.gpus, "GPU", "GPUs"),
                num(share.compute_share)
            )
        } else {
            format!(
                "{} s ÷ 3,600 × {}",
                secs(r.total_s),
                crate::units::count(r.gpus, "GPU", "GPUs")
            )
        },
        "Hours of whole GPUs: a MIG slice counts its share of its GPU.",
    )));
    if let Some(kwh) = r.energy_kwh {
        out.push(band(Figure::exact(
            "energy",
            "Energy (GPUs at TDP)",
            Unit::KilowattHours,
            kwh,
            format!("{} GPU-hours × TDP ÷ 1,000", num(r.gpu_hours)),
            "The GPUs' board power only, at their TDP; hosts, network and cooling not counted.",
        )));
    }
    if let Some(cost) = r.cost {
        out.push(band(Figure::exact(
            "cost",
            "Cost",
            Unit::Money,
            cost,
            format!(
                "{} GPU-hours × {} per GPU-hour",
                num(r.gpu_hours),
                num(s.price_per_gpu_hour.unwrap_or(0.0))
            ),
            "At the price per GPU-hour given.",
        )));
    }
    out
}
