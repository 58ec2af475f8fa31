//! Core values handed back to JS as plain data, built member by member (no JSON text, no serializer in the
//! wasm): what the layer returns as it is (features, account status, analysis) or words itself (issues).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::account::{AccountRecord, AccountStatus};
use crate::policy::{Issue, Param};

use super::input::name;

/// A plain object, member by member in order.
pub(super) struct Obj(Object);

impl Obj {
    pub(super) fn new() -> Self {
        Obj(Object::new())
    }

    pub(super) fn set(self, key: &str, value: impl Into<JsValue>) -> Self {
        let _ = Reflect::set(&self.0, &name(key), &value.into());
        self
    }

    /// `key` only when there is a value.
    pub(super) fn opt(self, key: &str, value: Option<impl Into<JsValue>>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    pub(super) fn done(self) -> JsValue {
        self.0.into()
    }
}

/// A JS array of strings.
pub(super) fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> JsValue {
    items.into_iter().map(|s| JsValue::from_str(s.as_ref())).collect::<Array>().into()
}

/// A JS array of `items`, each made by `one`.
pub(super) fn array<T>(items: impl IntoIterator<Item = T>, one: impl Fn(T) -> JsValue) -> JsValue {
    items.into_iter().map(one).collect::<Array>().into()
}

/// A JS number from a time or count (exact up to 2^53).
pub(super) fn number(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// An issue as the layer words it: `{ path, key, params, line?, column? }` (the message key and its parameters).
pub(super) fn issue(i: &Issue) -> JsValue {
    let params = i.kind.params().into_iter().fold(Obj::new(), |o, (key, p)| {
        let value = match p {
            Param::Text(t) => JsValue::from_str(t),
            Param::Number(n) => number(n),
            Param::Names(names) => strings(names),
            Param::Words(words) => strings(words),
        };
        o.set(key, value)
    });
    Obj::new()
        .set("path", i.path.as_str())
        .set("key", i.kind.key())
        .set("params", params.done())
        .opt("line", i.line)
        .opt("column", i.column)
        .done()
}

/// `{ status, tenantStatus, expiresAt, canAccessTenant }`.
pub(super) fn account_status(s: &AccountStatus) -> JsValue {
    Obj::new()
        .set("status", s.status.name())
        .set("tenantStatus", s.tenant_status.name())
        .set("expiresAt", s.expires_at.map_or(JsValue::NULL, number))
        .set("canAccessTenant", s.can_access_tenant)
        .done()
}

/// The five fields of an account record.
pub(super) fn account_record(r: &AccountRecord) -> JsValue {
    Obj::new()
        .set("platformDisabled", r.platform_disabled)
        .set("tenantEnabled", r.tenant_enabled)
        .set("platformAuth", r.platform_auth)
        .set("invitedAt", r.invited_at.map_or(JsValue::NULL, number))
        .set("acceptedAt", r.accepted_at.map_or(JsValue::NULL, number))
        .done()
}
