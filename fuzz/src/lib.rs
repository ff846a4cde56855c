//! The checks of headroom's fuzz targets, shared with the corpus replay that
//! `make test` runs on stable (`crates/sizing/tests/fuzz_corpus.rs`).

pub mod checks;
