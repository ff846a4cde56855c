//! Scalar reference kernels: plain loops, one output element at a time, summing
//! over the inner dimension in index order. They define the results the SIMD
//! kernels must reproduce.

use super::{check_mm, check_mv};
use crate::formats::{PATTERNS, SORTED_BLOCK};
use crate::{Bsr, Csr, Dense, Error, TwoFour, TwoFourSorted};

pub fn gemv(w: &Dense, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    check_mv((w.rows(), w.cols()), x, y)?;
    for (m, out) in y.iter_mut().enumerate() {
        let mut acc = 0.0f32;
        for (a, b) in w.row(m).iter().zip(x) {
            acc += a * b;
        }
        *out = acc;
    }
    Ok(())
}

pub fn gemm(w: &Dense, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let (k_dim, n_dim) = (w.cols(), x.cols());
    let xd = x.data();
    for m in 0..w.rows() {
        let wr = w.row(m);
        for n in 0..n_dim {
            let mut acc = 0.0f32;
            for k in 0..k_dim {
                acc += wr[k] * xd[k * n_dim + n];
            }
            y.data_mut()[m * n_dim + n] = acc;
        }
    }
    Ok(())
}

pub fn csr_spmv(w: &Csr, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    check_mv((w.rows(), w.cols()), x, y)?;
    let (ptr, col, val) = (w.row_ptr(), w.col_idx(), w.values());
    for (m, out) in y.iter_mut().enumerate() {
        let mut acc = 0.0f32;
        for j in ptr[m] as usize..ptr[m + 1] as usize {
            acc += val[j] * x[col[j] as usize];
        }
        *out = acc;
    }
    Ok(())
}

pub fn csr_spmm(w: &Csr, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let n_dim = x.cols();
    let (ptr, col, val) = (w.row_ptr(), w.col_idx(), w.values());
    let xd = x.data();
    for m in 0..w.rows() {
        for n in 0..n_dim {
            let mut acc = 0.0f32;
            for j in ptr[m] as usize..ptr[m + 1] as usize {
                acc += val[j] * xd[col[j] as usize * n_dim + n];
            }
            y.data_mut()[m * n_dim + n] = acc;
        }
    }
    Ok(())
}

pub fn bsr_spmm(w: &Bsr, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let (br, bc) = (w.shape().rows(), w.shape().cols());
    let (m_dim, k_dim, n_dim) = (w.rows(), w.cols(), x.cols());
    let (ptr, bcol, val) = (w.block_ptr(), w.block_col(), w.values());
    let xd = x.data();
    for m in 0..m_dim {
        let (bm, r) = (m / br, m % br);
        for n in 0..n_dim {
            let mut acc = 0.0f32;
            for b in ptr[bm] as usize..ptr[bm + 1] as usize {
                let k0 = bcol[b] as usize * bc;
                for c in 0..bc.min(k_dim - k0) {
                    acc += val[b * br * bc + r * bc + c] * xd[(k0 + c) * n_dim + n];
                }
            }
            y.data_mut()[m * n_dim + n] = acc;
        }
    }
    Ok(())
}

pub fn two_four_spmm(w: &TwoFour, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let (k_dim, n_dim) = (w.cols(), x.cols());
    let g = TwoFour::groups_per_row(k_dim);
    let xd = x.data();
    for m in 0..w.rows() {
        for n in 0..n_dim {
            let mut acc = 0.0f32;
            for group in 0..g {
                for (k, v) in w.kept(m * g + group, group) {
                    if k < k_dim {
                        acc += v * xd[k * n_dim + n];
                    }
                }
            }
            y.data_mut()[m * n_dim + n] = acc;
        }
    }
    Ok(())
}

/// `Y = W·X` over a [`TwoFourSorted`] matrix, list by list as the SIMD
/// kernel goes (each output sums its groups in order, first kept weight first).
pub fn two_four_sorted_spmm(w: &TwoFourSorted, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let (k_dim, n_dim) = (w.cols(), x.cols());
    let g = TwoFour::groups_per_row(k_dim);
    let (xd, yd) = (x.data(), y.data_mut());
    yd.fill(0.0);
    // A kept position past K holds a zero weight: it adds nothing.
    let xk = |k: usize, n: usize| if k < k_dim { xd[k * n_dim + n] } else { 0.0 };
    let (counts, places, vals) = (w.counts(), w.places(), w.values());
    let (mut c, mut j) = (0, 0);
    for r0 in (0..w.rows()).step_by(SORTED_BLOCK) {
        for group in 0..g {
            for &(first, second) in &PATTERNS {
                let (ka, kb) = (
                    4 * group + usize::from(first),
                    4 * group + usize::from(second),
                );
                for _ in 0..counts[c] {
                    let m = r0 + usize::from(places[j]);
                    for n in 0..n_dim {
                        let out = &mut yd[m * n_dim + n];
                        *out = *out + vals[2 * j] * xk(ka, n) + vals[2 * j + 1] * xk(kb, n);
                    }
                    j += 1;
                }
                c += 1;
            }
        }
    }
    Ok(())
}

/// Eight independent scalar multiply chains and eight add chains; see [`super::peak`].
pub fn peak(iterations: u32) -> (u64, f32) {
    let (m, a) = (
        std::hint::black_box(0.999_999_9f32),
        std::hint::black_box(1e-7f32),
    );
    let mut mul = [1.0f32; 8];
    let mut add = [0.0f32; 8];
    for _ in 0..iterations {
        for i in 0..8 {
            mul[i] *= m;
            add[i] += a;
        }
    }
    (u64::from(iterations) * 16, mul.iter().chain(&add).sum())
}

/// The scalar build's one peak loop; see [`super::peak_loop`].
pub fn peak_loop(_which: u8, iterations: u32) -> (u64, f32) {
    peak(iterations)
}
