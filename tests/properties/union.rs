//! Role union: the naive feature-by-feature maximum; commutative, idempotent, associative, monotone; the empty
//! set gives nothing; and the order or repetition of role names never changes any decision.

use proptest::prelude::*;
use proptest::sample::Index;
use rolegate::{Member, Policy, RoleSet};

use crate::arb::{compile, config, pick, role_set, spec};
use crate::common::{grant, member, on};
use crate::model::Spec;

/// The core's union of two compiled sets.
fn union(p: &Policy, a: &RoleSet, b: &RoleSet) -> RoleSet {
    p.role_set(a.roles().iter().chain(b.roles()).copied())
}

fn set(p: &Policy, spec: &Spec, picks: &[Index]) -> RoleSet {
    p.compile_roles(&spec.names(&pick(spec, picks))).unwrap()
}

/// A role set and the same set reordered, with some of its roles repeated.
fn reordered() -> impl Strategy<Value = (Vec<Index>, Vec<Index>)> {
    (role_set(), prop::collection::vec(any::<Index>(), 0..4)).prop_flat_map(|(set, dups)| {
        let mut other = set.clone();
        if !set.is_empty() {
            other.extend(dups.iter().map(|d| set[d.index(set.len())]));
        }
        (Just(set), Just(other).prop_shuffle())
    })
}

fn as_member(spec: &Spec, id: &str, picks: &[Index]) -> Member {
    let names = spec.names(&pick(spec, picks));
    member(id, &names.iter().map(String::as_str).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn union_is_the_naive_featurewise_maximum(spec in spec(), picks in role_set()) {
        let p = compile(&spec);
        let roles = pick(&spec, &picks);
        let want: Vec<u8> = spec.union(&roles).iter().map(|&l| l as u8).collect();
        let got = set(&p, &spec, &picks);
        prop_assert_eq!(got.levels(), want.as_slice());
        prop_assert_eq!(got.rank(), spec.rank(&roles));
    }

    #[test]
    fn union_is_commutative(spec in spec(), a in role_set(), b in role_set()) {
        let p = compile(&spec);
        let (a, b) = (set(&p, &spec, &a), set(&p, &spec, &b));
        prop_assert_eq!(union(&p, &a, &b), union(&p, &b, &a));
    }

    #[test]
    fn union_is_idempotent(spec in spec(), a in role_set()) {
        let p = compile(&spec);
        let a = set(&p, &spec, &a);
        prop_assert_eq!(&union(&p, &a, &a), &a);
    }

    #[test]
    fn union_is_associative(spec in spec(), a in role_set(), b in role_set(), c in role_set()) {
        let p = compile(&spec);
        let (a, b, c) = (set(&p, &spec, &a), set(&p, &spec, &b), set(&p, &spec, &c));
        prop_assert_eq!(union(&p, &union(&p, &a, &b), &c), union(&p, &a, &union(&p, &b, &c)));
    }

    #[test]
    fn adding_a_role_never_lowers_any_level(spec in spec(), a in role_set(), extra in any::<Index>()) {
        let p = compile(&spec);
        let before = set(&p, &spec, &a);
        let mut more = a.clone();
        more.push(extra);
        let after = set(&p, &spec, &more);
        for (f, (&was, &now)) in before.levels().iter().zip(after.levels()).enumerate() {
            prop_assert!(now >= was, "feature {} fell from {} to {}", f, was, now);
            for level in 0..=was {
                prop_assert!(after.allows(f, level));
            }
        }
        prop_assert!(after.rank() >= before.rank());
    }

    #[test]
    fn empty_role_set_gives_no_access(spec in spec()) {
        let p = compile(&spec);
        let none: [&str; 0] = [];
        let empty = p.compile_roles(&none).unwrap();
        prop_assert!(empty.levels().iter().all(|&l| l == 0));
        for (f, feature) in p.features().iter().enumerate() {
            for level in 1..feature.levels.len() {
                prop_assert!(!empty.allows(f, level as u8));
                prop_assert!(!p.allows(&none, &feature.name, &feature.levels[level]).unwrap());
            }
        }
        prop_assert!(p.effective(&none).unwrap().iter().all(|(_, level)| *level == "none"));
        prop_assert!(p.explain(&none).unwrap().iter().all(|(_, why)| why.roles.is_empty()));
        let nobody = member("nobody", &[]);
        prop_assert!(p.grantable_roles(&nobody).is_empty());
        let target = member("t", &[]);
        prop_assert!(!p.check_grant(&grant(&nobody, None, &[])).is_allowed());
        prop_assert!(!p.check_remove(&on(&nobody, &target)).is_allowed());
        prop_assert!(!p.check_invite(&on(&nobody, &target)).is_allowed());
    }

    #[test]
    fn order_and_duplicates_never_change_a_decision(
        spec in spec(),
        (actor, actor2) in reordered(),
        (target, target2) in reordered(),
        (requested, requested2) in reordered(),
        new_user in any::<bool>(),
    ) {
        let p = compile(&spec);
        let (a, a2) = (as_member(&spec, "a", &actor), as_member(&spec, "a", &actor2));
        let (t, t2) = (as_member(&spec, "t", &target), as_member(&spec, "t", &target2));
        let (r, r2) = (spec.names(&pick(&spec, &requested)), spec.names(&pick(&spec, &requested2)));
        let (r, r2): (Vec<&str>, Vec<&str>) = (r.iter().map(String::as_str).collect(), r2.iter().map(String::as_str).collect());
        let (tt, tt2) = if new_user { (None, None) } else { (Some(&t), Some(&t2)) };
        prop_assert_eq!(p.check_grant(&grant(&a, tt, &r)), p.check_grant(&grant(&a2, tt2, &r2)));
        prop_assert_eq!(p.check_remove(&on(&a, &t)), p.check_remove(&on(&a2, &t2)));
        prop_assert_eq!(p.check_invite(&on(&a, &t)), p.check_invite(&on(&a2, &t2)));
        prop_assert_eq!(p.grantable_roles(&a), p.grantable_roles(&a2));
        prop_assert_eq!(p.effective(&a.roles).unwrap(), p.effective(&a2.roles).unwrap());
        prop_assert_eq!(p.explain(&a.roles).unwrap(), p.explain(&a2.roles).unwrap());
        for feature in p.features() {
            for level in &feature.levels {
                prop_assert_eq!(
                    p.allows(&a.roles, &feature.name, level).unwrap(),
                    p.allows(&a2.roles, &feature.name, level).unwrap()
                );
            }
        }
    }
}
