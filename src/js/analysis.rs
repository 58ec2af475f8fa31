//! Policy analysis (feature `analysis`: the console and the CLI use it; the edge build leaves it out).

use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::grant::Member;
use crate::input::{Expected, Input, InputError, InputKind};
use crate::json;

use super::input::{Js, string, to_js};
use super::policy::Engine;

#[wasm_bindgen]
impl Engine {
    /// The roles whose effective access (with `includes`) reaches `level` of `feature`, each with the chain of
    /// includes that gives it.
    #[wasm_bindgen(js_name = whoCan)]
    pub fn who_can(&self, feature: JsValue, level: JsValue) -> Result<JsValue, Error> {
        let (feature, level) = (string(feature, "feature")?, string(level, "level")?);
        Ok(to_js(&self.inner.who_can(&feature, &level)?))
    }

    /// For every role, the roles an actor holding only it may grant, and the escalation paths among them.
    pub fn delegation(&self) -> Result<JsValue, Error> {
        Ok(to_js(&self.inner.delegation()?))
    }

    /// The impact of replacing `before` with `after`: changes with stable codes, and the access each of `users`
    /// gains or loses.
    pub fn diff(before: &Engine, after: &Engine, users: JsValue) -> Result<JsValue, Error> {
        let users = Js(users);
        let users = match users.items() {
            None if users.is_null() => Vec::new(),
            None => return Err(InputError::new("users", InputKind::Expected(Expected::Members)).into()),
            Some(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, user)| Member::from_json(user, &json::index("users", i)))
                .collect::<Result<_, _>>()?,
        };
        Ok(to_js(&crate::analysis::diff(&before.inner, &after.inner, &users)?))
    }
}
