//! Policy analysis: a policy diffed with itself is empty; the delegation graph is the grant decision on a fresh
//! target for every pair, and its escalations are exactly the granted roles the granter does not cover; who
//! can reach a level agrees with `allows` for every role, and names a real chain of includes.

use proptest::prelude::*;
use proptest::sample::Index;
use rolegate::{GrantRequest, analysis};

use crate::arb::{compile, config, pick, role_set, spec};
use crate::common::member;
use crate::model::{covers, role_name};

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn a_policy_diffed_with_itself_is_empty(spec in spec(), users in prop::collection::vec(role_set(), 0..4)) {
        let p = compile(&spec);
        let users: Vec<_> = users.iter().enumerate().map(|(i, set)| {
            let names = spec.names(&pick(&spec, set));
            member(&format!("u{i}"), &names.iter().map(String::as_str).collect::<Vec<_>>())
        }).collect();
        let d = analysis::diff(&p, &p, &users).unwrap();
        prop_assert!(d.changes.is_empty() && d.users.is_empty(), "{:?}", d);
    }

    #[test]
    fn delegation_agrees_with_check_grant_on_a_fresh_target_for_every_pair(spec in spec()) {
        let p = compile(&spec);
        let graph = p.delegation().unwrap();
        prop_assert_eq!(graph.grants.len(), spec.roles.len());
        for g in &graph.grants {
            for r in p.roles() {
                let req = GrantRequest {
                    actor: member("granter", &[&g.granter]),
                    target: Some(member("fresh", &[])),
                    roles: vec![r.name.clone()],
                    others: None,
                };
                let allowed = p.check_grant(&req).is_allowed();
                prop_assert_eq!(g.roles.contains(&r.name), allowed, "{} -> {}", g.granter, r.name);
                let (gi, ri) = (index_of(&g.granter), index_of(&r.name));
                let covered = covers(&spec.role_levels(gi), &spec.role_levels(ri));
                let escalates = graph.escalations.iter().any(|e| e.granter == g.granter && e.role == r.name);
                prop_assert_eq!(escalates, allowed && !covered, "{} -> {}: escalation", g.granter, r.name);
            }
        }
    }

    #[test]
    fn who_can_agrees_with_allows_for_every_role(spec in spec(), feature in any::<Index>(), level in any::<Index>()) {
        let p = compile(&spec);
        let f = feature.index(spec.features.len());
        let feature = p.features()[f].clone();
        let level = &feature.levels[level.index(feature.levels.len())];
        let reach = p.who_can(&feature.name, level).unwrap();
        for r in 0..spec.roles.len() {
            let name = role_name(r);
            let allowed = p.allows(&[name.as_str()], &feature.name, level).unwrap();
            let found = reach.iter().find(|x| x.role == name);
            prop_assert_eq!(found.is_some(), allowed, "{}", name);
            let Some(found) = found else { continue };
            // The chain starts at the role, each step is a direct include, and the last role's own grants reach the level.
            prop_assert_eq!(&found.via[0], &name);
            for step in found.via.windows(2) {
                prop_assert!(spec.roles[index_of(&step[0])].includes.contains(&index_of(&step[1])), "{:?}", found.via);
            }
            let last = &spec.roles[index_of(found.via.last().unwrap())];
            let wanted = feature.levels.iter().position(|l| l == level).unwrap();
            let own = if last.max_all { feature.levels.len() - 1 } else { last.grants.iter().filter(|g| g.0 == f).map(|g| g.1).max().unwrap_or(0) };
            prop_assert!(own >= wanted, "{:?} ends at a role without its own grant", found.via);
        }
    }
}

/// `R3` -> 3.
fn index_of(name: &str) -> usize {
    name[1..].parse().unwrap()
}

proptest! {
    #![proptest_config(config(128))]

    /// The lint's indexed search names, for each role and feature, the granter a scan of every pair would: the
    /// first role (policy order) whose rank may grant it while holding less of the feature, wherever some role
    /// administering users holds less of it too (else no actor could hand it out).
    #[test]
    fn rank_warnings_name_the_granter_a_scan_of_every_pair_finds(
        spec in crate::arb::spec_with(prop_oneof![
            Just(crate::model::RuleSpec::Rank { strictly_lower: false }),
            Just(crate::model::RuleSpec::Rank { strictly_lower: true }),
        ]),
    ) {
        let p = compile(&spec);
        let strictly = spec.rule == (crate::model::RuleSpec::Rank { strictly_lower: true });
        let levels: Vec<Vec<u8>> = p.roles().iter().map(|r| p.compile_roles(&[r.name.as_str()]).unwrap().levels().to_vec()).collect();
        let (admin, needed) = p.user_admin;
        let mut want = Vec::new();
        for (f, feature) in p.features().iter().enumerate() {
            let lowest_admin = (0..levels.len()).filter(|&r| levels[r][admin] >= needed).map(|r| levels[r][f]).min();
            for (l, low) in p.roles().iter().enumerate() {
                let Some(rank) = low.rank else { continue };
                if lowest_admin.is_none_or(|a| a >= levels[l][f]) {
                    continue;
                }
                let granter = p.roles().iter().enumerate().find(|&(h, high)| {
                    h != l && high.rank.is_some_and(|hr| if strictly { rank < hr } else { rank <= hr }) && levels[h][f] < levels[l][f]
                });
                if let Some((_, high)) = granter {
                    want.push((format!("roles.{}.grants.{}", low.name, feature.name), high.name.clone()));
                }
            }
        }
        let got: Vec<(String, String)> = p.warnings().into_iter().filter_map(|w| match &w.kind {
            rolegate::IssueKind::RankGrantsUnheld { granter, .. } => Some((w.path.clone(), granter.clone())),
            _ => None,
        }).collect();
        prop_assert_eq!(got, want);
    }
}
