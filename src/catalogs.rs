//! The message catalogs the package ships (`src/npm/messages.*.js`) against the core: every message key the
//! core gives (why allowed, why refused, each policy issue, each change of a diff; and a policy save's refusals,
//! which the editing rules give from the core's answers) has a message in every
//! catalog, and each message uses exactly the parameters the core gives that key, no more, no fewer. In the
//! crate, so the lists below are checked against every variant by `match`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // a test may panic

use std::collections::{BTreeMap, BTreeSet};

use crate::grant::{Allowed, KEYS, NONE, Reason};
use crate::input::{Expected, InputKind};
use crate::policy::IssueKind;

/// A catalog's key -> message, read from its JS module (one `key: "message",` per line, JSON string literals).
fn catalog(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let (key, literal) = line.trim().split_once(": ")?;
            let literal = literal.strip_suffix(',').unwrap_or(literal);
            let message: String = serde_json::from_str(literal).ok()?;
            Some((key.trim_matches('"').to_string(), message))
        })
        .collect()
}

/// The `{parameters}` a message names (a word in braces, as the JS layer fills them in; `{ id, roles }` is text).
fn placeholders(message: &str) -> BTreeSet<String> {
    let word = |name: &&str| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    message.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(name, _)| name).filter(word).map(str::to_string).collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// One reason of each kind; `kind_of` numbers them so a new variant fails to compile until it is listed here.
fn reasons() -> Vec<Reason> {
    let all = vec![
        Reason::NotUserAdmin { feature: 0, needed: 1, held: 0 },
        Reason::SelfRoleChange,
        Reason::SelfRemove,
        Reason::UnknownRole { name: 0 },
        Reason::TargetAbove { feature: 0, needed: 1, held: 0 },
        Reason::TargetOutranks { needed: 3, held: None },
        Reason::RoleNotHeld { role: 0 },
        Reason::RankTooHigh { role: 0, needed: 3, held: Some(2) },
        Reason::PermissionNotHeld { role: 0, feature: 0, needed: 1, held: 0 },
        Reason::LastAdmin { feature: 0, needed: 1 },
        Reason::UnknownTargetRole { name: 0 },
    ];
    for r in &all {
        match r {
            Reason::NotUserAdmin { .. }
            | Reason::SelfRoleChange
            | Reason::SelfRemove
            | Reason::UnknownRole { .. }
            | Reason::TargetAbove { .. }
            | Reason::TargetOutranks { .. }
            | Reason::RoleNotHeld { .. }
            | Reason::RankTooHigh { .. }
            | Reason::PermissionNotHeld { .. }
            | Reason::LastAdmin { .. }
            | Reason::UnknownTargetRole { .. } => {}
        }
    }
    all
}

/// The parameters the JS layer gives a reason's message: those its words carry.
fn reason_params(r: &Reason) -> BTreeSet<String> {
    let [_, role, feature, needed, held] = r.words();
    let mut names = Vec::new();
    if role != NONE {
        names.push("role");
    }
    if feature != NONE {
        names.push("feature");
    }
    if needed != NONE {
        names.extend(["needed", "held"].into_iter().filter(|&n| n == "needed" || held != NONE));
    }
    set(&names)
}

/// One issue of each kind, every input fault included.
fn issues() -> Vec<IssueKind> {
    let text = || "x".to_string();
    let mut all = vec![
        IssueKind::InvalidJson { detail: text() },
        IssueKind::DuplicateMember,
        IssueKind::NotADocument,
        IssueKind::UnsupportedVersion,
        IssueKind::Empty,
        IssueKind::InvalidName { max: 128 },
        IssueKind::InvalidLevels { max: 64 },
        IssueKind::DuplicateLevel { level: text() },
        IssueKind::InvalidValue { expected: &["held"] },
        IssueKind::UnknownRole { role: text() },
        IssueKind::StarTakesMax,
        IssueKind::AdminNeedsAccess,
        IssueKind::EditorNeedsAccess,
        IssueKind::UnknownFeature { feature: text() },
        IssueKind::UnknownLevel { feature: text(), level: text(), levels: vec![text()] },
        IssueKind::IncludeCycle { cycle: vec![text()] },
        IssueKind::InvalidRank { max: 1 },
        IssueKind::MissingRank,
        IssueKind::InvalidDuration,
        IssueKind::EmptyRole { role: text() },
        IssueKind::RankGrantsUnheld { role: text(), rank: 1, feature: text(), level: text(), granter: text(), granter_rank: 2, granter_level: text() },
    ];
    let expected = [Expected::Object, Expected::String, Expected::Boolean, Expected::WholeNumber, Expected::Strings, Expected::Function, Expected::Json, Expected::Members];
    all.extend(expected.into_iter().map(|e| IssueKind::Input(InputKind::Expected(e))));
    let faults = [InputKind::Empty, InputKind::TooMany(1), InputKind::MissingField("x"), InputKind::UnknownField(&["x"]), InputKind::AtMostSeconds(1), InputKind::NotFeatureId, InputKind::NotLevelId];
    all.extend(faults.into_iter().map(IssueKind::Input));
    for kind in &all {
        match kind {
            IssueKind::Input(InputKind::Expected(
                Expected::Object | Expected::String | Expected::Boolean | Expected::WholeNumber | Expected::Strings | Expected::Function | Expected::Json | Expected::Members,
            ))
            | IssueKind::Input(
                InputKind::Empty | InputKind::TooMany(_) | InputKind::MissingField(_) | InputKind::UnknownField(_) | InputKind::AtMostSeconds(_) | InputKind::NotFeatureId | InputKind::NotLevelId,
            )
            | IssueKind::InvalidJson { .. }
            | IssueKind::DuplicateMember
            | IssueKind::NotADocument
            | IssueKind::UnsupportedVersion
            | IssueKind::Empty
            | IssueKind::InvalidName { .. }
            | IssueKind::InvalidLevels { .. }
            | IssueKind::DuplicateLevel { .. }
            | IssueKind::InvalidValue { .. }
            | IssueKind::UnknownRole { .. }
            | IssueKind::StarTakesMax
            | IssueKind::AdminNeedsAccess
            | IssueKind::EditorNeedsAccess
            | IssueKind::UnknownFeature { .. }
            | IssueKind::UnknownLevel { .. }
            | IssueKind::IncludeCycle { .. }
            | IssueKind::InvalidRank { .. }
            | IssueKind::MissingRank
            | IssueKind::InvalidDuration
            | IssueKind::EmptyRole { .. }
            | IssueKind::RankGrantsUnheld { .. } => {}
        }
    }
    all
}

/// Every key the core gives, with the parameters its message must use.
fn expected() -> BTreeMap<String, BTreeSet<String>> {
    let mut keys = BTreeMap::new();
    for a in Allowed::ALL {
        keys.insert(a.key().to_string(), BTreeSet::new());
    }
    for r in reasons() {
        keys.insert(r.key().to_string(), reason_params(&r));
    }
    for kind in issues() {
        let params: Vec<&str> = kind.params().iter().map(|(name, _)| *name).collect();
        if let Some(before) = keys.insert(kind.key().to_string(), set(&params)) {
            assert_eq!(before, set(&params), "{}: one key, one set of parameters", kind.key());
        }
    }
    // Why a policy save is refused: the editing rules (worker/src/policy-edit.js), worded by `policy.describe`.
    keys.insert("not_policy_admin".into(), BTreeSet::new());
    keys.insert("editor_gains".into(), set(&["feature", "from", "to"]));
    keys.insert("no_user_admin".into(), set(&["feature", "needed"]));
    keys.insert("invalid_policy".into(), set(&["issue"]));
    keys.insert("invalid_policy.many".into(), set(&["issue", "count"]));
    #[cfg(feature = "analysis")]
    for &code in crate::analysis::CHANGE_ORDER {
        let members: &[&str] = match code {
            "escalation_added" | "escalation_removed" => &["granter", "role", "feature", "needed", "held"],
            "delegation_added" | "delegation_removed" => &["granter", "role"],
            "access_raised" | "access_lowered" => &["role", "feature", "from", "to"],
            "role_added" | "role_removed" => &["role"],
            "feature_added" | "feature_removed" => &["feature"],
            "setting_changed" => &["setting", "from", "to"],
            "rank_changed" => &["role", "from", "to"],
            _ => &["feature", "from", "to"],
        };
        keys.insert(code.to_string(), set(members));
    }
    #[cfg(feature = "analysis")]
    for code in ["user_gains", "user_loses"] {
        keys.insert(code.to_string(), set(&["feature", "from", "to"]));
    }
    keys
}

#[test]
fn every_key_of_the_core_has_a_message_in_every_shipped_catalog_with_every_parameter_used() {
    let keys = expected();
    assert_eq!(keys.keys().filter(|k| k.starts_with("allowed.") || KEYS.contains(&k.as_str())).count(), KEYS.len() - 1, "every wire key listed");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/npm");
    let mut shipped = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !(name.starts_with("messages.") && name.ends_with(".js")) {
            continue;
        }
        shipped += 1;
        let messages = catalog(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        for (key, params) in &keys {
            let message = messages.get(key).unwrap_or_else(|| panic!("{name} has no message for {key}"));
            assert_eq!(&placeholders(message), params, "{name}: {key}: {message:?} uses exactly its parameters");
        }
        #[cfg(feature = "analysis")]
        for key in messages.keys() {
            assert!(keys.contains_key(key), "{name}: {key} is no key of the core");
        }
    }
    assert!(shipped >= 2, "English and at least one other catalog ({shipped} found)");
}
