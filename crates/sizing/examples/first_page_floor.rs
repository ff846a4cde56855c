//! The engine alone, as the first page needs it: read a scenario and size it
//! with the bundled catalog, with no view code and no words. `make size` builds
//! this as a wasm module, runs the app's wasm-opt over it and reports its gzip
//! bytes: what the first visit downloads at the least, whatever the views cost.
//!
//!   cargo build --release -p sizing --example first_page_floor --target wasm32-unknown-unknown

use std::alloc::{Layout, alloc};

/// Room for `n` bytes of scenario text, for the host to write into (never freed).
#[unsafe(no_mangle)]
pub extern "C" fn buffer(n: usize) -> *mut u8 {
    match Layout::from_size_align(n.max(1), 1) {
        // SAFETY: the layout's size is at least 1.
        Ok(layout) => unsafe { alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// Sizes the scenario (JSON) at `text`: 0 when it cannot be read, 1 when it
/// cannot be sized, otherwise the report's version. The report is kept whole
/// (`black_box`), so every section's code stays in the module.
///
/// # Safety
/// `text` must point at `len` bytes written by the host into [`buffer`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn size(text: *const u8, len: usize) -> u32 {
    // SAFETY: the caller's contract.
    let bytes = unsafe { std::slice::from_raw_parts(text, len) };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return 0;
    };
    let Ok(scenario) = sizing::scenario::parse(text) else {
        return 0;
    };
    match sizing::report::size(&scenario, sizing::catalog::Catalog::bundled()) {
        Ok(report) => std::hint::black_box(&report).version,
        Err(_) => 1,
    }
}
