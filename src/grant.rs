//! Grant validation: nobody hands out more access than they hold, nobody changes their own roles, and users
//! above the actor are protected. One rule walk serves both the explained decision and the boolean fast path.
//! Decisions are data: an [`Allowed`] kind, or [`Reason`]s with ids into the policy, numbered for the wire
//! ([`KEYS`]); words are the caller's.

use std::ops::ControlFlow;

use serde::Serialize;

use crate::input::{self, Expected, Fault, Input, InputError, InputKind};
use crate::json::index;

use crate::permissions::RoleSet;
use crate::policy::{FeatureId, GrantRule, Level, MAX_ROLES, Policy, RoleId};

/// A user as the rules see them: an id and the role names they hold. Other fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub id: String,
    pub roles: Vec<String>,
}

/// `target` absent or null means a new user; `roles` is the requested final role set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantRequest {
    pub actor: Member,
    pub target: Option<Member>,
    pub roles: Vec<String>,
    /// The tenant's other enabled users, when known: then taking `userAdmin` from the last user holding it is
    /// refused (`last_admin`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub others: Option<Others>,
}

/// An action by `actor` on an existing `target` (remove, invite, disable, enable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetRequest {
    pub actor: Member,
    pub target: Member,
    /// As [`GrantRequest::others`] (remove and disable; enabling or inviting takes nothing away).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub others: Option<Others>,
}

/// The tenant's other enabled users, for the rule that the last administrator stays: the users themselves
/// (`{ id, roles }`; the target, if listed, is not counted), or how many of them hold the policy's `userAdmin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Others {
    Users(Vec<Member>),
    Admins(u64),
}

impl Member {
    /// Reads `{ id, roles }` (other members, such as a user's name or account, are ignored).
    pub fn from_json<I: Input>(value: I, path: &str) -> Result<Member, InputError> {
        input::value(&value, path, input::object)?;
        Ok(Member { id: input::field(&value, path, "id", input::name)?, roles: input::field(&value, path, "roles", role_names)? })
    }
}

impl GrantRequest {
    /// Reads `{ actor, target, roles }`; `target` absent or null means a new user. Unknown members are refused.
    pub fn from_json<I: Input>(value: I) -> Result<GrantRequest, InputError> {
        input::only(&value, "", &["actor", "target", "roles", "others"])?;
        Ok(GrantRequest {
            actor: Member::from_json(member(&value, "actor")?, "actor")?,
            target: input::optional(&value, "target").map(|t| Member::from_json(t, "target")).transpose()?,
            roles: input::field(&value, "", "roles", role_names)?,
            others: Others::from_json(&value)?,
        })
    }
}

impl TargetRequest {
    /// Reads `{ actor, target }`. Unknown members are refused.
    pub fn from_json<I: Input>(value: I) -> Result<TargetRequest, InputError> {
        input::only(&value, "", &["actor", "target", "others"])?;
        Ok(TargetRequest {
            actor: Member::from_json(member(&value, "actor")?, "actor")?,
            target: Member::from_json(member(&value, "target")?, "target")?,
            others: Others::from_json(&value)?,
        })
    }
}

impl Others {
    /// Reads a request's optional `others`: an array of `{ id, roles }`, or a whole number.
    fn from_json<I: Input>(request: &I) -> Result<Option<Others>, InputError> {
        let Some(value) = input::optional(request, "others") else { return Ok(None) };
        if let Some(count) = value.whole() {
            return Ok(Some(Others::Admins(count)));
        }
        let items = value.items().ok_or_else(|| InputError::new("others", InputKind::Expected(Expected::Members)))?;
        let users = items.into_iter().enumerate().map(|(i, user)| Member::from_json(user, &index("others", i)));
        Ok(Some(Others::Users(users.collect::<Result<_, _>>()?)))
    }
}

/// Role names: an array of at most [`MAX_ROLES`] strings.
pub(crate) fn role_names<I: Input>(value: &I) -> Result<Vec<String>, Fault> {
    input::strings(value, MAX_ROLES)
}

/// A required member of a request, as it is (its reader places its own errors).
fn member<I: Input>(obj: &I, key: &'static str) -> Result<I, InputError> {
    obj.member(key).ok_or_else(|| InputError::new(key, InputKind::MissingField(key)))
}

/// Why a request is refused: a stable code and what it concerns, as ids into the policy (names, labels and
/// words are the caller's: the JS layer words them from a message catalog, Rust callers through
/// [`Policy::describe`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// `not_user_admin`: administering users needs the policy's `userAdmin` level of `feature`.
    NotUserAdmin { feature: FeatureId, needed: Level, held: Level },
    /// `self_role_change`: nobody changes their own roles.
    SelfRoleChange,
    /// `self_remove`: nobody removes, disables or enables themselves.
    SelfRemove,
    /// `unknown_role`: a requested role the policy does not know, by its place among the request's unknown
    /// names (distinct, first seen first: [`Policy::unknown_roles`]).
    UnknownRole { name: usize },
    /// `target_outranks_actor`: the target has `feature` at `needed`, above the actor's `held`.
    TargetAbove { feature: FeatureId, needed: Level, held: Level },
    /// `target_outranks_actor` in rank mode: the target's rank is beyond what the actor's (none: unranked) manages.
    TargetOutranks { needed: u32, held: Option<u32> },
    /// `role_not_held`: only a holder of `role` may grant it (grant rule `held`).
    RoleNotHeld { role: RoleId },
    /// `rank_too_high`: `role` is ranked beyond what the actor's rank may grant (grant rule `rank`).
    RankTooHigh { role: RoleId, needed: u32, held: Option<u32> },
    /// `permission_not_held`: `role` gives `feature` at `needed`, above the actor's `held` (grant rule `covered`).
    PermissionNotHeld { role: RoleId, feature: FeatureId, needed: Level, held: Level },
    /// `last_admin`: the change takes the policy's `userAdmin` (`feature` at `needed`) from the last enabled
    /// user of the tenant holding it; a tenant must not lock itself out.
    LastAdmin { feature: FeatureId, needed: Level },
    /// `unknown_target_role`: the target holds a role name the policy does not know (by its place among the
    /// target's unknown names: [`Policy::unknown_roles`]), which could stand for any access; only a full
    /// administrator may act on such a user.
    UnknownTargetRole { name: usize },
}

/// A decision: allowed (and why), or refused with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allowed(Allowed),
    Refused(Vec<Reason>),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed(_))
    }

    /// Every refusal reason (none when allowed).
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Decision::Allowed(_) => &[],
            Decision::Refused(reasons) => reasons,
        }
    }
}

/// Why an allowed decision is allowed (its one `allowed` reason). The fast paths return it so a caller can
/// build the same allowed decision the explained path would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    NothingAdded,
    HeldRoles,
    WithinRank,
    CoveredRoles,
    AdministersTarget,
}

/// Message keys by number, as the wire numbers them: 0 is no key (refused), then [`Allowed`] from 1 in
/// declaration order, then [`Reason`] kinds. A message catalog is keyed by these (`code.variant` where one code
/// has several wordings), so a new reason is one variant here and one message per catalog.
pub const KEYS: [&str; 17] = [
    "",
    "allowed.nothing_added",
    "allowed.held_roles",
    "allowed.within_rank",
    "allowed.covered_roles",
    "allowed.administers_target",
    "not_user_admin",
    "self_role_change",
    "self_remove",
    "unknown_role",
    "target_outranks_actor",
    "target_outranks_actor.rank",
    "role_not_held",
    "rank_too_high",
    "permission_not_held",
    "last_admin",
    "unknown_target_role",
];

/// A wire word for "nothing here" (a reason without a role, a feature, a rank).
pub const NONE: u32 = u32::MAX;
/// A wire word for "no rank" (an actor holding no ranked role).
pub const NO_RANK: u32 = u32::MAX - 1;
/// Set on a reason's role word when it is an index into the request's unknown names, not a role id.
pub const UNKNOWN: u32 = 1 << 31;
/// Set on a reason's role word when it is an index into the target's unknown names.
pub const FOREIGN: u32 = 1 << 30;

impl Allowed {
    /// Every kind, in the order of their numbers (see [`Allowed::number`]).
    pub const ALL: [Allowed; 5] =
        [Allowed::NothingAdded, Allowed::HeldRoles, Allowed::WithinRank, Allowed::CoveredRoles, Allowed::AdministersTarget];

    /// 1-based position in [`Allowed::ALL`] (declaration order), so that 0 can mean "refused" where only a
    /// number crosses; also its place in [`KEYS`].
    pub fn number(self) -> u32 {
        self as u32 + 1
    }

    /// The message key (`allowed.held_roles`); the reason's code is `allowed`.
    pub fn key(self) -> &'static str {
        KEYS.get(self.number() as usize).copied().unwrap_or_default()
    }
}

impl Reason {
    /// Its number on the wire, its place in [`KEYS`].
    pub fn number(&self) -> u32 {
        match self {
            Reason::NotUserAdmin { .. } => 6,
            Reason::SelfRoleChange => 7,
            Reason::SelfRemove => 8,
            Reason::UnknownRole { .. } => 9,
            Reason::TargetAbove { .. } => 10,
            Reason::TargetOutranks { .. } => 11,
            Reason::RoleNotHeld { .. } => 12,
            Reason::RankTooHigh { .. } => 13,
            Reason::PermissionNotHeld { .. } => 14,
            Reason::LastAdmin { .. } => 15,
            Reason::UnknownTargetRole { .. } => 16,
        }
    }

    /// The message key: the code, or `code.variant` where a code has several wordings.
    pub fn key(&self) -> &'static str {
        KEYS.get(self.number() as usize).copied().unwrap_or_default()
    }

    /// The stable code, such as `role_not_held`.
    pub fn code(&self) -> &'static str {
        let key = self.key();
        key.split_once('.').map_or(key, |(code, _)| code)
    }

    /// The reason as the wire carries it: `[number, role, feature, needed, held]`. The role word is a role id,
    /// or [`UNKNOWN`] (or [`FOREIGN`]) plus an index into the request's (the target's) unknown names; with a feature, `needed` and `held` are its level
    /// ids; without one, ranks ([`NO_RANK`]: unranked). [`NONE`] where there is nothing.
    pub fn words(&self) -> [u32; 5] {
        let id = |v: usize| u32::try_from(v).unwrap_or(NONE);
        let rank = |r: Option<u32>| r.unwrap_or(NO_RANK);
        let (role, feature, needed, held) = match *self {
            Reason::SelfRoleChange | Reason::SelfRemove => (NONE, NONE, NONE, NONE),
            Reason::UnknownRole { name } => (UNKNOWN | id(name), NONE, NONE, NONE),
            Reason::UnknownTargetRole { name } => (FOREIGN | id(name), NONE, NONE, NONE),
            Reason::NotUserAdmin { feature, needed, held } | Reason::TargetAbove { feature, needed, held } => {
                (NONE, id(feature), u32::from(needed), u32::from(held))
            }
            Reason::TargetOutranks { needed, held } => (NONE, NONE, needed, rank(held)),
            Reason::RoleNotHeld { role } => (id(role), NONE, NONE, NONE),
            Reason::RankTooHigh { role, needed, held } => (id(role), NONE, needed, rank(held)),
            Reason::PermissionNotHeld { role, feature, needed, held } => (id(role), id(feature), u32::from(needed), u32::from(held)),
            Reason::LastAdmin { feature, needed } => (NONE, id(feature), u32::from(needed), NONE),
        };
        [self.number(), role, feature, needed, held]
    }
}

/// Receives refusals: either collects them all or stops at the first.
trait Verdict {
    fn refuse(&mut self, reason: Reason) -> ControlFlow<()>;
}

/// Collects every reason (the explained decision).
struct Collect(Vec<Reason>);

impl Verdict for Collect {
    fn refuse(&mut self, reason: Reason) -> ControlFlow<()> {
        self.0.push(reason);
        ControlFlow::Continue(())
    }
}

/// Stops at the first refusal (the fast path).
struct Gate;

impl Verdict for Gate {
    fn refuse(&mut self, _: Reason) -> ControlFlow<()> {
        ControlFlow::Break(())
    }
}

/// Runs a rule walk collecting every refusal: refused with all of them, or allowed for `allowed`'s reason.
fn decide(walk: impl FnOnce(&mut Collect) -> ControlFlow<()>, allowed: Allowed) -> Decision {
    let mut collect = Collect(Vec::new());
    let _ = walk(&mut collect);
    match collect.0.is_empty() {
        true => Decision::Allowed(allowed),
        false => Decision::Refused(collect.0),
    }
}

/// Runs a rule walk stopping at the first refusal: `allowed` when nothing refused.
fn gate(walk: impl FnOnce(&mut Gate) -> ControlFlow<()>, allowed: Allowed) -> Option<Allowed> {
    walk(&mut Gate).is_continue().then_some(allowed)
}

impl Policy {
    /// May `actor` give the target (or a new user, when `target` is none) exactly the requested roles?
    /// The actor's role names the policy does not know grant nothing ([`Policy::unknown_roles`] lists them); a
    /// target holding one is refused (`unknown_target_role`) unless the actor is a full administrator.
    pub fn check_grant(&self, req: &GrantRequest) -> Decision {
        let (actor, _) = self.resolve(&req.actor.roles);
        let target = req.target.as_ref().map(|t| self.resolve(&t.roles));
        let (requested, unknown) = self.resolve(&req.roles);
        let same_user = req.target.as_ref().is_some_and(|t| t.id == req.actor.id);
        let admins = req.others.as_ref().map(|o| self.other_admins(o, req.target.as_ref()));
        let foreign = target.as_ref().map_or(0, |t| t.1.len());
        let target = target.as_ref().map(|t| &t.0);
        let grant = Grant { actor: &actor, target, requested: &requested, unknown: unknown.len(), foreign, same_user, admins };
        decide(|v| self.grant_rules(&grant, v), self.grant_allowed(target, &requested))
    }

    /// [`Policy::check_grant`] on compiled sets; `unknown`: how many requested names are not in the policy;
    /// `admins`: how many other enabled users of the tenant hold `userAdmin`, when known.
    pub fn explain_grant(
        &self,
        actor: &RoleSet,
        target: Option<&RoleSet>,
        requested: &RoleSet,
        unknown: usize,
        same_user: bool,
        admins: Option<usize>,
    ) -> Decision {
        let grant = Grant { actor, target, requested, unknown, foreign: 0, same_user, admins };
        decide(|v| self.grant_rules(&grant, v), self.grant_allowed(target, requested))
    }

    /// The fast path of [`Policy::check_grant`] on compiled sets: why it is allowed, or none when refused.
    pub fn grant_outcome(&self, actor: &RoleSet, target: Option<&RoleSet>, requested: &RoleSet, same_user: bool, admins: Option<usize>) -> Option<Allowed> {
        let grant = Grant { actor, target, requested, unknown: 0, foreign: 0, same_user, admins };
        gate(|v| self.grant_rules(&grant, v), self.grant_allowed(target, requested))
    }

    /// [`Policy::grant_outcome`] as a yes or no, without the tenant's other users.
    pub fn allows_grant(&self, actor: &RoleSet, target: Option<&RoleSet>, requested: &RoleSet, same_user: bool) -> bool {
        self.grant_outcome(actor, target, requested, same_user, None).is_some()
    }

    /// May `actor` delete (or disable, or enable) `target`?
    /// Unknown role names are treated as in [`Policy::check_grant`].
    pub fn check_remove(&self, req: &TargetRequest) -> Decision {
        let ((actor, _), (target, foreign)) = (self.resolve(&req.actor.roles), self.resolve(&req.target.roles));
        let admins = req.others.as_ref().map(|o| self.other_admins(o, Some(&req.target)));
        let same_user = req.actor.id == req.target.id;
        decide(|v| self.remove_rules(&actor, (&target, foreign.len()), same_user, admins, v), Allowed::AdministersTarget)
    }

    /// [`Policy::check_remove`] on compiled sets; `admins` as [`Policy::explain_grant`].
    pub fn explain_remove(&self, actor: &RoleSet, target: &RoleSet, same_user: bool, admins: Option<usize>) -> Decision {
        decide(|v| self.remove_rules(actor, (target, 0), same_user, admins, v), Allowed::AdministersTarget)
    }

    /// The fast path of [`Policy::check_remove`].
    pub fn remove_outcome(&self, actor: &RoleSet, target: &RoleSet, same_user: bool, admins: Option<usize>) -> Option<Allowed> {
        gate(|v| self.remove_rules(actor, (target, 0), same_user, admins, v), Allowed::AdministersTarget)
    }

    /// How many of the tenant's other enabled users hold `userAdmin` (`target`, if listed among them, is not one).
    pub fn other_admins(&self, others: &Others, target: Option<&Member>) -> usize {
        let users = match others {
            Others::Admins(n) => return usize::try_from(*n).unwrap_or(usize::MAX),
            Others::Users(users) => users,
        };
        let (feature, level) = self.user_admin;
        let other = |u: &&Member| target.is_none_or(|t| t.id != u.id);
        users.iter().filter(other).filter(|u| self.resolve(&u.roles).0.allows(feature, level)).count()
    }

    /// Whether a change leaving the target with `after` (none: removed or disabled) takes `userAdmin` from it.
    pub fn takes_user_admin(&self, target: &RoleSet, after: Option<&RoleSet>) -> bool {
        let (feature, level) = self.user_admin;
        target.allows(feature, level) && !after.is_some_and(|a| a.allows(feature, level))
    }

    /// May `actor` send (or resend) an invitation to `target`?
    /// Unknown role names are treated as in [`Policy::check_grant`].
    pub fn check_invite(&self, req: &TargetRequest) -> Decision {
        let ((actor, _), (target, foreign)) = (self.resolve(&req.actor.roles), self.resolve(&req.target.roles));
        decide(|v| self.invite_rules(&actor, (&target, foreign.len()), v), Allowed::AdministersTarget)
    }

    /// [`Policy::check_invite`] on compiled sets.
    pub fn explain_invite(&self, actor: &RoleSet, target: &RoleSet) -> Decision {
        decide(|v| self.invite_rules(actor, (target, 0), v), Allowed::AdministersTarget)
    }

    /// The fast path of [`Policy::check_invite`].
    pub fn invite_outcome(&self, actor: &RoleSet, target: &RoleSet) -> Option<Allowed> {
        gate(|v| self.invite_rules(actor, (target, 0), v), Allowed::AdministersTarget)
    }

    /// A full administrator covers everything the policy can give: every feature at its top level and, under
    /// `grantRule: "rank"`, the highest rank of any role. Only they may act on a user holding a role name the
    /// policy does not know (whose access nobody can tell), so that such drift can be cleaned up.
    pub fn is_full_administrator(&self, actor: &RoleSet) -> bool {
        let top = self.features.iter().zip(&actor.levels).all(|(f, &l)| l == f.top());
        let ranked = match self.grant_rule {
            GrantRule::Rank(_) => self.roles.iter().all(|r| r.rank <= actor.rank),
            _ => true,
        };
        top && ranked
    }

    /// May `actor` edit this policy? They need its `policyAdmin` permission, or, when it names none, to be a
    /// [full administrator](Policy::is_full_administrator). Saving a new document is decided against it too.
    pub fn may_edit_policy(&self, actor: &RoleSet) -> bool {
        match self.policy_admin {
            Some((f, l)) => actor.levels.get(f).is_some_and(|&held| held >= l),
            None => self.is_full_administrator(actor),
        }
    }

    /// Roles `actor` may give a new user, in policy order (what a role editor offers).
    pub fn grantable_roles(&self, actor: &Member) -> Vec<&str> {
        self.grantable(&self.resolve(&actor.roles).0).into_iter().map(|r| self.role_name(r)).collect()
    }

    /// [`Policy::grantable_roles`] for a compiled set, as role ids.
    pub fn grantable(&self, actor: &RoleSet) -> Vec<RoleId> {
        (0..self.roles.len()).filter(|&r| self.allows_grant(actor, None, &self.role_set([r]), false)).collect()
    }

    fn grant_allowed(&self, target: Option<&RoleSet>, requested: &RoleSet) -> Allowed {
        match (added(target, requested).next().is_some(), self.grant_rule) {
            (false, _) => Allowed::NothingAdded,
            (_, GrantRule::Held) => Allowed::HeldRoles,
            (_, GrantRule::Rank(_)) => Allowed::WithinRank,
            (_, GrantRule::Covered) => Allowed::CoveredRoles,
        }
    }

    fn remove_rules(&self, actor: &RoleSet, target: Target<'_>, same_user: bool, admins: Option<usize>, v: &mut impl Verdict) -> ControlFlow<()> {
        self.admin_rule(actor, v)?;
        if same_user {
            v.refuse(Reason::SelfRemove)?;
        }
        self.protect_rule(actor, target, v)?;
        self.last_admin_rule(target.0, None, admins, v)
    }

    /// The last administrator stays: with the tenant's other users known, a change that takes `userAdmin` from
    /// its target is refused when nobody else holds it.
    fn last_admin_rule(&self, target: &RoleSet, after: Option<&RoleSet>, admins: Option<usize>, v: &mut impl Verdict) -> ControlFlow<()> {
        if admins != Some(0) || !self.takes_user_admin(target, after) {
            return ControlFlow::Continue(());
        }
        let (feature, needed) = self.user_admin;
        v.refuse(Reason::LastAdmin { feature, needed })
    }

    fn invite_rules(&self, actor: &RoleSet, target: Target<'_>, v: &mut impl Verdict) -> ControlFlow<()> {
        self.admin_rule(actor, v)?;
        self.protect_rule(actor, target, v)
    }

    fn grant_rules(&self, grant: &Grant<'_>, v: &mut impl Verdict) -> ControlFlow<()> {
        let Grant { actor, target, requested, unknown, foreign, same_user, admins } = *grant;
        self.admin_rule(actor, v)?;
        if same_user {
            v.refuse(Reason::SelfRoleChange)?;
        }
        for name in 0..unknown {
            v.refuse(Reason::UnknownRole { name })?;
        }
        if let Some(target) = target {
            self.protect_rule(actor, (target, foreign), v)?;
            self.last_admin_rule(target, Some(requested), admins, v)?;
        }
        // Only roles being added are checked; removing roles needs only the checks above.
        for role in added(target, requested) {
            self.grant_rule_for(actor, role, v)?;
        }
        ControlFlow::Continue(())
    }

    fn admin_rule(&self, actor: &RoleSet, v: &mut impl Verdict) -> ControlFlow<()> {
        let (feature, needed) = self.user_admin;
        if actor.allows(feature, needed) {
            return ControlFlow::Continue(());
        }
        v.refuse(Reason::NotUserAdmin { feature, needed, held: actor.level(feature) })
    }

    /// Users above the actor are protected: their access must be covered (or outranked, in rank mode). A role
    /// name the policy does not know could give anything, so its holder is refused to all but a full administrator
    /// (whatever `protectHigherUsers` says: such drift is a mistake to clean up, not a user to act on).
    fn protect_rule(&self, actor: &RoleSet, (target, foreign): Target<'_>, v: &mut impl Verdict) -> ControlFlow<()> {
        if foreign > 0 && !self.is_full_administrator(actor) {
            for name in 0..foreign {
                v.refuse(Reason::UnknownTargetRole { name })?;
            }
        }
        if !self.protect_higher_users {
            return ControlFlow::Continue(());
        }
        if let GrantRule::Rank(order) = self.grant_rule {
            return match target.rank.filter(|_| !order.permits_ranks(actor.rank, target.rank)) {
                None => ControlFlow::Continue(()),
                Some(needed) => v.refuse(Reason::TargetOutranks { needed, held: actor.rank }),
            };
        }
        match actor.first_uncovered(&target.levels) {
            None => ControlFlow::Continue(()),
            Some((feature, needed, held)) => v.refuse(Reason::TargetAbove { feature, needed, held }),
        }
    }

    fn grant_rule_for(&self, actor: &RoleSet, role: RoleId, v: &mut impl Verdict) -> ControlFlow<()> {
        let Some(def) = self.roles.get(role) else { return ControlFlow::Continue(()) };
        match self.grant_rule {
            GrantRule::Held => {
                let held = actor.roles.iter().filter_map(|&a| self.roles.get(a)).any(|a| a.closure.binary_search(&role).is_ok());
                if held {
                    return ControlFlow::Continue(());
                }
                v.refuse(Reason::RoleNotHeld { role })
            }
            GrantRule::Rank(order) => match def.rank.filter(|_| !order.permits_ranks(actor.rank, def.rank)) {
                None => ControlFlow::Continue(()),
                Some(needed) => v.refuse(Reason::RankTooHigh { role, needed, held: actor.rank }),
            },
            GrantRule::Covered => {
                for (feature, (&needed, &held)) in def.levels.iter().zip(&actor.levels).enumerate() {
                    if needed > held {
                        v.refuse(Reason::PermissionNotHeld { role, feature, needed, held })?;
                    }
                }
                ControlFlow::Continue(())
            }
        }
    }
}

/// A grant as the rule walk reads it: the sets, how many requested (and target) names are unknown, whether the
/// actor is the target, and how many other administrators the tenant has (when known).
#[derive(Clone, Copy)]
struct Grant<'a> {
    actor: &'a RoleSet,
    target: Option<&'a RoleSet>,
    requested: &'a RoleSet,
    unknown: usize,
    /// How many role names the target holds that the policy does not know (compiled sets: none).
    foreign: usize,
    same_user: bool,
    admins: Option<usize>,
}

/// A target as the rules see it: its known roles, compiled, and how many role names it holds that the policy
/// does not know (on compiled sets, none: the JS layer sends such a target by name).
type Target<'a> = (&'a RoleSet, usize);

/// The requested roles the target does not hold yet (all of them for a new user): the ones a grant adds.
fn added<'a>(target: Option<&'a RoleSet>, requested: &'a RoleSet) -> impl Iterator<Item = RoleId> + 'a {
    requested.roles.iter().copied().filter(move |&r| !target.is_some_and(|t| t.holds(r)))
}

/// Reasons as people read them: for Rust callers (native builds only; the JS layer words reasons from its
/// message catalogs, so none of this text is in the wasm).
#[cfg(not(target_arch = "wasm32"))]
mod described {
    use super::{Allowed, Reason};
    use crate::policy::{FeatureId, Level, Policy};

    /// A reason with the names, levels and ranks it concerns, as the JS layer's reason objects carry them;
    /// `Display` words it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Described {
        pub code: &'static str,
        pub role: Option<String>,
        pub feature: Option<String>,
        /// Level (or rank) the rule needs.
        pub needed: Option<String>,
        /// Level (or rank) the actor holds (`none`: no rank).
        pub held: Option<String>,
        message: String,
    }

    impl std::fmt::Display for Described {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.message)
        }
    }

    impl std::fmt::Display for Allowed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(match self {
                Allowed::NothingAdded => "no roles are added",
                Allowed::HeldRoles => "you hold every role being added",
                Allowed::WithinRank => "every role being added is within your rank",
                Allowed::CoveredRoles => "your own access covers every role being added",
                Allowed::AdministersTarget => "you administer users and your access covers this user's",
            })
        }
    }

    impl Policy {
        /// `reason` with its names: `unknown` and `foreign` are the request's and the target's role names not in
        /// the policy ([`Policy::unknown_roles`]), which `unknown_role` and `unknown_target_role` point into.
        pub fn describe(&self, reason: &Reason, unknown: &[&str], foreign: &[&str]) -> Described {
            let role = |r: usize| Some(self.role_name(r).to_string());
            let rank = |r: Option<u32>| r.map_or_else(|| "none".to_string(), |r| r.to_string());
            let level = |f: FeatureId, l: Level| self.level_name(f, l).to_string();
            let label = |f: FeatureId| self.features.get(f).map_or("", |x| x.label.as_str()).to_string();
            let mut d = Described { code: reason.code(), role: None, feature: None, needed: None, held: None, message: String::new() };
            d.message = match *reason {
                Reason::NotUserAdmin { feature, needed, held } => {
                    let l = label(feature);
                    format!("administering users needs {l}: {}; you have {l}: {}", level(feature, needed), level(feature, held))
                }
                Reason::SelfRoleChange => "you cannot change your own roles".into(),
                Reason::SelfRemove => "you cannot remove, disable or enable yourself".into(),
                Reason::UnknownRole { name } => {
                    d.role = unknown.get(name).map(|n| n.to_string());
                    format!("'{}' is not a role of this policy", d.role.as_deref().unwrap_or_default())
                }
                Reason::TargetAbove { feature, needed, held } => {
                    let l = label(feature);
                    format!("this user has {l}: {}, above your {l}: {}", level(feature, needed), level(feature, held))
                }
                Reason::TargetOutranks { needed, held } => {
                    format!("this user's rank ({needed}) is above the ranks you may manage (your rank: {})", rank(held))
                }
                Reason::RoleNotHeld { role: r } => {
                    d.role = role(r);
                    format!("only someone who holds '{}' can grant it, and you do not", self.role_name(r))
                }
                Reason::RankTooHigh { role: r, needed, held } => {
                    d.role = role(r);
                    format!("'{}' (rank {needed}) is ranked above what you may grant (your rank: {})", self.role_name(r), rank(held))
                }
                Reason::PermissionNotHeld { role: r, feature, needed, held } => {
                    d.role = role(r);
                    let l = label(feature);
                    format!("'{}' gives {l}: {}; you have {l}: {}", self.role_name(r), level(feature, needed), level(feature, held))
                }
                Reason::UnknownTargetRole { name } => {
                    d.role = foreign.get(name).map(|n| n.to_string());
                    format!(
                        "this user holds '{}', which is not a role of this policy: only a full administrator may act on them",
                        d.role.as_deref().unwrap_or_default()
                    )
                }
                Reason::LastAdmin { feature, needed } => {
                    d.feature = Some(self.feature_name(feature).to_string());
                    d.needed = Some(level(feature, needed));
                    format!("the tenant would have no enabled user left with {}: {}, who administers users", label(feature), level(feature, needed))
                }
            };
            match *reason {
                Reason::NotUserAdmin { feature, needed, held }
                | Reason::TargetAbove { feature, needed, held }
                | Reason::PermissionNotHeld { feature, needed, held, .. } => {
                    d.feature = Some(self.feature_name(feature).to_string());
                    (d.needed, d.held) = (Some(level(feature, needed)), Some(level(feature, held)));
                }
                Reason::TargetOutranks { needed, held } | Reason::RankTooHigh { needed, held, .. } => {
                    (d.needed, d.held) = (Some(needed.to_string()), Some(rank(held)));
                }
                _ => {}
            }
            d
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use described::Described;
