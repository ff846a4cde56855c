//! The kernel lab's measurement: one kernel of `crates/sparse` on one layer
//! shape at one sparsity, timed. The app sends one [`Request`] at a time to a
//! Web Worker (`src/bin/lab-worker.rs`), which answers with a [`Measurement`];
//! progress is answers over requests, and cancelling stops the worker.
//!
//! A layer's weights can be large (Llama-2-7B's FFN: 11,008 × 4,096 f32 = 180 MB),
//! so at most [`SAMPLE_ROWS`] of its rows are measured and the time is scaled to
//! all of them: every kernel's work is proportional to the rows.

use serde::{Deserialize, Serialize};
use sparse::kernels::{self, scalar};
use sparse::{BlockShape, Bsr, Csr, Dense, TwoFour, TwoFourSorted, prune};

/// Rows of a layer measured at most.
pub const SAMPLE_ROWS: u32 = 1024;
/// Largest dimension accepted.
pub const MAX_DIM: u32 = 1 << 20;
/// Largest `sample rows × K` or `K × N` measured (64 Mi values, 256 MB).
pub const MAX_CELLS: u64 = 1 << 26;

/// The kernel measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The arithmetic peak: independent multiply-add chains, no memory.
    Peak,
    Dense,
    Csr,
    /// Blocked CSR with 4×1 blocks (four rows share a column index).
    Bsr4x1,
    TwoFour,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Peak => "peak",
            Format::Dense => "dense GEMM",
            Format::Csr => "CSR",
            Format::Bsr4x1 => "blocked CSR 4×1",
            Format::TwoFour => "2:4",
        }
    }
}

/// One measurement to make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub format: Format,
    /// The layer: `rows × cols` weights (outputs × inputs), `n` tokens or images.
    pub rows: u32,
    pub cols: u32,
    pub n: u32,
    /// Share of weights (blocked CSR: blocks) zeroed, 0–0.99; 2:4 is always 0.5.
    pub sparsity: f64,
    /// The scalar reference kernels instead of simd128.
    pub scalar: bool,
}

/// What one request measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Best time for the whole layer, ms (scaled from the rows measured).
    pub ms: f64,
    /// Useful GFLOP/s: 2 × kept weights × n per second (peak: the chains' FLOPs).
    pub gflops: f64,
    /// Bytes of the whole layer's weights in this format (f32 values, u32 indices).
    pub bytes: u64,
    pub rows_measured: u32,
    pub runs: u32,
    /// Whether the simd128 kernels ran.
    pub simd: bool,
}

/// A small deterministic generator (xorshift), so runs are repeatable.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
}

fn random(rows: usize, cols: usize, rng: &mut Rng) -> Result<Dense, String> {
    let data = (0..rows * cols).map(|_| rng.uniform()).collect();
    Dense::new(rows, cols, data).map_err(|e| e.to_string())
}

/// Checks a request: shapes in range, sparsity a number from 0 to 0.99.
pub fn check(r: &Request) -> Result<(), String> {
    for (what, v) in [("rows", r.rows), ("columns", r.cols), ("tokens", r.n)] {
        if v == 0 || v > MAX_DIM {
            return Err(format!("{what} must be between 1 and {MAX_DIM}"));
        }
    }
    if !(0.0..=0.99).contains(&r.sparsity) {
        return Err("sparsity must be between 0 and 99 %".into());
    }
    let sample = u64::from(r.rows.min(SAMPLE_ROWS));
    if sample * u64::from(r.cols) > MAX_CELLS || u64::from(r.cols) * u64::from(r.n) > MAX_CELLS {
        return Err("the layer is too large to measure in the browser".into());
    }
    Ok(())
}

/// Shortest batch timed, ms: a browser's clock steps by 0.1 ms (5 µs to 1 ms
/// depending on isolation), so a kernel faster than that is run several times
/// per reading and each reading covers at least this long (±1 % at 0.1 ms).
pub const MIN_BATCH_MS: f64 = 10.0;
/// Most runs of a kernel in one batch.
const MAX_REPS: u32 = 1 << 20;

/// Times `f`: first finds how many runs make a batch of at least
/// [`MIN_BATCH_MS`], then times batches until three have run and `budget_ms`
/// has passed (at most 50 batches). The best batch's time per run, ms, and the
/// runs made; an error when the clock does not advance.
fn best(now: &dyn Fn() -> f64, budget_ms: f64, mut f: impl FnMut()) -> Result<(f64, u32), String> {
    f(); // warm-up
    let mut batch = |reps: u32| {
        let t = now();
        for _ in 0..reps {
            f();
        }
        now() - t
    };
    let mut reps = 1u32;
    let mut elapsed = batch(reps);
    let mut runs = reps;
    while elapsed.is_nan() || elapsed < MIN_BATCH_MS {
        if reps >= MAX_REPS {
            // A kernel of a few nanoseconds: the longest batch is what there is.
            if elapsed > 0.0 {
                break;
            }
            return Err("the browser's clock did not advance while the kernel ran".into());
        }
        // Aim past the threshold from what one batch took (at least doubling).
        let scale = if elapsed > 0.0 {
            (1.2 * MIN_BATCH_MS / elapsed).ceil()
        } else {
            2.0
        };
        reps = (f64::from(reps) * scale.clamp(2.0, 1024.0)).min(f64::from(MAX_REPS)) as u32;
        elapsed = batch(reps);
        runs = runs.saturating_add(reps);
    }
    let start = now();
    let mut best = elapsed;
    let mut batches = 1;
    while batches < 3 || (now() - start < budget_ms && batches < 50) {
        best = best.min(batch(reps));
        runs = runs.saturating_add(reps);
        batches += 1;
    }
    Ok((best / f64::from(reps), runs))
}

/// Makes one measurement; `now` is a clock in milliseconds.
pub fn measure(r: &Request, now: &dyn Fn() -> f64) -> Result<Measurement, String> {
    check(r)?;
    let simd = kernels::SIMD && !r.scalar;
    if r.format == Format::Peak {
        let iterations = 200_000;
        let mut flops = 0;
        let mut sink = 0.0;
        let (ms, runs) = best(now, 100.0, || {
            let (f, v) = if simd {
                kernels::peak(iterations)
            } else {
                scalar::peak(iterations)
            };
            flops = f;
            sink += v;
        })?;
        std::hint::black_box(sink);
        return Ok(Measurement {
            ms,
            gflops: flops as f64 / (ms * 1e6),
            bytes: 0,
            rows_measured: 0,
            runs,
            simd,
        });
    }
    let rows = r.rows.min(SAMPLE_ROWS) as usize;
    let (k, n) = (r.cols as usize, r.n as usize);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (u64::from(r.rows) << 20) ^ u64::from(r.cols));
    let w = random(rows, k, &mut rng)?;
    let x = random(k, n, &mut rng)?;
    let mut y = Dense::zeros(rows, n).map_err(|e| e.to_string())?;
    let full = u64::from(r.rows);
    let e = |e: sparse::Error| e.to_string();
    let (ms, runs, kept, bytes) = match r.format {
        Format::Peak => unreachable!("handled above"),
        Format::Dense => {
            let (ms, runs) = best(now, 200.0, || {
                let _ = if simd {
                    kernels::gemm(&w, &x, &mut y)
                } else {
                    scalar::gemm(&w, &x, &mut y)
                };
            })?;
            (
                ms,
                runs,
                rows * k,
                sparse::bytes::dense(full, u64::from(r.cols), 4),
            )
        }
        Format::Csr => {
            let p = prune::magnitude(&w, r.sparsity).map_err(e)?;
            let c = Csr::from_dense(&p).map_err(e)?;
            let (ms, runs) = best(now, 200.0, || {
                let _ = if simd {
                    kernels::csr_spmm(&c, &x, &mut y)
                } else {
                    scalar::csr_spmm(&c, &x, &mut y)
                };
            })?;
            let nnz = c.nnz();
            let full_nnz = (nnz as f64 * full as f64 / rows as f64).round() as u64;
            (ms, runs, nnz, sparse::bytes::csr(full, full_nnz, 4, 4))
        }
        Format::Bsr4x1 => {
            let p = prune::blocks(&w, BlockShape::B4x1, r.sparsity).map_err(e)?;
            let b = Bsr::from_dense(&p, BlockShape::B4x1).map_err(e)?;
            let (ms, runs) = best(now, 200.0, || {
                let _ = if simd {
                    kernels::bsr_spmm(&b, &x, &mut y)
                } else {
                    scalar::bsr_spmm(&b, &x, &mut y)
                };
            })?;
            let blocks = b.blocks();
            let full_blocks = (blocks as f64 * full as f64 / rows as f64).round() as u64;
            (
                ms,
                runs,
                blocks * 4,
                sparse::bytes::bsr(full, BlockShape::B4x1, full_blocks, 4, 4),
            )
        }
        Format::TwoFour => {
            let t = TwoFour::from_dense(&w);
            let kept = rows * k.div_ceil(4) * 2;
            // More than one token: the weights laid out once, rows sorted by
            // pattern (the faster SpMM).
            let sorted = (n > 1).then(|| TwoFourSorted::from_two_four(&t));
            let (ms, runs) = best(now, 200.0, || {
                let _ = match (&sorted, simd) {
                    (Some(s), true) => kernels::two_four_sorted_spmm(s, &x, &mut y),
                    (Some(s), false) => scalar::two_four_sorted_spmm(s, &x, &mut y),
                    (None, true) => kernels::two_four_spmm(&t, &x, &mut y),
                    (None, false) => scalar::two_four_spmm(&t, &x, &mut y),
                };
            })?;
            let cols = u64::from(r.cols);
            let bytes = match sorted {
                Some(_) => sparse::bytes::two_four_sorted(full, cols, 32),
                None => sparse::bytes::two_four(full, cols, 32),
            };
            (ms, runs, kept, bytes)
        }
    };
    let scale = full as f64 / rows as f64;
    Ok(Measurement {
        ms: ms * scale,
        gflops: 2.0 * kept as f64 * n as f64 / (ms * 1e6),
        bytes,
        rows_measured: rows as u32,
        runs,
        simd,
    })
}

/// The requests of a sweep: the peak, dense, then CSR and blocked CSR at each
/// sparsity (CSR alone at 0 %), 2:4 when 50 % is among them, and the peak again.
pub fn sweep(rows: u32, cols: u32, n: u32, sparsities: &[f64], scalar: bool) -> Vec<Request> {
    let req = |format, sparsity| Request {
        format,
        rows,
        cols,
        n,
        sparsity,
        scalar,
    };
    let mut out = vec![req(Format::Peak, 0.0), req(Format::Dense, 0.0)];
    for &s in sparsities {
        out.push(req(Format::Csr, s));
        if s > 0.0 {
            out.push(req(Format::Bsr4x1, s));
        }
        if (s - 0.5).abs() < 1e-9 {
            out.push(req(Format::TwoFour, 0.5));
        }
    }
    // The peak again at the end: a busy moment at one of the two does not lower it.
    out.push(req(Format::Peak, 0.0));
    out
}

/// The worker's first message: it is listening (messages sent before are lost).
pub const READY: &str = "ready";

/// A request as the worker reads it.
pub fn request_text(r: &Request) -> String {
    serde_json::to_string(r).unwrap_or_default()
}

/// The worker's answer to a message: `{"ok": measurement}` or `{"err": "…"}`.
pub fn answer(text: &str, now: &dyn Fn() -> f64) -> String {
    let result = serde_json::from_str::<Request>(text)
        .map_err(|e| format!("unreadable request: {e}"))
        .and_then(|r| measure(&r, now));
    match result {
        Ok(m) => serde_json::json!({ "ok": m }),
        Err(e) => serde_json::json!({ "err": e }),
    }
    .to_string()
}

/// The measurement in a worker's answer.
pub fn read_answer(text: &str) -> Result<Measurement, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|_| "an unreadable answer".to_string())?;
    match (v.get("ok"), v.get("err")) {
        (Some(ok), _) => serde_json::from_value(ok.clone()).map_err(|e| e.to_string()),
        (_, Some(err)) => Err(err.as_str().unwrap_or("failed").to_string()),
        _ => Err("an unreadable answer".into()),
    }
}

/// A run's answers as JSON, for export.
pub fn results_json(rows: &[(Request, Result<Measurement, String>)]) -> String {
    let list: Vec<serde_json::Value> = rows
        .iter()
        .map(|(r, m)| match m {
            Ok(m) => serde_json::json!({ "request": r, "measurement": m }),
            Err(e) => serde_json::json!({ "request": r, "error": e }),
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn clock() -> impl Fn() -> f64 {
        let t0 = Instant::now();
        move || t0.elapsed().as_secs_f64() * 1e3
    }

    /// A browser's clock: a work counter read in steps of 0.1 ms.
    fn coarse(work: &std::cell::Cell<f64>) -> impl Fn() -> f64 + '_ {
        move || (work.get() / 0.1).floor() * 0.1
    }

    #[test]
    fn a_kernel_faster_than_the_clock_step_is_timed_in_batches() {
        // A "kernel" that takes 0.013 ms against a clock that steps by 0.1 ms:
        // one run reads 0 or 0.1 ms; batches of at least 10 ms read it within 1 %.
        let work = std::cell::Cell::new(0.0);
        let now = coarse(&work);
        let (ms, runs) = best(&now, 50.0, || work.set(work.get() + 0.013)).unwrap();
        assert!((ms - 0.013).abs() < 0.013 * 0.01, "{ms}");
        assert!(runs as f64 * 0.013 >= 50.0, "{runs}");
        // A slow kernel is timed one run per batch.
        let (ms, _) = best(&now, 50.0, || work.set(work.get() + 12.34)).unwrap();
        assert!((ms - 12.34).abs() <= 0.1, "{ms}");
        // A kernel of a few nanoseconds is timed over the longest batch there is.
        let (ms, _) = best(&now, 50.0, || work.set(work.get() + 5e-6)).unwrap();
        assert!((ms - 5e-6).abs() < 5e-6 * 0.05, "{ms}");
        // A clock that never advances is an error, not a time of zero.
        let stuck = || 5.0;
        assert!(best(&stuck, 50.0, || ()).is_err());
    }

    #[test]
    fn a_sweep_measures_every_format_on_a_small_layer() {
        let now = clock();
        let reqs = sweep(64, 64, 8, &[0.0, 0.5, 0.9], true);
        assert_eq!(reqs.len(), 2 + 1 + 3 + 2 + 1);
        assert_eq!(reqs.last().unwrap().format, Format::Peak);
        for r in &reqs {
            let m = measure(r, &now).unwrap();
            assert!(m.ms > 0.0 && m.ms.is_finite(), "{r:?}");
            assert!(m.gflops > 0.0 && m.gflops.is_finite(), "{r:?}");
        }
        // Bytes come from the byte model: 64 × 64 f32 dense = 16,384 B; 2:4 over
        // its rows sorted by pattern (the layout its SpMM reads): 64 rows × 16
        // groups × (8 B of values + 1 B of place) + 16 groups × 6 lengths × 2 B.
        assert_eq!(measure(&reqs[1], &now).unwrap().bytes, 16_384);
        let tf = reqs.iter().find(|r| r.format == Format::TwoFour).unwrap();
        assert_eq!(measure(tf, &now).unwrap().bytes, 9_216 + 192);
        // At one token the 2:4 format's own layout: 53.125 % of dense.
        let one = Request { n: 1, ..tf.clone() };
        assert_eq!(measure(&one, &now).unwrap().bytes, 8_704);
    }

    #[test]
    fn large_layers_are_sampled_and_scaled() {
        let now = clock();
        let r = Request {
            format: Format::Csr,
            rows: 4096,
            cols: 64,
            n: 4,
            sparsity: 0.9,
            scalar: true,
        };
        let m = measure(&r, &now).unwrap();
        assert_eq!(m.rows_measured, SAMPLE_ROWS);
        // 90 % of 4096 × 64 pruned: nnz 26,214 of 262,144; CSR bytes nnz × 8 + 4097 × 4.
        assert!(
            m.bytes > 26_000 * 8 && m.bytes < 26_500 * 8 + 4097 * 4,
            "{}",
            m.bytes
        );
    }

    #[test]
    fn requests_and_answers_travel_as_text() {
        let now = clock();
        let r = Request {
            format: Format::TwoFour,
            rows: 8,
            cols: 8,
            n: 4,
            sparsity: 0.5,
            scalar: true,
        };
        let m = read_answer(&answer(&request_text(&r), &now)).unwrap();
        assert_eq!(m.bytes, sparse::bytes::two_four_sorted(8, 8, 32));
        assert!(
            read_answer(&answer("{", &now))
                .unwrap_err()
                .contains("unreadable request")
        );
        assert!(read_answer("nonsense").is_err());
    }

    #[test]
    fn bad_requests_are_refused() {
        let now = clock();
        let ok = Request {
            format: Format::Dense,
            rows: 8,
            cols: 8,
            n: 1,
            sparsity: 0.0,
            scalar: true,
        };
        for bad in [
            Request {
                rows: 0,
                ..ok.clone()
            },
            Request {
                sparsity: f64::NAN,
                ..ok.clone()
            },
            Request {
                sparsity: 1.5,
                ..ok.clone()
            },
            Request {
                cols: MAX_DIM + 1,
                ..ok.clone()
            },
            Request {
                rows: 1 << 20,
                cols: 1 << 20,
                ..ok.clone()
            },
        ] {
            assert!(measure(&bad, &now).is_err(), "{bad:?}");
        }
    }
}
