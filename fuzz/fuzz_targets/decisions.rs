//! Role-set decisions and grant checks against a fixed example policy (in each grant rule) or a fuzzed one,
//! compared with the naive reference model (union and coverage written out plainly).
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use rolegate::{GrantRequest, Member, TargetRequest};
use rolegate_fuzz::subject;

#[derive(Arbitrary, Debug)]
struct Request {
    actor: Vec<u8>,
    target: Option<(bool, Vec<u8>)>,
    requested: Vec<u8>,
    unknown: Option<String>,
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let mut u = Unstructured::new(rest);
    let (Ok(s), Ok(r)) = (subject(selector, &mut u), Request::arbitrary(&mut u)) else { return };
    let (spec, p) = (&s.spec, &s.policy);
    let pick = |v: &[u8]| v.iter().take(12).map(|&b| usize::from(b) % s.names.len()).collect::<Vec<_>>();
    let names = |v: &[usize]| v.iter().map(|&i| s.names[i].clone()).collect::<Vec<_>>();
    let (actor, requested) = (pick(&r.actor), pick(&r.requested));
    let target = r.target.as_ref().map(|(same, t)| (*same, pick(t)));

    // Union: the naive feature-by-feature maximum.
    let set = p.compile_roles(&names(&actor)).unwrap();
    let want: Vec<u8> = spec.union(&actor).iter().map(|&l| l as u8).collect();
    assert_eq!(set.levels(), want.as_slice(), "union of {actor:?}");
    assert_eq!(set.rank(), spec.rank(&actor));

    // Grant check, explained and fast path, against the model; order never matters.
    let member = |id: &str, roles: &[usize]| Member { id: id.into(), roles: names(roles) };
    let a = member("a", &actor);
    let t = target.as_ref().map(|(same, roles)| member(if *same { "a" } else { "t" }, roles));
    let req = GrantRequest { actor: a.clone(), target: t.clone(), roles: names(&requested), others: None };
    let d = p.check_grant(&req);
    let model = spec.grant_allowed(&actor, target.as_ref().map(|(same, roles)| (*same, roles.as_slice())), &requested);
    assert_eq!(d.is_allowed(), model, "{req:?} -> {d:?}");
    let compiled = |roles: &[String]| p.compile_roles(roles).unwrap();
    let fast = p.allows_grant(&set, t.as_ref().map(|t| compiled(&t.roles)).as_ref(), &compiled(&req.roles), target.as_ref().is_some_and(|t| t.0));
    assert_eq!(fast, d.is_allowed(), "fast path");
    let mut reversed = req.clone();
    reversed.roles.reverse();
    reversed.actor.roles.reverse();
    assert_eq!(p.check_grant(&reversed), d, "order changed the decision");

    // An unknown role name is always refused, and named.
    if let Some(name) = r.unknown.filter(|n| p.role_id(n).is_none()) {
        let mut with = req.clone();
        with.roles.push(name.clone());
        let d = p.check_grant(&with);
        let unknown = p.unknown_roles(&with.roles);
        assert!(!d.is_allowed() && d.reasons().iter().any(|x| p.describe(x, &unknown, &[]).role.as_deref() == Some(name.as_str())));
    }

    // Remove, invite and the role editor's list.
    let other = t.unwrap_or_else(|| member("t", &requested));
    let held = target.as_ref().map_or(&requested, |t| &t.1);
    let on = TargetRequest { actor: a.clone(), target: other.clone(), others: None };
    assert_eq!(p.check_remove(&on).is_allowed(), spec.remove_allowed(&actor, other.id == "a", held));
    assert_eq!(p.check_invite(&on).is_allowed(), spec.invite_allowed(&actor, held));
    let grantable: Vec<&str> = p.grantable_roles(&a);
    for (i, name) in s.names.iter().enumerate() {
        assert_eq!(grantable.contains(&name.as_str()), spec.grant_allowed(&actor, None, &[i]), "grantable {name}");
    }
});
