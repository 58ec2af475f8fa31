//! The two product documents' rules, one named test each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
#![cfg(not(target_arch = "wasm32"))] // reasons are described natively (their words are not in the wasm)

mod common;
use common::*;
use rolegate::{GrantRequest, Member, Status, TargetRequest, TenantStatus};

// ---- Product A, "User Roles" ----------------------------------------------------------------

#[test]
fn a_user_gets_customer_360_qualified_interactions_and_own_reports() {
    let p = product_a();
    let eff = p.effective(&["User"]).unwrap();
    assert_eq!(
        eff,
        vec![
            ("customer360", "use"),
            ("interactions", "qualified"),
            ("reports", "own"),
            ("users", "none"),
            ("channels", "none"),
            ("orgSettings", "none"),
            ("channelSettings", "none"),
        ]
    );
    assert!(!p.allows(&["User"], "reports", "all").unwrap());
}

#[test]
fn a_report_viewer_gets_all_reports() {
    let p = product_a();
    assert!(p.allows(&["ReportViewer"], "reports", "all").unwrap());
    assert!(!p.allows(&["ReportViewer"], "customer360", "use").unwrap());
}

#[test]
fn a_user_manager_adds_edits_and_deletes_users_and_manages_channels() {
    let p = product_a();
    assert!(p.allows(&["UserManager"], "users", "manage").unwrap());
    assert!(p.allows(&["UserManager"], "channels", "manage").unwrap());
    let um = member("um", &["UserManager"]);
    let plain = member("u1", &[]);
    assert!(p.check_grant(&grant(&um, None, &["UserManager"])).is_allowed(), "add");
    assert!(p.check_grant(&grant(&um, Some(&plain), &["UserManager"])).is_allowed(), "edit");
    assert!(p.check_remove(&on(&um, &plain)).is_allowed(), "delete");
    assert!(p.check_invite(&on(&um, &plain)).is_allowed(), "invite");
}

#[test]
fn a_user_manager_may_only_grant_roles_he_already_holds() {
    let p = product_a();
    let um = member("um", &["UserManager", "User"]);
    assert!(p.check_grant(&grant(&um, None, &["User", "UserManager"])).is_allowed());
    let d = p.check_grant(&grant(&um, None, &["User", "ReportViewer", "CustomerAdmin"]));
    assert!(!d.is_allowed());
    assert_eq!(codes(&d), vec!["role_not_held", "role_not_held"]);
    let r = named(&p, &d);
    assert_eq!(r[0].role.as_deref(), Some("ReportViewer"));
    assert_eq!(r[1].role.as_deref(), Some("CustomerAdmin"));
    assert_eq!(p.grantable_roles(&um), vec!["User", "UserManager"]);
}

#[test]
fn a_customer_admin_has_full_access_to_the_environment() {
    let p = product_a();
    for (feature, level) in p.effective(&["CustomerAdmin"]).unwrap() {
        let top = p.features().iter().find(|f| f.name == feature).unwrap().levels.last().unwrap().clone();
        assert_eq!(level, top, "{feature}");
    }
    let admin = member("admin", &["CustomerAdmin"]);
    assert_eq!(p.grantable_roles(&admin), vec!["User", "ReportViewer", "UserManager", "CustomerAdmin"]);
}

#[test]
fn a_user_gets_every_permission_of_every_role_and_the_higher_level_wins() {
    let p = product_a();
    let eff = p.effective(&["User", "ReportViewer", "UserManager"]).unwrap();
    assert!(eff.contains(&("reports", "all")), "all beats own");
    assert!(eff.contains(&("customer360", "use")));
    assert!(eff.contains(&("users", "manage")));
    let why = p.explain(&["User", "ReportViewer"]).unwrap();
    let reports = &why.iter().find(|(f, _)| *f == "reports").unwrap().1;
    assert_eq!((reports.level.as_str(), reports.roles.clone()), ("all", vec!["ReportViewer".to_string()]));
}

// ---- Product B, "Managing Access" -----------------------------------------------------------

#[test]
fn b_tenant_status_is_enabled_or_disabled() {
    let p = product_b();
    let enabled = p.account_status(&fresh(), T0);
    assert_eq!(enabled.tenant_status, TenantStatus::Enabled);
    let off = p.disable_tenant(&fresh(), T0).unwrap();
    let s = p.account_status(&off, T0);
    assert_eq!(s.tenant_status, TenantStatus::Disabled);
    assert!(!s.can_access_tenant);
}

#[test]
fn b_pending_invite_when_added_and_no_invitation_sent() {
    let s = product_b().account_status(&fresh(), T0);
    assert_eq!((s.status, s.expires_at, s.can_access_tenant), (Status::PendingInvite, None, false));
}

#[test]
fn b_invited_when_sent_not_accepted_and_not_expired() {
    let p = product_b();
    let r = p.invite(&fresh(), T0).unwrap();
    let s = p.account_status(&r, T0 + HOUR);
    assert_eq!((s.status, s.expires_at), (Status::Invited, Some(T0 + 24 * HOUR)));
}

#[test]
fn b_expired_invitation_when_not_accepted_within_24_hours_and_a_new_one_must_be_sent() {
    let p = product_b();
    let r = p.invite(&fresh(), T0).unwrap();
    assert_eq!(p.account_status(&r, T0 + 24 * HOUR).status, Status::Invited, "the last valid millisecond");
    assert_eq!(p.account_status(&r, T0 + 24 * HOUR + 1).status, Status::ExpiredInvitation);
    assert_eq!(p.accept(&r, T0 + 24 * HOUR + 1).unwrap_err().code(), "invitation_expired");
    let again = p.invite(&r, T0 + 30 * HOUR).unwrap();
    assert_eq!(p.account_status(&again, T0 + 30 * HOUR).status, Status::Invited);
    assert!(p.accept(&again, T0 + 31 * HOUR).is_ok());
}

#[test]
fn b_enabled_when_the_invitation_was_accepted() {
    let p = product_b();
    let r = p.accept(&p.invite(&fresh(), T0).unwrap(), T0 + HOUR).unwrap();
    let s = p.account_status(&r, T0 + 100 * HOUR);
    assert_eq!((s.status, s.can_access_tenant, s.expires_at), (Status::Enabled, true, None));
}

#[test]
fn b_disabled_on_the_platform_disables_every_tenant() {
    let p = product_b();
    let enabled = p.accept(&p.invite(&fresh(), T0).unwrap(), T0 + HOUR).unwrap();
    let off = p.disable(&enabled, T0 + 2 * HOUR).unwrap();
    // The same platform record seen from two tenants, one of which still has the user enabled.
    for tenant_enabled in [true, false] {
        let s = p.account_status(&rolegate::AccountRecord { tenant_enabled, ..off }, T0 + 2 * HOUR);
        assert_eq!((s.status, s.can_access_tenant), (Status::Disabled, false));
    }
    assert_eq!(p.accept(&off, T0).unwrap_err().code(), "account_disabled");
    assert_eq!(p.account_status(&p.enable(&off, T0).unwrap(), T0).status, Status::Enabled);
}

#[test]
fn b_sso_only_when_platform_authentication_is_disabled_for_the_tenant() {
    let p = product_b();
    let r = rolegate::AccountRecord { platform_auth: false, ..fresh() };
    let s = p.account_status(&r, T0);
    assert_eq!((s.status, s.can_access_tenant), (Status::SsoOnly, true));
    assert_eq!(p.invite(&r, T0).unwrap_err().code(), "sso_only");
}

#[test]
fn b_administrator_may_add_administrator_supervisor_or_agent() {
    let p = product_b();
    let admin = member("a", &["Administrator"]);
    for role in ["Administrator", "Supervisor", "Agent"] {
        assert!(p.check_grant(&grant(&admin, None, &[role])).is_allowed(), "{role}");
    }
}

#[test]
fn b_supervisor_cannot_add_an_administrator() {
    let p = product_b();
    let sup = member("s", &["Supervisor"]);
    let d = p.check_grant(&grant(&sup, None, &["Administrator"]));
    assert_eq!(codes(&d), vec!["rank_too_high"]);
    let r = &named(&p, &d)[0];
    assert_eq!((r.needed.as_deref(), r.held.as_deref()), (Some("3"), Some("2")));
    assert!(p.check_grant(&grant(&sup, None, &["Supervisor"])).is_allowed());
    assert!(p.check_grant(&grant(&sup, None, &["Agent"])).is_allowed());
}

#[test]
fn b_role_update_granting_more_access_cannot_exceed_the_updater() {
    let p = product_b();
    let sup = member("s", &["Supervisor"]);
    let agent = member("ag", &["Agent"]);
    assert!(p.check_grant(&grant(&sup, Some(&agent), &["Supervisor"])).is_allowed());
    assert_eq!(codes(&p.check_grant(&grant(&sup, Some(&agent), &["Agent", "Administrator"]))), vec!["rank_too_high"]);
    // Removing access needs no rank check beyond the target not being above the actor.
    let peer = member("s2", &["Supervisor", "Agent"]);
    assert!(p.check_grant(&grant(&sup, Some(&peer), &["Agent"])).is_allowed());
}

#[test]
fn b_user_cannot_change_their_own_role() {
    for p in [product_a(), product_b()] {
        let top = p.roles().last().unwrap().name.clone();
        let me = member("me", &[top.as_str()]);
        let d = p.check_grant(&grant(&me, Some(&me), &[]));
        assert!(!d.is_allowed());
        assert!(codes(&d).contains(&"self_role_change"));
    }
}

// ---- Shared rules ---------------------------------------------------------------------------

#[test]
fn users_above_the_actor_are_protected() {
    let a = product_a();
    let um = member("um", &["UserManager", "User"]);
    let admin = member("admin", &["CustomerAdmin"]);
    for d in [a.check_grant(&grant(&um, Some(&admin), &["User"])), a.check_remove(&on(&um, &admin)), a.check_invite(&on(&um, &admin))] {
        assert_eq!(codes(&d), vec!["target_outranks_actor"]);
    }
    let b = product_b();
    let sup = member("s", &["Supervisor"]);
    let boss = member("b", &["Administrator"]);
    assert_eq!(codes(&b.check_remove(&on(&sup, &boss))), vec!["target_outranks_actor"]);
}

#[test]
fn without_user_administration_nothing_is_allowed() {
    let p = product_a();
    let viewer = member("v", &["ReportViewer", "User"]);
    let d = p.check_grant(&grant(&viewer, None, &["User"]));
    assert_eq!(codes(&d), vec!["not_user_admin"]);
    let r = &named(&p, &d)[0];
    assert_eq!((r.needed.as_deref(), r.held.as_deref()), (Some("manage"), Some("none")));
    assert!(p.grantable_roles(&viewer).is_empty());
    assert_eq!(codes(&p.check_remove(&on(&viewer, &member("x", &[])))), vec!["not_user_admin"]);
}

#[test]
fn every_reason_is_listed_and_unknown_roles_are_named() {
    let p = product_a();
    let um = member("um", &["UserManager"]);
    let admin = member("admin", &["CustomerAdmin"]);
    let d = p.check_grant(&grant(&um, Some(&um), &["Nope", "CustomerAdmin"]));
    assert_eq!(codes(&d), vec!["self_role_change", "unknown_role", "role_not_held"]);
    let d = p.check_grant(&grant(&um, Some(&admin), &["CustomerAdmin", "ReportViewer"]));
    assert_eq!(codes(&d), vec!["target_outranks_actor", "role_not_held"]);
}

#[test]
fn an_allowed_decision_says_why() {
    let p = product_a();
    let d = p.check_grant(&grant(&member("a", &["CustomerAdmin"]), None, &["User"]));
    assert!(d.is_allowed());
    assert_eq!(codes(&d), vec!["allowed"]);
    assert!(matches!(d, rolegate::Decision::Allowed(why) if why.to_string().contains("hold every role")));
}

#[test]
fn nobody_removes_themselves() {
    let p = product_a();
    let admin = member("a", &["CustomerAdmin"]);
    assert_eq!(codes(&p.check_remove(&on(&admin, &admin))), vec!["self_remove"]);
}

#[test]
fn covered_mode_refuses_each_missing_permission() {
    let mut doc: serde_json::Value = serde_json::from_str(include_str!("../examples/product-a.json")).unwrap();
    doc["grantRule"] = "covered".into();
    let p = rolegate::Policy::from_value(&doc).unwrap();
    let um = member("um", &["UserManager", "User"]);
    let d = p.check_grant(&grant(&um, None, &["ReportViewer"]));
    assert_eq!(codes(&d), vec!["permission_not_held"]);
    let r = &named(&p, &d)[0];
    assert_eq!((r.feature.as_deref(), r.needed.as_deref(), r.held.as_deref()), (Some("reports"), Some("all"), Some("own")));
    // A role whose permissions the actor covers may be granted even if not held.
    let doc2 = serde_json::json!({"version":1,"features":{"reports":{"levels":["none","own","all"]},"users":{"levels":["none","manage"]}},
        "roles":{"Viewer":{"grants":{"reports":"own"}},"Boss":{"grants":{"reports":"all","users":"manage"}}},
        "userAdmin":{"feature":"users","level":"manage"}});
    let p2 = rolegate::Policy::from_value(&doc2).unwrap();
    assert!(p2.check_grant(&grant(&member("b", &["Boss"]), None, &["Viewer"])).is_allowed());
}

/// The last administrator stays (product A): with the tenant's other users given, taking `users: manage` from the
/// last enabled user holding it is refused with `last_admin`, by removal, disabling or a role change; a platform
/// operator (not one of the tenant's users) is the only actor who could otherwise lock the tenant out.
#[test]
fn a_the_last_administrator_stays() {
    let p = product_a();
    let operator = member("op", &["CustomerAdmin"]);
    let uma = member("uma", &["UserManager", "User"]);
    let rita = member("rita", &["ReportViewer", "User"]);
    let others = |users: &[&Member]| Some(rolegate::Others::Users(users.iter().map(|u| (*u).clone()).collect()));
    let remove = |o| TargetRequest { others: o, ..on(&operator, &uma) };
    assert_eq!(codes(&p.check_remove(&remove(others(&[&rita])))), ["last_admin"]);
    let r = &named(&p, &p.check_remove(&remove(others(&[&rita]))))[0];
    assert_eq!((r.feature.as_deref(), r.needed.as_deref(), r.held.as_deref()), (Some("users"), Some("manage"), None));
    assert_eq!(codes(&p.check_remove(&remove(Some(rolegate::Others::Admins(0))))), ["last_admin"]);
    // The target listed among the others is not counted; another holder is.
    assert_eq!(codes(&p.check_remove(&remove(others(&[&rita, &uma])))), ["last_admin"]);
    assert!(p.check_remove(&remove(others(&[&rita, &member("ann", &["CustomerAdmin"])]))).is_allowed());
    assert!(p.check_remove(&remove(Some(rolegate::Others::Admins(1)))).is_allowed());
    assert!(p.check_remove(&remove(None)).is_allowed(), "the rule needs the tenant's users");
    // A role change that drops the permission, and one that keeps it.
    let change = |roles: &[&str]| GrantRequest { others: others(&[&rita]), ..grant(&operator, Some(&uma), roles) };
    assert_eq!(codes(&p.check_grant(&change(&["User"]))), ["last_admin"]);
    assert!(p.check_grant(&change(&["UserManager"])).is_allowed());
    assert!(p.check_grant(&change(&["CustomerAdmin", "User"])).is_allowed());
    // Removing a user who never held it is no one's business.
    assert!(p.check_remove(&TargetRequest { others: others(&[]), ..on(&operator, &rita) }).is_allowed());
}

/// The same on product B (rank): the only Administrator cannot be removed or demoted below the ranks that
/// manage users, while a Supervisor (who manages users too) keeps the tenant administered.
#[test]
fn b_the_last_administrator_stays() {
    let p = product_b();
    let operator = member("op", &["Administrator"]);
    let ada = member("ada", &["Administrator"]);
    let arjun = member("arjun", &["Agent"]);
    let alone = Some(rolegate::Others::Users(vec![arjun.clone()]));
    assert_eq!(codes(&p.check_remove(&TargetRequest { others: alone.clone(), ..on(&operator, &ada) })), ["last_admin"]);
    let demote = |roles: &[&str]| GrantRequest { others: alone.clone(), ..grant(&operator, Some(&ada), roles) };
    assert_eq!(codes(&p.check_grant(&demote(&["Agent"]))), ["last_admin"]);
    assert!(p.check_grant(&demote(&["Supervisor"])).is_allowed(), "a Supervisor still manages users");
    let with_sue = Some(rolegate::Others::Users(vec![arjun, member("sue", &["Supervisor"])]));
    assert!(p.check_remove(&TargetRequest { others: with_sue, ..on(&operator, &ada) }).is_allowed());
    // Every other reason is still listed beside it.
    let sup = member("s", &["Supervisor"]);
    let d = p.check_remove(&TargetRequest { others: Some(rolegate::Others::Admins(0)), ..on(&sup, &member("sam", &["Supervisor"])) });
    assert_eq!(codes(&d), ["last_admin"]);
    let d = p.check_remove(&TargetRequest { others: Some(rolegate::Others::Admins(0)), ..on(&sup, &ada) });
    assert_eq!(codes(&d), ["target_outranks_actor", "last_admin"]);
}

// ---- Role names the policy does not know -----------------------------------------------------

#[test]
fn a_user_manager_may_not_touch_a_user_holding_a_role_the_policy_does_not_know() {
    let p = product_a();
    let um = member("um", &["UserManager", "User"]);
    let drifted = member("x", &["User", "LegacySuper"]);
    for d in [
        p.check_grant(&grant(&um, Some(&drifted), &["User", "LegacySuper"])),
        p.check_remove(&on(&um, &drifted)),
        p.check_invite(&on(&um, &drifted)),
    ] {
        assert!(!d.is_allowed());
        let named = named_in(&p, &d, &["LegacySuper"], &p.unknown_roles(&drifted.roles));
        let r = named.iter().find(|r| r.code == "unknown_target_role").unwrap();
        assert_eq!(r.role.as_deref(), Some("LegacySuper"));
        assert!(r.to_string().contains("'LegacySuper'"), "{r}");
    }
    // Without the unknown name the same user manager may remove that user.
    assert!(p.check_remove(&on(&um, &member("x", &["User"]))).is_allowed());
}

#[test]
fn a_customer_admin_may_clean_up_a_user_holding_a_role_the_policy_does_not_know() {
    let p = product_a();
    let admin = member("admin", &["CustomerAdmin"]);
    let drifted = member("x", &["User", "LegacySuper", "Ghost"]);
    assert!(p.check_grant(&grant(&admin, Some(&drifted), &["User"])).is_allowed(), "edit, dropping the unknown names");
    assert!(p.check_remove(&on(&admin, &drifted)).is_allowed(), "remove");
    assert!(p.check_invite(&on(&admin, &drifted)).is_allowed(), "invite");
    // Keeping an unknown name is still granting a role the policy does not know.
    let keep = p.check_grant(&grant(&admin, Some(&drifted), &["User", "Ghost"]));
    assert_eq!(codes(&keep), vec!["unknown_role"]);
}

#[test]
fn b_only_an_administrator_acts_on_a_user_holding_a_role_the_policy_does_not_know() {
    let p = product_b();
    let sup = member("s", &["Supervisor"]);
    let ada = member("ada", &["Administrator"]);
    let drifted = member("x", &["Agent", "LegacySuper"]);
    let d = p.check_remove(&on(&sup, &drifted));
    assert_eq!(codes(&d), vec!["unknown_target_role"]);
    assert_eq!(named_in(&p, &d, &[], &p.unknown_roles(&drifted.roles))[0].role.as_deref(), Some("LegacySuper"));
    assert_eq!(codes(&p.check_grant(&grant(&sup, Some(&drifted), &["Agent"]))), vec!["unknown_target_role"]);
    assert_eq!(codes(&p.check_invite(&on(&sup, &drifted))), vec!["unknown_target_role"]);
    assert!(p.check_remove(&on(&ada, &drifted)).is_allowed());
    assert!(p.check_grant(&grant(&ada, Some(&drifted), &["Agent"])).is_allowed());
    assert!(p.check_invite(&on(&ada, &drifted)).is_allowed());
}

#[test]
fn every_unknown_target_role_is_named_beside_the_other_reasons() {
    let p = product_a();
    let viewer = member("v", &["ReportViewer"]);
    let target = member("x", &["Ghost", "CustomerAdmin", "LegacySuper", "Ghost"]);
    let d = p.check_remove(&on(&viewer, &target));
    assert_eq!(codes(&d), vec!["not_user_admin", "unknown_target_role", "unknown_target_role", "target_outranks_actor"]);
    let named = named_in(&p, &d, &[], &p.unknown_roles(&target.roles));
    assert_eq!(named[1].role.as_deref(), Some("Ghost"));
    assert_eq!(named[2].role.as_deref(), Some("LegacySuper"));
}

#[test]
fn a_full_administrator_covers_every_feature_at_its_top_level_and_in_rank_mode_the_top_rank() {
    let a = product_a();
    let set = |p: &rolegate::Policy, roles: &[&str]| p.compile_roles(roles).unwrap();
    assert!(a.is_full_administrator(&set(&a, &["CustomerAdmin"])));
    assert!(!a.is_full_administrator(&set(&a, &["User", "ReportViewer", "UserManager"])), "orgSettings is missing");
    let b = product_b();
    assert!(b.is_full_administrator(&set(&b, &["Administrator"])));
    assert!(!b.is_full_administrator(&set(&b, &["Supervisor", "Agent"])));
    // Every feature at the top level but a lower rank than another role: not full.
    let doc = serde_json::json!({"version":1,"features":{"users":{"levels":["none","manage"]}},
        "roles":{"Manager":{"rank":1,"grants":{"*":"max"}},"Owner":{"rank":2,"grants":{"*":"max"}}},
        "grantRule":"rank","userAdmin":{"feature":"users","level":"manage"}});
    let p = rolegate::Policy::from_value(&doc).unwrap();
    assert!(!p.is_full_administrator(&set(&p, &["Manager"])));
    assert!(p.is_full_administrator(&set(&p, &["Owner"])));
}

#[test]
fn only_the_policy_admin_edits_the_policy_and_without_one_only_a_full_administrator() {
    let may = |p: &rolegate::Policy, roles: &[&str]| p.may_edit_policy(&p.compile_roles(roles).unwrap());
    // The examples name organization (A) and tenant (B) settings at "manage": their administrators only.
    let (a, b) = (product_a(), product_b());
    assert!(may(&a, &["CustomerAdmin"]));
    assert!(!may(&a, &["UserManager", "User", "ReportViewer"]), "user administration is not policy administration");
    assert!(may(&b, &["Administrator"]));
    assert!(!may(&b, &["Supervisor", "Agent"]), "settings 'view' is below 'manage'");
    let mut doc: serde_json::Value = serde_json::from_str(include_str!("../examples/product-a.json")).unwrap();
    doc["policyAdmin"] = serde_json::json!({ "feature": "users", "level": "manage" });
    let delegated = rolegate::Policy::from_value(&doc).unwrap();
    assert!(may(&delegated, &["UserManager"]));
    doc.as_object_mut().unwrap().remove("policyAdmin");
    let default = rolegate::Policy::from_value(&doc).unwrap();
    assert!(may(&default, &["CustomerAdmin"]));
    assert!(!may(&default, &["UserManager", "User", "ReportViewer"]), "every feature at its top level is needed");
}

#[test]
fn an_actors_unknown_role_names_grant_nothing_and_are_listed_as_ignored() {
    let p = product_a();
    let ghost = member("g", &["Ghost", "UserManager", "User", "Ghost", "LegacySuper"]);
    let d = p.check_grant(&grant(&ghost, None, &["User"]));
    assert!(d.is_allowed());
    // The names a decision lists as ignored (the JS layer sets `ignored` on its decisions, left out when empty).
    assert_eq!(p.unknown_roles(&ghost.roles), vec!["Ghost", "LegacySuper"]);
    let d = p.check_remove(&on(&member("g", &["Ghost"]), &member("x", &[])));
    assert_eq!(codes(&d), vec!["not_user_admin"]);
    assert_eq!(codes(&p.check_invite(&on(&member("g", &["Ghost"]), &member("x", &[])))), vec!["not_user_admin"]);
}

/// Issue 16: an invitation sent mid-second expires `invitationTtl` after that millisecond, not up to 999 ms early.
#[test]
fn an_invitation_window_counts_from_the_invite_time_in_milliseconds() {
    let p = product_b();
    let sent = T0 + 830;
    let r = p.invite(&fresh(), sent).unwrap();
    assert_eq!(r.invited_at, Some(sent));
    assert_eq!(p.account_status(&r, sent + 24 * HOUR).status, Status::Invited);
    assert_eq!(p.account_status(&r, sent + 24 * HOUR + 1).status, Status::ExpiredInvitation);
}
