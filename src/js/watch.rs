//! `watchInvitation`: a callback when an account's status changes by time alone (an invitation expiring), with
//! timers that reach beyond the ~24.8 days one `setTimeout` can hold.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::input::{Expected, InputError, InputKind};

use super::account::account_record;
use super::input::millis;
use super::output::account_status;
use super::policy::Engine;

/// Longest delay one `setTimeout` holds (2^31 - 1 ms, about 24.8 days).
const MAX_TIMEOUT_MS: u64 = 2_147_483_647;

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

#[wasm_bindgen]
impl Engine {
    /// Calls back with the new status when it changes by time alone; `cancel()` on the handle stops it.
    #[wasm_bindgen(js_name = watchInvitation)]
    pub fn watch_invitation(&self, record: JsValue, now_ms: JsValue, callback: JsValue) -> Result<InvitationWatch, Error> {
        let callback: Function =
            callback.dyn_into().map_err(|_| InputError::new("callback", InputKind::Expected(Expected::Function)))?;
        let record = account_record(&record)?;
        let now = millis(now_ms, "nowMs")?;
        let slot = Rc::new(RefCell::new(None));
        if let Some(at) = self.inner.next_status_change(&record, now) {
            let status = account_status(&self.inner.account_status(&record, at));
            let fire: Rc<dyn Fn()> = Rc::new(move || {
                let _ = callback.call1(&JsValue::NULL, &status);
            });
            schedule(at - now, slot.clone(), fire);
        }
        Ok(InvitationWatch { slot })
    }
}

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
