//! JSON documents as the core reads them: a strict parser (a member named twice is refused), the parsed
//! [`Value`], JSON paths (`roles.User.grants`) and the line and column of a path in the document's text.

use std::cell::{Cell, RefCell};

use rustc_hash::FxHashSet;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::policy::Issue;

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

/// What serde_json says is wrong with a text (`expected ident`), without its position: an issue carries that
/// as its own line and column.
pub fn syntax_detail(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ").and_then(|i| text.get(..i)) {
        Some(detail) => detail.to_string(),
        None => text,
    }
}

/// Why [`parse`] refused a text.
#[derive(Debug)]
pub enum ParseError {
    /// Not JSON (serde_json's message says what and where).
    Syntax(serde_json::Error),
    /// The member at this path appears twice in its object.
    Duplicate(String),
}

impl ParseError {
    /// `invalid_json` or `duplicate_member`.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::Syntax(_) => "invalid_json",
            ParseError::Duplicate(_) => "duplicate_member",
        }
    }

    /// The member named twice, for `duplicate_member`.
    pub fn path(&self) -> Option<&str> {
        match self {
            ParseError::Syntax(_) => None,
            ParseError::Duplicate(path) => Some(path),
        }
    }

    pub fn message(&self) -> String {
        match self {
            ParseError::Syntax(e) => ["not valid JSON: ", &e.to_string()].concat(),
            ParseError::Duplicate(path) => [path.as_str(), ": appears more than once in its object"].concat(),
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

