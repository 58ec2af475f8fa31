//! HS256 tokens: actor tokens (who is asking) and invitation links (who may accept). Verification order:
//! shape, algorithm, type, key, signature (constant time, RustCrypto), then claims and times.

use base64ct::{Base64UrlUnpadded, Encoding};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::account::Millis;
use crate::grant::role_names;
use crate::input::{self, Input, InputError, InputKind};
use crate::json::{self, Value, child};

/// Longest token accepted; anything longer is malformed before any decoding.
pub const MAX_TOKEN_LEN: usize = 8192;
/// Shortest secret accepted: HS256 wants at least 256 bits.
pub const MIN_KEY_LEN: usize = 32;
const ACTOR_TYPES: &[&str] = &["JWT", "at+jwt"];
const INVITE_TYPE: &str = "invite+jwt";
const INVITE_PURPOSE: &str = "invitation";
const MAX_LEEWAY_SEC: u64 = 3600;

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyringOptions {
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (default 60, at most 3600).
    pub leeway_sec: Option<u32>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

impl KeyringOptions {
    /// Reads `{ leewaySec?, issuer?, audience? }`; unknown fields are refused.
    pub fn from_json<I: Input>(value: I, path: &str) -> Result<KeyringOptions, InputError> {
        input::only(&value, path, &["leewaySec", "issuer", "audience"])?;
        let leeway_sec = match input::optional_field(&value, path, "leewaySec", input::whole)? {
            Some(n) if n > MAX_LEEWAY_SEC => return Err(InputError::new(child(path, "leewaySec"), InputKind::AtMostSeconds(MAX_LEEWAY_SEC))),
            n => n.and_then(|n| u32::try_from(n).ok()),
        };
        Ok(KeyringOptions {
            leeway_sec,
            issuer: input::optional_field(&value, path, "issuer", input::string)?,
            audience: input::optional_field(&value, path, "audience", input::string)?,
        })
    }
}

/// Reads `{ kid: secret }` (document order).
pub fn keys_from_json<I: Input>(value: I) -> Result<Vec<(String, String)>, InputError> {
    input::value(&value, "keys", input::object)?;
    value
        .member_names()
        .into_iter()
        .filter_map(|kid| Some((value.member(&kid)?, kid)))
        .map(|(secret, kid)| {
            let secret = input::value(&secret, &child("keys", &kid), input::string)?;
            Ok((kid, secret))
        })
        .collect()
}

/// Claims of an actor token (times in JWT seconds).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorClaims {
    pub sub: String,
    pub tenant: String,
    pub roles: Vec<String>,
    pub exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// A string or an array of strings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
}

/// The `aud` claim: one audience (a string) or several (an array of strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}


/// What an invitation link binds: user, tenant, email, invitation id (a resend replaces it) and issue time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationClaims {
    pub sub: String,
    pub tenant: String,
    pub email: String,
    pub inv: String,
    /// Issue time, JWT seconds (set by signing).
    pub iat: u64,
    /// The same in milliseconds (set by signing; claim `iatMs`): the link expires at the same millisecond as the
    /// invitation it carries, whose window counts from the invite time in milliseconds.
    #[serde(rename = "iatMs", skip_serializing_if = "Option::is_none")]
    pub iat_ms: Option<Millis>,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'a str,
    kid: &'a str,
}

#[derive(Serialize)]
struct InvitationBody<'a> {
    #[serde(flatten)]
    claims: &'a InvitationClaims,
    purpose: &'a str,
}

impl ActorClaims {
    /// Reads actor claims (`sub`, `tenant`, `roles`, `exp` required; `nbf`, `iat`, `iss`, `aud` optional).
    pub fn from_json<I: Input>(value: I, path: &str) -> Result<ActorClaims, InputError> {
        input::value(&value, path, input::object)?;
        let aud = match input::optional(&value, "aud").map(|v| v.text()) {
            None => None,
            Some(Some(one)) => Some(Audience::One(one)),
            Some(None) => Some(Audience::Many(input::field(&value, path, "aud", role_names)?)),
        };
        Ok(ActorClaims {
            sub: input::field(&value, path, "sub", input::name)?,
            tenant: input::field(&value, path, "tenant", input::name)?,
            roles: input::field(&value, path, "roles", role_names)?,
            exp: input::field(&value, path, "exp", input::whole)?,
            nbf: input::optional_field(&value, path, "nbf", input::whole)?,
            iat: input::optional_field(&value, path, "iat", input::whole)?,
            iss: input::optional_field(&value, path, "iss", input::string)?,
            aud,
        })
    }
}

impl InvitationClaims {
    /// Reads invitation claims (`sub`, `tenant`, `email`, `inv` required, non-empty; `iat` optional here).
    pub fn from_json<I: Input>(value: I, path: &str) -> Result<InvitationClaims, InputError> {
        input::value(&value, path, input::object)?;
        let name = |key: &'static str| input::field(&value, path, key, input::name);
        Ok(InvitationClaims {
            sub: name("sub")?,
            tenant: name("tenant")?,
            email: name("email")?,
            inv: name("inv")?,
            iat: input::optional_field(&value, path, "iat", input::whole)?.unwrap_or(0),
            iat_ms: input::optional_field(&value, path, "iatMs", input::whole)?,
        })
    }
}

/// HMAC keys by `kid`, so keys can rotate: sign with one, verify with any.
#[derive(Clone)]
pub struct Keyring {
    /// In the order given, kids unique: the first is the default signing key.
    keys: Vec<(String, Vec<u8>)>,
    leeway_ms: u64,
    issuer: Option<String>,
    audience: Option<String>,
}

impl std::fmt::Debug for Keyring {
    /// Names the key ids only: secrets never reach logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("kids", &self.keys.iter().map(|(kid, _)| kid).collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

/// Why a token or key was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// `invalid_token`, with why (its `reason`); `invitation` when the token was read as an invitation link.
    Invalid { reason: TokenReason, invitation: bool },
    /// `invitation_expired`: the link's window is over (ask for a new one).
    InvitationExpired,
    /// `invalid_key`: a key the keyring refuses.
    InvalidKey(KeyProblem),
    /// `unknown_kid`: no key of that id to sign with.
    UnknownSigningKey,
    /// `invalid_request`: claims or options that are not what a token carries.
    Input(InputError),
}

/// Why a token is invalid (the error's `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenReason {
    Malformed,
    AlgNotAllowed,
    UnknownKid,
    BadSignature,
    Expired,
    NotYetValid,
    WrongType,
    InvalidClaims,
    IssuerMismatch,
    AudienceMismatch,
}

/// What is wrong with the keys given to a keyring.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// Not a JSON object of key id to secret.
    NotKeys,
    /// No key at all.
    NoKeys,
    /// A key id empty or longer than 128 characters.
    KidLength,
    /// The secret of this key id is shorter than [`MIN_KEY_LEN`] bytes.
    ShortSecret(String),
    /// This key id is given twice.
    DuplicateKid(String),
}

impl TokenError {
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Invalid { .. } => "invalid_token",
            TokenError::InvitationExpired => "invitation_expired",
            TokenError::InvalidKey(_) => "invalid_key",
            TokenError::UnknownSigningKey => "unknown_kid",
            TokenError::Input(e) => e.code(),
        }
    }

    /// For `invalid_token`: why (`malformed`, `expired`, ...).
    pub fn reason(&self) -> Option<TokenReason> {
        match self {
            TokenError::Invalid { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// For `invalid_request`: where.
    pub fn path(&self) -> Option<&str> {
        match self {
            TokenError::Input(e) => Some(&e.path),
            _ => None,
        }
    }

    /// What went wrong, in words; never a secret.
    pub fn message(&self) -> String {
        let text = match self {
            TokenError::Input(e) => return e.message(),
            TokenError::InvalidKey(KeyProblem::ShortSecret(kid)) => {
                return ["key '", kid, "' is shorter than ", &crate::input::decimal(MIN_KEY_LEN as u64), " bytes"].concat();
            }
            TokenError::InvalidKey(KeyProblem::DuplicateKid(kid)) => return ["key id '", kid, "' is given twice"].concat(),
            TokenError::InvalidKey(KeyProblem::NotKeys) => "keys must be a JSON object of key id to secret",
            TokenError::InvalidKey(KeyProblem::NoKeys) => "at least one key is required",
            TokenError::InvalidKey(KeyProblem::KidLength) => "key ids must be 1 to 128 characters",
            TokenError::InvitationExpired => "the invitation expired: ask for a new one",
            TokenError::UnknownSigningKey => "no such key to sign with",
            TokenError::Invalid { reason, invitation } => match (reason, invitation) {
                (TokenReason::Malformed, _) => "the token is malformed",
                (TokenReason::AlgNotAllowed, _) => "only HS256 tokens are accepted",
                (TokenReason::UnknownKid, _) => "the token's key is not known",
                (TokenReason::BadSignature, _) => "the token's signature does not match",
                (TokenReason::Expired, _) => "the token has expired",
                (TokenReason::NotYetValid, false) => "the token is not valid yet",
                (TokenReason::NotYetValid, true) => "the invitation is not valid yet",
                (TokenReason::WrongType, false) => "not an actor token",
                (TokenReason::WrongType, true) => "not an invitation token",
                (TokenReason::InvalidClaims, false) => "the token's claims are malformed",
                (TokenReason::InvalidClaims, true) => "the invitation's claims are malformed",
                (TokenReason::IssuerMismatch, _) => "the token's issuer is not accepted",
                (TokenReason::AudienceMismatch, _) => "the token is not meant for this audience",
            },
        };
        text.to_string()
    }
}

impl TokenReason {
    pub fn code(self) -> &'static str {
        match self {
            TokenReason::Malformed => "malformed",
            TokenReason::AlgNotAllowed => "alg_not_allowed",
            TokenReason::UnknownKid => "unknown_kid",
            TokenReason::BadSignature => "bad_signature",
            TokenReason::Expired => "expired",
            TokenReason::NotYetValid => "not_yet_valid",
            TokenReason::WrongType => "wrong_type",
            TokenReason::InvalidClaims => "invalid_claims",
            TokenReason::IssuerMismatch => "issuer_mismatch",
            TokenReason::AudienceMismatch => "audience_mismatch",
        }
    }
}

impl From<InputError> for TokenError {
    fn from(e: InputError) -> Self {
        TokenError::Input(e)
    }
}

type Result<T, E = TokenError> = std::result::Result<T, E>;

/// An actor token refused for `reason`.
fn invalid(reason: TokenReason) -> TokenError {
    TokenError::Invalid { reason, invitation: false }
}

/// An invitation link refused for `reason`.
fn invalid_link(reason: TokenReason) -> TokenError {
    TokenError::Invalid { reason, invitation: true }
}

impl Keyring {
    /// Keys as (kid, secret) pairs; the first signs when no kid is named.
    pub fn new(keys: Vec<(String, String)>, options: KeyringOptions) -> Result<Keyring> {
        if keys.is_empty() {
            return Err(TokenError::InvalidKey(KeyProblem::NoKeys));
        }
        for (kid, secret) in &keys {
            if kid.is_empty() || kid.len() > 128 {
                return Err(TokenError::InvalidKey(KeyProblem::KidLength));
            }
            if secret.len() < MIN_KEY_LEN {
                return Err(TokenError::InvalidKey(KeyProblem::ShortSecret(kid.clone())));
            }
            if keys.iter().filter(|(k, _)| k == kid).count() > 1 {
                return Err(TokenError::InvalidKey(KeyProblem::DuplicateKid(kid.clone())));
            }
        }
        Ok(Keyring {
            keys: keys.into_iter().map(|(k, v)| (k, v.into_bytes())).collect(),
            leeway_ms: u64::from(options.leeway_sec.unwrap_or(60)) * 1000,
            issuer: options.issuer,
            audience: options.audience,
        })
    }

    /// Verifies an actor token at `now`.
    pub fn verify_actor(&self, token: &str, now: Millis) -> Result<ActorClaims> {
        let (typ, payload) = self.open(token)?;
        if !typ.as_deref().is_none_or(|t| ACTOR_TYPES.iter().any(|a| a.eq_ignore_ascii_case(t))) {
            return Err(invalid(TokenReason::WrongType));
        }
        if payload.get("purpose").is_some() {
            return Err(invalid(TokenReason::WrongType));
        }
        let claims = ActorClaims::from_json(&payload, "").map_err(|_| invalid(TokenReason::InvalidClaims))?;
        if now > secs(claims.exp).saturating_add(self.leeway_ms) {
            return Err(invalid(TokenReason::Expired));
        }
        let early = |t: Option<u64>| t.is_some_and(|t| secs(t) > now.saturating_add(self.leeway_ms));
        if early(claims.nbf) || early(claims.iat) {
            return Err(invalid(TokenReason::NotYetValid));
        }
        if let Some(iss) = &self.issuer
            && claims.iss.as_ref() != Some(iss)
        {
            return Err(invalid(TokenReason::IssuerMismatch));
        }
        if let Some(aud) = &self.audience {
            let ok = match &claims.aud {
                Some(Audience::One(s)) => s == aud,
                Some(Audience::Many(items)) => items.contains(aud),
                None => false,
            };
            if !ok {
                return Err(invalid(TokenReason::AudienceMismatch));
            }
        }
        Ok(claims)
    }

    /// Signs an actor token (for tests, tools and demos; real deployments sign at their identity provider).
    /// Claims the verifier would refuse (an empty `sub`, say) are refused here, by the same reader.
    pub fn sign_actor(&self, claims: &ActorClaims, kid: Option<&str>) -> Result<String> {
        self.seal("JWT", claims, kid, |payload| ActorClaims::from_json(payload, "claims").map(drop))
    }

    /// Verifies an invitation link: valid while `now <= iatMs + ttl` (`iat * 1000 + ttl` for a link without
    /// `iatMs`), expired (`invitation_expired`) after.
    pub fn verify_invitation(&self, token: &str, now: Millis, ttl_ms: u64) -> Result<InvitationClaims> {
        let (typ, payload) = self.open(token)?;
        if typ.as_deref() != Some(INVITE_TYPE) {
            return Err(invalid_link(TokenReason::WrongType));
        }
        if payload.get("purpose").and_then(Value::as_str) != Some(INVITE_PURPOSE) {
            return Err(invalid_link(TokenReason::WrongType));
        }
        let bad = || invalid_link(TokenReason::InvalidClaims);
        if payload.get("iat").is_none() {
            return Err(bad());
        }
        let c = InvitationClaims::from_json(&payload, "").map_err(|_| bad())?;
        // Milliseconds when the link carries them (they must fall in its `iat` second), else `iat`'s second.
        let issued = match c.iat_ms {
            Some(ms) if ms / 1000 == c.iat => ms,
            Some(_) => return Err(bad()),
            None => secs(c.iat),
        };
        if issued > now.saturating_add(self.leeway_ms) {
            return Err(invalid_link(TokenReason::NotYetValid));
        }
        if now > issued.saturating_add(ttl_ms) {
            return Err(TokenError::InvitationExpired);
        }
        Ok(c)
    }

    /// Signs an invitation link issued at `now`: `iat` in JWT seconds (rounded down), `iatMs` to the millisecond.
    pub fn sign_invitation(&self, claims: &InvitationClaims, now: Millis, kid: Option<&str>) -> Result<String> {
        let claims = InvitationClaims { iat: now / 1000, iat_ms: Some(now), ..claims.clone() };
        let body = InvitationBody { claims: &claims, purpose: INVITE_PURPOSE };
        self.seal(INVITE_TYPE, &body, kid, |payload| InvitationClaims::from_json(payload, "claims").map(drop))
    }

    fn key(&self, kid: &str) -> Option<&(String, Vec<u8>)> {
        self.keys.iter().find(|(k, _)| k == kid)
    }

    /// Checks shape, algorithm, key and signature; returns the header's `typ` and the parsed payload.
    fn open(&self, token: &str) -> Result<(Option<String>, Value)> {
        let malformed = || invalid(TokenReason::Malformed);
        if token.len() > MAX_TOKEN_LEN {
            return Err(malformed());
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(malformed());
        };
        let header = parse(h).ok_or_else(malformed)?;
        let header = header.as_object().ok_or_else(malformed)?;
        let text = |key: &str| match header.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(malformed()),
        };
        let (alg, typ, kid) = (text("alg")?, text("typ")?, text("kid")?);
        if alg != Some("HS256") {
            return Err(invalid(TokenReason::AlgNotAllowed));
        }
        if header.contains_key("crit") {
            return Err(malformed());
        }
        let key = match kid {
            Some(kid) => self.key(kid).map(|(_, key)| key),
            None if self.keys.len() == 1 => self.keys.first().map(|(_, key)| key),
            None => None,
        }
        .ok_or_else(|| invalid(TokenReason::UnknownKid))?;
        let signature = decode(s).ok_or_else(malformed)?;
        let signed = token.get(..h.len() + 1 + p.len()).ok_or_else(malformed)?;
        mac(key).chain_update(signed.as_bytes()).verify_slice(&signature).map_err(|_| invalid(TokenReason::BadSignature))?;
        let payload = parse(p).ok_or_else(malformed)?;
        if !payload.is_object() {
            return Err(malformed());
        }
        Ok((typ.map(str::to_string), payload))
    }

    /// Signs `claims` once `check` accepts them as the verifier will read them.
    fn seal(
        &self,
        typ: &str,
        claims: &impl Serialize,
        kid: Option<&str>,
        check: fn(&Value) -> Result<(), InputError>,
    ) -> Result<String> {
        let payload = to_json(claims);
        let value: Value = std::str::from_utf8(&payload).ok().and_then(|text| json::parse(text).ok()).unwrap_or_default();
        check(&value)?;
        let (kid, key) = match kid {
            Some(kid) => self.key(kid),
            None => self.keys.first(),
        }
        .ok_or(TokenError::UnknownSigningKey)?;
        let header = Header { alg: "HS256", typ, kid };
        let signed = format!("{}.{}", encode(&to_json(&header)), encode(&payload));
        let signature = mac(key).chain_update(signed.as_bytes()).finalize().into_bytes();
        Ok(format!("{signed}.{}", encode(&signature)))
    }
}

/// Our own claim and header types always serialize (string keys, no floats); were one not to, its empty text
/// would fail the claims check before anything is signed.
fn to_json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this never fails; an empty MAC would only fail verification.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()))
}

/// A base64url segment holding JSON text.
fn parse(part: &str) -> Option<Value> {
    String::from_utf8(decode(part)?).ok().and_then(|text| json::parse(&text).ok())
}

/// base64url without padding, canonical only (a changed last character never decodes to the same bytes).
fn decode(part: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(part).ok()
}

fn encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn secs(t: u64) -> Millis {
    t.saturating_mul(1000)
}
