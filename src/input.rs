//! Typed reads from JSON-shaped input (parsed JSON, or JS values in the binding), each failure located by its
//! path: the one way input enters the core (policy documents, requests, token headers and claims).

use crate::json::{Map, Value, child, index};

pub(crate) type Read<T> = Result<T, InputError>;

/// Largest integer a JS number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// What the readers need of an input: parsed JSON here; the binding reads JS values member by member,
/// with no JSON text in between.
pub trait Input: Sized {
    /// The member `key` of an object; `None` when absent (or `undefined`).
    fn member(&self, key: &str) -> Option<Self>;
    /// A plain object (not an array, not null).
    fn is_object(&self) -> bool;
    /// The object's member names (only read to report unknown fields).
    fn member_names(&self) -> Vec<String>;
    /// Array length, or `None` when not an array (checked before the elements are read).
    fn length(&self) -> Option<usize>;
    /// Array elements, or `None` when not an array.
    fn items(&self) -> Option<Vec<Self>>;
    fn text(&self) -> Option<String>;
    fn flag(&self) -> Option<bool>;
    /// A whole number from 0 to 2^53 - 1.
    fn whole(&self) -> Option<u64>;
    fn is_null(&self) -> bool;
}

impl Input for &Value {
    fn member(&self, key: &str) -> Option<Self> {
        self.get(key)
    }
    fn is_object(&self) -> bool {
        Value::is_object(self)
    }
    fn member_names(&self) -> Vec<String> {
        self.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }
    fn length(&self) -> Option<usize> {
        self.as_array().map(Vec::len)
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().map(|a| a.iter().collect())
    }
    fn text(&self) -> Option<String> {
        self.as_str().map(str::to_string)
    }
    fn flag(&self) -> Option<bool> {
        self.as_bool()
    }
    fn whole(&self) -> Option<u64> {
        self.as_u64().filter(|n| *n <= MAX_SAFE_INTEGER)
    }
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }
}

/// A value that is not what was expected, and where: `invalid_request` when it is an argument of a call (a
/// policy document reports the same faults as issues, with the kind's own code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Where in the input: `actor.roles[1]`; empty for the whole value.
    pub path: String,
    pub kind: InputKind,
}

/// What is wrong with one input value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputKind {
    /// Not the expected type (`invalid_type`).
    Expected(Expected),
    /// An empty string where a name is needed (`invalid_value`).
    Empty,
    /// More entries than allowed (`too_many`).
    TooMany(usize),
    /// A required member is absent (`missing_field`); the member's name.
    MissingField(&'static str),
    /// A member nobody reads (`unknown_field`): typos must not pass silently; the members allowed there.
    UnknownField(&'static [&'static str]),
    /// A number of seconds above its bound (`invalid_value`).
    AtMostSeconds(u64),
    /// A number that is not a feature id of the policy (`invalid_value`; the compiled fast path).
    NotFeatureId,
    /// A number that is not a level id above no access (`invalid_value`; the compiled fast path).
    NotLevelId,
}

/// The type a value should have had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Object,
    String,
    Boolean,
    WholeNumber,
    Strings,
    Function,
    /// Something `JSON.stringify` can write.
    Json,
    /// An array of `{ id, roles }`.
    Members,
}

impl InputError {
    pub fn new(path: impl Into<String>, kind: InputKind) -> Self {
        InputError { path: path.into(), kind }
    }

    /// Always `invalid_request`: a malformed argument, not a refusal.
    pub fn code(&self) -> &'static str {
        "invalid_request"
    }

    /// `path: what is wrong` (the path alone names nothing for the whole value).
    pub fn message(&self) -> String {
        let what = self.kind.message();
        if self.path.is_empty() { what } else { [self.path.as_str(), ": ", &what].concat() }
    }
}

impl InputKind {
    /// The code of this fault where it is reported as itself (a policy document's issues).
    pub fn code(self) -> &'static str {
        match self {
            InputKind::Expected(_) => "invalid_type",
            InputKind::Empty | InputKind::AtMostSeconds(_) | InputKind::NotFeatureId | InputKind::NotLevelId => "invalid_value",
            InputKind::TooMany(_) => "too_many",
            InputKind::MissingField(_) => "missing_field",
            InputKind::UnknownField(_) => "unknown_field",
        }
    }

    /// What is wrong, in words (for Rust callers and thrown errors).
    pub fn message(self) -> String {
        match self {
            InputKind::Expected(e) => ["expected ", e.text()].concat(),
            InputKind::Empty => "must not be empty".into(),
            InputKind::TooMany(max) => ["at most ", &decimal(max as u64), " entries"].concat(),
            InputKind::MissingField(key) => [key, " is required"].concat(),
            InputKind::UnknownField(allowed) => ["unknown field (expected one of: ", &allowed.join(", "), ")"].concat(),
            InputKind::AtMostSeconds(max) => ["at most ", &decimal(max), " seconds"].concat(),
            InputKind::NotFeatureId => "not a feature id of this policy".into(),
            InputKind::NotLevelId => "not a level id above no access".into(),
        }
    }
}

impl Expected {
    fn text(self) -> &'static str {
        match self {
            Expected::Object => "an object",
            Expected::String => "a string",
            Expected::Boolean => "true or false",
            Expected::WholeNumber => "a whole number >= 0",
            Expected::Strings => "an array of strings",
            Expected::Function => "a function",
            Expected::Json => "a JSON-compatible object",
            Expected::Members => "an array of { id, roles }",
        }
    }
}

/// A whole number in decimal (messages are built without `core::fmt`).
pub(crate) fn decimal(n: u64) -> String {
    itoa::Buffer::new().format(n).to_string()
}

/// What went wrong with one value, before it is placed: the path is built only when a read fails.
#[derive(Debug)]
pub(crate) struct Fault {
    kind: InputKind,
    /// Where inside the value (an array index), if deeper than the value itself.
    within: Option<usize>,
}

impl Fault {
    fn new(kind: InputKind) -> Self {
        Fault { kind, within: None }
    }

    /// The error at `path` (the path of the value that was read).
    pub(crate) fn at(self, path: &str) -> InputError {
        let path = match self.within {
            Some(i) => index(path, i),
            None => path.to_string(),
        };
        InputError { path, kind: self.kind }
    }
}

fn expected(what: Expected) -> Fault {
    Fault::new(InputKind::Expected(what))
}

/// A parsed JSON object's members, for the policy compiler's walks.
pub(crate) fn map(value: &Value) -> Result<&Map, Fault> {
    value.as_object().ok_or_else(|| expected(Expected::Object))
}

pub(crate) fn object<I: Input>(value: &I) -> Result<(), Fault> {
    if value.is_object() { Ok(()) } else { Err(expected(Expected::Object)) }
}

pub(crate) fn string<I: Input>(value: &I) -> Result<String, Fault> {
    value.text().ok_or_else(|| expected(Expected::String))
}

/// A string that must not be empty.
pub(crate) fn name<I: Input>(value: &I) -> Result<String, Fault> {
    let s = string(value)?;
    if s.is_empty() { Err(Fault::new(InputKind::Empty)) } else { Ok(s) }
}

pub(crate) fn boolean<I: Input>(value: &I) -> Result<bool, Fault> {
    value.flag().ok_or_else(|| expected(Expected::Boolean))
}

/// A whole number from 0 to 2^53 - 1 (what JSON and JS numbers carry exactly).
pub(crate) fn whole<I: Input>(value: &I) -> Result<u64, Fault> {
    value.whole().ok_or_else(|| expected(Expected::WholeNumber))
}

/// An array of at most `max` strings.
pub(crate) fn strings<I: Input>(value: &I, max: usize) -> Result<Vec<String>, Fault> {
    let not_array = || expected(Expected::Strings);
    if value.length().ok_or_else(not_array)? > max {
        return Err(Fault::new(InputKind::TooMany(max)));
    }
    let items = value.items().ok_or_else(not_array)?;
    items.iter().enumerate().map(|(i, v)| string(v).map_err(|f| Fault { within: Some(i), ..f })).collect()
}

/// The whole input read with `read`, placed at `path` on failure.
pub(crate) fn value<I: Input, T>(value: &I, path: &str, read: fn(&I) -> Result<T, Fault>) -> Read<T> {
    read(value).map_err(|f| f.at(path))
}

/// The required member `key` read with `read` (null counts as present: optional members use [`optional_field`]).
pub(crate) fn field<I: Input, T>(obj: &I, path: &str, key: &'static str, read: fn(&I) -> Result<T, Fault>) -> Read<T> {
    let member = obj.member(key).ok_or_else(|| InputError::new(child(path, key), InputKind::MissingField(key)))?;
    read(&member).map_err(|f| f.at(&child(path, key)))
}

/// The member `key`, absent or null allowed.
pub(crate) fn optional<I: Input>(obj: &I, key: &str) -> Option<I> {
    obj.member(key).filter(|v| !v.is_null())
}

/// The member `key` read with `read` when present and not null.
pub(crate) fn optional_field<I: Input, T>(obj: &I, path: &str, key: &str, read: fn(&I) -> Result<T, Fault>) -> Read<Option<T>> {
    optional(obj, key).map(|v| read(&v).map_err(|f| f.at(&child(path, key)))).transpose()
}

/// The member `key` must be present, though it may be null.
pub(crate) fn present<I: Input>(obj: &I, path: &str, key: &'static str) -> Read<()> {
    obj.member(key).map(|_| ()).ok_or_else(|| InputError::new(child(path, key), InputKind::MissingField(key)))
}

/// Every member name not in `allowed`, as `unknown_field` errors (typos must not pass silently).
pub(crate) fn unknown_fields<'k>(
    names: impl IntoIterator<Item = &'k String>,
    path: &str,
    allowed: &'static [&'static str],
) -> impl Iterator<Item = InputError> {
    names
        .into_iter()
        .filter(move |k| !allowed.contains(&k.as_str()))
        .map(move |k| InputError::new(child(path, k), InputKind::UnknownField(allowed)))
}

/// An object with no members but `allowed`; the first unknown one is the error.
pub(crate) fn only<I: Input>(obj: &I, path: &str, allowed: &'static [&'static str]) -> Read<()> {
    value(obj, path, object)?;
    unknown_fields(&obj.member_names(), path, allowed).next().map_or(Ok(()), Err)
}
