//! Policy analysis for administrators: which roles reach a level (and through which `includes`), the
//! delegation graph (who may grant what, and where a grant hands out more than the granter holds), and the
//! impact of a policy change on roles, delegation and users. Plain data with stable codes; every answer
//! comes from the compiled policy and the grant decision itself (`allows_grant`), never a copy of the rules.

use serde::Serialize;

use crate::grant::Member;
use crate::input::decimal;
use crate::json::{child, index};
use crate::permissions::RoleSet;
use crate::policy::{Feature, FeatureId, GrantRule, Level, LookupError, Policy, RoleId};

/// A role whose effective access reaches a level: the level it has and the chain through `includes` that gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reach {
    pub role: String,
    /// The role's effective level of the feature (at or above the level asked for).
    pub level: String,
    /// From the role through `includes` to the role whose own grants give the level (`[role]` when its own do).
    pub via: Vec<String>,
}

/// The roles an actor holding only `granter` may grant to a new user, policy order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grants {
    pub granter: String,
    pub roles: Vec<String>,
}

/// An escalation path: an actor holding only `granter` may grant `role`, which gives `feature` at `needed`,
/// above the `held` level the granter has (the first such feature, policy order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    pub granter: String,
    pub role: String,
    pub feature: String,
    pub needed: String,
    pub held: String,
}

/// The delegation graph under the policy's grant rule: every role's grantable roles, and the escalation paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegation {
    /// One entry per role, policy order.
    pub grants: Vec<Grants>,
    /// Granter order, then role order. None in `held` and `covered` mode: both only hand out what is held.
    pub escalations: Vec<Escalation>,
}

/// One change between two policies: plain data, `code` stable (each listed in `docs/js-api.md` with the members
/// it sets); no message text, so the wasm stays small and every caller words it its own way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// A top-level member of the document: `grantRule`, `userAdmin`, `policyAdmin`, `protectHigherUsers`, `invitationTtl`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setting: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Escalations: the level the granted role gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needed: Option<String>,
    /// Escalations: the level the granter holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<String>,
}

impl Change {
    fn new(code: &'static str) -> Self {
        Change { code, granter: None, role: None, feature: None, setting: None, from: None, to: None, needed: None, held: None }
    }
}

/// A user's access to one feature, before and after: `user_gains` or `user_loses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserChange {
    pub id: String,
    pub code: &'static str,
    pub feature: String,
    pub from: String,
    pub to: String,
}

/// The impact of replacing one policy with another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Ordered by [`CHANGE_ORDER`] (new escalation paths first), then policy order.
    pub changes: Vec<Change>,
    /// Users in the order given, then features in the new policy's order.
    pub users: Vec<UserChange>,
}

/// Every change code, in the order a diff lists them: what widens who may grant what comes first.
pub const CHANGE_ORDER: &[&str] = &[
    "escalation_added",
    "delegation_added",
    "access_raised",
    "role_added",
    "feature_added",
    "setting_changed",
    "rank_changed",
    "levels_changed",
    "escalation_removed",
    "delegation_removed",
    "access_lowered",
    "role_removed",
    "feature_removed",
];

/// A `policyAdmin` setting's value when the policy names none: only a full administrator edits the policy.
pub const FULL_ADMINISTRATOR: &str = "full administrator";

/// Most roles a delegation graph (and so a diff) is computed for: the graph has a pair per two roles, and beyond
/// this its answer would be too large to read (and to hold in a wasm heap) anyway.
pub const MAX_ANALYSIS_ROLES: usize = 512;

/// An analysis the policy is too large for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnalysisError {
    /// `too_large`: more than [`MAX_ANALYSIS_ROLES`] roles; how many the policy has.
    TooLarge { roles: usize },
    /// `unknown_role`: a user of a diff holds a role name neither policy knows, at `path` (`users[0].roles[1]`).
    UnknownRole { path: String, role: String },
}

impl AnalysisError {
    pub fn code(&self) -> &'static str {
        match self {
            AnalysisError::TooLarge { .. } => "too_large",
            AnalysisError::UnknownRole { .. } => "unknown_role",
        }
    }

    /// For `unknown_role`: where.
    pub fn path(&self) -> Option<&str> {
        match self {
            AnalysisError::UnknownRole { path, .. } => Some(path),
            AnalysisError::TooLarge { .. } => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            AnalysisError::UnknownRole { path, role } => [path.as_str(), ": '", role, "' is a role of neither policy"].concat(),
            AnalysisError::TooLarge { roles } => {
                let (max, roles) = (decimal(MAX_ANALYSIS_ROLES as u64), decimal(*roles as u64));
                ["the delegation graph is computed for at most ", &max, " roles; this policy has ", &roles].concat()
            }
        }
    }
}

/// One pair of the delegation graph: `None` when the granter may not grant the role; otherwise the first
/// feature where the role exceeds the granter, `(feature, needed, held)`, if any.
type Pair = Option<Option<(FeatureId, Level, Level)>>;

impl Policy {
    /// The roles whose effective access (with `includes`) reaches `level` of `feature`, policy order.
    pub fn who_can(&self, feature: &str, level: &str) -> Result<Vec<Reach>, LookupError> {
        let (f, wanted) = self.level(feature, level)?;
        Ok((0..self.roles.len())
            .filter_map(|r| {
                let held = self.roles.get(r)?.levels.get(f).copied().filter(|&l| l >= wanted)?;
                let via = self.via(r, f, wanted).into_iter().map(|v| self.role_name(v).to_string()).collect();
                Some(Reach { role: self.role_name(r).to_string(), level: self.level_name(f, held).to_string(), via })
            })
            .collect())
    }

    /// The shortest chain through `includes` from `role` to a role whose own grants reach `wanted`.
    fn via(&self, role: RoleId, f: FeatureId, wanted: Level) -> Vec<RoleId> {
        let own = |r: RoleId| self.roles.get(r).is_some_and(|d| d.own.iter().any(|&(g, l)| g == f && l >= wanted));
        // Breadth first over dense ids; `from[r]` is the role that reached `r` first.
        let mut from: Vec<Option<RoleId>> = vec![None; self.roles.len()];
        let mut queue = vec![role];
        let mut next = 0;
        while let Some(&r) = queue.get(next) {
            next += 1;
            if own(r) {
                let mut chain = vec![r];
                while let Some(&Some(prev)) = chain.last().and_then(|&c| from.get(c)) {
                    chain.push(prev);
                }
                chain.reverse();
                return chain;
            }
            for &inc in self.roles.get(r).map(|d| d.includes.as_slice()).unwrap_or_default() {
                if let Some(slot @ None) = from.get_mut(inc).filter(|_| inc != role) {
                    *slot = Some(r);
                    queue.push(inc);
                }
            }
        }
        vec![role]
    }

    /// The delegation graph: what an actor holding only one role may grant a new user, decided by the grant
    /// rules themselves, and which of those grants give more than the granter holds. A policy of more than
    /// [`MAX_ANALYSIS_ROLES`] roles is `too_large`.
    pub fn delegation(&self) -> Result<Delegation, AnalysisError> {
        let pairs = self.pairs()?;
        let mut escalations = Vec::new();
        let grants = pairs
            .iter()
            .enumerate()
            .map(|(g, row)| {
                let roles = row.iter().enumerate().filter(|(_, p)| p.is_some()).map(|(r, _)| self.role_name(r).to_string()).collect();
                for (r, &(f, needed, held)) in row.iter().enumerate().filter_map(|(r, p)| Some((r, p.as_ref()?.as_ref()?))) {
                    escalations.push(self.escalation(g, r, f, needed, held));
                }
                Grants { granter: self.role_name(g).to_string(), roles }
            })
            .collect();
        Ok(Delegation { grants, escalations })
    }

    /// Every (granter, role) pair, dense: one set per role, then the grant decision's fast path.
    fn pairs(&self) -> Result<Vec<Vec<Pair>>, AnalysisError> {
        if self.roles.len() > MAX_ANALYSIS_ROLES {
            return Err(AnalysisError::TooLarge { roles: self.roles.len() });
        }
        let sets: Vec<RoleSet> = (0..self.roles.len()).map(|r| self.role_set([r])).collect();
        Ok(sets
            .iter()
            .map(|g| sets.iter().map(|r| self.allows_grant(g, None, r, false).then(|| g.first_uncovered(r.levels()))).collect())
            .collect())
    }

    fn escalation(&self, g: RoleId, r: RoleId, f: FeatureId, needed: Level, held: Level) -> Escalation {
        Escalation {
            granter: self.role_name(g).to_string(),
            role: self.role_name(r).to_string(),
            feature: self.feature_name(f).to_string(),
            needed: self.level_name(f, needed).to_string(),
            held: self.level_name(f, held).to_string(),
        }
    }

    /// The grant rule as a document spells it (`rank` with its order).
    fn grant_rule_text(&self) -> String {
        match self.grant_rule {
            GrantRule::Rank(order) => ["rank (", order.name(), ")"].concat(),
            rule => rule.name().to_string(),
        }
    }
}

/// The impact of replacing `before` with `after`: roles, features and levels compared by name; the delegation
/// graphs compared pair by pair; and, for each of `users`, every feature whose access goes up or down (a role
/// one policy does not know grants nothing in it, as its decisions do; one that neither knows is
/// `unknown_role`). `too_large` as [`Policy::delegation`].
pub fn diff(before: &Policy, after: &Policy, users: &[Member]) -> Result<Diff, AnalysisError> {
    let mut changes = Changes(vec![Vec::new(); CHANGE_ORDER.len()]);
    let features: Vec<(FeatureId, FeatureId)> =
        (0..after.features.len()).filter_map(|fa| Some((before.feature_id(after.feature_name(fa))?, fa))).collect();
    delegation_changes(before, after, &mut changes)?;
    roles_and_features(before, after, &features, &mut changes);
    settings(before, after, &mut changes);
    let mut out = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let (was, gone) = before.resolve(&user.roles);
        let (now, new) = after.resolve(&user.roles);
        // A name neither policy knows is a typo, not a role: saying nothing would hide the user's real change.
        if let Some(j) = user.roles.iter().position(|r| gone.contains(&r.as_str()) && new.contains(&r.as_str())) {
            let role = user.roles.get(j).cloned().unwrap_or_default();
            return Err(AnalysisError::UnknownRole { path: index(&child(&index("users", i), "roles"), j), role });
        }
        for (up, feature, from, to) in moves(before, after, &features, was.levels(), now.levels()) {
            let code = if up { "user_gains" } else { "user_loses" };
            out.push(UserChange { id: user.id.clone(), code, feature, from, to });
        }
    }
    Ok(Diff { changes: changes.0.into_iter().flatten().collect(), users: out })
}

/// Each common feature whose access moved from `was` (levels of `before`) to `now` (of `after`): up or not, the
/// feature's name and the two level names.
fn moves(before: &Policy, after: &Policy, features: &[(FeatureId, FeatureId)], was: &[Level], now: &[Level]) -> Vec<(bool, String, String, String)> {
    features
        .iter()
        .filter_map(|&(fb, fa)| {
            let (old, new) = (before.features.get(fb)?, after.features.get(fa)?);
            let (from, to) = (was.get(fb).copied().unwrap_or(0), now.get(fa).copied().unwrap_or(0));
            let up = match direction(old, new, from, to) {
                std::cmp::Ordering::Equal => return None,
                moved => moved == std::cmp::Ordering::Greater,
            };
            Some((up, new.name.clone(), old.level_name(from).to_string(), new.level_name(to).to_string()))
        })
        .collect()
}

/// Whether access moved up (`Greater`) or down from `from` (a level of `before`) to `to` (of `after`): the same
/// name is no change; otherwise the old level's place in the new order, or its index when it is gone.
fn direction(before: &Feature, after: &Feature, from: Level, to: Level) -> std::cmp::Ordering {
    let old = before.level_name(from);
    if old == after.level_name(to) {
        return std::cmp::Ordering::Equal;
    }
    let old_place = after.levels.iter().position(|l| l == old).unwrap_or(usize::from(from));
    usize::from(to).cmp(&old_place)
}

/// Delegation edges and escalation paths added or removed, by role names.
fn delegation_changes(before: &Policy, after: &Policy, changes: &mut Changes) -> Result<(), AnalysisError> {
    let (old, new) = (before.pairs()?, after.pairs()?);
    for (policy, pairs, other, other_pairs, added) in [(after, &new, before, &old, true), (before, &old, after, &new, false)] {
        for (gid, row) in pairs.iter().enumerate() {
            for (rid, pair) in row.iter().enumerate() {
                let Some(esc) = pair else { continue };
                let (g, r) = (policy.role_name(gid), policy.role_name(rid));
                // The same pair in the other policy, by names.
                let there = other.role_id(g).zip(other.role_id(r)).and_then(|(og, or)| other_pairs.get(og)?.get(or)?.as_ref());
                if there.is_none() {
                    let code = if added { "delegation_added" } else { "delegation_removed" };
                    changes.push(Change { granter: Some(g.to_string()), role: Some(r.to_string()), ..Change::new(code) });
                }
                let Some((f, needed, held)) = *esc else { continue };
                if there.is_some_and(Option::is_some) {
                    continue;
                }
                let e = policy.escalation(gid, rid, f, needed, held);
                let code = if added { "escalation_added" } else { "escalation_removed" };
                changes.push(Change {
                    granter: Some(e.granter),
                    role: Some(e.role),
                    feature: Some(e.feature),
                    needed: Some(e.needed),
                    held: Some(e.held),
                    ..Change::new(code)
                });
            }
        }
    }
    Ok(())
}

/// Changes bucketed by [`CHANGE_ORDER`], so the diff lists them in that order without a sort.
struct Changes(Vec<Vec<Change>>);

impl Changes {
    fn push(&mut self, change: Change) {
        let bucket = CHANGE_ORDER.iter().position(|&k| k == change.code).and_then(|i| self.0.get_mut(i));
        if let Some(bucket) = bucket {
            bucket.push(change);
        }
    }
}

/// Roles and features added or removed, level lists changed, ranks changed, and each common role's access
/// raised or lowered on each common feature.
fn roles_and_features(before: &Policy, after: &Policy, features: &[(FeatureId, FeatureId)], changes: &mut Changes) {
    for (from, to, code) in [(before, after, "feature_removed"), (after, before, "feature_added")] {
        for f in from.features.iter().filter(|f| to.feature_id(&f.name).is_none()) {
            changes.push(Change { feature: Some(f.name.clone()), ..Change::new(code) });
        }
    }
    for (from, to, code) in [(before, after, "role_removed"), (after, before, "role_added")] {
        for r in from.roles.iter().filter(|r| to.role_id(&r.name).is_none()) {
            changes.push(Change { role: Some(r.name.clone()), ..Change::new(code) });
        }
    }
    for &(fb, fa) in features {
        let (Some(old), Some(new)) = (before.features.get(fb), after.features.get(fa)) else { continue };
        if old.levels != new.levels {
            let (from, to) = (old.levels.join(", "), new.levels.join(", "));
            changes.push(Change { feature: Some(new.name.clone()), ..Change::new("levels_changed").with_values(from, to) });
        }
    }
    for new in &after.roles {
        let Some(old) = before.role_id(&new.name).and_then(|r| before.roles.get(r)) else { continue };
        if old.rank != new.rank {
            let show = |r: Option<u32>| r.map_or_else(|| "none".to_string(), |r| decimal(u64::from(r)));
            let (from, to) = (show(old.rank), show(new.rank));
            changes.push(Change { role: Some(new.name.clone()), ..Change::new("rank_changed").with_values(from, to) });
        }
        for (up, feature, from, to) in moves(before, after, features, &old.levels, &new.levels) {
            let code = if up { "access_raised" } else { "access_lowered" };
            changes.push(Change { role: Some(new.name.clone()), feature: Some(feature), ..Change::new(code).with_values(from, to) });
        }
    }
}

/// Top-level settings that changed, each as text: grant rule (`rank (strictly-lower)` with its order), user
/// administration (`feature:level`), policy administration (`feature:level`, or [`FULL_ADMINISTRATOR`] when the
/// policy names none), protection of higher users, invitation window (milliseconds).
fn settings(before: &Policy, after: &Policy, changes: &mut Changes) {
    let permission = |p: &Policy, (f, l): (FeatureId, Level)| [p.feature_name(f), ":", p.level_name(f, l)].concat();
    let editor = |p: &Policy| p.policy_admin.map_or_else(|| FULL_ADMINISTRATOR.to_string(), |admin| permission(p, admin));
    let flag = |b: bool| if b { "true" } else { "false" }.to_string();
    let pairs: [(&'static str, String, String); 5] = [
        ("grantRule", before.grant_rule_text(), after.grant_rule_text()),
        ("userAdmin", permission(before, before.user_admin), permission(after, after.user_admin)),
        ("policyAdmin", editor(before), editor(after)),
        ("protectHigherUsers", flag(before.protect_higher_users), flag(after.protect_higher_users)),
        ("invitationTtl", decimal(before.invitation_ttl_ms), decimal(after.invitation_ttl_ms)),
    ];
    for (setting, from, to) in pairs {
        if from != to {
            changes.push(Change { setting: Some(setting), ..Change::new("setting_changed").with_values(from, to) });
        }
    }
}

impl Change {
    fn with_values(self, from: String, to: String) -> Self {
        Change { from: Some(from), to: Some(to), ..self }
    }
}
