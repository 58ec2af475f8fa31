// The route map (ROUTES, or the default map of docs/origin-api.md) and which route a request is.
// Paths are judged exactly as they will be forwarded (the URL parser's form), and anything that a
// lenient origin could route into a template's collection (encoded or doubled slashes, dot segments,
// case or suffix variants, matrix parameters, trailing slashes, method overrides) is refused instead
// of passing as "unprotected".
import { DOCUMENTED_BODIES } from "./body.js";
import { parsePointer } from "./pointer.js";

/** Every action a route can name, and the placeholders its template must (or must not) hold. */
const ACTIONS = {
  add: { id: false }, roles: { id: true }, remove: { id: true }, disable: { id: true },
  enable: { id: true }, invite: { id: true }, accept: { id: false, tenant: false }, policy: { id: false },
};
/** Actions whose body carries the requested roles (at the route's `roles` pointer). */
const WITH_ROLES = new Set(["add", "roles"]);
const ROUTE_MEMBERS = new Set(["method", "path", "action", "roles", "target"]);
const TARGET_MEMBERS = new Set(["path", "roles", "id", "account", "list"]);
/** Where a user's current record is read (the target's, and the actor's), unless a route says otherwise. */
const DEFAULT_TARGET = { path: "/api/tenants/{tenant}/users/{id}", roles: "/roles", id: "/id", account: "/account" };
/** Where the tenant's users are read (`list`: the array in the answer; the others: in each item): by a policy
 * save, and by a change that takes `userAdmin` from its target (the last-administrator rule). */
const DEFAULT_USERS = { path: "/api/tenants/{tenant}/users", list: "/users", roles: "/roles", id: "/id", account: "/account" };
/** Today's routes: the map used when ROUTES is not set (docs/origin-api.md). */
export const DEFAULT_ROUTES = [
  { method: "POST", path: "/api/tenants/{tenant}/users", action: "add" },
  { method: "PUT", path: "/api/tenants/{tenant}/users/{id}/roles", action: "roles" },
  { method: "DELETE", path: "/api/tenants/{tenant}/users/{id}", action: "remove" },
  { method: "POST", path: "/api/tenants/{tenant}/users/{id}/invitation", action: "invite" },
  { method: "POST", path: "/api/tenants/{tenant}/users/{id}/disable", action: "disable" },
  { method: "POST", path: "/api/tenants/{tenant}/users/{id}/enable", action: "enable" },
  { method: "PUT", path: "/api/tenants/{tenant}/policy", action: "policy" },
  { method: "GET", path: "/invitations/accept", action: "accept" },
  { method: "HEAD", path: "/invitations/accept", action: "accept" },
  { method: "POST", path: "/invitations/accept", action: "accept" },
];

/** The default map, compiled; its add and role-change bodies are the documented ones, checked exactly as before. */
export function defaultRouteMap() {
  const map = compileRoutes(DEFAULT_ROUTES).value;
  for (const route of map.routes) route.members = DOCUMENTED_BODIES[route.action];
  return map;
}

const READS = ["GET", "HEAD", "OPTIONS"];
const OVERRIDE_HEADERS = ["x-http-method-override", "x-http-method", "x-method-override"];
/** Tenant and user ids: what origin's ids look like, nothing that needs escaping. */
export const ID = /^[A-Za-z0-9_~@+-][A-Za-z0-9._~@+-]{0,127}$/;
/** A literal template segment: the same characters (no dot segments, nothing to escape). */
const LITERAL = /^[A-Za-z0-9_~@+-][A-Za-z0-9._~@+-]*$/;

/**
 * A segment of a compiled template: a literal, or a placeholder (`tenant` or `id`).
 * @typedef {{ literal: string, loose: string } | { param: "tenant" | "id" }} Segment
 * @typedef {{ path: Segment[], roles: string[], id: string[], account: string[] | null, list: string[] | null }} Target
 *   `roles`, `id`, `account`: JSON pointers (as reference tokens) into origin's answer (for a `policy` route,
 *   into each user of the array at `list`, the tenant's users)
 * @typedef {{ method: string, action: string, segments: Segment[], roles: string[] | null,
 *   target: Target | null, members?: object }} Route
 *   `roles`: the JSON pointer (as reference tokens) of the requested roles in the body; `members`: the
 *   exact body members of the default map's routes (docs/origin-api.md), checked as before
 * @typedef {{ routes: Route[], collections: Segment[][], users: Target | null }} RouteMap
 *   `users`: where the tenant's users are read, the policy route's target (none without a policy route)
 */

/**
 * Compiles a route map (the parsed ROUTES value). Every error has a path (`[1].target.path`) and a code.
 * @returns {{ ok: true, value: RouteMap } | { ok: false, errors: { path: string, code: string, message: string }[] }}
 */
export function compileRoutes(doc) {
  const errors = [];
  /** Records an error; null, for the readers below to return. */
  const error = (path, code, message) => {
    errors.push({ path, code, message });
    return null;
  };
  if (!Array.isArray(doc)) return { ok: false, errors: [{ path: "", code: "invalid_type", message: "must be a JSON array of routes" }] };
  if (doc.length === 0) error("", "empty_map", "lists no route (leave ROUTES unset for the default map)");
  const routes = [];
  doc.forEach((entry, i) => {
    const at = `[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return error(at, "invalid_type", "must be an object");
    for (const key of Object.keys(entry)) if (!ROUTE_MEMBERS.has(key)) error(`${at}.${key}`, "unknown_field", "is not a route member");
    const { method, action } = entry;
    if (typeof method !== "string" || !/^[A-Z]{1,20}$/.test(method)) error(`${at}.method`, "invalid_method", "must be an HTTP method in upper case");
    const known = typeof action === "string" && Object.hasOwn(ACTIONS, action);
    if (!known) error(`${at}.action`, "unknown_action", `must be one of ${Object.keys(ACTIONS).join(", ")}`);
    const segments = template(entry.path, `${at}.path`, error);
    if (known && segments) placeholders(segments, ACTIONS[action], `${at}.path`, error);
    if (segments && collection(segments).every((s) => s.param)) {
      error(`${at}.path`, "no_literal_segment", "needs a literal segment before its first {id}");
    }
    let roles = null;
    if (WITH_ROLES.has(action)) roles = pointer(entry.roles ?? "/roles", `${at}.roles`, error);
    else if (known && entry.roles !== undefined) error(`${at}.roles`, "not_applicable", `action '${action}' carries no roles`);
    let target = null;
    if (action === "accept") {
      if (entry.target !== undefined) error(`${at}.target`, "not_applicable", "an invitation link has no target");
    } else {
      const users = action === "policy";
      target = targetOf(entry.target ?? (users ? DEFAULT_USERS : DEFAULT_TARGET), `${at}.target`, error, users);
    }
    routes.push({ method, action, segments, roles, target });
  });
  const policies = routes.filter((r) => r.action === "policy");
  if (policies.length > 1) {
    error(`[${routes.indexOf(policies[1])}].action`, "duplicate_policy_route", "one policy route only: the edge reads the policy where it is saved");
  }
  if (errors.length) return { ok: false, errors };
  routes.forEach((b, j) => {
    const i = routes.findIndex((a) => a.method === b.method && overlaps(a.segments, b.segments));
    if (i < j) error(`[${j}].path`, "ambiguous_route", `${b.method} ${render(b.segments)} matches the same requests as [${i}]`);
  });
  if (errors.length) return { ok: false, errors };
  const collections = new Map(routes.map((r) => collection(r.segments)).map((c) => [render(c), c]));
  return { ok: true, value: { routes, collections: [...collections.values()], users: policies[0]?.target ?? null } };
}

/** A path template as segments, or null (with an error) when it is not one. */
function template(path, at, error) {
  if (typeof path !== "string" || !path.startsWith("/") || path === "/") {
    return error(at, "invalid_template", "must be a path starting with '/', such as /orgs/{tenant}/members/{id}");
  }
  const segments = [];
  for (const raw of path.slice(1).split("/")) {
    const param = /^\{(tenant|id)\}$/.exec(raw)?.[1];
    if (param && segments.some((s) => s.param === param)) return error(at, "invalid_template", `{${param}} appears twice`);
    if (param) segments.push({ param });
    else if (LITERAL.test(raw)) segments.push({ literal: raw, loose: looseSegment(raw) });
    else return error(at, "invalid_template", `'${raw}' is neither {tenant}, {id} nor a plain segment (letters, digits, . _ ~ @ + -)`);
  }
  return segments;
}

function placeholders(segments, needs, at, error) {
  const has = (p) => segments.some((s) => s.param === p);
  if (needs.id && !has("id")) error(at, "missing_placeholder", "this action acts on a user: the template needs {id}");
  if (!needs.id && has("id")) error(at, "unexpected_placeholder", "this action acts on no existing user: no {id}");
  if (needs.tenant === false && has("tenant")) error(at, "unexpected_placeholder", "an invitation link names its tenant itself: no {tenant}");
}

/** A JSON pointer as its reference tokens, or null (with an error). */
function pointer(text, at, error) {
  return parsePointer(text) ?? error(at, "invalid_pointer", "must be a JSON pointer such as /roles or /data/attributes/role");
}

/** Where users' records are: one user's at a path with `{id}`, or, for a policy save (`users`), the tenant's list. */
function targetOf(target, at, error, users) {
  if (typeof target !== "object" || target === null || Array.isArray(target)) return error(at, "invalid_type", "must be an object { path, roles }");
  for (const key of Object.keys(target)) if (!TARGET_MEMBERS.has(key)) error(`${at}.${key}`, "unknown_field", "is not a target member");
  const path = template(target.path, `${at}.path`, error);
  const hasId = path?.some((s) => s.param === "id");
  if (path && !users && !hasId) error(`${at}.path`, "missing_placeholder", "the user's record is read at a path with {id}");
  if (path && users && hasId) error(`${at}.path`, "unexpected_placeholder", "the tenant's users are read at a path without {id}");
  if (!users && target.list !== undefined) error(`${at}.list`, "not_applicable", "only a policy route reads a list of users");
  const roles = pointer(target.roles ?? "/roles", `${at}.roles`, error);
  const id = pointer(target.id ?? "/id", `${at}.id`, error);
  const account = target.account === undefined ? null : pointer(target.account, `${at}.account`, error);
  const list = users ? pointer(target.list ?? "/users", `${at}.list`, error) : null;
  return { path, roles, id, account, list };
}

/** The segments before `{id}` (all of them without one): what a router would mount the routes under. */
function collection(segments) {
  const i = segments.findIndex((s) => s.param === "id");
  return i < 0 ? segments : segments.slice(0, i);
}

/** True when two templates of the same length can match the same path. */
function overlaps(a, b) {
  return a.length === b.length && a.every((s, i) => s.param || b[i].param || s.literal === b[i].literal);
}

const render = (segments) => `/${segments.map((s) => s.literal ?? `{${s.param}}`).join("/")}`;

/**
 * @typedef {{ kind: "pass", url: URL }
 *   | { kind: "accept", url: URL, route: Route }
 *   | { kind: "admin", url: URL, route: Route, action: string, tenant?: string, id?: string, users: Target | null }
 *   | { kind: "refuse", status: number, code: string, detail: string, headers?: Record<string, string> }} Classified
 * `tenant` is absent when the template has no {tenant} (the token's tenant applies); `users`: the map's.
 * @param {Request} request
 * @param {RouteMap} map
 * @returns {Classified}
 */
export function classify(request, map) {
  const url = new URL(request.url);
  const loose = looseSegments(url.pathname);
  const under = map.collections.filter((c) => c.length <= loose.length && c.every((s, i) => s.param || s.loose === loose[i]));
  if (under.length === 0) return { kind: "pass", url };

  const invalid = (detail) => ({ kind: "refuse", status: 400, code: "invalid_path", detail });
  if (rawPath(request.url) !== url.pathname) return invalid("the path is not in canonical form");
  if (url.pathname.includes("%")) return invalid("percent-encoded characters are not allowed in user-admin paths");
  const segments = url.pathname.slice(1).split("/");
  if (segments.some((s) => s === "")) return invalid("empty path segments (doubled or trailing slashes) are not allowed");
  if (OVERRIDE_HEADERS.some((h) => request.headers.has(h)) || url.searchParams.has("_method")) {
    return { kind: "refuse", status: 400, code: "invalid_request", detail: "method overrides are not accepted on user-admin paths" };
  }
  for (const c of under) {
    if (!c.every((s, i) => s.param || s.literal === segments[i])) return invalid("not a canonical user-admin path");
    if (!c.every((s, i) => !s.param || ID.test(segments[i]))) return invalid("tenant and user ids must be plain identifiers");
  }

  const method = request.method;
  const shaped = map.routes.filter((r) => r.segments.length === segments.length && r.segments.every((s, i) => s.param || s.loose === looseSegment(segments[i])));
  const exact = shaped.filter((r) => r.segments.every((s, i) => (s.param ? ID.test(segments[i]) : s.literal === segments[i])));
  if (exact.length < shaped.length) {
    const literal = shaped.some((r) => r.segments.every((s, i) => s.param || s.literal === segments[i]));
    return invalid(literal ? "tenant and user ids must be plain identifiers" : "not a canonical user-admin path");
  }
  // A lenient router answers HEAD with the GET handler: a protected GET protects HEAD too.
  const route = exact.find((r) => r.method === method) ?? (method === "HEAD" ? exact.find((r) => r.method === "GET") : undefined);
  if (route) {
    const param = (name) => segments[route.segments.findIndex((s) => s.param === name)];
    if (route.action === "accept") return { kind: "accept", url, route };
    return { kind: "admin", url, route, action: route.action, tenant: param("tenant"), id: param("id"), users: map.users };
  }
  // Where a read is protected (an invitation link), nothing else passes: not other methods, not deeper paths.
  const readsProtected = (routes) => routes.some((r) => READS.includes(r.method));
  if (exact.length && readsProtected(exact)) return notAllowed(exact.map((r) => r.method));
  if (exact.length === 0 && readsProtected(map.routes.filter((r) => r.segments.length < segments.length && startsLoosely(loose, r.segments)))) {
    return invalid("not a canonical user-admin path");
  }
  if (READS.includes(method)) return { kind: "pass", url };
  return notAllowed([...READS, ...exact.map((r) => r.method)]);
}

function startsLoosely(loose, segments) {
  return segments.every((s, i) => s.param || s.loose === loose[i]);
}

function notAllowed(methods) {
  return {
    kind: "refuse", status: 405, code: "method_not_allowed",
    detail: "this method is not accepted on this user-admin path", headers: { allow: methods.join(", ") },
  };
}

/**
 * The path as the most lenient origin might read it: decoded (repeatedly), backslashes as slashes,
 * empty and dot segments resolved, lower case, matrix parameters and suffixes dropped.
 */
function looseSegments(pathname) {
  let path = pathname;
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(path); i++) {
    path = path.replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  }
  const out = [];
  for (const raw of path.split(/[/\\]/)) {
    const seg = looseSegment(raw);
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return out;
}

function looseSegment(raw) {
  const seg = raw.split(";")[0].replace(/^[\s\x00-\x1f]+|[\s\x00-\x1f]+$/g, "").toLowerCase();
  return /^\.+$/.test(seg) ? seg : seg.split(".")[0];
}

/** The path part of the URL string as received, before any parser touched it. */
function rawPath(href) {
  const rest = href.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "");
  return rest.split(/[?#]/)[0];
}

/**
 * A template filled in: `{tenant}` and `{id}` replaced by their values, percent-encoded unless they are
 * plain identifiers (a token's subject or tenant need not be).
 */
export function fill(segments, values) {
  const part = (v) => (ID.test(v) ? v : encodeURIComponent(v));
  return `/${segments.map((s) => (s.param ? part(values[s.param]) : s.literal)).join("/")}`;
}
