// The invitation link `GET|POST /invitations/accept?token=`: the edge checks signature, purpose and
// expiry (the token tenant's policy window from its issue time), then, when INVITATION_LEDGER is
// bound, single use and "only the newest link" against the user's ledger (ledger.js); origin
// checks all of it again. A resend's new link, read from origin's answer, supersedes older links.
import { readBody } from "./body.js";
import { inviteKeyring, policySource } from "./config.js";
import { ledgerFor } from "./ledger.js";
import { forward } from "./origin.js";
import { policyFor } from "./policies.js";
import { prefersHtml, problem } from "./problems.js";

/** The ledger's refusals: status, problem code, and the page's wording. */
const LEDGER_REFUSALS = {
  used: [410, "invitation_used", "This invitation link was already used."],
  superseded: [410, "invitation_superseded", "A newer invitation replaced this link. Use the newest one."],
  in_progress: [409, "invitation_in_progress", "This invitation is being accepted right now. Try again in a moment."],
};
/** The largest resend answer the edge reads to learn the new link (docs/origin-api.md: `{ user, link }`). */
const MAX_ISSUED_BYTES = 64 * 1024;

/**
 * @param {Request} request
 * @param {{ url: URL }} route
 * @param {{ env: object, base: string, now: number, audit: import("./decisions.js").Audit }} ctx
 */
export async function handleAccept(request, { url }, { env, base, now, audit }) {
  const html = prefersHtml(request);
  const refuse = (status, code, detail) => problem(status, code, detail, { html });

  const invalid = () => refuse(400, "invalid_invitation", "This invitation link is not valid.");
  const tokens = url.searchParams.getAll("token");
  const tenant = tokens.length === 1 ? claimedTenant(tokens[0]) : null;
  if (tenant === null) return invalid();
  const keyring = inviteKeyring(env);
  if (!keyring.ok) return refuse(503, "keys_unavailable", "Invitations cannot be checked right now. Try again later.");
  // Policies read from origin: only a genuine link (any window) may make the edge read one, so forged links
  // naming made-up tenants neither reach origin nor fill the cache.
  if (policySource(env).value?.origin && !genuineClaims(keyring.value, tokens[0], now)) return invalid();
  const policy = await policyFor(env, tenant, now);
  audit.policy = policy.hash;
  if (!policy.ok) {
    // Only a genuine link (any window) learns that the edge cannot check it now: a forged one naming an
    // unconfigured tenant is just invalid, so tenants cannot be probed.
    if (!genuineClaims(keyring.value, tokens[0], now)) return invalid();
    return refuse(503, "policy_unavailable", "Invitations cannot be checked right now. Try again later.");
  }

  let claims;
  try {
    claims = keyring.value.verifyInvitation(tokens[0], now, policy.value.invitationTtlMs);
  } catch (err) {
    if (err?.code === "invitation_expired") {
      return refuse(410, "invitation_expired", "This invitation has expired. Ask for a new one.");
    }
    if (err?.code !== "invalid_token") throw err;
    return invalid();
  }

  Object.assign(audit, { tenant: claims.tenant, target: claims.sub });

  // An acceptance form may post a body (a new password): bounded and read before the link is held.
  const body = request.method === "POST" ? await readBody(request) : {};
  if (body.response) return body.response;
  if (!env.INVITATION_LEDGER) return forward(request, base, url, body.bytes);

  // A HEAD never accepts: it is judged, not held. GET and POST accept (docs/origin-api.md).
  const holds = request.method !== "HEAD";
  let ledger, verdict;
  try {
    ledger = ledgerFor(env, claims.tenant, claims.sub);
    verdict = await (holds ? ledger.reserve(claims.inv, claims.iat, now) : ledger.check(claims.inv, claims.iat, now));
  } catch (err) {
    console.error(`rolegate edge: INVITATION_LEDGER: ${err?.name ?? "error"}`);
    return refuse(503, "ledger_unavailable", "Invitations cannot be checked right now. Try again later.");
  }
  if (verdict !== "ok") return refuse(...LEDGER_REFUSALS[verdict]);
  const response = await forward(request, base, url, body.bytes);
  if (holds) await settle(ledger, claims, now, response.ok);
  return response;
}

/**
 * Redeems the held link when origin accepted it (2xx), else frees it so a failed call does not burn
 * a valid link. A ledger failure here leaves the hold to expire; origin's own check still stands.
 */
async function settle(ledger, { inv, iat }, now, accepted) {
  try {
    await (accepted ? ledger.commit(inv, iat, now) : ledger.release(inv, now));
  } catch (err) {
    console.error(`rolegate edge: INVITATION_LEDGER: ${accepted ? "commit" : "release"} failed: ${err?.name ?? "error"}`);
  }
}

/**
 * After origin answered a resend (`POST .../invitation`) with 2xx: reads the new link from its answer
 * (`{ user, link }`), verifies it with INVITE_KEY and records its issue second in the user's ledger,
 * so links issued in earlier seconds are refused at the edge. Returns origin's answer, byte for byte.
 * Without the ledger, or with an answer it cannot read, origin's answer passes untouched (origin
 * still refuses the older links); a ledger failure is logged, not turned into an error, because the
 * new invitation exists at origin either way.
 * @param {Response} response origin's answer
 * @param {{ env: object, tenant: string, now: number }} ctx
 */
export async function recordIssued(response, { env, tenant, now }) {
  const length = Number(response.headers.get("content-length") ?? 0);
  if (!response.ok || !env.INVITATION_LEDGER || response.headers.has("content-encoding") || length > MAX_ISSUED_BYTES) {
    return response;
  }
  const bytes = await response.arrayBuffer();
  const claims = issuedClaims(env, bytes, now);
  if (claims?.tenant === tenant) {
    try {
      await ledgerFor(env, claims.tenant, claims.sub).issued(claims.iat, now);
    } catch (err) {
      console.error(`rolegate edge: INVITATION_LEDGER: recording a resend failed: ${err?.name ?? "error"}`);
    }
  }
  return new Response(bytes, response);
}

/** The verified claims of the link in a resend answer, or null. */
function issuedClaims(env, bytes, now) {
  const keyring = inviteKeyring(env);
  if (!keyring.ok || bytes.byteLength > MAX_ISSUED_BYTES) return null;
  let token;
  try {
    const { link } = JSON.parse(new TextDecoder().decode(bytes));
    token = new URL(link, "https://edge.invalid").searchParams.get("token");
  } catch {
    return null;
  }
  return genuineClaims(keyring.value, token, now);
}

/** The claims when signature, purpose and claims hold, whatever the window; else null. */
function genuineClaims(keyring, token, now) {
  try {
    return keyring.verifyInvitation(token, now, Number.MAX_SAFE_INTEGER);
  } catch {
    return null;
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
