//! What goes wrong with a policy: a document refused whole ([`PolicyError`], every [`Issue`] listed) and a name
//! the compiled policy does not know ([`LookupError`]).

use serde::Serialize;

use crate::input::InputError;

/// One problem found in a policy document (an error or a warning), located by a JSON path and, when the
/// document was read from its text, by line and column too (so an editor or a terminal can point at it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Where in the document: `roles.UserManager.grants.reprots`; empty for the whole document.
    pub path: String,
    /// Stable machine-readable code, such as `unknown_feature`.
    pub code: &'static str,
    pub message: String,
    /// 1-based line of the value the path names (of its closest enclosing value when it is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column of the same place, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
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

impl From<InputError> for Issue {
    /// A value of the document that is not what was expected, reported with its own code.
    fn from(e: InputError) -> Self {
        Issue::new(e.path, e.kind.code(), e.kind.message())
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

/// A policy document refused as a whole (`invalid_policy`), with every error found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub errors: Vec<Issue>,
}

impl PolicyError {
    pub fn code(&self) -> &'static str {
        "invalid_policy"
    }

    /// The first error, and how many there are.
    pub fn message(&self) -> String {
        let first = self.errors.first().map(ToString::to_string).unwrap_or_default();
        match self.errors.len() {
            1 => format!("invalid policy: {first}"),
            n => format!("invalid policy ({n} errors): {first}; ..."),
        }
    }
}

/// A name the compiled policy does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookupError {
    /// `unknown_role`
    UnknownRole(String),
    /// `unknown_feature`
    UnknownFeature(String),
    /// `unknown_level`
    UnknownLevel { feature: String, level: String },
}

impl LookupError {
    pub fn code(&self) -> &'static str {
        match self {
            LookupError::UnknownRole(_) => "unknown_role",
            LookupError::UnknownFeature(_) => "unknown_feature",
            LookupError::UnknownLevel { .. } => "unknown_level",
        }
    }

    pub fn message(&self) -> String {
        match self {
            LookupError::UnknownRole(name) => ["'", name, "' is not a role of this policy"].concat(),
            LookupError::UnknownFeature(name) => ["'", name, "' is not a feature of this policy"].concat(),
            LookupError::UnknownLevel { feature, level } => ["'", level, "' is not a level of feature '", feature, "'"].concat(),
        }
    }
}
