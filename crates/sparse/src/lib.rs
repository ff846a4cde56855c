//! Sparse-matrix formats and kernels for headroom's compression measurements.
//!
//! Weights `W` (M×K) multiply dense activations `X` (K×N, row-major) into
//! `Y` (M×N): `Y = W·X`. Formats: [`Dense`] row-major, [`Csr`], blocked CSR
//! ([`Bsr`], 1×4, 4×1, 2×2 or 4×4 blocks) and NVIDIA's 2:4 structured sparsity
//! ([`TwoFour`]). Every constructor validates its input and returns an
//! [`Error`], never panics. [`prune`] turns a dense matrix into each format by
//! magnitude; [`bytes`] gives the exact storage of each format.
//!
//! Each kernel has a scalar reference ([`kernels::scalar`]) and, when compiled
//! with `target_feature = "simd128"`, a WebAssembly SIMD version
//! ([`kernels::simd`]) vectorised along the dense dimension `N`, as XNNPACK's
//! sparse kernels are: one weight is broadcast and multiplied into contiguous
//! rows of `X`, so no gathers are needed. [`kernels`] picks the fastest compiled
//! version.

pub mod bytes;
mod error;
pub mod formats;
pub mod kernels;
pub mod prune;

pub use error::Error;
pub use formats::{BlockShape, Bsr, Csr, Dense, TwoFour, TwoFourSorted};
