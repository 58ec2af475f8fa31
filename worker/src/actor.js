// The actor as origin knows them now (ACTOR_CHECK=origin): their current record decides beside the token.
import { originError } from "./origin.js";
import { problem } from "./problems.js";

/**
 * The actor as origin knows them now: their current roles (and id, if origin's record says another), or a
 * refusal: 403 `actor_not_found` when origin has no such user (removed), 403 `actor_inactive` when the record's
 * account may not use the tenant (disabled, or an invitation never accepted) or origin refuses the actor's own
 * lookup (401/403).
 */
export function actorNow(lookup, { policy, tenant, sub, now }) {
  if (lookup.response) return lookup;
  const inactive = (detail) => ({ response: problem(403, "actor_inactive", detail) });
  if (lookup.status === 404) return { response: problem(403, "actor_not_found", `origin has no user '${sub}' in tenant '${tenant}' any more`) };
  if (lookup.status === 401 || lookup.status === 403) return inactive(`origin refused the actor's own record (${lookup.status})`);
  if (lookup.status) return { response: originError(`origin answered ${lookup.status} when asked for the actor`) };
  const { id, roles, account } = lookup.member;
  if (account != null) {
    let status;
    try {
      status = policy.accountStatus(account, now);
    } catch {
      return { response: originError("origin sent an account record the edge cannot read") };
    }
    const state = status.tenantStatus === "disabled" ? "disabled" : status.status;
    if (!status.canAccessTenant) return inactive(`the actor's account is ${state} in tenant '${tenant}'`);
  }
  return { actor: { id, roles } };
}
