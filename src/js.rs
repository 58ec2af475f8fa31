//! The JavaScript binding: translates JS values to core types and core results back to plain JS objects.
//! It decides nothing; every rule lives in the core modules.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use js_sys::{Array, Function, JSON, Object, Reflect};
use serde::{Serialize, Serializer};
use wasm_bindgen::prelude::*;

use crate::account::{AccountRecord, Millis};
use crate::error::{Error, Issue};
use crate::grant::{Allowed, GrantRequest, Member, TargetRequest};
use crate::json::{self, Input};
use crate::policy;
use crate::permissions::RoleSet;
#[cfg(feature = "token")]
use crate::token::{self, ActorClaims, InvitationClaims, Keyring, KeyringOptions};

type JsResult<T> = Result<T, JsValue>;

#[wasm_bindgen(typescript_custom_section)]
const ERROR_TYPE: &str = r#"
/** What every rolegate call throws: a JS `Error` with a stable `code`; `path` for malformed arguments,
 * `reason` for refused tokens, `errors` (each with its path) for a refused policy. */
export interface RolegateError extends Error {
  code: string;
  path?: string;
  reason?: string;
  errors?: Issue[];
}"#;

/// Turns a core error into a JS `Error` carrying `code` (and `path`, `reason`, `errors` where set).
fn throw(e: Error) -> JsValue {
    let err: JsValue = js_sys::Error::new(&e.message).into();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&err, &key.into(), &value);
    };
    set("code", e.code.into());
    if let Some(path) = e.path {
        set("path", path.into());
    }
    if let Some(reason) = e.reason {
        set("reason", reason.into());
    }
    if !e.errors.is_empty() {
        set("errors", to_js(&e.errors).unwrap_or(JsValue::UNDEFINED));
    }
    err
}

/// Plain JS data from core values, through JSON text: `JSON.parse` builds the objects natively in one call
/// (fewer boundary crossings than building them field by field, and one serializer in the wasm).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let text = serde_json::to_string(value).map_err(|e| throw(Error::new("internal", e.to_string())))?;
    JSON::parse(&text)
}

/// An object argument as parsed JSON for the core's readers (`JSON.stringify` does the walking natively).
#[cfg(feature = "token")]
fn json(value: &JsValue, what: &str) -> JsResult<json::Value> {
    let text = JSON::stringify(value).ok().and_then(|s| s.as_string());
    let text = text.ok_or_else(|| throw(Error::invalid_request(what, "expected a JSON-compatible object")))?;
    json::parse(&text).map_err(|e| throw(Error::invalid_request(what, e.to_string())))
}

/// A JS argument read member by member by the core's readers (no JSON text in between).
struct Js(JsValue);

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
        (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= json::MAX_SAFE_INTEGER as f64).then_some(n as u64)
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
fn name(key: &str) -> JsValue {
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
fn names(value: JsValue, path: &str) -> JsResult<Vec<String>> {
    json::value(&Js(value), path, json::roles).map_err(|i| throw(i.into()))
}

fn string(value: JsValue, path: &str) -> JsResult<String> {
    json::value(&Js(value), path, json::string).map_err(|i| throw(i.into()))
}

/// Epoch milliseconds: a JS number that is a whole, non-negative, safe integer. Nothing is coerced: `null`,
/// `"5"` or `false` are `invalid_request`, never time zero.
fn millis(value: JsValue, path: &str) -> JsResult<Millis> {
    json::value(&Js(value), path, json::whole).map_err(|i| throw(i.into()))
}

/// An optional key id: absent (`undefined` or `null`) or a string.
#[cfg(feature = "token")]
fn kid(value: JsValue) -> JsResult<Option<String>> {
    if value.is_undefined() || value.is_null() { Ok(None) } else { string(value, "kid").map(Some) }
}

/// `JSON.parse` the way the core reads every document: a member named twice throws `duplicate_member` with its
/// `.path` (never "last wins"), text that is not JSON throws `invalid_json`. The edge reads bodies with it.
/// Text the strict reader accepts is standard JSON, so `JSON.parse` then builds the same value natively.
#[wasm_bindgen(js_name = parseJson, unchecked_return_type = "unknown")]
pub fn parse_json(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> JsResult<JsValue> {
    let e = match json::parse(&string(text.clone(), "text")?) {
        Ok(_) => return parse_text(&text),
        Err(e) => e,
    };
    let message = e.to_string();
    Err(throw(match e {
        json::ParseError::Duplicate(path) => Error { path: Some(path), ..Error::new("duplicate_member", message) },
        json::ParseError::Syntax(_) => Error::new("invalid_json", message),
    }))
}

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a JS string as it is (no copy through the wasm memory and back).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_text(text: &JsValue) -> JsResult<JsValue>;
}

/// Serializes ordered (name, value) pairs as a plain object, keeping policy order.
struct Entries<'a, V>(&'a [(&'a str, V)]);

impl<V: Serialize> Serialize for Entries<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A compiled policy. Compile once with `Policy.fromJson`, then ask it anything.
#[wasm_bindgen(js_name = Policy)]
pub struct JsPolicy {
    inner: Rc<policy::Policy>,
}

// Parameter names are camelCase: they become the names in the TypeScript declarations.
#[allow(non_snake_case)]
#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// Compiles a policy document (JSON text or an object); a bad one throws `invalid_policy` with `.errors`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(#[wasm_bindgen(unchecked_param_type = "string | object")] doc: JsValue) -> JsResult<JsPolicy> {
        // Text is the author's document (issues get line and column); an object's JSON is not.
        let compiled = match doc.as_string() {
            Some(text) => policy::Policy::from_json(&text),
            None => JSON::stringify(&doc).ok().and_then(|s| s.as_string()).map_or_else(
                || Err(Error::invalid_policy(vec![Issue::new("", "invalid_type", "the policy must be JSON text or a JSON-compatible object")])),
                |text| policy::Policy::from_serialized(&text),
            ),
        };
        compiled.map(|p| JsPolicy { inner: Rc::new(p) }).map_err(throw)
    }

    /// Issues of a valid policy worth a look (same shape as errors).
    #[wasm_bindgen(unchecked_return_type = "Issue[]")]
    pub fn warnings(&self) -> JsResult<JsValue> {
        to_js(self.inner.warnings())
    }

    #[wasm_bindgen(unchecked_return_type = "Feature[]")]
    pub fn features(&self) -> JsResult<JsValue> {
        to_js(self.inner.features())
    }

    #[wasm_bindgen(unchecked_return_type = "RoleInfo[]")]
    pub fn roles(&self) -> JsResult<JsValue> {
        to_js(&self.inner.role_infos())
    }

    #[wasm_bindgen(getter, js_name = grantRule, unchecked_return_type = "\"held\" | \"rank\" | \"covered\"")]
    pub fn grant_rule(&self) -> String {
        self.inner.grant_rule.name().to_string()
    }

    #[wasm_bindgen(getter, js_name = invitationTtlMs)]
    pub fn invitation_ttl_ms(&self) -> f64 {
        self.inner.invitation_ttl_ms as f64
    }

    /// Feature -> winning level, every feature present, policy order.
    #[wasm_bindgen(unchecked_return_type = "Record<string, string>")]
    pub fn effective(&self, #[wasm_bindgen(unchecked_param_type = "string[]")] roles: JsValue) -> JsResult<JsValue> {
        let levels = self.inner.effective(&names(roles, "roles")?).map_err(throw)?;
        to_js(&Entries(&levels))
    }

    /// Feature -> winning level and the held roles that supply it.
    #[wasm_bindgen(unchecked_return_type = "Record<string, Explanation>")]
    pub fn explain(&self, #[wasm_bindgen(unchecked_param_type = "string[]")] roles: JsValue) -> JsResult<JsValue> {
        let explained = self.inner.explain(&names(roles, "roles")?).map_err(throw)?;
        to_js(&Entries(&explained))
    }

    /// True when the roles' winning level of `feature` is at or above `level`.
    pub fn allows(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] roles: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] feature: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] level: JsValue,
    ) -> JsResult<bool> {
        let (feature, level) = (string(feature, "feature")?, string(level, "level")?);
        self.inner.allows(&names(roles, "roles")?, &feature, &level).map_err(throw)
    }

    /// May someone holding `roles` edit this policy (its `policyAdmin`, or a full administrator when it names
    /// none)? Role names the policy does not know grant nothing.
    #[wasm_bindgen(js_name = mayEditPolicy)]
    pub fn may_edit_policy(&self, #[wasm_bindgen(unchecked_param_type = "string[]")] roles: JsValue) -> JsResult<bool> {
        Ok(self.inner.may_edit_policy(&self.inner.resolve(&names(roles, "roles")?).0))
    }

    /// May the actor give the target (null: a new user) exactly `roles`? Every reason is listed.
    #[wasm_bindgen(js_name = checkGrant, unchecked_return_type = "Decision")]
    pub fn check_grant(&self, #[wasm_bindgen(unchecked_param_type = "GrantRequest")] request: JsValue) -> JsResult<JsValue> {
        let request = GrantRequest::from_json(Js(request)).map_err(throw)?;
        to_js(&self.inner.check_grant(&request))
    }

    /// May the actor delete (or disable, or enable) the target?
    #[wasm_bindgen(js_name = checkRemove, unchecked_return_type = "Decision")]
    pub fn check_remove(&self, #[wasm_bindgen(unchecked_param_type = "TargetRequest")] request: JsValue) -> JsResult<JsValue> {
        let request = TargetRequest::from_json(Js(request)).map_err(throw)?;
        to_js(&self.inner.check_remove(&request))
    }

    /// May the actor send (or resend) the target's invitation?
    #[wasm_bindgen(js_name = checkInvite, unchecked_return_type = "Decision")]
    pub fn check_invite(&self, #[wasm_bindgen(unchecked_param_type = "TargetRequest")] request: JsValue) -> JsResult<JsValue> {
        let request = TargetRequest::from_json(Js(request)).map_err(throw)?;
        to_js(&self.inner.check_invite(&request))
    }

    /// Roles the actor may give a new user, policy order.
    #[wasm_bindgen(js_name = grantableRoles, unchecked_return_type = "string[]")]
    pub fn grantable_roles(&self, #[wasm_bindgen(unchecked_param_type = "Member")] actor: JsValue) -> JsResult<JsValue> {
        let actor = Member::from_json(Js(actor), "actor").map_err(throw)?;
        to_js(&self.inner.grantable_roles(&actor))
    }

    /// Compiles role names once for the fast path; unknown names throw `unknown_role`.
    #[wasm_bindgen(js_name = compileRoles)]
    pub fn compile_roles(&self, #[wasm_bindgen(unchecked_param_type = "string[]")] roles: JsValue) -> JsResult<JsRoleSet> {
        let set = self.inner.compile_roles(&names(roles, "roles")?).map_err(throw)?;
        Ok(JsRoleSet { inner: set })
    }

    #[wasm_bindgen(js_name = featureId)]
    pub fn feature_id(&self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> JsResult<u32> {
        let f = self.inner.feature(&string(name, "name")?).map_err(throw)?;
        Ok(f as u32)
    }

    #[wasm_bindgen(js_name = levelId)]
    pub fn level_id(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] feature: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] level: JsValue,
    ) -> JsResult<u32> {
        let (feature, level) = (string(feature, "feature")?, string(level, "level")?);
        let (_, l) = self.inner.level(&feature, &level).map_err(throw)?;
        Ok(u32::from(l))
    }

    /// The fast path of `checkGrant` on compiled sets (for a new user, `target` is `compileRoles([])`).
    /// Numbers only cross here, so `sameUser` arrives as a JS number: `true`/`false` read as 1/0, and anything
    /// else (left out, a string, an object) is refused rather than read as "not the same user".
    #[wasm_bindgen(js_name = allowsGrant)]
    pub fn allows_grant(
        &self,
        actor: &JsRoleSet,
        target: &JsRoleSet,
        requested: &JsRoleSet,
        #[wasm_bindgen(unchecked_param_type = "boolean")] sameUser: f64,
    ) -> bool {
        self.grant_outcome(actor, target, requested, sameUser) != 0
    }

    /// A compiled set from role ids (positions in `roles()`; others are ignored): the package's JS layer maps
    /// names to ids itself, so only numbers cross.
    #[wasm_bindgen(js_name = roleSetOf)]
    pub fn role_set_of(&self, ids: &[u32]) -> JsRoleSet {
        JsRoleSet { inner: self.inner.role_set(ids.iter().map(|&id| id as usize)) }
    }

    /// `allowsGrant` saying why: the number of its reason in `allowedMessages()` (from 1), or 0 when refused.
    #[wasm_bindgen(js_name = grantOutcome)]
    pub fn grant_outcome(
        &self,
        actor: &JsRoleSet,
        target: &JsRoleSet,
        requested: &JsRoleSet,
        #[wasm_bindgen(unchecked_param_type = "boolean")] sameUser: f64,
    ) -> u32 {
        let outcome = self.inner.grant_outcome(&actor.inner, Some(&target.inner), &requested.inner, same_user(sameUser));
        outcome.map_or(0, Allowed::number)
    }

    /// The fast path of `checkRemove` on compiled sets, numbered as `grantOutcome`.
    #[wasm_bindgen(js_name = removeOutcome)]
    pub fn remove_outcome(
        &self,
        actor: &JsRoleSet,
        target: &JsRoleSet,
        #[wasm_bindgen(unchecked_param_type = "boolean")] sameUser: f64,
    ) -> u32 {
        self.inner.remove_outcome(&actor.inner, &target.inner, same_user(sameUser)).map_or(0, Allowed::number)
    }

    /// The fast path of `checkInvite` on compiled sets, numbered as `grantOutcome`.
    #[wasm_bindgen(js_name = inviteOutcome)]
    pub fn invite_outcome(&self, actor: &JsRoleSet, target: &JsRoleSet) -> u32 {
        self.inner.invite_outcome(&actor.inner, &target.inner).map_or(0, Allowed::number)
    }

    /// The message of each allowed decision's one reason, by outcome number (the first is outcome 1).
    #[wasm_bindgen(js_name = allowedMessages)]
    pub fn allowed_messages(&self) -> Vec<String> {
        Allowed::ALL.iter().map(|a| a.message().to_string()).collect()
    }

    /// `checkGrant` on compiled sets, every reason listed; `unknown` are requested names not in the policy.
    #[wasm_bindgen(js_name = explainGrantOf, unchecked_return_type = "Decision")]
    pub fn explain_grant_of(
        &self,
        actor: &JsRoleSet,
        target: &JsRoleSet,
        requested: &JsRoleSet,
        #[wasm_bindgen(unchecked_param_type = "boolean")] sameUser: f64,
        unknown: Vec<String>,
    ) -> JsResult<JsValue> {
        let unknown: Vec<&str> = unknown.iter().map(String::as_str).collect();
        to_js(&self.inner.explain_grant(&actor.inner, Some(&target.inner), &requested.inner, &unknown, same_user(sameUser)))
    }

    /// `checkRemove` on compiled sets.
    #[wasm_bindgen(js_name = explainRemoveOf, unchecked_return_type = "Decision")]
    pub fn explain_remove_of(
        &self,
        actor: &JsRoleSet,
        target: &JsRoleSet,
        #[wasm_bindgen(unchecked_param_type = "boolean")] sameUser: f64,
    ) -> JsResult<JsValue> {
        to_js(&self.inner.explain_remove(&actor.inner, &target.inner, same_user(sameUser)))
    }

    /// `checkInvite` on compiled sets.
    #[wasm_bindgen(js_name = explainInviteOf, unchecked_return_type = "Decision")]
    pub fn explain_invite_of(&self, actor: &JsRoleSet, target: &JsRoleSet) -> JsResult<JsValue> {
        to_js(&self.inner.explain_invite(&actor.inner, &target.inner))
    }

    /// `explain` for a compiled set.
    #[wasm_bindgen(js_name = explainOf, unchecked_return_type = "Record<string, Explanation>")]
    pub fn explain_of(&self, set: &JsRoleSet) -> JsResult<JsValue> {
        to_js(&Entries(&self.inner.explain_set(&set.inner)))
    }

    /// `grantableRoles` for a compiled set.
    #[wasm_bindgen(js_name = grantableOf, unchecked_return_type = "string[]")]
    pub fn grantable_of(&self, actor: &JsRoleSet) -> JsResult<JsValue> {
        to_js(&self.inner.grantable(&actor.inner))
    }

    #[wasm_bindgen(js_name = accountStatus, unchecked_return_type = "AccountStatus")]
    pub fn account_status(&self, #[wasm_bindgen(unchecked_param_type = "AccountRecord")] record: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue) -> JsResult<JsValue> {
        let record = account_record(&record)?;
        to_js(&self.inner.account_status(&record, millis(nowMs, "nowMs")?))
    }

    /// Sends or resends an invitation at `nowMs`; returns the new record (other fields kept).
    #[wasm_bindgen(unchecked_return_type = "AccountRecord")]
    pub fn invite(&self, #[wasm_bindgen(unchecked_param_type = "AccountRecord")] record: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue) -> JsResult<JsValue> {
        self.transition(record, nowMs, policy::Policy::invite)
    }

    /// Accepts the outstanding invitation; an expired one throws `invitation_expired`.
    #[wasm_bindgen(unchecked_return_type = "AccountRecord")]
    pub fn accept(&self, #[wasm_bindgen(unchecked_param_type = "AccountRecord")] record: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue) -> JsResult<JsValue> {
        self.transition(record, nowMs, policy::Policy::accept)
    }

    /// Disables the account on the platform (every tenant).
    #[wasm_bindgen(unchecked_return_type = "AccountRecord")]
    pub fn disable(&self, #[wasm_bindgen(unchecked_param_type = "AccountRecord")] record: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue) -> JsResult<JsValue> {
        self.transition(record, nowMs, policy::Policy::disable)
    }

    #[wasm_bindgen(unchecked_return_type = "AccountRecord")]
    pub fn enable(&self, #[wasm_bindgen(unchecked_param_type = "AccountRecord")] record: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue) -> JsResult<JsValue> {
        self.transition(record, nowMs, policy::Policy::enable)
    }

    #[wasm_bindgen(js_name = disableTenant, unchecked_return_type = "AccountRecord")]
    pub fn disable_tenant(&self, #[wasm_bindgen(unchecked_param_type = "AccountRecord")] record: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue) -> JsResult<JsValue> {
        self.transition(record, nowMs, policy::Policy::disable_tenant)
    }

    #[wasm_bindgen(js_name = enableTenant, unchecked_return_type = "AccountRecord")]
    pub fn enable_tenant(&self, #[wasm_bindgen(unchecked_param_type = "AccountRecord")] record: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue) -> JsResult<JsValue> {
        self.transition(record, nowMs, policy::Policy::enable_tenant)
    }

    /// Calls back with the new status when it changes by time alone (an invitation expiring), even beyond the
    /// ~24.8 days one `setTimeout` can hold. `cancel()` on the handle stops it.
    #[wasm_bindgen(js_name = watchInvitation)]
    pub fn watch_invitation(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountRecord")] record: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(status: AccountStatus) => void")] callback: JsValue,
    ) -> JsResult<InvitationWatch> {
        let callback: Function =
            callback.dyn_into().map_err(|_| throw(Error::invalid_request("callback", "expected a function")))?;
        let record = account_record(&record)?;
        let now = millis(nowMs, "nowMs")?;
        let slot = Rc::new(RefCell::new(None));
        if let Some(at) = self.inner.next_status_change(&record, now) {
            let status = to_js(&self.inner.account_status(&record, at))?;
            let fire: Rc<dyn Fn()> = Rc::new(move || {
                let _ = callback.call1(&JsValue::NULL, &status);
            });
            schedule(at - now, slot.clone(), fire);
        }
        Ok(InvitationWatch { slot })
    }
}

/// Policy analysis (feature `analysis`: the console and the CLI use it; the edge build leaves it out).
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// The roles whose effective access (with `includes`) reaches `level` of `feature`, each with the chain of
    /// includes that gives it.
    #[wasm_bindgen(js_name = whoCan, unchecked_return_type = "Reach[]")]
    pub fn who_can(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] feature: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] level: JsValue,
    ) -> JsResult<JsValue> {
        let (feature, level) = (string(feature, "feature")?, string(level, "level")?);
        to_js(&self.inner.who_can(&feature, &level).map_err(throw)?)
    }

    /// For every role, the roles an actor holding only it may grant, and the escalation paths among them.
    #[wasm_bindgen(unchecked_return_type = "Delegation")]
    pub fn delegation(&self) -> JsResult<JsValue> {
        to_js(&self.inner.delegation().map_err(throw)?)
    }

    /// The impact of replacing `before` with `after`: changes with stable codes, and the access each of `users`
    /// gains or loses.
    #[wasm_bindgen(unchecked_return_type = "Diff")]
    pub fn diff(
        before: &JsPolicy,
        after: &JsPolicy,
        #[wasm_bindgen(unchecked_optional_param_type = "Member[]")] users: JsValue,
    ) -> JsResult<JsValue> {
        let users = Js(users);
        let users = match users.items() {
            None if users.is_null() => Vec::new(),
            None => return Err(throw(Error::invalid_request("users", "expected an array of { id, roles }"))),
            Some(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, user)| Member::from_json(user, &json::index("users", i)))
                .collect::<crate::Result<_>>()
                .map_err(throw)?,
        };
        to_js(&crate::analysis::diff(&before.inner, &after.inner, &users).map_err(throw)?)
    }
}

impl JsPolicy {
    /// Applies a transition and returns the input object with the changed fields replaced (nothing else lost).
    fn transition(
        &self,
        record: JsValue,
        now_ms: JsValue,
        step: fn(&policy::Policy, &AccountRecord, Millis) -> crate::Result<AccountRecord>,
    ) -> JsResult<JsValue> {
        let parsed = account_record(&record)?;
        let next = step(&self.inner, &parsed, millis(now_ms, "nowMs")?).map_err(throw)?;
        let merged = Object::assign(&Object::new(), record.unchecked_ref());
        Ok(Object::assign(&merged, to_js(&next)?.unchecked_ref()).into())
    }
}

fn account_record(record: &JsValue) -> JsResult<AccountRecord> {
    AccountRecord::from_json(Js(record.clone()), "record").map_err(throw)
}

/// Longest delay one `setTimeout` holds (2^31 - 1 ms, about 24.8 days).
const MAX_TIMEOUT_MS: u64 = 2_147_483_647;

/// Waits `remaining` ms in steps `setTimeout` can hold, then fires; the pending timer lives in `slot`.
fn schedule(remaining: u64, slot: Rc<RefCell<Option<Timeout>>>, fire: Rc<dyn Fn()>) {
    let step = remaining.min(MAX_TIMEOUT_MS);
    let next = slot.clone();
    let timeout = Timeout::new(step as u32, move || {
        if remaining > step {
            schedule(remaining - step, next, fire);
        } else {
            next.borrow_mut().take();
            fire();
        }
    });
    *slot.borrow_mut() = Some(timeout);
}

/// Throws `invalid_request` at `path` from a fast-path call: a JS exception raised directly, so the hot
/// calls return a plain value instead of a `Result` (nothing is allocated on their stack to leak).
fn refuse(path: &str, message: &str) -> ! {
    wasm_bindgen::throw_val(throw(Error::invalid_request(path, message)))
}

/// `sameUser` as it crosses the boundary: `true`/`false` arrive as 1/0; anything else is refused.
fn same_user(value: f64) -> bool {
    match value {
        0.0 => false,
        1.0 => true,
        _ => refuse("sameUser", "expected true or false"),
    }
}

/// A dense id: a whole number from 0 (ids are small: features and levels are bounded by the policy limits).
fn id(value: f64) -> Option<usize> {
    (value >= 0.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX)).then_some(value as usize)
}

/// A pending `watchInvitation`.
#[wasm_bindgen]
pub struct InvitationWatch {
    slot: Rc<RefCell<Option<Timeout>>>,
}

#[wasm_bindgen]
impl InvitationWatch {
    /// Stops the watch; the callback will not be called.
    pub fn cancel(&self) {
        self.slot.borrow_mut().take();
    }
}

/// A role set compiled once; `allows` is then a bounds-checked array read with numbers only.
#[wasm_bindgen(js_name = RoleSet)]
pub struct JsRoleSet {
    inner: RoleSet,
}

#[wasm_bindgen(js_class = RoleSet)]
impl JsRoleSet {
    /// Ids from `policy.featureId` / `policy.levelId`, above the no-access level. Numbers only cross here, so
    /// what is not an id is refused rather than read as 0: `undefined` or a level name becomes NaN, and
    /// `null`, `false` or `""` become level 0, the no-access level every set holds (so asking for it is refused
    /// too: it is always true).
    pub fn allows(&self, feature: f64, level: f64) -> bool {
        let Some(&held) = id(feature).and_then(|f| self.inner.levels().get(f)) else {
            refuse("feature", "not a feature id of this policy")
        };
        match id(level) {
            Some(l) if l > 0 => usize::from(held) >= l,
            _ => refuse("level", "not a level id above no access"),
        }
    }

    /// Winning level id per feature, policy order.
    pub fn levels(&self) -> Vec<u8> {
        self.inner.levels().to_vec()
    }
}

/// HMAC-SHA256 keys by `kid`, for actor tokens and invitation links (feature `token`).
#[cfg(feature = "token")]
#[wasm_bindgen(js_name = Keyring)]
pub struct JsKeyring {
    inner: Keyring,
}

#[cfg(feature = "token")]
#[allow(non_snake_case)]
#[wasm_bindgen(js_class = Keyring)]
impl JsKeyring {
    /// `keys`: `{ kid: secret }` or its JSON text; secrets are at least 32 bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Record<string, string> | string")] keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyringOptions")] options: Option<Object>,
    ) -> JsResult<JsKeyring> {
        let keys = match keys.as_string() {
            Some(text) => json::parse(&text)
                .map_err(|_| throw(Error::new("invalid_key", "keys must be a JSON object of key id to secret")))?,
            None => json(&keys, "keys")?,
        };
        let keys = token::keys_from_json(&keys).map_err(throw)?;
        let options = match options {
            Some(o) => KeyringOptions::from_json(&json(&o, "options")?, "options").map_err(throw)?,
            None => KeyringOptions::default(),
        };
        Keyring::new(keys, options).map(|inner| JsKeyring { inner }).map_err(throw)
    }

    #[wasm_bindgen(js_name = verifyActor, unchecked_return_type = "ActorClaims")]
    pub fn verify_actor(&self, #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue) -> JsResult<JsValue> {
        let claims = self.inner.verify_actor(&string(token, "token")?, millis(nowMs, "nowMs")?).map_err(throw)?;
        to_js(&claims)
    }

    #[wasm_bindgen(js_name = signActor)]
    pub fn sign_actor(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActorClaims")] claims: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] kid: JsValue,
    ) -> JsResult<String> {
        let claims = ActorClaims::from_json(&json(&claims, "claims")?, "claims").map_err(|i| throw(i.into()))?;
        self.inner.sign_actor(&claims, self::kid(kid)?.as_deref()).map_err(throw)
    }

    #[wasm_bindgen(js_name = verifyInvitation, unchecked_return_type = "InvitationClaims")]
    pub fn verify_invitation(&self, #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] ttlMs: JsValue) -> JsResult<JsValue> {
        let token = string(token, "token")?;
        let claims = self.inner.verify_invitation(&token, millis(nowMs, "nowMs")?, millis(ttlMs, "ttlMs")?).map_err(throw)?;
        to_js(&claims)
    }

    #[wasm_bindgen(js_name = signInvitation)]
    pub fn sign_invitation(
        &self,
        #[wasm_bindgen(unchecked_param_type = "InvitationClaims")] claims: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] nowMs: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] kid: JsValue,
    ) -> JsResult<String> {
        let claims = InvitationClaims::from_json(&json(&claims, "claims")?, "claims").map_err(|i| throw(i.into()))?;
        self.inner.sign_invitation(&claims, millis(nowMs, "nowMs")?, self::kid(kid)?.as_deref()).map_err(throw)
    }
}
