//! [`Engine`]: a compiled policy, what it holds, and its by-name calls (the JS layer's fallback for anything it
//! cannot answer from its cache of compiled sets, so malformed arguments get the core's errors and paths).
//! Decisions cross as numbers (`grant::Reason::words`), never as text.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use crate::account::AccountRecord;
use crate::error::Error;
use crate::grant::{self, Decision, GrantRequest, Member, TargetRequest};
use crate::policy::{self, Issue, IssueKind, PolicyError};

use super::engine::RoleSet;
use super::input::{Js, names, string};
use super::output::{Obj, account_record, array, strings};

/// A compiled policy. Compile once with `Engine.fromJson`, then ask it anything.
#[wasm_bindgen]
pub struct Engine {
    pub(super) inner: Rc<policy::Policy>,
    /// The document's text, when it was given as text: warnings are placed in it when asked for (feature
    /// `analysis`; the edge build keeps it unread).
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(super) text: Option<String>,
}

#[wasm_bindgen]
impl Engine {
    /// Compiles a policy document (JSON text or an object); a bad one throws `invalid_policy` with `.errors`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(doc: JsValue) -> Result<Engine, Error> {
        // Text is the author's document (issues get line and column); an object's JSON is not.
        let (compiled, text) = match doc.as_string() {
            Some(text) => (policy::Policy::from_json(&text), Some(text)),
            None => match JSON::stringify(&doc).ok().and_then(|s| s.as_string()) {
                Some(json) => (policy::Policy::from_serialized(&json), None),
                None => (Err(PolicyError { errors: vec![Issue::new("", IssueKind::NotADocument)] }), None),
            },
        };
        Ok(Engine { inner: Rc::new(compiled?), text })
    }

    /// The message key of each wire number (`grant::KEYS`): 0 none, then why allowed, then why refused.
    pub fn keys() -> JsValue {
        strings(grant::KEYS)
    }

    /// A new account as the core starts one (enabled on the tenant, platform sign-in on, not invited yet).
    #[wasm_bindgen(js_name = newAccount)]
    pub fn new_account() -> JsValue {
        account_record(&AccountRecord::default())
    }

    /// `{ name, label, levels }` per feature, policy order.
    pub fn features(&self) -> JsValue {
        array(self.inner.features(), |f| {
            Obj::new().set("name", f.name.as_str()).set("label", f.label.as_str()).set("levels", strings(&f.levels)).done()
        })
    }

    /// `{ name, rank, includes }` per role, policy order.
    pub fn roles(&self) -> JsValue {
        array(self.inner.roles(), |r| {
            let includes = strings(r.includes.iter().map(|&i| self.inner.role_name(i)));
            let rank = r.rank.map_or(JsValue::NULL, |n| JsValue::from_f64(f64::from(n)));
            Obj::new().set("name", r.name.as_str()).set("rank", rank).set("includes", includes).done()
        })
    }

    #[wasm_bindgen(getter, js_name = grantRule)]
    pub fn grant_rule(&self) -> String {
        self.inner.grant_rule.name().to_string()
    }

    /// The permission that administers users: `[feature id, level id]`.
    #[wasm_bindgen(getter, js_name = userAdmin)]
    pub fn user_admin(&self) -> Vec<u32> {
        let (feature, level) = self.inner.user_admin;
        vec![feature as u32, u32::from(level)]
    }

    #[wasm_bindgen(getter, js_name = invitationTtlMs)]
    pub fn invitation_ttl_ms(&self) -> f64 {
        self.inner.invitation_ttl_ms as f64
    }

    /// The winning level id per feature, policy order.
    pub fn effective(&self, roles: JsValue) -> Result<Vec<u8>, Error> {
        Ok(self.inner.compile_roles(&names(roles, "roles")?)?.levels().to_vec())
    }

    /// Per feature: the winning level id, how many held roles supply it, and their ids.
    pub fn explain(&self, roles: JsValue) -> Result<Vec<u32>, Error> {
        Ok(explained(&self.inner, &self.inner.compile_roles(&names(roles, "roles")?)?))
    }

    /// True when the roles' winning level of `feature` is at or above `level`.
    pub fn allows(&self, roles: JsValue, feature: JsValue, level: JsValue) -> Result<bool, Error> {
        let (feature, level) = (string(feature, "feature")?, string(level, "level")?);
        Ok(self.inner.allows(&names(roles, "roles")?, &feature, &level)?)
    }

    /// May someone holding `roles` edit this policy (its `policyAdmin`, or a full administrator when it names
    /// none)? Role names the policy does not know grant nothing.
    #[wasm_bindgen(js_name = mayEditPolicy)]
    pub fn may_edit_policy(&self, roles: JsValue) -> Result<bool, Error> {
        Ok(self.inner.may_edit_policy(&self.inner.resolve(&names(roles, "roles")?).0))
    }

    /// May the actor give the target (null: a new user) exactly `roles`? The decision's words in wasm memory
    /// (see [`written`]).
    #[wasm_bindgen(js_name = checkGrant)]
    pub fn check_grant(&self, request: JsValue) -> Result<u32, Error> {
        Ok(written(&self.inner.check_grant(&GrantRequest::from_json(Js(request))?)))
    }

    /// May the actor delete (or disable, or enable) the target?
    #[wasm_bindgen(js_name = checkRemove)]
    pub fn check_remove(&self, request: JsValue) -> Result<u32, Error> {
        Ok(written(&self.inner.check_remove(&TargetRequest::from_json(Js(request))?)))
    }

    /// May the actor send (or resend) the target's invitation?
    #[wasm_bindgen(js_name = checkInvite)]
    pub fn check_invite(&self, request: JsValue) -> Result<u32, Error> {
        Ok(written(&self.inner.check_invite(&TargetRequest::from_json(Js(request))?)))
    }

    /// Ids of the roles the actor may give a new user, policy order.
    #[wasm_bindgen(js_name = grantableRoles)]
    pub fn grantable_roles(&self, actor: JsValue) -> Result<Vec<u32>, Error> {
        let actor = Member::from_json(Js(actor), "actor")?;
        Ok(ids(self.inner.grantable(&self.inner.resolve(&actor.roles).0)))
    }

    /// Compiles role names once for the fast path; unknown names throw `unknown_role`.
    #[wasm_bindgen(js_name = compileRoles)]
    pub fn compile_roles(&self, roles: JsValue) -> Result<RoleSet, Error> {
        Ok(RoleSet { inner: self.inner.compile_roles(&names(roles, "roles")?)? })
    }

    #[wasm_bindgen(js_name = featureId)]
    pub fn feature_id(&self, name: JsValue) -> Result<u32, Error> {
        Ok(self.inner.feature(&string(name, "name")?)? as u32)
    }

    #[wasm_bindgen(js_name = levelId)]
    pub fn level_id(&self, feature: JsValue, level: JsValue) -> Result<u32, Error> {
        let (feature, level) = (string(feature, "feature")?, string(level, "level")?);
        Ok(u32::from(self.inner.level(&feature, &level)?.1))
    }
}

thread_local! {
    /// The last decision's words: reused, so a decision allocates nothing here and the JS layer reads it in place.
    static WORDS: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// Writes a decision into [`WORDS`] and returns its address in wasm memory: how many words follow, then its
/// allowed number (0 when refused), then five words per reason (`grant::Reason::words`). Valid until the next
/// decision.
pub(super) fn written(decision: &Decision) -> u32 {
    WORDS.with_borrow_mut(|words| {
        words.clear();
        words.push(0);
        match decision {
            Decision::Allowed(why) => words.push(why.number()),
            Decision::Refused(reasons) => {
                words.push(0);
                words.extend(reasons.iter().flat_map(grant::Reason::words));
            }
        }
        let count = (words.len() - 1) as u32;
        if let Some(first) = words.first_mut() {
            *first = count;
        }
        words.as_ptr() as u32
    })
}

/// `explain` on the wire: per feature, the winning level id, the count of supplying roles, their ids.
pub(super) fn explained(policy: &policy::Policy, set: &crate::permissions::RoleSet) -> Vec<u32> {
    let mut out = Vec::new();
    for (f, &level) in set.levels().iter().enumerate() {
        out.push(u32::from(level));
        let count = out.len();
        out.push(0);
        if level > 0 {
            out.extend(set.roles().iter().filter(|&&r| policy.roles().get(r).is_some_and(|role| role.level(f) == level)).map(|&r| r as u32));
        }
        let supplied = (out.len() - count - 1) as u32;
        if let Some(slot) = out.get_mut(count) {
            *slot = supplied;
        }
    }
    out
}

/// Role ids as they cross.
pub(super) fn ids(ids: Vec<usize>) -> Vec<u32> {
    ids.into_iter().map(|id| id as u32).collect()
}
