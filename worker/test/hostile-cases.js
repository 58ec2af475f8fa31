// The hostile-request table of hostile.test.js: malformed and forged tokens, wrong claims, role
// look-alikes, path tricks, bad bodies, wrong content types, method overrides and bad invitation
// links. Each case is one raw request and the exact refusal expected. Every request would be
// forwarded if its one hostile part were ignored (a valid actor, a valid body, a permitted change),
// so a case only passes if the edge refuses it for that part.
import { Keyring } from "rolegate";
import { createHmac } from "node:crypto";
import { AUTH_KEYS, INVITE_KEY, INVITE_KID, actorKeys, inviteKeys, rawJwt, tokenFor } from "./fixtures.js";

/**
 * @typedef {object} HostileCase
 * @property {string} group
 * @property {string} name
 * @property {string} method
 * @property {string} path raw request target, sent as is
 * @property {Record<string, string | string[]>} [headers]
 * @property {string | Buffer} [body] sent with its Content-Length
 * @property {Buffer[]} [chunks] sent chunked, without Content-Length
 * @property {{ status: number, code: string, reason?: string, errorPath?: string, html?: boolean }} expect
 *   `reason`: a code among the problem's `reasons`; `errorPath`: `errors[0].path` of a 400 body error
 */

const DAY_MS = 24 * 3600 * 1000;
const ADD = "/api/tenants/acme/users";
const VALID_ADD = '{"email":"new@acme.test","roles":["User"]}';
const JSON_TYPE = { "content-type": "application/json" };
/** 10,000 levels of nesting: `[[[...]]]`. */
const NESTED = "[".repeat(10_000) + "]".repeat(10_000);

const b64 = (text) => Buffer.from(text).toString("base64url");
/** Replaces the character at `i` with another base64url character. */
const flip = (s, i) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
/** A token whose header and payload are the given raw texts (duplicate members...), signed with auth-2025. */
const rawTextJwt = (header, payload) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac("sha256", AUTH_KEYS["auth-2025"]).update(input).digest("base64url")}`;
};

/**
 * The table, built at run time (tokens carry current times).
 * @returns {HostileCase[]}
 */
export function hostileCases() {
  const now = Date.now();
  const nowSec = Math.floor(now / 1000);
  const header = { alg: "HS256", typ: "JWT", kid: "auth-2025" };
  /** Mona (UserManager + User at acme) may add a user with the role User: the baseline request. */
  const claims = { sub: "mona", tenant: "acme", roles: ["UserManager", "User"], exp: nowSec + 600 };
  const mona = tokenFor("acme", "mona");
  const cases = [];
  const add = (group, name, req, expect) => cases.push({ group, name, method: "POST", path: ADD, ...req, expect });

  // --- Actor tokens: each on Mona's permitted "add a User" request. ---
  const unauthorized = { status: 401, code: "invalid_token" };
  const withAuth = (group, name, authorization, extra = {}) =>
    add(group, name, { headers: { ...JSON_TYPE, authorization, ...extra }, body: VALID_ADD }, unauthorized);
  const withToken = (group, name, token, extra) => withAuth(group, name, `Bearer ${token}`, extra);

  const [h, p, s] = mona.split(".");
  for (const [name, value] of [
    ["empty Authorization", ""], ["scheme only", "Bearer"], ["scheme and spaces", "Bearer   "],
    ["Basic scheme", `Basic ${Buffer.from("mona:pw").toString("base64")}`], ["Token scheme", `Token ${mona}`],
    ["token without scheme", mona], ["scheme twice", `Bearer Bearer ${mona}`], ["two tokens in one header", `Bearer ${mona} ${mona}`],
    ["comma-joined tokens", `Bearer ${mona}, Bearer ${mona}`], ["tab before the token", `Bearer\t${mona}`],
  ]) withAuth("malformed Authorization", name, value);
  withAuth("malformed Authorization", "two Authorization headers", [`Bearer ${mona}`, `Bearer ${mona}`]);

  for (const [name, token] of [
    ["one segment", "abc"], ["two segments", "abc.def"], ["only dots", ".."], ["four dots", "...."],
    ["four segments", `${mona}.${s}`], ["five segments (JWE shape)", `${h}.${p}.${s}.${s}.${s}`],
    ["1,000 dots", ".".repeat(1000)], ["many dots between real parts", `${h}....${p}....${s}`],
    ["empty signature", `${h}.${p}.`], ["no signature part", `${h}.${p}`], ["empty header", `.${p}.${s}`],
    ["empty payload", `${h}..${s}`], ["signature only", `..${s}`],
    ["truncated by 1 character", mona.slice(0, -1)], ["truncated by 10 characters", mona.slice(0, -10)],
    ["truncated in the payload", mona.slice(0, h.length + 1 + Math.floor(p.length / 2))],
    ["truncated in the header", mona.slice(0, 10)],
    ["padding after the signature", `${mona}=`], ["padding on every part", `${h}=.${p}==.${s}=`],
    ["standard base64 alphabet", mona.replace(/-/g, "+").replace(/_/g, "/") + (/[-_]/.test(mona) ? "" : "+")],
    ["non-base64 characters", `${h}.${p}.${s.slice(0, -2)}!!`], ["percent-encoded dots", mona.replace(/\./g, "%2E")],
    ["header not JSON", `${b64("not json")}.${p}.${s}`], ["payload not JSON", rawTextJwt(JSON.stringify(header), "{not json")],
    ["header a JSON array", rawTextJwt("[]", JSON.stringify(claims))], ["payload a JSON array", rawTextJwt(JSON.stringify(header), "[]")],
    ["payload null", rawTextJwt(JSON.stringify(header), "null")], ["payload a string", rawTextJwt(JSON.stringify(header), '"mona"')],
    ["oversized: 8 KiB + 1 garbage with a JWT shape", `${h}.${"A".repeat(8192 - h.length - s.length - 1)}.${s}`],
    ["oversized: 16 KiB signed claims", rawJwt(header, { ...claims, pad: "x".repeat(12_000) })],
    ["oversized: 60 KiB", `${h}.${"Q".repeat(60 * 1024)}.${s}`],
    ["signature of another token", `${h}.${p}.${tokenFor("acme", "carl").split(".")[2]}`],
    ["header byte flipped", `${flip(h, 5)}.${p}.${s}`], ["payload byte flipped", `${h}.${flip(p, 20)}.${s}`],
    ["signature byte flipped", `${h}.${p}.${flip(s, 10)}`],
    ["signature with its last character changed", `${h}.${p}.${s.slice(0, -1)}${s.at(-1) === "w" ? "x" : "w"}`],
    ["an invitation token as actor token", inviteKeys.signInvitation({ sub: "mona", tenant: "acme", email: "mona@acme.test", inv: "i1" }, now)],
    ["an invitation token signed with the actor key", actorKeys.signInvitation({ sub: "mona", tenant: "acme", email: "mona@acme.test", inv: "i1" }, now, "auth-2025")],
    ["signed with another secret", rawJwt(header, claims, { secret: "another-secret-0123456789-abcdefgh" })],
    ["signed with auth-2024's secret under kid auth-2025", rawJwt(header, claims, { secret: AUTH_KEYS["auth-2024"] })],
    ["signed with the invitation key", rawJwt(header, claims, { secret: INVITE_KEY })],
  ]) withToken("malformed token", name, token);

  for (const [name, hdr, opts] of [
    ["alg none, empty signature", { ...header, alg: "none" }, { signature: "" }],
    ["alg none, valid HMAC", { ...header, alg: "none" }, {}],
    ["alg None", { ...header, alg: "None" }, { signature: "" }], ["alg NONE", { ...header, alg: "NONE" }, { signature: "" }],
    ["alg HS512", { ...header, alg: "HS512" }, { alg: "sha512" }], ["alg HS384", { ...header, alg: "HS384" }, { alg: "sha384" }],
    ["alg RS256 with an HMAC signature (key confusion)", { ...header, alg: "RS256" }, {}],
    ["alg ES256", { ...header, alg: "ES256" }, {}], ["alg PS256", { ...header, alg: "PS256" }, {}],
    ["alg hs256 (lower case)", { ...header, alg: "hs256" }, {}], ["alg 'HS256 ' (trailing space)", { ...header, alg: "HS256 " }, {}],
    ["alg empty", { ...header, alg: "" }, {}], ["alg missing", { typ: "JWT", kid: "auth-2025" }, {}],
    ["alg null", { ...header, alg: null }, {}], ["alg an array", { ...header, alg: ["HS256"] }, {}],
    ["alg an object", { ...header, alg: { name: "HS256" } }, {}], ["alg HS256 + NUL", { ...header, alg: "HS256\u0000" }, {}],
    ["HS256 with an empty signature", header, { signature: "" }],
    ["typ invite+jwt on actor claims", { ...header, typ: "invite+jwt" }, {}],
    ["crit header naming an unknown extension", { ...header, crit: ["x-unknown"], "x-unknown": 1 }, {}],
  ]) withToken("alg confusion", name, rawJwt(hdr, claims, opts));
  withToken("alg confusion", "duplicate alg: HS256 then none (refused, not last wins)", rawTextJwt(
    '{"alg":"HS256","alg":"none","typ":"JWT","kid":"auth-2025"}', JSON.stringify(claims)));

  for (const [name, kid] of [
    ["unknown", "auth-1999"], ["empty", ""], ["path-like ../auth-2025", "../auth-2025"],
    ["path-like auth-2025/../auth-2025", "auth-2025/../auth-2025"], ["upper case", "AUTH-2025"],
    ["leading space", " auth-2025"], ["trailing NUL", "auth-2025\u0000"], ["an object", { id: "auth-2025" }],
    ["an array", ["auth-2025"]], ["a number", 2025], ["null", null], ["true", true],
    ["very long (4,000 characters)", "auth-2025".padEnd(4000, "x")], ["__proto__", "__proto__"],
    ["constructor", "constructor"], ["toString", "toString"],
  ]) withToken("kid tricks", name, rawJwt({ ...header, kid }, claims));
  const { kid: _, ...noKid } = header;
  withToken("kid tricks", "missing (the keyring holds two keys)", rawJwt(noKid, claims));
  withToken("kid tricks", "auth-2024 naming auth-2025's signature", rawJwt({ ...header, kid: "auth-2024" }, claims));

  const { roles: _r, ...noRoles } = claims;
  const { sub: _s, ...noSub } = claims;
  const { exp: _e, ...noExp } = claims;
  const { tenant: _t, ...noTenant } = claims;
  for (const [name, payload] of [
    ["roles a string", { ...claims, roles: "UserManager" }], ["roles an object", { ...claims, roles: { UserManager: true } }],
    ["roles nested arrays", { ...claims, roles: [["UserManager"], ["User"]] }], ["roles with a number", { ...claims, roles: ["User", 1] }],
    ["roles null", { ...claims, roles: null }], ["roles missing", noRoles], ["roles with null", { ...claims, roles: ["User", null] }],
    ["roles 10,000 entries (token over 8 KiB)", { ...claims, roles: Array(10_000).fill("U") }],
    ["sub a number", { ...claims, sub: 7 }], ["sub empty", { ...claims, sub: "" }], ["sub missing", noSub], ["sub an object", { ...claims, sub: { id: "mona" } }],
    ["exp a string", { ...claims, exp: String(nowSec + 600) }], ["exp a float", { ...claims, exp: nowSec + 600.5 }],
    ["exp negative", { ...claims, exp: -1 }], ["exp zero", { ...claims, exp: 0 }], ["exp huge (1e300)", { ...claims, exp: 1e300 }],
    ["exp 2^63", { ...claims, exp: 2 ** 63 }], ["exp missing", noExp], ["exp null", { ...claims, exp: null }],
    ["exp 61 s ago (past the leeway)", { ...claims, exp: nowSec - 61 }],
    ["nbf a string", { ...claims, nbf: "0" }], ["nbf 2 minutes ahead", { ...claims, nbf: nowSec + 120 }],
    ["iat a day ahead", { ...claims, iat: nowSec + 86_400 }],
    ["tenant missing", noTenant], ["tenant empty", { ...claims, tenant: "" }], ["tenant a number", { ...claims, tenant: 1 }],
    ["tenant an array", { ...claims, tenant: ["acme"] }], ["purpose: invitation on actor claims", { ...claims, purpose: "invitation" }],
  ]) withToken("claims of the wrong type", name, rawJwt(header, payload));
  withToken("claims of the wrong type", "X-Test-Now cannot revive an expired token (no TEST_CLOCK)",
    rawJwt(header, { ...claims, exp: nowSec - 3600 }), { "x-test-now": String(now - 7_200_000) });

  const mismatch = { status: 403, code: "tenant_mismatch" };
  for (const [name, payload] of [
    ["token of another tenant", { ...claims, tenant: "globex" }], ["token tenant in upper case", { ...claims, tenant: "ACME" }],
    ["token tenant with a trailing space", { ...claims, tenant: "acme " }], ["token tenant with a zero-width space", { ...claims, tenant: "ac\u200bme" }],
  ]) add("tenant mismatch", name, { headers: { ...JSON_TYPE, authorization: `Bearer ${rawJwt(header, payload)}` }, body: VALID_ADD }, mismatch);
  // A claim named twice is ambiguous (another JWT reader may keep the other one): the token is malformed.
  add("tenant mismatch", "duplicate tenant claim: acme then globex (refused, not last wins)", {
    headers: { ...JSON_TYPE, authorization: `Bearer ${rawTextJwt(JSON.stringify(header), JSON.stringify(claims).replace('"tenant":"acme"', '"tenant":"acme","tenant":"globex"'))}` },
    body: VALID_ADD,
  }, { status: 401, code: "invalid_token" });
  for (const path of ["/api/tenants/globex/users", "/api/tenants/ACME/users", "/api/tenants/Acme/users", "/api/tenants/acme-/users"]) {
    add("tenant mismatch", `Mona's token on ${path}`, { path, headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body: VALID_ADD }, mismatch);
  }

  // --- Role names: look-alikes are unknown roles, never the real one. ---
  // Actor side: an actor whose token names a look-alike of Administrator (globex) or UserManager
  // (acme) adds an Agent / a User, which the real role may do.
  const LOOKALIKES = {
    Administrator: [["Cyrillic А", "\u0410dministrator"], ["zero-width joiner", "Admin\u200distrator"],
      ["fullwidth letters", "\uff21\uff44\uff4d\uff49\uff4e\uff49\uff53\uff54\uff52\uff41\uff54\uff4f\uff52"],
      ["trailing space", "Administrator "], ["lower case", "administrator"], ["dotless ı", "Adm\u0131nistrator"],
      ["trailing NUL", "Administrator\u0000"], ["combining acute", "Administrato\u0301r"]],
    UserManager: [["different case useRmanager", "useRmanager"], ["zero-width space", "User\u200bManager"],
      ["leading space", " UserManager"], ["Greek Μ", "User\u039canager"]],
  };
  const lookalikeActor = (tenant, roles) => rawJwt(header, { sub: "eve", tenant, roles, exp: nowSec + 600 });
  const forbidden = (reason) => ({ status: 403, code: "forbidden", reason });
  for (const [role, variants] of Object.entries(LOOKALIKES)) {
    const tenant = role === "Administrator" ? "globex" : "acme";
    const body = JSON.stringify({ email: "new@x.test", roles: [tenant === "globex" ? "Agent" : "User"] });
    for (const [name, lookalike] of variants) {
      add("role look-alikes in the token", `${role}: ${name}`, {
        path: `/api/tenants/${tenant}/users`, headers: { ...JSON_TYPE, authorization: `Bearer ${lookalikeActor(tenant, [lookalike])}` }, body,
      }, forbidden("not_user_admin"));
    }
  }
  for (const [name, roles] of [["an empty role name", [""]], ["no roles", []], ["the same look-alike twice", ["\u0410dministrator", "\u0410dministrator"]]]) {
    add("role look-alikes in the token", name, {
      path: "/api/tenants/globex/users", headers: { ...JSON_TYPE, authorization: `Bearer ${lookalikeActor("globex", roles)}` },
      body: '{"email":"new@x.test","roles":["Agent"]}',
    }, forbidden("not_user_admin"));
  }
  // Request side: Ada (Administrator of globex) may grant Administrator, not a look-alike of it.
  const ada = tokenFor("globex", "ada");
  const grantAsAda = (name, roles, reason = "unknown_role") => add("role look-alikes in the body", name, {
    path: "/api/tenants/globex/users", headers: { ...JSON_TYPE, authorization: `Bearer ${ada}` },
    body: JSON.stringify({ email: "new@globex.test", roles }),
  }, forbidden(reason));
  for (const [name, lookalike] of LOOKALIKES.Administrator) grantAsAda(`Administrator: ${name}`, [lookalike]);
  grantAsAda("an empty role name", [""]);
  grantAsAda("a real role and a look-alike", ["Agent", "\u0410dministrator"]);
  const grantAsMona = (group, name, roles, reason) => add(group, name, {
    headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body: JSON.stringify({ email: "new@acme.test", roles }),
  }, forbidden(reason));
  for (const [name, lookalike] of LOOKALIKES.UserManager) grantAsMona("role look-alikes in the body", `UserManager: ${name}`, [lookalike], "unknown_role");
  grantAsMona("duplicates", "a role not held, twice", ["CustomerAdmin", "CustomerAdmin"], "role_not_held");
  grantAsMona("duplicates", "a held role then a role not held", ["User", "ReportViewer", "User"], "role_not_held");
  add("duplicates", "Sam (Supervisor) grants Administrator twice", {
    path: "/api/tenants/globex/users", headers: { ...JSON_TYPE, authorization: `Bearer ${tokenFor("globex", "sam")}` },
    body: '{"email":"new@globex.test","roles":["Administrator","Administrator"]}',
  }, forbidden("rank_too_high"));

  // --- Paths: every route, every trick, with Mona's token and a body the route accepts. ---
  const ROUTES = [
    ["DELETE", "/api/tenants/acme/users/alice", undefined],
    ["PUT", "/api/tenants/acme/users/alice/roles", '{"roles":["User"]}'],
    ["POST", "/api/tenants/acme/users", VALID_ADD],
    ["POST", "/api/tenants/acme/users/alice/invitation", undefined],
  ];
  const lastSlash = (path, replacement) => path.replace(/\/(?=[^/]*$)/, replacement);
  const TRICKS = [
    ["trailing slash", (x) => `${x}/`], ["doubled slash", (x) => x.replace("/tenants", "//tenants")],
    ["leading doubled slash", (x) => `/${x}`], ["upper-case API", (x) => x.replace("/api/", "/API/")],
    ["mixed-case Tenants", (x) => x.replace("/tenants/", "/Tenants/")], ["upper-case USERS", (x) => x.replace("/users", "/USERS")],
    [";param on the last segment", (x) => `${x};x=1`], [".json suffix", (x) => `${x}.json`],
    ["%2F for the last slash", (x) => lastSlash(x, "%2F")], ["%2f for the last slash", (x) => lastSlash(x, "%2f")],
    ["double-encoded %252F", (x) => lastSlash(x, "%252F")], ["backslash for the last slash", (x) => lastSlash(x, "\\")],
    ["encoded dot-dot %2e%2e", (x) => x.replace("/api/", "/api/x/%2e%2e/")], ["encoded dot-dot %2E%2E from outside", (x) => `/public/%2E%2E${x}`],
    ["encoded dot %2e", (x) => x.replace("/tenants/", "/tenants/%2e/")], ["percent-encoded letter", (x) => x.replace("/users", "/%75sers")],
  ];
  // Literal dot segments never reach the worker: workerd resolves them while parsing the request
  // URL, and the edge checks (and forwards) the resolved path. So they are judged by the rules:
  // Alice (User, no user administration) is refused on every route, whatever the dots.
  const RESOLVED = [
    ["dot-dot segment", (x) => x.replace("/api/", "/api/x/../")], ["dot-dot from outside the subtree", (x) => `/public/..${x}`],
    ["dot segment", (x) => x.replace("/tenants/", "/tenants/./")],
  ];
  const invalidPath = { status: 400, code: "invalid_path" };
  const alice = tokenFor("acme", "alice");
  for (const [method, path, body] of ROUTES) {
    const headers = { authorization: `Bearer ${mona}`, ...(body && JSON_TYPE) };
    for (const [name, trick] of TRICKS) {
      // An id may contain dots ("john.doe"): "alice.json" is another user, which origin does not know.
      const expect = name === ".json suffix" && method === "DELETE" ? { status: 404, code: "user_not_found" } : invalidPath;
      cases.push({ group: "path tricks", name: `${method} ${path}: ${name}`, method, path: trick(path), headers, body, expect });
    }
    for (const [name, trick] of RESOLVED) {
      cases.push({ group: "path tricks", name: `${method} ${path}: ${name} (resolved, then judged)`, method, path: trick(path),
        headers: { ...headers, authorization: `Bearer ${alice}` }, body, expect: { status: 403, code: "forbidden" } });
    }
  }
  const utf8 = (text) => Buffer.from(text, "utf8").toString("latin1"); // raw UTF-8 bytes on the wire
  for (const [name, id] of [
    ["raw UTF-8 id (ålice)", utf8("\u00e5lice")], ["percent-encoded UTF-8 id", "%C3%A5lice"], ["fullwidth id", "%EF%BD%81lice"],
    ["id with an encoded NUL", "al%00ice"], ["id with a space", "al%20ice"], ["id starting with a dot", ".alice"], ["id ...", "..."],
    ["id 129 characters", "a".repeat(129)],
  ]) cases.push({ group: "path tricks", name, method: "DELETE", path: `/api/tenants/acme/users/${id}`, headers: { authorization: `Bearer ${mona}` }, expect: invalidPath });
  cases.push({ group: "path tricks", name: "raw UTF-8 tenant", method: "POST", path: `/api/tenants/${utf8("\u0430cme")}/users`,
    headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body: VALID_ADD, expect: invalidPath });
  for (const [method, path] of [["PATCH", "/api/tenants/acme/users/alice"], ["PUT", "/api/tenants/acme/users/alice"],
    ["POST", "/api/tenants/acme/users/alice/roles"], ["DELETE", "/api/tenants/acme/users"], ["POST", "/api/tenants/acme/users/alice/password"],
    ["PURGE", "/api/tenants/acme/users/alice"], ["PROPPATCH", "/api/tenants/acme/users/alice/roles"]]) {
    cases.push({ group: "path tricks", name: `unknown mutation ${method} ${path}`, method, path,
      headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body: '{"roles":["User"]}', expect: { status: 405, code: "method_not_allowed" } });
  }

  // --- Bodies of "add a user" (Mona's token; the valid body would be forwarded). ---
  const badBody = (name, body, errorPath, extra = {}) =>
    add("bodies", name, { headers: { ...JSON_TYPE, authorization: `Bearer ${mona}`, ...extra.headers }, body, chunks: extra.chunks },
      { status: 400, code: "invalid_request", errorPath });
  for (const [name, body] of [
    ["not JSON (text)", "hello"], ["not JSON (XML)", "<user><email>a@x</email></user>"], ["a form body", "email=a%40x&roles=User"],
    ["empty", ""], ["whitespace only", "   "], ["single quotes", "{'email':'a@x','roles':['User']}"],
    ["a trailing comma", '{"email":"a@x","roles":["User"],}'], ["a comment", '{"email":"a@x",/* x */"roles":["User"]}'],
    ["NaN", '{"email":"a@x","roles":["User"],"n":NaN}'], ["two JSON documents", `${VALID_ADD}${VALID_ADD}`],
    ["a byte-order mark", `\ufeff${VALID_ADD}`], ["UTF-16", Buffer.from(VALID_ADD, "utf16le")],
    ["invalid UTF-8", Buffer.concat([Buffer.from('{"email":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('@x","roles":["User"]}')])],
  ]) badBody(name, body, "");
  for (const cut of [1, 9, 10, 20, 28, 33, 40, VALID_ADD.length - 1]) badBody(`truncated after ${cut} bytes`, VALID_ADD.slice(0, cut), "");
  for (const [name, body, path] of [
    ["a JSON array", `[${VALID_ADD}]`, ""], ["a JSON string", '"roles"', ""], ["JSON null", "null", ""], ["a number", "1", ""],
    // The core's reader refuses nesting beyond 128 levels as not JSON, before any member is looked at.
    ["nested 10,000 levels (whole body)", NESTED, ""], ["nested 10,000 levels in roles", `{"email":"a@x","roles":${NESTED}}`, ""],
    ["nested 10,000 levels in email", `{"email":${NESTED},"roles":["User"]}`, ""],
    ["nested 10,000 objects in an extra member", `{"email":"a@x","roles":["User"],"x":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`, ""],
    ["duplicate roles member", '{"email":"a@x","roles":["User"],"roles":["CustomerAdmin"]}', "roles"],
    ["duplicate email member", '{"email":"a@x","email":"b@x","roles":["User"]}', "email"],
    ["duplicate member spelt with an escape", '{"email":"a@x","roles":["User"],"\\u0072oles":["CustomerAdmin"]}', "roles"],
    ["extra member admin", '{"email":"a@x","roles":["User"],"admin":true}', "admin"],
    ["extra member tenant", '{"email":"a@x","roles":["User"],"tenant":"globex"}', "tenant"],
    ["extra member id", '{"id":"mona","email":"a@x","roles":["User"]}', "id"],
    ["__proto__ member", '{"email":"a@x","roles":["User"],"__proto__":{"roles":["CustomerAdmin"]}}', "__proto__"],
    ["Roles (case variant) instead of roles", '{"email":"a@x","Roles":["CustomerAdmin"]}', "Roles"],
    ["roles null", '{"email":"a@x","roles":null}', "roles"], ["roles a number", '{"email":"a@x","roles":1}', "roles"],
    ["roles an object", '{"email":"a@x","roles":{"0":"User"}}', "roles"], ["roles a string", '{"email":"a@x","roles":"User"}', "roles"],
    ["roles true", '{"email":"a@x","roles":true}', "roles"], ["roles [null]", '{"email":"a@x","roles":[null]}', "roles[0]"],
    ["roles [[\"User\"]]", '{"email":"a@x","roles":[["User"]]}', "roles[0]"], ["roles missing", '{"email":"a@x"}', "roles"],
    // Refused by the core's limit (4,096 names), after the body's shape passed: no `errors` member.
    ["roles 10,000 entries", JSON.stringify({ email: "a@x", roles: Array(10_000).fill("x") }), undefined],
    ["email missing", '{"roles":["User"]}', "email"], ["email a number", '{"email":1,"roles":["User"]}', "email"],
    ["email empty", '{"email":"","roles":["User"]}', "email"], ["email an array", '{"email":["a@x"],"roles":["User"]}', "email"],
    ["name a number", '{"email":"a@x","name":1,"roles":["User"]}', "name"],
  ]) badBody(name, body, path);
  for (const [name, body, path] of [
    ["role change: roles missing", "{}", "roles"], ["role change: extra member email", '{"roles":["User"],"email":"x@x"}', "email"],
    ["role change: duplicate roles", '{"roles":["User"],"roles":["CustomerAdmin"]}', "roles"], ["role change: truncated", '{"roles":["User"', ""],
  ]) {
    cases.push({ group: "bodies", name, method: "PUT", path: "/api/tenants/acme/users/alice/roles",
      headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body, expect: { status: 400, code: "invalid_request", errorPath: path } });
  }
  for (const [name, body] of [["delete with a body", '{"roles":[]}'], ["invitation with a body", '{"email":"x@x"}'], ["delete with a JSON array", "[]"]]) {
    const path = name.startsWith("delete") ? "/api/tenants/acme/users/alice" : "/api/tenants/acme/users/alice/invitation";
    cases.push({ group: "bodies", name, method: name.startsWith("delete") ? "DELETE" : "POST", path,
      headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body, expect: { status: 400, code: "invalid_request" } });
  }
  const tooLarge = { status: 413, code: "body_too_large" };
  const padded = (size) => VALID_ADD + " ".repeat(size - VALID_ADD.length);
  add("bodies", "64 KiB + 1 by Content-Length", { headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body: padded(64 * 1024 + 1) }, tooLarge);
  add("bodies", "64 KiB + 1 chunked", { headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, chunks: [Buffer.from(padded(64 * 1024 + 1))] }, tooLarge);
  add("bodies", "1 MiB chunked", { headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, chunks: Array(16).fill(Buffer.alloc(64 * 1024, 0x20)) }, tooLarge);
  add("bodies", "Content-Length 10^12 declared", { headers: { ...JSON_TYPE, authorization: `Bearer ${mona}`, "content-length": "1000000000000" }, chunks: [] }, tooLarge);
  add("bodies", "Content-Length and Transfer-Encoding together", {
    headers: { ...JSON_TYPE, authorization: `Bearer ${mona}`, "content-length": String(VALID_ADD.length), "transfer-encoding": "chunked" },
    chunks: [Buffer.from(VALID_ADD)],
  }, { status: 400, code: "invalid_request" });
  cases.push({ group: "bodies", name: "role change 64 KiB + 1", method: "PUT", path: "/api/tenants/acme/users/alice/roles",
    headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body: '{"roles":["User"]}'.padEnd(64 * 1024 + 1), expect: tooLarge });

  // --- Content types. ---
  const unsupported = { status: 415, code: "unsupported_media_type" };
  for (const [name, type] of [
    ["text/plain", "text/plain"], ["form", "application/x-www-form-urlencoded"], ["charset latin1", "application/json; charset=latin1"],
    ["charset utf-16", "application/json; charset=utf-16"], ["multipart", "multipart/form-data; boundary=x"],
    ["text/json", "text/json"], ["application/jsonp", "application/jsonp"], ["application/json-patch+json", "application/json-patch+json"],
    ["a list of types", "application/json, text/plain"], ["empty", ""], ["two Content-Type headers", ["application/json", "text/plain"]],
  ]) add("content types", name, { headers: { "content-type": type, authorization: `Bearer ${mona}` }, body: VALID_ADD }, unsupported);
  add("content types", "missing", { headers: { authorization: `Bearer ${mona}` }, body: VALID_ADD }, unsupported);
  cases.push({ group: "content types", name: "role change as text/plain", method: "PUT", path: "/api/tenants/acme/users/alice/roles",
    headers: { "content-type": "text/plain", authorization: `Bearer ${mona}` }, body: '{"roles":["User"]}', expect: unsupported });
  cases.push({ group: "content types", name: "delete with a form body", method: "DELETE", path: "/api/tenants/acme/users/alice",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${mona}` }, body: "roles=User", expect: unsupported });

  // --- Method overrides: refused on user-admin paths whatever the method. ---
  const override = { status: 400, code: "invalid_request" };
  for (const [name, method, path, headers] of [
    ["X-HTTP-Method-Override: DELETE on GET", "GET", "/api/tenants/acme/users/alice", { "x-http-method-override": "DELETE" }],
    ["X-HTTP-Method-Override: PUT on POST", "POST", "/api/tenants/acme/users/alice/roles", { "x-http-method-override": "PUT" }],
    ["X-HTTP-Method: DELETE on POST", "POST", "/api/tenants/acme/users/alice/invitation", { "x-http-method": "DELETE" }],
    ["X-Method-Override: PUT on GET", "GET", "/api/tenants/acme/users/alice/roles", { "x-method-override": "PUT" }],
    ["_method=DELETE on GET", "GET", "/api/tenants/acme/users/alice?_method=DELETE", {}],
    ["_method=PUT on POST add", "POST", "/api/tenants/acme/users?_method=PUT", {}],
    ["_method on the invitation link", "GET", "/invitations/accept?token=x&_method=POST", {}],
    ["an empty override header", "POST", "/api/tenants/acme/users", { "x-http-method-override": "" }],
  ]) {
    cases.push({ group: "method overrides", name, method, path, headers: { ...JSON_TYPE, authorization: `Bearer ${mona}`, ...headers },
      body: method === "GET" ? undefined : VALID_ADD, expect: override });
  }
  for (const [name, query] of [["?roles=", "roles=CustomerAdmin"], ["?roles[]=", "roles%5B%5D=CustomerAdmin"], ["?Email=", "Email=x@x"]]) {
    add("method overrides", `query shadowing a body member ${name}`, { path: `${ADD}?${query}`, headers: { ...JSON_TYPE, authorization: `Bearer ${mona}` }, body: VALID_ADD }, override);
  }

  // --- Invitation links (GET /invitations/accept?token=): a valid one would be forwarded. ---
  const invite = { sub: "alice", tenant: "acme", email: "alice@acme.test", inv: "inv-1" };
  const link = inviteKeys.signInvitation(invite, now);
  const [lh, lp, ls] = link.split(".");
  const invalidLink = { status: 400, code: "invalid_invitation" };
  const expired = { status: 410, code: "invitation_expired" };
  const accept = (name, token, expect, { method = "GET", headers = {}, body } = {}) => cases.push({
    group: "invitation links", name, method, body, headers,
    path: `/invitations/accept?token=${encodeURIComponent(token)}`, expect,
  });
  for (const [part, text, at] of [["header", lh, 0], ["payload", lp, lh.length + 1], ["signature", ls, lh.length + lp.length + 2]]) {
    for (const [where, i] of [["first", 0], ["middle", Math.floor(text.length / 2)], ["second-last", text.length - 2]]) {
      accept(`one byte flipped in the ${part} (${where} character)`, flip(link, at + i), invalidLink);
    }
  }
  const otherInviteKeys = new Keyring({ [INVITE_KID]: "another-invitation-key-0123456789" }, {});
  const inviteHeader = { alg: "HS256", typ: "invite+jwt", kid: INVITE_KID };
  const inviteClaims = { ...invite, purpose: "invitation", iat: Math.floor(now / 1000) };
  const signedInvite = (hdr, payload, opts = {}) => rawJwt(hdr, payload, { secret: INVITE_KEY, ...opts });
  for (const [name, token] of [
    ["signed with another key", otherInviteKeys.signInvitation(invite, now)],
    ["signed with the actor key", actorKeys.signInvitation(invite, now, "auth-2025")],
    ["unknown kid", signedInvite({ ...inviteHeader, kid: "invite-9" }, inviteClaims)],
    ["an actor token (wrong typ)", mona],
    ["an actor token signed with the invitation key", inviteKeys.signActor({ ...claims }, INVITE_KID)],
    ["typ JWT on invitation claims", signedInvite({ ...inviteHeader, typ: "JWT" }, inviteClaims)],
    ["purpose missing", signedInvite(inviteHeader, { ...invite, iat: inviteClaims.iat })],
    ["purpose login", signedInvite(inviteHeader, { ...inviteClaims, purpose: "login" })],
    ["alg none", signedInvite({ ...inviteHeader, alg: "none" }, inviteClaims, { signature: "" })],
    ["alg HS512", signedInvite({ ...inviteHeader, alg: "HS512" }, inviteClaims, { alg: "sha512" })],
    ["iat a string", signedInvite(inviteHeader, { ...inviteClaims, iat: String(inviteClaims.iat) })],
    ["iat missing", signedInvite(inviteHeader, { ...invite, purpose: "invitation" })],
    ["tenant missing", signedInvite(inviteHeader, { ...inviteClaims, tenant: undefined })],
    ["tenant a number", signedInvite(inviteHeader, { ...inviteClaims, tenant: 7 })],
    ["truncated", link.slice(0, -5)], ["signature stripped", `${lh}.${lp}.`], ["garbage", "not-a-token"],
    ["padding added", `${link}=`], ["8 KiB + 1", `${lh}.${"A".repeat(8192)}.${ls}`],
  ]) accept(name, token, invalidLink);
  for (const [name, path, extra] of [
    ["no token", "/invitations/accept"], ["an empty token", "/invitations/accept?token="],
    ["two token parameters", `/invitations/accept?token=${link}&token=${link}`],
    ["token under another name", `/invitations/accept?t=${link}`], ["Token (case variant)", `/invitations/accept?Token=${link}`],
    ["the link in the Authorization header instead of the query", "/invitations/accept", { headers: { authorization: `Bearer ${link}` } }],
    ["the token in a POST body instead of the query", "/invitations/accept",
      { method: "POST", body: `token=${link}`, headers: { "content-type": "application/x-www-form-urlencoded" } }],
  ]) cases.push({ group: "invitation links", name, method: "GET", path, ...extra, expect: invalidLink });
  const stale = inviteKeys.signInvitation(invite, now - DAY_MS - 2000);
  accept("expired (issued 24 h + 2 s ago)", stale, expired);
  accept("expired, POSTed", stale, expired, { method: "POST", body: "password=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
  accept("expired, a browser gets HTML", stale, { ...expired, html: true }, { headers: { accept: "text/html" } });
  accept("expired, X-Test-Now cannot revive it (no TEST_CLOCK)", stale, expired, { headers: { "x-test-now": String(now - DAY_MS) } });
  accept("expired a year ago", inviteKeys.signInvitation(invite, now - 365 * DAY_MS), expired);
  accept("expired link of product B's tenant", inviteKeys.signInvitation({ ...invite, tenant: "globex" }, now - DAY_MS - 2000), expired);
  accept("tampered and expired: tampering wins", flip(stale, stale.length - 10), invalidLink);
  cases.push({ group: "invitation links", name: "PUT on the link", method: "PUT", path: `/invitations/accept?token=${link}`,
    expect: { status: 405, code: "method_not_allowed" } });
  cases.push({ group: "invitation links", name: "DELETE on the link", method: "DELETE", path: `/invitations/accept?token=${link}`,
    expect: { status: 405, code: "method_not_allowed" } });
  return cases;
}
