//! Exact storage of each format, and the sparsity at which a sparse format
//! starts to take less memory than dense.
//!
//! `v` is the value size and `i` the index size in bytes (f32 and u32: 4 and 4).

use crate::BlockShape;

/// Dense: `rows · cols · v`.
pub fn dense(rows: u64, cols: u64, v: u64) -> u64 {
    rows * cols * v
}

/// CSR: `nnz · (v + i)` for values and column indices, `(rows + 1) · i` for row pointers.
pub fn csr(rows: u64, nnz: u64, v: u64, i: u64) -> u64 {
    nnz * (v + i) + (rows + 1) * i
}

/// Blocked CSR: every stored block holds `br · bc` values and one column index;
/// `ceil(rows / br) + 1` block-row pointers.
pub fn bsr(rows: u64, shape: BlockShape, blocks: u64, v: u64, i: u64) -> u64 {
    let (br, bc) = (shape.rows() as u64, shape.cols() as u64);
    blocks * (br * bc * v + i) + (rows.div_ceil(br) + 1) * i
}

/// 2:4: per group of four columns, two values of `value_bits` and 2 × 2 bits of
/// positions: `ceil(rows · ceil(cols / 4) · (2·value_bits + 4) / 8)`.
/// For f32 that is 68 of every 128 bits: 53.125 % of dense.
pub fn two_four(rows: u64, cols: u64, value_bits: u64) -> u64 {
    (rows * cols.div_ceil(4) * (2 * value_bits + 4)).div_ceil(8)
}

/// 2:4 with its rows sorted by pattern for SpMM ([`crate::TwoFourSorted`]): per
/// row and group, two values of `value_bits` and the row's place in its block of
/// 256 (one byte); per block and group, six list lengths of two bytes:
/// `rows · ⌈cols / 4⌉ · (2·value_bits / 8 + 1) + ⌈rows / 256⌉ · ⌈cols / 4⌉ · 12`.
/// For f32 that is 72 bits per group of four plus the lengths: 56.5 % of dense
/// at 4,096 rows (53.125 % for [`two_four`]).
pub fn two_four_sorted(rows: u64, cols: u64, value_bits: u64) -> u64 {
    let g = cols.div_ceil(4);
    rows * g * (2 * value_bits / 8 + 1)
        + rows.div_ceil(crate::formats::SORTED_BLOCK as u64) * g * 12
}

/// The sparsity above which CSR is smaller than dense, ignoring the row
/// pointers (their share vanishes as columns grow): `i / (v + i)`.
/// f32 values with u32 indices: 50 %.
pub fn csr_break_even(v: u64, i: u64) -> f64 {
    i as f64 / (v + i) as f64
}

/// The same for blocked CSR, measured in zeroed blocks: `i / (br·bc·v + i)`.
/// 1×4 or 4×1 blocks of f32 with u32 indices: 20 %; 4×4: 5.9 %.
pub fn bsr_break_even(shape: BlockShape, v: u64, i: u64) -> f64 {
    let per = (shape.rows() * shape.cols()) as u64 * v;
    i as f64 / (per + i) as f64
}

/// The smallest sparsity at which CSR of a `rows × cols` matrix takes no more
/// bytes than dense, row pointers included (1.0 when it never does).
pub fn csr_break_even_exact(rows: u64, cols: u64, v: u64, i: u64) -> f64 {
    let cells = rows * cols;
    if cells == 0 {
        return 1.0;
    }
    // nnz · (v + i) + (rows + 1) · i ≤ cells · v
    let budget = (cells * v).saturating_sub((rows + 1) * i);
    let max_nnz = budget / (v + i);
    1.0 - max_nnz as f64 / cells as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_four_is_68_of_128_bits() {
        assert_eq!(two_four(1, 4, 32), 9); // 68 bits → 9 bytes
        assert_eq!(two_four(2, 4, 32), 17); // 136 bits
        let (dense_b, tf) = (dense(4096, 11008, 4), two_four(4096, 11008, 32));
        assert_eq!(tf as f64 / dense_b as f64, 68.0 / 128.0);
        assert_eq!(68.0 / 128.0, 0.531_25);
        // FP16 values: 36 of 64 bits = 56.25 %.
        assert_eq!(
            two_four(4096, 11008, 16) as f64 / dense(4096, 11008, 2) as f64,
            0.5625
        );
    }

    #[test]
    fn sorted_two_four_adds_a_byte_per_group() {
        // One row, one group: 8 bytes of values, its place, six lengths.
        assert_eq!(two_four_sorted(1, 4, 32), 8 + 1 + 12);
        // 4,096 × 11,008: 2,752 groups a row, 16 blocks of 256 rows.
        let bytes = two_four_sorted(4096, 11008, 32);
        assert_eq!(bytes, 4096 * 2752 * 9 + 16 * 2752 * 12);
        let share = bytes as f64 / dense(4096, 11008, 4) as f64;
        assert!((share - 0.5654).abs() < 1e-4, "{share}");
    }

    #[test]
    fn csr_breaks_even_at_half() {
        assert_eq!(csr_break_even(4, 4), 0.5);
        // FP16 values with u16 indices: 50 % too; FP16 with u32: 66.7 %.
        assert_eq!(csr_break_even(2, 2), 0.5);
        assert!((csr_break_even(2, 4) - 2.0 / 3.0).abs() < 1e-12);
        // 768 × 3072: row pointers push it to 50.03 %.
        let exact = csr_break_even_exact(3072, 768, 4, 4);
        assert!(exact > 0.5 && exact < 0.501, "{exact}");
        let nnz = ((1.0 - exact) * (3072.0 * 768.0)).round() as u64;
        assert!(csr(3072, nnz, 4, 4) <= dense(3072, 768, 4));
        assert!(csr(3072, nnz + 1, 4, 4) > dense(3072, 768, 4));
        assert_eq!(bsr_break_even(BlockShape::B1x4, 4, 4), 0.2);
    }

    #[test]
    fn block_sizes() {
        // 8 × 8 with three 1×4 blocks: 3 · (16 + 4) + 9 · 4 = 96.
        assert_eq!(bsr(8, BlockShape::B1x4, 3, 4, 4), 96);
        // 4×1 blocks over 10 rows: 3 block rows, 4 pointers.
        assert_eq!(bsr(10, BlockShape::B4x1, 2, 4, 4), 2 * 20 + 4 * 4);
    }
}
