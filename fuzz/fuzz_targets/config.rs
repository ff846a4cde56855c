//! `cargo fuzz run config`: see fuzz/src/checks.rs for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = headroom_fuzz::checks::config(data) {
        panic!("invariant broken: {e}");
    }
});
