// A small origin admin API on loopback (docs/origin-api.md) that records every request it receives
// exactly as it arrived: method, raw path, raw query, headers and body bytes.
import { createServer } from "node:http";

/**
 * @typedef {{ method: string, url: string, path: string, query: string,
 *   headers: Record<string, string>, rawHeaders: string[], body: Buffer }} Recorded
 * @typedef {{ id: string, name?: string, email?: string, roles: string[] }} User
 */

/**
 * @param {{ users?: Record<string, User[]>,
 *   respond?: (req: Recorded) => ({ status: number, headers?: object, body?: string | Buffer } | undefined),
 *   onRequest?: (req: Recorded) => void }} [options]
 *   `users`: users by tenant; `respond`: overrides the answer to any request (e.g. a 500);
 *   `onRequest`: called with each request as it is recorded.
 * @returns {Promise<{ url: string, requests: Recorded[], users: Map<string, Map<string, User>>,
 *   clear(): void, mutations(): Recorded[], beyondLookup(path: string): Recorded[], close(): Promise<void> }>}
 *   `mutations()`: recorded requests other than GET (what the edge forwarded, not its lookups);
 *   `beyondLookup(path)`: recorded requests other than the edge's lookups, its GETs of user records in the tenant
 *   `path` names (the target's, and the actor's own).
 */
export async function startRecordingOrigin({ users = {}, respond, onRequest } = {}) {
  const store = new Map(Object.entries(users).map(([t, list]) => [t, new Map(list.map((u) => [u.id, structuredClone(u)]))]));
  const requests = [];
  let nextId = 1;

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

  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    users: store,
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
