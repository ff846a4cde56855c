//! The app's wasm, in the split build (`--features split`), is linked with its
//! relocations kept: scripts/split.mjs needs them to split the module at its split
//! points (src/lazy_pages.rs). Only the app's binary: tests, the lab's worker and
//! the native build link as usual.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo::rustc-link-arg-bin=headroom=--emit-relocs");
    }
}
