//! headroom's sizing engine.
//!
//! Pure Rust with no UI or WebAssembly dependency: plain data in, plain data out.
//! Everything is computed in bytes and counts (`u64`) and formatted only at the
//! edge ([`units`]).

pub mod catalog;
pub mod cnn;
pub mod compress;
pub mod field;
pub mod fleet;
pub mod glossary;
pub mod input;
pub(crate) mod json_path;
pub mod known;
pub mod mode;
pub(crate) mod packed;
pub mod place;
pub mod precision;
pub mod report;
pub mod scenario;
pub mod speed;
pub mod term;
pub mod transformer;
pub mod units;
pub mod vsphere;

pub use precision::Precision;
pub use units::ByteUnits;
