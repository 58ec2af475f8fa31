// Claim mapping against real workerd and a real OpenID Provider: every recipe of worker/README.md
// (read from the README itself: its vars and its token claims) gives the actor, tenant, roles and
// ignoredRoles expected; bad mapping bindings fail closed with a one-time line naming binding, path and code.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, beforeEach, describe, test } from "node:test";
import { send } from "./client.js";
import { PRODUCT_A, SECRET_MARKER } from "./fixtures.js";
import { decisionLines, startRecordingOrigin, startWorkers } from "./harness.js";
import { DEFAULT_AUDIENCE, signingKey, startProvider } from "./provider.js";

/** What each recipe's token must come out as. */
const EXPECTED = {
  "Auth0": { actor: "auth0|64f0c2a1b2", tenant: "org_9ybsU1dN2dKfDkBi" },
  "Okta": { actor: "00u1abcdEFGH", tenant: "acme" },
  "Clerk": { actor: "user_2NNEqL2nrIRdJ194ndJqAHwEfxC", tenant: "org_2Z3xyAbc" },
  "Keycloak": { actor: "8f1e0c7a-3b5d-4e2f-9a61-0c2d4e6f8a10", tenant: "acme",
    ignoredRoles: ["offline_access", "uma_authorization", "default-roles-rolegate"] },
  "Entra ID": { actor: "00000000-0000-0000-66f3-3332eca7ea81", tenant: "2f6b1c0e-8d1a-4c3e-9f7b-5a4d3c2b1a00" },
  "Cloudflare Access": { actor: "7335d417-61da-459d-899c-0a01c76a2f94", tenant: "acme", admin: true },
};

/** The README's recipes: `##### Name`, then a JSON block of vars and one of token claims. */
function recipes() {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("#### Recipes"), readme.indexOf("### The decision log"));
  return Object.fromEntries(section.split(/^##### /m).slice(1).map((part) => {
    const [vars, claims] = [...part.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
    return [part.split("\n")[0].trim(), { vars, claims }];
  }));
}

const RECIPES = recipes();
const BROKEN = {
  pointer: [{ CLAIM_ROLES: "/https:~1~1x~2roles" }, "auth_unavailable", 'CLAIM_ROLES: invalid_claim_path ("/https:~1~1x~2roles": "~" must be followed by 0 or 1)'],
  dotted: [{ CLAIM_TENANT: "org..id" }, "auth_unavailable", 'CLAIM_TENANT: invalid_claim_path ("org..id": empty segment)'],
  duplicate: [{ ROLE_MAP: '{ "org:admin": "CustomerAdmin", "org:admin": "User" }' }, "auth_unavailable", 'ROLE_MAP: duplicate_member (["org:admin"])'],
  notARole: [{ ROLE_MAP: '{ "org:admin": ["CustomerAdmin", 3] }' }, "auth_unavailable", 'ROLE_MAP: not_a_role_name (["org:admin"][1])'],
  notJson: [{ ROLE_MAP: "{ org:admin }" }, "auth_unavailable", "ROLE_MAP: invalid_json"],
  notAMap: [{ ROLE_MAP: '["CustomerAdmin"]' }, "auth_unavailable", "ROLE_MAP: not_an_object"],
  twoTenants: [{ TENANT: "acme", CLAIM_TENANT: "org_id" }, "auth_unavailable", "TENANT: conflicts_with_claim_tenant"],
  header: [{ AUTH_HEADER: "Cf Access" }, "auth_unavailable", "AUTH_HEADER: invalid_header_name"],
  plainHttp: [{ AUTH_ISSUER: "http://login.example.com" }, "auth_unavailable", "AUTH_ISSUER: invalid_url (must be https, or http on loopback)"],
  twoSets: [{ AUTH_JWKS: '{"keys":[]}', AUTH_JWKS_URL: "https://login.example.com/jwks" }, "keys_unavailable", "AUTH_JWKS: conflicts_with_auth_jwks_url"],
  symmetric: [{ AUTH_JWKS: JSON.stringify({ keys: [{ kty: "oct", k: Buffer.from(`${SECRET_MARKER}jwks-0123456789abcdef`).toString("base64url") }] }) }, "keys_unavailable", "AUTH_JWKS: not_an_asymmetric_key (keys[0])"],
  privateKey: [{ AUTH_JWKS: null }, "keys_unavailable", "AUTH_JWKS: private_key (keys[0])"],
};

let origin, idp, workers;
const url = {};
before(async () => {
  [origin, idp] = await Promise.all([startRecordingOrigin({ users: { acme: [{ id: "alice", roles: ["User"] }] } }), startProvider()]);
  // What the token says is this suite's subject: the actor's record at origin is freshness.test.js's.
  const local = { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: DEFAULT_AUDIENCE, ACTOR_CHECK: "token" };
  const spec = (vars) => ({ origin: origin.url, policy: PRODUCT_A, vars: { ...local, ...vars } });
  const privateJwks = JSON.stringify({ keys: [await signingKey("ES256")] }).replaceAll('"d":"', `"d":"${SECRET_MARKER.replace("-", "")}`);
  BROKEN.privateKey[0].AUTH_JWKS = privateJwks;
  const specs = {
    // The recipe's own vars, its URLs and audience pointed at the local provider.
    ...Object.fromEntries(Object.entries(RECIPES).map(([name, { vars }]) => [name, spec({
      ...vars, ...local, ...(vars.AUTH_JWKS_URL && { AUTH_JWKS_URL: idp.jwksUri }),
    })])),
    ...Object.fromEntries(Object.entries(BROKEN).map(([name, [vars]]) => [name, spec(vars)])),
    roleList: spec({ ROLE_MAP: '{ "support-leads": ["UserManager", "User"], "Everyone": "User" }', CLAIM_ROLES: "groups" }),
  };
  const names = Object.keys(specs);
  workers = await startWorkers(names.map((n) => specs[n]));
  names.forEach((n, i) => { url[n] = workers.urls[i]; });
});
after(async () => {
  await workers?.stop();
  await Promise.all([origin?.close(), idp?.close()]);
});
beforeEach(() => origin.clear());

const output = () => workers.logs.join("");
/** POST add-user with `roles` in `tenant`, the token where the recipe's AUTH_HEADER says. */
const add = (worker, tenant, token, roles, header = "authorization") => send(url[worker], {
  method: "POST", path: `/api/tenants/${tenant}/users`,
  headers: { "content-type": "application/json", [header]: header === "authorization" ? `Bearer ${token}` : token },
  body: JSON.stringify({ email: "new@tenant.test", roles }),
});
/** The decision line of the next request. */
async function logged(request) {
  const before = decisionLines(output()).length;
  const res = await request();
  await workers.until((out) => decisionLines(out).length > before);
  return { res, line: decisionLines(output()).at(-1) };
}

describe("README recipes, with tokens of their claim shape from the local provider", () => {
  test("every recipe in the README is tested", () => {
    assert.deepEqual(Object.keys(RECIPES).sort(), Object.keys(EXPECTED).sort());
  });
  for (const [name, expected] of Object.entries(EXPECTED)) {
    test(name, async () => {
      const { vars, claims } = RECIPES[name];
      const { sub, ...rest } = claims;
      const token = await idp.mint({ sub, claims: rest });
      const header = vars.AUTH_HEADER?.toLowerCase() ?? "authorization";

      const { res, line } = await logged(() => add(name, expected.tenant, token, ["User"], header));
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(
        { actor: line.actor, tenant: line.tenant, decision: line.decision, ignoredRoles: line.ignoredRoles },
        { actor: expected.actor, tenant: expected.tenant, decision: "allow", ignoredRoles: expected.ignoredRoles },
      );
      // The mapped roles are exactly the recipe's: a UserManager does not hold ReportViewer, an admin does.
      const other = await add(name, expected.tenant, token, ["ReportViewer"], header);
      assert.equal(other.status, expected.admin ? 201 : 403, other.text);
      if (!expected.admin) assert.deepEqual(other.json.reasons.map((r) => r.code), ["role_not_held"]);
      const elsewhere = await add(name, "another-tenant", token, ["User"], header);
      assert.equal(`${elsewhere.status} ${elsewhere.json.code}`, "403 tenant_mismatch");
      assert.equal(origin.mutations().length, expected.admin ? 2 : 1);
    });
  }
  test("Cloudflare Access: the token is read from Cf-Access-Jwt-Assertion only", async () => {
    const { claims: { sub, ...rest } } = RECIPES["Cloudflare Access"];
    const token = await idp.mint({ sub, claims: rest });
    const res = await add("Cloudflare Access", "acme", token, ["User"]);
    assert.equal(res.status, 401, "a bearer token is not where this deployment looks");
    assert.equal(origin.mutations().length, 0);
  });
  test("Cloudflare Access: origin's record lookups carry the token in the same header", async () => {
    const { claims: { sub, ...rest } } = RECIPES["Cloudflare Access"];
    const token = await idp.mint({ sub, claims: rest });
    const res = await send(url["Cloudflare Access"], {
      method: "DELETE", path: "/api/tenants/acme/users/alice", headers: { "cf-access-jwt-assertion": token },
    });
    assert.equal(res.status, 204, res.text);
    const lookup = origin.requests.find((r) => r.method === "GET" && r.path === "/api/tenants/acme/users/alice");
    assert.equal(lookup.headers["cf-access-jwt-assertion"], token);
  });
  test("Clerk: one role as a string; a provider role the map does not list passes unchanged", async () => {
    const { claims: { sub, ...rest } } = RECIPES.Clerk;
    const admin = await idp.mint({ sub, claims: { ...rest, org_role: "org:admin" } });
    assert.equal((await add("Clerk", rest.org_id, admin, ["CustomerAdmin"])).status, 201, "org:admin is CustomerAdmin");
    const unlisted = await idp.mint({ sub, claims: { ...rest, org_role: "UserManager" } });
    const { res, line } = await logged(() => add("Clerk", rest.org_id, unlisted, ["User"]));
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["role_not_held"], "UserManager passed unchanged; it does not hold User");
    assert.equal(line.ignoredRoles, undefined);
    const unknown = await idp.mint({ sub, claims: { ...rest, org_role: "org:billing" } });
    const refused = await logged(() => add("Clerk", rest.org_id, unknown, ["User"]));
    assert.equal(refused.res.status, 403);
    assert.deepEqual(refused.line.ignoredRoles, ["org:billing"], "a name that grants nothing is listed");
  });
  test("ROLE_MAP: one provider name to several policy roles", async () => {
    const token = await idp.mint({ sub: "lead", claims: { tenant: "acme", groups: ["support-leads"] } });
    assert.equal((await add("roleList", "acme", token, ["User"])).status, 201);
  });
});

describe("bad mapping bindings fail closed", () => {
  for (const [name, [, code, line]] of Object.entries(BROKEN)) {
    test(`${name}: 503 ${code}, nothing forwarded, one log line`, async () => {
      const token = await idp.mint({ sub: "mona", claims: { tenant: "acme", roles: ["UserManager", "User"] } });
      for (let i = 0; i < 2; i++) {
        const res = await add(name, "acme", token, ["User"]);
        assert.equal(`${res.status} ${res.json.code}`, `503 ${code}`, res.text);
      }
      assert.equal(origin.requests.length, 0);
      assert.equal(output().split(`rolegate edge: ${line}\n`).length - 1, 1, `once: ${line}\n${output()}`);
    });
  }
  test("no secret or private key in the logs", () => {
    assert.ok(!output().includes(SECRET_MARKER.replace("-", "")), output());
  });
});
