//! The compiled policy: features, levels and roles as dense indices (small integers) for the decisions, with
//! name lookups both ways.

use rustc_hash::FxHashMap;

use super::error::LookupError;

/// Index of a feature in policy order.
pub type FeatureId = usize;
/// Index of a role in policy order.
pub type RoleId = usize;
/// Index of a level within its feature; 0 is "no access", higher is more.
pub type Level = u8;

pub const MAX_FEATURES: usize = 1024;
pub const MAX_ROLES: usize = 4096;
pub const MAX_LEVELS: usize = 64;
pub const MAX_NAME_LEN: usize = 128;
pub const MAX_RANK: u64 = 1_000_000;

/// How rank-based grants compare the granted role's rank with the actor's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankOrder {
    SameOrLower,
    StrictlyLower,
}

impl RankOrder {
    pub fn name(self) -> &'static str {
        match self {
            RankOrder::SameOrLower => "same-or-lower",
            RankOrder::StrictlyLower => "strictly-lower",
        }
    }

    /// Whether an actor of rank `actor` may grant (or manage a user of) rank `other`.
    pub fn permits(self, actor: u32, other: u32) -> bool {
        match self {
            RankOrder::SameOrLower => other <= actor,
            RankOrder::StrictlyLower => other < actor,
        }
    }

    /// [`RankOrder::permits`] for sets: nothing ranked is always permitted; an actor without a rank permits
    /// nothing ranked.
    pub fn permits_ranks(self, actor: Option<u32>, other: Option<u32>) -> bool {
        match (actor, other) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(o)) => self.permits(a, o),
        }
    }
}

/// Which roles an actor may hand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantRule {
    /// Only roles the actor holds, directly or through `includes`.
    Held,
    /// Roles ranked at or below (or strictly below) the actor's highest rank.
    Rank(RankOrder),
    /// Roles whose permissions the actor's effective permissions cover, feature by feature.
    Covered,
}

impl GrantRule {
    pub fn name(self) -> &'static str {
        match self {
            GrantRule::Held => "held",
            GrantRule::Rank(_) => "rank",
            GrantRule::Covered => "covered",
        }
    }
}

/// A feature and its access levels, ordered low to high.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Feature {
    pub name: String,
    pub label: String,
    pub levels: Vec<String>,
}

impl Feature {
    pub fn level_name(&self, level: Level) -> &str {
        self.levels.get(usize::from(level)).map_or("", String::as_str)
    }

    pub fn top(&self) -> Level {
        Level::try_from(self.levels.len().saturating_sub(1)).unwrap_or(Level::MAX)
    }
}

/// A compiled role: its own level per feature (includes already folded in) and every role it carries.
#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub rank: Option<u32>,
    pub includes: Vec<RoleId>,
    /// Level per feature, `includes` folded in.
    pub(crate) levels: Vec<Level>,
    /// The same, only the features above no access: a union walks these, so it costs what the held roles
    /// grant, not roles x features.
    pub(crate) grants: Vec<(FeatureId, Level)>,
    /// This role and every role it includes, transitively; sorted.
    pub(crate) closure: Vec<RoleId>,
    /// The role's own grants, before `includes` (what names the role that gives a level).
    #[cfg(feature = "analysis")]
    pub(crate) own: Vec<(FeatureId, Level)>,
}

/// A role as a UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoleInfo {
    pub name: String,
    pub rank: Option<u32>,
    /// Roles this one carries directly.
    pub includes: Vec<String>,
}

/// A compiled policy. Build it once with [`Policy::from_json`]; every decision reads it without allocation
/// beyond its result.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) features: Vec<Feature>,
    pub(crate) roles: Vec<Role>,
    /// Name lookups are on every by-name call: FxHash, not SipHash (names come from the policy author).
    pub(crate) feature_ids: FxHashMap<String, FeatureId>,
    pub(crate) role_ids: FxHashMap<String, RoleId>,
    pub grant_rule: GrantRule,
    /// The permission needed to add, edit, delete or invite users at all.
    pub user_admin: (FeatureId, Level),
    /// The permission needed to edit this policy (`policyAdmin`); `None`: only a full administrator may.
    pub policy_admin: Option<(FeatureId, Level)>,
    pub protect_higher_users: bool,
    pub invitation_ttl_ms: u64,
}

impl Policy {
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn role_infos(&self) -> Vec<RoleInfo> {
        self.roles
            .iter()
            .map(|r| RoleInfo {
                name: r.name.clone(),
                rank: r.rank,
                includes: r.includes.iter().map(|&i| self.role_name(i).to_string()).collect(),
            })
            .collect()
    }

    pub fn feature_id(&self, name: &str) -> Option<FeatureId> {
        self.feature_ids.get(name).copied()
    }

    pub fn role_id(&self, name: &str) -> Option<RoleId> {
        self.role_ids.get(name).copied()
    }

    pub fn level_id(&self, feature: FeatureId, level: &str) -> Option<Level> {
        let levels = &self.features.get(feature)?.levels;
        levels.iter().position(|l| l == level).and_then(|i| Level::try_from(i).ok())
    }

    /// Feature id by name, or an `unknown_feature` error.
    pub fn feature(&self, name: &str) -> Result<FeatureId, LookupError> {
        self.feature_id(name).ok_or_else(|| LookupError::UnknownFeature(name.to_string()))
    }

    /// Level id by feature and level name, or an `unknown_feature` / `unknown_level` error.
    pub fn level(&self, feature: &str, level: &str) -> Result<(FeatureId, Level), LookupError> {
        let f = self.feature(feature)?;
        let l = self.level_id(f, level)
            .ok_or_else(|| LookupError::UnknownLevel { feature: feature.to_string(), level: level.to_string() })?;
        Ok((f, l))
    }

    /// A feature's name by id (empty for an id the policy does not have).
    pub fn feature_name(&self, f: FeatureId) -> &str {
        self.features.get(f).map_or("", |x| x.name.as_str())
    }

    /// A level's name by feature and level id.
    pub fn level_name(&self, f: FeatureId, level: Level) -> &str {
        self.features.get(f).map_or("", |x| x.level_name(level))
    }

    /// A role's name by id.
    pub fn role_name(&self, r: RoleId) -> &str {
        self.roles.get(r).map_or("", |x| x.name.as_str())
    }
}


/// The distinct ids below `n`, ascending. Ids are dense and bounded, so one pass over a bitmap replaces a sort.
pub(crate) fn distinct_ids(ids: impl IntoIterator<Item = usize>, n: usize) -> Vec<usize> {
    let mut seen = vec![false; n];
    for id in ids {
        if let Some(slot) = seen.get_mut(id) {
            *slot = true;
        }
    }
    seen.iter().enumerate().filter(|&(_, &s)| s).map(|(id, _)| id).collect()
}
