// The invitation link `GET|POST /invitations/accept?token=`: the edge checks signature, purpose and
// expiry (the token tenant's policy window from its issue time). Single use and "only the newest
// link" need consistent state, so origin enforces those.
import { readBody } from "./body.js";
import { inviteKeyring, policyFor } from "./config.js";
import { forward } from "./origin.js";
import { prefersHtml, problem } from "./problems.js";

/**
 * @param {Request} request
 * @param {{ url: URL }} route
 * @param {{ env: object, base: string, now: number }} ctx
 */
export async function handleAccept(request, { url }, { env, base, now }) {
  const html = prefersHtml(request);
  const refuse = (status, code, detail) => problem(status, code, detail, { html });

  const invalid = () => refuse(400, "invalid_invitation", "This invitation link is not valid.");
  const tokens = url.searchParams.getAll("token");
  const tenant = tokens.length === 1 ? claimedTenant(tokens[0]) : null;
  if (tenant === null) return invalid();
  const keyring = inviteKeyring(env);
  if (!keyring.ok) return refuse(503, "keys_unavailable", "Invitations cannot be checked right now. Try again later.");
  const policy = policyFor(env, tenant);
  if (!policy.ok) {
    // Only a genuine link (any window) learns that the edge cannot check it now: a forged one naming an
    // unconfigured tenant is just invalid, so tenants cannot be probed.
    if (!genuine(keyring.value, tokens[0], now)) return invalid();
    return refuse(503, "policy_unavailable", "Invitations cannot be checked right now. Try again later.");
  }

  try {
    keyring.value.verifyInvitation(tokens[0], now, policy.value.invitationTtlMs);
  } catch (err) {
    if (err?.code === "invitation_expired") {
      return refuse(410, "invitation_expired", "This invitation has expired. Ask for a new one.");
    }
    if (err?.code !== "invalid_token") throw err;
    return invalid();
  }

  if (request.method !== "POST") return forward(request, base, url);
  // An acceptance form may post a body (a new password): bounded, then forwarded as read.
  const body = await readBody(request);
  return body.response ?? forward(request, base, url, body.bytes);
}

/** Signature, purpose and claims hold, whatever the window. */
function genuine(keyring, token, now) {
  try {
    keyring.verifyInvitation(token, now, Number.MAX_SAFE_INTEGER);
    return true;
  } catch {
    return false;
  }
}

/**
 * The tenant the token claims, read before verification only to pick the policy whose window
 * applies; the signature check that follows covers the claim. Null when the token is unreadable.
 */
function claimedTenant(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const tenant = JSON.parse(atob(payload)).tenant;
    return typeof tenant === "string" && tenant !== "" ? tenant : null;
  } catch {
    return null;
  }
}
