//! Policy analysis (feature `analysis`: the console and the CLI use it; the edge build leaves it out).

use wasm_bindgen::prelude::*;

use crate::analysis::{Change, Escalation};
use crate::error::Error;
use crate::grant::Member;
use crate::input::{Expected, Input, InputError, InputKind};
use crate::json;

use super::input::{Js, string};
use super::output::{Obj, array, issue, strings};
use super::policy::Engine;

#[wasm_bindgen]
impl Engine {
    /// Issues of a valid policy worth a look, computed now (placed in the text, when there is one): for whoever
    /// writes policies (the edge never reads them, so its build leaves the lint out).
    pub fn warnings(&self) -> JsValue {
        let mut warnings = self.inner.warnings();
        if let Some(text) = &self.text {
            crate::json::place(text, &mut warnings);
        }
        array(&warnings, issue)
    }

    /// The roles whose effective access (with `includes`) reaches `level` of `feature`, each with the chain of
    /// includes that gives it: `{ role, level, via }`.
    #[wasm_bindgen(js_name = whoCan)]
    pub fn who_can(&self, feature: JsValue, level: JsValue) -> Result<JsValue, Error> {
        let (feature, level) = (string(feature, "feature")?, string(level, "level")?);
        let reach = self.inner.who_can(&feature, &level)?;
        Ok(array(&reach, |r| Obj::new().set("role", r.role.as_str()).set("level", r.level.as_str()).set("via", strings(&r.via)).done()))
    }

    /// For every role, the roles an actor holding only it may grant, and the escalation paths among them.
    pub fn delegation(&self) -> Result<JsValue, Error> {
        let d = self.inner.delegation()?;
        let grants = array(&d.grants, |g| Obj::new().set("granter", g.granter.as_str()).set("roles", strings(&g.roles)).done());
        Ok(Obj::new().set("grants", grants).set("escalations", array(&d.escalations, escalation)).done())
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
        let d = crate::analysis::diff(&before.inner, &after.inner, &users)?;
        let users = array(&d.users, |u| {
            let o = Obj::new().set("id", u.id.as_str()).set("code", u.code).set("feature", u.feature.as_str());
            o.set("from", u.from.as_str()).set("to", u.to.as_str()).done()
        });
        Ok(Obj::new().set("changes", array(&d.changes, change)).set("users", users).done())
    }
}

fn escalation(e: &Escalation) -> JsValue {
    let o = Obj::new().set("granter", e.granter.as_str()).set("role", e.role.as_str()).set("feature", e.feature.as_str());
    o.set("needed", e.needed.as_str()).set("held", e.held.as_str()).done()
}

/// A change with the members its code sets, in the documented order.
fn change(c: &Change) -> JsValue {
    Obj::new()
        .set("code", c.code)
        .opt("granter", c.granter.as_deref())
        .opt("role", c.role.as_deref())
        .opt("feature", c.feature.as_deref())
        .opt("setting", c.setting)
        .opt("from", c.from.as_deref())
        .opt("to", c.to.as_deref())
        .opt("needed", c.needed.as_deref())
        .opt("held", c.held.as_deref())
        .done()
}
