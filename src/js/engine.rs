//! The numbers-only protocol the JS layer answers by-name calls with: role sets compiled from ids, decisions on
//! them as outcome numbers, and the explained decision only for a refusal. Internal to the package.

use wasm_bindgen::prelude::*;

use crate::grant::Allowed;
use crate::input::{Expected, InputError, InputKind};
use crate::permissions;

use super::error::throw;
use super::input::flag;
use super::policy::{Engine, explained, ids, written};

/// A role set compiled once; `allows` is then a bounds-checked array read with numbers only.
#[wasm_bindgen]
pub struct RoleSet {
    pub(super) inner: permissions::RoleSet,
}

#[wasm_bindgen]
impl RoleSet {
    /// Ids from `policy.featureId` / `policy.levelId`, above the no-access level. Numbers only cross here, so
    /// what is not an id is refused rather than read as 0: `undefined` or a level name becomes NaN, and
    /// `null`, `false` or `""` become level 0, the no-access level every set holds (so asking for it is refused
    /// too: it is always true).
    pub fn allows(&self, feature: f64, level: f64) -> bool {
        let Some(&held) = id(feature).and_then(|f| self.inner.levels().get(f)) else {
            throw(InputError::new("feature", InputKind::NotFeatureId))
        };
        match id(level) {
            Some(l) if l > 0 => usize::from(held) >= l,
            _ => throw(InputError::new("level", InputKind::NotLevelId)),
        }
    }

    /// Winning level id per feature, policy order.
    pub fn levels(&self) -> Vec<u8> {
        self.inner.levels().to_vec()
    }
}

/// A count of other administrators as it crosses: a whole number, or -1 when the caller does not know it.
fn count(value: f64) -> Option<usize> {
    match id(value) {
        Some(n) => Some(n),
        None if value == -1.0 => None,
        None => throw(InputError::new("others", InputKind::Expected(Expected::WholeNumber))),
    }
}

/// A dense id: a whole number from 0 (ids are small: features and levels are bounded by the policy limits).
fn id(value: f64) -> Option<usize> {
    (value >= 0.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX)).then_some(value as usize)
}

#[wasm_bindgen]
impl Engine {
    /// A compiled set from role ids (positions in `roles()`; others are ignored): the JS layer maps names to
    /// ids itself, so only numbers cross.
    #[wasm_bindgen(js_name = roleSetOf)]
    pub fn role_set_of(&self, ids: &[u32]) -> RoleSet {
        RoleSet { inner: self.inner.role_set(ids.iter().map(|&id| id as usize)) }
    }

    /// The fast path of `checkGrant` on compiled sets (for a new user, `target` is the empty set). `same_user`
    /// arrives as a number: `true`/`false` read as 1/0, anything else is refused.
    #[wasm_bindgen(js_name = allowsGrant)]
    pub fn allows_grant(&self, actor: &RoleSet, target: &RoleSet, requested: &RoleSet, same_user: f64) -> bool {
        self.inner.allows_grant(&actor.inner, Some(&target.inner), &requested.inner, flag(same_user, "sameUser"))
    }

    /// `checkGrant` on compiled sets, in one call: why it is allowed (its number in `grant::KEYS`, from 1), or,
    /// refused, the address of its words in wasm memory (see [`written`]; an address is never that small). The
    /// fast path decides first and stops at the first refusal; only a refusal is walked again for every reason.
    /// `unknown`: how many requested names the policy does not know (their reasons point into the caller's list
    /// of them); `admins`: how many other enabled users of the tenant hold `userAdmin` (-1: not known).
    #[wasm_bindgen(js_name = grantOf)]
    pub fn grant_of(&self, actor: &RoleSet, target: &RoleSet, requested: &RoleSet, same_user: f64, unknown: u32, admins: f64) -> u32 {
        let (same, admins) = (flag(same_user, "sameUser"), count(admins));
        let (actor, target, requested) = (&actor.inner, Some(&target.inner), &requested.inner);
        let allowed = if unknown == 0 { self.inner.grant_outcome(actor, target, requested, same, admins) } else { None };
        allowed.map_or_else(|| written(&self.inner.explain_grant(actor, target, requested, unknown as usize, same, admins)), Allowed::number)
    }

    /// `checkRemove` on compiled sets, as `grantOf`.
    #[wasm_bindgen(js_name = removeOf)]
    pub fn remove_of(&self, actor: &RoleSet, target: &RoleSet, same_user: f64, admins: f64) -> u32 {
        let (same, admins) = (flag(same_user, "sameUser"), count(admins));
        let allowed = self.inner.remove_outcome(&actor.inner, &target.inner, same, admins);
        allowed.map_or_else(|| written(&self.inner.explain_remove(&actor.inner, &target.inner, same, admins)), Allowed::number)
    }

    /// `checkInvite` on compiled sets, as `grantOf`.
    #[wasm_bindgen(js_name = inviteOf)]
    pub fn invite_of(&self, actor: &RoleSet, target: &RoleSet) -> u32 {
        let allowed = self.inner.invite_outcome(&actor.inner, &target.inner);
        allowed.map_or_else(|| written(&self.inner.explain_invite(&actor.inner, &target.inner)), Allowed::number)
    }

    /// The wasm memory, where the JS layer reads decisions' words in place.
    pub fn memory() -> JsValue {
        wasm_bindgen::memory()
    }

    /// `explain` for a compiled set.
    #[wasm_bindgen(js_name = explainOf)]
    pub fn explain_of(&self, set: &RoleSet) -> Vec<u32> {
        explained(&self.inner, &set.inner)
    }

    /// `grantableRoles` for a compiled set: role ids.
    #[wasm_bindgen(js_name = grantableOf)]
    pub fn grantable_of(&self, actor: &RoleSet) -> Vec<u32> {
        ids(self.inner.grantable(&actor.inner))
    }
}
