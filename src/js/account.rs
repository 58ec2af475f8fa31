//! Account status and transitions: pure functions of (record, now) in the core; here a transition returns the
//! caller's own record object with the changed fields replaced, so nothing the core does not read is lost.

use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::account::{AccountError, AccountRecord, Millis};
use crate::error::Error;
use crate::input::InputError;
use crate::policy::Policy;

use super::input::{Js, millis};
use super::output::{account_record as record_js, account_status};
use super::policy::Engine;

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(js_name = accountStatus)]
    pub fn account_status(&self, record: JsValue, now_ms: JsValue) -> Result<JsValue, Error> {
        let record = account_record(&record)?;
        Ok(account_status(&self.inner.account_status(&record, millis(now_ms, "nowMs")?)))
    }

    /// Sends or resends an invitation at `now_ms`; returns the new record (other fields kept).
    pub fn invite(&self, record: JsValue, now_ms: JsValue) -> Result<JsValue, Error> {
        self.transition(record, now_ms, Policy::invite)
    }

    /// Accepts the outstanding invitation; an expired one throws `invitation_expired`.
    pub fn accept(&self, record: JsValue, now_ms: JsValue) -> Result<JsValue, Error> {
        self.transition(record, now_ms, Policy::accept)
    }

    /// Disables the account on the platform (every tenant).
    pub fn disable(&self, record: JsValue, now_ms: JsValue) -> Result<JsValue, Error> {
        self.transition(record, now_ms, Policy::disable)
    }

    pub fn enable(&self, record: JsValue, now_ms: JsValue) -> Result<JsValue, Error> {
        self.transition(record, now_ms, Policy::enable)
    }

    #[wasm_bindgen(js_name = disableTenant)]
    pub fn disable_tenant(&self, record: JsValue, now_ms: JsValue) -> Result<JsValue, Error> {
        self.transition(record, now_ms, Policy::disable_tenant)
    }

    #[wasm_bindgen(js_name = enableTenant)]
    pub fn enable_tenant(&self, record: JsValue, now_ms: JsValue) -> Result<JsValue, Error> {
        self.transition(record, now_ms, Policy::enable_tenant)
    }
}

impl Engine {
    /// Applies a transition and returns the input object with the changed fields replaced (nothing else lost).
    fn transition(
        &self,
        record: JsValue,
        now_ms: JsValue,
        step: fn(&Policy, &AccountRecord, Millis) -> Result<AccountRecord, AccountError>,
    ) -> Result<JsValue, Error> {
        let parsed = account_record(&record)?;
        let next = step(&self.inner, &parsed, millis(now_ms, "nowMs")?)?;
        let merged = Object::assign(&Object::new(), record.unchecked_ref());
        Ok(Object::assign(&merged, record_js(&next).unchecked_ref()).into())
    }
}

pub(super) fn account_record(record: &JsValue) -> Result<AccountRecord, InputError> {
    AccountRecord::from_json(Js(record.clone()), "record")
}
