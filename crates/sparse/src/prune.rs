//! Magnitude pruning: zero the smallest weights (or blocks of weights) until a
//! target sparsity is reached.

use crate::{BlockShape, Dense, Error};

fn check(sparsity: f64) -> Result<(), Error> {
    if (0.0..=1.0).contains(&sparsity) {
        Ok(())
    } else {
        Err(Error::Sparsity(format!("{sparsity}")))
    }
}

/// Calls `hit` for the `count` smallest scores (ties: lower index first), in
/// O(n). `score(i)` is called twice per entry; one copy of the scores is kept.
fn for_smallest(n: usize, score: impl Fn(usize) -> f32, count: usize, mut hit: impl FnMut(usize)) {
    if count == 0 {
        return;
    }
    if count >= n {
        (0..n).for_each(hit);
        return;
    }
    let mut sorted: Vec<f32> = (0..n).map(&score).collect();
    let (_, threshold, _) = sorted.select_nth_unstable_by(count - 1, f32::total_cmp);
    let threshold = *threshold;
    let below = sorted
        .iter()
        .filter(|s| s.total_cmp(&threshold).is_lt())
        .count();
    drop(sorted);
    let mut ties_left = count - below;
    for i in 0..n {
        match score(i).total_cmp(&threshold) {
            std::cmp::Ordering::Less => hit(i),
            std::cmp::Ordering::Equal if ties_left > 0 => {
                ties_left -= 1;
                hit(i);
            }
            _ => {}
        }
    }
}

/// Number of entries to remove for a sparsity: `round(sparsity · n)`.
pub fn count_for(sparsity: f64, n: usize) -> usize {
    ((sparsity * n as f64).round() as usize).min(n)
}

/// Unstructured magnitude pruning: zeroes `round(sparsity · rows · cols)`
/// entries of smallest magnitude (entries already zero count first).
pub fn magnitude(d: &Dense, sparsity: f64) -> Result<Dense, Error> {
    check(sparsity)?;
    let n = d.data().len();
    let mut out = d.clone();
    let data = out.data_mut();
    for_smallest(
        n,
        |i| d.data()[i].abs(),
        count_for(sparsity, n),
        |i| data[i] = 0.0,
    );
    Ok(out)
}

/// Block magnitude pruning: zeroes the blocks of `shape` with the smallest L1
/// norm until `round(sparsity · blocks)` blocks are zero.
pub fn blocks(d: &Dense, shape: BlockShape, sparsity: f64) -> Result<Dense, Error> {
    check(sparsity)?;
    let (br, bc) = (shape.rows(), shape.cols());
    let (block_rows, block_cols) = (d.rows().div_ceil(br), d.cols().div_ceil(bc));
    let cells = |b: usize| {
        let (bm, bk) = (b / block_cols, b % block_cols);
        (0..br).flat_map(move |r| (0..bc).map(move |c| (bm * br + r, bk * bc + c)))
    };
    let n = block_rows * block_cols;
    let scores: Vec<f32> = (0..n)
        .map(|b| {
            cells(b)
                .filter(|&(i, j)| i < d.rows() && j < d.cols())
                .map(|(i, j)| d.get(i, j).abs())
                .sum()
        })
        .collect();
    let mut out = d.clone();
    let cols = d.cols();
    let rows = d.rows();
    let data = out.data_mut();
    for_smallest(
        n,
        |b| scores[b],
        count_for(sparsity, n),
        |b| {
            for (i, j) in cells(b) {
                if i < rows && j < cols {
                    data[i * cols + j] = 0.0;
                }
            }
        },
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prunes_the_smallest() {
        let d = Dense::new(2, 3, vec![3.0, -1.0, 2.0, -5.0, 0.5, 1.0]).unwrap();
        let p = magnitude(&d, 0.5).unwrap();
        assert_eq!(p.data(), &[3.0, 0.0, 2.0, -5.0, 0.0, 0.0]);
        assert_eq!(magnitude(&d, 0.0).unwrap(), d);
        assert_eq!(magnitude(&d, 1.0).unwrap().nnz(), 0);
        assert!(magnitude(&d, 1.5).is_err());
        assert!(magnitude(&d, f64::NAN).is_err());
    }

    #[test]
    fn ties_go_to_the_lower_index() {
        let d = Dense::new(1, 4, vec![1.0, 1.0, 1.0, 1.0]).unwrap();
        assert_eq!(magnitude(&d, 0.5).unwrap().data(), &[0.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn prunes_whole_blocks() {
        let d = Dense::new(2, 4, vec![1.0, 1.0, 1.0, 1.0, 9.0, 0.0, 0.0, 0.0]).unwrap();
        let p = blocks(&d, BlockShape::B1x4, 0.5).unwrap();
        assert_eq!(p.data(), &[0.0, 0.0, 0.0, 0.0, 9.0, 0.0, 0.0, 0.0]);
    }
}
