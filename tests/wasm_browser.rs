//! The JS API in headless Chromium.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod wasm;
