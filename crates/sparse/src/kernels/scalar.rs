//! Scalar reference kernels: plain loops, one output element at a time, summing
//! over the inner dimension in index order. They define the results the SIMD
//! kernels must reproduce.

use super::{check_mm, check_mv};
use crate::{Bsr, Csr, Dense, Error, TwoFour};

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
