//! Errors cross into JS here and only here: a core [`Error`] becomes a JS `Error` carrying its stable `code`
//! (and `path`, `reason` or `errors` where they apply), the way workers-rs turns its errors into `JsValue`s.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::error::Error;

/// What every call throws: a JS `Error` whose `message` is the core's, with `code` and the error's data.
impl From<Error> for JsValue {
    fn from(e: Error) -> Self {
        let err: JsValue = js_sys::Error::new(&e.message()).into();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&err, &key.into(), &value);
        };
        set("code", e.code().into());
        match &e {
            Error::Input(i) => set("path", i.path.as_str().into()),
            Error::Json(j) => {
                if let Some(path) = j.path() {
                    set("path", path.into());
                }
            }
            Error::Policy(p) => set("errors", super::input::to_js(&p.errors)),
            #[cfg(feature = "token")]
            Error::Token(t) => {
                if let Some(reason) = t.reason() {
                    set("reason", reason.code().into());
                }
                if let Some(path) = t.path() {
                    set("path", path.into());
                }
            }
            _ => {}
        }
        err
    }
}

/// A malformed argument of a hot call, thrown directly: the fast calls return a plain value instead of a
/// `Result` (nothing is allocated on their stack to leak).
pub(super) fn throw(e: impl Into<Error>) -> ! {
    wasm_bindgen::throw_val(e.into().into())
}
