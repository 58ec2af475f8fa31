//! [`Engine`]: a compiled policy, what it holds, and its by-name calls (the JS layer's fallback for anything it
//! cannot answer from its cache of compiled sets, so malformed arguments get the core's errors and paths).

use std::rc::Rc;

use js_sys::JSON;
use serde::{Serialize, Serializer};
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::grant::{GrantRequest, Member, TargetRequest};
use crate::policy::{self, Issue, PolicyError};

use super::engine::RoleSet;
use super::input::{Js, names, string, to_js};

/// A compiled policy. Compile once with `Engine.fromJson`, then ask it anything.
#[wasm_bindgen]
pub struct Engine {
    pub(super) inner: Rc<policy::Policy>,
}

#[wasm_bindgen]
impl Engine {
    /// Compiles a policy document (JSON text or an object); a bad one throws `invalid_policy` with `.errors`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(doc: JsValue) -> Result<Engine, Error> {
        // Text is the author's document (issues get line and column); an object's JSON is not.
        let compiled = match doc.as_string() {
            Some(text) => policy::Policy::from_json(&text),
            None => match JSON::stringify(&doc).ok().and_then(|s| s.as_string()) {
                Some(text) => policy::Policy::from_serialized(&text),
                None => {
                    let issue = Issue::new("", "invalid_type", "the policy must be JSON text or a JSON-compatible object");
                    Err(PolicyError { errors: vec![issue] })
                }
            },
        };
        Ok(Engine { inner: Rc::new(compiled?) })
    }

    /// Issues of a valid policy worth a look (same shape as errors).
    pub fn warnings(&self) -> JsValue {
        to_js(self.inner.warnings())
    }

    pub fn features(&self) -> JsValue {
        to_js(self.inner.features())
    }

    pub fn roles(&self) -> JsValue {
        to_js(&self.inner.role_infos())
    }

    #[wasm_bindgen(getter, js_name = grantRule)]
    pub fn grant_rule(&self) -> String {
        self.inner.grant_rule.name().to_string()
    }

    #[wasm_bindgen(getter, js_name = invitationTtlMs)]
    pub fn invitation_ttl_ms(&self) -> f64 {
        self.inner.invitation_ttl_ms as f64
    }

    /// Feature -> winning level, every feature present, policy order.
    pub fn effective(&self, roles: JsValue) -> Result<JsValue, Error> {
        Ok(to_js(&Entries(&self.inner.effective(&names(roles, "roles")?)?)))
    }

    /// Feature -> winning level and the held roles that supply it.
    pub fn explain(&self, roles: JsValue) -> Result<JsValue, Error> {
        Ok(to_js(&Entries(&self.inner.explain(&names(roles, "roles")?)?)))
    }

    /// True when the roles' winning level of `feature` is at or above `level`.
    pub fn allows(&self, roles: JsValue, feature: JsValue, level: JsValue) -> Result<bool, Error> {
        let (feature, level) = (string(feature, "feature")?, string(level, "level")?);
        Ok(self.inner.allows(&names(roles, "roles")?, &feature, &level)?)
    }

    /// May the actor give the target (null: a new user) exactly `roles`? Every reason is listed.
    #[wasm_bindgen(js_name = checkGrant)]
    pub fn check_grant(&self, request: JsValue) -> Result<JsValue, Error> {
        Ok(to_js(&self.inner.check_grant(&GrantRequest::from_json(Js(request))?)))
    }

    /// May the actor delete (or disable, or enable) the target?
    #[wasm_bindgen(js_name = checkRemove)]
    pub fn check_remove(&self, request: JsValue) -> Result<JsValue, Error> {
        Ok(to_js(&self.inner.check_remove(&TargetRequest::from_json(Js(request))?)))
    }

    /// May the actor send (or resend) the target's invitation?
    #[wasm_bindgen(js_name = checkInvite)]
    pub fn check_invite(&self, request: JsValue) -> Result<JsValue, Error> {
        Ok(to_js(&self.inner.check_invite(&TargetRequest::from_json(Js(request))?)))
    }

    /// Roles the actor may give a new user, policy order.
    #[wasm_bindgen(js_name = grantableRoles)]
    pub fn grantable_roles(&self, actor: JsValue) -> Result<JsValue, Error> {
        Ok(to_js(&self.inner.grantable_roles(&Member::from_json(Js(actor), "actor")?)))
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

/// Serializes ordered (name, value) pairs as a plain object, keeping policy order.
pub(super) struct Entries<'a, V>(pub &'a [(&'a str, V)]);

impl<V: Serialize> Serialize for Entries<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

