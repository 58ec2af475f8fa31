//! Shared fixtures: the two example policies and small builders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
#![allow(dead_code)]

use rolegate::{AccountRecord, GrantRequest, Member, Policy, TargetRequest};

pub fn product_a() -> Policy {
    Policy::from_json(include_str!("../../examples/product-a.json")).expect("product A compiles")
}

pub fn product_b() -> Policy {
    Policy::from_json(include_str!("../../examples/product-b.json")).expect("product B compiles")
}

pub fn member(id: &str, roles: &[&str]) -> Member {
    Member { id: id.into(), roles: roles.iter().map(|r| r.to_string()).collect() }
}

pub fn grant(actor: &Member, target: Option<&Member>, roles: &[&str]) -> GrantRequest {
    GrantRequest { actor: actor.clone(), target: target.cloned(), roles: roles.iter().map(|r| r.to_string()).collect(), others: None }
}

pub fn on(actor: &Member, target: &Member) -> TargetRequest {
    TargetRequest { actor: actor.clone(), target: target.clone(), others: None }
}

/// Codes of a decision's reasons, in order (an allowed decision's one reason is `allowed`).
pub fn codes(d: &rolegate::Decision) -> Vec<&'static str> {
    match d {
        rolegate::Decision::Allowed(_) => vec!["allowed"],
        rolegate::Decision::Refused(reasons) => reasons.iter().map(|r| r.code()).collect(),
    }
}

/// A decision's reasons with the names, levels and ranks they concern, as JS sees them (native: the words
/// are not in the wasm).
#[cfg(not(target_arch = "wasm32"))]
pub fn named(p: &Policy, d: &rolegate::Decision) -> Vec<rolegate::Described> {
    named_in(p, d, &[], &[])
}

/// [`named`] with the request's and the target's role names the policy does not know.
#[cfg(not(target_arch = "wasm32"))]
pub fn named_in(p: &Policy, d: &rolegate::Decision, unknown: &[&str], foreign: &[&str]) -> Vec<rolegate::Described> {
    d.reasons().iter().map(|r| p.describe(r, unknown, foreign)).collect()
}

pub const HOUR: u64 = 3_600_000;
pub const T0: u64 = 1_790_000_000_000;

pub fn fresh() -> AccountRecord {
    AccountRecord::default()
}
