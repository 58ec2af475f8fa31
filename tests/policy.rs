//! Policy documents: every error located by path with a stable code, warnings, defaults.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

use rolegate::{GrantRule, Policy, RankOrder};
use serde_json::json;

fn errors(doc: serde_json::Value) -> Vec<(String, &'static str)> {
    located(Policy::from_value(&doc).expect_err("should be refused"))
}

/// The same for a document given as text (what only text can hold: broken JSON, a member named twice).
fn errors_of(text: &str) -> Vec<(String, &'static str)> {
    located(Policy::from_json(text).expect_err("should be refused"))
}

fn located(e: rolegate::PolicyError) -> Vec<(String, &'static str)> {
    assert_eq!(e.code(), "invalid_policy");
    e.errors.iter().map(|i| (i.path.clone(), i.code())).collect()
}

fn base() -> serde_json::Value {
    json!({
        "version": 1,
        "features": { "reports": { "levels": ["none", "own", "all"], "label": "Reports" }, "users": { "levels": ["none", "manage"] } },
        "roles": {
            "User": { "grants": { "reports": "own" } },
            "ReportViewer": { "grants": { "reports": "all" } },
            "UserManager": { "grants": { "users": "manage" }, "includes": [] },
            "CustomerAdmin": { "grants": { "*": "max" }, "rank": 3 }
        },
        "grantRule": "held",
        "rankOrder": "same-or-lower",
        "userAdmin": { "feature": "users", "level": "manage" },
        "protectHigherUsers": true,
        "invitationTtl": "24h"
    })
}

#[test]
fn the_issue_example_compiles_in_document_order() {
    let p = Policy::from_value(&base()).unwrap();
    assert_eq!(p.grant_rule, GrantRule::Held);
    assert_eq!(p.invitation_ttl_ms, 24 * 3_600_000);
    let names: Vec<_> = p.roles().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["User", "ReportViewer", "UserManager", "CustomerAdmin"]);
    assert_eq!(p.features()[1].label, "users", "label defaults to the name");
}

#[test]
fn a_typo_in_a_grant_is_located_by_path() {
    let mut doc = base();
    doc["roles"]["UserManager"]["grants"] = json!({ "reprots": "all" });
    assert_eq!(errors(doc), vec![("roles.UserManager.grants.reprots".to_string(), "unknown_feature")]);
}

#[test]
fn every_error_is_listed_at_once() {
    let mut doc = base();
    doc["version"] = json!(2);
    doc["grantRule"] = json!("sometimes");
    doc["roles"]["User"]["grants"]["reports"] = json!("most");
    doc["roles"]["User"]["includes"] = json!(["Ghost"]);
    doc["userAdmin"]["level"] = json!("root");
    doc["invitationTtl"] = json!("1 day");
    doc["extra"] = json!(true);
    let got = errors(doc);
    let want = [
        ("extra", "unknown_field"),
        ("version", "unsupported_version"),
        ("grantRule", "invalid_value"),
        ("roles.User.grants.reports", "unknown_level"),
        ("roles.User.includes[0]", "unknown_role"),
        ("userAdmin.level", "unknown_level"),
        ("invitationTtl", "invalid_duration"),
    ];
    for (path, code) in want {
        assert!(got.contains(&(path.to_string(), code)), "missing {path} {code} in {got:?}");
    }
    assert_eq!(got.len(), want.len(), "{got:?}");
}

#[test]
fn include_cycles_are_refused_and_named() {
    let mut doc = base();
    doc["roles"]["User"]["includes"] = json!(["UserManager"]);
    doc["roles"]["UserManager"]["includes"] = json!(["User"]);
    let e = Policy::from_value(&doc).unwrap_err();
    assert_eq!(e.errors.len(), 1, "{:?}", e.errors);
    assert_eq!(e.errors[0].code(), "include_cycle");
    #[cfg(not(target_arch = "wasm32"))] // issues are worded natively (the words are not in the wasm)
    assert!(e.errors[0].kind.to_string().contains("User -> UserManager -> User"), "{}", e.errors[0]);
    doc["roles"]["User"]["includes"] = json!(["User"]);
    doc["roles"]["UserManager"]["includes"] = json!([]);
    assert_eq!(errors(doc), vec![("roles.User.includes".to_string(), "include_cycle")]);
}

#[test]
fn includes_carry_grants_and_held_roles() {
    let mut doc = base();
    doc["roles"]["UserManager"]["includes"] = json!(["User"]);
    let p = Policy::from_value(&doc).unwrap();
    assert!(p.allows(&["UserManager"], "reports", "own").unwrap());
    let um = rolegate::Member { id: "um".into(), roles: vec!["UserManager".into()] };
    assert_eq!(p.grantable_roles(&um), vec!["User", "UserManager"], "held through includes");
}

#[test]
fn bad_features_and_levels_are_refused() {
    let mut doc = base();
    doc["features"]["reports"]["levels"] = json!(["none"]);
    doc["features"]["users"]["levels"] = json!(["none", "manage", "manage"]);
    let got = errors(doc);
    assert!(got.contains(&("features.reports.levels".into(), "invalid_levels")), "{got:?}");
    assert!(got.contains(&("features.users.levels[2]".into(), "duplicate_level")), "{got:?}");
    // Grants naming a broken feature are not reported a second time.
    assert!(!got.iter().any(|(p, _)| p.starts_with("roles.")), "{got:?}");
}

#[test]
fn odd_names_are_quoted_in_paths() {
    let mut doc = base();
    doc["roles"]["User"]["grants"] = json!({ "a.b": "own" });
    assert_eq!(errors(doc), vec![(r#"roles.User.grants["a.b"]"#.to_string(), "unknown_feature")]);
    // The quoted segment is a JSON string literal, so JS (and any JSON reader) reads the key back exactly.
    let mut doc = base();
    doc["roles"]["User"]["grants"] = json!({ "say \"hi\"\n": "own" });
    assert_eq!(errors(doc), vec![(r#"roles.User.grants["say \"hi\"\n"]"#.to_string(), "unknown_feature")]);
}

#[test]
fn a_member_named_twice_is_refused_not_last_wins() {
    // Another reader could keep the first definition: the document is ambiguous, so it is refused.
    let doc = base().to_string().replacen(r#""roles":{"#, r#""roles":{"User":{"grants":{"reports":"all"}},"#, 1);
    assert_eq!(errors_of(&doc), vec![("roles.User".to_string(), "duplicate_member")]);
    // Every repeat is named, in document order, and every other error of the document is listed after them.
    let missing = |e: &[(String, &str)]| e.iter().filter(|(_, c)| *c == "missing_field").map(|(p, _)| p.clone()).collect::<Vec<_>>();
    let once = errors_of(r#"{"version":1,"version":1}"#);
    assert_eq!(once[0], ("version".to_string(), "duplicate_member"));
    assert_eq!(missing(&once), ["features", "roles", "userAdmin"]);
    let deep = errors_of(r#"{"features":{"a.b":{"levels":["x"],"levels":["y"]}}}"#);
    assert_eq!(deep[0], (r#"features["a.b"].levels"#.to_string(), "duplicate_member"));
    assert!(deep.contains(&(r#"features["a.b"].levels"#.to_string(), "invalid_levels")), "{deep:?}");
    let in_array = errors_of(r#"{"roles":{"R":{"includes":[{"k":1,"k":2}]}}}"#);
    assert_eq!(in_array[0], ("roles.R.includes[0].k".to_string(), "duplicate_member"));
    assert!(in_array.contains(&("roles.R.includes[0]".to_string(), "invalid_type")), "{in_array:?}");
    let two = errors_of(r#"{"a":1,"a":{"c":1,"c":2},"b":{"d":1,"d":2}}"#);
    let repeats: Vec<_> = two.iter().filter(|(_, c)| *c == "duplicate_member").map(|(p, _)| p.as_str()).collect();
    assert_eq!(repeats, ["a", "a.c", "b.d"]);
    assert!(two.contains(&("a".to_string(), "unknown_field")) && missing(&two).len() == 4, "{two:?}");
    // Text that is not JSON: the repeats read before the syntax error, then the error.
    assert_eq!(errors_of(r#"{"a":1,"b":[{"c":1,"c":2}],"a":2,"#), vec![
        ("b[0].c".to_string(), "duplicate_member"),
        ("a".to_string(), "duplicate_member"),
        (String::new(), "invalid_json"),
    ]);
}

#[test]
fn not_json_and_not_an_object_are_refused() {
    let e = Policy::from_json("{ nope").unwrap_err();
    assert_eq!((e.code(), e.errors[0].code()), ("invalid_policy", "invalid_json"));
    let e = Policy::from_json("[1,2]").unwrap_err();
    assert_eq!((e.errors[0].path.as_str(), e.errors[0].code()), ("", "invalid_type"));
    let e = Policy::from_json("{}").unwrap_err();
    let codes: Vec<_> = e.errors.iter().map(|i| (i.path.as_str(), i.code())).collect();
    assert_eq!(codes, [("version", "missing_field"), ("features", "missing_field"), ("roles", "missing_field"), ("userAdmin", "missing_field")]);
}

#[test]
fn rank_mode_needs_a_rank_on_every_role() {
    let mut doc = base();
    doc["grantRule"] = json!("rank");
    let got = errors(doc);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.contains(&("roles.User.rank".into(), "missing_rank")));
}

#[test]
fn durations_parse_and_are_bounded() {
    for (text, ms) in [("24h", 86_400_000), ("90m", 5_400_000), ("7d", 604_800_000), ("2s", 2_000), ("500ms", 500), ("365d", 31_536_000_000)] {
        let mut doc = base();
        doc["invitationTtl"] = json!(text);
        assert_eq!(Policy::from_value(&doc).unwrap().invitation_ttl_ms, ms, "{text}");
    }
    for text in ["0h", "366d", "h", "24", "24 h", "-1h", "1.5h", "99999999999999d"] {
        let mut doc = base();
        doc["invitationTtl"] = json!(text);
        assert_eq!(errors(doc), vec![("invitationTtl".to_string(), "invalid_duration")], "{text}");
    }
}

#[test]
fn defaults_are_covered_grants_protection_on_and_a_24_hour_window() {
    let mut doc = base();
    for key in ["grantRule", "rankOrder", "protectHigherUsers", "invitationTtl"] {
        doc.as_object_mut().unwrap().remove(key);
    }
    let p = Policy::from_value(&doc).unwrap();
    assert_eq!((p.grant_rule, p.protect_higher_users, p.invitation_ttl_ms), (GrantRule::Covered, true, 86_400_000));
}

#[test]
fn warnings_flag_rank_grants_of_unheld_access_and_empty_roles() {
    let doc = json!({
        "version": 1,
        "features": { "reports": { "levels": ["none", "own", "all"] }, "users": { "levels": ["none", "manage"] } },
        "roles": {
            "Analyst": { "rank": 1, "grants": { "reports": "all" } },
            "Lead": { "rank": 2, "grants": { "reports": "own", "users": "manage" } },
            "Nobody": { "rank": 0 }
        },
        "grantRule": "rank", "rankOrder": "strictly-lower",
        "userAdmin": { "feature": "users", "level": "manage" }
    });
    let p = Policy::from_value(&doc).unwrap();
    assert_eq!(p.grant_rule, GrantRule::Rank(RankOrder::StrictlyLower));
    let warnings = p.warnings();
    let w: Vec<_> = warnings.iter().map(|i| (i.path.as_str(), i.code())).collect();
    assert_eq!(w, [("roles.Nobody", "empty_role"), ("roles.Analyst.grants.reports", "rank_grants_unheld")]);
    assert!(Policy::from_json(include_str!("../examples/product-b.json")).unwrap().warnings().is_empty());
    assert!(Policy::from_json(include_str!("../examples/product-a.json")).unwrap().warnings().is_empty());
}

#[test]
fn user_admin_at_no_access_is_refused() {
    let mut doc = base();
    doc["userAdmin"]["level"] = json!("none");
    assert_eq!(errors(doc), vec![("userAdmin.level".to_string(), "invalid_level")]);
}

#[test]
fn policy_admin_is_optional_and_read_like_user_admin() {
    assert_eq!(Policy::from_value(&base()).unwrap().policy_admin, None, "absent: only a full administrator edits");
    let mut doc = base();
    doc["policyAdmin"] = json!({ "feature": "users", "level": "manage" });
    assert_eq!(Policy::from_value(&doc).unwrap().policy_admin, Some((1, 1)));
    doc["policyAdmin"] = json!({ "feature": "reprots", "level": "all", "who": "me" });
    assert_eq!(errors(doc.clone()), vec![("policyAdmin.who".to_string(), "unknown_field"), ("policyAdmin.feature".to_string(), "unknown_feature")]);
    doc["policyAdmin"] = json!({ "feature": "users", "level": "none" });
    assert_eq!(errors(doc.clone()), vec![("policyAdmin.level".to_string(), "invalid_level")]);
    let refused = Policy::from_value(&doc).expect_err("no access edits nothing");
    assert_eq!(refused.errors[0].kind.key(), "invalid_level.policy_admin", "its own message, not userAdmin's");
    #[cfg(not(target_arch = "wasm32"))] // issues are worded natively (the words are not in the wasm)
    assert_eq!(refused.to_string(), "invalid policy: policyAdmin.level: editing the policy must need more than the no-access level");
    doc["policyAdmin"] = json!("users:manage");
    assert_eq!(errors(doc), vec![("policyAdmin".to_string(), "invalid_type")]);
}

#[test]
fn unknown_names_in_questions_are_errors_with_codes() {
    let p = Policy::from_value(&base()).unwrap();
    assert_eq!(p.effective(&["Ghost"]).unwrap_err().code(), "unknown_role");
    assert_eq!(p.allows(&["User"], "reprots", "own").unwrap_err().code(), "unknown_feature");
    assert_eq!(p.allows(&["User"], "reports", "most").unwrap_err().code(), "unknown_level");
}

/// `(path, code, line, column)` of each error of a document given as text.
fn placed(text: &str) -> Vec<(String, &'static str, Option<u32>, Option<u32>)> {
    let e = Policy::from_json(text).expect_err("should be refused");
    e.errors.iter().map(|i| (i.path.clone(), i.code(), i.line, i.column)).collect()
}

/// 1-based line and column of the first occurrence of `needle` in `text` (the test's own reckoning).
fn find(text: &str, needle: &str) -> (Option<u32>, Option<u32>) {
    let at = text.find(needle).expect("in the text");
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (Some(line as u32), Some(column as u32))
}

#[test]
fn errors_of_a_document_read_from_text_carry_line_and_column() {
    let text = include_str!("../examples/product-a.json").replace(r#"{ "users": "manage""#, r#"{ "reprots": "manage""#);
    let (line, column) = find(&text, r#""reprots""#);
    assert_eq!(placed(&text), [("roles.UserManager.grants.reprots".to_string(), "unknown_feature", line, column)], "at the member");
    // A missing member points at the member that lacks it; the whole document at its first value.
    let text = "\n  {\n    \"version\": 1,\n    \"userAdmin\": { \"feature\": \"users\" }\n  }";
    let got = placed(text);
    assert!(got.contains(&("features".to_string(), "missing_field", Some(2), Some(3))), "{got:?}");
    assert!(got.contains(&("userAdmin.level".to_string(), "missing_field", Some(4), Some(5))), "{got:?}");
    assert_eq!(placed("[1]"), [(String::new(), "invalid_type", Some(1), Some(1))]);
    // Not JSON: serde_json's own position of the syntax error.
    assert_eq!(placed("{\n  \"version\": nope\n}"), [(String::new(), "invalid_json", Some(2), Some(15))]);
    assert_eq!(placed("{\"é\": nope}"), [(String::new(), "invalid_json", Some(1), Some(8))], "in characters, not bytes");
    assert_eq!(placed(""), [(String::new(), "invalid_json", Some(1), Some(1))]);
    // A member named twice: the second one, the one that makes the document ambiguous (listed first, with the
    // document's other errors after it).
    let text = "{\"version\":1,\n \"version\":1}";
    assert_eq!(placed(text)[0], ("version".to_string(), "duplicate_member", Some(2), Some(2)));
    // Odd names and non-ASCII text: columns count characters.
    let text = include_str!("../examples/product-a.json").replace(r#""reports": "own" }"#, r#""é.b": "own" }"#);
    let (line, column) = find(&text, r#""é.b""#);
    assert_eq!(placed(&text), [(r#"roles.User.grants["é.b"]"#.to_string(), "unknown_feature", line, column)]);
}

#[test]
fn warnings_of_a_document_read_from_text_carry_line_and_column_and_values_carry_none() {
    let text = "{\"version\":1,\"features\":{\"f\":{\"levels\":[\"none\",\"x\"]}},\n\"roles\":{\"A\":{\"grants\":{\"f\":\"x\"}},\n\"Empty\":{}},\"userAdmin\":{\"feature\":\"f\",\"level\":\"x\"}}";
    let mut w = Policy::from_json(text).unwrap().warnings();
    rolegate::json::place(text, &mut w);
    assert_eq!((w[0].path.as_str(), w[0].code(), w[0].line, w[0].column), ("roles.Empty", "empty_role", Some(3), Some(1)));
    // An array item is placed at its string.
    let twice = text.replace(r#""levels":["none","x"]"#, r#""levels":["none","x","x"]"#);
    let e = Policy::from_json(&twice).unwrap_err();
    assert_eq!((e.errors[0].path.as_str(), e.errors[0].line, e.errors[0].column), ("features.f.levels[2]", Some(1), Some(52)));
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(Policy::from_value(&doc).unwrap().warnings()[0].line, None, "no text, no position");
    assert_eq!(Policy::from_serialized(text).unwrap().warnings()[0].line, None);
    let mut bad = base();
    bad["version"] = json!(2);
    let e = Policy::from_value(&bad).unwrap_err();
    assert_eq!((e.errors[0].line, e.errors[0].column), (None, None));
}

/// Every issue's line and column (when set) is a place in `text`: a line that exists, a column at most one past its end.
fn assert_in_text(text: &str, issues: &[rolegate::Issue]) {
    let lines: Vec<&str> = text.split('\n').collect();
    for i in issues {
        let (Some(line), Some(column)) = (i.line, i.column) else { continue };
        let source = lines.get(line as usize - 1).unwrap_or_else(|| panic!("line {line} of {} in {text:?}: {i:?}", lines.len()));
        assert!(column >= 1 && column as usize <= source.chars().count() + 1, "column {column} of {source:?}: {i:?}");
    }
}

#[test]
fn positions_of_every_fuzz_corpus_document_are_places_in_its_text() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/policy_compile");
    let mut read = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        read += 1;
        match Policy::from_json(text) {
            Err(e) => {
                assert!(e.errors.iter().all(|i| i.line.is_some()), "every error of a text is placed: {:?}", e.errors);
                assert_in_text(text, &e.errors);
            }
            Ok(p) => {
                let mut warnings = p.warnings();
                rolegate::json::place(text, &mut warnings);
                assert_in_text(text, &warnings);
            }
        }
    }
    assert!(read > 100, "the corpus is there ({read} documents)");
    for text in ["", " ", "\n\n", "{", "[", "\"", "{\"a\":", "\u{feff}{}"] {
        let e = Policy::from_json(text).unwrap_err();
        assert_in_text(text, &e.errors);
    }
}

// ---- Rough edges found against the contract (issue 16) --------------------------------------

#[test]
fn a_whole_number_is_a_whole_number_however_it_is_written() {
    let text = base().to_string().replace(r#""version":1"#, r#""version":1.0"#).replace(r#""rank":3"#, r#""rank":3e0"#);
    assert!(text.contains("1.0") && text.contains("3e0"), "{text}");
    let p = Policy::from_json(&text).expect("1.0 and 3e0 are whole numbers, as the same document as an object says");
    assert_eq!(p.roles()[3].rank, Some(3));
    let mut doc = base();
    doc["version"] = json!(1.0);
    doc["roles"]["CustomerAdmin"]["rank"] = json!(30e-1 * 1.0 + 0.0);
    assert_eq!(Policy::from_value(&doc).unwrap().roles()[3].rank, Some(3));
    // A fraction is still not one.
    assert_eq!(errors_of(&base().to_string().replace(r#""rank":3"#, r#""rank":2.5"#)), [("roles.CustomerAdmin.rank".to_string(), "invalid_type")]);
    assert_eq!(errors_of(&base().to_string().replace(r#""version":1"#, r#""version":-0"#)), [("version".to_string(), "unsupported_version")]);
}

#[test]
fn an_unknown_included_role_is_placed_at_its_own_item_whatever_comes_before_it() {
    let mut doc = base();
    doc["roles"]["UserManager"]["includes"] = json!([3, "Ghost", "User", "Nope"]);
    assert_eq!(errors(doc.clone()), [
        ("roles.UserManager.includes[0]".to_string(), "invalid_type"),
        ("roles.UserManager.includes[1]".to_string(), "unknown_role"),
        ("roles.UserManager.includes[3]".to_string(), "unknown_role"),
    ]);
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let (line, column) = find(&text, r#""Ghost""#);
    assert_eq!(placed(&text)[1], ("roles.UserManager.includes[1]".to_string(), "unknown_role", line, column));
}

#[test]
fn rank_grants_unheld_is_not_raised_where_no_actor_below_the_level_administers_users() {
    // Only Admin administers users, with reports at its top: nobody holding less than Analyst's reports can grant.
    let doc = json!({
        "version": 1,
        "features": { "reports": { "levels": ["none", "own", "all"] }, "users": { "levels": ["none", "manage"] } },
        "roles": {
            "Viewer": { "rank": 5, "grants": { "reports": "own" } },
            "Analyst": { "rank": 3, "grants": { "reports": "all" } },
            "Admin": { "rank": 9, "grants": { "*": "max" } }
        },
        "grantRule": "rank", "userAdmin": { "feature": "users", "level": "manage" }
    });
    assert!(Policy::from_value(&doc).unwrap().warnings().is_empty());
    // A Lead administering users with reports 'own' makes Viewer + Lead an actor who may grant Analyst: warned.
    let mut doc = doc;
    doc["roles"]["Lead"] = json!({ "rank": 1, "grants": { "reports": "own", "users": "manage" } });
    let warnings = Policy::from_value(&doc).unwrap().warnings();
    let w: Vec<_> = warnings.iter().map(|i| (i.path.as_str(), i.code())).collect();
    assert_eq!(w, [("roles.Analyst.grants.reports", "rank_grants_unheld")]);
}

/// A rank-mode policy of `roles` roles and `features` features, as text, with many warnings.
fn large(roles: usize, features: usize) -> String {
    let fs: serde_json::Map<String, serde_json::Value> =
        (0..features).map(|f| (format!("f{f}"), json!({ "levels": ["none", "view", "edit", "all"] }))).collect();
    let rs: serde_json::Map<String, serde_json::Value> = (0..roles)
        .map(|r| {
            let grants: serde_json::Map<String, serde_json::Value> =
                (0..features).map(|f| (format!("f{f}"), json!(["none", "view", "edit", "all"][(r * 7 + f * 3) % 4]))).collect();
            (format!("R{r}"), json!({ "rank": r % 50, "grants": grants }))
        })
        .collect();
    let doc = json!({ "version": 1, "features": fs, "roles": rs, "grantRule": "rank", "userAdmin": { "feature": "f0", "level": "view" } });
    serde_json::to_string_pretty(&doc).unwrap()
}

#[test]
fn warnings_of_a_large_policy_are_placed_by_their_paths() {
    // Placing reads an index once, whatever the number of warnings: each is where a scan of the text says.
    let text = large(60, 12);
    let mut warnings = Policy::from_json(&text).unwrap().warnings();
    assert!(warnings.len() > 100, "{} warnings", warnings.len());
    rolegate::json::place(&text, &mut warnings);
    for w in warnings.iter().step_by(17) {
        let (role, feature) = w.path.strip_prefix("roles.").unwrap().split_once(".grants.").unwrap();
        let at = text.find(&format!("\"{role}\": {{")).unwrap();
        let within = at + text[at..].find(&format!("\"{feature}\"")).unwrap();
        let line = text[..within].matches('\n').count() + 1;
        let column = text[..within].rsplit('\n').next().unwrap().chars().count() + 1;
        assert_eq!((w.line, w.column), (Some(line as u32), Some(column as u32)), "{}", w.path);
    }
}

#[test]
fn a_name_that_would_not_read_back_as_one_path_segment_is_quoted_as_json_writes_it() {
    for key in ["say \"hi\"\n", "a.b", "\u{1}x\u{1f}", "tab\t", "back\\slash", "", "\u{8}\u{c}\r", "é.b", "[0]"] {
        assert_eq!(rolegate::json::child("p", key), format!("p[{}]", serde_json::to_string(key).unwrap()), "{key:?}");
    }
    assert_eq!(rolegate::json::child("p", "é"), "p.é");
    assert_eq!(rolegate::json::index("p", 12), "p[12]");
}
