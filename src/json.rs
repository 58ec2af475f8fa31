//! Typed reads from JSON-shaped input, each failure located by its path: the one way input enters the core
//! (policy documents, requests, token headers and claims).

use std::cell::{Cell, RefCell};

use rustc_hash::FxHashSet;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::Issue;

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

/// A JSON value as the core reads it. serde_json parses; objects keep their members in document order as a
/// plain list (the reader refuses a name given twice, so it is a map), so no index map ships in the wasm.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// A whole number from 0 to 2^64 - 1, written without fraction or exponent (`1`, not `1.0`).
    Whole(u64),
    /// Any other number.
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// An object's members in document order, names unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map(Vec<(String, Value)>);

impl Map {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.into_iter()
    }
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (String, Value)>, fn(&'a (String, Value)) -> (&'a String, &'a Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Value {
    /// The member `key` of an object; `None` for anything else.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(key))
    }
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn is_object(&self) -> bool {
        self.as_object().is_some()
    }
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// A whole number as written (`1.0` is not one, as with serde_json).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Whole(n) => Some(*n),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// A serde_json value as this crate's (for callers that build documents with `serde_json::json!`).
impl From<&serde_json::Value> for Value {
    fn from(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => n.as_u64().map_or_else(|| Value::Number(n.as_f64().unwrap_or(f64::NAN)), Value::Whole),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            serde_json::Value::Object(m) => Value::Object(Map(m.iter().map(|(k, v)| (k.clone(), Value::from(v))).collect())),
        }
    }
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

/// JSON text as a [`Value`], refusing an object that names a member twice: another reader on the way (an
/// edge, an origin, a JWT library) may keep the other one, so a duplicate is ambiguous, never "last wins".
/// Every JSON document the core reads (policies, token headers and claims, keys) comes through here.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    read(text, &Context::default())
}

fn read(text: &str, cx: &Context) -> Result<Value, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Strict { at: At::Root, cx }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match (parsed, cx.duplicate.take()) {
        (_, Some(path)) => Err(ParseError::Duplicate(path)),
        (Ok(value), None) => Ok(value),
        (Err(e), None) => Err(ParseError::Syntax(e)),
    }
}

/// Gives each issue without a position the 1-based line and column in `text` of the member its path names (of
/// the string value, for an array item; of the closest enclosing member when the path names a missing one; of
/// the syntax error, when `text` is not JSON). Positions come from the parser itself: `text` is read again by
/// the same strict reader, which notes where each member name and string it borrows from `text` starts.
pub fn place(text: &str, issues: &mut [Issue]) {
    // Nothing to place (a valid policy without warnings): the text is not read a second time.
    if issues.iter().all(|i| i.line.is_some()) {
        return;
    }
    let cx = Context { spots: Some(RefCell::default()), base: text.as_ptr() as usize, ..Context::default() };
    let syntax = match read(text, &cx) {
        Err(ParseError::Syntax(e)) if e.line() > 0 => Some(syntax_place(text, e.line(), e.column())),
        _ => None,
    };
    let spots = cx.spots.map(RefCell::into_inner).unwrap_or_default();
    // The whole document: where its first value starts.
    let start = text.len() - text.trim_start().len();
    for issue in issues.iter_mut().filter(|i| i.line.is_none()) {
        let within = |p: &str| p.is_empty() || (issue.path.starts_with(p) && matches!(issue.path.as_bytes().get(p.len()), None | Some(b'.' | b'[')));
        // The deepest place at or above the path; of a member named twice, the second.
        let best = spots.iter().filter(|(p, _)| within(p)).fold(None, |best: Option<&(String, usize)>, spot| match best {
            Some(b) if b.0.len() > spot.0.len() => Some(b),
            _ => Some(spot),
        });
        let at = syntax.unwrap_or_else(|| line_column(text, best.map_or(start, |b| b.1)));
        *issue = issue.clone().at(at);
    }
}

/// serde_json's place of a syntax error (its column counts bytes, 0 at a line's very start) in characters, 1-based.
fn syntax_place(text: &str, line: usize, byte_column: usize) -> (u32, u32) {
    let source = text.split('\n').nth(line.saturating_sub(1)).unwrap_or_default();
    let before = source.char_indices().take_while(|&(i, _)| i + 1 < byte_column).count();
    (number(line), number(before + 1))
}

fn number(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    (number(before.matches('\n').count() + 1), number(column))
}

/// Why [`parse`] refused a text.
#[derive(Debug)]
pub enum ParseError {
    /// Not JSON (serde_json's message says what and where).
    Syntax(serde_json::Error),
    /// The member at this path appears twice in its object.
    Duplicate(String),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Syntax(e) => write!(f, "not valid JSON: {e}"),
            ParseError::Duplicate(path) => write!(f, "{path}: appears more than once in its object"),
        }
    }
}

/// Where a value sits, as links back to the document root: turned into a path only when a duplicate is found.
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Member(&'a At<'a>, &'a str),
    Item(&'a At<'a>, usize),
}

impl At<'_> {
    fn path(&self) -> String {
        match self {
            At::Root => String::new(),
            At::Member(parent, key) => child(&parent.path(), key),
            At::Item(parent, i) => index(&parent.path(), *i),
        }
    }
}

/// What one read of a text shares: a duplicate's path, and (for [`place`] only) where members and strings start.
#[derive(Default)]
struct Context {
    duplicate: Cell<Option<String>>,
    /// Path and byte offset of each member name and string item borrowed from the text (at its opening quote).
    spots: Option<RefCell<Vec<(String, usize)>>>,
    /// Address of the text's first byte.
    base: usize,
}

impl Context {
    /// Notes where the string `borrowed` (a slice of the text) starts, at its opening quote.
    fn note(&self, at: &At<'_>, borrowed: &str) {
        if let Some(spots) = &self.spots {
            let offset = (borrowed.as_ptr() as usize).saturating_sub(self.base + 1);
            spots.borrow_mut().push((at.path(), offset));
        }
    }
}

/// Builds a [`Value`] (serde_json still bounds the nesting depth); the first duplicate's path goes to the
/// context, and a text with one is refused whatever follows.
struct Strict<'a> {
    at: At<'a>,
    cx: &'a Context,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Whole(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Value, E> {
        if matches!(self.at, At::Item(..)) {
            self.cx.note(&self.at, v);
        }
        Ok(Value::String(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict { at: At::Item(&self.at, items.len()), cx: self.cx })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members: Vec<(String, Value)> = Vec::new();
        // The names so far, hashed: a scan of `members` would make a large object (an untrusted body) quadratic.
        let mut names = FxHashSet::default();
        while let Some(Key(key, borrowed)) = map.next_key()? {
            let at = At::Member(&self.at, &key);
            if let Some(name) = borrowed {
                self.cx.note(&at, name);
            }
            let repeated = !names.insert(key.clone());
            if repeated {
                // Only the first repeat is reported; reading goes on without a serde error, whose construction
                // (serde_json re-parses its message, which pulls in panicking string slicing) costs the wasm 11 KB.
                let first = self.cx.duplicate.take();
                self.cx.duplicate.set(first.or_else(|| Some(at.path())));
            }
            let value = map.next_value_seed(Strict { at, cx: self.cx })?;
            if !repeated {
                members.push((key, value));
            }
        }
        Ok(Value::Object(Map(members)))
    }
}

/// A member name, and the text it was borrowed from when it had no escapes (so its place is known).
struct Key<'de>(String, Option<&'de str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(v.to_string(), Some(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(v.to_string(), None))
    }
}

/// `parent.key`, or `parent["key"]` (a JSON string literal, so JS reads it back) when the key would not read
/// back as one path segment.
pub fn child(parent: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '*' | '$'));
    match (parent.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        _ => format!("{parent}[{}]", serde_json::to_string(key).unwrap_or_default()),
    }
}

pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
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

/// Role names: an array of at most [`crate::policy::MAX_ROLES`] strings.
pub(crate) fn roles<I: Input>(value: &I) -> Result<Vec<String>, Fault> {
    strings(value, crate::policy::MAX_ROLES)
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
