//! HS256 actor tokens and invitation links: every refusal has its reason.
#![cfg(feature = "token")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rolegate::{ActorClaims, Audience, InvitationClaims, Keyring, KeyringOptions};
use serde_json::json;

const K1: &str = "k1-secret-k1-secret-k1-secret-k1-secret";
const K2: &str = "k2-secret-k2-secret-k2-secret-k2-secret";
const NOW: u64 = 1_790_000_000_000;
const NOW_S: u64 = NOW / 1000;

fn ring(keys: &[(&str, &str)]) -> Keyring {
    ring_with(keys, KeyringOptions::default())
}

fn ring_with(keys: &[(&str, &str)], options: KeyringOptions) -> Keyring {
    Keyring::new(keys.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), options).unwrap()
}

fn claims() -> ActorClaims {
    ActorClaims {
        sub: "u1".into(),
        tenant: "acme".into(),
        roles: vec!["UserManager".into()],
        exp: NOW_S + 600,
        nbf: None,
        iat: Some(NOW_S),
        iss: None,
        aud: None,
    }
}

fn reason(r: Result<impl std::fmt::Debug, rolegate::TokenError>) -> &'static str {
    let e = r.unwrap_err();
    assert_eq!(e.code(), "invalid_token", "{e:?}");
    e.reason().unwrap().code()
}

/// A token with the given header and payload, signed with `key`.
fn forge(header: serde_json::Value, payload: serde_json::Value, key: &str) -> String {
    forge_text(&header.to_string(), &payload.to_string(), key)
}

/// A token signed over exactly this header and payload text.
fn forge_text(header: &str, payload: &str, key: &str) -> String {
    use hmac::{Hmac, Mac};
    let signed = format!("{}.{}", B64.encode(header), B64.encode(payload));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    format!("{signed}.{}", B64.encode(mac.finalize().into_bytes()))
}

#[test]
fn a_signed_actor_token_verifies() {
    let r = ring(&[("k1", K1)]);
    let t = r.sign_actor(&claims(), None).unwrap();
    assert_eq!(r.verify_actor(&t, NOW).unwrap(), claims());
}

#[test]
fn keys_rotate_by_kid() {
    let old = ring(&[("k1", K1)]);
    let both = ring(&[("k1", K1), ("k2", K2)]);
    let new = ring(&[("k2", K2)]);
    let t1 = old.sign_actor(&claims(), Some("k1")).unwrap();
    let t2 = both.sign_actor(&claims(), Some("k2")).unwrap();
    assert!(both.verify_actor(&t1, NOW).is_ok());
    assert!(both.verify_actor(&t2, NOW).is_ok());
    assert_eq!(reason(new.verify_actor(&t1, NOW)), "unknown_kid", "a retired key is refused");
}

#[test]
fn the_first_key_given_signs_when_no_kid_is_named() {
    let t = ring(&[("k2", K2), ("k1", K1)]).sign_actor(&claims(), None).unwrap();
    assert!(ring(&[("k2", K2)]).verify_actor(&t, NOW).is_ok());
    assert_eq!(reason(ring(&[("k1", K1)]).verify_actor(&t, NOW)), "unknown_kid");
}

#[test]
fn a_kid_given_twice_is_refused() {
    let keys = vec![("k1".to_string(), K1.to_string()), ("k1".to_string(), K2.to_string())];
    let e = Keyring::new(keys, KeyringOptions::default()).unwrap_err();
    assert_eq!(e.code(), "invalid_key");
    assert!(!e.message().contains(K1) && !e.message().contains(K2));
}

#[test]
fn without_kid_only_a_single_key_ring_verifies() {
    let h = json!({ "alg": "HS256", "typ": "JWT" });
    let t = forge(h, serde_json::to_value(claims()).unwrap(), K1);
    assert!(ring(&[("k1", K1)]).verify_actor(&t, NOW).is_ok());
    assert_eq!(reason(ring(&[("k1", K1), ("k2", K2)]).verify_actor(&t, NOW)), "unknown_kid");
}

#[test]
fn algorithms_other_than_hs256_are_refused() {
    let r = ring(&[("k1", K1)]);
    let payload = serde_json::to_value(claims()).unwrap();
    for alg in ["none", "HS512", "RS256", "hs256", ""] {
        let t = forge(json!({ "alg": alg, "kid": "k1" }), payload.clone(), K1);
        assert_eq!(reason(r.verify_actor(&t, NOW)), "alg_not_allowed", "{alg}");
    }
    let unsigned = format!("{}.{}.", B64.encode(r#"{"alg":"none"}"#), B64.encode(payload.to_string()));
    assert_eq!(reason(r.verify_actor(&unsigned, NOW)), "alg_not_allowed");
}

#[test]
fn a_tampered_token_is_refused() {
    let r = ring(&[("k1", K1)]);
    let t = r.sign_actor(&claims(), None).unwrap();
    let mut parts: Vec<&str> = t.split('.').collect();
    let admin = B64.encode(serde_json::to_string(&ActorClaims { roles: vec!["CustomerAdmin".into()], ..claims() }).unwrap());
    parts[1] = &admin;
    assert_eq!(reason(r.verify_actor(&parts.join("."), NOW)), "bad_signature");
    let other = ring(&[("k1", K2)]).sign_actor(&claims(), None).unwrap();
    assert_eq!(reason(r.verify_actor(&other, NOW)), "bad_signature");
}

#[test]
fn malformed_tokens_are_refused() {
    let r = ring(&[("k1", K1)]);
    let long = "a".repeat(9000);
    for t in ["", "abc", "a.b", "a.b.c.d", "!!!.???.###", &long, "eyJhbGciOiJIUzI1NiJ9.e30"] {
        assert_eq!(reason(r.verify_actor(t, NOW)), "malformed", "{t:.20}");
    }
    let crit = forge(json!({ "alg": "HS256", "kid": "k1", "crit": ["exp"] }), json!({}), K1);
    assert_eq!(reason(r.verify_actor(&crit, NOW)), "malformed");
}

#[test]
fn claims_of_the_wrong_shape_are_refused() {
    let r = ring(&[("k1", K1)]);
    let h = json!({ "alg": "HS256", "typ": "JWT", "kid": "k1" });
    let good = serde_json::to_value(claims()).unwrap();
    let mut cases = vec![];
    for (key, bad) in [("sub", json!(1)), ("sub", json!("")), ("roles", json!("Admin")), ("roles", json!([1])), ("exp", json!("soon")), ("exp", json!(1.5)), ("tenant", json!(null))] {
        let mut p = good.clone();
        p[key] = bad;
        cases.push(p);
    }
    let mut no_exp = good.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    cases.push(no_exp);
    for p in cases {
        assert_eq!(reason(r.verify_actor(&forge(h.clone(), p.clone(), K1), NOW)), "invalid_claims", "{p}");
    }
}

#[test]
fn expiry_and_not_before_use_a_leeway() {
    let r = ring(&[("k1", K1)]);
    let exp = ActorClaims { exp: NOW_S, ..claims() };
    let t = r.sign_actor(&exp, None).unwrap();
    assert!(r.verify_actor(&t, NOW + 60_000).is_ok(), "within 60 s leeway");
    assert_eq!(reason(r.verify_actor(&t, NOW + 60_001)), "expired");
    let early = r.sign_actor(&ActorClaims { nbf: Some(NOW_S + 120), ..claims() }, None).unwrap();
    assert_eq!(reason(r.verify_actor(&early, NOW)), "not_yet_valid");
    assert!(r.verify_actor(&early, NOW + 60_000).is_ok());
    let strict = ring_with(&[("k1", K1)], KeyringOptions { leeway_sec: Some(0), ..Default::default() });
    assert_eq!(reason(strict.verify_actor(&t, NOW + 1)), "expired");
}

#[test]
fn issuer_and_audience_are_checked_when_configured() {
    let opts = KeyringOptions { issuer: Some("https://id.example".into()), audience: Some("admin-api".into()), ..Default::default() };
    let r = ring_with(&[("k1", K1)], opts);
    let ok = ActorClaims { iss: Some("https://id.example".into()), aud: Some(Audience::Many(vec!["other".into(), "admin-api".into()])), ..claims() };
    assert!(r.verify_actor(&r.sign_actor(&ok, None).unwrap(), NOW).is_ok());
    let bad_iss = ActorClaims { iss: Some("https://evil.example".into()), ..ok.clone() };
    assert_eq!(reason(r.verify_actor(&r.sign_actor(&bad_iss, None).unwrap(), NOW)), "issuer_mismatch");
    let bad_aud = ActorClaims { aud: Some(Audience::One("other".into())), ..ok };
    assert_eq!(reason(r.verify_actor(&r.sign_actor(&bad_aud, None).unwrap(), NOW)), "audience_mismatch");
}

fn invitation() -> InvitationClaims {
    InvitationClaims { sub: "u9".into(), tenant: "acme".into(), email: "u9@example.com".into(), inv: "inv-1".into(), iat: 0, iat_ms: None }
}

#[test]
fn invitation_links_are_valid_through_the_window_and_expired_one_millisecond_later() {
    let r = ring(&[("inv", K1)]);
    let ttl = 24 * 3_600_000;
    let t = r.sign_invitation(&invitation(), NOW, None).unwrap();
    let c = r.verify_invitation(&t, NOW + ttl, ttl).unwrap();
    assert_eq!((c.inv.as_str(), c.iat), ("inv-1", NOW_S));
    let e = r.verify_invitation(&t, NOW + ttl + 1, ttl).unwrap_err();
    assert_eq!(e.code(), "invitation_expired");
}

#[test]
fn an_invitation_record_and_its_link_expire_at_the_same_millisecond() {
    // Sent mid-second: the record's window and the link's (its `iatMs`) count from the same millisecond.
    let p = rolegate::Policy::from_json(include_str!("../examples/product-b.json")).unwrap();
    let r = ring(&[("inv", K1)]);
    let sent = NOW + 830;
    let record = p.invite(&rolegate::AccountRecord::default(), sent).unwrap();
    let link = r.sign_invitation(&invitation(), sent, None).unwrap();
    let last = p.account_status(&record, sent).expires_at.unwrap();
    assert_eq!(p.account_status(&record, last).status, rolegate::Status::Invited);
    assert!(r.verify_invitation(&link, last, p.invitation_ttl_ms).is_ok());
    assert_eq!(p.account_status(&record, last + 1).status, rolegate::Status::ExpiredInvitation);
    assert_eq!(r.verify_invitation(&link, last + 1, p.invitation_ttl_ms).unwrap_err().code(), "invitation_expired");
}

#[test]
fn actor_and_invitation_tokens_are_never_confused() {
    let r = ring(&[("k1", K1)]);
    let inv = r.sign_invitation(&invitation(), NOW, None).unwrap();
    assert_eq!(reason(r.verify_actor(&inv, NOW)), "wrong_type");
    let actor = r.sign_actor(&claims(), None).unwrap();
    assert_eq!(reason(r.verify_invitation(&actor, NOW, 1000)), "wrong_type");
    // A purpose claim under an actor typ is still the wrong type.
    let mut p = serde_json::to_value(claims()).unwrap();
    p["purpose"] = json!("invitation");
    assert_eq!(reason(r.verify_actor(&forge(json!({ "alg": "HS256", "typ": "JWT" }), p, K1), NOW)), "wrong_type");
}

#[test]
fn short_or_missing_keys_are_refused_and_never_printed() {
    let e = Keyring::new([("k1".to_string(), "tiny-s3cret".to_string())].into(), KeyringOptions::default()).unwrap_err();
    assert_eq!(e.code(), "invalid_key");
    assert!(!e.message().contains("tiny-s3cret"));
    assert_eq!(Keyring::new(Default::default(), KeyringOptions::default()).unwrap_err().code(), "invalid_key");
    assert!(!format!("{:?}", ring(&[("k1", K1)])).contains(K1));
}

#[test]
fn claims_the_verifier_would_refuse_are_not_signed() {
    let r = ring(&[("k1", K1)]);
    let e = r.sign_actor(&ActorClaims { sub: String::new(), ..claims() }, None).unwrap_err();
    assert_eq!((e.code(), e.path()), ("invalid_request", Some("claims.sub")));
    let e = r.sign_invitation(&InvitationClaims { tenant: String::new(), ..invitation() }, NOW, None).unwrap_err();
    assert_eq!((e.code(), e.path()), ("invalid_request", Some("claims.tenant")));
}

#[test]
fn a_claim_or_header_member_named_twice_makes_the_token_malformed() {
    // A JWT library that keeps the first `roles` would read other roles than we would.
    let r = ring(&[("k1", K1)]);
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let payload = r#"{"sub":"u1","tenant":"acme","roles":["User"],"exp":2000000000,"roles":["CustomerAdmin"]}"#;
    assert_eq!(reason(r.verify_actor(&forge_text(header, payload, K1), NOW)), "malformed");
    let header = r#"{"alg":"HS256","typ":"JWT","alg":"none"}"#;
    let payload = r#"{"sub":"u1","tenant":"acme","roles":["User"],"exp":2000000000}"#;
    assert_eq!(reason(r.verify_actor(&forge_text(header, payload, K1), NOW)), "malformed");
    assert!(r.verify_actor(&forge_text(r#"{"alg":"HS256","typ":"JWT"}"#, payload, K1), NOW).is_ok(), "the control verifies");
}

#[test]
fn actor_tokens_accept_only_the_jwt_types() {
    let r = ring(&[("k1", K1)]);
    let payload = serde_json::to_value(claims()).unwrap();
    for typ in ["JWT", "jwt", "at+jwt"] {
        assert!(r.verify_actor(&forge(json!({ "alg": "HS256", "typ": typ }), payload.clone(), K1), NOW).is_ok(), "{typ}");
    }
    assert!(r.verify_actor(&forge(json!({ "alg": "HS256" }), payload.clone(), K1), NOW).is_ok(), "typ is optional");
    for typ in ["foo", "invite+jwt", "JOSE", ""] {
        assert_eq!(reason(r.verify_actor(&forge(json!({ "alg": "HS256", "typ": typ }), payload.clone(), K1), NOW)), "wrong_type", "{typ}");
    }
}
