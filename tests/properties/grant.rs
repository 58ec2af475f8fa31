//! Grant decisions: agreement with the naive reference, the fast path agreeing with the explained decision, and
//! each grant rule's own guarantee (covered, rank, held); nobody changes their own roles.

use proptest::prelude::*;
use proptest::sample::Index;
use rolegate::{Decision, GrantRequest, Member, Policy};

use crate::arb::{compile, config, pick, role_set, spec, spec_with};
use crate::common::{codes, named, named_in, on};
use crate::model::{RuleSpec, Spec, covers, role_name};

/// A grant request as picks: actor, target (`None` for a new user; `Some((same user, roles))`), requested.
type Request = (Vec<Index>, Option<(bool, Vec<Index>)>, Vec<Index>);

fn request() -> impl Strategy<Value = Request> {
    (role_set(), prop::option::weighted(0.7, (prop::bool::weighted(0.1), role_set())), role_set())
}

/// A request resolved against a spec: role indices, and the request the core reads.
struct Case {
    actor: Vec<usize>,
    target: Option<(bool, Vec<usize>)>,
    requested: Vec<usize>,
    req: GrantRequest,
}

fn case(spec: &Spec, (actor, target, requested): &Request) -> Case {
    let actor = pick(spec, actor);
    let target = target.as_ref().map(|(same, t)| (*same, pick(spec, t)));
    let requested = pick(spec, requested);
    let req = GrantRequest {
        actor: Member { id: "actor".into(), roles: spec.names(&actor) },
        target: target.as_ref().map(|(same, t)| Member { id: if *same { "actor" } else { "target" }.into(), roles: spec.names(t) }),
        roles: spec.names(&requested),
        others: None,
    };
    Case { actor, target, requested, req }
}

impl Case {
    /// Roles being added: requested and not already held by the target.
    fn added(&self) -> Vec<usize> {
        let held: &[usize] = self.target.as_ref().map_or(&[], |t| t.1.as_slice());
        self.requested.iter().copied().filter(|r| !held.contains(r)).collect()
    }

    fn model(&self, spec: &Spec) -> bool {
        spec.grant_allowed(&self.actor, self.target.as_ref().map(|(s, t)| (*s, t.as_slice())), &self.requested)
    }
}

fn levels(p: &Policy, names: &[String]) -> Vec<u8> {
    p.compile_roles(names).unwrap().levels().to_vec()
}

fn has(d: &Decision, code: &str) -> bool {
    codes(d).contains(&code)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn grant_remove_and_invite_agree_with_the_reference_model(spec in spec(), r in request()) {
        let p = compile(&spec);
        let c = case(&spec, &r);
        let d = p.check_grant(&c.req);
        prop_assert_eq!(d.is_allowed(), c.model(&spec), "{:?}", d);
        prop_assert_eq!(d.is_allowed(), codes(&d) == ["allowed"]);
        let target = c.req.target.clone().unwrap_or(Member { id: "target".into(), roles: spec.names(&c.requested) });
        let tr = c.target.as_ref().map_or(c.requested.as_slice(), |t| t.1.as_slice());
        let same = target.id == c.req.actor.id;
        prop_assert_eq!(p.check_remove(&on(&c.req.actor, &target)).is_allowed(), spec.remove_allowed(&c.actor, same, tr));
        prop_assert_eq!(p.check_invite(&on(&c.req.actor, &target)).is_allowed(), spec.invite_allowed(&c.actor, tr));
        let grantable: Vec<String> = (0..spec.roles.len())
            .filter(|&r| spec.grant_allowed(&c.actor, None, &[r]))
            .map(role_name)
            .collect();
        let mut got: Vec<String> = p.grantable_roles(&c.req.actor).into_iter().map(String::from).collect();
        got.sort();
        let mut want = grantable;
        want.sort();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn fast_path_allows_grant_agrees_with_check_grant(spec in spec(), r in request()) {
        let p = compile(&spec);
        let c = case(&spec, &r);
        let actor = p.compile_roles(&c.req.actor.roles).unwrap();
        let requested = p.compile_roles(&c.req.roles).unwrap();
        let target = c.req.target.as_ref().map(|t| p.compile_roles(&t.roles).unwrap());
        let same = c.target.as_ref().is_some_and(|t| t.0);
        prop_assert_eq!(p.allows_grant(&actor, target.as_ref(), &requested, same), p.check_grant(&c.req).is_allowed());
        // The JS fast path always passes a target: an empty set stands for a new user.
        let empty = p.role_set([]);
        prop_assert_eq!(p.allows_grant(&actor, Some(&empty), &requested, false), p.allows_grant(&actor, None, &requested, false));
    }

    /// The JS layer answers allowed calls from the fast paths and refused ones from the explained decisions on
    /// compiled sets: both must be exactly what the by-name decisions say, every reason included.
    #[test]
    fn decisions_on_compiled_sets_equal_the_by_name_decisions(spec in spec(), r in request()) {
        let p = compile(&spec);
        let c = case(&spec, &r);
        let actor = p.resolve(&c.req.actor.roles).0;
        let requested = p.resolve(&c.req.roles).0;
        // A new user is the empty set on compiled sets, as the JS layer passes it.
        let target = c.req.target.as_ref().map_or_else(|| p.role_set([]), |t| p.resolve(&t.roles).0);
        let same = c.target.as_ref().is_some_and(|t| t.0);
        let by_name = p.check_grant(&c.req);
        prop_assert_eq!(&p.explain_grant(&actor, Some(&target), &requested, 0, same, None), &by_name);
        let outcome = p.grant_outcome(&actor, Some(&target), &requested, same, None);
        let allowed = match by_name { Decision::Allowed(why) => Some(why), Decision::Refused(_) => None };
        prop_assert_eq!(outcome, allowed);
        let member = c.req.target.clone().unwrap_or(Member { id: "target".into(), roles: c.req.roles.clone() });
        let member_set = p.resolve(&member.roles).0;
        let same = member.id == c.req.actor.id;
        let remove = p.check_remove(&on(&c.req.actor, &member));
        prop_assert_eq!(&p.explain_remove(&actor, &member_set, same, None), &remove);
        prop_assert_eq!(p.remove_outcome(&actor, &member_set, same, None).is_some(), remove.is_allowed());
        let invite = p.check_invite(&on(&c.req.actor, &member));
        prop_assert_eq!(&p.explain_invite(&actor, &member_set), &invite);
        prop_assert_eq!(p.invite_outcome(&actor, &member_set).is_some(), invite.is_allowed());
        let grantable: Vec<&str> = p.grantable_roles(&c.req.actor);
        prop_assert_eq!(p.grantable(&actor).into_iter().map(|r| p.role_name(r)).collect::<Vec<_>>(), grantable);
    }

    /// Role names the policy does not know: the actor's grant nothing and are listed in `ignored`; a target
    /// holding one is refused (`unknown_target_role`, each named) unless the actor is a full administrator. The
    /// JS layer answers such a target by name and everything else on compiled (known) sets: the fast path agrees
    /// there, and an unknown name only ever takes a yes away.
    #[test]
    fn unknown_role_names_grant_nothing_and_protect_their_holder(spec in spec(), r in request(), ghosts in (0usize..4, 0usize..4)) {
        let p = compile(&spec);
        let c = case(&spec, &r);
        // n names, repeating after two; and the distinct ones, first seen first.
        let ghost = |n: usize| (0..n).map(|i| format!("Ghost{}", i % 2)).collect::<Vec<_>>();
        let distinct = |n: usize| ghost(n.min(2));
        let (actor_ghosts, target_ghosts) = (ghost(ghosts.0), ghost(ghosts.1));
        let with = |m: &Member, names: &[String]| Member { id: m.id.clone(), roles: [names, m.roles.as_slice()].concat() };
        let actor = with(&c.req.actor, &actor_ghosts);
        let target = c.req.target.clone().unwrap_or(Member { id: "target".into(), roles: c.req.roles.clone() });
        let target = Member { roles: [target.roles.as_slice(), target_ghosts.as_slice()].concat(), ..target };
        let held: Vec<usize> = c.target.as_ref().map_or_else(|| c.requested.clone(), |t| t.1.clone());
        let same = target.id == actor.id;
        let full = spec.is_full_administrator(&c.actor);
        let clean = target_ghosts.is_empty() || full;
        let ignored = distinct(ghosts.0);
        let (a, t) = (p.resolve(&actor.roles).0, p.resolve(&target.roles).0);

        let remove = p.check_remove(&on(&actor, &target));
        let invite = p.check_invite(&on(&actor, &target));
        let edit = p.check_grant(&GrantRequest { actor: actor.clone(), target: Some(target.clone()), roles: c.req.roles.clone(), others: None });
        prop_assert_eq!(remove.is_allowed(), spec.remove_allowed(&c.actor, same, &held) && clean);
        prop_assert_eq!(invite.is_allowed(), spec.invite_allowed(&c.actor, &held) && clean);
        prop_assert_eq!(edit.is_allowed(), spec.grant_allowed(&c.actor, Some((same, &held)), &c.requested) && clean);
        // What the JS layer lists as `ignored`: the actor's unknown names.
        prop_assert_eq!(p.unknown_roles(&actor.roles), ignored.iter().map(String::as_str).collect::<Vec<_>>());
        let foreign = p.unknown_roles(&target.roles);
        for d in [&remove, &invite, &edit] {
            let named: Vec<String> = named_in(&p, d, &p.unknown_roles(&c.req.roles), &foreign)
                .into_iter()
                .filter(|x| x.code == "unknown_target_role")
                .filter_map(|x| x.role)
                .collect();
            prop_assert_eq!(named, if clean { Vec::new() } else { distinct(ghosts.1) });
        }
        // The fast path on compiled sets, as the JS layer uses it.
        let remove_fast = p.remove_outcome(&a, &t, same, None).is_some();
        let invite_fast = p.invite_outcome(&a, &t).is_some();
        let requested = p.resolve(&c.req.roles).0;
        let edit_fast = p.grant_outcome(&a, Some(&t), &requested, same, None).is_some();
        if target_ghosts.is_empty() {
            prop_assert_eq!((remove_fast, invite_fast, edit_fast), (remove.is_allowed(), invite.is_allowed(), edit.is_allowed()));
            prop_assert_eq!(&p.explain_remove(&a, &t, same, None), &remove);
            prop_assert_eq!(&p.explain_invite(&a, &t), &invite);
        }
        prop_assert!(remove_fast || !remove.is_allowed());
        prop_assert!(invite_fast || !invite.is_allowed());
        prop_assert!(edit_fast || !edit.is_allowed());
    }

    #[test]
    fn covered_mode_a_granted_role_never_exceeds_the_actors_levels(spec in spec_with(Just(RuleSpec::Covered)), r in request()) {
        let p = compile(&spec);
        let c = case(&spec, &r);
        let d = p.check_grant(&c.req);
        let actor = levels(&p, &c.req.actor.roles);
        for role in c.added() {
            let gives = levels(&p, &spec.names(&[role]));
            if !covers_u8(&actor, &gives) {
                prop_assert!(!d.is_allowed(), "R{} gives {:?} above the actor's {:?}", role, gives, actor);
                prop_assert!(named(&p, &d).iter().any(|x| x.code == "permission_not_held" && x.role.as_deref() == Some(&*role_name(role))));
            }
        }
        if d.is_allowed() && (spec.protect || c.target.is_none()) {
            prop_assert!(covers_u8(&actor, &levels(&p, &c.req.roles)), "the user's new access exceeds the actor's");
        }
    }

    #[test]
    fn rank_mode_respects_same_or_lower_and_strictly_lower(
        spec in spec_with(prop_oneof![Just(RuleSpec::Rank { strictly_lower: false }), Just(RuleSpec::Rank { strictly_lower: true })]),
        r in request(),
    ) {
        let p = compile(&spec);
        let c = case(&spec, &r);
        let d = p.check_grant(&c.req);
        let strictly = spec.rule == (RuleSpec::Rank { strictly_lower: true });
        let permits = |actor: Option<u32>, other: u32| actor.is_some_and(|a| if strictly { other < a } else { other <= a });
        let actor_rank = spec.rank(&c.actor);
        for role in c.added() {
            let rank = spec.roles[role].rank.unwrap();
            if !permits(actor_rank, rank) {
                prop_assert!(!d.is_allowed(), "R{} (rank {}) granted by rank {:?}", role, rank, actor_rank);
                prop_assert!(named(&p, &d).iter().any(|x| x.code == "rank_too_high" && x.role.as_deref() == Some(&*role_name(role))));
            }
        }
        if let Some((_, held)) = &c.target && spec.protect {
            let outranked = spec.rank(held).is_some_and(|t| !permits(actor_rank, t));
            prop_assert_eq!(has(&d, "target_outranks_actor"), outranked);
        }
    }

    #[test]
    fn held_mode_grants_only_roles_the_actor_holds(spec in spec_with(Just(RuleSpec::Held)), r in request()) {
        let p = compile(&spec);
        let c = case(&spec, &r);
        if p.check_grant(&c.req).is_allowed() {
            for role in c.added() {
                prop_assert!(c.actor.iter().any(|&a| spec.closure(a).contains(&role)), "R{} is not held", role);
            }
        }
    }

    #[test]
    fn nobody_ever_changes_their_own_roles(spec in spec(), actor in role_set(), requested in role_set()) {
        let p = compile(&spec);
        let me = Member { id: "me".into(), roles: spec.names(&pick(&spec, &actor)) };
        let roles = spec.names(&pick(&spec, &requested));
        for wanted in [roles, me.roles.clone(), Vec::new()] {
            let d = p.check_grant(&GrantRequest { actor: me.clone(), target: Some(me.clone()), roles: wanted, others: None });
            prop_assert!(!d.is_allowed());
            prop_assert!(has(&d, "self_role_change"), "{:?}", d);
        }
        prop_assert!(!p.check_remove(&on(&me, &me)).is_allowed());
    }
}

fn covers_u8(mine: &[u8], theirs: &[u8]) -> bool {
    let widen = |v: &[u8]| v.iter().map(|&l| usize::from(l)).collect::<Vec<_>>();
    covers(&widen(mine), &widen(theirs))
}
