//! Every error the library reports. Each subsystem has its own error, an enum of kinds with one `code()`
//! (stable, for callers to branch on); [`Error`] gathers them for callers that cross subsystems, and the
//! binding turns it into a JS `Error` in one place.

#[cfg(feature = "analysis")]
pub use crate::analysis::AnalysisError;
pub use crate::account::AccountError;
pub use crate::input::{Expected, InputError, InputKind};
pub use crate::json::ParseError;
pub use crate::policy::{Issue, LookupError, PolicyError};
#[cfg(feature = "token")]
pub use crate::token::{KeyProblem, TokenError, TokenReason};

/// Any error of the library, by subsystem.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A malformed argument (`invalid_request`, with its path).
    Input(InputError),
    /// JSON text that is not JSON, or names a member twice.
    Json(ParseError),
    /// A policy document refused whole (`invalid_policy`).
    Policy(PolicyError),
    /// A role, feature or level name the policy does not know.
    Lookup(LookupError),
    /// An account transition its state does not allow.
    Account(AccountError),
    #[cfg(feature = "token")]
    Token(TokenError),
    #[cfg(feature = "analysis")]
    Analysis(AnalysisError),
}

impl Error {
    /// The stable code, such as `invalid_request` or `unknown_role`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Input(e) => e.code(),
            Error::Json(e) => e.code(),
            Error::Policy(e) => e.code(),
            Error::Lookup(e) => e.code(),
            Error::Account(e) => e.code(),
            #[cfg(feature = "token")]
            Error::Token(e) => e.code(),
            #[cfg(feature = "analysis")]
            Error::Analysis(e) => e.code(),
        }
    }

    /// What went wrong, in words (English; native builds: the JS layer words policy errors itself).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn message(&self) -> String {
        match self {
            Error::Input(e) => e.message(),
            Error::Json(e) => e.message(),
            Error::Policy(e) => e.to_string(),
            Error::Lookup(e) => e.message(),
            Error::Account(e) => e.message().to_string(),
            #[cfg(feature = "token")]
            Error::Token(e) => e.message(),
            #[cfg(feature = "analysis")]
            Error::Analysis(e) => e.message(),
        }
    }
}

/// `From` for each subsystem's error, so `?` gathers them.
macro_rules! from {
    ($($variant:ident($error:ty) $(if $feature:literal)?),* $(,)?) => {$(
        $(#[cfg(feature = $feature)])?
        impl From<$error> for Error {
            fn from(e: $error) -> Self {
                Error::$variant(e)
            }
        }
    )*};
}

from!(
    Input(InputError),
    Json(ParseError),
    Policy(PolicyError),
    Lookup(LookupError),
    Account(AccountError),
    Token(TokenError) if "token",
    Analysis(AnalysisError) if "analysis",
);

/// `Display` (its message) and `std::error::Error` for each error, for Rust callers (native builds: the wasm
/// hands messages to JS without `core::fmt`).
macro_rules! display {
    ($($error:ident $(if $feature:literal)?),* $(,)?) => {$(
        $(#[cfg(feature = $feature)])?
        #[cfg(not(target_arch = "wasm32"))]
        impl std::fmt::Display for $error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.message())
            }
        }

        $(#[cfg(feature = $feature)])?
        #[cfg(not(target_arch = "wasm32"))]
        impl std::error::Error for $error {}
    )*};
}

display!(Error, InputError, ParseError, LookupError, AccountError, TokenError if "token", AnalysisError if "analysis");

pub type Result<T, E = Error> = std::result::Result<T, E>;
