//! The matrix formats, with validating constructors and conversion from dense.

use crate::Error;

fn check_dims(rows: usize, cols: usize) -> Result<usize, Error> {
    if u32::try_from(rows).is_err() || u32::try_from(cols).is_err() {
        return Err(Error::TooLarge { rows, cols });
    }
    rows.checked_mul(cols).ok_or(Error::TooLarge { rows, cols })
}

/// A dense row-major matrix of `f32`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl Dense {
    pub fn new(rows: usize, cols: usize, data: Vec<f32>) -> Result<Dense, Error> {
        let expected = check_dims(rows, cols)?;
        if data.len() != expected {
            return Err(Error::Length {
                what: "data",
                rows,
                cols,
                got: data.len(),
                expected,
            });
        }
        Ok(Dense { rows, cols, data })
    }

    pub fn zeros(rows: usize, cols: usize) -> Result<Dense, Error> {
        let n = check_dims(rows, cols)?;
        Ok(Dense {
            rows,
            cols,
            data: vec![0.0; n],
        })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn data(&self) -> &[f32] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [f32] {
        &mut self.data
    }

    pub fn get(&self, r: usize, c: usize) -> f32 {
        self.data[r * self.cols + c]
    }

    pub fn row(&self, r: usize) -> &[f32] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    /// Entries that are not zero.
    pub fn nnz(&self) -> usize {
        self.data.iter().filter(|v| **v != 0.0).count()
    }
}

/// Compressed sparse rows: `row_ptr[r]..row_ptr[r + 1]` are the entries of row
/// `r`, with strictly increasing column indices.
#[derive(Clone, Debug, PartialEq)]
pub struct Csr {
    rows: usize,
    cols: usize,
    row_ptr: Vec<u32>,
    col_idx: Vec<u32>,
    values: Vec<f32>,
}

impl Csr {
    pub fn new(
        rows: usize,
        cols: usize,
        row_ptr: Vec<u32>,
        col_idx: Vec<u32>,
        values: Vec<f32>,
    ) -> Result<Csr, Error> {
        check_dims(rows, cols)?;
        if row_ptr.len() != rows + 1 {
            return Err(Error::RowPtrLength {
                rows,
                got: row_ptr.len(),
                expected: rows + 1,
            });
        }
        if values.len() != col_idx.len() {
            return Err(Error::ValuesIndices {
                values: values.len(),
                indices: col_idx.len(),
            });
        }
        if row_ptr[0] != 0 {
            return Err(Error::RowPtrStart(row_ptr[0]));
        }
        let nnz = col_idx.len();
        for r in 0..rows {
            let (from, to) = (row_ptr[r], row_ptr[r + 1]);
            if to < from {
                return Err(Error::RowPtrDecreasing { row: r, from, to });
            }
            if to as usize > nnz {
                return Err(Error::RowPtrEnd { end: to, nnz });
            }
            let cols_of_row = &col_idx[from as usize..to as usize];
            for (i, &col) in cols_of_row.iter().enumerate() {
                if col as usize >= cols {
                    return Err(Error::ColumnOutOfRange { row: r, col, cols });
                }
                if i > 0 && cols_of_row[i - 1] >= col {
                    return Err(Error::ColumnsUnsorted {
                        row: r,
                        prev: cols_of_row[i - 1],
                        col,
                    });
                }
            }
        }
        if row_ptr[rows] as usize != nnz {
            return Err(Error::RowPtrEnd {
                end: row_ptr[rows],
                nnz,
            });
        }
        Ok(Csr {
            rows,
            cols,
            row_ptr,
            col_idx,
            values,
        })
    }

    /// The non-zero entries of `d`.
    pub fn from_dense(d: &Dense) -> Result<Csr, Error> {
        if u32::try_from(d.nnz()).is_err() {
            return Err(Error::TooLarge {
                rows: d.rows,
                cols: d.cols,
            });
        }
        let mut row_ptr = Vec::with_capacity(d.rows + 1);
        let mut col_idx = Vec::new();
        let mut values = Vec::new();
        row_ptr.push(0);
        for r in 0..d.rows {
            for (c, &v) in d.row(r).iter().enumerate() {
                if v != 0.0 {
                    col_idx.push(c as u32);
                    values.push(v);
                }
            }
            row_ptr.push(col_idx.len() as u32);
        }
        Ok(Csr {
            rows: d.rows,
            cols: d.cols,
            row_ptr,
            col_idx,
            values,
        })
    }

    pub fn to_dense(&self) -> Dense {
        let mut data = vec![0.0; self.rows * self.cols];
        for r in 0..self.rows {
            for j in self.row_ptr[r] as usize..self.row_ptr[r + 1] as usize {
                data[r * self.cols + self.col_idx[j] as usize] = self.values[j];
            }
        }
        Dense {
            rows: self.rows,
            cols: self.cols,
            data,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    pub fn row_ptr(&self) -> &[u32] {
        &self.row_ptr
    }

    pub fn col_idx(&self) -> &[u32] {
        &self.col_idx
    }

    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Bytes the three arrays take.
    pub fn bytes(&self) -> u64 {
        crate::bytes::csr(self.rows as u64, self.nnz() as u64, 4, 4)
    }
}

/// The block shapes blocked CSR supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockShape {
    /// One row, four consecutive columns.
    B1x4,
    /// Four consecutive rows, one column.
    B4x1,
    B2x2,
    B4x4,
}

impl BlockShape {
    pub const ALL: [BlockShape; 4] = [
        BlockShape::B1x4,
        BlockShape::B4x1,
        BlockShape::B2x2,
        BlockShape::B4x4,
    ];

    pub fn rows(self) -> usize {
        match self {
            BlockShape::B1x4 => 1,
            BlockShape::B4x1 | BlockShape::B4x4 => 4,
            BlockShape::B2x2 => 2,
        }
    }

    pub fn cols(self) -> usize {
        match self {
            BlockShape::B4x1 => 1,
            BlockShape::B1x4 | BlockShape::B4x4 => 4,
            BlockShape::B2x2 => 2,
        }
    }

    pub fn from_dims(rows: usize, cols: usize) -> Result<BlockShape, Error> {
        BlockShape::ALL
            .into_iter()
            .find(|s| s.rows() == rows && s.cols() == cols)
            .ok_or(Error::BlockShape(rows, cols))
    }

    pub fn label(self) -> &'static str {
        match self {
            BlockShape::B1x4 => "1×4",
            BlockShape::B4x1 => "4×1",
            BlockShape::B2x2 => "2×2",
            BlockShape::B4x4 => "4×4",
        }
    }
}

/// Blocked CSR: CSR over blocks of `shape`, each stored whole (row-major inside
/// the block). Blocks that reach past the matrix edge are padded; kernels never
/// read the padding.
#[derive(Clone, Debug, PartialEq)]
pub struct Bsr {
    rows: usize,
    cols: usize,
    shape: BlockShape,
    block_ptr: Vec<u32>,
    block_col: Vec<u32>,
    values: Vec<f32>,
}

impl Bsr {
    pub fn new(
        rows: usize,
        cols: usize,
        shape: BlockShape,
        block_ptr: Vec<u32>,
        block_col: Vec<u32>,
        values: Vec<f32>,
    ) -> Result<Bsr, Error> {
        let (br, bc) = (shape.rows(), shape.cols());
        let block_rows = rows.div_ceil(br);
        let block_cols = cols.div_ceil(bc);
        check_dims(rows, cols)?;
        let per_block = br * bc;
        let expected = block_col.len() * per_block;
        if values.len() != expected {
            return Err(Error::Length {
                what: "block values",
                rows,
                cols,
                got: values.len(),
                expected,
            });
        }
        // The block structure is a CSR matrix of block_rows × block_cols: same checks.
        let n_blocks = block_col.len();
        let structure = Csr::new(
            block_rows,
            block_cols,
            block_ptr,
            block_col,
            vec![0.0; n_blocks],
        )?;
        Ok(Bsr {
            rows,
            cols,
            shape,
            block_ptr: structure.row_ptr,
            block_col: structure.col_idx,
            values,
        })
    }

    /// Every block of `d` with a non-zero entry.
    pub fn from_dense(d: &Dense, shape: BlockShape) -> Result<Bsr, Error> {
        let (br, bc) = (shape.rows(), shape.cols());
        let block_rows = d.rows.div_ceil(br);
        let block_cols = d.cols.div_ceil(bc);
        let mut block_ptr = vec![0u32];
        let mut block_col = Vec::new();
        let mut values = Vec::new();
        for bm in 0..block_rows {
            for bk in 0..block_cols {
                let mut block = vec![0.0f32; br * bc];
                let mut any = false;
                for r in 0..br {
                    for c in 0..bc {
                        let (i, j) = (bm * br + r, bk * bc + c);
                        if i < d.rows && j < d.cols {
                            let v = d.get(i, j);
                            any |= v != 0.0;
                            block[r * bc + c] = v;
                        }
                    }
                }
                if any {
                    block_col.push(bk as u32);
                    values.extend_from_slice(&block);
                }
            }
            if u32::try_from(block_col.len()).is_err() {
                return Err(Error::TooLarge {
                    rows: d.rows,
                    cols: d.cols,
                });
            }
            block_ptr.push(block_col.len() as u32);
        }
        Ok(Bsr {
            rows: d.rows,
            cols: d.cols,
            shape,
            block_ptr,
            block_col,
            values,
        })
    }

    pub fn to_dense(&self) -> Dense {
        let (br, bc) = (self.shape.rows(), self.shape.cols());
        let mut data = vec![0.0; self.rows * self.cols];
        for bm in 0..self.block_ptr.len() - 1 {
            for b in self.block_ptr[bm] as usize..self.block_ptr[bm + 1] as usize {
                let bk = self.block_col[b] as usize;
                for r in 0..br {
                    for c in 0..bc {
                        let (i, j) = (bm * br + r, bk * bc + c);
                        if i < self.rows && j < self.cols {
                            data[i * self.cols + j] = self.values[b * br * bc + r * bc + c];
                        }
                    }
                }
            }
        }
        Dense {
            rows: self.rows,
            cols: self.cols,
            data,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn shape(&self) -> BlockShape {
        self.shape
    }

    pub fn blocks(&self) -> usize {
        self.block_col.len()
    }

    pub fn block_ptr(&self) -> &[u32] {
        &self.block_ptr
    }

    pub fn block_col(&self) -> &[u32] {
        &self.block_col
    }

    pub fn values(&self) -> &[f32] {
        &self.values
    }

    pub fn bytes(&self) -> u64 {
        crate::bytes::bsr(self.rows as u64, self.shape, self.blocks() as u64, 4, 4)
    }
}

/// 2:4 structured sparsity, as NVIDIA's sparse tensor cores store it: in every
/// group of four consecutive columns of a row, two values are kept, with two
/// 2-bit positions of metadata. Rows whose column count is not a multiple of four
/// end in a partial group; a position past the last column must hold zero.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoFour {
    rows: usize,
    cols: usize,
    /// Two values per group, `rows × groups × 2`.
    values: Vec<f32>,
    /// One 4-bit nibble per group (low 2 bits: first position; high 2 bits:
    /// second), two groups per byte, low nibble first.
    meta: Vec<u8>,
}

impl TwoFour {
    /// Groups per row.
    pub fn groups_per_row(cols: usize) -> usize {
        cols.div_ceil(4)
    }

    /// `positions` holds the two positions of every group, row by row.
    pub fn new(
        rows: usize,
        cols: usize,
        values: Vec<f32>,
        positions: &[(u8, u8)],
    ) -> Result<TwoFour, Error> {
        check_dims(rows, cols)?;
        let g = TwoFour::groups_per_row(cols);
        let groups = rows * g;
        if positions.len() != groups {
            return Err(Error::Length {
                what: "2:4 metadata",
                rows,
                cols,
                got: positions.len(),
                expected: groups,
            });
        }
        if values.len() != groups * 2 {
            return Err(Error::Length {
                what: "2:4 values",
                rows,
                cols,
                got: values.len(),
                expected: groups * 2,
            });
        }
        let mut meta = vec![0u8; groups.div_ceil(2)];
        for (i, &(first, second)) in positions.iter().enumerate() {
            let (row, group) = (i / g.max(1), i % g.max(1));
            let width = (cols - group * 4).min(4) as u8;
            let bad_pos = |p: u8, v: f32| p >= 4 || (p >= width && v != 0.0);
            if first >= second
                || bad_pos(first, values[2 * i])
                || bad_pos(second, values[2 * i + 1])
            {
                return Err(Error::Metadata {
                    row,
                    group,
                    first,
                    second,
                });
            }
            meta[i / 2] |= (first | (second << 2)) << ((i % 2) * 4);
        }
        Ok(TwoFour {
            rows,
            cols,
            values,
            meta,
        })
    }

    /// Keeps the two largest magnitudes of every group of four (the lower
    /// position wins a tie), as NVIDIA's ASP pruning does.
    pub fn from_dense(d: &Dense) -> TwoFour {
        let g = TwoFour::groups_per_row(d.cols);
        let mut values = Vec::with_capacity(d.rows * g * 2);
        let mut meta = vec![0u8; (d.rows * g).div_ceil(2)];
        for r in 0..d.rows {
            let row = d.row(r);
            for group in 0..g {
                let k0 = group * 4;
                let width = (d.cols - k0).min(4);
                let mag = |p: usize| if p < width { row[k0 + p].abs() } else { -1.0 };
                // The best two positions: by magnitude, then by lower position.
                let mut order = [0usize, 1, 2, 3];
                order.sort_by(|&a, &b| mag(b).total_cmp(&mag(a)).then(a.cmp(&b)));
                let (mut first, mut second) = (order[0], order[1]);
                if first > second {
                    std::mem::swap(&mut first, &mut second);
                }
                let value = |p: usize| if p < width { row[k0 + p] } else { 0.0 };
                values.push(value(first));
                values.push(value(second));
                let i = r * g + group;
                meta[i / 2] |= ((first | (second << 2)) as u8) << ((i % 2) * 4);
            }
        }
        TwoFour {
            rows: d.rows,
            cols: d.cols,
            values,
            meta,
        }
    }

    /// The metadata nibble of group `i` (counted over all rows): the first
    /// position in the low two bits, the second in the high two.
    #[inline]
    pub fn nibble(&self, i: usize) -> usize {
        ((self.meta[i / 2] >> ((i % 2) * 4)) & 0xF) as usize
    }

    /// The two positions of group `i` (counted over all rows).
    #[inline]
    pub fn positions(&self, i: usize) -> (usize, usize) {
        let nibble = self.nibble(i);
        (nibble & 3, nibble >> 2)
    }

    /// The kept weights of group `i`, which is group `group` of its row, as
    /// (column, value). In a partial last group a column may lie past the last
    /// one; its value is zero and callers skip it.
    #[inline]
    pub fn kept(&self, i: usize, group: usize) -> [(usize, f32); 2] {
        let (a, b) = self.positions(i);
        [
            (group * 4 + a, self.values[2 * i]),
            (group * 4 + b, self.values[2 * i + 1]),
        ]
    }

    pub fn to_dense(&self) -> Dense {
        let g = TwoFour::groups_per_row(self.cols);
        let mut data = vec![0.0; self.rows * self.cols];
        for r in 0..self.rows {
            for group in 0..g {
                for (k, v) in self.kept(r * g + group, group) {
                    if k < self.cols {
                        data[r * self.cols + k] = v;
                    }
                }
            }
        }
        Dense {
            rows: self.rows,
            cols: self.cols,
            data,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn values(&self) -> &[f32] {
        &self.values
    }

    pub fn meta(&self) -> &[u8] {
        &self.meta
    }

    pub fn bytes(&self) -> u64 {
        crate::bytes::two_four(self.rows as u64, self.cols as u64, 32)
    }
}

/// Rows per block of [`TwoFourSorted`]: a row's place in its block fits a byte.
pub const SORTED_BLOCK: usize = 256;

/// The six 2:4 patterns (first and second kept position), in the order of
/// [`TwoFourSorted`]'s lists.
pub const PATTERNS: [(u8, u8); 6] = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)];

/// A [`TwoFour`] matrix laid out for SpMM: rows in blocks of [`SORTED_BLOCK`],
/// and in each block, group by group, the rows listed by their pattern (the six
/// of [`PATTERNS`]), so that a kernel loads the two rows of `X` a pattern
/// needs once for every row of its list. Values are those of the 2:4 matrix, in
/// list order; each carries its row's place in the block (one byte) instead of
/// a 4-bit nibble, and each list its length (two bytes).
#[derive(Clone, Debug, PartialEq)]
pub struct TwoFourSorted {
    rows: usize,
    cols: usize,
    /// List lengths: `blocks × groups × 6`.
    counts: Vec<u16>,
    /// Each listed row's place in its block, list after list.
    places: Vec<u8>,
    /// The two kept values of each listed row's group, in list order.
    values: Vec<f32>,
}

impl TwoFourSorted {
    pub fn from_two_four(t: &TwoFour) -> TwoFourSorted {
        let g = TwoFour::groups_per_row(t.cols);
        let blocks = t.rows.div_ceil(SORTED_BLOCK);
        let mut counts = Vec::with_capacity(blocks * g * 6);
        let mut places = Vec::with_capacity(t.rows * g);
        let mut values = Vec::with_capacity(t.rows * g * 2);
        for b in 0..blocks {
            let (r0, r1) = (b * SORTED_BLOCK, ((b + 1) * SORTED_BLOCK).min(t.rows));
            for group in 0..g {
                for &(first, second) in &PATTERNS {
                    let nibble = (first | (second << 2)) as usize;
                    let mut n = 0u16;
                    for r in r0..r1 {
                        let i = r * g + group;
                        if t.nibble(i) == nibble {
                            places.push((r - r0) as u8);
                            values.push(t.values[2 * i]);
                            values.push(t.values[2 * i + 1]);
                            n += 1;
                        }
                    }
                    counts.push(n);
                }
            }
        }
        TwoFourSorted {
            rows: t.rows,
            cols: t.cols,
            counts,
            places,
            values,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The same matrix as a [`TwoFour`].
    pub fn to_two_four(&self) -> TwoFour {
        let g = TwoFour::groups_per_row(self.cols);
        let mut values = vec![0.0; self.rows * g * 2];
        let mut meta = vec![0u8; (self.rows * g).div_ceil(2)];
        let (mut c, mut j) = (0, 0);
        for r0 in (0..self.rows).step_by(SORTED_BLOCK) {
            for group in 0..g {
                for &(first, second) in &PATTERNS {
                    for _ in 0..self.counts[c] {
                        let i = (r0 + self.places[j] as usize) * g + group;
                        values[2 * i] = self.values[2 * j];
                        values[2 * i + 1] = self.values[2 * j + 1];
                        meta[i / 2] |= (first | (second << 2)) << ((i % 2) * 4);
                        j += 1;
                    }
                    c += 1;
                }
            }
        }
        TwoFour {
            rows: self.rows,
            cols: self.cols,
            values,
            meta,
        }
    }

    pub fn bytes(&self) -> u64 {
        crate::bytes::two_four_sorted(self.rows as u64, self.cols as u64, 32)
    }

    pub fn counts(&self) -> &[u16] {
        &self.counts
    }

    pub fn places(&self) -> &[u8] {
        &self.places
    }

    pub fn values(&self) -> &[f32] {
        &self.values
    }
}
