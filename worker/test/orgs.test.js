// A route map (ROUTES) in front of an admin API of another shape, end to end in real workerd: members
// under /orgs/{tenant}/members/{id}, one role per member (`PATCH { "role": "admin" }`), the member's
// record at /orgs/{tenant}/members/{id} as `{ data: { id, role } }`. Accepted requests arrive byte for
// byte, other body members included; refusals, 405s and every path trick reach nothing beyond the
// edge's lookups; a map without {tenant} acts in the token's tenant; an invalid map closes everything.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { send } from "./client.js";
import { AUTH_KEYS, SECRET_MARKER, actorKeys } from "./fixtures.js";
import { startNamedWorkers, startRecordingOrigin } from "./harness.js";

/** Product C: one role per member, ranked. `owner` covers everything (a full administrator). */
const ORGS_POLICY = {
  version: 1,
  features: { members: { levels: ["none", "manage"] }, billing: { levels: ["none", "view", "manage"] } },
  roles: {
    member: { rank: 1, grants: { billing: "view" } },
    admin: { rank: 2, grants: { members: "manage", billing: "view" } },
    owner: { rank: 3, grants: { "*": "max" } },
  },
  grantRule: "rank",
  rankOrder: "same-or-lower",
  userAdmin: { feature: "members", level: "manage" },
};
const MEMBERS = { ola: "owner", adam: "admin", mia: "member", lex: "LegacySuper" };
const TARGET = { path: "/orgs/{tenant}/members/{id}", roles: "/data/role", id: "/data/id" };
const ROUTES = [
  { method: "POST", path: "/orgs/{tenant}/members", action: "add", roles: "/role", target: TARGET },
  { method: "PATCH", path: "/orgs/{tenant}/members/{id}", action: "roles", roles: "/role", target: TARGET },
  { method: "DELETE", path: "/orgs/{tenant}/members/{id}", action: "remove", target: TARGET },
  { method: "POST", path: "/orgs/{tenant}/members/{id}/suspend", action: "disable", target: TARGET },
  { method: "POST", path: "/orgs/{tenant}/members/{id}/invite", action: "invite", target: TARGET },
];
/** The same API without the tenant in request paths: the token's tenant is the org. */
const FLAT_ROUTES = ROUTES.map((r) => ({ ...r, path: r.path.replace("/orgs/{tenant}", "") }));

let origin, workers;
const url = {};
/** Members by org, as origin holds them now. */
let orgs;
const seen = [];

/** The org API over `orgs`: GET/PATCH/DELETE a member, POST a member, suspend, invite. */
function orgApi(rec) {
  const m = /^\/orgs\/([^/]+)\/members(?:\/([^/]+)(?:\/(suspend|invite))?)?$/.exec(rec.path);
  if (!m) return { status: 200, body: { passed: rec.path } };
  const [, org, id, sub] = m;
  const members = orgs[org] ?? {};
  if (id && !Object.hasOwn(members, id)) return { status: 404, body: { error: "no such member" } };
  const body = () => JSON.parse(rec.body.toString() || "{}");
  switch (`${rec.method} ${sub ?? (id ? "member" : "members")}`) {
    case "GET member": return { status: 200, body: { data: { id, role: members[id] } } };
    case "POST members": return { status: 201, body: { data: { id: "new", role: body().role } } };
    case "PATCH member": members[id] = body().role; return { status: 200, body: { data: { id, role: members[id] } } };
    case "DELETE member": delete members[id]; return { status: 204 };
    default: return { status: 200, body: { data: { id } } };
  }
}

before(async () => {
  origin = await startRecordingOrigin({ respond: orgApi });
  const spec = (routes, vars = {}) => ({ origin: origin.url, policy: ORGS_POLICY, authKeys: AUTH_KEYS, vars: { ROUTES: JSON.stringify(routes), ...vars } });
  const specs = {
    orgs: spec(ROUTES),
    flat: spec(FLAT_ROUTES),
    invalid: spec([{ ...ROUTES[0], action: "promote" }]),
    duplicate: { ...spec([]), vars: { ROUTES: '[{"method":"DELETE","path":"/orgs/{tenant}/members/{id}","action":"remove","action":"add"}]' } },
  };
  workers = await startNamedWorkers(specs);
  Object.assign(url, workers.url);
});
after(async () => {
  await workers?.stop();
  await origin?.close();
});
beforeEach(() => {
  orgs = { acme: { ...MEMBERS }, globex: { gus: "owner" } };
  origin.clear();
});

const token = (sub, org = "acme") => actorKeys.signActor({ sub, tenant: org, roles: [orgs[org]?.[sub] ?? MEMBERS[sub]], exp: Math.floor(Date.now() / 1000) + 600 }, "auth-2025");
async function call(worker, method, path, { as, body, headers = {} } = {}) {
  const res = await send(url[worker], {
    method, path, body,
    headers: { ...(as && { authorization: `Bearer ${token(as)}` }), ...(body !== undefined && { "content-type": "application/json" }), ...headers },
  });
  seen.push(res.text);
  return res;
}
/** The requests origin received, lookups (GETs of member records) apart. */
const changes = () => origin.requests.filter((r) => !(r.method === "GET" && /^\/orgs\/[^/]+\/members\/[^/]+$/.test(r.path)));
const lookups = () => origin.requests.filter((r) => r.method === "GET").map((r) => r.path).sort();
function assertProblem(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers["content-type"], "application/problem+json");
  assert.equal(res.json.code, code, res.text);
}

describe("accepted: forwarded byte for byte, body members other than the role unchanged", () => {
  test("an admin makes a member an admin: PATCH { role, nickname }", async () => {
    const body = '{ "role": "admin",\n  "nickname": "Mia", "notify": { "email": true } }';
    const res = await call("orgs", "PATCH", "/orgs/acme/members/mia?src=console", { as: "adam", body });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(lookups(), ["/orgs/acme/members/adam", "/orgs/acme/members/mia"], "the target's and the actor's records, at the target template");
    const [patch] = changes();
    assert.equal(`${patch.method} ${patch.url}`, "PATCH /orgs/acme/members/mia?src=console");
    assert.ok(patch.body.equals(Buffer.from(body)), "byte-identical body");
    assert.equal(orgs.acme.mia, "admin");
  });
  test("the role may be an array of names", async () => {
    const res = await call("orgs", "POST", "/orgs/acme/members", { as: "adam", body: '{"email":"n@x","role":["member","admin"]}' });
    assert.equal(res.status, 201, res.text);
    assert.equal(changes().length, 1);
  });
  test("removal, suspension and invitation by an admin", async () => {
    for (const [method, path, status] of [["POST", "/orgs/acme/members/mia/suspend", 200], ["POST", "/orgs/acme/members/mia/invite", 200],
      ["DELETE", "/orgs/acme/members/mia", 204]]) {
      const res = await call("orgs", method, path, { as: "adam" });
      assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
    }
    assert.deepEqual(changes().map((r) => r.method), ["POST", "POST", "DELETE"]);
  });
  test("reads and everything outside the map pass through without a token", async () => {
    for (const path of ["/orgs/acme/members/mia", "/orgs/acme/members", "/api/tenants/acme/users/x/roles", "/health"]) {
      assert.equal((await call("orgs", "GET", path)).status, 200, path);
    }
    assert.equal((await call("orgs", "PUT", "/api/tenants/acme/users/x/roles", { body: "{}" })).status, 200, "the default map is replaced");
    assert.equal(origin.requests.length, 5);
  });
});

describe("refused: by the rules, the body, the method; nothing beyond the lookups reaches origin", () => {
  for (const [name, method, path, as, body, reason] of [
    ["an admin cannot make a member owner", "PATCH", "/orgs/acme/members/mia", "adam", '{"role":"owner"}', "rank_too_high"],
    ["an admin cannot add an owner", "POST", "/orgs/acme/members", "adam", '{"email":"n@x","role":"owner"}', "rank_too_high"],
    ["an admin cannot remove the owner", "DELETE", "/orgs/acme/members/ola", "adam", undefined, "target_outranks_actor"],
    ["a member administers nobody", "POST", "/orgs/acme/members/mia/suspend", "mia", undefined, "self_remove"],
    ["a member cannot invite", "POST", "/orgs/acme/members/adam/invite", "mia", undefined, "not_user_admin"],
    ["nobody changes their own role", "PATCH", "/orgs/acme/members/adam", "adam", '{"role":"member"}', "self_role_change"],
    ["a role the policy does not know", "PATCH", "/orgs/acme/members/mia", "adam", '{"role":"superuser"}', "unknown_role"],
    ["a member holding a role the policy does not know (unknown_target_role)", "DELETE", "/orgs/acme/members/lex", "adam", undefined, "unknown_target_role"],
  ]) {
    test(name, async () => {
      const res = await call("orgs", method, path, { as, body });
      assertProblem(res, 403, "forbidden");
      assert.ok(res.json.reasons.some((r) => r.code === reason), res.text);
      assert.deepEqual(changes(), []);
    });
  }
  test("the owner, a full administrator, may clean up a member holding an unknown role", async () => {
    const res = await call("orgs", "PATCH", "/orgs/acme/members/lex", { as: "ola", body: '{"role":"member"}' });
    assert.equal(res.status, 200, res.text);
    assert.equal(orgs.acme.lex, "member");
  });
  for (const [name, body, status, code, path] of [
    ["no role member", '{"email":"n@x"}', 400, "missing_member", "role"],
    ["a role that is a number", '{"role":7}', 400, "invalid_type", "role"],
    ["a role array holding a number", '{"role":["member",7]}', 400, "invalid_type", "role[1]"],
    ["the role named twice", '{"role":"member","role":"owner"}', 400, "duplicate_member", "role"],
    ["a member named twice anywhere", '{"role":"member","profile":{"a":1,"a":2}}', 400, "duplicate_member", "profile.a"],
    ["not JSON", "role=owner", 400, "malformed_json", ""],
  ]) {
    test(`400 for ${name}`, async () => {
      const res = await call("orgs", "PATCH", "/orgs/acme/members/mia", { as: "adam", body });
      assertProblem(res, status, "invalid_request");
      assert.deepEqual([res.json.errors[0].code, res.json.errors[0].path], [code, path]);
      assert.deepEqual(origin.requests, []);
    });
  }
  test("400 for a query parameter shadowing the role (?role=owner)", async () => {
    assertProblem(await call("orgs", "PATCH", "/orgs/acme/members/mia?Role=owner", { as: "adam", body: '{"role":"member"}' }), 400, "invalid_request");
    assert.deepEqual(origin.requests, []);
  });
  test("415 without a JSON content type", async () => {
    const res = await call("orgs", "PATCH", "/orgs/acme/members/mia", { as: "adam", body: '{"role":"member"}', headers: { "content-type": "text/plain" } });
    assertProblem(res, 415, "unsupported_media_type");
  });
  for (const [method, path, allow] of [
    ["PUT", "/orgs/acme/members/mia", "GET, HEAD, OPTIONS, PATCH, DELETE"],
    ["DELETE", "/orgs/acme/members", "GET, HEAD, OPTIONS, POST"],
    ["POST", "/orgs/acme/members/mia/password", "GET, HEAD, OPTIONS"],
    ["GET", "/orgs/acme/members/mia/suspend", null],
  ]) {
    test(`${method} ${path}: ${allow ? "405 with Allow" : "a read passes"}`, async () => {
      const res = await call("orgs", method, path, { as: "adam", body: method === "GET" ? undefined : '{"role":"member"}' });
      if (!allow) return assert.equal(res.status, 200);
      assertProblem(res, 405, "method_not_allowed");
      assert.equal(res.headers.allow, allow);
      assert.deepEqual(origin.requests, []);
    });
  }
});

describe("path tricks on every template: refused, never passed through as unprotected", () => {
  const TEMPLATES = [
    ["PATCH", "/orgs/acme/members/mia", '{"role":"member"}'],
    ["DELETE", "/orgs/acme/members/mia", undefined],
    ["POST", "/orgs/acme/members", '{"email":"n@x","role":"member"}'],
    ["POST", "/orgs/acme/members/mia/suspend", undefined],
  ];
  const lastSlash = (path, replacement) => path.replace(/\/(?=[^/]*$)/, replacement);
  const TRICKS = [
    ["trailing slash", (x) => `${x}/`], ["doubled slash", (x) => x.replace("/members", "//members")],
    ["leading doubled slash", (x) => `/${x}`], ["upper-case ORGS", (x) => x.replace("/orgs/", "/ORGS/")],
    ["mixed-case Members", (x) => x.replace("/members", "/Members")], [";param on the last segment", (x) => `${x};x=1`],
    [".json suffix on a literal", (x) => x.replace("/members", "/members.json")], ["%2F for the last slash", (x) => lastSlash(x, "%2F")],
    ["double-encoded %252F", (x) => lastSlash(x, "%252F")], ["backslash for the last slash", (x) => lastSlash(x, "\\")],
    ["encoded dot-dot %2e%2e", (x) => x.replace("/orgs/", "/orgs/x/%2e%2e/")], ["encoded dot-dot from outside", (x) => `/public/%2E%2E${x}`],
    ["encoded dot %2e", (x) => x.replace("/members", "/%2e/members")], ["percent-encoded letter", (x) => x.replace("/members", "/%6dembers")],
    ["an id with a space", (x) => x.replace("/mia", "/m%20ia")], ["an id of dots", (x) => x.replace("/mia", "/...")],
  ];
  for (const [method, path, body] of TEMPLATES) {
    for (const [name, trick] of TRICKS) {
      const tricked = trick(path);
      if (tricked === path) continue;
      test(`${method} ${path}: ${name}`, async () => {
        const res = await call("orgs", method, tricked, { as: "adam", body });
        assertProblem(res, 400, "invalid_path");
        assert.deepEqual(origin.requests, [], "origin received nothing");
      });
    }
    for (const [name, headers, query] of [["X-HTTP-Method-Override", { "x-http-method-override": "DELETE" }, ""], ["_method", {}, "?_method=DELETE"]]) {
      test(`${method} ${path}: method override by ${name}`, async () => {
        const res = await call("orgs", method === "DELETE" ? "GET" : method, path + query, { as: "adam", body: method === "DELETE" ? undefined : body, headers });
        assertProblem(res, 400, "invalid_request");
        assert.deepEqual(origin.requests, []);
      });
    }
  }
  test("literal dot segments are resolved before the edge sees them, then judged", async () => {
    const res = await call("orgs", "DELETE", "/public/../orgs/acme/members/ola", { as: "adam" });
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(changes(), []);
  });
});

describe("a map without {tenant}: the token's tenant", () => {
  test("the request names no org; the lookups and the policy are the token's org", async () => {
    const res = await call("flat", "PATCH", "/members/mia", { as: "adam", body: '{"role":"admin"}' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(lookups(), ["/orgs/acme/members/adam", "/orgs/acme/members/mia"]);
    assert.equal(changes()[0].url, "/members/mia");
  });
  test("another org's owner acts in that org only: its member lookups miss", async () => {
    const res = await send(url.flat, { method: "DELETE", path: "/members/mia", headers: { authorization: `Bearer ${token("gus", "globex")}` } });
    assertProblem(res, 404, "user_not_found");
    assert.deepEqual(changes(), []);
  });
  test("path tricks are refused there too", async () => {
    for (const path of ["/Members/mia", "/members//mia", "/members/mia/", "/x/%2e%2e/members/mia", "/members%2Fmia"]) {
      assertProblem(await call("flat", "DELETE", path, { as: "adam" }), 400, "invalid_path");
    }
    assert.deepEqual(origin.requests, []);
  });
});

describe("an invalid map closes the edge: 503 routes_unavailable, nothing forwarded", () => {
  for (const worker of ["invalid", "duplicate"]) {
    test(worker, async () => {
      for (const [method, path] of [["PATCH", "/orgs/acme/members/mia"], ["GET", "/orgs/acme/members/mia"], ["GET", "/anything"],
        ["DELETE", "/api/tenants/acme/users/alice"], ["GET", "/invitations/accept?token=x"]]) {
        assertProblem(await call(worker, method, path, { as: "adam", body: method === "GET" ? undefined : '{"role":"member"}' }), 503, "routes_unavailable");
      }
      assert.deepEqual(origin.requests, []);
    });
  }
  test("the configuration error line names ROUTES, each path and code", () => {
    const logs = workers.logs.join("");
    assert.match(logs, /ROUTES: invalid_routes \(\[0\]\.action: unknown_action\)/);
    assert.match(logs, /ROUTES: duplicate_member \(\[0\]\.action\)/);
    assert.ok(!logs.includes(SECRET_MARKER));
    for (const text of seen) assert.ok(!text.includes(SECRET_MARKER));
  });
});
