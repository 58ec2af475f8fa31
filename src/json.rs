//! Typed reads from parsed JSON, each failure located by its path: the one way input enters the core
//! (policy documents, requests from JS, token headers and claims).

use serde_json::{Map, Value};

use crate::error::Issue;

pub(crate) type Read<T> = Result<T, Issue>;

/// Largest integer a JS number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// `parent.key`, or `parent["key"]` when the key would not read back as one path segment.
pub fn child(parent: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '*' | '$'));
    match (parent.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        _ => format!("{parent}[{key:?}]"),
    }
}

pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

fn invalid_type(path: &str, expected: &str) -> Issue {
    Issue::new(path, "invalid_type", format!("expected {expected}"))
}

pub(crate) fn object<'v>(value: &'v Value, path: &str) -> Read<&'v Map<String, Value>> {
    value.as_object().ok_or_else(|| invalid_type(path, "an object"))
}

pub(crate) fn string<'v>(value: &'v Value, path: &str) -> Read<&'v str> {
    value.as_str().ok_or_else(|| invalid_type(path, "a string"))
}

pub(crate) fn boolean(value: &Value, path: &str) -> Read<bool> {
    value.as_bool().ok_or_else(|| invalid_type(path, "true or false"))
}

/// A whole number from 0 to 2^53 - 1 (what JSON and JS numbers carry exactly).
pub(crate) fn whole(value: &Value, path: &str) -> Read<u64> {
    value.as_u64().filter(|n| *n <= MAX_SAFE_INTEGER).ok_or_else(|| invalid_type(path, "a whole number >= 0"))
}

/// An array of at most `max` strings.
pub(crate) fn strings(value: &Value, path: &str, max: usize) -> Read<Vec<String>> {
    let items = value.as_array().ok_or_else(|| invalid_type(path, "an array of strings"))?;
    if items.len() > max {
        return Err(Issue::new(path, "too_many", format!("at most {max} entries")));
    }
    items.iter().enumerate().map(|(i, v)| string(v, &index(path, i)).map(str::to_string)).collect()
}

/// A field that must be present (null counts as present: callers that allow it use [`optional`]).
pub(crate) fn required<'v>(obj: &'v Map<String, Value>, path: &str, key: &str) -> Read<&'v Value> {
    obj.get(key).ok_or_else(|| Issue::new(child(path, key), "missing_field", format!("{key} is required")))
}

/// A field that may be absent or null.
pub(crate) fn optional<'v>(obj: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// Every key of `obj` not in `allowed`, as `unknown_field` issues (typos must not pass silently).
pub(crate) fn unknown_fields(obj: &Map<String, Value>, path: &str, allowed: &[&str]) -> Vec<Issue> {
    obj.keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| Issue::new(child(path, k), "unknown_field", format!("unknown field (expected one of: {})", allowed.join(", "))))
        .collect()
}

/// The first unknown field as an error.
pub(crate) fn only(obj: &Map<String, Value>, path: &str, allowed: &[&str]) -> Read<()> {
    unknown_fields(obj, path, allowed).into_iter().next().map_or(Ok(()), Err)
}
