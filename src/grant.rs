//! Grant validation: nobody hands out more access than they hold, nobody changes their own roles, and users
//! above the actor are protected. One rule walk serves both the explained decision and the boolean fast path.

use std::ops::ControlFlow;

use serde::Serialize;

use crate::error::Result;
use crate::json::{self, Input};

use crate::permissions::RoleSet;
use crate::policy::{FeatureId, GrantRule, Level, Policy, RoleId};

/// A user as the rules see them: an id and the role names they hold. Other fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct Member {
    pub id: String,
    pub roles: Vec<String>,
}

/// `target` absent or null means a new user; `roles` is the requested final role set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct GrantRequest {
    pub actor: Member,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Member | null"))]
    pub target: Option<Member>,
    pub roles: Vec<String>,
}

/// An action by `actor` on an existing `target` (remove, invite, disable, enable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct TargetRequest {
    pub actor: Member,
    pub target: Member,
}

impl Member {
    /// Reads `{ id, roles }` (other members, such as a user's name or account, are ignored).
    pub fn from_json<I: Input>(value: I, path: &str) -> Result<Member> {
        json::value(&value, path, json::object)?;
        Ok(Member { id: json::field(&value, path, "id", json::name)?, roles: json::field(&value, path, "roles", json::roles)? })
    }
}

impl GrantRequest {
    /// Reads `{ actor, target, roles }`; `target` absent or null means a new user. Unknown members are refused.
    pub fn from_json<I: Input>(value: I) -> Result<GrantRequest> {
        json::only(&value, "", &["actor", "target", "roles"])?;
        Ok(GrantRequest {
            actor: Member::from_json(member(&value, "actor")?, "actor")?,
            target: json::optional(&value, "target").map(|t| Member::from_json(t, "target")).transpose()?,
            roles: json::field(&value, "", "roles", json::roles)?,
        })
    }
}

impl TargetRequest {
    /// Reads `{ actor, target }`. Unknown members are refused.
    pub fn from_json<I: Input>(value: I) -> Result<TargetRequest> {
        json::only(&value, "", &["actor", "target"])?;
        Ok(TargetRequest {
            actor: Member::from_json(member(&value, "actor")?, "actor")?,
            target: Member::from_json(member(&value, "target")?, "target")?,
        })
    }
}

/// A required member of a request, as it is (its reader places its own errors).
fn member<I: Input>(obj: &I, key: &str) -> Result<I> {
    obj.member(key).ok_or_else(|| crate::Issue::new(key, "missing_field", format!("{key} is required")).into())
}

/// Why a decision came out as it did; `code` is stable, `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct Reason {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub feature: Option<String>,
    /// Level (or rank) the rule needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub needed: Option<String>,
    /// Level (or rank) the actor holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub held: Option<String>,
}

impl Reason {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Reason { code, message: message.into(), role: None, feature: None, needed: None, held: None }
    }
}

/// A decision: allowed or not, and every reason why (an allowed decision carries one `allowed` reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct Decision {
    pub allowed: bool,
    pub reasons: Vec<Reason>,
    /// The actor's role names the policy does not know, which granted nothing (left out when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub ignored: Vec<String>,
}

/// Receives refusals: either collects them all or stops at the first.
trait Verdict {
    fn refuse(&mut self, reason: impl FnOnce() -> Reason) -> ControlFlow<()>;
}

/// Collects every reason (the explained decision).
struct Collect(Vec<Reason>);

impl Verdict for Collect {
    fn refuse(&mut self, reason: impl FnOnce() -> Reason) -> ControlFlow<()> {
        self.0.push(reason());
        ControlFlow::Continue(())
    }
}

/// Stops at the first refusal without building it (the fast path).
struct Gate;

impl Verdict for Gate {
    fn refuse(&mut self, _: impl FnOnce() -> Reason) -> ControlFlow<()> {
        ControlFlow::Break(())
    }
}

/// Why an allowed decision is allowed: the message of its one `allowed` reason. The fast paths return it so a
/// caller can build the same allowed decision the explained path would, without crossing back for text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    NothingAdded,
    HeldRoles,
    WithinRank,
    CoveredRoles,
    AdministersTarget,
}

impl Allowed {
    /// Every kind, in the order of their numbers (see [`Allowed::number`]).
    pub const ALL: [Allowed; 5] =
        [Allowed::NothingAdded, Allowed::HeldRoles, Allowed::WithinRank, Allowed::CoveredRoles, Allowed::AdministersTarget];

    pub fn message(self) -> &'static str {
        match self {
            Allowed::NothingAdded => "no roles are added",
            Allowed::HeldRoles => "the actor holds every role being added",
            Allowed::WithinRank => "every role being added is within the actor's rank",
            Allowed::CoveredRoles => "the actor's permissions cover every role being added",
            Allowed::AdministersTarget => "the actor administers users and covers this user's access",
        }
    }

    /// 1-based position in [`Allowed::ALL`] (declaration order), so that 0 can mean "refused" where only a
    /// number crosses.
    pub fn number(self) -> u32 {
        self as u32 + 1
    }
}

/// Runs a rule walk collecting every refusal: refused with all of them, or allowed for `allowed`'s reason.
fn decide(walk: impl FnOnce(&mut Collect) -> ControlFlow<()>, allowed: Allowed) -> Decision {
    let mut collect = Collect(Vec::new());
    let _ = walk(&mut collect);
    match collect.0.is_empty() {
        true => Decision { allowed: true, reasons: vec![Reason::new("allowed", allowed.message())], ignored: Vec::new() },
        false => Decision { allowed: false, reasons: collect.0, ignored: Vec::new() },
    }
}

/// A by-name decision naming the actor's role names that granted nothing.
fn ignoring(decision: Decision, ignored: &[&str]) -> Decision {
    Decision { ignored: ignored.iter().map(|n| n.to_string()).collect(), ..decision }
}

/// A target as the rules see it: its compiled (known) roles and the role names it holds that the policy does not
/// know. Compiled sets hold known roles only, so on them the second is always empty.
type Target<'a> = (&'a RoleSet, &'a [&'a str]);

/// Runs a rule walk stopping at the first refusal: `allowed` when nothing refused.
fn gate(walk: impl FnOnce(&mut Gate) -> ControlFlow<()>, allowed: Allowed) -> Option<Allowed> {
    walk(&mut Gate).is_continue().then_some(allowed)
}

impl Policy {
    /// May `actor` give the target (or a new user, when `target` is none) exactly the requested roles?
    /// The actor's role names the policy does not know grant nothing and are listed in `ignored`; a target
    /// holding one is refused (`unknown_target_role`) unless the actor is a [full administrator](Policy::is_full_administrator).
    pub fn check_grant(&self, req: &GrantRequest) -> Decision {
        let (actor, ignored) = self.resolve(&req.actor.roles);
        let target = req.target.as_ref().map(|t| self.resolve(&t.roles));
        let (requested, unknown) = self.resolve(&req.roles);
        let same_user = req.target.as_ref().is_some_and(|t| t.id == req.actor.id);
        let held = target.as_ref().map(|(set, foreign)| (set, foreign.as_slice()));
        let allowed = self.grant_allowed(held.map(|t| t.0), &requested);
        ignoring(decide(|v| self.grant_rules(&actor, held, &requested, &unknown, same_user, v), allowed), &ignored)
    }

    /// [`Policy::check_grant`] on compiled sets; `unknown` are requested names not in the policy.
    pub fn explain_grant(&self, actor: &RoleSet, target: Option<&RoleSet>, requested: &RoleSet, unknown: &[&str], same_user: bool) -> Decision {
        decide(|v| self.grant_rules(actor, target.map(known), requested, unknown, same_user, v), self.grant_allowed(target, requested))
    }

    /// The fast path of [`Policy::check_grant`] on compiled sets: why it is allowed, or none when refused.
    pub fn grant_outcome(&self, actor: &RoleSet, target: Option<&RoleSet>, requested: &RoleSet, same_user: bool) -> Option<Allowed> {
        gate(|v| self.grant_rules(actor, target.map(known), requested, &[], same_user, v), self.grant_allowed(target, requested))
    }

    /// [`Policy::grant_outcome`] as a yes or no.
    pub fn allows_grant(&self, actor: &RoleSet, target: Option<&RoleSet>, requested: &RoleSet, same_user: bool) -> bool {
        self.grant_outcome(actor, target, requested, same_user).is_some()
    }

    /// May `actor` delete (or disable, or enable) `target`?
    /// Unknown role names are treated as in [`Policy::check_grant`].
    pub fn check_remove(&self, req: &TargetRequest) -> Decision {
        let ((actor, ignored), (target, foreign)) = (self.resolve(&req.actor.roles), self.resolve(&req.target.roles));
        let same_user = req.actor.id == req.target.id;
        ignoring(decide(|v| self.remove_rules(&actor, (&target, &foreign), same_user, v), Allowed::AdministersTarget), &ignored)
    }

    /// [`Policy::check_remove`] on compiled sets.
    pub fn explain_remove(&self, actor: &RoleSet, target: &RoleSet, same_user: bool) -> Decision {
        decide(|v| self.remove_rules(actor, known(target), same_user, v), Allowed::AdministersTarget)
    }

    /// The fast path of [`Policy::check_remove`].
    pub fn remove_outcome(&self, actor: &RoleSet, target: &RoleSet, same_user: bool) -> Option<Allowed> {
        gate(|v| self.remove_rules(actor, known(target), same_user, v), Allowed::AdministersTarget)
    }

    /// May `actor` send (or resend) an invitation to `target`? Unknown role names are treated as in
    /// [`Policy::check_grant`].
    pub fn check_invite(&self, req: &TargetRequest) -> Decision {
        let ((actor, ignored), (target, foreign)) = (self.resolve(&req.actor.roles), self.resolve(&req.target.roles));
        ignoring(decide(|v| self.invite_rules(&actor, (&target, &foreign), v), Allowed::AdministersTarget), &ignored)
    }

    /// [`Policy::check_invite`] on compiled sets.
    pub fn explain_invite(&self, actor: &RoleSet, target: &RoleSet) -> Decision {
        decide(|v| self.invite_rules(actor, known(target), v), Allowed::AdministersTarget)
    }

    /// The fast path of [`Policy::check_invite`].
    pub fn invite_outcome(&self, actor: &RoleSet, target: &RoleSet) -> Option<Allowed> {
        gate(|v| self.invite_rules(actor, known(target), v), Allowed::AdministersTarget)
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
        self.grantable(&self.resolve(&actor.roles).0)
    }

    /// [`Policy::grantable_roles`] for a compiled set.
    pub fn grantable(&self, actor: &RoleSet) -> Vec<&str> {
        (0..self.roles.len())
            .filter(|&r| self.allows_grant(actor, None, &self.role_set([r]), false))
            .map(|r| self.role_name(r))
            .collect()
    }

    fn grant_allowed(&self, target: Option<&RoleSet>, requested: &RoleSet) -> Allowed {
        match (added(target, requested).next().is_some(), self.grant_rule) {
            (false, _) => Allowed::NothingAdded,
            (_, GrantRule::Held) => Allowed::HeldRoles,
            (_, GrantRule::Rank(_)) => Allowed::WithinRank,
            (_, GrantRule::Covered) => Allowed::CoveredRoles,
        }
    }

    fn remove_rules(&self, actor: &RoleSet, target: Target, same_user: bool, v: &mut impl Verdict) -> ControlFlow<()> {
        self.admin_rule(actor, v)?;
        if same_user {
            v.refuse(|| Reason::new("self_remove", "nobody can remove, disable or enable themselves"))?;
        }
        self.protect_rule(actor, target, v)
    }

    fn invite_rules(&self, actor: &RoleSet, target: Target, v: &mut impl Verdict) -> ControlFlow<()> {
        self.admin_rule(actor, v)?;
        self.protect_rule(actor, target, v)
    }

    fn grant_rules(
        &self,
        actor: &RoleSet,
        target: Option<Target>,
        requested: &RoleSet,
        unknown: &[&str],
        same_user: bool,
        v: &mut impl Verdict,
    ) -> ControlFlow<()> {
        self.admin_rule(actor, v)?;
        if same_user {
            v.refuse(|| Reason::new("self_role_change", "nobody can change their own roles"))?;
        }
        for name in unknown {
            v.refuse(|| Reason {
                role: Some(name.to_string()),
                ..Reason::new("unknown_role", format!("'{name}' is not a role of this policy"))
            })?;
        }
        if let Some(target) = target {
            self.protect_rule(actor, target, v)?;
        }
        // Only roles being added are checked; removing roles needs only the checks above.
        for role in added(target.map(|t| t.0), requested) {
            self.grant_rule_for(actor, role, v)?;
        }
        ControlFlow::Continue(())
    }

    fn admin_rule(&self, actor: &RoleSet, v: &mut impl Verdict) -> ControlFlow<()> {
        let (f, needed) = self.user_admin;
        if actor.allows(f, needed) {
            return ControlFlow::Continue(());
        }
        let held = actor.levels.get(f).copied().unwrap_or(0);
        v.refuse(|| {
            self.level_reason("not_user_admin", f, needed, held, |feature, needed, held| {
                format!("administering users needs {feature} '{needed}'; the actor has '{held}'")
            })
        })
    }

    /// A reason about one feature: the level a rule needs and the level the actor holds.
    fn level_reason(
        &self,
        code: &'static str,
        f: FeatureId,
        needed: Level,
        held: Level,
        say: impl FnOnce(&str, &str, &str) -> String,
    ) -> Reason {
        let (feature, needed, held) = (self.feature_name(f), self.level_name(f, needed), self.level_name(f, held));
        Reason {
            feature: Some(feature.to_string()),
            needed: Some(needed.to_string()),
            held: Some(held.to_string()),
            ..Reason::new(code, say(feature, needed, held))
        }
    }

    /// A reason about ranks: the rank a rule concerns and the actor's highest rank.
    fn rank_reason(code: &'static str, needed: Option<u32>, held: Option<u32>, message: String) -> Reason {
        Reason {
            needed: needed.map(|r| r.to_string()),
            held: Some(held.map_or_else(|| "none".to_string(), |r| r.to_string())),
            ..Reason::new(code, message)
        }
    }

    /// Users above the actor are protected: their access must be covered (or outranked, in rank mode). A role
    /// name the policy does not know could give anything, so its holder is refused to all but a full administrator
    /// (whatever `protectHigherUsers` says: such drift is a mistake to clean up, not a user to act on).
    fn protect_rule(&self, actor: &RoleSet, (target, foreign): Target, v: &mut impl Verdict) -> ControlFlow<()> {
        if !foreign.is_empty() && !self.is_full_administrator(actor) {
            for name in foreign {
                v.refuse(|| Reason {
                    role: Some(name.to_string()),
                    ..Reason::new(
                        "unknown_target_role",
                        format!("this user holds '{name}', which is not a role of this policy: only a full administrator may act on them"),
                    )
                })?;
            }
        }
        if !self.protect_higher_users {
            return ControlFlow::Continue(());
        }
        if let GrantRule::Rank(order) = self.grant_rule {
            if order.permits_ranks(actor.rank, target.rank) {
                return ControlFlow::Continue(());
            }
            let message = "this user's rank is above what the actor may manage".to_string();
            return v.refuse(|| Self::rank_reason("target_outranks_actor", target.rank, actor.rank, message));
        }
        match actor.first_uncovered(&target.levels) {
            None => ControlFlow::Continue(()),
            Some((f, needed, held)) => v.refuse(|| {
                self.level_reason("target_outranks_actor", f, needed, held, |feature, needed, held| {
                    format!("this user has {feature} '{needed}', above the actor's '{held}'")
                })
            }),
        }
    }

    fn grant_rule_for(&self, actor: &RoleSet, role: RoleId, v: &mut impl Verdict) -> ControlFlow<()> {
        let Some(def) = self.roles.get(role) else { return ControlFlow::Continue(()) };
        let name = || Some(def.name.clone());
        match self.grant_rule {
            GrantRule::Held => {
                let held = actor.roles.iter().filter_map(|&a| self.roles.get(a)).any(|a| a.closure.binary_search(&role).is_ok());
                if held {
                    return ControlFlow::Continue(());
                }
                v.refuse(|| Reason {
                    role: name(),
                    ..Reason::new("role_not_held", format!("'{}' can only be granted by someone who holds it", def.name))
                })
            }
            GrantRule::Rank(order) => {
                if order.permits_ranks(actor.rank, def.rank) {
                    return ControlFlow::Continue(());
                }
                v.refuse(|| Reason {
                    role: name(),
                    ..Self::rank_reason("rank_too_high", def.rank, actor.rank, format!("'{}' is ranked above what the actor may grant", def.name))
                })
            }
            GrantRule::Covered => {
                for (f, (&want, &have)) in def.levels.iter().zip(&actor.levels).enumerate() {
                    if want > have {
                        v.refuse(|| Reason {
                            role: name(),
                            ..self.level_reason("permission_not_held", f, want, have, |feature, needed, held| {
                                format!("'{}' gives {feature} '{needed}'; the actor has '{held}'", def.name)
                            })
                        })?;
                    }
                }
                ControlFlow::Continue(())
            }
        }
    }
}

/// A compiled target: known roles only.
fn known(target: &RoleSet) -> Target<'_> {
    (target, &[])
}

/// The requested roles the target does not hold yet (all of them for a new user): the ones a grant adds.
fn added<'a>(target: Option<&'a RoleSet>, requested: &'a RoleSet) -> impl Iterator<Item = RoleId> + 'a {
    requested.roles.iter().copied().filter(move |&r| !target.is_some_and(|t| t.holds(r)))
}
