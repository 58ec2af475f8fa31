//! Escalation over time: random sequences of operations (add, change roles, remove, invite, accept, time
//! passing) starting from a set of administrators, each applied only when the core accepts it.

use proptest::prelude::*;
use proptest::sample::Index;
use rolegate::{AccountRecord, GrantRequest, Member, Policy};

use crate::arb::{compile, config, pick, role_set, spec};
use crate::common::{HOUR, T0, on};
use crate::model::{RuleSpec, Spec, covers};

#[derive(Debug, Clone)]
enum Op {
    Add { actor: Index, roles: Vec<Index> },
    Change { actor: Index, target: Index, roles: Vec<Index> },
    Remove { actor: Index, target: Index },
    Invite { actor: Index, target: Index },
    Accept { target: Index },
    Wait { ms: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<Index>(), role_set()).prop_map(|(actor, roles)| Op::Add { actor, roles }),
        4 => (any::<Index>(), any::<Index>(), role_set()).prop_map(|(actor, target, roles)| Op::Change { actor, target, roles }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(actor, target)| Op::Remove { actor, target }),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(actor, target)| Op::Invite { actor, target }),
        2 => any::<Index>().prop_map(|target| Op::Accept { target }),
        1 => (0..30 * HOUR).prop_map(|ms| Op::Wait { ms }),
    ]
}

struct User {
    id: String,
    roles: Vec<usize>,
    record: AccountRecord,
}

/// The tenant as the sequence leaves it, with what the starting administrators held.
struct World<'s> {
    spec: &'s Spec,
    policy: Policy,
    users: Vec<User>,
    now: u64,
    added: usize,
    /// Per feature, the highest level any starting administrator held.
    bound: Vec<usize>,
    /// The highest rank any starting administrator held.
    top_rank: Option<u32>,
    /// Whether the level bound must hold: always in held and covered modes; in rank mode only when the policy
    /// carries no `rank_grants_unheld` warning.
    levels_bounded: bool,
}

impl<'s> World<'s> {
    fn new(spec: &'s Spec, admins: Vec<Vec<usize>>) -> Self {
        let policy = compile(spec);
        let accepted = AccountRecord { invited_at: Some(T0 - HOUR), accepted_at: Some(T0 - HOUR), ..AccountRecord::default() };
        let users: Vec<User> =
            admins.into_iter().enumerate().map(|(i, roles)| User { id: format!("admin{i}"), roles, record: accepted }).collect();
        let bound = users.iter().map(|u| spec.union(&u.roles)).fold(vec![0; spec.features.len()], |acc, l| {
            acc.iter().zip(l).map(|(&a, b)| a.max(b)).collect()
        });
        let top_rank = users.iter().filter_map(|u| spec.rank(&u.roles)).max();
        let warned = policy.warnings().iter().any(|w| w.code() == "rank_grants_unheld");
        let levels_bounded = !matches!(spec.rule, RuleSpec::Rank { .. }) || !warned;
        World { spec, policy, users, now: T0, added: 0, bound, top_rank, levels_bounded }
    }

    fn member(&self, u: usize) -> Member {
        Member { id: self.users[u].id.clone(), roles: self.spec.names(&self.users[u].roles) }
    }

    /// Actors are users who can reach the tenant now.
    fn actor(&self, pick: &Index) -> Option<usize> {
        let active: Vec<usize> = (0..self.users.len())
            .filter(|&u| self.policy.account_status(&self.users[u].record, self.now).can_access_tenant)
            .collect();
        (!active.is_empty()).then(|| active[pick.index(active.len())])
    }

    fn target(&self, pick: &Index) -> Option<usize> {
        (!self.users.is_empty()).then(|| pick.index(self.users.len()))
    }

    /// An accepted grant: the actor covered it at that moment (in rank mode: outranked it, and covered it too
    /// when the policy has no `rank_grants_unheld` warning).
    fn assert_covered(&self, actor: usize, target: Option<usize>, roles: &[usize]) -> Result<(), TestCaseError> {
        let spec = self.spec;
        let a = &self.users[actor].roles;
        prop_assert!(spec.is_user_admin(a), "{} is no user admin", self.users[actor].id);
        let before: &[usize] = target.map_or(&[], |t| self.users[t].roles.as_slice());
        for &role in roles.iter().filter(|r| !before.contains(r)) {
            match spec.rule {
                RuleSpec::Held | RuleSpec::Covered => {
                    prop_assert!(covers(&spec.union(a), &spec.role_levels(role)), "R{} not covered by {:?}", role, a)
                }
                RuleSpec::Rank { strictly_lower } => {
                    let (mine, theirs) = (spec.rank(a), spec.roles[role].rank);
                    let within = theirs.is_some_and(|t| mine.is_some_and(|m| if strictly_lower { t < m } else { t <= m }));
                    prop_assert!(within, "R{} (rank {:?}) granted by rank {:?}", role, theirs, mine);
                    // Without a rank_grants_unheld warning, what a rank may grant is also covered by its holder.
                    if self.levels_bounded {
                        prop_assert!(covers(&spec.union(a), &spec.role_levels(role)), "R{} not covered by {:?} (no warning)", role, a);
                    }
                }
            }
        }
        if spec.protect && target.is_some() {
            prop_assert!(spec.may_manage(a, before), "{:?} manages {:?}", a, before);
        }
        Ok(())
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let p = &self.policy;
        match op {
            Op::Add { actor, roles } => {
                let Some(a) = self.actor(actor) else { return Ok(()) };
                let roles = pick(self.spec, roles);
                let req = GrantRequest { actor: self.member(a), target: None, roles: self.spec.names(&roles), others: None };
                if p.check_grant(&req).is_allowed() {
                    self.assert_covered(a, None, &roles)?;
                    self.added += 1;
                    self.users.push(User { id: format!("user{}", self.added), roles, record: AccountRecord::default() });
                }
            }
            Op::Change { actor, target, roles } => {
                let (Some(a), Some(t)) = (self.actor(actor), self.target(target)) else { return Ok(()) };
                let roles = pick(self.spec, roles);
                let req = GrantRequest { actor: self.member(a), target: Some(self.member(t)), roles: self.spec.names(&roles), others: None };
                if p.check_grant(&req).is_allowed() {
                    prop_assert_ne!(a, t, "{} changed their own roles", self.users[a].id);
                    self.assert_covered(a, Some(t), &roles)?;
                    self.users[t].roles = roles;
                }
            }
            Op::Remove { actor, target } => {
                let (Some(a), Some(t)) = (self.actor(actor), self.target(target)) else { return Ok(()) };
                if p.check_remove(&on(&self.member(a), &self.member(t))).is_allowed() {
                    prop_assert_ne!(a, t);
                    self.assert_covered(a, Some(t), &[])?;
                    self.users.remove(t);
                }
            }
            Op::Invite { actor, target } => {
                let (Some(a), Some(t)) = (self.actor(actor), self.target(target)) else { return Ok(()) };
                if p.check_invite(&on(&self.member(a), &self.member(t))).is_allowed()
                    && let Ok(record) = p.invite(&self.users[t].record, self.now)
                {
                    self.assert_covered(a, Some(t), &[])?;
                    self.users[t].record = record;
                }
            }
            Op::Accept { target } => {
                // Someone with an invitation accepts it (expired ones are refused by the core).
                let invited: Vec<usize> = (0..self.users.len()).filter(|&u| self.users[u].record.accepted_at.is_none() && self.users[u].record.invited_at.is_some()).collect();
                let Some(&t) = (!invited.is_empty()).then(|| &invited[target.index(invited.len())]) else { return Ok(()) };
                if let Ok(record) = p.accept(&self.users[t].record, self.now) {
                    self.users[t].record = record;
                }
            }
            Op::Wait { ms } => self.now += ms,
        }
        Ok(())
    }

    /// No user holds a level no starting administrator held, nor (rank mode) a higher rank.
    fn assert_bounded(&self) -> Result<(), TestCaseError> {
        for u in &self.users {
            if self.levels_bounded {
                let held = self.spec.union(&u.roles);
                prop_assert!(covers(&self.bound, &held), "{} holds {:?} beyond the administrators' {:?}", u.id, held, self.bound);
            }
            if matches!(self.spec.rule, RuleSpec::Rank { .. }) {
                prop_assert!(self.spec.rank(&u.roles) <= self.top_rank, "{} outranks every administrator", u.id);
            }
        }
        Ok(())
    }
}

/// Starting administrators: random role sets, each with a role that administers users.
fn administrators(spec: &Spec, sets: &[(Vec<Index>, Index)]) -> Vec<Vec<usize>> {
    let admin_roles: Vec<usize> = (0..spec.roles.len()).filter(|&r| spec.is_user_admin(&[r])).collect();
    sets.iter()
        .map(|(set, admin)| {
            let mut roles = pick(spec, set);
            roles.push(admin_roles[admin.index(admin_roles.len())]);
            roles
        })
        .collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn no_sequence_of_accepted_operations_escalates_beyond_the_starting_administrators(
        spec in spec(),
        admins in prop::collection::vec((role_set(), any::<Index>()), 1..=3),
        ops in prop::collection::vec(op(), 1..50),
    ) {
        let admins = administrators(&spec, &admins);
        let mut world = World::new(&spec, admins);
        world.assert_bounded()?;
        for op in &ops {
            world.apply(op)?;
            world.assert_bounded()?;
        }
    }
}
