//! The JS API in Node (wasm-bindgen-test's default runtime).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

mod wasm;
