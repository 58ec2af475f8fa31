//! Arguments read by the core's own path-aware readers, member by member from the JS values (no JSON text in
//! between), and core values handed back as plain JS data.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect};
#[cfg(feature = "token")]
use js_sys::JSON;
use wasm_bindgen::prelude::*;

use crate::account::Millis;
use crate::error::Error;
use crate::input::{self, Expected, Input, InputError, InputKind};
use crate::json;

/// A JS argument as the core's readers see it.
pub(super) struct Js(pub JsValue);

impl Input for Js {
    fn member(&self, key: &str) -> Option<Self> {
        if !self.0.is_object() {
            return None;
        }
        let value = Reflect::get(&self.0, &name(key)).ok()?;
        (!value.is_undefined()).then_some(Js(value))
    }
    fn is_object(&self) -> bool {
        self.0.is_object() && !Array::is_array(&self.0)
    }
    fn member_names(&self) -> Vec<String> {
        Object::keys(self.0.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()).collect()
    }
    fn length(&self) -> Option<usize> {
        self.0.dyn_ref::<Array>().map(|a| a.length() as usize)
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.0.dyn_ref::<Array>().map(|a| a.iter().map(Js).collect())
    }
    fn text(&self) -> Option<String> {
        self.0.as_string()
    }
    fn flag(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn whole(&self) -> Option<u64> {
        let n = self.0.as_f64()?;
        (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= input::MAX_SAFE_INTEGER as f64).then_some(n as u64)
    }
    fn is_null(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }
}

thread_local! {
    /// Member names as JS strings, made once: the readers ask for the same few names on every call, and a JS
    /// string made anew each time would cost V8 a string-table lookup per `Reflect.get` (wasm-bindgen's
    /// `enable-interning` does the same with a SipHash map, some 2 KB more).
    static NAMES: RefCell<Vec<(String, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The JS string for the member name `key`, from [`NAMES`].
pub(super) fn name(key: &str) -> JsValue {
    NAMES.with_borrow_mut(|names| {
        if let Some((_, js)) = names.iter().find(|(k, _)| k == key) {
            return js.clone();
        }
        let js = JsValue::from_str(key);
        names.push((key.to_string(), js.clone()));
        js
    })
}

/// An array of role names; anything else is `invalid_request` at `path`.
pub(super) fn names(value: JsValue, path: &str) -> Result<Vec<String>, InputError> {
    input::value(&Js(value), path, crate::grant::role_names)
}

pub(super) fn string(value: JsValue, path: &str) -> Result<String, InputError> {
    input::value(&Js(value), path, input::string)
}

/// Epoch milliseconds: a JS number that is a whole, non-negative, safe integer. Nothing is coerced: `null`,
/// `"5"` or `false` are `invalid_request`, never time zero.
pub(super) fn millis(value: JsValue, path: &str) -> Result<Millis, InputError> {
    input::value(&Js(value), path, input::whole)
}

/// `true`/`false` as it crosses a numbers-only call (1/0); anything else is refused at `path`.
pub(super) fn flag(value: f64, path: &str) -> bool {
    match value {
        0.0 => false,
        1.0 => true,
        _ => super::error::throw(InputError::new(path, InputKind::Expected(Expected::Boolean))),
    }
}

/// An object argument as parsed JSON for the core's readers (`JSON.stringify` does the walking natively).
#[cfg(feature = "token")]
pub(super) fn json(value: &JsValue, path: &str) -> Result<json::Value, InputError> {
    let text = JSON::stringify(value).ok().and_then(|s| s.as_string());
    text.and_then(|text| json::parse(&text).ok()).ok_or_else(|| InputError::new(path, InputKind::Expected(Expected::Json)))
}

/// `JSON.parse` the way the core reads every document: a member named twice throws `duplicate_member` with its
/// `.path` (never "last wins"), text that is not JSON throws `invalid_json`. The edge reads bodies with it.
/// Text the strict reader accepts is standard JSON, so `JSON.parse` then builds the same value natively.
#[wasm_bindgen(js_name = parseJson)]
pub fn parse_json(text: JsValue) -> Result<JsValue, Error> {
    json::parse(&string(text.clone(), "text")?)?;
    Ok(parse_text(&text).unwrap_or(JsValue::UNDEFINED))
}

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a JS string as it is (no copy through the wasm memory and back).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_text(text: &JsValue) -> Result<JsValue, JsValue>;
}
