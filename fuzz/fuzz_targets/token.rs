//! Token parsing and verification. First input byte 0: the rest is a token (seeds are valid tokens); any
//! token accepted must carry a correct HMAC (checked independently here) in canonical encoding. Otherwise
//! the rest builds claims and edits: a token signed by the core verifies as signed, and once changed never does.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use rolegate::json::Value;
use rolegate::{ActorClaims, InvitationClaims, Keyring, KeyringOptions};
use rolegate_fuzz::KEYS;
use sha2::Sha256;
use std::sync::LazyLock;

const NOW: u64 = 1_790_000_000_000;
const TTL: u64 = 86_400_000;

static RING: LazyLock<Keyring> = LazyLock::new(|| {
    Keyring::new(KEYS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), KeyringOptions::default()).unwrap()
});

/// Independent check: some key's HMAC-SHA256 of `header.payload` is the signature, encoded canonically.
fn signed_by_a_key(token: &str) -> bool {
    let Some((signed, sig)) = token.rsplit_once('.') else { return false };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(sig) else { return false };
    URL_SAFE_NO_PAD.encode(&bytes) == sig
        && KEYS.iter().any(|(_, key)| {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(signed.as_bytes());
            mac.verify_slice(&bytes).is_ok()
        })
}

#[derive(Arbitrary, Debug)]
struct Tamper {
    sub: String,
    tenant: String,
    roles: Vec<String>,
    exp_in: u16,
    invitation: bool,
    kid: bool,
    edits: Vec<(u16, u8)>,
}

fn tamper(t: Tamper) {
    let ring = &*RING;
    let kid = Some(if t.kid { "k2" } else { "k1" });
    // Signing refuses exactly the claims the verifier's readers refuse.
    let (token, valid) = if t.invitation {
        let c = InvitationClaims { sub: t.sub.clone(), tenant: t.tenant, email: t.sub, inv: "i1".into(), iat: NOW / 1000, iat_ms: None };
        let valid = InvitationClaims::from_json(&Value::from(&serde_json::to_value(&c).unwrap()), "").is_ok();
        (ring.sign_invitation(&c, NOW, kid), valid)
    } else {
        let c = ActorClaims { sub: t.sub, tenant: t.tenant, roles: t.roles, exp: NOW / 1000 + u64::from(t.exp_in), nbf: None, iat: None, iss: None, aud: None };
        let valid = ActorClaims::from_json(&Value::from(&serde_json::to_value(&c).unwrap()), "").is_ok();
        (ring.sign_actor(&c, kid), valid)
    };
    assert_eq!(token.is_ok(), valid, "signing and the claims readers disagree: {token:?}");
    let Ok(token) = token else { return };
    let mut bytes = token.clone().into_bytes();
    for (at, b) in t.edits.iter().take(4) {
        if bytes.is_empty() {
            break;
        }
        let i = usize::from(*at) % (bytes.len() + 1);
        match b >> 7 {
            0 if i < bytes.len() => bytes[i] = *b,
            0 => bytes.push(*b),
            _ if i < bytes.len() => drop(bytes.remove(i)),
            _ => bytes.insert(i, b & 0x7f),
        }
    }
    let Ok(changed) = String::from_utf8(bytes) else { return };
    let accepted = if t.invitation { ring.verify_invitation(&changed, NOW, TTL).is_ok() } else { ring.verify_actor(&changed, NOW).is_ok() };
    if changed == token {
        assert_eq!(accepted, token.len() <= rolegate::token::MAX_TOKEN_LEN, "a token as signed: {token}");
    } else {
        assert!(!accepted, "accepted a changed token: {changed} (signed: {token})");
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0, rest)) => {
            let Ok(token) = std::str::from_utf8(rest) else { return };
            for now in [NOW, 0, u64::MAX] {
                let actor = RING.verify_actor(token, now);
                let invite = RING.verify_invitation(token, now, TTL);
                if actor.is_ok() || invite.is_ok() {
                    assert!(signed_by_a_key(token), "accepted without a valid signature: {token}");
                }
                for e in [actor.err(), invite.err()].into_iter().flatten() {
                    assert!(matches!(e.code(), "invalid_token" | "invitation_expired"), "{e:?}");
                }
            }
        }
        Some((_, rest)) => {
            if let Ok(t) = Tamper::arbitrary(&mut Unstructured::new(rest)) {
                tamper(t);
            }
        }
        None => {}
    }
});
