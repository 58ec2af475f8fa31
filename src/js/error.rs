//! Errors cross into JS here and only here: a core [`Error`] becomes a JS `Error` carrying its stable `code`
//! (and `path`, `reason` or `errors` where they apply), the way workers-rs turns its errors into `JsValue`s.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::error::Error;

use super::output::{array, issue};

/// What every call throws: a JS `Error` with the core's message, its `code` and the error's data. A refused
/// policy carries its issues as data (`{ path, key, params, line?, column? }`): the JS layer words them.
impl From<Error> for JsValue {
    fn from(e: Error) -> Self {
        let (message, path) = match &e {
            Error::Input(i) => (i.message(), Some(i.path.as_str())),
            Error::Json(j) => (j.message(), j.path()),
            Error::Policy(_) => ("invalid policy".to_string(), None),
            Error::Lookup(l) => (l.message(), None),
            Error::Account(a) => (a.message().to_string(), None),
            #[cfg(feature = "token")]
            Error::Token(t) => (t.message(), t.path()),
            #[cfg(feature = "analysis")]
            Error::Analysis(a) => (a.message(), a.path()),
        };
        let err: JsValue = js_sys::Error::new(&message).into();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&err, &key.into(), &value);
        };
        set("code", e.code().into());
        if let Some(path) = path {
            set("path", path.into());
        }
        if let Error::Policy(p) = &e {
            set("errors", array(&p.errors, issue));
        }
        #[cfg(feature = "token")]
        if let Some(reason) = if let Error::Token(t) = &e { t.reason() } else { None } {
            set("reason", reason.code().into());
        }
        err
    }
}

/// A malformed argument of a hot call, thrown directly: the fast calls return a plain value instead of a
/// `Result` (nothing is allocated on their stack to leak).
pub(super) fn throw(e: impl Into<Error>) -> ! {
    wasm_bindgen::throw_val(e.into().into())
}
