// The soak's request mix: accepted changes (adds, role changes, deletes, invitations, invitation
// links) and refusals of every kind (rules, tenant, tokens, bodies, content types, paths, methods,
// sizes, links, replayed and superseded links), each with the exact answer expected. Accepted changes act on users the soak
// added itself (taken from a pool, one request at a time per user), so the origin's store stays
// bounded. Actor tokens rotate through more strings than the edge's verified-token cache holds,
// and refused grants through more role lists than its role-set cache holds, so both caches churn.
import { INVITE_KEY, INVITE_KID, inviteKeys, rawJwt, tokenFor } from "../test/fixtures.js";

/** More distinct token strings per actor than the edge's verified-token cache holds (1,024). */
const TOKEN_VARIANTS = 2048;
/** More distinct role lists than the edge's role-set cache holds (512). */
const ROLE_LIST_VARIANTS = 600;
const JSON_TYPE = { "content-type": "application/json" };
/** Invitees whose links the soak accepts and replays (each a Durable Object of the ledger). */
const INVITEES = 32;
const PRODUCT_A_ROLES = ["User", "ReportViewer", "UserManager", "CustomerAdmin"];

/** The i-th of 1,024 distinct five-name lists of product A's roles (i in base 4, one digit a name). */
const roleList = (i) => Array.from({ length: 5 }, (_, d) => PRODUCT_A_ROLES[Math.floor(i / 4 ** d) % 4]);

/**
 * @typedef {{ method: string, path: string, headers?: Record<string, string>, body?: string, ownConnection?: boolean }} SoakRequest
 *   `ownConnection`: send on a new connection, closed afterwards (not the keep-alive pool)
 * @typedef {{ status: number, code?: string }} Expected
 * @typedef {{ name: string, weight: number, accepted: boolean,
 *   make(n: number): Planned | null, fallback?(n: number): Planned }} Kind
 * @typedef {{ request: SoakRequest, expect: Expected, done?(res: { status: number, json: any }): void }} Planned
 */

/**
 * The weighted request kinds; `make(n)` builds the n-th request of a kind, or null when the kind
 * cannot run now (no pooled user free), in which case `fallback(n)` (an add) runs instead.
 * @returns {Kind[]}
 */
export function requestKinds() {
  const now = Date.now();
  const nowSec = Math.floor(now / 1000);
  /** Many distinct valid token strings per actor (exp differs), used in turn. */
  const tokens = (tenant, id) => Array.from({ length: TOKEN_VARIANTS }, (_, i) => tokenFor(tenant, id, { exp: nowSec + 3600 + i }));
  const mona = tokens("acme", "mona");
  const ada = tokens("globex", "ada");
  const bearer = (list, n) => ({ authorization: `Bearer ${list[n % list.length]}` });
  const pools = { acme: [], globex: [] };
  const actors = { acme: mona, globex: ada };
  const newRoles = { acme: ["User"], globex: ["Agent"] };

  const add = (tenant) => (n) => ({
    request: { method: "POST", path: `/api/tenants/${tenant}/users`, headers: { ...JSON_TYPE, ...bearer(actors[tenant], n) },
      body: JSON.stringify({ email: `soak${n}@${tenant}.test`, roles: newRoles[tenant] }) },
    expect: { status: 201 },
    done: (res) => { if (res.status === 201) pools[tenant].push(res.json.id); },
  });
  /** A request on a pooled user, who is out of the pool until it completes (and gone after a delete). */
  const onPooled = (tenant, build, expect, { keep = true } = {}) => (n) => {
    const id = pools[tenant].shift();
    if (id === undefined) return null;
    return { request: build(id, n), expect, done: () => { if (keep) pools[tenant].push(id); } };
  };
  const setRoles = (tenant, roles) => onPooled(tenant, (id, n) => ({
    method: "PUT", path: `/api/tenants/${tenant}/users/${id}/roles`, headers: { ...JSON_TYPE, ...bearer(actors[tenant], n) },
    body: JSON.stringify({ roles }),
  }), { status: 200 });
  const remove = (tenant) => onPooled(tenant, (id, n) => ({
    method: "DELETE", path: `/api/tenants/${tenant}/users/${id}`, headers: bearer(actors[tenant], n),
  }), { status: 204 }, { keep: false });

  const link = inviteKeys.signInvitation({ sub: "alice", tenant: "acme", email: "alice@acme.test", inv: "soak" }, now);
  // Invitees whose links are accepted and replayed (one request at a time each): the k-th link of an
  // invitee is issued k seconds after the first (23 h ago), so each accepted link is the newest yet.
  const invitees = Array.from({ length: INVITEES }, (_, i) => ({ id: `invitee${i}`, k: 0, last: null, previous: null }));
  const firstIssue = now - 23 * 3600 * 1000;
  const inviteeLink = (u, k) => inviteKeys.signInvitation(
    { sub: u.id, tenant: "acme", email: `${u.id}@acme.test`, inv: `${u.id}-${k}` }, firstIssue + k * 1000);
  /** A request on a free invitee that `ready(u)` accepts; `after(u, res)` runs when it completes. */
  const onInvitee = (ready, build, expect, after = () => {}) => (n) => {
    const i = invitees.findIndex(ready);
    if (i < 0) return null;
    const [u] = invitees.splice(i, 1);
    return { request: build(u, n), expect, done: (res) => { after(u, res); invitees.push(u); } };
  };
  const acceptPath = (token) => `/invitations/accept?token=${token}`;
  const staleLink = inviteKeys.signInvitation({ sub: "alice", tenant: "acme", email: "alice@acme.test", inv: "old" }, now - 25 * 3600 * 1000);
  const [h, p, s] = mona[0].split(".");
  const monaClaims = { sub: "mona", tenant: "acme", roles: ["UserManager", "User"], exp: nowSec + 3600 };
  const refuse = (name, weight, status, code, build) => ({ name, weight, accepted: false, make: (n) => ({ request: build(n), expect: { status, code } }) });
  const addAs = (headers, body = '{"email":"x@acme.test","roles":["User"]}', path = "/api/tenants/acme/users") =>
    () => ({ method: "POST", path, headers, body });

  return [
    { name: "add a user (acme, held grant)", weight: 3, accepted: true, make: add("acme") },
    { name: "add a user (globex, rank grant)", weight: 3, accepted: true, make: add("globex") },
    { name: "change roles (acme)", weight: 2, accepted: true, make: setRoles("acme", ["User"]), fallback: add("acme") },
    { name: "change roles (globex)", weight: 1, accepted: true, make: setRoles("globex", ["Agent", "Supervisor"]), fallback: add("globex") },
    { name: "delete a user (acme)", weight: 3, accepted: true, make: remove("acme"), fallback: add("acme") },
    { name: "delete a user (globex)", weight: 3, accepted: true, make: remove("globex"), fallback: add("globex") },
    { name: "send an invitation (acme)", weight: 1, accepted: true, fallback: add("acme"), make: onPooled("acme", (id, n) => ({
      method: "POST", path: `/api/tenants/acme/users/${id}/invitation`, headers: bearer(mona, n) }), { status: 200 }) },
    { name: "accept a new invitation link", weight: 1, accepted: true, fallback: add("acme"), make: onInvitee(() => true,
      (u) => ({ method: "GET", path: acceptPath(inviteeLink(u, u.k)) }), { status: 200 },
      (u, res) => { if (res.status === 200) Object.assign(u, { previous: u.last, last: inviteeLink(u, u.k), k: u.k + 1 }); }) },
    { name: "replay an accepted link", weight: 1, accepted: false, fallback: add("acme"), make: onInvitee((u) => u.last,
      (u) => ({ method: "GET", path: acceptPath(u.last) }), { status: 410, code: "invitation_used" }) },
    { name: "an older link after a newer one was accepted", weight: 1, accepted: false, fallback: add("acme"),
      make: onInvitee((u) => u.previous, (u) => ({ method: "POST", path: acceptPath(u.previous) }), { status: 410, code: "invitation_superseded" }) },

    // Known roles, so the core compiles (allocates) a role set for each distinct list.
    refuse("grant a role not held (role lists churn)", 2, 403, "forbidden", (n) => ({
      method: "POST", path: "/api/tenants/acme/users", headers: { ...JSON_TYPE, ...bearer(mona, n) },
      body: JSON.stringify({ email: "x@acme.test", roles: ["ReportViewer", ...roleList(n % ROLE_LIST_VARIANTS)] }) })),
    refuse("grant an unknown role", 1, 403, "forbidden", (n) => ({
      method: "POST", path: "/api/tenants/acme/users", headers: { ...JSON_TYPE, ...bearer(mona, n) },
      body: JSON.stringify({ email: "x@acme.test", roles: ["User", `Temp${n % ROLE_LIST_VARIANTS}`] }) })),
    refuse("grant above one's rank", 1, 403, "forbidden", addAs({ ...JSON_TYPE, authorization: `Bearer ${tokenFor("globex", "sam")}` },
      '{"email":"x@globex.test","roles":["Administrator"]}', "/api/tenants/globex/users")),
    refuse("change one's own roles", 1, 403, "forbidden", (n) => ({ method: "PUT", path: "/api/tenants/acme/users/mona/roles",
      headers: { ...JSON_TYPE, ...bearer(mona, n) }, body: '{"roles":["CustomerAdmin"]}' })),
    refuse("delete without user administration", 1, 403, "forbidden", () => ({ method: "DELETE", path: "/api/tenants/acme/users/carl",
      headers: { authorization: `Bearer ${tokenFor("acme", "alice")}` } })),
    refuse("another tenant's path", 1, 403, "tenant_mismatch", (n) => addAs({ ...JSON_TYPE, ...bearer(mona, n) }, undefined, "/api/tenants/globex/users")()),
    refuse("tampered token", 1, 401, "invalid_token", addAs({ ...JSON_TYPE, authorization: `Bearer ${h}.${p}.${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}` })),
    refuse("expired token", 1, 401, "invalid_token", addAs({ ...JSON_TYPE, authorization: `Bearer ${rawJwt({ alg: "HS256", typ: "JWT", kid: "auth-2025" }, { ...monaClaims, exp: nowSec - 3600 })}` })),
    refuse("alg none", 1, 401, "invalid_token", addAs({ ...JSON_TYPE, authorization: `Bearer ${rawJwt({ alg: "none", kid: "auth-2025" }, monaClaims, { signature: "" })}` })),
    refuse("no token", 1, 401, "invalid_token", addAs(JSON_TYPE)),
    refuse("truncated JSON", 1, 400, "invalid_request", (n) => addAs({ ...JSON_TYPE, ...bearer(mona, n) }, '{"email":"x@acme.test","roles":["Us')()),
    refuse("an unknown body member", 1, 400, "invalid_request", (n) => addAs({ ...JSON_TYPE, ...bearer(mona, n) }, '{"email":"x@acme.test","roles":["User"],"admin":true}')()),
    refuse("text/plain body", 1, 415, "unsupported_media_type", (n) => addAs({ "content-type": "text/plain", ...bearer(mona, n) })()),
    // The edge answers 413 without reading the body, and workerd then closes that connection without
    // saying so (no Connection: close): the request goes on a connection of its own.
    refuse("64 KiB + 1 body", 1, 413, "body_too_large", (n) => ({ ...addAs({ ...JSON_TYPE, ...bearer(mona, n) },
      '{"email":"x@acme.test","roles":["User"]}'.padEnd(64 * 1024 + 1))(), ownConnection: true })),
    refuse("encoded slash in the path", 1, 400, "invalid_path", (n) => ({ method: "PUT", path: "/api/tenants/acme/users/alice%2Froles",
      headers: { ...JSON_TYPE, ...bearer(mona, n) }, body: '{"roles":["User"]}' })),
    refuse("doubled slash in the path", 1, 400, "invalid_path", (n) => ({ method: "DELETE", path: "/api/tenants/acme//users/alice", headers: bearer(mona, n) })),
    refuse("method override", 1, 400, "invalid_request", (n) => ({ method: "GET", path: "/api/tenants/acme/users/alice",
      headers: { ...bearer(mona, n), "x-http-method-override": "DELETE" } })),
    refuse("unknown mutation", 1, 405, "method_not_allowed", (n) => ({ method: "PATCH", path: "/api/tenants/acme/users/alice",
      headers: { ...JSON_TYPE, ...bearer(mona, n) }, body: '{"roles":["CustomerAdmin"]}' })),
    refuse("tampered invitation link", 1, 400, "invalid_invitation", () => ({ method: "GET",
      path: `/invitations/accept?token=${link.slice(0, -3)}${link.at(-3) === "A" ? "B" : "A"}${link.slice(-2)}` })),
    refuse("expired invitation link", 1, 410, "invitation_expired", () => ({ method: "GET", path: `/invitations/accept?token=${staleLink}` })),
    refuse("wrong-kid invitation link", 1, 400, "invalid_invitation", () => ({ method: "GET",
      path: `/invitations/accept?token=${rawJwt({ alg: "HS256", typ: "invite+jwt", kid: `${INVITE_KID}-x` }, { sub: "alice", tenant: "acme", email: "a@x", inv: "x", purpose: "invitation", iat: nowSec }, { secret: INVITE_KEY })}` })),
  ];
}
