//! The fuzz targets' checks on stable, as `make test` runs them: every file of
//! the seed corpora (`fuzz/corpus/<target>/`) and every input a fuzzer once broke
//! (`fuzz/regressions/<target>/`), then a short pass of mutations of them. The
//! long runs are `make fuzz` (nightly, libFuzzer). Native only: it reads files.

#![cfg(not(target_arch = "wasm32"))]

#[path = "../../../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(dir).join(target)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths.into_iter().filter(|p| p.is_file()) {
            let bytes = std::fs::read(&p).expect("a corpus file reads");
            out.push((p, bytes));
        }
    }
    out
}

fn run(target: &str, check: fn(&[u8]) -> checks::Checked, data: &[u8], what: &str) {
    let outcome = std::panic::catch_unwind(|| check(data));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{target}: {what}: {e}"),
        Err(_) => panic!("{target}: {what}: panicked"),
    }
}

#[test]
fn every_corpus_file_and_every_regression_passes_the_checks() {
    for (target, check) in checks::TARGETS {
        let files = inputs(target);
        assert!(!files.is_empty(), "no seed corpus for {target}");
        for (path, bytes) in files {
            run(target, check, &bytes, &path.display().to_string());
        }
    }
}

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that break readers: digits at the edges of integer types, JSON
/// punctuation, escapes, a byte-order mark, non-ASCII.
const TOKENS: [&[u8]; 16] = [
    b"18446744073709551615",
    b"18446744073709551616",
    b"4294967295",
    b"-1",
    b"0",
    b"1e308",
    b"0.0000001",
    b"null",
    b"{}",
    b"[]",
    b"\"",
    b"%FF",
    b"&a.b=",
    b"\xEF\xBB\xBF",
    "é€".as_bytes(),
    b"999999999999",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(4) {
            0 if !v.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(v.len());
                v.drain(at.min(v.len())..end);
            }
            1 if at < v.len() => v[at] = rng.next() as u8,
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, token.iter().copied());
            }
        }
    }
    v
}

/// Mutations of the corpus for a few seconds per target: a smoke test of the
/// checks on stable; the million-input runs are `make fuzz`.
#[test]
fn mutated_corpus_inputs_pass_the_checks() {
    let budget = Duration::from_secs(3);
    let mut rng = Rng(0x5eed_0f4e_ad70_0001);
    for (target, check) in checks::TARGETS {
        // The whole bundled catalog is slow to mutate byte by byte; its two-GPU seed is not.
        let seeds: Vec<Vec<u8>> = inputs(target)
            .into_iter()
            .map(|(_, b)| b)
            .filter(|b| b.len() < 64 * 1024)
            .collect();
        let start = Instant::now();
        let mut runs = 0;
        while start.elapsed() < budget && runs < 20_000 {
            let seed = &seeds[rng.below(seeds.len())];
            let input = mutate(&mut rng, seed);
            run(target, check, &input, &format!("mutation {runs} of a seed"));
            runs += 1;
        }
        assert!(runs > 0);
    }
}
