//! `Y = W·X` for each format: scalar references in [`scalar`], WebAssembly
//! simd128 versions in [`simd`] (only when compiled with that target feature).
//! The functions here call the SIMD version when it is compiled in, else the
//! scalar one. Every kernel overwrites `y`.

pub mod scalar;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use simd as best;

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use scalar as best;

use crate::{Bsr, Csr, Dense, Error, TwoFour, TwoFourSorted};

/// Whether the SIMD kernels are compiled in.
pub const SIMD: bool = cfg!(all(target_arch = "wasm32", target_feature = "simd128"));

pub(crate) fn check_mm(w: (usize, usize), x: &Dense, y: &Dense) -> Result<(), Error> {
    if w.1 != x.rows() || y.rows() != w.0 || y.cols() != x.cols() {
        return Err(Error::Shape {
            w_rows: w.0,
            w_cols: w.1,
            x_rows: x.rows(),
            x_cols: x.cols(),
            y_rows: y.rows(),
            y_cols: y.cols(),
        });
    }
    Ok(())
}

pub(crate) fn check_mv(w: (usize, usize), x: &[f32], y: &[f32]) -> Result<(), Error> {
    if w.1 != x.len() || y.len() != w.0 {
        return Err(Error::Shape {
            w_rows: w.0,
            w_cols: w.1,
            x_rows: x.len(),
            x_cols: 1,
            y_rows: y.len(),
            y_cols: 1,
        });
    }
    Ok(())
}

pub fn gemv(w: &Dense, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    best::gemv(w, x, y)
}

pub fn gemm(w: &Dense, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    best::gemm(w, x, y)
}

pub fn csr_spmv(w: &Csr, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    best::csr_spmv(w, x, y)
}

pub fn csr_spmm(w: &Csr, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    best::csr_spmm(w, x, y)
}

pub fn bsr_spmm(w: &Bsr, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    best::bsr_spmm(w, x, y)
}

pub fn two_four_spmm(w: &TwoFour, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    best::two_four_spmm(w, x, y)
}

/// 2:4 over its rows sorted by pattern ([`TwoFourSorted`]): the faster kernel
/// when `N` > 1 and the weights are laid out once for many products.
pub fn two_four_sorted_spmm(w: &TwoFourSorted, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    best::two_four_sorted_spmm(w, x, y)
}

/// The arithmetic peak this machine reaches in the kernels' instruction set:
/// independent multiply chains beside independent add chains (simd128: of four
/// lanes each), `iterations` times; returns the FLOPs done (one per multiply or
/// add per lane) and a value that depends on every chain, so that none is
/// optimised away. Timed by
/// the caller, it gives the ceiling every kernel's GFLOP/s is a share of.
pub fn peak(iterations: u32) -> (u64, f32) {
    best::peak(iterations)
}

/// One of the loops [`peak`] may use, timed alone by `make bench`: 0 twelve
/// multiply-then-add chains, 1 multiply chains beside add chains (the scalar
/// build has one loop).
pub fn peak_loop(which: u8, iterations: u32) -> (u64, f32) {
    best::peak_loop(which, iterations)
}
