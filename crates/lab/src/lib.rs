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
use sparse::{BlockShape, Bsr, Csr, Dense, TwoFour, prune};

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

/// Runs `f` until `min_runs` runs and `budget_ms` have passed (at most 50 runs);
/// the best time, ms, and the runs.
fn best(now: &dyn Fn() -> f64, budget_ms: f64, mut f: impl FnMut()) -> (f64, u32) {
    f(); // warm-up
    let start = now();
    let mut best = f64::INFINITY;
    let mut runs = 0;
    while runs < 3 || (now() - start < budget_ms && runs < 50) {
        let t = now();
        f();
        best = best.min(now() - t);
        runs += 1;
    }
    (best.max(1e-6), runs)
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
        });
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
            });
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
            });
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
            });
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
            let (ms, runs) = best(now, 200.0, || {
                let _ = if simd {
                    kernels::two_four_spmm(&t, &x, &mut y)
                } else {
                    scalar::two_four_spmm(&t, &x, &mut y)
                };
            });
            let kept = rows * k.div_ceil(4) * 2;
            (
                ms,
                runs,
                kept,
                sparse::bytes::two_four(full, u64::from(r.cols), 32),
            )
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
/// sparsity (CSR alone at 0 %), and 2:4 when 50 % is among them.
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

    #[test]
    fn a_sweep_measures_every_format_on_a_small_layer() {
        let now = clock();
        let reqs = sweep(64, 64, 8, &[0.0, 0.5, 0.9], true);
        assert_eq!(reqs.len(), 2 + 1 + 3 + 2);
        for r in &reqs {
            let m = measure(r, &now).unwrap();
            assert!(m.ms > 0.0 && m.ms.is_finite(), "{r:?}");
            assert!(m.gflops > 0.0 && m.gflops.is_finite(), "{r:?}");
        }
        // Bytes come from the byte model: 64 × 64 f32 dense = 16,384 B; 2:4 = 53.125 %.
        assert_eq!(measure(&reqs[1], &now).unwrap().bytes, 16_384);
        let tf = reqs.iter().find(|r| r.format == Format::TwoFour).unwrap();
        assert_eq!(measure(tf, &now).unwrap().bytes, 8_704);
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
        assert_eq!(m.bytes, sparse::bytes::two_four(8, 8, 32));
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
