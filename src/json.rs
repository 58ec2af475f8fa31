//! JSON documents as the core reads them: a strict parser (a member named twice is refused), the parsed
//! [`Value`], JSON paths (`roles.User.grants`) and the line and column of a path in the document's text.

use std::cell::RefCell;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::policy::Issue;

/// A JSON value as the core reads it. serde_json parses; objects keep their members in document order as a
/// plain list (the reader refuses a name given twice, so it is a map), so no index map ships in the wasm.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// A whole number from 0 to 2^64 - 1, however written (`1`, `1.0`, `1e0`): JSON text and a JS value agree.
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
    /// A whole number from 0, however written.
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
            serde_json::Value::Number(n) => n.as_u64().map_or_else(|| float(n.as_f64().unwrap_or(f64::NAN)), Value::Whole),
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
    let cx = Context::default();
    let value = read(text, &cx).map_err(ParseError::Syntax)?;
    match cx.duplicates.into_inner().into_iter().next() {
        Some(path) => Err(ParseError::Duplicate(path)),
        None => Ok(value),
    }
}

/// A document's text as a [`Value`] (of a member named twice, the first), with the path of every repeat, in
/// document order: a policy is refused for them, with every other error it has listed beside them. Text that is
/// not JSON gives the syntax error and the repeats read before it.
pub fn parse_document(text: &str) -> Result<(Value, Vec<String>), (serde_json::Error, Vec<String>)> {
    let cx = Context::default();
    let read = read(text, &cx);
    let duplicates = cx.duplicates.into_inner();
    match read {
        Ok(value) => Ok((value, duplicates)),
        Err(e) => Err((e, duplicates)),
    }
}

fn read(text: &str, cx: &Context) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    Strict { at: At::Root, cx }.deserialize(&mut de).and_then(|v| de.end().map(|()| v))
}

/// Gives each issue without a position the 1-based line and column in `text` of the member its path names (of
/// the string value, for an array item; of the closest enclosing member when the path names a missing one; of
/// the syntax error, when `text` is not JSON). Positions come from the parser itself (see [`Places`]).
pub fn place(text: &str, issues: &mut [Issue]) {
    // Nothing to place (a valid policy without warnings): the text is not read a second time.
    if issues.iter().all(|i| i.line.is_some()) {
        return;
    }
    let places = Places::of(text);
    for issue in issues.iter_mut().filter(|i| i.line.is_none()) {
        *issue = issue.clone().at(places.of_path(&issue.path));
    }
}

/// Where things are in a document's text, indexed once: each member name and string item by path (at its
/// opening quote; of a member named twice, the second), each line's start, and a syntax error's place. `text`
/// is read again by the same strict reader, which notes where each member name and string it borrows from
/// `text` starts; placing a path is then a hash lookup per enclosing path, whatever the number of issues.
pub struct Places<'t> {
    text: &'t str,
    spots: FxHashMap<String, usize>,
    /// Byte offset of each line's start.
    lines: Vec<usize>,
    syntax: Option<(u32, u32)>,
}

impl<'t> Places<'t> {
    pub fn of(text: &'t str) -> Self {
        let cx = Context { spots: Some(RefCell::default()), base: text.as_ptr() as usize, ..Context::default() };
        let syntax = match read(text, &cx) {
            Err(e) if e.line() > 0 => Some(syntax_place(text, e.line(), e.column())),
            _ => None,
        };
        let spots = cx.spots.map(RefCell::into_inner).unwrap_or_default().into_iter().collect();
        let lines = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Places { text, spots, lines, syntax }
    }

    /// 1-based line and column of the deepest place at or above `path` (the document's first value when none;
    /// in text that is not JSON, the syntax error, for the whole document or a path read before it).
    pub fn of_path(&self, path: &str) -> (u32, u32) {
        let offset = ancestors(path).filter(|p| !p.is_empty()).find_map(|p| self.spots.get(p).copied());
        match (offset, self.syntax) {
            (Some(offset), _) => self.line_column(offset),
            (None, Some(at)) => at,
            (None, None) => self.line_column(self.text.len() - self.text.trim_start().len()),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (u32, u32) {
        let line = self.lines.partition_point(|&start| start <= offset).max(1);
        let start = self.lines.get(line - 1).copied().unwrap_or(0);
        let column = self.text.get(start..offset).map_or(0, |before| before.chars().count()) + 1;
        (number(line), number(column))
    }
}

/// `path` and each path enclosing it, deepest first, down to the document (`""`). A path's segments are
/// `.key`, `[index]` and `["key"]` (a JSON string, whose text may hold `.`, `[`, `]` or escaped quotes).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let bytes = path.as_bytes();
    let mut ends = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        i += match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'['), Some(b'"')) => {
                let mut j = i + 2;
                while let Some(&b) = bytes.get(j) {
                    j += if b == b'\\' { 2 } else { 1 };
                    if b == b'"' {
                        break;
                    }
                }
                j + 1 - i
            }
            (Some(b'['), _) => bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b']')).map_or(bytes.len() - i, |p| p + 1),
            (Some(b'.'), _) => 1 + bytes.get(i + 1..).and_then(|rest| rest.iter().position(|&b| b == b'.' || b == b'[')).unwrap_or(bytes.len() - i - 1),
            _ => bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'.' || b == b'[')).unwrap_or(bytes.len() - i),
        };
        ends.push(i.min(bytes.len()));
    }
    ends.into_iter().rev().filter_map(move |end| path.get(..end))
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

/// A number read as a float (`1.0`, `5e0`, `-0`): whole when it is one (and fits), as the same number in JS.
fn float(v: f64) -> Value {
    // 2^64 is the first float above u64::MAX; every whole float below it converts exactly.
    if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) { Value::Whole(v as u64) } else { Value::Number(v) }
}

/// What serde_json says is wrong with a text (`expected ident`), without its position: an issue carries that
/// as its own line and column.
pub fn syntax_detail(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json writes "{what} at line {line} column {column}" (just "{what}" without a position).
    let digits = |n: usize| n.checked_ilog10().map_or(1, |d| d as usize + 1);
    let position = if e.line() == 0 { 0 } else { " at line ".len() + digits(e.line()) + " column ".len() + digits(e.column()) };
    text.get(..text.len().saturating_sub(position)).map_or_else(|| text.clone(), str::to_string)
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

/// What one read of a text shares: the paths of members named twice, and (for [`Places`] only) where members and
/// strings start.
#[derive(Default)]
struct Context {
    duplicates: RefCell<Vec<String>>,
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
        Ok(float(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Whole(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
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
                // Reading goes on without a serde error, whose construction (serde_json re-parses its message,
                // which pulls in panicking string slicing) costs the wasm 11 KB.
                self.cx.duplicates.borrow_mut().push(at.path());
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
        (false, true) => [parent, ".", key].concat(),
        _ => {
            let mut path = [parent, "[\""].concat();
            escape_into(&mut path, key);
            path.push_str("\"]");
            path
        }
    }
}

/// `key` as the inside of a JSON string literal, escaped as serde_json escapes it (`"`, `\\` and control
/// characters; `\u00XX` for those without a short form).
fn escape_into(out: &mut String, key: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for c in key.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let n = c as usize;
                out.push_str("\\u00");
                out.extend([HEX.get(n >> 4), HEX.get(n & 15)].into_iter().flatten().map(|&h| char::from(h)));
            }
            c => out.push(c),
        }
    }
}

pub fn index(parent: &str, i: usize) -> String {
    [parent, "[", itoa::Buffer::new().format(i), "]"].concat()
}

