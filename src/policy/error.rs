//! What goes wrong with a policy: a document refused whole ([`PolicyError`], every [`Issue`] listed), a
//! warning about a valid one, and a name the compiled policy does not know ([`LookupError`]).

use crate::input::{Expected, InputError, InputKind};

/// One problem found in a policy document (an error or a warning): what, as a kind with its parameters, and
/// where, by JSON path and (when the document was read from its text) line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Where in the document: `roles.UserManager.grants.reprots`; empty for the whole document.
    pub path: String,
    pub kind: IssueKind,
    /// 1-based line of the value the path names (of its closest enclosing value when it is missing).
    pub line: Option<u32>,
    /// 1-based column of the same place, in characters.
    pub column: Option<u32>,
}

/// What an issue is: its code (`code()`), its message key (`key()`) and parameters (`params()`). Words are
/// the caller's: the JS layer's message catalogs, or `Display` for Rust callers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssueKind {
    /// `invalid_json`: the text is not JSON; what the parser says (English, from serde_json).
    InvalidJson { detail: String },
    /// `duplicate_member`: a member named twice (another reader may keep the other one).
    DuplicateMember,
    /// A value not of the expected shape, with the reader's own code (`invalid_type`, `unknown_field`, ...).
    Input(InputKind),
    /// `invalid_type`: the document is neither JSON text nor a JSON-compatible object.
    NotADocument,
    /// `unsupported_version`
    UnsupportedVersion,
    /// `empty`: at least one feature (or role) is required.
    Empty,
    /// `invalid_name`: names are 1 to `max` characters, no surrounding spaces or control characters, not `*`.
    InvalidName { max: usize },
    /// `invalid_levels`: a feature needs 2 to `max` levels.
    InvalidLevels { max: usize },
    /// `duplicate_level`
    DuplicateLevel { level: String },
    /// `invalid_value`: one of `expected` was needed.
    InvalidValue { expected: &'static [&'static str] },
    /// `unknown_role`: an included role the policy does not have.
    UnknownRole { role: String },
    /// `invalid_level`: `"*"` only takes `"max"`.
    StarTakesMax,
    /// `invalid_level`: administering users must need more than no access.
    AdminNeedsAccess,
    /// `invalid_level`: editing the policy (`policyAdmin`) must need more than no access.
    EditorNeedsAccess,
    /// `unknown_feature`
    UnknownFeature { feature: String },
    /// `unknown_level`: `level` is not one of `feature`'s `levels` (empty when the feature's are not known).
    UnknownLevel { feature: String, level: String, levels: Vec<String> },
    /// `include_cycle`: the roles in the cycle, the first repeated at the end.
    IncludeCycle { cycle: Vec<String> },
    /// `invalid_type`: a rank is a whole number from 0 to `max`.
    InvalidRank { max: u64 },
    /// `missing_rank`: grant rule `rank` needs a rank on every role.
    MissingRank,
    /// `invalid_duration`
    InvalidDuration,
    /// Warning `empty_role`: the role grants nothing.
    EmptyRole { role: String },
    /// Warning `rank_grants_unheld`: `granter` may grant `role` by rank, although `role` gives `feature` at `level`
    /// above the `granter_level` the granter has (feature by its label).
    RankGrantsUnheld { role: String, rank: u32, feature: String, level: String, granter: String, granter_rank: u32, granter_level: String },
}

/// A parameter of an issue's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param<'a> {
    Text(&'a str),
    Number(u64),
    /// Names, read as a list ("a, b, c").
    Names(&'a [String]),
    /// Words of the document's own vocabulary (member names, values), read as a list.
    Words(&'static [&'static str]),
}

impl Issue {
    pub fn new(path: impl Into<String>, kind: IssueKind) -> Self {
        Issue { path: path.into(), kind, line: None, column: None }
    }

    /// The same issue at a 1-based `(line, column)` of the document's text.
    pub fn at(self, (line, column): (u32, u32)) -> Self {
        Issue { line: Some(line), column: Some(column), ..self }
    }

    /// The stable code, such as `unknown_feature`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl From<InputError> for Issue {
    /// A value of the document that is not what was expected, reported with the reader's own code.
    fn from(e: InputError) -> Self {
        Issue::new(e.path, IssueKind::Input(e.kind))
    }
}

impl IssueKind {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        let key = self.key();
        key.split_once('.').map_or(key, |(code, _)| code)
    }

    /// The message key: the code, or `code.variant` where one code has several wordings.
    pub fn key(&self) -> &'static str {
        match self {
            IssueKind::InvalidJson { .. } => "invalid_json",
            IssueKind::DuplicateMember => "duplicate_member",
            IssueKind::Input(kind) => match kind {
                InputKind::Expected(e) => match e {
                    Expected::Object => "invalid_type.object",
                    Expected::String => "invalid_type.string",
                    Expected::Boolean => "invalid_type.boolean",
                    Expected::WholeNumber => "invalid_type.whole_number",
                    Expected::Strings => "invalid_type.strings",
                    Expected::Function => "invalid_type.function",
                    Expected::Json => "invalid_type.json",
                    Expected::Members => "invalid_type.members",
                },
                InputKind::Empty => "invalid_value.empty",
                InputKind::TooMany(_) => "too_many",
                InputKind::MissingField(_) => "missing_field",
                InputKind::UnknownField(_) => "unknown_field",
                InputKind::AtMostSeconds(_) => "invalid_value.at_most_seconds",
                InputKind::NotFeatureId => "invalid_value.not_feature_id",
                InputKind::NotLevelId => "invalid_value.not_level_id",
            },
            IssueKind::NotADocument => "invalid_type.document",
            IssueKind::UnsupportedVersion => "unsupported_version",
            IssueKind::Empty => "empty",
            IssueKind::InvalidName { .. } => "invalid_name",
            IssueKind::InvalidLevels { .. } => "invalid_levels",
            IssueKind::DuplicateLevel { .. } => "duplicate_level",
            IssueKind::InvalidValue { .. } => "invalid_value",
            IssueKind::UnknownRole { .. } => "unknown_role",
            IssueKind::StarTakesMax => "invalid_level.star",
            IssueKind::AdminNeedsAccess => "invalid_level.user_admin",
            IssueKind::EditorNeedsAccess => "invalid_level.policy_admin",
            IssueKind::UnknownFeature { .. } => "unknown_feature",
            IssueKind::UnknownLevel { .. } => "unknown_level",
            IssueKind::IncludeCycle { .. } => "include_cycle",
            IssueKind::InvalidRank { .. } => "invalid_type.rank",
            IssueKind::MissingRank => "missing_rank",
            IssueKind::InvalidDuration => "invalid_duration",
            IssueKind::EmptyRole { .. } => "empty_role",
            IssueKind::RankGrantsUnheld { .. } => "rank_grants_unheld",
        }
    }

    /// The message's parameters, by name (each message of a catalog uses exactly these).
    pub fn params(&self) -> Vec<(&'static str, Param<'_>)> {
        let n = |v: usize| Param::Number(v as u64);
        match self {
            IssueKind::InvalidJson { detail } => vec![("detail", Param::Text(detail))],
            IssueKind::Input(InputKind::TooMany(max)) => vec![("max", n(*max))],
            IssueKind::Input(InputKind::MissingField(field)) => vec![("field", Param::Text(field))],
            IssueKind::Input(InputKind::UnknownField(expected)) | IssueKind::InvalidValue { expected } => {
                vec![("expected", Param::Words(expected))]
            }
            IssueKind::Input(InputKind::AtMostSeconds(max)) | IssueKind::InvalidRank { max } => vec![("max", Param::Number(*max))],
            IssueKind::InvalidName { max } | IssueKind::InvalidLevels { max } => vec![("max", n(*max))],
            IssueKind::DuplicateLevel { level } => vec![("level", Param::Text(level))],
            IssueKind::UnknownRole { role } | IssueKind::EmptyRole { role } => vec![("role", Param::Text(role))],
            IssueKind::UnknownFeature { feature } => vec![("feature", Param::Text(feature))],
            IssueKind::UnknownLevel { feature, level, levels } => {
                vec![("level", Param::Text(level)), ("feature", Param::Text(feature)), ("levels", Param::Names(levels))]
            }
            IssueKind::IncludeCycle { cycle } => vec![("cycle", Param::Names(cycle))],
            IssueKind::RankGrantsUnheld { role, rank, feature, level, granter, granter_rank, granter_level } => vec![
                ("role", Param::Text(role)),
                ("rank", Param::Number(u64::from(*rank))),
                ("feature", Param::Text(feature)),
                ("level", Param::Text(level)),
                ("granter", Param::Text(granter)),
                ("granterRank", Param::Number(u64::from(*granter_rank))),
                ("granterLevel", Param::Text(granter_level)),
            ],
            _ => Vec::new(),
        }
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

/// Issues and policy errors in English, for Rust callers (native builds only: the JS layer words them from
/// its message catalogs, so none of this text is in the wasm).
#[cfg(not(target_arch = "wasm32"))]
mod words {
    use super::{Issue, IssueKind, Param, PolicyError};
    use std::fmt;

    impl fmt::Display for Param<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Param::Text(t) => f.write_str(t),
                Param::Number(n) => write!(f, "{n}"),
                Param::Names(names) => f.write_str(&names.join(", ")),
                Param::Words(words) => f.write_str(&words.join(", ")),
            }
        }
    }

    impl fmt::Display for IssueKind {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let template = match self {
                IssueKind::Input(kind) => return f.write_str(&kind.message()),
                IssueKind::IncludeCycle { cycle } => return write!(f, "these roles include each other in a cycle: {}", cycle.join(" -> ")),
                IssueKind::InvalidJson { .. } => "not valid JSON: {detail}",
                IssueKind::DuplicateMember => "appears more than once in its object",
                IssueKind::NotADocument => "the policy must be JSON text or a JSON-compatible object",
                IssueKind::UnsupportedVersion => "only version 1 is supported",
                IssueKind::Empty => "at least one entry is required",
                IssueKind::InvalidName { .. } => "names are 1 to {max} characters, without surrounding spaces or control characters, and not '*'",
                IssueKind::InvalidLevels { .. } => "a feature needs 2 to {max} levels, the first meaning no access",
                IssueKind::DuplicateLevel { .. } => "level '{level}' is listed twice",
                IssueKind::InvalidValue { .. } => "expected one of: {expected}",
                IssueKind::UnknownRole { .. } => "'{role}' is not a role of this policy",
                IssueKind::StarTakesMax => "\"*\" only takes \"max\" (every feature at its top level)",
                IssueKind::AdminNeedsAccess => "administering users must need more than the no-access level",
                IssueKind::EditorNeedsAccess => "editing the policy must need more than the no-access level",
                IssueKind::UnknownFeature { .. } => "'{feature}' is not a feature of this policy",
                IssueKind::UnknownLevel { .. } => "'{level}' is not a level of '{feature}' (levels: {levels})",
                IssueKind::InvalidRank { .. } => "a rank is a whole number from 0 to {max}",
                IssueKind::MissingRank => "grantRule \"rank\" needs a rank on every role",
                IssueKind::InvalidDuration => "expected a duration such as \"24h\", \"90m\", \"7d\" or \"2s\", above zero and at most 365 days",
                IssueKind::EmptyRole { .. } => "role '{role}' grants nothing",
                IssueKind::RankGrantsUnheld { .. } => {
                    "'{role}' (rank {rank}) gives {feature}: {level}, but '{granter}' (rank {granterRank}) may grant it by rank while having only {feature}: {granterLevel}"
                }
            };
            let params = self.params();
            let mut rest = template;
            while let Some((before, after)) = rest.split_once('{') {
                f.write_str(before)?;
                let (name, tail) = after.split_once('}').unwrap_or((after, ""));
                match params.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => write!(f, "{value}")?,
                    None => write!(f, "{{{name}}}")?,
                }
                rest = tail;
            }
            f.write_str(rest)
        }
    }

    impl fmt::Display for Issue {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.path.is_empty() { write!(f, "{}", self.kind) } else { write!(f, "{}: {}", self.path, self.kind) }
        }
    }

    impl fmt::Display for PolicyError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let first = self.errors.first().map(ToString::to_string).unwrap_or_default();
            match self.errors.len() {
                1 => write!(f, "invalid policy: {first}"),
                n => write!(f, "invalid policy ({n} errors): {first}; ..."),
            }
        }
    }

    impl std::error::Error for PolicyError {}
}
