// The route map's validation (ROUTES): every error with its path and code, and the default map as
// the routes of docs/origin-api.md. End to end against an origin of another shape: orgs.test.js.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_ROUTES, compileRoutes, defaultRouteMap } from "../src/routes.js";

const route = (extra = {}) => ({ method: "PATCH", path: "/orgs/{tenant}/members/{id}", action: "roles", roles: "/role", ...extra });
const errorsOf = (doc) => {
  const result = compileRoutes(doc);
  assert.equal(result.ok, false, "refused");
  return result.errors.map((e) => `${e.path}: ${e.code}`);
};

describe("ROUTES validation: every error with its path and code", () => {
  for (const [name, doc, expected] of [
    ["not an array", { routes: [] }, [": invalid_type"]],
    ["an empty map", [], [": empty_map"]],
    ["a route that is not an object", [route(), "PATCH /x"], ["[1]: invalid_type"]],
    ["an unknown member (a typo)", [route({ rolse: "/role" })], ["[0].rolse: unknown_field"]],
    ["a method in lower case", [route({ method: "patch" })], ["[0].method: invalid_method"]],
    ["no method", [route({ method: undefined })], ["[0].method: invalid_method"]],
    ["an unknown action", [route({ action: "promote" })], ["[0].action: unknown_action"]],
    ["a path without a leading slash", [route({ path: "orgs/{tenant}/members/{id}" })], ["[0].path: invalid_template"]],
    ["a trailing slash", [route({ path: "/orgs/{tenant}/members/{id}/" })], ["[0].path: invalid_template"]],
    ["a doubled slash", [route({ path: "/orgs//{tenant}/members/{id}" })], ["[0].path: invalid_template"]],
    ["an unknown placeholder", [route({ path: "/orgs/{org}/members/{id}" })], ["[0].path: invalid_template"]],
    ["a placeholder inside a segment", [route({ path: "/orgs/t-{tenant}/members/{id}" })], ["[0].path: invalid_template"]],
    ["a placeholder twice", [route({ path: "/orgs/{id}/members/{id}" })], ["[0].path: invalid_template"]],
    ["a dot segment", [route({ path: "/orgs/../members/{id}" })], ["[0].path: invalid_template"]],
    ["a percent-encoded segment", [route({ path: "/orgs/%7Bx%7D/members/{id}" })], ["[0].path: invalid_template"]],
    ["a role change without {id}", [route({ path: "/orgs/{tenant}/members" })], ["[0].path: missing_placeholder"]],
    ["an add with {id}", [route({ action: "add" })], ["[0].path: unexpected_placeholder"]],
    ["an invitation link with a tenant", [{ method: "GET", path: "/invites/{tenant}/accept", action: "accept" }], ["[0].path: unexpected_placeholder"]],
    ["nothing literal before {id}", [route({ path: "/{tenant}/{id}" })], ["[0].path: no_literal_segment"]],
    ["roles on a removal", [route({ method: "DELETE", action: "remove" })], ["[0].roles: not_applicable"]],
    ["a roles pointer without its slash", [route({ roles: "role" })], ["[0].roles: invalid_pointer"]],
    ["a roles pointer with a bad escape", [route({ roles: "/ro~2le" })], ["[0].roles: invalid_pointer"]],
    ["a target on an invitation link", [{ method: "GET", path: "/invites/accept", action: "accept", target: { path: "/u/{id}" } }], ["[0].target: not_applicable"]],
    ["a target that is a string", [route({ target: "/orgs/{tenant}/members/{id}" })], ["[0].target: invalid_type"]],
    ["a target without {id}", [route({ target: { path: "/orgs/{tenant}/members" } })], ["[0].target.path: missing_placeholder"]],
    ["a target with an unknown member", [route({ target: { path: "/m/{id}", role: "/role" } })], ["[0].target.role: unknown_field"]],
    ["a target's bad pointer", [route({ target: { path: "/m/{id}", roles: "role" } })], ["[0].target.roles: invalid_pointer"]],
    ["the same method and template twice", [route(), route({ roles: "/roles" })], ["[1].path: ambiguous_route"]],
    ["templates matching the same requests", [route(), route({ path: "/orgs/{id}/members/{tenant}" })], ["[1].path: ambiguous_route"]],
    ["a policy route with {id}", [{ method: "PUT", path: "/orgs/{tenant}/policy/{id}", action: "policy" }], ["[0].path: unexpected_placeholder"]],
    ["a policy route's users read at one user's path", [{ method: "PUT", path: "/orgs/{tenant}/policy", action: "policy", target: { path: "/orgs/{tenant}/members/{id}" } }],
      ["[0].target.path: unexpected_placeholder"]],
    ["roles on a policy route", [{ method: "PUT", path: "/orgs/{tenant}/policy", action: "policy", roles: "/roles" }], ["[0].roles: not_applicable"]],
    ["a users list on another route", [route({ target: { path: "/m/{id}", list: "/members" } })], ["[0].target.list: not_applicable"]],
    ["two policy routes", [{ method: "PUT", path: "/orgs/{tenant}/policy", action: "policy" }, { method: "POST", path: "/orgs/{tenant}/rules", action: "policy" }],
      ["[1].action: duplicate_policy_route"]],
    ["every error at once", [route({ method: "x", action: "y", rolse: 1 }), route({ path: "nope" })],
      ["[0].rolse: unknown_field", "[0].method: invalid_method", "[0].action: unknown_action", "[1].path: invalid_template"]],
  ]) {
    test(name, () => assert.deepEqual(errorsOf(doc), expected));
  }
  test("every error has a message for people", () => {
    for (const e of compileRoutes([route({ method: "x" })]).errors) assert.match(e.message, /\w+ \w+/);
  });
});

describe("valid maps", () => {
  test("the issue's example: a role change at /orgs/{tenant}/members/{id} with PATCH { role }", () => {
    const map = compileRoutes([{ method: "PATCH", path: "/orgs/{tenant}/members/{id}", action: "roles", roles: "/role",
      target: { path: "/orgs/{tenant}/members/{id}", roles: "/role" } }]);
    assert.equal(map.ok, true, JSON.stringify(map.errors));
    const [r] = map.value.routes;
    assert.deepEqual([r.method, r.action, r.roles, r.target.roles, r.target.id, r.target.account], ["PATCH", "roles", ["role"], ["role"], ["id"], null]);
  });
  test("the same template under several methods, a map without {tenant}, JSON pointers with escapes", () => {
    const map = compileRoutes([
      { method: "PATCH", path: "/members/{id}", action: "roles", roles: "/data/a~1b~0c" },
      { method: "DELETE", path: "/members/{id}", action: "remove" },
      { method: "POST", path: "/members", action: "add" },
    ]);
    assert.equal(map.ok, true, JSON.stringify(map.errors));
    assert.deepEqual(map.value.routes[0].roles, ["data", "a/b~c"]);
    assert.equal(map.value.collections.length, 1, "one collection: /members");
  });
  test("the default map is today's routes, with the documented bodies checked exactly", () => {
    assert.equal(compileRoutes(DEFAULT_ROUTES).ok, true);
    const map = defaultRouteMap();
    assert.deepEqual(map.routes.map((r) => `${r.method} ${r.action}`),
      ["POST add", "PUT roles", "DELETE remove", "POST invite", "POST disable", "POST enable", "PUT policy", "GET accept", "HEAD accept", "POST accept"]);
    assert.deepEqual(Object.keys(map.routes[0].members), ["email", "name", "roles"]);
    assert.deepEqual(map.collections.map((c) => c.map((s) => s.literal ?? `{${s.param}}`).join("/")),
      ["api/tenants/{tenant}/users", "api/tenants/{tenant}/policy", "invitations/accept"]);
    const users = map.routes.find((r) => r.action === "policy").target;
    assert.deepEqual([users.path.map((s) => s.literal ?? `{${s.param}}`).join("/"), users.list, users.roles, users.account],
      ["api/tenants/{tenant}/users", ["users"], ["roles"], ["account"]], "a policy save reads the tenant's users");
  });
});
