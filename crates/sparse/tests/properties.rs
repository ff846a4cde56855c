//! Every kernel against a dense reference on integer-valued data, where any
//! summation order gives the exact same result, so sparse and SIMD results must
//! equal the reference bit for bit (the nalgebra-sparse approach). Shapes include
//! 0, 1 and sizes that are not multiples of the vector width (4), the register
//! tiles (8, 16) or the block sizes; sparsity runs from 0 to 100 %, with
//! all-zero rows.
//!
//! Natively the cases come from proptest; compiled to wasm32 (with simd128) and
//! run in Node, from a seeded generator over the same ranges, so the same
//! property checks the SIMD kernels.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use sparse::kernels::{self, scalar};
use sparse::{BlockShape, Bsr, Csr, Dense, Error, TwoFour, TwoFourSorted, prune};

/// A deterministic generator (xorshift64*) for data and for the wasm cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Integers in −4..=4 (zero included), so products and sums stay exact in f32.
    fn small(&mut self) -> f32 {
        self.below(9) as f32 - 4.0
    }
}

#[derive(Clone, Copy, Debug)]
struct Case {
    m: usize,
    k: usize,
    n: usize,
    sparsity: f64,
    zero_rows: usize,
    seed: u64,
}

fn dense(rows: usize, cols: usize, rng: &mut Rng) -> Dense {
    Dense::new(rows, cols, (0..rows * cols).map(|_| rng.small()).collect()).unwrap()
}

/// The reference: Y = W·X in f64, then checked to be exact in f32.
fn reference(w: &Dense, x: &Dense) -> Vec<f32> {
    let (m_dim, k_dim, n_dim) = (w.rows(), w.cols(), x.cols());
    let mut y = vec![0.0f32; m_dim * n_dim];
    for m in 0..m_dim {
        for n in 0..n_dim {
            let s: f64 = (0..k_dim)
                .map(|k| f64::from(w.get(m, k)) * f64::from(x.get(k, n)))
                .sum();
            assert!(
                s.abs() < 16_777_216.0,
                "integer sums must stay exact in f32"
            );
            y[m * n_dim + n] = s as f32;
        }
    }
    y
}

type Mm<W> = fn(&W, &Dense, &mut Dense) -> Result<(), Error>;

fn run<W>(name: &str, kernel: Mm<W>, w: &W, x: &Dense, expect: &[f32], case: Case) {
    let mut y = Dense::new(case.m, x.cols(), vec![f32::NAN; case.m * x.cols()]).unwrap();
    kernel(w, x, &mut y).unwrap_or_else(|e| panic!("{name} {case:?}: {e}"));
    assert_eq!(y.data(), expect, "{name} {case:?}");
}

fn check(case: Case) {
    let mut rng = Rng(case.seed | 1);
    let Case { m, k, n, .. } = case;
    let mut w = prune::magnitude(&dense(m, k, &mut rng), case.sparsity).unwrap();
    for _ in 0..case.zero_rows.min(m) {
        let r = rng.below(m as u64) as usize;
        let cols = w.cols();
        w.data_mut()[r * cols..(r + 1) * cols].fill(0.0);
    }
    let x = dense(k, n, &mut rng);
    let expect = reference(&w, &x);

    // Formats reproduce the matrix they came from.
    let csr = Csr::from_dense(&w).unwrap();
    assert_eq!(csr.to_dense(), w);
    assert_eq!(csr.nnz(), w.nnz());

    run("scalar gemm", scalar::gemm, &w, &x, &expect, case);
    run("gemm", kernels::gemm, &w, &x, &expect, case);
    run("scalar csr_spmm", scalar::csr_spmm, &csr, &x, &expect, case);
    run("csr_spmm", kernels::csr_spmm, &csr, &x, &expect, case);

    for shape in BlockShape::ALL {
        let pruned = prune::blocks(&w, shape, case.sparsity).unwrap();
        let bsr = Bsr::from_dense(&pruned, shape).unwrap();
        assert_eq!(bsr.to_dense(), pruned, "{shape:?}");
        let expect_b = reference(&pruned, &x);
        run(
            "scalar bsr_spmm",
            scalar::bsr_spmm,
            &bsr,
            &x,
            &expect_b,
            case,
        );
        run("bsr_spmm", kernels::bsr_spmm, &bsr, &x, &expect_b, case);
    }

    let tf = TwoFour::from_dense(&w);
    let tf_dense = tf.to_dense();
    // Two kept per group of four: at least half of every whole group is zero.
    for r in 0..m {
        for g in 0..k / 4 {
            let zeros = (0..4).filter(|c| tf_dense.get(r, g * 4 + c) == 0.0).count();
            assert!(zeros >= 2, "{case:?}");
        }
    }
    let expect_t = reference(&tf_dense, &x);
    run(
        "scalar two_four_spmm",
        scalar::two_four_spmm,
        &tf,
        &x,
        &expect_t,
        case,
    );
    run(
        "two_four_spmm",
        kernels::two_four_spmm,
        &tf,
        &x,
        &expect_t,
        case,
    );
    // The same matrix with its rows sorted by pattern: the same values, and the
    // same products.
    let sorted = TwoFourSorted::from_two_four(&tf);
    assert_eq!(sorted.to_two_four(), tf, "{case:?}");
    assert_eq!(
        sorted.bytes(),
        sparse::bytes::two_four_sorted(m as u64, k as u64, 32)
    );
    run(
        "scalar two_four_sorted_spmm",
        scalar::two_four_sorted_spmm,
        &sorted,
        &x,
        &expect_t,
        case,
    );
    run(
        "two_four_sorted_spmm",
        kernels::two_four_sorted_spmm,
        &sorted,
        &x,
        &expect_t,
        case,
    );

    // Matrix–vector: the first column of X.
    let xv: Vec<f32> = (0..k)
        .map(|i| if n > 0 { x.get(i, 0) } else { 1.0 })
        .collect();
    let xcol = Dense::new(k, 1, xv.clone()).unwrap();
    let expect_v = reference(&w, &xcol);
    for (name, f) in [
        (
            "scalar gemv",
            scalar::gemv as fn(&Dense, &[f32], &mut [f32]) -> _,
        ),
        ("gemv", kernels::gemv),
    ] {
        let mut y = vec![f32::NAN; m];
        f(&w, &xv, &mut y).unwrap();
        assert_eq!(y, expect_v, "{name} {case:?}");
    }
    for (name, f) in [
        (
            "scalar csr_spmv",
            scalar::csr_spmv as fn(&Csr, &[f32], &mut [f32]) -> _,
        ),
        ("csr_spmv", kernels::csr_spmv),
    ] {
        let mut y = vec![f32::NAN; m];
        f(&csr, &xv, &mut y).unwrap();
        assert_eq!(y, expect_v, "{name} {case:?}");
    }
    // SpMM with N = 1 takes the vector paths.
    run("gemm n=1", kernels::gemm, &w, &xcol, &expect_v, case);
    run(
        "csr_spmm n=1",
        kernels::csr_spmm,
        &csr,
        &xcol,
        &expect_v,
        case,
    );
    run(
        "two_four n=1",
        kernels::two_four_spmm,
        &tf,
        &xcol,
        &reference(&tf_dense, &xcol),
        case,
    );
    run(
        "two_four_sorted n=1",
        kernels::two_four_sorted_spmm,
        &sorted,
        &xcol,
        &reference(&tf_dense, &xcol),
        case,
    );
    for shape in BlockShape::ALL {
        let bsr = Bsr::from_dense(&w, shape).unwrap();
        run("bsr n=1", kernels::bsr_spmm, &bsr, &xcol, &expect_v, case);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use proptest::prelude::*;

    use super::{Case, check};

    fn dim() -> impl Strategy<Value = usize> {
        prop_oneof![Just(0usize), Just(1), Just(4), Just(16), 0usize..40]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn sparse_equals_dense(
            m in dim(),
            k in dim(),
            n in dim(),
            sparsity in prop_oneof![Just(0.0f64), Just(1.0), Just(0.5), 0.0f64..=1.0],
            zero_rows in 0usize..3,
            seed in any::<u64>(),
        ) {
            check(Case { m, k, n, sparsity, zero_rows, seed });
        }
    }
}

#[test]
fn sparse_equals_dense_on_edge_and_random_shapes() {
    // Every combination of the edge sizes, then random cases like proptest's.
    let edges = [0usize, 1, 3, 4, 5, 8, 15, 16, 17];
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    for &m in &edges {
        for &k in &edges {
            for &n in &edges {
                seed += 1;
                check(Case {
                    m,
                    k,
                    n,
                    sparsity: 0.7,
                    zero_rows: 1,
                    seed,
                });
            }
        }
    }
    let mut rng = Rng(0x1234_5678);
    for _ in 0..300 {
        let case = Case {
            m: rng.below(40) as usize,
            k: rng.below(40) as usize,
            n: rng.below(40) as usize,
            sparsity: [0.0, 0.5, 0.9, 1.0, rng.below(1001) as f64 / 1000.0][rng.below(5) as usize],
            zero_rows: rng.below(3) as usize,
            seed: rng.next(),
        };
        check(case);
    }
}

/// Shapes across the 256-row blocks of [`TwoFourSorted`] (one short block, a
/// whole one, one and a row, two and a row), K with and without a partial group,
/// N below, at and past the 16-column panel.
#[test]
fn sorted_two_four_across_blocks() {
    let mut seed = 0x5eed;
    for m in [255usize, 256, 257, 513] {
        for k in [3usize, 8, 13] {
            for n in [1usize, 5, 16, 21] {
                seed += 1;
                check(Case {
                    m,
                    k,
                    n,
                    sparsity: 0.5,
                    zero_rows: 2,
                    seed,
                });
            }
        }
    }
}

#[test]
fn malformed_csr_is_an_error() {
    let ok = Csr::new(2, 3, vec![0, 1, 2], vec![0, 2], vec![1.0, 2.0]);
    assert!(ok.is_ok());
    // Row pointer past the end.
    assert_eq!(
        Csr::new(2, 3, vec![0, 1, 3], vec![0, 2], vec![1.0, 2.0]).unwrap_err(),
        Error::RowPtrEnd { end: 3, nnz: 2 }
    );
    // Column index ≥ columns.
    assert_eq!(
        Csr::new(2, 3, vec![0, 1, 2], vec![0, 3], vec![1.0, 2.0]).unwrap_err(),
        Error::ColumnOutOfRange {
            row: 1,
            col: 3,
            cols: 3
        }
    );
    assert!(matches!(
        Csr::new(1, 3, vec![0, 2], vec![2, 1], vec![1.0, 2.0]),
        Err(Error::ColumnsUnsorted { .. })
    ));
    assert!(matches!(
        Csr::new(1, 3, vec![0, 2], vec![1, 1], vec![1.0, 2.0]),
        Err(Error::ColumnsUnsorted { .. })
    ));
    assert!(matches!(
        Csr::new(2, 3, vec![0, 2, 1], vec![0, 1], vec![1.0, 2.0]),
        Err(Error::RowPtrDecreasing { .. })
    ));
    assert!(matches!(
        Csr::new(2, 3, vec![1, 1, 2], vec![0, 1], vec![1.0, 2.0]),
        Err(Error::RowPtrStart(1))
    ));
    assert!(matches!(
        Csr::new(2, 3, vec![0, 2], vec![0, 1], vec![1.0, 2.0]),
        Err(Error::RowPtrLength { .. })
    ));
    assert!(matches!(
        Csr::new(2, 3, vec![0, 1, 2], vec![0, 1], vec![1.0]),
        Err(Error::ValuesIndices { .. })
    ));
    // Row pointers that stop short of the stored entries.
    assert!(matches!(
        Csr::new(1, 3, vec![0, 1], vec![0, 1], vec![1.0, 2.0]),
        Err(Error::RowPtrEnd { .. })
    ));
    assert!(matches!(
        Dense::new(2, 2, vec![1.0; 3]),
        Err(Error::Length { .. })
    ));
    assert!(matches!(
        Dense::new(usize::MAX, 2, vec![]),
        Err(Error::TooLarge { .. })
    ));
}

#[test]
fn malformed_blocks_and_metadata_are_errors() {
    assert!(
        Bsr::new(
            4,
            8,
            BlockShape::B1x4,
            vec![0, 1, 1, 1, 2],
            vec![1, 0],
            vec![1.0; 8]
        )
        .is_ok()
    );
    assert!(matches!(
        Bsr::new(
            4,
            8,
            BlockShape::B1x4,
            vec![0, 1, 1, 1, 2],
            vec![2, 0],
            vec![1.0; 8]
        ),
        Err(Error::ColumnOutOfRange { .. })
    ));
    assert!(matches!(
        Bsr::new(
            4,
            8,
            BlockShape::B1x4,
            vec![0, 1, 1, 1, 2],
            vec![1, 0],
            vec![1.0; 7]
        ),
        Err(Error::Length { .. })
    ));
    assert_eq!(
        BlockShape::from_dims(3, 3).unwrap_err(),
        Error::BlockShape(3, 3)
    );
    assert!(TwoFour::new(1, 4, vec![1.0, 2.0], &[(0, 3)]).is_ok());
    assert!(matches!(
        TwoFour::new(1, 4, vec![1.0, 2.0], &[(2, 2)]),
        Err(Error::Metadata { .. })
    ));
    assert!(matches!(
        TwoFour::new(1, 4, vec![1.0, 2.0], &[(3, 1)]),
        Err(Error::Metadata { .. })
    ));
    assert!(matches!(
        TwoFour::new(1, 4, vec![1.0, 2.0], &[(0, 4)]),
        Err(Error::Metadata { .. })
    ));
    // A partial group of width 2: position 3 may only hold zero.
    assert!(TwoFour::new(1, 2, vec![1.0, 0.0], &[(0, 3)]).is_ok());
    assert!(matches!(
        TwoFour::new(1, 2, vec![1.0, 5.0], &[(0, 3)]),
        Err(Error::Metadata { .. })
    ));
    assert!(matches!(
        TwoFour::new(1, 4, vec![1.0], &[(0, 1)]),
        Err(Error::Length { .. })
    ));
    // Kernels refuse shapes that do not chain.
    let w = Dense::zeros(2, 3).unwrap();
    let x = Dense::zeros(4, 5).unwrap();
    let mut y = Dense::zeros(2, 5).unwrap();
    assert!(matches!(
        kernels::gemm(&w, &x, &mut y),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        kernels::gemv(&w, &[1.0; 2], &mut [0.0; 2]),
        Err(Error::Shape { .. })
    ));
}

#[test]
fn two_four_keeps_the_two_largest() {
    let d = Dense::new(1, 8, vec![1.0, -4.0, 3.0, 2.0, 0.0, 0.0, 5.0, 0.0]).unwrap();
    let tf = TwoFour::from_dense(&d);
    assert_eq!(
        tf.to_dense().data(),
        &[0.0, -4.0, 3.0, 0.0, 0.0, 0.0, 5.0, 0.0]
    );
    assert_eq!(tf.positions(0), (1, 2));
    assert_eq!(
        tf.positions(1),
        (0, 2),
        "a tie of zeros goes to the lower position"
    );
    // Storage: 2 groups × 68 bits = 17 bytes, against 32 dense.
    assert_eq!(tf.bytes(), 17);
    assert_eq!((tf.values().len() * 4 + tf.meta().len()) as u64, tf.bytes());
}

#[test]
fn stored_bytes_match_the_model() {
    let mut rng = Rng(7);
    let w = prune::magnitude(&dense(33, 70, &mut rng), 0.8).unwrap();
    let csr = Csr::from_dense(&w).unwrap();
    let actual = (csr.row_ptr().len() + csr.col_idx().len() + csr.values().len()) * 4;
    assert_eq!(csr.bytes(), actual as u64);
    let bsr = Bsr::from_dense(&w, BlockShape::B4x1).unwrap();
    let actual = (bsr.block_ptr().len() + bsr.block_col().len() + bsr.values().len()) * 4;
    assert_eq!(bsr.bytes(), actual as u64);
}

#[test]
fn simd_kernels_are_compiled_into_wasm() {
    // The wasm32 tests run with simd128 (.cargo/config.toml), so they check the SIMD kernels.
    assert_eq!(kernels::SIMD, cfg!(target_arch = "wasm32"));
}
