// A small origin admin API on loopback (docs/origin-api.md) that records every request it receives
// exactly as it arrived: method, raw path, raw query, headers and body bytes. It serves each tenant's
// policy with versions and ETags (a save needs the current ETag in If-Match) and checks nothing else.
import { createServer } from "node:http";
import { ifMatch } from "../src/policy-edit.js";

/**
 * @typedef {{ method: string, url: string, path: string, query: string,
 *   headers: Record<string, string>, rawHeaders: string[], body: Buffer }} Recorded
 * @typedef {{ id: string, name?: string, email?: string, roles: string[] }} User
 */

/**
 * @param {{ users?: Record<string, User[]>, policies?: Record<string, object | string>,
 *   respond?: (req: Recorded) => ({ status: number, headers?: object, body?: string | Buffer } | undefined),
 *   onRequest?: (req: Recorded) => void }} [options]
 *   `users`: users by tenant; `policies`: each tenant's first policy version (a document, or its text);
 *   `respond`: overrides the answer to any request (e.g. a 500); `onRequest`: called with each request as it
 *   is recorded.
 * @returns {Promise<{ url: string, requests: Recorded[], users: Map<string, Map<string, User>>,
 *   policies: Map<string, { version: number, text: string, etag: string }[]>, savePolicy(tenant: string, doc: object | string): string,
 *   clear(): void, mutations(): Recorded[], beyondLookup(path: string): Recorded[], close(): Promise<void> }>}
 *   `policies`: the versions by tenant, oldest first; `savePolicy`: a new version at origin directly (its ETag).
 *   `mutations()`: recorded requests other than GET (what the edge forwarded, not its lookups);
 *   `beyondLookup(path)`: recorded requests other than the edge's lookups, its GETs of user records in the tenant
 *   `path` names (the target's, and the actor's own).
 */
export async function startRecordingOrigin({ users = {}, policies = {}, respond, onRequest } = {}) {
  const store = new Map(Object.entries(users).map(([t, list]) => [t, new Map(list.map((u) => [u.id, structuredClone(u)]))]));
  const requests = [];
  let nextId = 1;
  const versions = new Map();
  let saves = 0;
  /** A new current version of the tenant's policy; its ETag (never reused, even for a tenant started afresh). */
  const savePolicy = (tenant, doc) => {
    const list = versions.get(tenant) ?? [];
    const etag = `"e${++saves}"`;
    list.push({ version: list.length + 1, text: typeof doc === "string" ? doc : JSON.stringify(doc), etag });
    versions.set(tenant, list);
    return etag;
  };
  for (const [tenant, doc] of Object.entries(policies)) savePolicy(tenant, doc);

  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const [path, ...q] = req.url.split("?");
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i].toLowerCase();
        headers[name] = name in headers ? `${headers[name]}, ${req.rawHeaders[i + 1]}` : req.rawHeaders[i + 1];
      }
      const rec = { method: req.method, url: req.url, path, query: q.join("?"), headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      requests.push(rec);
      onRequest?.(rec);
      const answer = respond?.(rec) ?? route(rec);
      const body = answer.body === undefined ? "" : typeof answer.body === "string" || Buffer.isBuffer(answer.body) ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(body);
    });
  });

  /** The origin API over the in-memory store. */
  function route(rec) {
    const p = rec.path.match(/^\/api\/tenants\/([^/]+)\/policy(\/versions)?$/);
    if (p) return policyRoute(rec, p[1], p[2] !== undefined);
    const m = rec.path.match(/^\/api\/tenants\/([^/]+)\/users(?:\/([^/]+)(?:\/(roles|invitation|disable|enable))?)?$/);
    if (rec.path === "/invitations/accept") return { status: 200, body: { accepted: true } };
    if (!m) return { status: 200, body: { passed: rec.path } };
    const [, tenant, id, sub] = m;
    if (!store.has(tenant)) store.set(tenant, new Map());
    const tenantUsers = store.get(tenant);
    const user = id && tenantUsers.get(id);
    if (id && !user) return { status: 404, body: { title: "not found" } };
    const json = () => JSON.parse(rec.body.toString() || "{}");
    switch (`${rec.method} ${sub ?? (id ? "user" : "users")}`) {
      case "GET users": return { status: 200, body: { users: [...tenantUsers.values()] } };
      case "GET user": return { status: 200, body: user };
      case "POST users": {
        const { email, name, roles } = json();
        const created = { id: `new${nextId++}`, email, name: name ?? email, roles };
        tenantUsers.set(created.id, created);
        return { status: 201, body: created };
      }
      case "PUT roles": user.roles = json().roles; return { status: 200, body: user };
      case "DELETE user": tenantUsers.delete(id); return { status: 204 };
      case "POST invitation": return { status: 200, body: { user, link: "/invitations/accept?token=recorded" } };
      case "POST disable": case "POST enable": return { status: 200, body: user };
      default: return { status: 405, body: { title: "method not allowed" } };
    }
  }

  /** The tenant's policy: GET (ETag; 304 for If-None-Match), PUT (If-Match: 428, 412), GET .../versions. */
  function policyRoute(rec, tenant, history) {
    const list = versions.get(tenant);
    if (!list) return { status: 404, body: { title: "no policy" } };
    const { text, etag } = list.at(-1);
    const key = `${rec.method} ${history ? "versions" : "policy"}`;
    if (key === "GET versions") return { status: 200, body: { versions: list.map(({ version }) => ({ version })).reverse() } };
    if (key === "GET policy") {
      if (ifMatch(rec.headers["if-none-match"], etag) === "match") return { status: 304, headers: { etag } };
      return { status: 200, headers: { etag }, body: text };
    }
    if (key !== "PUT policy") return { status: 405, body: { title: "method not allowed" } };
    const match = ifMatch(rec.headers["if-match"], etag);
    if (match === "missing") return { status: 428, body: { code: "precondition_required" } };
    if (match === "mismatch") return { status: 412, headers: { etag }, body: { code: "precondition_failed" } };
    const saved = savePolicy(tenant, rec.body.toString("utf8"));
    return { status: 200, headers: { etag: saved }, body: { version: versions.get(tenant).length } };
  }

  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    users: store,
    policies: versions,
    savePolicy,
    clear: () => void requests.splice(0),
    mutations: () => requests.filter((r) => r.method !== "GET"),
    beyondLookup: (path) => {
      // Dot segments resolved as workerd resolves them before the edge sees the path.
      const tenant = /^\/api\/tenants\/([^/]+)\/users/.exec(new URL(path, "http://origin").pathname)?.[1];
      const record = /^\/api\/tenants\/([^/]+)\/users\/[^/]+$/;
      return requests.filter((r) => !(r.method === "GET" && record.exec(r.path)?.[1] === tenant));
    },
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
