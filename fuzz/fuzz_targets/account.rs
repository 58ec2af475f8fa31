//! Account status and transitions on arbitrary records, clocks and window lengths, compared with a reference
//! model of the product's status precedence and of what each transition may do.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rolegate::{AccountRecord, Policy, Status};
use rolegate_fuzz::{PRODUCT_B, model};

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Step {
    Invite,
    Accept,
    Disable,
    Enable,
    DisableTenant,
    EnableTenant,
}

#[derive(Arbitrary, Debug)]
struct Input {
    ttl_ms: u64,
    platform_disabled: bool,
    tenant_enabled: bool,
    platform_auth: bool,
    invited_at: Option<u64>,
    accepted_at: Option<u64>,
    now: u64,
    steps: Vec<(Step, u32)>,
}

/// What a transition must give, straight from the product text.
fn expect(step: Step, r: &AccountRecord, now: u64, ttl: u64) -> Result<AccountRecord, &'static str> {
    let status = model::status(r, now, ttl);
    let common = match status {
        Status::Disabled => Err("account_disabled"),
        Status::SsoOnly => Err("sso_only"),
        Status::Enabled => Err("already_enabled"),
        _ => Ok(()),
    };
    match step {
        // A window starts at the invite time, to the millisecond.
        Step::Invite => common.map(|()| AccountRecord { invited_at: Some(now), ..*r }),
        Step::Accept => common.and_then(|()| match status {
            Status::PendingInvite => Err("not_invited"),
            Status::ExpiredInvitation => Err("invitation_expired"),
            _ => Ok(AccountRecord { accepted_at: Some(now), ..*r }),
        }),
        Step::Disable if r.platform_disabled => Err("already_disabled"),
        Step::Disable => Ok(AccountRecord { platform_disabled: true, ..*r }),
        Step::Enable if !r.platform_disabled => Err("not_disabled"),
        Step::Enable => Ok(AccountRecord { platform_disabled: false, ..*r }),
        Step::DisableTenant if !r.tenant_enabled => Err("tenant_already_disabled"),
        Step::DisableTenant => Ok(AccountRecord { tenant_enabled: false, ..*r }),
        Step::EnableTenant if r.tenant_enabled => Err("tenant_already_enabled"),
        Step::EnableTenant => Ok(AccountRecord { tenant_enabled: true, ..*r }),
    }
}

fn run(p: &Policy, step: Step, r: &AccountRecord, now: u64) -> Result<AccountRecord, rolegate::AccountError> {
    match step {
        Step::Invite => p.invite(r, now),
        Step::Accept => p.accept(r, now),
        Step::Disable => p.disable(r, now),
        Step::Enable => p.enable(r, now),
        Step::DisableTenant => p.disable_tenant(r, now),
        Step::EnableTenant => p.enable_tenant(r, now),
    }
}

fn check(p: &Policy, r: &AccountRecord, now: u64) {
    let ttl = p.invitation_ttl_ms;
    let s = p.account_status(r, now);
    assert_eq!(s.status, model::status(r, now, ttl), "{r:?} at {now}");
    assert_eq!(s.can_access_tenant, model::can_access(r, now, ttl));
    let outstanding = matches!(s.status, Status::Invited | Status::ExpiredInvitation);
    let last = r.invited_at.map(|at| at.saturating_add(ttl));
    assert_eq!(s.expires_at, last.filter(|_| outstanding));
    let next = last.filter(|_| s.status == Status::Invited).map(|l| l.saturating_add(1));
    assert_eq!(p.next_status_change(r, now), next);
    // The record reads back from its JSON form when its times fit a JS number.
    let json = serde_json::to_value(r).unwrap();
    let safe = [r.invited_at, r.accepted_at].iter().flatten().all(|&t| t <= rolegate::input::MAX_SAFE_INTEGER);
    match AccountRecord::from_json(&rolegate::json::Value::from(&json), "record") {
        Ok(back) => assert!(safe && back == *r),
        Err(e) => assert!(!safe && e.code() == "invalid_request"),
    }
}

fuzz_target!(|input: Input| {
    let ttl_ms = 1 + input.ttl_ms % (365 * 86_400_000);
    let p = Policy::from_json(&PRODUCT_B.replace("\"24h\"", &format!("\"{ttl_ms}ms\""))).unwrap();
    let mut r = AccountRecord {
        platform_disabled: input.platform_disabled,
        tenant_enabled: input.tenant_enabled,
        platform_auth: input.platform_auth,
        invited_at: input.invited_at,
        accepted_at: input.accepted_at,
    };
    let mut now = input.now;
    check(&p, &r, now);
    for (step, wait) in input.steps.into_iter().take(64) {
        now = now.saturating_add(u64::from(wait));
        let got = run(&p, step, &r, now).map_err(|e| e.code());
        assert_eq!(got, expect(step, &r, now, ttl_ms), "{step:?} on {r:?} at {now}");
        if let Ok(next) = got {
            r = next;
        }
        check(&p, &r, now);
    }
});
