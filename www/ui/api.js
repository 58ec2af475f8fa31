// The console's HTTP calls. Everything goes to the page's own origin, i.e. through the edge worker,
// which enforces the rules again and answers refusals as RFC 9457 problems. Admin API calls carry the
// session's access token; a 401 (expired or revoked) tells the console to sign in again.

/** A refused or failed call; `message` is the problem's detail (or title), `reasons` the decision's. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `request failed with status ${status}`);
    this.status = status;
    this.code = problem?.code ?? "http_error";
    this.reasons = Array.isArray(problem?.reasons) ? problem.reasons : [];
  }
}

let signInNeeded = () => {};

/** Called on every 401 answer: the token expired or is no longer accepted. */
export function onSignInNeeded(callback) {
  signInNeeded = callback;
}

async function request(path, { method = "GET", token, body } = {}) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) signInNeeded();
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
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

export const setTenantAccess = (session, id, enabled) =>
  request(`${user(session.tenant, id)}/${enabled ? "enable" : "disable"}`, { method: "POST", token: session.token });
