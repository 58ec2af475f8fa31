//! Policies: the compiled model ([`model`]), the document compiler ([`compiler`]) and the warnings of a valid
//! policy ([`lint`]).

mod compiler;
mod error;
mod lint;
mod model;

pub use compiler::parse_duration;
pub use error::{Issue, IssueKind, LookupError, Param, PolicyError};
pub use model::*;
