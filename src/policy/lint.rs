//! Warnings for a valid policy: things worth a look that are not errors. Computed when asked for (a console
//! asks, an edge never does), in time linear in roles and features but for a sort per feature.

use std::collections::BinaryHeap;

use crate::json::child;

use super::error::{Issue, IssueKind};
use super::model::{FeatureId, GrantRule, Level, Policy, RankOrder, RoleId};

impl Policy {
    /// Roles that grant nothing, and (rank mode) roles an actor could grant by rank although they give more than
    /// the actor's own role (only where an actor below that level can administer users at all); paths only (`json::place` adds lines and columns for a document's text).
    pub fn warnings(&self) -> Vec<Issue> {
        let mut out = Vec::new();
        for role in &self.roles {
            if role.levels.iter().all(|&l| l == 0) {
                out.push(Issue::new(child("roles", &role.name), IssueKind::EmptyRole { role: role.name.clone() }));
            }
        }
        if let GrantRule::Rank(order) = self.grant_rule {
            for f in 0..self.features.len() {
                self.rank_grants_unheld(f, order, &mut out);
            }
        }
        out
    }

    /// For each ranked role, the first role (policy order) that may grant it by rank while holding less of
    /// feature `f`: per level, the granters sorted by rank with the lowest role id from each onward, so each
    /// role's question is a binary search per lower level.
    fn rank_grants_unheld(&self, f: FeatureId, order: RankOrder, out: &mut Vec<Issue>) {
        let Some(feature) = self.features.get(f) else { return };
        let mut by_level: Vec<Vec<(u32, RoleId)>> = vec![Vec::new(); feature.levels.len()];
        for (id, role) in self.roles.iter().enumerate() {
            if let (Some(rank), Some(slot)) = (role.rank, by_level.get_mut(usize::from(role.level(f)))) {
                slot.push((rank, id));
            }
        }
        // An actor grants only while administering users, and a union's level is its roles' highest: a role can
        // be handed out above the granter's level only beside some role administering users below that level.
        let (admin, needed) = self.user_admin;
        let lowest_admin = self.roles.iter().filter(|r| r.level(admin) >= needed).map(|r| r.level(f)).min();
        // Each level's granters by rank, lowest first (a heap sort: the smallest code in the wasm), then each
        // entry holds the lowest role id among it and every higher-ranked one.
        for granters in &mut by_level {
            *granters = BinaryHeap::from(std::mem::take(granters)).into_sorted_vec();
            let mut first = RoleId::MAX;
            for entry in granters.iter_mut().rev() {
                first = first.min(entry.1);
                entry.1 = first;
            }
        }
        for role in &self.roles {
            let (Some(rank), level) = (role.rank, role.level(f)) else { continue };
            if lowest_admin.is_none_or(|lowest| lowest >= level) {
                continue;
            }
            let granter = by_level
                .iter()
                .take(usize::from(level))
                .filter_map(|granters| {
                    // The first granter whose rank may grant `rank`: every one after it may too.
                    let from = granters.partition_point(|&(r, _)| !order.permits(r, rank));
                    granters.get(from).map(|&(_, first)| first)
                })
                .min();
            let Some(high) = granter.and_then(|g| self.roles.get(g)) else { continue };
            let kind = IssueKind::RankGrantsUnheld {
                role: role.name.clone(),
                rank,
                feature: feature.label.clone(),
                level: feature.level_name(level).to_string(),
                granter: high.name.clone(),
                granter_rank: high.rank.unwrap_or(0),
                granter_level: feature.level_name(high.level(f)).to_string(),
            };
            out.push(Issue::new(child(&child(&child("roles", &role.name), "grants"), &feature.name), kind));
        }
    }
}

impl super::model::Role {
    /// The role's level of feature `f`, `includes` folded in.
    pub(crate) fn level(&self, f: FeatureId) -> Level {
        self.levels.get(f).copied().unwrap_or(0)
    }
}
