//! Account lifecycle: status is a pure function of (record, now) following the product's precedence, the
//! invitation window is exact to the millisecond, a platform-disabled user reaches no tenant, and no path of
//! transitions revives an expired or disabled account without a new invitation or an explicit enable.

use proptest::prelude::*;
use rolegate::{AccountRecord, Policy, Status};

use crate::arb::{compile, config, millis, pick, record, role_set, spec};
use crate::common::HOUR;
use crate::model;

#[derive(Debug, Clone, Copy)]
enum Transition {
    Invite,
    Accept,
    Disable,
    Enable,
    DisableTenant,
    EnableTenant,
}

fn transition() -> impl Strategy<Value = Transition> {
    prop_oneof![
        Just(Transition::Invite),
        Just(Transition::Accept),
        Just(Transition::Disable),
        Just(Transition::Enable),
        Just(Transition::DisableTenant),
        Just(Transition::EnableTenant),
    ]
}

fn run(p: &Policy, t: Transition, record: &AccountRecord, now: u64) -> Result<AccountRecord, rolegate::AccountError> {
    match t {
        Transition::Invite => p.invite(record, now),
        Transition::Accept => p.accept(record, now),
        Transition::Disable => p.disable(record, now),
        Transition::Enable => p.enable(record, now),
        Transition::DisableTenant => p.disable_tenant(record, now),
        Transition::EnableTenant => p.enable_tenant(record, now),
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn status_is_a_pure_function_of_record_and_now(spec in spec(), r in record(), now in millis(), other in record(), then in millis()) {
        let p = compile(&spec);
        let first = p.account_status(&r, now);
        let _ = p.account_status(&other, then);
        let _ = p.invite(&other, then);
        prop_assert_eq!(first, p.account_status(&r, now), "same policy, same inputs");
        prop_assert_eq!(first, compile(&spec).account_status(&r, now), "recompiled policy");
        let ttl = spec.ttl_ms;
        // At the random moment and on both sides of the window's end, the product's precedence decides.
        let edges = r.invited_at.map(|at| at.saturating_add(ttl)).map(|last| [last, last.saturating_add(1)]);
        for t in std::iter::once(now).chain(edges.into_iter().flatten()) {
            let s = p.account_status(&r, t);
            prop_assert_eq!(s.status, model::status(&r, t, ttl), "at {}", t);
            prop_assert_eq!(s.can_access_tenant, model::can_access(&r, t, ttl));
            let outstanding = matches!(s.status, Status::Invited | Status::ExpiredInvitation);
            prop_assert_eq!(s.expires_at, r.invited_at.filter(|_| outstanding).map(|at| at.saturating_add(ttl)));
        }
    }

    #[test]
    fn invitation_window_boundary_is_exact(spec in spec(), sent in millis(), tenant_enabled in any::<bool>()) {
        let p = compile(&spec);
        let r = p.invite(&AccountRecord { tenant_enabled, ..AccountRecord::default() }, sent).unwrap();
        let start = sent;
        prop_assert_eq!(r.invited_at, Some(start), "the window starts at the invite time, to the millisecond");
        let last = start + spec.ttl_ms;
        prop_assert_eq!(p.account_status(&r, sent).status, Status::Invited);
        prop_assert_eq!(p.account_status(&r, last).status, Status::Invited, "valid at exactly invitedAt + ttl");
        prop_assert_eq!(p.account_status(&r, last + 1).status, Status::ExpiredInvitation, "expired one millisecond later");
        prop_assert_eq!(p.account_status(&r, last).expires_at, Some(last));
        prop_assert_eq!(p.next_status_change(&r, sent), Some(last + 1));
        prop_assert_eq!(p.account_status(&r, start).status, Status::Invited);
        prop_assert_eq!(p.next_status_change(&r, last + 1), None);
        prop_assert!(p.accept(&r, last).is_ok());
        prop_assert_eq!(p.accept(&r, last + 1).unwrap_err().code(), "invitation_expired");
    }

    #[test]
    fn platform_disabled_user_can_access_no_tenant_whatever_the_roles(
        spec in spec(),
        r in record(),
        now in millis(),
        roles in role_set(),
    ) {
        let p = compile(&spec);
        let r = AccountRecord { platform_disabled: true, ..r };
        // The roles are no input to the account gate: whatever they allow, the gate stays shut.
        let held = p.compile_roles(&spec.names(&pick(&spec, &roles))).unwrap();
        for tenant_enabled in [true, false] {
            let s = p.account_status(&AccountRecord { tenant_enabled, ..r }, now);
            prop_assert_eq!(s.status, Status::Disabled);
            prop_assert!(!s.can_access_tenant);
            for (f, feature) in p.features().iter().enumerate() {
                for level in 0..feature.levels.len() {
                    prop_assert!(!(s.can_access_tenant && held.allows(f, level as u8)));
                }
            }
        }
        prop_assert_eq!(p.accept(&r, now).unwrap_err().code(), "account_disabled");
        prop_assert_eq!(p.invite(&r, now).unwrap_err().code(), "account_disabled");
    }

    #[test]
    fn no_path_turns_an_expired_or_disabled_account_into_an_enabled_one_without_a_new_invitation_or_an_explicit_enable(
        spec in spec(),
        start in record(),
        steps in prop::collection::vec((transition(), prop_oneof![Just(0u64), 0..HOUR, 0..72 * HOUR]), 1..30),
        at in millis(),
    ) {
        let p = compile(&spec);
        let (mut r, mut now) = (start, at);
        let mut status = p.account_status(&r, now);
        // Set while the account is expired, platform-disabled or tenant-disabled; cleared only by the explicit way out.
        let mut needs_invite = status.status == Status::ExpiredInvitation;
        let mut needs_enable = status.status == Status::Disabled;
        let mut needs_tenant = !r.tenant_enabled;
        for (t, wait) in steps {
            now += wait;
            let waited = p.account_status(&r, now);
            prop_assert!(waited.status == status.status || (status.status == Status::Invited && waited.status == Status::ExpiredInvitation),
                "time alone moved {:?} to {:?}", status.status, waited.status);
            needs_invite |= waited.status == Status::ExpiredInvitation;
            if let Ok(next) = run(&p, t, &r, now) {
                match t {
                    Transition::Invite => needs_invite = false,
                    Transition::Enable => needs_enable = false,
                    Transition::EnableTenant => needs_tenant = false,
                    _ => {}
                }
                r = next;
            }
            status = p.account_status(&r, now);
            if status.status == Status::Enabled {
                prop_assert!(!needs_invite, "an expired invitation became enabled without a new one");
                prop_assert!(!needs_enable, "a disabled account became enabled without an explicit enable");
            }
            if status.can_access_tenant {
                prop_assert!(!needs_tenant, "a tenant-disabled user regained access without enableTenant");
            }
            needs_invite |= status.status == Status::ExpiredInvitation;
            needs_enable |= status.status == Status::Disabled;
            needs_tenant |= !r.tenant_enabled;
        }
    }
}

#[test]
fn the_window_of_a_365_day_ttl_ends_on_the_right_millisecond() {
    let doc = include_str!("../../examples/product-b.json").replace("\"24h\"", "\"365d\"");
    let p = Policy::from_json(&doc).unwrap();
    let r = p.invite(&AccountRecord::default(), 0).unwrap();
    let last = 365 * 24 * HOUR;
    assert_eq!(p.account_status(&r, last).status, Status::Invited);
    assert_eq!(p.account_status(&r, last + 1).status, Status::ExpiredInvitation);
}
