//! Policy analysis with known answers: who can reach a level (and through which includes), the delegation
//! graph and its escalation paths, and the impact of a change, on both example policies and hand-made ones.
#![cfg(feature = "analysis")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

mod common;
use common::*;
use rolegate::{Policy, analysis};
use serde_json::{Value, json};

fn example_a() -> Value {
    serde_json::from_str(include_str!("../examples/product-a.json")).unwrap()
}

fn compile(doc: &Value) -> Policy {
    Policy::from_value(doc).unwrap()
}

/// `(role, level, via)` of each role reaching the level.
fn reach(p: &Policy, feature: &str, level: &str) -> Vec<(String, String, Vec<String>)> {
    p.who_can(feature, level).unwrap().into_iter().map(|r| (r.role, r.level, r.via)).collect()
}

fn row(role: &str, level: &str, via: &[&str]) -> (String, String, Vec<String>) {
    (role.into(), level.into(), via.iter().map(|s| s.to_string()).collect())
}

/// `granter -> [roles]` of the delegation graph.
fn graph(p: &Policy) -> Vec<(String, Vec<String>)> {
    p.delegation().unwrap().grants.into_iter().map(|g| (g.granter, g.roles)).collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// `(code, role, feature, from, to)` of a change.
type Row<'d> = (&'static str, Option<&'d str>, Option<&'d str>, Option<&'d str>, Option<&'d str>);

/// Each change as a [`Row`], in order.
fn changes(d: &analysis::Diff) -> Vec<Row<'_>> {
    d.changes.iter().map(|c| (c.code, c.role.as_deref(), c.feature.as_deref(), c.from.as_deref(), c.to.as_deref())).collect()
}

fn user_changes(d: &analysis::Diff) -> Vec<(&str, &str, &str, &str, &str)> {
    d.users.iter().map(|u| (u.id.as_str(), u.code, u.feature.as_str(), u.from.as_str(), u.to.as_str())).collect()
}

/// The demo's product A users (www/demo/seed.js).
fn acme_users() -> Vec<rolegate::Member> {
    vec![member("carla", &["CustomerAdmin"]), member("uma", &["UserManager", "User"]), member("rita", &["ReportViewer"]), member("eve", &["User", "ReportViewer"])]
}

#[test]
fn who_can_on_product_a_names_each_role_and_its_own_grant() {
    let p = product_a();
    assert_eq!(reach(&p, "reports", "all"), [row("ReportViewer", "all", &["ReportViewer"]), row("CustomerAdmin", "all", &["CustomerAdmin"])]);
    assert_eq!(
        reach(&p, "reports", "own"),
        [row("User", "own", &["User"]), row("ReportViewer", "all", &["ReportViewer"]), row("CustomerAdmin", "all", &["CustomerAdmin"])]
    );
    assert_eq!(reach(&p, "users", "manage"), [row("UserManager", "manage", &["UserManager"]), row("CustomerAdmin", "manage", &["CustomerAdmin"])]);
    assert_eq!(p.who_can("reprots", "all").unwrap_err().code(), "unknown_feature");
    assert_eq!(p.who_can("reports", "most").unwrap_err().code(), "unknown_level");
}

#[test]
fn who_can_on_product_b_follows_the_ranks_levels() {
    let p = product_b();
    assert_eq!(reach(&p, "reports", "team"), [row("Supervisor", "team", &["Supervisor"]), row("Administrator", "all", &["Administrator"])]);
    assert_eq!(reach(&p, "settings", "manage"), [row("Administrator", "manage", &["Administrator"])]);
}

#[test]
fn who_can_names_the_chain_of_includes_that_gives_the_level() {
    let p = compile(&json!({
        "version": 1,
        "features": { "reports": { "levels": ["none", "own", "all"] }, "users": { "levels": ["none", "manage"] } },
        "roles": {
            "Head": { "includes": ["Lead"] },
            "Lead": { "includes": ["Viewer"], "grants": { "users": "manage" } },
            "Viewer": { "grants": { "reports": "all" } },
            "Owner": { "includes": ["Viewer"], "grants": { "reports": "all" } },
            "Clerk": { "grants": { "reports": "own" } }
        },
        "grantRule": "held",
        "userAdmin": { "feature": "users", "level": "manage" }
    }));
    assert_eq!(
        reach(&p, "reports", "all"),
        [
            row("Head", "all", &["Head", "Lead", "Viewer"]),
            row("Lead", "all", &["Lead", "Viewer"]),
            row("Viewer", "all", &["Viewer"]),
            row("Owner", "all", &["Owner"]), // its own grant: the shortest chain
        ]
    );
    assert_eq!(reach(&p, "users", "manage"), [row("Head", "manage", &["Head", "Lead"]), row("Lead", "manage", &["Lead"])]);
}

#[test]
fn delegation_on_product_a_is_what_each_role_holds_and_nothing_escalates() {
    let p = product_a();
    assert_eq!(
        graph(&p),
        [
            ("User".to_string(), vec![]),
            ("ReportViewer".to_string(), vec![]),
            ("UserManager".to_string(), strings(&["UserManager"])),
            ("CustomerAdmin".to_string(), strings(&["User", "ReportViewer", "UserManager", "CustomerAdmin"])),
        ],
        "without users 'manage' a role grants nothing; held mode grants what the role carries"
    );
    assert!(p.delegation().unwrap().escalations.is_empty());
}

#[test]
fn delegation_on_product_b_is_same_rank_or_lower() {
    let p = product_b();
    assert_eq!(
        graph(&p),
        [
            ("Agent".to_string(), vec![]),
            ("Supervisor".to_string(), strings(&["Agent", "Supervisor"])),
            ("Administrator".to_string(), strings(&["Agent", "Supervisor", "Administrator"])),
        ]
    );
    assert!(p.delegation().unwrap().escalations.is_empty(), "no role below a granter gives more than it holds");
}

#[test]
fn held_and_covered_modes_have_no_escalation_paths_by_construction() {
    // The same roles that escalate under "rank" (an analyst ranked below a lead but seeing all reports).
    let mut doc = json!({
        "version": 1,
        "features": { "reports": { "levels": ["none", "own", "all"] }, "users": { "levels": ["none", "manage"] } },
        "roles": {
            "Analyst": { "rank": 1, "grants": { "reports": "all" } },
            "Lead": { "rank": 2, "grants": { "reports": "own", "users": "manage" }, "includes": [] }
        },
        "grantRule": "rank",
        "userAdmin": { "feature": "users", "level": "manage" }
    });
    let escalations = |doc: &Value| compile(doc).delegation().unwrap().escalations;
    let e = escalations(&doc);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].granter.as_str(), e[0].role.as_str(), e[0].feature.as_str(), e[0].needed.as_str(), e[0].held.as_str()), ("Lead", "Analyst", "reports", "all", "own"));
    for rule in ["held", "covered"] {
        doc["grantRule"] = rule.into();
        assert_eq!(escalations(&doc), vec![], "{rule}: a granter only hands out what he holds or covers");
    }
    // Held through includes: the included role's access comes with it, so still covered.
    doc["grantRule"] = "held".into();
    doc["roles"]["Lead"]["includes"] = json!(["Analyst"]);
    assert_eq!(graph(&compile(&doc))[1].1, strings(&["Analyst", "Lead"]));
    assert_eq!(escalations(&doc), vec![]);
}

#[test]
fn a_policy_diffed_with_itself_has_no_changes() {
    for (p, users) in [(product_a(), acme_users()), (product_b(), vec![member("sue", &["Supervisor"]), member("arjun", &["Agent"])])] {
        let d = analysis::diff(&p, &p, &users).unwrap();
        assert_eq!((d.changes.len(), d.users.len()), (0, 0), "{d:?}");
    }
}

#[test]
fn a_diff_that_adds_an_escalation_path_lists_it_first() {
    let before = json!({
        "version": 1,
        "features": { "reports": { "levels": ["none", "own", "all"] }, "users": { "levels": ["none", "manage"] } },
        "roles": {
            "Analyst": { "rank": 1, "grants": { "reports": "own" } },
            "Lead": { "rank": 2, "grants": { "reports": "own", "users": "manage" } }
        },
        "grantRule": "rank",
        "userAdmin": { "feature": "users", "level": "manage" }
    });
    let mut after = before.clone();
    after["roles"]["Analyst"]["grants"]["reports"] = "all".into();
    let users = [member("ann", &["Analyst"]), member("leo", &["Lead"])];
    let d = analysis::diff(&compile(&before), &compile(&after), &users).unwrap();
    assert_eq!(
        changes(&d),
        [("escalation_added", Some("Analyst"), Some("reports"), None, None), ("access_raised", Some("Analyst"), Some("reports"), Some("own"), Some("all"))]
    );
    let e = &d.changes[0];
    assert_eq!((e.granter.as_deref(), e.needed.as_deref(), e.held.as_deref()), (Some("Lead"), Some("all"), Some("own")));
    assert_eq!(user_changes(&d), [("ann", "user_gains", "reports", "own", "all")], "the lead's own access is unchanged");
    // And back: the escalation goes away, the access is lowered.
    let back = analysis::diff(&compile(&after), &compile(&before), &users).unwrap();
    let codes: Vec<_> = back.changes.iter().map(|c| c.code).collect();
    assert_eq!(codes, ["escalation_removed", "access_lowered"]);
    assert_eq!(user_changes(&back), [("ann", "user_loses", "reports", "all", "own")]);
}

#[test]
fn a_diff_that_only_lowers_access_names_the_users_who_lose_it() {
    let before = example_a();
    let mut after = before.clone();
    after["roles"]["ReportViewer"]["grants"]["reports"] = "own".into();
    let d = analysis::diff(&compile(&before), &compile(&after), &acme_users()).unwrap();
    assert_eq!(changes(&d), [("access_lowered", Some("ReportViewer"), Some("reports"), Some("all"), Some("own"))], "the admin keeps all through \"*\"");
    assert_eq!(user_changes(&d), [("rita", "user_loses", "reports", "all", "own"), ("eve", "user_loses", "reports", "all", "own")]);
}

#[test]
fn a_diff_through_includes_adds_a_delegation_edge_and_raises_access_without_escalating() {
    let before = example_a();
    let mut after = before.clone();
    after["roles"]["UserManager"]["includes"] = json!(["ReportViewer"]);
    let d = analysis::diff(&compile(&before), &compile(&after), &acme_users()).unwrap();
    assert_eq!(
        changes(&d),
        [("delegation_added", Some("ReportViewer"), None, None, None), ("access_raised", Some("UserManager"), Some("reports"), Some("none"), Some("all"))]
    );
    assert_eq!(d.changes[0].granter.as_deref(), Some("UserManager"));
    assert_eq!(user_changes(&d), [("uma", "user_gains", "reports", "own", "all")]);
}

#[test]
fn roles_features_levels_ranks_and_settings_have_their_own_codes() {
    let before = product_b();
    let mut doc: Value = serde_json::from_str(include_str!("../examples/product-b.json")).unwrap();
    doc["features"].as_object_mut().unwrap().remove("settings");
    doc["policyAdmin"] = json!({ "feature": "users", "level": "manage" });
    doc["features"]["billing"] = json!({ "levels": ["none", "view"] });
    doc["features"]["reports"]["levels"] = json!(["none", "own", "all"]);
    doc["roles"]["Supervisor"]["grants"] = json!({ "interactions": "handle", "reports": "own", "users": "manage" });
    doc["roles"]["Auditor"] = json!({ "rank": 1, "grants": { "billing": "view" } });
    doc["roles"]["Agent"]["rank"] = 0.into();
    doc["rankOrder"] = "strictly-lower".into();
    doc["invitationTtl"] = "7d".into();
    // A role name neither policy knows is a mistake in the users, not a role: said, with where it is.
    let after = compile(&doc);
    let e = analysis::diff(&before, &after, &[member("sue", &["Supervisor"]), member("x", &["Agent", "Ghost"])]).unwrap_err();
    assert_eq!((e.code(), e.path()), ("unknown_role", Some("users[1].roles[1]")));
    let d = analysis::diff(&before, &after, &[member("sue", &["Supervisor"]), member("x", &["Agent"])]).unwrap();
    let codes: Vec<_> = d.changes.iter().map(|c| (c.code, c.role.as_deref().or(c.feature.as_deref()).or(c.setting))).collect();
    assert!(codes.contains(&("role_added", Some("Auditor"))), "{codes:?}");
    assert!(codes.contains(&("feature_added", Some("billing"))), "{codes:?}");
    assert!(codes.contains(&("feature_removed", Some("settings"))), "{codes:?}");
    assert!(codes.contains(&("levels_changed", Some("reports"))), "{codes:?}");
    assert!(codes.contains(&("rank_changed", Some("Agent"))), "{codes:?}");
    assert!(codes.contains(&("setting_changed", Some("grantRule"))), "{codes:?}");
    assert!(codes.contains(&("setting_changed", Some("invitationTtl"))), "{codes:?}");
    let editor = d.changes.iter().find(|c| c.setting == Some("policyAdmin")).unwrap();
    assert_eq!((editor.from.as_deref(), editor.to.as_deref()), (Some("settings:manage"), Some("users:manage")));
    let mut unnamed: Value = serde_json::from_str(include_str!("../examples/product-b.json")).unwrap();
    unnamed.as_object_mut().unwrap().remove("policyAdmin");
    let d2 = analysis::diff(&before, &compile(&unnamed), &[]).unwrap();
    let editor = d2.changes.iter().map(|c| (c.code, c.setting, c.from.as_deref(), c.to.as_deref())).collect::<Vec<_>>();
    assert_eq!(editor, [("setting_changed", Some("policyAdmin"), Some("settings:manage"), Some(analysis::FULL_ADMINISTRATOR))], "none named: a full administrator");
    assert!(codes.contains(&("access_lowered", Some("Supervisor"))), "team is gone: own is below it");
    assert!(codes.contains(&("delegation_removed", Some("Supervisor"))), "strictly lower: a supervisor no longer grants Supervisor");
    assert!(!codes.iter().any(|c| c.0 == "access_raised"), "the administrator's 'all' is the same level by name: {codes:?}");
    let order: Vec<usize> = d.changes.iter().map(|c| analysis::CHANGE_ORDER.iter().position(|&k| k == c.code).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "listed in the documented order: {codes:?}");
    assert_eq!(user_changes(&d), [("sue", "user_loses", "reports", "team", "own")], "an unknown role is ignored");
}

#[test]
fn a_policy_beyond_the_analysis_limit_is_refused_with_a_code_not_a_trap() {
    let roles: serde_json::Map<String, Value> =
        (0..=analysis::MAX_ANALYSIS_ROLES).map(|i| (format!("R{i}"), json!({ "grants": { "users": "manage" } }))).collect();
    let p = compile(&json!({ "version": 1, "features": { "users": { "levels": ["none", "manage"] } }, "roles": roles,
        "userAdmin": { "feature": "users", "level": "manage" } }));
    assert_eq!(p.delegation().unwrap_err().code(), "too_large");
    assert_eq!(analysis::diff(&p, &product_a(), &[]).unwrap_err().code(), "too_large");
    assert_eq!(p.who_can("users", "manage").unwrap().len(), analysis::MAX_ANALYSIS_ROLES + 1, "who can stays linear");
}
