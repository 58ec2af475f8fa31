//! HMAC-SHA256 keys by `kid`, for actor tokens and invitation links (feature `token`).

use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::json;
use crate::token::{self, ActorClaims, InvitationClaims, KeyProblem, KeyringOptions, TokenError};

use super::input::{json, millis, string};

#[wasm_bindgen]
pub struct Keyring {
    inner: token::Keyring,
}

#[wasm_bindgen]
impl Keyring {
    /// `keys`: `{ kid: secret }` or its JSON text; secrets are at least 32 bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(keys: JsValue, options: Option<Object>) -> Result<Keyring, Error> {
        let keys = match keys.as_string() {
            Some(text) => json::parse(&text).map_err(|_| TokenError::InvalidKey(KeyProblem::NotKeys))?,
            None => json(&keys, "keys")?,
        };
        let keys = token::keys_from_json(&keys)?;
        let options = match options {
            Some(o) => KeyringOptions::from_json(&json(&o, "options")?, "options")?,
            None => KeyringOptions::default(),
        };
        Ok(Keyring { inner: token::Keyring::new(keys, options)? })
    }

    #[wasm_bindgen(js_name = verifyActor)]
    pub fn verify_actor(&self, token: JsValue, now_ms: JsValue) -> Result<JsValue, Error> {
        Ok(to_js(&self.inner.verify_actor(&string(token, "token")?, millis(now_ms, "nowMs")?)?))
    }

    #[wasm_bindgen(js_name = signActor)]
    pub fn sign_actor(&self, claims: JsValue, kid: JsValue) -> Result<String, Error> {
        let claims = ActorClaims::from_json(&json(&claims, "claims")?, "claims")?;
        Ok(self.inner.sign_actor(&claims, self::kid(kid)?.as_deref())?)
    }

    #[wasm_bindgen(js_name = verifyInvitation)]
    pub fn verify_invitation(&self, token: JsValue, now_ms: JsValue, ttl_ms: JsValue) -> Result<JsValue, Error> {
        let token = string(token, "token")?;
        Ok(to_js(&self.inner.verify_invitation(&token, millis(now_ms, "nowMs")?, millis(ttl_ms, "ttlMs")?)?))
    }

    #[wasm_bindgen(js_name = signInvitation)]
    pub fn sign_invitation(&self, claims: JsValue, now_ms: JsValue, kid: JsValue) -> Result<String, Error> {
        let claims = InvitationClaims::from_json(&json(&claims, "claims")?, "claims")?;
        Ok(self.inner.sign_invitation(&claims, millis(now_ms, "nowMs")?, self::kid(kid)?.as_deref())?)
    }
}

/// Claims as plain JS data, through JSON text (`JSON.parse` builds them natively; the token code needs a JSON
/// writer for the tokens anyway).
fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value).ok().and_then(|text| js_sys::JSON::parse(&text).ok()).unwrap_or(JsValue::UNDEFINED)
}

/// An optional key id: absent (`undefined` or `null`) or a string.
fn kid(value: JsValue) -> Result<Option<String>, Error> {
    if value.is_undefined() || value.is_null() { Ok(None) } else { Ok(Some(string(value, "kid")?)) }
}
