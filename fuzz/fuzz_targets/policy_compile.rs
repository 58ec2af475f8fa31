//! Policy parsing and compiling on arbitrary text: never panics; a refusal lists located errors with codes;
//! a compiled policy answers every question about each of its roles, and compiling is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolegate::{Member, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Policy::from_json(text) {
        Err(e) => {
            assert_eq!(e.code(), "invalid_policy");
            assert!(!e.errors.is_empty() && e.errors.iter().all(|i| !i.code().is_empty()), "{e:?}");
            assert_eq!(Policy::from_json(text).unwrap_err(), e, "the same errors every time");
        }
        Ok(p) => {
            assert!(!p.features().is_empty() && !p.roles().is_empty());
            assert!(p.user_admin.1 >= 1 && p.invitation_ttl_ms >= 1 && p.invitation_ttl_ms <= 365 * 86_400_000);
            for (i, role) in p.roles().iter().enumerate() {
                assert_eq!(p.role_id(&role.name), Some(i));
                let set = p.role_set([i]);
                for (f, feature) in p.features().iter().enumerate() {
                    assert!(set.levels()[f] <= feature.top(), "a level beyond the top");
                }
                // A role carries every role it includes.
                for &inc in &role.includes {
                    assert!(set.levels().iter().zip(p.role_set([inc]).levels()).all(|(a, b)| a >= b));
                }
                let names = [role.name.as_str()];
                p.effective(&names).unwrap();
                p.explain(&names).unwrap();
                let me = Member { id: "x".into(), roles: vec![role.name.clone()] };
                for granted in p.grantable_roles(&me) {
                    assert!(p.role_id(granted).is_some());
                }
            }
        }
    }
});
