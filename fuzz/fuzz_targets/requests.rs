//! Request readers on arbitrary JSON: every reader either refuses with `invalid_request` (a malformed
//! argument, not a refusal) or returns a value that reads back the same from its own JSON; what reads is
//! then decided against both example policies without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolegate::token::keys_from_json;
use rolegate::{AccountRecord, ActorClaims, GrantRequest, InvitationClaims, KeyringOptions, Member, Policy, TargetRequest};
use rolegate_fuzz::{PRODUCT_A, PRODUCT_B};
use rolegate::json::Value;
use std::sync::LazyLock;

static POLICIES: LazyLock<[Policy; 2]> = LazyLock::new(|| [Policy::from_json(PRODUCT_A).unwrap(), Policy::from_json(PRODUCT_B).unwrap()]);

/// A read value must serialize to JSON that reads back to itself.
fn round_trip<T: serde::Serialize + PartialEq + std::fmt::Debug>(value: &T, read: impl Fn(&Value) -> Option<T>) {
    let json = serde_json::to_value(value).unwrap();
    assert_eq!(read(&Value::from(&json)).as_ref(), Some(value), "{json}");
}

fn refused<T, E: Into<rolegate::Error>>(r: Result<T, E>) -> Option<T> {
    r.map_err(|e| {
        let e = e.into();
        assert_eq!(e.code(), "invalid_request", "{e:?}");
    })
    .ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let v = Value::from(&v);
    let policies = &*POLICIES;
    if let Some(req) = refused(GrantRequest::from_json(&v)) {
        round_trip(&req, |j| GrantRequest::from_json(j).ok());
        for p in policies {
            let d = p.check_grant(&req);
            assert_eq!(d.is_allowed(), d.reasons().is_empty());
            p.grantable_roles(&req.actor);
        }
    }
    if let Some(req) = refused(TargetRequest::from_json(&v)) {
        round_trip(&req, |j| TargetRequest::from_json(j).ok());
        for p in policies {
            p.check_remove(&req);
            p.check_invite(&req);
        }
    }
    if let Some(m) = refused(Member::from_json(&v, "actor")) {
        round_trip(&m, |j| Member::from_json(j, "actor").ok());
        for p in policies {
            let _ = p.effective(&m.roles).map_err(|e| assert_eq!(e.code(), "unknown_role"));
        }
    }
    if let Some(r) = refused(AccountRecord::from_json(&v, "record")) {
        round_trip(&r, |j| AccountRecord::from_json(j, "record").ok());
    }
    if let Some(o) = refused(KeyringOptions::from_json(&v, "options")) {
        assert!(o.leeway_sec.is_none_or(|s| s <= 3600));
    }
    let _ = refused(keys_from_json(&v));
    if let Ok(c) = ActorClaims::from_json(&v, "") {
        round_trip(&c, |j| ActorClaims::from_json(j, "").ok());
    }
    if let Ok(c) = InvitationClaims::from_json(&v, "") {
        round_trip(&c, |j| InvitationClaims::from_json(j, "").ok());
    }
});
