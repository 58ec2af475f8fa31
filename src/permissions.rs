//! Role union: a user's effective permissions are, feature by feature, the highest level any held role gives.

use serde::Serialize;

use crate::policy::{FeatureId, Level, LookupError, Policy, RoleId, distinct_ids};

/// A compiled set of roles: resolved once, then every check is array indexing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSet {
    /// Held roles, sorted, no duplicates.
    pub(crate) roles: Vec<RoleId>,
    /// Winning level per feature, policy order.
    pub(crate) levels: Vec<Level>,
    /// Highest rank among the held roles (none when no held role has a rank).
    pub(crate) rank: Option<u32>,
}

impl RoleSet {
    /// True when the winning level of `feature` is at or above `level`.
    pub fn allows(&self, feature: FeatureId, level: Level) -> bool {
        self.levels.get(feature).is_some_and(|&l| l >= level)
    }

    /// The winning level of `feature` (no access for a feature the policy does not have).
    pub fn level(&self, feature: FeatureId) -> Level {
        self.levels.get(feature).copied().unwrap_or(0)
    }

    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    pub fn roles(&self) -> &[RoleId] {
        &self.roles
    }

    pub fn rank(&self) -> Option<u32> {
        self.rank
    }

    pub fn holds(&self, role: RoleId) -> bool {
        self.roles.binary_search(&role).is_ok()
    }

    /// The first feature where `other` reaches higher than this set, if any.
    pub fn first_uncovered(&self, other: &[Level]) -> Option<(FeatureId, Level, Level)> {
        self.levels.iter().zip(other).enumerate().find(|(_, (mine, theirs))| theirs > mine).map(|(f, (&m, &t))| (f, t, m))
    }

    pub fn covers(&self, other: &[Level]) -> bool {
        self.first_uncovered(other).is_none()
    }
}

/// Which level a feature ends at, and which of the held roles supply it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub level: String,
    /// Held roles giving the winning level (directly or through `includes`); empty at the no-access level.
    pub roles: Vec<String>,
}

impl Policy {
    /// Compiles role ids into a set (ids out of range are ignored).
    pub fn role_set(&self, ids: impl IntoIterator<Item = RoleId>) -> RoleSet {
        let roles = distinct_ids(ids, self.roles.len());
        let mut levels = vec![0; self.features.len()];
        let mut rank = None;
        for role in roles.iter().filter_map(|&r| self.roles.get(r)) {
            for &(f, l) in &role.grants {
                if let Some(slot) = levels.get_mut(f) {
                    *slot = (*slot).max(l);
                }
            }
            rank = rank.max(role.rank);
        }
        RoleSet { roles, levels, rank }
    }

    /// Compiles role names; any name not in the policy is an `unknown_role` error.
    pub fn compile_roles<S: AsRef<str>>(&self, names: &[S]) -> Result<RoleSet, LookupError> {
        let (set, unknown) = self.resolve(names);
        match unknown.first() {
            None => Ok(set),
            Some(name) => Err(unknown_role(name)),
        }
    }

    /// Compiles role names, returning the names not in the policy beside the set of the known ones.
    pub fn resolve<'n, S: AsRef<str>>(&self, names: &'n [S]) -> (RoleSet, Vec<&'n str>) {
        let mut unknown = Vec::new();
        let ids: Vec<RoleId> = names
            .iter()
            .filter_map(|n| {
                let id = self.role_id(n.as_ref());
                if id.is_none() && !unknown.contains(&n.as_ref()) {
                    unknown.push(n.as_ref());
                }
                id
            })
            .collect();
        (self.role_set(ids), unknown)
    }

    /// The distinct names not in the policy, first seen first (what `unknown_role` reasons point into).
    pub fn unknown_roles<'n, S: AsRef<str>>(&self, names: &'n [S]) -> Vec<&'n str> {
        self.resolve(names).1
    }

    /// Effective permissions: every feature with its winning level name, policy order.
    pub fn effective<S: AsRef<str>>(&self, names: &[S]) -> Result<Vec<(&str, &str)>, LookupError> {
        let set = self.compile_roles(names)?;
        Ok(self.features.iter().zip(&set.levels).map(|(f, &l)| (f.name.as_str(), f.level_name(l))).collect())
    }

    /// Like [`Policy::effective`], naming the held roles that supply each winning level.
    pub fn explain<S: AsRef<str>>(&self, names: &[S]) -> Result<Vec<(&str, Explanation)>, LookupError> {
        Ok(self.explain_set(&self.compile_roles(names)?))
    }

    /// [`Policy::explain`] for a compiled set.
    pub fn explain_set(&self, set: &RoleSet) -> Vec<(&str, Explanation)> {
        self
            .features
            .iter()
            .enumerate()
            .zip(&set.levels)
            .map(|((fid, f), &level)| {
                let roles = if level == 0 {
                    Vec::new()
                } else {
                    set.roles
                        .iter()
                        .filter_map(|&r| self.roles.get(r))
                        .filter(|r| r.levels.get(fid) == Some(&level))
                        .map(|r| r.name.clone())
                        .collect()
                };
                (f.name.as_str(), Explanation { level: f.level_name(level).to_string(), roles })
            })
            .collect()
    }

    /// True when the roles' winning level of `feature` is at or above `level`.
    /// Reads the one feature straight from each held role: no set is built for a single question.
    pub fn allows<S: AsRef<str>>(&self, names: &[S], feature: &str, level: &str) -> Result<bool, LookupError> {
        let (f, l) = self.level(feature, level)?;
        let mut winning = 0;
        for name in names {
            let role = self.role_id(name.as_ref()).and_then(|r| self.roles.get(r));
            let role = role.ok_or_else(|| unknown_role(name.as_ref()))?;
            winning = winning.max(role.levels.get(f).copied().unwrap_or(0));
        }
        Ok(winning >= l)
    }
}

fn unknown_role(name: &str) -> LookupError {
    LookupError::UnknownRole(name.to_string())
}
