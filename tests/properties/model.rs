//! Reference model, shared by the property tests and the fuzz targets (`fuzz/src/lib.rs` includes this file):
//! a policy as plain data rendered to a JSON document, and naive, obviously-correct versions of the decisions
//! (role union, grant rule, account status) to compare the core against.

use rolegate::{AccountRecord, Status};
use serde_json::{Map, Value, json};

/// Which roles an actor may hand out, as the document spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSpec {
    Held,
    Covered,
    Rank { strictly_lower: bool },
}

/// One role: direct grants `(feature, level)`, `"*": "max"`, includes (always roles with a lower index, so
/// never a cycle) and a rank.
#[derive(Debug, Clone, Default)]
pub struct RoleSpec {
    pub grants: Vec<(usize, usize)>,
    pub max_all: bool,
    pub includes: Vec<usize>,
    pub rank: Option<u32>,
}

/// A valid policy as plain data. Feature `i` is named `f{i}` with levels `none, l1, l2, ...`; role `i` is
/// named `R{i}` and appears in the document at the position given by `order`.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Number of levels of each feature (2 or more).
    pub features: Vec<usize>,
    pub roles: Vec<RoleSpec>,
    /// Document order of the roles: a permutation of the role indices (so includes point both ways).
    pub order: Vec<usize>,
    pub rule: RuleSpec,
    /// `(feature, level)` needed to administer users; level 1 or more.
    pub user_admin: (usize, usize),
    pub protect: bool,
    pub ttl_ms: u64,
}

/// Raw picks for one role, reduced to real features, levels and roles by [`Spec::place`].
#[derive(Debug, Clone, Default)]
pub struct RawRole {
    pub grants: Vec<(usize, usize)>,
    pub max_all: bool,
    pub includes: Vec<usize>,
    pub rank: Option<u32>,
    /// Sort key of the role's place in the document.
    pub position: u64,
}

/// Raw picks for a whole policy (from proptest or from fuzz input).
#[derive(Debug, Clone)]
pub struct Raw {
    pub features: Vec<usize>,
    pub roles: Vec<RawRole>,
    pub rule: RuleSpec,
    /// Which role administers users (it grants the `userAdmin` permission).
    pub admin: usize,
    pub protect: bool,
    pub ttl_ms: u64,
}

pub const MAX_SPEC_FEATURES: usize = 6;
pub const MAX_SPEC_ROLES: usize = 8;
const MAX_TTL_MS: u64 = 365 * 86_400_000;

impl Spec {
    /// Places raw picks: 1 to 6 features of 2 to 6 levels, 1 to 8 roles, one grant per feature, includes only
    /// to lower indices (so never a cycle), a rank on every role in rank mode, and a `userAdmin` permission
    /// that role `admin` grants.
    pub fn place(raw: Raw) -> Spec {
        let mut features: Vec<usize> = raw.features.iter().take(MAX_SPEC_FEATURES).map(|n| 2 + n % 5).collect();
        if features.is_empty() {
            features.push(2);
        }
        let mut raw_roles = raw.roles;
        raw_roles.truncate(MAX_SPEC_ROLES);
        if raw_roles.is_empty() {
            raw_roles.push(RawRole::default());
        }
        let rank_mode = matches!(raw.rule, RuleSpec::Rank { .. });
        let mut roles: Vec<RoleSpec> = raw_roles
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut grants: Vec<(usize, usize)> = r
                    .grants
                    .iter()
                    .map(|&(f, l)| {
                        let f = f % features.len();
                        (f, l % features.get(f).copied().unwrap_or(2))
                    })
                    .collect();
                grants.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                grants.dedup_by_key(|g| g.0);
                let mut includes: Vec<usize> = if i == 0 { Vec::new() } else { r.includes.iter().map(|j| j % i).collect() };
                includes.sort_unstable();
                includes.dedup();
                let rank = if rank_mode { Some(r.rank.unwrap_or(0)) } else { r.rank };
                RoleSpec { grants, max_all: r.max_all, includes, rank }
            })
            .collect();
        let admin = raw.admin % roles.len();
        let user_admin = match roles.get_mut(admin) {
            Some(role) if role.max_all => (0, 1),
            Some(role) => match role.grants.iter().find(|g| g.1 > 0) {
                Some(&g) => g,
                None => {
                    role.grants.retain(|g| g.0 != 0);
                    role.grants.push((0, 1));
                    (0, 1)
                }
            },
            None => (0, 1),
        };
        let mut order: Vec<usize> = (0..roles.len()).collect();
        order.sort_by_key(|&i| raw_roles.get(i).map_or(0, |r| r.position));
        Spec { features, roles, order, rule: raw.rule, user_admin, protect: raw.protect, ttl_ms: 1 + raw.ttl_ms % MAX_TTL_MS }
    }
}

pub fn role_name(i: usize) -> String {
    format!("R{i}")
}

fn level_name(l: usize) -> String {
    if l == 0 { "none".to_string() } else { format!("l{l}") }
}

impl Spec {
    /// The policy document (version 1).
    pub fn to_json(&self) -> Value {
        let features: Map<String, Value> = self
            .features
            .iter()
            .enumerate()
            .map(|(i, &n)| (format!("f{i}"), json!({ "levels": (0..n).map(level_name).collect::<Vec<_>>() })))
            .collect();
        let roles: Map<String, Value> = self
            .order
            .iter()
            .filter_map(|&i| self.roles.get(i).map(|r| (i, r)))
            .map(|(i, r)| {
                let mut grants: Map<String, Value> =
                    r.grants.iter().map(|&(f, l)| (format!("f{f}"), Value::from(level_name(l)))).collect();
                if r.max_all {
                    grants.insert("*".into(), "max".into());
                }
                let mut def = json!({ "grants": grants, "includes": r.includes.iter().map(|&j| role_name(j)).collect::<Vec<_>>() });
                if let Some(rank) = r.rank {
                    def["rank"] = rank.into();
                }
                (role_name(i), def)
            })
            .collect();
        let (rule, order) = match self.rule {
            RuleSpec::Held => ("held", "same-or-lower"),
            RuleSpec::Covered => ("covered", "same-or-lower"),
            RuleSpec::Rank { strictly_lower: false } => ("rank", "same-or-lower"),
            RuleSpec::Rank { strictly_lower: true } => ("rank", "strictly-lower"),
        };
        let (uf, ul) = self.user_admin;
        json!({
            "version": 1,
            "features": features,
            "roles": roles,
            "grantRule": rule,
            "rankOrder": order,
            "userAdmin": { "feature": format!("f{uf}"), "level": level_name(ul) },
            "protectHigherUsers": self.protect,
            "invitationTtl": format!("{}ms", self.ttl_ms),
        })
    }

    /// Role names of a set of role indices, in the given order (duplicates kept).
    pub fn names(&self, roles: &[usize]) -> Vec<String> {
        roles.iter().map(|&r| role_name(r)).collect()
    }

    /// The role and every role it includes, transitively (naive depth-first walk).
    pub fn closure(&self, role: usize) -> Vec<usize> {
        let mut seen = vec![role];
        let mut todo = vec![role];
        while let Some(r) = todo.pop() {
            for &inc in self.roles.get(r).map(|d| d.includes.as_slice()).unwrap_or_default() {
                if !seen.contains(&inc) {
                    seen.push(inc);
                    todo.push(inc);
                }
            }
        }
        seen
    }

    /// Levels one role gives, includes folded in.
    pub fn role_levels(&self, role: usize) -> Vec<usize> {
        let mut levels = vec![0; self.features.len()];
        for r in self.closure(role) {
            let Some(def) = self.roles.get(r) else { continue };
            for (f, slot) in levels.iter_mut().enumerate() {
                let top = self.features.get(f).map_or(0, |n| n - 1);
                let direct = def.grants.iter().filter(|g| g.0 == f).map(|g| g.1).max().unwrap_or(0);
                *slot = (*slot).max(direct).max(if def.max_all { top } else { 0 });
            }
        }
        levels
    }

    /// Naive union: feature by feature, the highest level any held role gives.
    pub fn union(&self, roles: &[usize]) -> Vec<usize> {
        let mut levels = vec![0; self.features.len()];
        for &r in roles {
            for (slot, l) in levels.iter_mut().zip(self.role_levels(r)) {
                *slot = (*slot).max(l);
            }
        }
        levels
    }

    pub fn rank(&self, roles: &[usize]) -> Option<u32> {
        roles.iter().filter_map(|&r| self.roles.get(r).and_then(|d| d.rank)).max()
    }

    fn rank_permits(&self, actor: Option<u32>, other: Option<u32>) -> bool {
        match (actor, other, self.rule) {
            (_, None, _) => true,
            (None, Some(_), _) => false,
            (Some(a), Some(o), RuleSpec::Rank { strictly_lower: true }) => o < a,
            (Some(a), Some(o), _) => o <= a,
        }
    }

    /// May an actor holding `actor` hand out `role` under the grant rule?
    pub fn may_grant(&self, actor: &[usize], role: usize) -> bool {
        match self.rule {
            RuleSpec::Held => actor.iter().any(|&a| self.closure(a).contains(&role)),
            RuleSpec::Covered => covers(&self.union(actor), &self.role_levels(role)),
            RuleSpec::Rank { .. } => self.rank_permits(self.rank(actor), self.roles.get(role).and_then(|d| d.rank)),
        }
    }

    pub fn is_user_admin(&self, actor: &[usize]) -> bool {
        let (f, l) = self.user_admin;
        self.union(actor).get(f).is_some_and(|&held| held >= l)
    }

    /// `protectHigherUsers`: may the actor touch a user holding `target` at all?
    pub fn may_manage(&self, actor: &[usize], target: &[usize]) -> bool {
        !self.protect
            || match self.rule {
                RuleSpec::Rank { .. } => self.rank_permits(self.rank(actor), self.rank(target)),
                _ => covers(&self.union(actor), &self.union(target)),
            }
    }

    /// Reference for `check_grant(..).is_allowed()` (all names known); `target` is `(same user, roles)`.
    pub fn grant_allowed(&self, actor: &[usize], target: Option<(bool, &[usize])>, requested: &[usize]) -> bool {
        let held_before: &[usize] = target.map_or(&[], |t| t.1);
        self.is_user_admin(actor)
            && !target.is_some_and(|t| t.0)
            && target.is_none_or(|t| self.may_manage(actor, t.1))
            && requested.iter().filter(|r| !held_before.contains(r)).all(|&r| self.may_grant(actor, r))
    }

    /// A full administrator: every feature at its top level and, in rank mode, the highest rank of any role.
    pub fn is_full_administrator(&self, actor: &[usize]) -> bool {
        let tops = self.union(actor).iter().zip(&self.features).all(|(&l, &n)| l + 1 == n);
        let ranked = !matches!(self.rule, RuleSpec::Rank { .. }) || self.roles.iter().all(|r| r.rank <= self.rank(actor));
        tops && ranked
    }

    /// Reference for `check_remove(..).is_allowed()`.
    pub fn remove_allowed(&self, actor: &[usize], same_user: bool, target: &[usize]) -> bool {
        self.is_user_admin(actor) && !same_user && self.may_manage(actor, target)
    }

    /// Reference for `check_invite(..).is_allowed()`.
    pub fn invite_allowed(&self, actor: &[usize], target: &[usize]) -> bool {
        self.is_user_admin(actor) && self.may_manage(actor, target)
    }
}

/// Every feature of `mine` at or above `theirs`.
pub fn covers(mine: &[usize], theirs: &[usize]) -> bool {
    mine.iter().zip(theirs).all(|(m, t)| m >= t)
}

/// Reference status, straight from the product text: platform disabled, then SSO only, then enabled, then
/// invited (while `now <= invitedAt + ttl`) or expired, then pending.
pub fn status(record: &AccountRecord, now: u64, ttl_ms: u64) -> Status {
    if record.platform_disabled {
        Status::Disabled
    } else if !record.platform_auth {
        Status::SsoOnly
    } else if record.accepted_at.is_some() {
        Status::Enabled
    } else {
        match record.invited_at {
            None => Status::PendingInvite,
            Some(at) if u128::from(now) <= u128::from(at) + u128::from(ttl_ms) => Status::Invited,
            Some(_) => Status::ExpiredInvitation,
        }
    }
}

/// Reference for `can_access_tenant`.
pub fn can_access(record: &AccountRecord, now: u64, ttl_ms: u64) -> bool {
    record.tenant_enabled && matches!(status(record, now, ttl_ms), Status::Enabled | Status::SsoOnly)
}
