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
        let (message, extra): (String, Vec<(&str, JsValue)>) = match &e {
            Error::Input(i) => (i.message(), vec![("path", i.path.as_str().into())]),
            Error::Json(j) => (j.message(), j.path().map(|p| ("path", p.into())).into_iter().collect()),
            Error::Policy(p) => ("invalid policy".into(), vec![("errors", array(&p.errors, issue))]),
            Error::Lookup(l) => (l.message(), Vec::new()),
            Error::Account(a) => (a.message().into(), Vec::new()),
            #[cfg(feature = "token")]
            Error::Token(t) => {
                let mut extra = Vec::new();
                extra.extend(t.reason().map(|r| ("reason", r.code().into())));
                extra.extend(t.path().map(|p| ("path", p.into())));
                (t.message(), extra)
            }
            #[cfg(feature = "analysis")]
            Error::Analysis(a) => (a.message(), a.path().map(|p| ("path", p.into())).into_iter().collect()),
        };
        let err: JsValue = js_sys::Error::new(&message).into();
        for (key, value) in [("code", e.code().into())].into_iter().chain(extra) {
            let _ = Reflect::set(&err, &key.into(), &value);
        }
        err
    }
}

/// A malformed argument of a hot call, thrown directly: the fast calls return a plain value instead of a
/// `Result` (nothing is allocated on their stack to leak).
pub(super) fn throw(e: impl Into<Error>) -> ! {
    wasm_bindgen::throw_val(e.into().into())
}
