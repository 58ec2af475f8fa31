//! Warnings for a valid policy: things worth a look that are not errors.

use crate::json::child;

use super::error::Issue;
use super::model::{GrantRule, Policy};

/// Warnings for a valid policy: roles that grant nothing, and (rank mode) roles an actor could grant by rank
/// although they give more than the actor's own role.
pub(crate) fn warnings(policy: &Policy) -> Vec<Issue> {
    let mut out = Vec::new();
    for role in &policy.roles {
        if role.levels.iter().all(|&l| l == 0) {
            out.push(Issue::new(child("roles", &role.name), "empty_role", format!("role '{}' grants nothing", role.name)));
        }
    }
    if let GrantRule::Rank(order) = policy.grant_rule {
        for (fid, feature) in policy.features.iter().enumerate() {
            // For each role, the lowest level of this feature among roles that could grant it by rank.
            for low in &policy.roles {
                let (Some(low_rank), Some(&low_level)) = (low.rank, low.levels.get(fid)) else { continue };
                let weaker_granter = policy.roles.iter().filter(|high| high.name != low.name).find(|high| {
                    high.rank.is_some_and(|hr| order.permits(hr, low_rank))
                        && high.levels.get(fid).is_some_and(|&hl| hl < low_level)
                });
                if let Some(high) = weaker_granter {
                    out.push(Issue::new(
                        child(&child(&child("roles", &low.name), "grants"), &feature.name),
                        "rank_grants_unheld",
                        format!(
                            "'{}' (rank {}) gives {} '{}' but '{}' (rank {}) only has '{}': rank-based grants would let a {} hand out access he does not hold",
                            low.name, low_rank, feature.name, feature.level_name(low_level),
                            high.name, high.rank.unwrap_or(0), feature.level_name(high.levels.get(fid).copied().unwrap_or(0)), high.name
                        ),
                    ));
                }
            }
        }
    }
    out
}
