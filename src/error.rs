//! Errors and policy issues: plain data with stable codes, so every caller (JS, tests, logs) can branch on them.

use serde::Serialize;

/// One problem found in a policy document (an error or a warning), located by a JSON path and, when the
/// document was read from its text, by line and column too (so an editor or a terminal can point at it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct Issue {
    /// Where in the document: `roles.UserManager.grants.reprots`; empty for the whole document.
    pub path: String,
    /// Stable machine-readable code, such as `unknown_feature`.
    pub code: &'static str,
    pub message: String,
    /// 1-based line of the value the path names (of its closest enclosing value when it is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub line: Option<u32>,
    /// 1-based column of the same place, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub column: Option<u32>,
}

impl Issue {
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Issue { path: path.into(), code, message: message.into(), line: None, column: None }
    }

    /// The same issue at a 1-based `(line, column)` of the document's text.
    pub fn at(self, (line, column): (u32, u32)) -> Self {
        Issue { line: Some(line), column: Some(column), ..self }
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

/// Every failure the library reports: a stable `code`, a message, and where it applies a path, a sub-reason
/// (tokens) or the full list of policy errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub code: &'static str,
    pub message: String,
    pub path: Option<String>,
    pub reason: Option<&'static str>,
    pub errors: Vec<Issue>,
}

impl Error {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), path: None, reason: None, errors: Vec::new() }
    }

    /// A malformed argument (not a refusal): `invalid_request` at `path`.
    pub fn invalid_request(path: impl Into<String>, message: impl Into<String>) -> Self {
        let path = path.into();
        let message = message.into();
        let message = if path.is_empty() { message } else { format!("{path}: {message}") };
        Error { path: Some(path), ..Error::new("invalid_request", message) }
    }

    /// A policy document refused as a whole, with every error found.
    pub fn invalid_policy(errors: Vec<Issue>) -> Self {
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        let message = match errors.len() {
            1 => format!("invalid policy: {first}"),
            n => format!("invalid policy ({n} errors): {first}; ..."),
        };
        Error { errors, ..Error::new("invalid_policy", message) }
    }

    pub fn with_reason(self, reason: &'static str) -> Self {
        Error { reason: Some(reason), ..self }
    }
}

impl From<Issue> for Error {
    /// A malformed argument found while reading input.
    fn from(issue: Issue) -> Self {
        Error::invalid_request(issue.path, issue.message)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
