//! HS256 tokens: what is signed verifies to the same claims, and any single-byte change to a signed token
//! (replaced, dropped or inserted) is refused.

use proptest::prelude::*;
use proptest::sample::Index;
use rolegate::{ActorClaims, Audience, InvitationClaims, Keyring, KeyringOptions};

use crate::arb::config;
use crate::common::T0;

const KIDS: [&str; 2] = ["k1", "k2"];

fn keyring() -> Keyring {
    let keys = KIDS.iter().map(|k| (k.to_string(), format!("{k}-secret-{k}-secret-{k}-secret-{k}-secret"))).collect();
    Keyring::new(keys, KeyringOptions::default()).unwrap()
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9@._-]{1,16}", "\\PC{1,12}"]
}

fn actor_claims() -> impl Strategy<Value = ActorClaims> {
    (
        text(),
        text(),
        prop::collection::vec(prop_oneof!["[A-Za-z]{1,12}", "\\PC{0,8}"], 0..5),
        1u64..100_000,
        prop::option::of(0u64..100_000),
        prop::option::of(text()),
        prop::option::of(text().prop_map(Audience::One)),
    )
        .prop_map(|(sub, tenant, roles, ttl, age, iss, aud)| ActorClaims {
            sub,
            tenant,
            roles,
            exp: T0 / 1000 + ttl,
            nbf: None,
            iat: age.map(|a| T0 / 1000 - a),
            iss,
            aud,
        })
}

fn invitation_claims() -> impl Strategy<Value = InvitationClaims> {
    (text(), text(), text(), "[a-f0-9]{8,32}").prop_map(|(sub, tenant, email, inv)| InvitationClaims { sub, tenant, email, inv, iat: 0, iat_ms: None })
}

/// One-byte edits of a token: replace a byte (by another ASCII byte), drop it, or insert one.
#[derive(Debug, Clone)]
enum Edit {
    Replace(Index, u8),
    Drop(Index),
    Insert(Index, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<Index>(), 0u8..0x80).prop_map(|(i, b)| Edit::Replace(i, b)),
        1 => any::<Index>().prop_map(Edit::Drop),
        1 => (any::<Index>(), 0u8..0x80).prop_map(|(i, b)| Edit::Insert(i, b)),
    ]
}

/// The edited token, or none when the edit changes nothing.
fn apply(token: &str, e: &Edit) -> Option<String> {
    let mut bytes = token.as_bytes().to_vec();
    match *e {
        Edit::Replace(i, b) => {
            let i = i.index(bytes.len());
            if bytes[i] == b {
                return None;
            }
            bytes[i] = b;
        }
        Edit::Drop(i) => {
            bytes.remove(i.index(bytes.len()));
        }
        Edit::Insert(i, b) => bytes.insert(i.index(bytes.len() + 1), b),
    }
    Some(String::from_utf8(bytes).unwrap())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn actor_token_round_trips(claims in actor_claims(), kid in any::<Index>()) {
        let ring = keyring();
        let token = ring.sign_actor(&claims, Some(KIDS[kid.index(2)])).unwrap();
        prop_assert_eq!(ring.verify_actor(&token, T0).unwrap(), claims);
    }

    #[test]
    fn invitation_token_round_trips(claims in invitation_claims(), sent in 0u64..4_000_000_000_000, ttl in 1_000u64..=31_536_000_000, later in any::<Index>()) {
        let ring = keyring();
        let token = ring.sign_invitation(&claims, sent, None).unwrap();
        // Valid from issue through the whole window, to the millisecond.
        let at = sent + later.index(ttl as usize + 1) as u64;
        let got = ring.verify_invitation(&token, at, ttl).unwrap();
        prop_assert_eq!(got, InvitationClaims { iat: sent / 1000, iat_ms: Some(sent), ..claims });
        prop_assert!(ring.verify_invitation(&token, sent + ttl + 1, ttl).is_err(), "expired one millisecond later");
    }

    #[test]
    fn any_single_byte_change_to_a_signed_token_is_refused(actor in actor_claims(), invite in invitation_claims(), e in edit()) {
        let ring = keyring();
        let token = ring.sign_actor(&actor, None).unwrap();
        if let Some(bad) = apply(&token, &e) {
            prop_assert!(ring.verify_actor(&bad, T0).is_err(), "accepted {:?} of {}", e, token);
        }
        let link = ring.sign_invitation(&invite, T0, Some("k2")).unwrap();
        if let Some(bad) = apply(&link, &e) {
            prop_assert!(ring.verify_invitation(&bad, T0, 3_600_000).is_err(), "accepted {:?} of {}", e, link);
        }
    }
}
