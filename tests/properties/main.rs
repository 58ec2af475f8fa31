//! Property tests of the core, each named after the invariant it checks. Cases per property are set in
//! `arb::config`; `ROLEGATE_PROPTEST_SCALE=N` multiplies them for long runs.
#![cfg(not(target_arch = "wasm32"))] // proptest is a native-only dev-dependency
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

#[path = "../common/mod.rs"]
mod common;

mod arb;
mod model;

mod account;
#[cfg(feature = "analysis")]
mod analysis;
mod grant;
mod sequence;
#[cfg(feature = "token")]
mod token;
mod union;
