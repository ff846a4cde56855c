//! WebAssembly simd128 kernels. Matrix–matrix kernels are vectorised along `N`
//! (the dense dimension): a weight is broadcast to four lanes and multiplied
//! into four consecutive entries of a row of `X`, so every load is contiguous
//! and no gathers are needed (XNNPACK's sparse-kernel scheme). Accumulators for
//! 16 (CSR, 2:4) or 4 × 8 (dense, blocked) outputs stay in registers across the
//! whole inner dimension. Columns left over (`N mod 4`) take the scalar path.
//! With `N = 1` the matrix–vector kernels run instead, vectorised along `K`.
//!
//! Safety: every pointer offset below is in bounds because the formats'
//! constructors validated their indices against the matrix shape and the
//! entry points checked that `W`, `X` and `Y` chain.

// Index loops mirror the kernels' arithmetic (entry j, block b, column k).
#![allow(clippy::needless_range_loop)]

use core::arch::wasm32::*;

use super::{check_mm, check_mv};
use crate::formats::{PATTERNS, SORTED_BLOCK};
use crate::{BlockShape, Bsr, Csr, Dense, Error, TwoFour, TwoFourSorted};

#[inline(always)]
unsafe fn ld(p: *const f32) -> v128 {
    // SAFETY: the caller guarantees four readable f32 at `p`; wasm loads need no alignment.
    unsafe { v128_load(p as *const v128) }
}

#[inline(always)]
unsafe fn st(p: *mut f32, v: v128) {
    // SAFETY: the caller guarantees four writable f32 at `p`.
    unsafe { v128_store(p as *mut v128, v) }
}

#[inline(always)]
fn madd(acc: v128, a: v128, b: v128) -> v128 {
    f32x4_add(acc, f32x4_mul(a, b))
}

#[inline(always)]
fn hsum(v: v128) -> f32 {
    f32x4_extract_lane::<0>(v)
        + f32x4_extract_lane::<1>(v)
        + f32x4_extract_lane::<2>(v)
        + f32x4_extract_lane::<3>(v)
}

pub fn gemv(w: &Dense, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    check_mv((w.rows(), w.cols()), x, y)?;
    let k_dim = w.cols();
    let xp = x.as_ptr();
    for (m, out) in y.iter_mut().enumerate() {
        let wr = w.row(m).as_ptr();
        let (mut a0, mut a1, mut a2, mut a3) = (
            f32x4_splat(0.0),
            f32x4_splat(0.0),
            f32x4_splat(0.0),
            f32x4_splat(0.0),
        );
        let mut k = 0;
        // SAFETY: k + 16 ≤ K (resp. k + 4 ≤ K) keeps every load inside the row and x.
        unsafe {
            while k + 16 <= k_dim {
                a0 = madd(a0, ld(wr.add(k)), ld(xp.add(k)));
                a1 = madd(a1, ld(wr.add(k + 4)), ld(xp.add(k + 4)));
                a2 = madd(a2, ld(wr.add(k + 8)), ld(xp.add(k + 8)));
                a3 = madd(a3, ld(wr.add(k + 12)), ld(xp.add(k + 12)));
                k += 16;
            }
            while k + 4 <= k_dim {
                a0 = madd(a0, ld(wr.add(k)), ld(xp.add(k)));
                k += 4;
            }
        }
        let mut acc = hsum(f32x4_add(f32x4_add(a0, a1), f32x4_add(a2, a3)));
        for kk in k..k_dim {
            acc += w.row(m)[kk] * x[kk];
        }
        *out = acc;
    }
    Ok(())
}

/// `R` rows of `Y` from `m`, columns `0..n_end` (a multiple of 4): 8 columns at
/// a time, then 4. Row k of X's columns `n..n + 8` starts at
/// `xd + (n / 8)·chunk + k·xs + n % 8` (X as it is: `chunk` 8 and `xs` N; packed
/// in panels of 8 columns: `chunk` 8·K and `xs` 8); Y rows are `ys` floats apart.
#[inline(always)]
unsafe fn gemm_rows<const R: usize>(
    wd: *const f32,
    (xd, xs, chunk): (*const f32, usize, usize),
    (yd, ys): (*mut f32, usize),
    m: usize,
    k_dim: usize,
    n_end: usize,
) {
    let mut n = 0;
    // SAFETY: rows m..m+R exist; n + 8 (resp. n + 4) ≤ n_end ≤ the rows' width
    // keeps loads and stores in the rows.
    unsafe {
        while n + 8 <= n_end {
            let mut acc = [[f32x4_splat(0.0); 2]; R];
            let xc = xd.add((n / 8) * chunk);
            for k in 0..k_dim {
                let xp = xc.add(k * xs);
                let (x0, x1) = (ld(xp), ld(xp.add(4)));
                for (r, a) in acc.iter_mut().enumerate() {
                    let wv = f32x4_splat(*wd.add((m + r) * k_dim + k));
                    a[0] = madd(a[0], wv, x0);
                    a[1] = madd(a[1], wv, x1);
                }
            }
            for (r, a) in acc.iter().enumerate() {
                let yp = yd.add((m + r) * ys + n);
                st(yp, a[0]);
                st(yp.add(4), a[1]);
            }
            n += 8;
        }
        if n + 4 <= n_end {
            let mut acc = [f32x4_splat(0.0); R];
            let xc = xd.add((n / 8) * chunk + n % 8);
            for k in 0..k_dim {
                let x0 = ld(xc.add(k * xs));
                for (r, a) in acc.iter_mut().enumerate() {
                    *a = madd(*a, f32x4_splat(*wd.add((m + r) * k_dim + k)), x0);
                }
            }
            for (r, a) in acc.iter().enumerate() {
                st(yd.add((m + r) * ys + n), *a);
            }
        }
    }
}

/// Every row of `Y`, columns `0..n_end`: register tiles of 4 rows, then one row
/// at a time. X and Y are (pointer, row stride in floats).
fn gemm_all_rows(w: &Dense, x: (*const f32, usize, usize), y: (*mut f32, usize), n_end: usize) {
    let (m_dim, k_dim, wd) = (w.rows(), w.cols(), w.data().as_ptr());
    let mut m = 0;
    // SAFETY: the callers pass X with K rows and Y with M rows, each at least
    // n_end wide.
    unsafe {
        while m + 4 <= m_dim {
            gemm_rows::<4>(wd, x, y, m, k_dim, n_end);
            m += 4;
        }
        while m < m_dim {
            gemm_rows::<1>(wd, x, y, m, k_dim, n_end);
            m += 1;
        }
    }
}

pub fn gemm(w: &Dense, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let (m_dim, k_dim, n_dim) = (w.rows(), w.cols(), x.cols());
    if n_dim == 1 {
        return gemv(w, x.data(), y.data_mut());
    }
    // X in panels of 8 columns, each K × 8 and contiguous, so that each
    // panel streams in order while the rows of W pass (read a row stride
    // apart, every load of X was a cache line of its own).
    let whole = n_dim / 8 * 8;
    if whole > 0 {
        let mut packed = vec![0.0f32; k_dim * whole];
        for (c, panel) in packed.chunks_exact_mut((k_dim * 8).max(8)).enumerate() {
            for (k, dst) in panel.chunks_exact_mut(8).enumerate() {
                dst.copy_from_slice(&x.data()[k * n_dim + 8 * c..k * n_dim + 8 * c + 8]);
            }
        }
        gemm_all_rows(
            w,
            (packed.as_ptr(), 8, k_dim * 8),
            (y.data_mut().as_mut_ptr(), n_dim),
            whole,
        );
    }
    // The last 1–7 columns: copied into a panel 4 or 8 wide (zeros beyond
    // them), multiplied by the vector path, and only they copied back.
    if whole < n_dim {
        let width = n_dim - whole;
        let wide = if width <= 4 { 4 } else { 8 };
        let mut panel = vec![0.0f32; k_dim * wide];
        for (k, dst) in panel.chunks_exact_mut(wide).enumerate() {
            dst[..width].copy_from_slice(&x.data()[k * n_dim + whole..(k + 1) * n_dim]);
        }
        let mut out = vec![0.0f32; m_dim * wide];
        gemm_all_rows(w, (panel.as_ptr(), wide, 8), (out.as_mut_ptr(), wide), wide);
        let yd = y.data_mut();
        for (m, o) in out.chunks_exact(wide).enumerate() {
            yd[m * n_dim + whole..(m + 1) * n_dim].copy_from_slice(&o[..width]);
        }
    }
    Ok(())
}

pub fn csr_spmv(w: &Csr, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    check_mv((w.rows(), w.cols()), x, y)?;
    let (ptr, col, val) = (w.row_ptr(), w.col_idx(), w.values());
    for (m, out) in y.iter_mut().enumerate() {
        let (mut j, end) = (ptr[m] as usize, ptr[m + 1] as usize);
        let (mut a0, mut a1) = (f32x4_splat(0.0), f32x4_splat(0.0));
        let g = |j: usize| x[col[j] as usize];
        // SAFETY: j + 8 (resp. j + 4) ≤ end ≤ nnz keeps the value loads in bounds.
        unsafe {
            while j + 8 <= end {
                a0 = madd(
                    a0,
                    ld(val.as_ptr().add(j)),
                    f32x4(g(j), g(j + 1), g(j + 2), g(j + 3)),
                );
                a1 = madd(
                    a1,
                    ld(val.as_ptr().add(j + 4)),
                    f32x4(g(j + 4), g(j + 5), g(j + 6), g(j + 7)),
                );
                j += 8;
            }
            while j + 4 <= end {
                a0 = madd(
                    a0,
                    ld(val.as_ptr().add(j)),
                    f32x4(g(j), g(j + 1), g(j + 2), g(j + 3)),
                );
                j += 4;
            }
        }
        let mut acc = hsum(f32x4_add(a0, a1));
        for jj in j..end {
            acc += val[jj] * g(jj);
        }
        *out = acc;
    }
    Ok(())
}

/// Panel width: columns of X copied into a contiguous buffer before the rows
/// of W stream past them, so the panel stays in L1 instead of being fetched
/// from a row stride of N floats (which also aliases cache sets).
const PANEL: usize = 16;

/// Copies columns `n..n + PANEL` of X (K × N) into `panel` (K × PANEL).
fn pack(x: &Dense, n: usize, panel: &mut [f32]) {
    let n_dim = x.cols();
    for (k, dst) in panel.chunks_exact_mut(PANEL).enumerate() {
        dst.copy_from_slice(&x.data()[k * n_dim + n..k * n_dim + n + PANEL]);
    }
}

/// One row of `Y`, `4·NV` columns: `NV` accumulators across the row's entries;
/// X rows start at `xp + col · xs`.
#[inline(always)]
unsafe fn csr_row<const NV: usize>(
    val: &[f32],
    col: &[u32],
    range: (usize, usize),
    xp: *const f32,
    xs: usize,
    yp: *mut f32,
) {
    let mut acc = [f32x4_splat(0.0); NV];
    // SAFETY: the caller passes a valid entry range and 4·NV readable columns
    // from every row start; col[j] < K.
    unsafe {
        for j in range.0..range.1 {
            let wv = f32x4_splat(*val.get_unchecked(j));
            let p = xp.add(*col.get_unchecked(j) as usize * xs);
            for (v, a) in acc.iter_mut().enumerate() {
                *a = madd(*a, wv, ld(p.add(4 * v)));
            }
        }
        for (v, a) in acc.iter().enumerate() {
            st(yp.add(4 * v), *a);
        }
    }
}

pub fn csr_spmm(w: &Csr, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let (k_dim, n_dim) = (w.cols(), x.cols());
    if n_dim == 1 {
        return csr_spmv(w, x.data(), y.data_mut());
    }
    let (ptr, col, val) = (w.row_ptr(), w.col_idx(), w.values());
    let range = |m: usize| (ptr[m] as usize, ptr[m + 1] as usize);
    let mut panel = vec![0.0f32; if n_dim >= PANEL { k_dim * PANEL } else { 0 }];
    let (xd, yd) = (x.data().as_ptr(), y.data_mut().as_mut_ptr());
    let mut n = 0;
    // SAFETY: panels and tails stay within N; rows' entries are validated.
    unsafe {
        while n + PANEL <= n_dim {
            pack(x, n, &mut panel);
            for m in 0..w.rows() {
                csr_row::<4>(
                    val,
                    col,
                    range(m),
                    panel.as_ptr(),
                    PANEL,
                    yd.add(m * n_dim + n),
                );
            }
            n += PANEL;
        }
        while n + 4 <= n_dim {
            for m in 0..w.rows() {
                csr_row::<1>(val, col, range(m), xd.add(n), n_dim, yd.add(m * n_dim + n));
            }
            n += 4;
        }
        for m in 0..w.rows() {
            for nn in n..n_dim {
                let mut acc = 0.0f32;
                for j in range(m).0..range(m).1 {
                    acc += val[j] * *xd.add(col[j] as usize * n_dim + nn);
                }
                *yd.add(m * n_dim + nn) = acc;
            }
        }
    }
    Ok(())
}

/// Blocked CSR with `BR × BC` blocks: a block row's `BR` output rows × `NV`
/// vectors of columns in registers; each loaded vector of `X` serves `BR`
/// weights. Column panels outside, block rows inside (see `csr_spmm`).
#[inline(always)]
fn bsr_blocks<const BR: usize, const BC: usize, const NV: usize>(
    w: &Bsr,
    x: &Dense,
    y: &mut Dense,
) {
    let (m_dim, k_dim, n_dim) = (w.rows(), w.cols(), x.cols());
    let (ptr, bcol, val) = (w.block_ptr(), w.block_col(), w.values());
    let (xd, yd) = (x.data().as_ptr(), y.data_mut().as_mut_ptr());
    let vp = val.as_ptr();
    let block_rows = m_dim.div_ceil(BR);
    let width = 4 * NV;
    let mut n = 0;
    // SAFETY: block columns are validated (k0 < K) and `BC.min(K - k0)` stops at K;
    // only rows below M are stored; n + width (resp. n + 4) ≤ N.
    unsafe {
        while n + width <= n_dim {
            for bm in 0..block_rows {
                let rows_here = BR.min(m_dim - bm * BR);
                let mut acc = [[f32x4_splat(0.0); NV]; BR];
                for b in ptr[bm] as usize..ptr[bm + 1] as usize {
                    let k0 = *bcol.get_unchecked(b) as usize * BC;
                    for c in 0..BC.min(k_dim - k0) {
                        let xp = xd.add((k0 + c) * n_dim + n);
                        let mut xv = [f32x4_splat(0.0); NV];
                        for (v, xvv) in xv.iter_mut().enumerate() {
                            *xvv = ld(xp.add(4 * v));
                        }
                        for (r, a) in acc.iter_mut().enumerate() {
                            let wv = f32x4_splat(*vp.add(b * BR * BC + r * BC + c));
                            for v in 0..NV {
                                a[v] = madd(a[v], wv, xv[v]);
                            }
                        }
                    }
                }
                for (r, a) in acc.iter().enumerate().take(rows_here) {
                    let yp = yd.add((bm * BR + r) * n_dim + n);
                    for (v, av) in a.iter().enumerate() {
                        st(yp.add(4 * v), *av);
                    }
                }
            }
            n += width;
        }
        while n + 4 <= n_dim {
            for bm in 0..block_rows {
                let rows_here = BR.min(m_dim - bm * BR);
                let mut acc = [f32x4_splat(0.0); BR];
                for b in ptr[bm] as usize..ptr[bm + 1] as usize {
                    let k0 = *bcol.get_unchecked(b) as usize * BC;
                    for c in 0..BC.min(k_dim - k0) {
                        let x0 = ld(xd.add((k0 + c) * n_dim + n));
                        for (r, a) in acc.iter_mut().enumerate() {
                            *a = madd(*a, f32x4_splat(*vp.add(b * BR * BC + r * BC + c)), x0);
                        }
                    }
                }
                for (r, a) in acc.iter().enumerate().take(rows_here) {
                    st(yd.add((bm * BR + r) * n_dim + n), *a);
                }
            }
            n += 4;
        }
        if n < n_dim {
            for bm in 0..block_rows {
                bsr_tail::<BR, BC>(w, x, yd, bm, BR.min(m_dim - bm * BR), n);
            }
        }
    }
}

/// Columns `n0..N` of one block row, one output at a time; with `N = 1` and
/// 1×4 or 4×1 blocks, vectorised along the block instead.
#[inline(always)]
unsafe fn bsr_tail<const BR: usize, const BC: usize>(
    w: &Bsr,
    x: &Dense,
    yd: *mut f32,
    bm: usize,
    rows_here: usize,
    n0: usize,
) {
    let (k_dim, n_dim) = (w.cols(), x.cols());
    let (ptr, bcol, val) = (w.block_ptr(), w.block_col(), w.values());
    let xd = x.data();
    let (start, end) = (ptr[bm] as usize, ptr[bm + 1] as usize);
    // SAFETY: as in `bsr_blocks`; the vector paths only take whole blocks.
    unsafe {
        if n_dim == 1 && BR == 1 && BC == 4 {
            let mut acc = f32x4_splat(0.0);
            let mut rest = 0.0f32;
            for b in start..end {
                let k0 = bcol[b] as usize * 4;
                if k0 + 4 <= k_dim {
                    acc = madd(acc, ld(val.as_ptr().add(b * 4)), ld(xd.as_ptr().add(k0)));
                } else {
                    for c in 0..k_dim - k0 {
                        rest += val[b * 4 + c] * xd[k0 + c];
                    }
                }
            }
            *yd.add(bm) = hsum(acc) + rest;
            return;
        }
        if n_dim == 1 && BR == 4 && BC == 1 {
            let mut acc = f32x4_splat(0.0);
            for b in start..end {
                let k = bcol[b] as usize;
                acc = madd(acc, ld(val.as_ptr().add(b * 4)), f32x4_splat(xd[k]));
            }
            let lanes = [
                f32x4_extract_lane::<0>(acc),
                f32x4_extract_lane::<1>(acc),
                f32x4_extract_lane::<2>(acc),
                f32x4_extract_lane::<3>(acc),
            ];
            for (r, v) in lanes.iter().enumerate().take(rows_here) {
                *yd.add(bm * 4 + r) = *v;
            }
            return;
        }
        for r in 0..rows_here {
            for nn in n0..n_dim {
                let mut acc = 0.0f32;
                for b in start..end {
                    let k0 = bcol[b] as usize * BC;
                    for c in 0..BC.min(k_dim - k0) {
                        acc += val[b * BR * BC + r * BC + c] * xd[(k0 + c) * n_dim + nn];
                    }
                }
                *yd.add((bm * BR + r) * n_dim + nn) = acc;
            }
        }
    }
}

pub fn bsr_spmm(w: &Bsr, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    match w.shape() {
        BlockShape::B1x4 => bsr_blocks::<1, 4, 4>(w, x, y),
        BlockShape::B4x1 => bsr_blocks::<4, 1, 2>(w, x, y),
        BlockShape::B2x2 => bsr_blocks::<2, 2, 4>(w, x, y),
        BlockShape::B4x4 => bsr_blocks::<4, 4, 2>(w, x, y),
    }
    Ok(())
}

/// Byte shuffles that move lanes `a` and `b` of a 4-lane vector into lanes
/// `first` and `first + 1`, zeroing the other two (index 0x80 selects zero).
const fn lane_masks(first: usize) -> [[u8; 16]; 16] {
    let mut table = [[0x80u8; 16]; 16];
    let mut nibble = 0;
    while nibble < 16 {
        let (a, b) = (nibble & 3, nibble >> 2);
        let mut i = 0;
        while i < 4 {
            table[nibble][first * 4 + i] = (a * 4 + i) as u8;
            table[nibble][(first + 1) * 4 + i] = (b * 4 + i) as u8;
            i += 1;
        }
        nibble += 1;
    }
    table
}

static LOW_LANES: [[u8; 16]; 16] = lane_masks(0);
static HIGH_LANES: [[u8; 16]; 16] = lane_masks(2);

/// 2:4 times a vector: two groups per step. Each group's four entries of x are
/// one contiguous load; a byte shuffle chosen by the group's metadata picks the
/// two kept positions, so the four kept weights meet their x values in one
/// multiply without per-lane inserts.
fn two_four_spmv(w: &TwoFour, x: &[f32], y: &mut [f32]) {
    let k_dim = w.cols();
    let g = TwoFour::groups_per_row(k_dim);
    let full = k_dim / 4;
    let val = w.values();
    for (m, out) in y.iter_mut().enumerate() {
        let base = m * g;
        let (mut a0, mut a1) = (f32x4_splat(0.0), f32x4_splat(0.0));
        let mut group = 0;
        // SAFETY: groups below `full` lie inside x; values 2i..2i+4 belong to
        // groups i and i + 1 of this row; the tables have 16 entries.
        unsafe {
            while group + 4 <= full {
                let i = base + group;
                let k0 = group * 4;
                let lo = i8x16_swizzle(
                    ld(x.as_ptr().add(k0)),
                    v128_load(LOW_LANES[w.nibble(i)].as_ptr() as *const v128),
                );
                let hi = i8x16_swizzle(
                    ld(x.as_ptr().add(k0 + 4)),
                    v128_load(HIGH_LANES[w.nibble(i + 1)].as_ptr() as *const v128),
                );
                a0 = madd(a0, ld(val.as_ptr().add(2 * i)), v128_or(lo, hi));
                let lo = i8x16_swizzle(
                    ld(x.as_ptr().add(k0 + 8)),
                    v128_load(LOW_LANES[w.nibble(i + 2)].as_ptr() as *const v128),
                );
                let hi = i8x16_swizzle(
                    ld(x.as_ptr().add(k0 + 12)),
                    v128_load(HIGH_LANES[w.nibble(i + 3)].as_ptr() as *const v128),
                );
                a1 = madd(a1, ld(val.as_ptr().add(2 * i + 4)), v128_or(lo, hi));
                group += 4;
            }
        }
        let mut rest = 0.0f32;
        for gr in group..g {
            for (k, v) in w.kept(base + gr, gr) {
                if k < k_dim {
                    rest += v * x[k];
                }
            }
        }
        *out = hsum(f32x4_add(a0, a1)) + rest;
    }
}

/// One 2:4 group added to `acc`: its two weights at `v` (each loaded straight
/// into four lanes), its two 2-bit positions in the low nibble of `nibble`, its
/// four rows of X from `xg`, `xs` apart. By value, so that the accumulators are
/// never borrowed and stay in registers.
#[inline(always)]
unsafe fn two_four_group<const NV: usize>(
    mut acc: [v128; NV],
    nibble: usize,
    xg: *const f32,
    xs: usize,
    v: *const f32,
) -> [v128; NV] {
    // SAFETY: the caller passes a whole group: both positions are rows of X with
    // 4·NV readable columns, and two weights at `v`.
    unsafe {
        let pa = xg.add((nibble & 3) * xs);
        let pb = xg.add(((nibble >> 2) & 3) * xs);
        let (w0, w1) = (
            v128_load32_splat(v.cast()),
            v128_load32_splat(v.add(1).cast()),
        );
        for (i, a) in acc.iter_mut().enumerate() {
            *a = madd(madd(*a, w0, ld(pa.add(4 * i))), w1, ld(pb.add(4 * i)));
        }
    }
    acc
}

/// One row of `Y`, `4·NV` columns: the row's whole groups and its partial last
/// group (if `K` is not a multiple of four). X rows start at `xp + k · xs`; a
/// panel passes its stride as `XS` too (a constant: shifts instead of
/// multiplies), other callers `XS = 0`. Two groups per step share one metadata
/// byte.
#[inline(always)]
unsafe fn two_four_row<const NV: usize, const XS: usize>(
    w: &TwoFour,
    m: usize,
    xp: *const f32,
    xs: usize,
) -> [v128; NV] {
    let xs = if XS == 0 { xs } else { XS };
    let k_dim = w.cols();
    let (g, full) = (TwoFour::groups_per_row(k_dim), k_dim / 4);
    let base = m * g;
    let mut acc = [f32x4_splat(0.0); NV];
    // SAFETY: whole groups (below K / 4) have both positions below K; 4·NV
    // columns are readable from every row start; metadata and weights of the
    // row's groups exist (indices below rows · groups).
    unsafe {
        let (meta, vals) = (w.meta().as_ptr(), w.values().as_ptr().add(2 * base));
        let mut group = 0;
        // A row starting at an odd group has the high nibble of a byte first.
        if base % 2 == 1 && full > 0 {
            acc = two_four_group(acc, (*meta.add(base / 2) >> 4) as usize, xp, xs, vals);
            group = 1;
        }
        while group + 2 <= full {
            let byte = *meta.add((base + group) / 2) as usize;
            let xg = xp.add(4 * group * xs);
            acc = two_four_group(acc, byte & 0xF, xg, xs, vals.add(2 * group));
            acc = two_four_group(acc, byte >> 4, xg.add(4 * xs), xs, vals.add(2 * group + 2));
            group += 2;
        }
        // The last whole group, alone in the low nibble of its byte.
        if group < full {
            let nibble = (*meta.add((base + group) / 2) & 0xF) as usize;
            acc = two_four_group(acc, nibble, xp.add(4 * group * xs), xs, vals.add(2 * group));
        }
    }
    // The partial last group: its positions past K hold zero weights and are skipped.
    if full < g {
        for (k, wk) in w.kept(base + full, full) {
            if k < k_dim {
                for (i, a) in acc.iter_mut().enumerate() {
                    // SAFETY: k < K and 4·NV columns are readable from each row start.
                    *a = madd(*a, f32x4_splat(wk), unsafe { ld(xp.add(k * xs + 4 * i)) });
                }
            }
        }
    }
    acc
}

/// The whole panels of `Y = W·X` when every row has an even number of groups
/// and no partial one (`K` a multiple of 8, as in every model's layers): each
/// row's metadata starts on a byte, two groups per byte. One function with the
/// panels, the rows and the groups as its only loops, so that V8 keeps the four
/// accumulators, the weights and the row offsets in registers (the same loop in
/// the larger entry function spilled them on every step). Returns the columns done.
#[inline(never)]
fn two_four_panels_paired(w: &TwoFour, x: &Dense, y: &mut Dense) -> usize {
    let (k_dim, n_dim) = (w.cols(), x.cols());
    let g = k_dim / 4;
    let mut panel = vec![0.0f32; k_dim * PANEL];
    let (meta, vals) = (w.meta(), w.values());
    let mut n = 0;
    while n + PANEL <= n_dim {
        pack(x, n, &mut panel);
        for m in 0..w.rows() {
            let mut acc = [f32x4_splat(0.0); 4];
            // SAFETY: row m's g groups have g / 2 metadata bytes from byte m · g / 2
            // and 2g weights; each pair's eight rows of the panel exist
            // (positions < K); Y has the panel's columns on row m.
            unsafe {
                let mp = meta.as_ptr().add(m * g / 2);
                let v0 = vals.as_ptr().add(2 * m * g);
                let mut xg = panel.as_ptr();
                let mut group = 0;
                while group + 2 <= g {
                    let byte = *mp.add(group / 2) as usize;
                    let v = v0.add(2 * group);
                    acc = two_four_group(acc, byte & 0xF, xg, PANEL, v);
                    acc = two_four_group(acc, byte >> 4, xg.add(4 * PANEL), PANEL, v.add(2));
                    xg = xg.add(8 * PANEL);
                    group += 2;
                }
                let yp = y.data_mut().as_mut_ptr().add(m * n_dim + n);
                for (i, a) in acc.iter().enumerate() {
                    st(yp.add(4 * i), *a);
                }
            }
        }
        n += PANEL;
    }
    n
}

pub fn two_four_spmm(w: &TwoFour, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let (k_dim, n_dim) = (w.cols(), x.cols());
    if n_dim == 1 {
        two_four_spmv(w, x.data(), y.data_mut());
        return Ok(());
    }
    let g = TwoFour::groups_per_row(k_dim);
    let xd = x.data().as_ptr();
    let mut n = 0;
    if g.is_multiple_of(2) && g == k_dim / 4 {
        n = two_four_panels_paired(w, x, y);
    }
    let yd = y.data_mut().as_mut_ptr();
    let mut panel = vec![0.0f32; if n + PANEL <= n_dim { k_dim * PANEL } else { 0 }];
    // SAFETY: panels and tails stay within N; rows and groups are in range.
    unsafe {
        while n + PANEL <= n_dim {
            pack(x, n, &mut panel);
            for m in 0..w.rows() {
                let acc = two_four_row::<4, PANEL>(w, m, panel.as_ptr(), PANEL);
                for (v, a) in acc.iter().enumerate() {
                    st(yd.add(m * n_dim + n + 4 * v), *a);
                }
            }
            n += PANEL;
        }
        while n + 4 <= n_dim {
            for m in 0..w.rows() {
                let acc = two_four_row::<1, 0>(w, m, xd.add(n), n_dim);
                st(yd.add(m * n_dim + n), acc[0]);
            }
            n += 4;
        }
        for m in 0..w.rows() {
            for nn in n..n_dim {
                let mut acc = 0.0f32;
                for group in 0..g {
                    for (k, v) in w.kept(m * g + group, group) {
                        if k < k_dim {
                            acc += v * *xd.add(k * n_dim + nn);
                        }
                    }
                }
                *yd.add(m * n_dim + nn) = acc;
            }
        }
    }
    Ok(())
}

/// Six f32x4 multiply chains beside six add chains, unrolled twice (simd128 has
/// no fused multiply-add: a kernel's multiply-add is a multiply and an add).
/// Twelve chains and two constants fit the 16 vector registers of x86-64, where
/// V8 runs it; on the benchmark machine this loop is faster than twelve
/// multiply-then-add chains ([`peak_loop`] times each). See [`super::peak`].
pub fn peak(iterations: u32) -> (u64, f32) {
    (
        u64::from(iterations) * 96,
        chains_split(iterations, 0.999_999_9, 1e-7),
    )
}

/// Which of [`peak`]'s loops to time alone: 0 the multiply-then-add chains, 1 the split ones.
pub fn peak_loop(which: u8, iterations: u32) -> (u64, f32) {
    let v = if which == 0 {
        chains_madd(iterations, 0.999_999_9, 1e-7)
    } else {
        chains_split(iterations, 0.999_999_9, 1e-7)
    };
    (u64::from(iterations) * 96, v)
}

#[inline(never)]
fn chains_madd(iterations: u32, m: f32, a: f32) -> f32 {
    let (m, a) = (f32x4_splat(m), f32x4_splat(a));
    let mut c = [f32x4_splat(0.0); 6];
    for _ in 0..iterations {
        for _ in 0..2 {
            for v in &mut c {
                *v = madd(a, *v, m);
            }
        }
    }
    hsum(c.iter().fold(f32x4_splat(0.0), |s, v| f32x4_add(s, *v)))
}

#[inline(never)]
fn chains_split(iterations: u32, m: f32, a: f32) -> f32 {
    let (k, d) = (f32x4_splat(m), f32x4_splat(a));
    let mut p = [f32x4_splat(1.0); 6];
    let mut q = [f32x4_splat(0.0); 6];
    for _ in 0..iterations {
        for _ in 0..2 {
            p[0] = f32x4_mul(p[0], k);
            q[0] = f32x4_add(q[0], d);
            p[1] = f32x4_mul(p[1], k);
            q[1] = f32x4_add(q[1], d);
            p[2] = f32x4_mul(p[2], k);
            q[2] = f32x4_add(q[2], d);
            p[3] = f32x4_mul(p[3], k);
            q[3] = f32x4_add(q[3], d);
            p[4] = f32x4_mul(p[4], k);
            q[4] = f32x4_add(q[4], d);
            p[5] = f32x4_mul(p[5], k);
            q[5] = f32x4_add(q[5], d);
        }
    }
    hsum(
        p.iter()
            .chain(&q)
            .fold(f32x4_splat(0.0), |s, v| f32x4_add(s, *v)),
    )
}

/// Copies columns `n..n + width` of X (K × N, `width` ≤ `4·NV`) into `panel`
/// (rows of `4·NV` floats), the columns past `width` and the rows past K zero.
fn pack_padded<const NV: usize>(x: &Dense, n: usize, width: usize, panel: &mut [f32]) {
    let n_dim = x.cols();
    for (k, dst) in panel.chunks_exact_mut(4 * NV).enumerate() {
        if k < x.rows() {
            dst[..width].copy_from_slice(&x.data()[k * n_dim + n..k * n_dim + n + width]);
            dst[width..].fill(0.0);
        } else {
            dst.fill(0.0);
        }
    }
}

/// One panel of `Y = W·X` over a [`TwoFourSorted`] matrix, `4·NV` columns:
/// block by block into `block` (rows of `4·NV` outputs), group by group and
/// pattern by pattern. A pattern's two rows of the panel (`2·NV` vectors) are
/// loaded once; each row of its list then adds its two weights' products to its
/// outputs in `block`, which stays in L1. Each output sums its groups in order,
/// first kept weight before second, as [`two_four_spmm`] does.
#[inline(never)]
fn two_four_sorted_panel<const NV: usize>(
    w: &TwoFourSorted,
    panel: &[f32],
    block: &mut [f32],
    mut out: impl FnMut(usize, &[f32]),
) {
    let g = TwoFour::groups_per_row(w.cols());
    let (counts, places, vals) = (w.counts(), w.places(), w.values());
    debug_assert!(panel.len() >= 4 * g * 4 * NV && block.len() >= SORTED_BLOCK * 4 * NV);
    let (mut c, mut j) = (0usize, 0usize);
    for r0 in (0..w.rows()).step_by(SORTED_BLOCK) {
        let r1 = (r0 + SORTED_BLOCK).min(w.rows());
        block.fill(0.0);
        let bp = block.as_mut_ptr();
        for group in 0..g {
            let xg = panel[4 * group * 4 * NV..].as_ptr();
            for &(first, second) in &PATTERNS {
                let len = usize::from(counts[c]);
                c += 1;
                if len == 0 {
                    continue;
                }
                // SAFETY: positions are below 4 and the panel has 4·g rows of
                // 4·NV floats; every place is below the block's rows, and every
                // listed row has two values (TwoFourSorted's construction).
                unsafe {
                    let pa = xg.add(usize::from(first) * 4 * NV);
                    let pb = xg.add(usize::from(second) * 4 * NV);
                    let a: [v128; NV] = core::array::from_fn(|i| ld(pa.add(4 * i)));
                    let b: [v128; NV] = core::array::from_fn(|i| ld(pb.add(4 * i)));
                    let pl = places.as_ptr().add(j);
                    let v = vals.as_ptr().add(2 * j);
                    for e in 0..len {
                        let yp = bp.add(usize::from(*pl.add(e)) * 4 * NV);
                        let w0 = v128_load32_splat(v.add(2 * e).cast());
                        let w1 = v128_load32_splat(v.add(2 * e + 1).cast());
                        for i in 0..NV {
                            st(
                                yp.add(4 * i),
                                madd(madd(ld(yp.add(4 * i)), w0, a[i]), w1, b[i]),
                            );
                        }
                    }
                }
                j += len;
            }
        }
        for r in r0..r1 {
            out(r, &block[(r - r0) * 4 * NV..(r - r0 + 1) * 4 * NV]);
        }
    }
}

/// `Y = W·X` over a [`TwoFourSorted`] matrix: panels of 16 columns, then the
/// last 1–15 in one panel of 4, 8, 12 or 16 (padded with zero columns).
pub fn two_four_sorted_spmm(w: &TwoFourSorted, x: &Dense, y: &mut Dense) -> Result<(), Error> {
    check_mm((w.rows(), w.cols()), x, y)?;
    let (k_dim, n_dim) = (w.cols(), x.cols());
    let rows = 4 * TwoFour::groups_per_row(k_dim);
    let mut panel = vec![0.0f32; rows * PANEL];
    let mut block = vec![0.0f32; SORTED_BLOCK * PANEL];
    let yd = y.data_mut();
    let mut n = 0;
    while n + PANEL <= n_dim {
        pack_padded::<4>(x, n, PANEL, &mut panel);
        two_four_sorted_panel::<4>(w, &panel, &mut block, |r, o| {
            yd[r * n_dim + n..r * n_dim + n + PANEL].copy_from_slice(o);
        });
        n += PANEL;
    }
    // The last 1–15 columns in one panel as wide as they need, in whole vectors
    // (zeros beyond them): one pass over the weights, not one per four columns.
    if n < n_dim {
        let width = n_dim - n;
        let mut tail = |r: usize, o: &[f32]| {
            yd[r * n_dim + n..(r + 1) * n_dim].copy_from_slice(&o[..width]);
        };
        match width.div_ceil(4) {
            1 => {
                pack_padded::<1>(x, n, width, &mut panel[..rows * 4]);
                let (p, b) = (&panel[..rows * 4], &mut block[..SORTED_BLOCK * 4]);
                two_four_sorted_panel::<1>(w, p, b, &mut tail);
            }
            2 => {
                pack_padded::<2>(x, n, width, &mut panel[..rows * 8]);
                let (p, b) = (&panel[..rows * 8], &mut block[..SORTED_BLOCK * 8]);
                two_four_sorted_panel::<2>(w, p, b, &mut tail);
            }
            3 => {
                pack_padded::<3>(x, n, width, &mut panel[..rows * 12]);
                let (p, b) = (&panel[..rows * 12], &mut block[..SORTED_BLOCK * 12]);
                two_four_sorted_panel::<3>(w, p, b, &mut tail);
            }
            _ => {
                pack_padded::<4>(x, n, width, &mut panel);
                two_four_sorted_panel::<4>(w, &panel, &mut block, &mut tail);
            }
        }
    }
    Ok(())
}
