//! The wasm-bindgen binding (wasm32 only): translates JS values to core types and core results back to JS.
//! It decides nothing; every rule lives in the core modules.
//!
//! What it exports is internal to the package: the JS layer (`src/npm/`) is the public API and the only
//! caller. [`Engine`] is a compiled policy with the calls the layer builds on (by name, and on compiled role
//! sets with numbers only); [`RoleSet`] a compiled set; [`Keyring`] the token keys (feature `token`).
//! Organised by concern, each file small: errors cross in one place ([`error`]), arguments are read by the
//! core's own path-aware readers ([`input`]).

mod account;
#[cfg(feature = "analysis")]
mod analysis;
mod engine;
mod error;
mod input;
#[cfg(feature = "token")]
mod keyring;
mod output;
mod policy;
mod watch;

pub use engine::RoleSet;
pub use input::parse_json;
#[cfg(feature = "token")]
pub use keyring::Keyring;
pub use policy::Engine;
pub use watch::InvitationWatch;
