//! Serving speed on one option: time to first token (prefill, compute-bound),
//! time per output token (decode: the roofline of the bytes a step reads and the
//! FLOPs it does), tokens/s, and the concurrent users the option's memory holds
//! and its latency targets allow.

use super::efficiency::{Efficiencies, FIRST_TOKEN_OVERHEAD_S};
use super::flops::{Forward, Generate};
use super::gpu::Share;
use super::link::ring_bytes;
use super::{Bound, CurvePoint, Figure, OptionSpeed, Unit, band, finite, num, secs};
use crate::units::count;

/// Fixed cost of one tensor-parallel all-reduce (launch and synchronization), s.
pub const ALL_REDUCE_LATENCY_S: f64 = 0.000_01;

/// Latency targets, s.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Targets {
    pub ttft: Option<f64>,
    pub tpot: Option<f64>,
}

impl Targets {
    /// The targets a scenario's speed question sets, in seconds.
    pub fn of(s: &super::SpeedInputs) -> Targets {
        Targets {
            ttft: s.ttft_ms.map(|ms| ms / 1000.0),
            tpot: s.tpot_ms.map(|ms| ms / 1000.0),
        }
    }

    pub fn any(&self) -> bool {
        self.ttft.is_some() || self.tpot.is_some()
    }

    fn met(&self, ttft: f64, tpot: f64) -> bool {
        self.ttft.is_none_or(|t| ttft <= t) && self.tpot.is_none_or(|t| tpot <= t)
    }
}

/// The largest n in `lo..hi` for which `ok` holds, given that it holds at `lo`,
/// not at `hi`, and not past the first n where it fails.
fn last_true(mut lo: u64, mut hi: u64, ok: impl Fn(u64) -> bool) -> u64 {
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// One option serving a generating transformer.
pub struct Serving<'a> {
    pub g: &'a Generate,
    pub share: &'a Share,
    pub eff: &'a Efficiencies,
    /// The option's GPU-to-GPU link, bytes/s one way (tensor parallelism).
    pub link: f64,
    /// What that link is.
    pub link_label: &'a str,
    /// Bytes the option holds for the workload (after the margin).
    pub usable: f64,
    pub output_tokens: u64,
}

/// A decode step: its time and what bounds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub bytes: f64,
    pub flops: f64,
    pub memory_s: f64,
    pub compute_s: f64,
    pub comm_s: f64,
    pub total_s: f64,
    pub bound: Bound,
}

impl Serving<'_> {
    pub fn prompt(&self) -> u64 {
        self.g.context.saturating_sub(self.output_tokens).max(1)
    }

    /// Cached positions a decode step attends to on average: the prompt and half the output.
    pub fn mean_position(&self) -> f64 {
        self.prompt() as f64 + self.output_tokens.min(self.g.context) as f64 / 2.0
    }

    /// Tensor-parallel all-reduces for `tokens` tokens: two per layer.
    fn comm(&self, tokens: f64) -> f64 {
        let tp = self.g.tp;
        if tp <= 1 {
            return 0.0;
        }
        let bytes = tokens * self.g.hidden as f64 * 2.0;
        let per = ring_bytes(bytes, tp) / self.link.max(1.0) + ALL_REDUCE_LATENCY_S;
        2.0 * self.g.layers as f64 * per
    }

    /// Pipeline stages hand `tokens` tokens' activations on, one stage to the
    /// next: (stages − 1) sends of tokens × hidden × 2 B, those from one host
    /// to the next (hosts − 1) over the network between hosts.
    fn hops(&self, tokens: f64) -> f64 {
        let stages = self.g.stages.max(1);
        if stages <= 1 {
            return 0.0;
        }
        let bytes = tokens * self.g.hidden as f64 * 2.0;
        let across = (self.g.hosts.max(1) - 1).min(stages - 1);
        let network = super::training::BETWEEN_HOSTS.bytes_per_s().unwrap_or(1.0);
        (stages - 1 - across) as f64 * (bytes / self.link.max(1.0) + ALL_REDUCE_LATENCY_S)
            + across as f64 * (bytes / network + ALL_REDUCE_LATENCY_S)
    }

    /// GPUs a token's arithmetic is divided over at each stage, times the stages.
    fn gpus(&self) -> f64 {
        (self.g.tp.max(1) * self.g.stages.max(1)) as f64
    }

    /// Prefill FLOPs of one request's prompt on one GPU.
    pub fn prefill_flops(&self) -> f64 {
        let p = self.prompt();
        p as f64 * (self.g.linear + self.g.attention.mean_over(p)) / self.gpus()
    }

    /// Time to first token of one request: prefill FLOPs ÷ (peak × MFU), at least
    /// one read of the weights, on every pipeline stage in turn, + the
    /// all-reduces, the hand-overs between stages and a fixed overhead.
    pub fn ttft(&self, share: f64) -> f64 {
        let compute = self.prefill_flops() / (self.share.peak * share * self.eff.prefill);
        let memory = self.g.weights_read(self.prompt() as f64)
            / (self.share.bandwidth * share * self.eff.decode);
        let p = self.prompt() as f64;
        finite(
            self.g.stages.max(1) as f64 * compute.max(memory)
                + self.comm(p)
                + self.hops(p)
                + FIRST_TOKEN_OVERHEAD_S,
        )
    }

    /// A decode step of `batch` sequences with `share` of the option.
    pub fn step(&self, batch: u64, share: f64) -> Step {
        let b = batch.max(1) as f64;
        let pos = self.mean_position();
        let kv = b * self.g.kv_per_token() * pos;
        let bytes = self.g.weights_read(b) + kv;
        let flops = b * (self.g.linear + self.g.attention.at(pos)) / self.gpus();
        // Each pipeline stage reads and computes its share in turn.
        let stages = self.g.stages.max(1) as f64;
        let memory_s = finite(stages * bytes / (self.share.bandwidth * share * self.eff.decode));
        let compute_s = finite(stages * flops / (self.share.peak * share * self.eff.prefill));
        let comm_s = self.comm(b) + self.hops(b);
        let bound = if compute_s > memory_s {
            Bound::Compute
        } else {
            Bound::Memory
        };
        Step {
            bytes,
            flops,
            memory_s,
            compute_s,
            comm_s,
            total_s: memory_s.max(compute_s) + comm_s + self.eff.step_overhead_s,
            bound,
        }
    }

    /// Most concurrent sequences the option's memory holds at the full context:
    /// the most whose memory, under the engine's budget rule, is within what
    /// the option holds after the margin.
    pub fn max_users(&self) -> Option<u64> {
        let per = self.g.kv_bytes / self.g.sequences.max(1) as f64;
        if per <= 0.0 {
            return None;
        }
        let fits = |n: u64| {
            let n = n as f64;
            let kv = n * per;
            let needed = match self.g.room {
                Some(r) => {
                    let other = r.other_at(n);
                    crate::transformer::engine::needed(
                        r.budget,
                        r.fraction,
                        (other + kv).min(1.8e19) as u64,
                        kv.min(1.8e19) as u64,
                        self.g.weight_bytes as u64,
                        0,
                    )
                }
                None => self.g.fixed_bytes + kv,
            };
            needed <= self.usable
        };
        if !fits(0) {
            return Some(0);
        }
        let (mut lo, mut hi) = (0u64, 1u64);
        while fits(hi) {
            lo = hi;
            if hi >= 1 << 50 {
                return Some(hi);
            }
            hi *= 2;
        }
        Some(last_true(lo, hi, fits))
    }

    /// Most sequences (up to `limit`) whose steps meet the targets with `share`.
    pub fn users_meeting(&self, targets: &Targets, limit: u64, share: f64) -> u64 {
        // The first token does not depend on how many sequences decode.
        let ttft = self.ttft(share);
        let meets = |n: u64| targets.met(ttft, self.step(n, share).total_s);
        if !meets(1) {
            return 0;
        }
        let hi = limit.max(1);
        if meets(hi) {
            return hi;
        }
        last_true(1, hi, meets)
    }

    /// TPOT and tokens/s from 1 user to the memory's limit, about 24 points.
    pub fn curve(&self, upto: u64) -> Vec<CurvePoint> {
        let upto = upto.clamp(1, 1 << 20);
        let mut users: Vec<u64> = (0..=24)
            .map(|i| (upto as f64).powf(f64::from(i) / 24.0).round() as u64)
            .collect();
        users.dedup();
        users
            .into_iter()
            .map(|u| {
                let s = self.step(u, 1.0);
                CurvePoint {
                    users: u,
                    tpot_s: s.total_s,
                    tokens_per_s: finite(u as f64 / s.total_s),
                    bound: s.bound,
                }
            })
            .collect()
    }

    /// The option's row of the Fits table.
    pub fn option(&self, targets: &Targets) -> OptionSpeed {
        let n = self.g.sequences;
        let step = self.step(n, 1.0);
        let busy = self.step(n, self.share.busy_share);
        let max_users = self.max_users();
        let limit = max_users.unwrap_or(n).max(1);
        OptionSpeed {
            ttft_s: Some(self.ttft(1.0)),
            step_s: step.total_s,
            throughput: finite(n as f64 / step.total_s),
            busy_share: self.share.busy_share,
            busy_step_s: busy.total_s,
            bound: if max_users.is_some_and(|m| m < n) {
                Bound::Capacity
            } else {
                step.bound
            },
            max_users,
            users_meeting: targets
                .any()
                .then(|| self.users_meeting(targets, limit, self.share.busy_share)),
            meets_target: targets.any().then(|| {
                max_users.is_none_or(|m| m >= n)
                    && targets.met(self.ttft(self.share.busy_share), busy.total_s)
            }),
            training_s: None,
        }
    }

    /// The speed card's figures.
    pub fn figures(&self) -> Vec<Figure> {
        let g = self.g;
        let n = g.sequences;
        let s = self.share;
        let e = self.eff;
        let mut out = Vec::new();
        let prefill = self.prefill_flops();
        let tp = match (g.tp, g.stages) {
            (1, 1) => String::new(),
            (t, 1) => format!(" ÷ {t} GPUs"),
            (t, p) => format!(" ÷ ({t} GPUs × {p} pipeline stages)"),
        };
        let stages = if g.stages > 1 {
            format!("{} stages in turn × ", g.stages)
        } else {
            String::new()
        };
        out.push(Figure::exact(
            "prefill_flops",
            "Prefill FLOPs per request",
            Unit::Flops,
            prefill,
            format!(
                "{} × ({} linear + {} attention){tp} = {}",
                crate::units::count(self.prompt(), "prompt token", "prompt tokens"),
                num(g.linear),
                num(g.attention.mean_over(self.prompt())),
                num(prefill)
            ),
            "The prompt is the context less the output tokens.",
        ));
        let ttft = self.ttft(1.0);
        out.push(band(Figure::exact(
            "ttft",
            "Time to first token",
            Unit::Seconds,
            ttft,
            {
                let p = self.prompt() as f64;
                let comm = self.comm(p) + self.hops(p);
                let comm = if comm > 0.0 {
                    format!(
                        " + {} s {}",
                        secs(comm),
                        if g.stages > 1 {
                            "all-reduces and hand-overs between stages"
                        } else {
                            "all-reduces"
                        }
                    )
                } else {
                    String::new()
                };
                format!(
                    "{stages}max({} FLOPs ÷ ({} FLOP/s {} × {} MFU), {} B ÷ ({} B/s × {} MBU)){comm} + {} s fixed = {} s",
                    num(prefill),
                    num(s.peak),
                    s.format,
                    num(e.prefill),
                    num(g.weights_read(p)),
                    num(s.bandwidth),
                    num(e.decode),
                    secs(FIRST_TOKEN_OVERHEAD_S),
                    secs(ttft)
                )
            },
            &if g.tp > 1 {
                format!(
                    "Prefill is compute-bound: the prompt's tokens go through the model together. The tensor-parallel all-reduces run over {}.",
                    self.link_label
                )
            } else {
                "Prefill is compute-bound: the prompt's tokens go through the model together."
                    .to_string()
            },
        )));
        let step = self.step(n, 1.0);
        out.push(Figure::exact(
            "decode_bytes",
            "Bytes read per decode step",
            Unit::Bytes,
            step.bytes,
            format!(
                "{} B weights{} + {} × {} B KV per token × {} cached tokens = {} B",
                num(g.weights_read(n as f64)),
                if g.moe.is_some() { " (the experts this batch routes to)" } else { "" },
                count(n, "sequence", "sequences"),
                num(g.kv_per_token()),
                num(self.mean_position()),
                num(step.bytes)
            ),
            "Each step reads the weights once for the whole batch and every sequence's KV cache; the cache is on average the prompt and half the output.",
        ));
        let bound = match step.bound {
            Bound::Compute => "compute-bound",
            _ => "memory-bound",
        };
        out.push(band(Figure::exact(
            "tpot",
            "Time per output token",
            Unit::Seconds,
            step.total_s,
            format!(
                "{stages}max({} B ÷ ({} B/s × {} MBU), {} FLOPs ÷ ({} FLOP/s × {} MFU)){} + {} s per step = {} s ({bound})",
                num(step.bytes),
                num(s.bandwidth),
                num(e.decode),
                num(step.flops),
                num(s.peak),
                num(e.prefill),
                if step.comm_s > 0.0 {
                    format!(
                        " + {} s {}",
                        secs(step.comm_s),
                        if g.stages > 1 { "all-reduces and hand-overs between stages" } else { "all-reduces" }
                    )
                } else {
                    String::new()
                },
                secs(e.step_overhead_s),
                secs(step.total_s)
            ),
            "The roofline: a step takes as long as the slower of reading its bytes and doing its arithmetic, so large batches turn compute-bound.",
        )));
        out.push(band(Figure::exact(
            "tokens_per_s_user",
            "Tokens/s per user",
            Unit::Tokens,
            finite(1.0 / step.total_s),
            format!("1 ÷ {} s", secs(step.total_s)),
            "Each sequence gets one token per step.",
        )));
        out.push(band(Figure::exact(
            "tokens_per_s",
            "Tokens/s, all users",
            Unit::Tokens,
            finite(n as f64 / step.total_s),
            format!(
                "{} ÷ {} s",
                count(n, "sequence", "sequences"),
                secs(step.total_s)
            ),
            "Output tokens of every sequence in flight together.",
        )));
        if s.busy_share < 1.0 {
            let busy = self.step(n, s.busy_share);
            out.push(band(Figure::exact(
                "tpot_busy",
                "Time per output token, all VMs busy",
                Unit::Seconds,
                busy.total_s,
                format!(
                    "The GPU's time shared {} ways: {} s",
                    num(1.0 / s.busy_share),
                    secs(busy.total_s)
                ),
                "A time-sliced vGPU gets the whole GPU while alone and 1/n of its time when all n VMs on it are busy.",
            )));
        }
        if let Some(m) = self.max_users() {
            out.push(Figure::exact(
                "max_users",
                "Concurrent users the memory holds",
                Unit::Count,
                m as f64,
                format!(
                    "the most sequences of {} B KV each whose memory, with the engine's reserve, is within {} B usable = {}",
                    num(g.kv_bytes / n.max(1) as f64),
                    num(self.usable),
                    num(m as f64)
                ),
                "Every sequence at the full context; the safety margin kept free. Each sequence adds its KV cache and what grows with it (logits, activations up to the prefill budget), and under vLLM the share of the GPU its fraction keeps free.",
            ));
        }
        out
    }
}

/// A forward pass over a batch (encoders, CNN inference) on one option.
pub fn forward(f: &Forward, share: &Share, eff: &Efficiencies, busy: f64) -> (f64, Bound) {
    let (samples, bytes) = f.per_replica();
    let flops = f.flops_per_sample * samples as f64 / (f.tp.max(1) * f.stages.max(1)) as f64;
    // Pipeline stages run their shares one after the other.
    let stages = f.stages.max(1) as f64;
    let compute = finite(stages * flops / (share.peak * busy * eff.prefill));
    let memory = finite(stages * bytes / (share.bandwidth * busy * eff.decode));
    let bound = if compute > memory {
        Bound::Compute
    } else {
        Bound::Memory
    };
    (compute.max(memory) + eff.step_overhead_s, bound)
}

/// The Fits-table row of a forward workload.
pub fn forward_option(f: &Forward, share: &Share, eff: &Efficiencies) -> OptionSpeed {
    let (t, bound) = forward(f, share, eff, 1.0);
    let (busy, _) = forward(f, share, eff, share.busy_share);
    OptionSpeed {
        ttft_s: None,
        step_s: t,
        throughput: finite(f.batch as f64 / t),
        busy_share: share.busy_share,
        busy_step_s: busy,
        bound,
        max_users: None,
        users_meeting: None,
        meets_target: None,
        training_s: None,
    }
}

/// The speed card's figures of a forward workload.
pub fn forward_figures(f: &Forward, share: &Share, eff: &Efficiencies) -> Vec<Figure> {
    let (t, bound) = forward(f, share, eff, 1.0);
    let (samples, bytes) = f.per_replica();
    let flops = f.flops_per_sample * samples as f64 / (f.tp.max(1) * f.stages.max(1)) as f64;
    let mut out = vec![band(Figure::exact(
        "batch_latency",
        "Time per batch",
        Unit::Seconds,
        t,
        format!(
            "{}max({} FLOPs ÷ ({} FLOP/s {} × {} MFU), {} B ÷ ({} B/s × {} MBU)) + {} s = {} s ({})",
            if f.stages > 1 {
                format!("{} stages in turn × ", f.stages)
            } else {
                String::new()
            },
            num(flops),
            num(share.peak),
            share.format,
            num(eff.prefill),
            num(bytes),
            num(share.bandwidth),
            num(eff.decode),
            secs(eff.step_overhead_s),
            secs(t),
            if bound == Bound::Compute {
                "compute-bound"
            } else {
                "memory-bound"
            }
        ),
        if f.data > 1 {
            "The roofline over one forward pass of each GPU's share of the batch; the GPUs pass their shares at the same time."
        } else {
            "The roofline over one forward pass of the batch."
        },
    ))];
    let bytes_formula = if f.data > 1 {
        format!(
            "{} B of weights + {} B of the batch's {} × {} ÷ {} on each GPU = {} B",
            num((f.bytes - f.batch_bytes).max(0.0)),
            num(f.batch_bytes),
            f.samples,
            num(samples as f64),
            num(f.batch as f64),
            num(bytes)
        )
    } else {
        f.bytes_formula.clone()
    };
    out.push(Figure::exact(
        "bytes_per_batch",
        if f.data > 1 {
            "Bytes moved per batch, each GPU"
        } else {
            "Bytes moved per batch"
        },
        Unit::Bytes,
        bytes,
        bytes_formula,
        "Weights read once per batch.",
    ));
    out.push(band(Figure::exact(
        "throughput",
        if f.samples == "images" {
            "Images/s"
        } else {
            "Sequences/s"
        },
        Unit::Samples,
        finite(f.batch as f64 / t),
        format!("{} ÷ {} s", num(f.batch as f64), secs(t)),
        "The batch, every time a pass finishes.",
    )));
    if share.busy_share < 1.0 {
        let (busy, _) = forward(f, share, eff, share.busy_share);
        out.push(band(Figure::exact(
            "throughput_busy",
            "… all VMs busy",
            Unit::Samples,
            finite(f.batch as f64 / busy),
            format!("{} ÷ {} s", num(f.batch as f64), secs(busy)),
            "A time-sliced vGPU gets 1/n of the GPU's time when all n VMs on it are busy.",
        )));
    }
    out
}
