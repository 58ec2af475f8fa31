// The console's HTTP calls. Everything goes to the page's own origin, i.e. through the edge worker,
// which enforces the rules again and answers refusals as RFC 9457 problems. Admin API calls carry the
// session's access token; a 401 (expired or revoked) tells the console to sign in again.

/**
 * A refused or failed call; `message` is the problem's detail (or title), `reasons` the decision's, `errors` a
 * refused document's (each with its path, line and column).
 */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `request failed with status ${status}`);
    this.status = status;
    this.code = problem?.code ?? "http_error";
    this.reasons = Array.isArray(problem?.reasons) ? problem.reasons : [];
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

let signInNeeded = () => {};

/** Called on every 401 answer: the token expired or is no longer accepted. */
export function onSignInNeeded(callback) {
  signInNeeded = callback;
}

/** The answer to a call (`text`: a JSON body as text, sent as is); a refusal throws its problem as an ApiError. */
async function call(path, { method = "GET", token, body, text, headers: extra = {} } = {}) {
  const headers = { accept: "application/json", ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined || text !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: text ?? (body === undefined ? undefined : JSON.stringify(body)) });
  if (res.status === 401) signInNeeded();
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  return res;
}

async function request(path, options) {
  const res = await call(path, options);
  return res.status === 204 ? null : res.json().catch(() => null);
}

const users = (tenant) => `/api/tenants/${encodeURIComponent(tenant)}/users`;
const user = (tenant, id) => `${users(tenant)}/${encodeURIComponent(id)}`;

/** The policy documents the worker enforces, by tenant: `[{ tenant, label, policy }]`. */
export const fetchPolicies = () => request("/demo/policies").then((d) => d.tenants);

export const fetchUsers = (session) => request(users(session.tenant), { token: session.token }).then((d) => d.users);

/** DEMO ONLY: the edge's recent decisions at `tenant` (newest first), collected from the worker's log. */
export const fetchDecisions = (tenant) =>
  request(`/demo/decisions?tenant=${encodeURIComponent(tenant)}`).then((d) => d.decisions);

/**
 * Adds a user (`{ email, name, roles }`); origin answers the new user, pending invite.
 * @param {{ tenant: string, token: string }} session
 */
export const addUser = (session, user) => request(users(session.tenant), { method: "POST", token: session.token, body: user });

export const deleteUser = (session, id) => request(user(session.tenant, id), { method: "DELETE", token: session.token });

export const saveRoles = (session, id, roles) =>
  request(`${user(session.tenant, id)}/roles`, { method: "PUT", token: session.token, body: { roles } });

export const sendInvitation = (session, id) =>
  request(`${user(session.tenant, id)}/invitation`, { method: "POST", token: session.token });

const policy = (tenant) => `/api/tenants/${encodeURIComponent(tenant)}/policy`;

/** The tenant's current policy as stored (`text`) and its ETag, which a save names in `If-Match`. */
export async function fetchPolicy(session) {
  const res = await call(policy(session.tenant), { token: session.token });
  return { text: await res.text(), etag: res.headers.get("etag") };
}

/** Saves `text` over the version whose ETag is `etag`: `{ version, hash, savedBy, savedAt, etag }` (the new ETag). */
export async function savePolicy(session, text, etag) {
  const res = await call(policy(session.tenant), { method: "PUT", token: session.token, text, headers: { "if-match": etag } });
  return { ...(await res.json()), etag: res.headers.get("etag") };
}

/** The tenant's policy versions, newest first: `[{ version, hash, savedBy, savedAt, restores?, current }]`. */
export const fetchPolicyVersions = (session) => request(`${policy(session.tenant)}/versions`, { token: session.token }).then((d) => d.versions);

/** One version's document, as stored. */
export const fetchPolicyVersion = async (session, version) =>
  (await call(`${policy(session.tenant)}/versions/${version}`, { token: session.token })).text();

export const setTenantAccess = (session, id, enabled) =>
  request(`${user(session.tenant, id)}/${enabled ? "enable" : "disable"}`, { method: "POST", token: session.token });
