use thiserror::Error;

/// Why a matrix or a kernel call was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Error {
    #[error("{what} has {got} entries; {rows}×{cols} needs {expected}")]
    Length {
        what: &'static str,
        rows: usize,
        cols: usize,
        got: usize,
        expected: usize,
    },
    #[error("{rows}×{cols} is too large to address")]
    TooLarge { rows: usize, cols: usize },
    #[error("row pointer has {got} entries; {rows} rows need {expected}")]
    RowPtrLength {
        rows: usize,
        got: usize,
        expected: usize,
    },
    #[error("row pointer must start at 0, found {0}")]
    RowPtrStart(u32),
    #[error("row pointer decreases at row {row}: {from} then {to}")]
    RowPtrDecreasing { row: usize, from: u32, to: u32 },
    #[error("row pointer ends at {end}, past the {nnz} stored entries")]
    RowPtrEnd { end: u32, nnz: usize },
    #[error("column index {col} in row {row} is out of range (columns: {cols})")]
    ColumnOutOfRange { row: usize, col: u32, cols: usize },
    #[error("column indices of row {row} are not strictly increasing ({prev} then {col})")]
    ColumnsUnsorted { row: usize, prev: u32, col: u32 },
    #[error("{values} values but {indices} column indices")]
    ValuesIndices { values: usize, indices: usize },
    #[error("block shape {0}×{1} is not supported: use 1×4, 4×1, 2×2 or 4×4")]
    BlockShape(usize, usize),
    #[error(
        "2:4 metadata of row {row}, group {group} names positions {first} and {second}; they must be distinct, ascending, and below 4"
    )]
    Metadata {
        row: usize,
        group: usize,
        first: u8,
        second: u8,
    },
    #[error("sparsity must be between 0 and 1, got {0}")]
    Sparsity(String),
    #[error(
        "shapes do not chain: W is {w_rows}×{w_cols}, X is {x_rows}×{x_cols}, Y is {y_rows}×{y_cols}"
    )]
    Shape {
        w_rows: usize,
        w_cols: usize,
        x_rows: usize,
        x_cols: usize,
        y_rows: usize,
        y_cols: usize,
    },
}
