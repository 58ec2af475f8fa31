//! Typed reads from JSON-shaped input (parsed JSON, or JS values in the binding), each failure located by its
//! path: the one way input enters the core (policy documents, requests, token headers and claims).

use crate::error::Issue;
use crate::json::{Map, Value, child, index};

pub(crate) type Read<T> = Result<T, Issue>;

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

/// What went wrong with one value, before it is placed: the path is built only when a read fails.
#[derive(Debug)]
pub(crate) struct Fault {
    code: &'static str,
    message: String,
    /// Where inside the value (an array index), if deeper than the value itself.
    within: Option<usize>,
}

impl Fault {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Fault { code, message: message.into(), within: None }
    }

    /// The issue at `path` (the path of the value that was read).
    pub(crate) fn at(self, path: &str) -> Issue {
        let path = match self.within {
            Some(i) => index(path, i),
            None => path.to_string(),
        };
        Issue::new(path, self.code, self.message)
    }
}

fn invalid_type(expected: &str) -> Fault {
    Fault::new("invalid_type", format!("expected {expected}"))
}

/// A parsed JSON object's members, for the policy compiler's walks.
pub(crate) fn map(value: &Value) -> Result<&Map, Fault> {
    value.as_object().ok_or_else(|| invalid_type("an object"))
}

pub(crate) fn object<I: Input>(value: &I) -> Result<(), Fault> {
    if value.is_object() { Ok(()) } else { Err(invalid_type("an object")) }
}

pub(crate) fn string<I: Input>(value: &I) -> Result<String, Fault> {
    value.text().ok_or_else(|| invalid_type("a string"))
}

/// A string that must not be empty.
pub(crate) fn name<I: Input>(value: &I) -> Result<String, Fault> {
    let s = string(value)?;
    if s.is_empty() { Err(Fault::new("invalid_value", "must not be empty")) } else { Ok(s) }
}

pub(crate) fn boolean<I: Input>(value: &I) -> Result<bool, Fault> {
    value.flag().ok_or_else(|| invalid_type("true or false"))
}

/// A whole number from 0 to 2^53 - 1 (what JSON and JS numbers carry exactly).
pub(crate) fn whole<I: Input>(value: &I) -> Result<u64, Fault> {
    value.whole().ok_or_else(|| invalid_type("a whole number >= 0"))
}

/// An array of at most `max` strings.
pub(crate) fn strings<I: Input>(value: &I, max: usize) -> Result<Vec<String>, Fault> {
    let not_array = || invalid_type("an array of strings");
    if value.length().ok_or_else(not_array)? > max {
        return Err(Fault::new("too_many", format!("at most {max} entries")));
    }
    let items = value.items().ok_or_else(not_array)?;
    items.iter().enumerate().map(|(i, v)| string(v).map_err(|f| Fault { within: Some(i), ..f })).collect()
}

/// The whole input read with `read`, placed at `path` on failure.
pub(crate) fn value<I: Input, T>(value: &I, path: &str, read: fn(&I) -> Result<T, Fault>) -> Read<T> {
    read(value).map_err(|f| f.at(path))
}

/// The required member `key` read with `read` (null counts as present: optional members use [`optional_field`]).
pub(crate) fn field<I: Input, T>(obj: &I, path: &str, key: &str, read: fn(&I) -> Result<T, Fault>) -> Read<T> {
    let member = obj.member(key).ok_or_else(|| Issue::new(child(path, key), "missing_field", format!("{key} is required")))?;
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
pub(crate) fn present<I: Input>(obj: &I, path: &str, key: &str) -> Read<()> {
    obj.member(key).map(|_| ()).ok_or_else(|| Issue::new(child(path, key), "missing_field", format!("{key} is required")))
}

/// Every member name not in `allowed`, as `unknown_field` issues (typos must not pass silently).
pub(crate) fn unknown_fields<'k>(names: impl IntoIterator<Item = &'k String>, path: &str, allowed: &[&str]) -> Vec<Issue> {
    names
        .into_iter()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| Issue::new(child(path, k), "unknown_field", format!("unknown field (expected one of: {})", allowed.join(", "))))
        .collect()
}

/// An object with no members but `allowed`; the first unknown one is the error.
pub(crate) fn only<I: Input>(obj: &I, path: &str, allowed: &[&str]) -> Read<()> {
    value(obj, path, object)?;
    unknown_fields(&obj.member_names(), path, allowed).into_iter().next().map_or(Ok(()), Err)
}
