// The demo origin: the admin API of docs/origin-api.md over the demo's directory (its JSON store), plus
// the console's static files and the demo endpoints. It trusts the edge worker in front of it to enforce
// the user-admin rules; it checks who is calling (a token from the identity provider, for the path's
// tenant, of a person who may still sign in) and what needs consistent state (single-use, newest-only
// invitation links; each tenant's policy with its versions, saved only over the version the editor read, and
// only within the rules of worker/src/policy-edit.js, which the edge enforces too).
import { createServer } from "node:http";
import { randomUUID, timingSafeEqual } from "node:crypto";
import { Keyring, Policy, newAccount } from "rolegate";
import { MAX_POLICY_BYTES, ifMatch, policyEditRefusals } from "../../worker/src/policy-edit.js";
import { loadDemoKeys } from "./keys.js";
import { tokenVerifier } from "./auth.js";
import { serveStatic } from "./static.js";
import { HttpProblem, htmlPage, readJson, readJsonText, sendJson, sendProblem, wantsHtml } from "./http.js";

const RECEIVED_LIMIT = 1000;

/**
 * Starts the origin on `host:port` (port 0 = pick one).
 * @param {{ directory: ReturnType<import("./directory.js").openDirectory>,
 *           signIn: { issuer: string, audience: string, clientId: string, scope: string },
 *           decisions?: { recent(tenant?: string): object[] }, port?: number, host?: string }} options
 *   `signIn`: the identity provider whose access tokens the API accepts, and what the console asks it
 *   for (served at `/demo/sign-in`); `decisions`: the edge's decision log (demo/decisions.js), served at
 *   `/demo/decisions`
 * @returns {Promise<{ url: string, port: number, storeFile: string, keys: object,
 *                     received: { method: string, path: string }[], close: () => Promise<void> }>}
 */
export async function startOrigin({ directory, signIn, decisions, port = 0, host = "127.0.0.1" }) {
  const keys = loadDemoKeys(directory.dataDir);
  const inviteKeys = new Keyring({ [keys.inviteKid]: keys.inviteKey });
  const received = [];

  const api = { ...directory, inviteKeys, keys, decisions, signIn, verify: tokenVerifier(signIn) };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://origin");
    received.push({ method: req.method, path: url.pathname + url.search });
    if (received.length > RECEIVED_LIMIT) received.shift();
    try {
      if (!(await route(api, req, res, url)) && !(await serveStatic(req, res, url.pathname))) {
        throw new HttpProblem(404, "not_found", "no such resource");
      }
    } catch (err) {
      if (res.headersSent) return res.destroy();
      if (err instanceof HttpProblem) return sendProblem(res, err);
      console.error("origin: unexpected error:", err);
      sendProblem(res, { status: 500, code: "internal", message: "the origin failed; see its log" });
    }
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  const bound = server.address().port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    storeFile: directory.store.file,
    keys,
    received,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Fixed paths: the invitation link and the demo endpoints. */
const PATHS = new Map([
  ["/invitations/accept", acceptInvitation],
  ["/demo/policies", (api, req, res) => { onlyGet(req); demoPolicies(api, res); }],
  // What the console needs to sign in: the provider, its client id and what to ask for (all public).
  ["/demo/sign-in", (api, req, res) => {
    onlyGet(req);
    const { issuer, clientId, scope } = api.signIn;
    sendJson(res, 200, { issuer, clientId, scope });
  }],
  // DEMO ONLY: the edge's recent decisions for the console; a deployment reads them from Workers Logs.
  ["/demo/decisions", (api, req, res, url) => {
    onlyGet(req);
    sendJson(res, 200, { decisions: api.decisions?.recent(url.searchParams.get("tenant") ?? undefined) ?? [] });
  }],
]);

/** The admin API by "METHOD shape" (shape: "" for the collection, "user" or "user/action"). */
const API = new Map([
  ["GET ", (api, req, res, tenant) => sendJson(res, 200, { users: tenant.data.users.map(publicUser) })],
  ["POST ", async (api, req, res, tenant) => addUser(api, tenant, await readJson(req), res)],
  ["GET user", (api, req, res, tenant, id) => sendJson(res, 200, publicUser(userOf(tenant, id)))],
  ["DELETE user", (api, req, res, tenant, id) => deleteUser(api, tenant, id, res)],
  ["PUT user/roles", async (api, req, res, tenant, id) => setRoles(api, tenant, id, await readJson(req), res)],
  ["POST user/invitation", (api, req, res, tenant, id) => invite(api, tenant, id, res)],
  ["POST user/disable", (api, req, res, tenant, id) => transition(api, tenant, id, "disableTenant", res)],
  ["POST user/enable", (api, req, res, tenant, id) => transition(api, tenant, id, "enableTenant", res)],
]);

/** Handles an API or demo route; returns false when the path is none of them. */
async function route(api, req, res, url) {
  const fixed = PATHS.get(url.pathname);
  if (fixed) {
    await fixed(api, req, res, url);
    return true;
  }
  const p = url.pathname.match(/^\/api\/tenants\/([^/]+)\/policy(\/versions(?:\/([^/]+))?)?$/);
  if (p) {
    await policyRoute(api, req, res, decodeURIComponent(p[1]), p[2] !== undefined, p[3]);
    return true;
  }
  const m = url.pathname.match(/^\/api\/tenants\/([^/]+)\/users(?:\/([^/]+)(?:\/(roles|invitation|disable|enable))?)?$/);
  if (!m) return false;
  const [tenantName, id, action] = m.slice(1).map((s) => (s === undefined ? s : decodeURIComponent(s)));
  await authorize(api, req, tenantName);
  const tenant = tenantOf(api, tenantName);
  const handler = API.get(`${req.method} ${id === undefined ? "" : "user"}${action ? `/${action}` : ""}`);
  if (!handler) throw new HttpProblem(405, "method_not_allowed", `${req.method} is not supported here`);
  await handler(api, req, res, tenant, id);
  return true;
}

/**
 * Every admin API request needs an access token of the provider for the path's tenant (401 without a
 * valid one, 403 for another tenant's), whose person may still sign in (403 once disabled or removed).
 */
async function authorize(api, req, tenant) {
  const claims = await api.verify(req.headers.authorization);
  if (claims.tenant !== tenant) throw new HttpProblem(403, "wrong_tenant", "the token is for another tenant");
  if (api.signInAccount(claims.sub)?.tenant !== tenant) {
    throw new HttpProblem(403, "account_inactive", "this account cannot access the tenant");
  }
  return claims;
}

/**
 * `/api/tenants/{t}/policy` (GET: the current document with its ETag, 304 for `If-None-Match`; PUT: a new
 * version), `.../policy/versions` (the history) and `.../policy/versions/{n}` (one version's document). A GET of
 * the current policy also takes the edge's own key (`Bearer <policyReadKey>`, its POLICY_TOKEN): the edge reads
 * policies for requests that carry no token of the tenant (an invitation link).
 */
async function policyRoute(api, req, res, tenantName, versions, n) {
  const current = !versions;
  const claims = current && req.method === "GET" && isEdgeKey(api, req) ? null : await authorize(api, req, tenantName);
  const tenant = tenantOf(api, tenantName);
  if (current && req.method === "PUT") return savePolicy(api, req, res, tenant, claims);
  onlyGet(req);
  if (current) {
    const { text, etag } = api.currentPolicy(tenant.name);
    if (ifMatch(req.headers["if-none-match"], etag) === "match") return res.writeHead(304, { etag, "cache-control": "no-cache" }).end();
    res.writeHead(200, { "content-type": "application/json", etag, "cache-control": "no-cache" });
    return res.end(text);
  }
  const all = api.policyVersions(tenant.name);
  if (n === undefined) {
    const head = all.at(-1).version;
    return sendJson(res, 200, { versions: all.map(({ text: _text, ...v }) => ({ ...v, current: v.version === head })).reverse() });
  }
  const version = all.find((v) => String(v.version) === n);
  if (!version) throw new HttpProblem(404, "unknown_version", "no such policy version");
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(version.text);
}

/** True when the request carries the edge's policy-read key (compared in constant time). */
function isEdgeKey(api, req) {
  const given = Buffer.from(/^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "");
  const key = Buffer.from(api.keys.policyReadKey);
  return given.length === key.length && timingSafeEqual(given, key);
}

/**
 * PUT of a new policy document: `If-Match` with the current ETag (428 without, 412 for another version), JSON of
 * at most MAX_POLICY_BYTES (415, 413), a document that compiles (422 with every error located), and a save the
 * rules allow for the editor as origin knows them now (403: policyAdmin, no gain for the editor, a user admin
 * left). Stored as the next version, current at once; nothing is stored otherwise.
 */
async function savePolicy(api, req, res, tenant, claims) {
  const current = api.currentPolicy(tenant.name);
  const match = ifMatch(req.headers["if-match"], current.etag);
  if (match === "missing") {
    throw new HttpProblem(428, "precondition_required", "send If-Match with the ETag of the policy version you edited");
  }
  const text = await readJsonText(req, MAX_POLICY_BYTES);
  let after;
  try {
    after = Policy.fromJson(text);
  } catch (err) {
    if (err.code !== "invalid_policy") throw err;
    throw new HttpProblem(422, "invalid_policy", `the policy does not compile: ${err.errors.length} error(s)`, {}, { errors: err.errors });
  }
  if (match === "mismatch") {
    throw new HttpProblem(412, "precondition_failed", `the policy changed since it was read: version ${current.version} is current`,
      { etag: current.etag });
  }
  const editor = tenant.data.users.find((u) => u.id === claims.sub);
  const refusals = policyEditRefusals({ before: tenant.policy, after, afterDoc: JSON.parse(text), editor,
    users: tenant.data.users, now: api.now() });
  if (refusals.length) {
    throw new HttpProblem(403, "forbidden", refusals.map((r) => r.message).join("; "), {}, { reasons: refusals });
  }
  const { text: _text, etag, ...saved } = api.savePolicy(tenant.name, text, claims.sub);
  sendJson(res, 200, saved, { etag });
}

function onlyGet(req) {
  if (req.method !== "GET") throw new HttpProblem(405, "method_not_allowed", "use GET");
}

/** A user as the API shows it: the current invitation id stays inside the origin. */
function publicUser({ inv: _inv, ...user }) {
  return user;
}

function tenantOf(api, name) {
  const data = api.store.doc.tenants[name];
  if (!data || !api.compiled.has(name)) throw new HttpProblem(404, "unknown_tenant", "no such tenant");
  return { name, data, policy: api.compiled.get(name).compiled };
}

function userOf(tenant, id) {
  const user = tenant.data.users.find((u) => u.id === id);
  if (!user) throw new HttpProblem(404, "unknown_user", "no such user");
  return user;
}

function validRoles(tenant, roles) {
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string")) {
    throw new HttpProblem(400, "invalid_request", "roles must be an array of role names");
  }
  const known = new Set(tenant.policy.roles().map((r) => r.name));
  const unknown = roles.find((r) => !known.has(r));
  if (unknown !== undefined) throw new HttpProblem(400, "unknown_role", `no role named ${unknown}`);
  return [...new Set(roles)];
}

function addUser(api, tenant, body, res) {
  const roles = validRoles(tenant, body.roles);
  if (typeof body.email !== "string" || !/^[^@\s]+@[^@\s]+$/.test(body.email)) {
    throw new HttpProblem(400, "invalid_request", "email must be an email address");
  }
  if (tenant.data.users.some((u) => u.email.toLowerCase() === body.email.toLowerCase())) {
    throw new HttpProblem(409, "email_taken", "a user with this email exists");
  }
  const user = {
    id: randomUUID().slice(0, 8),
    name: typeof body.name === "string" && body.name.trim() ? body.name.trim() : body.email,
    email: body.email,
    roles,
    account: newAccount(),
    inv: null,
  };
  tenant.data.users.push(user);
  api.store.save();
  sendJson(res, 201, publicUser(user));
}

function deleteUser(api, tenant, id, res) {
  userOf(tenant, id);
  tenant.data.users = tenant.data.users.filter((u) => u.id !== id);
  api.store.save();
  res.writeHead(204).end();
}

function setRoles(api, tenant, id, body, res) {
  const user = userOf(tenant, id);
  user.roles = validRoles(tenant, body.roles);
  api.store.save();
  sendJson(res, 200, publicUser(user));
}

/** Runs an account transition of the package; its refusal codes become 409s. */
function transitionRecord(tenant, user, method, nowMs) {
  try {
    return tenant.policy[method](user.account, nowMs);
  } catch (err) {
    if (typeof err.code === "string") throw new HttpProblem(409, err.code, err.message);
    throw err;
  }
}

function transition(api, tenant, id, method, res) {
  const user = userOf(tenant, id);
  user.account = transitionRecord(tenant, user, method, api.now());
  api.store.save();
  sendJson(res, 200, publicUser(user));
}

/** Sends or re-sends an invitation: a new invitation id replaces the old, so older links stop working. */
function invite(api, tenant, id, res) {
  const user = userOf(tenant, id);
  const now = api.now();
  user.account = transitionRecord(tenant, user, "invite", now);
  user.inv = randomUUID();
  api.store.save();
  const token = api.inviteKeys.signInvitation(
    { sub: user.id, tenant: tenant.name, email: user.email, inv: user.inv }, now, api.keys.inviteKid);
  sendJson(res, 200, { user: publicUser(user), link: `/invitations/accept?token=${encodeURIComponent(token)}` });
}

/** The heading of the page a browser gets for each outcome of an invitation link. */
const PAGE_TITLES = {
  accepted: "Invitation accepted",
  invalid_token: "Invalid invitation link",
  invitation_expired: "Invitation expired",
  invitation_used: "Invitation already used",
  invitation_superseded: "Invitation replaced",
};

/** The origin's half of an invitation link: signature again, then single use and newest-link-only. */
function acceptInvitation(api, req, res, url) {
  if (req.method !== "GET" && req.method !== "POST") {
    throw new HttpProblem(405, "method_not_allowed", "use GET or POST");
  }
  const reply = (status, code, message, user) => {
    if (wantsHtml(req)) {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return res.end(htmlPage({ title: PAGE_TITLES[code], message, ok: status === 200 }));
    }
    if (status === 200) return sendJson(res, 200, { user: publicUser(user) });
    sendProblem(res, { status, code, message });
  };
  const token = url.searchParams.get("token") ?? "";
  const claims = verifiedInvitation(api, token);
  if (!claims) return reply(400, "invalid_token", "This invitation link is not valid.");
  if (claims === "expired") return reply(410, "invitation_expired", "This invitation has expired. Ask for a new one.");
  const tenant = tenantOf(api, claims.tenant);
  const user = tenant.data.users.find((u) => u.id === claims.sub && u.email === claims.email);
  if (!user || user.inv === null) return reply(410, "invitation_used", "This invitation link was already used.");
  if (user.inv !== claims.inv) return reply(410, "invitation_superseded", "A newer invitation replaced this link.");
  user.account = transitionRecord(tenant, user, "accept", api.now());
  user.inv = null;
  api.store.save();
  reply(200, "accepted", `Welcome, ${user.name}: your invitation to ${tenant.name} is accepted.`, user);
}

/** Claims of a valid invitation token, "expired", or null; the window is the token tenant's policy's. */
function verifiedInvitation(api, token) {
  let tenant;
  try {
    tenant = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).tenant;
  } catch {
    return null;
  }
  const entry = api.compiled.get(tenant);
  if (!entry) return null;
  try {
    const claims = api.inviteKeys.verifyInvitation(token, api.now(), entry.compiled.invitationTtlMs);
    return claims.tenant === tenant ? claims : null;
  } catch (err) {
    return err.code === "invitation_expired" ? "expired" : null;
  }
}

function demoPolicies(api, res) {
  const tenants = [...api.compiled.values()].map(({ tenant, label, policy }) => ({ tenant, label, policy }));
  sendJson(res, 200, { tenants });
}
