//! The browser effects the app needs, one per file, each a small function with
//! its options and return types (after leptos-use). They move text in and out of
//! the browser and report failures as data; they know nothing of the app's
//! types: parsing, versions and messages stay in the engine, where the command
//! line shares them.

pub mod after_paint;
pub mod clipboard;
pub mod download;
pub mod file_open;
pub mod focus;
pub mod location;
pub mod parent_height;
pub mod shell;
pub mod slices;
pub mod storage;
pub mod theme;
pub mod worker;
