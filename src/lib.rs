//! rolegate: user-administration rules for multi-tenant SaaS, one Rust core for the browser and the edge.
//!
//! - [`policy`]: parse and compile a policy document once (dense indices, every error located).
//! - [`json`] and [`input`]: the strict JSON reader and the typed, path-aware reads every input goes through.
//! - [`permissions`]: role union (the highest level wins, feature by feature).
//! - [`grant`]: grant, remove and invite decisions with stable reason codes.
//! - [`account`]: account status and transitions as pure functions of (record, now).
//! - [`analysis`]: who can reach a level, the delegation graph, and the impact of a policy change (feature
//!   `analysis`, on by default; the edge build leaves it out).
//! - [`token`]: HS256 actor tokens and invitation links (feature `token`, on by default; the browser build
//!   leaves it out).
//!
//! The core takes and returns plain Rust data; `js` (wasm32 only) translates to and from JavaScript.

pub mod account;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod catalogs;
#[cfg(feature = "analysis")]
pub mod analysis;
pub mod error;
pub mod grant;
pub mod input;
pub mod json;
pub mod permissions;
pub mod policy;
#[cfg(feature = "token")]
pub mod token;

#[cfg(target_arch = "wasm32")]
pub mod js;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use account::{AccountError, AccountRecord, AccountStatus, Millis, Status, TenantStatus};
#[cfg(feature = "analysis")]
pub use analysis::{AnalysisError, Change, Delegation, Diff, Escalation, Grants, Reach, UserChange, diff};
pub use error::{Error, Result};
pub use policy::{Issue, IssueKind, LookupError, PolicyError};
#[cfg(not(target_arch = "wasm32"))]
pub use grant::Described;
pub use grant::{Allowed, Decision, GrantRequest, Member, Others, Reason, TargetRequest};
pub use permissions::{Explanation, RoleSet};
pub use policy::{Feature, GrantRule, Policy, RankOrder, Role, RoleInfo};
#[cfg(feature = "token")]
pub use token::{ActorClaims, Audience, InvitationClaims, Keyring, KeyringOptions, TokenError};
