// The console against the running demo stack (demo origin + edge worker on workerd + console, one URL),
// in headless Chromium: what the console offers, what the worker enforces, what reaches origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Policy } from "rolegate";
import { openPage, pickPerson, unexpected } from "./browser.js";
import { startDemo } from "./demo.js";
import { signInAs } from "./sign-in.js";

/** Screenshots go to a gitignored folder; `make -C www screenshot` copies this one to docs/console.png. */
const SCREENSHOTS = fileURLToPath(new URL("screenshots/", import.meta.url));
const UMA = { id: "uma", roles: ["UserManager", "User"] };
let demo, stack, browser, dataDir, storedUser, productA;

before(async () => {
  // globex runs product B with a two-second invitation window, to watch one expire on screen.
  demo = await startDemo({ overrides: { globex: { invitationTtl: "2s" } } });
  ({ stack, browser, dataDir, storedUser } = demo);
  productA = Policy.fromJson(stack.tenants.find((t) => t.tenant === "acme").policy);
});

after(() => demo?.stop());

const exampleA = () => JSON.parse(readFileSync(new URL("../../examples/product-a.json", import.meta.url), "utf8"));
/** Writes a screenshot of `target` (a page or a locator) to test/screenshots/`name`.png. */
async function screenshot(target, name, options = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), ...options });
}

/** A copy of the policy document the worker enforces at `tenant`. */
const live = (tenant) => structuredClone(stack.tenants.find((x) => x.tenant === tenant).policy);

// First, while the seed is untouched: the console at 1280 px for the README.
test("the screenshot for the README", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma", viewport: { width: 1280, height: 800 } });
  await page.getByRole("button", { name: "Edit roles of Pete New" }).click();
  await page.locator("#role-ReportViewer-why").waitFor();
  await page.locator("#role-UserManager").check();
  await page.getByText("with the ticked roles (unsaved)").waitFor();
  await screenshot(page, "console", { fullPage: true });
  assert.deepEqual(unexpected(errors), []);
});

test("signing in: the provider's page of people, the code flow with PKCE, then an admin action through the edge", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  assert.ok(await page.locator("#console").isHidden(), "nothing of the console before sign-in");
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // The provider's own page: in English, everyone who may sign in, by tenant; nobody else.
  await page.getByRole("heading", { name: "Sign in to the rolegate console" }).waitFor();
  assert.ok(page.url().startsWith(`${stack.issuer}/interaction/`), page.url());
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  for (const name of ["Carla Admin", "Uma Manager", "Alice Administrator", "Sue Supervisor"]) {
    assert.equal(await page.getByRole("button", { name, exact: true }).count(), 1, name);
  }
  for (const name of ["Dan Gone", "Ann Baker", "Tina Away", "Pat Pending"]) {
    assert.equal(await page.getByRole("button", { name, exact: true }).count(), 0, `${name} cannot sign in`);
  }
  const authorize = new URL(requests.find((u) => u.startsWith(`${stack.issuer}/auth?`)));
  assert.deepEqual([authorize.searchParams.get("response_type"), authorize.searchParams.get("code_challenge_method")], ["code", "S256"]);
  assert.match(authorize.searchParams.get("code_challenge"), /^[\w-]{43}$/);
  await pickPerson(page, "carla");
  assert.equal(page.url(), `${stack.url}/`, "back at the console, the code gone from the address");
  assert.equal(await page.locator("#actor-name").textContent(), "Carla Admin");
  assert.equal(await page.locator("#tenant-name").textContent(), "at acme · Product A");
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem("rolegate.session")).accessToken);
  const [header, claims] = token.split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url")));
  assert.deepEqual([header.typ, header.alg, claims.sub, claims.tenant, claims.roles], ["at+jwt", "ES256", "carla", "acme", ["CustomerAdmin"]]);
  // An admin action: through the edge (which verified the provider's token) to origin.
  const seen = stack.origin.received.length;
  await page.getByRole("button", { name: "Disable Rita Reports on this tenant" }).click();
  await page.locator("#notice").filter({ hasText: "Rita Reports is disabled on acme" }).waitFor();
  assert.equal(storedUser("acme", "rita").account.tenantEnabled, false);
  assert.ok(stack.origin.received.slice(seen).some((r) => r.method === "POST" && r.path === "/api/tenants/acme/users/rita/disable"));
  await page.getByRole("button", { name: "Enable Rita Reports on this tenant" }).click();
  await page.locator("#notice").filter({ hasText: "Rita Reports is enabled on acme" }).waitFor();
  assert.deepEqual(unexpected(errors), []);
});

test("signing out ends the session at the provider; a cancelled sign-in says so", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign out of the demo provider?" }).waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.locator("#signed-out").waitFor();
  assert.equal(page.url(), `${stack.url}/`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("rolegate.session")), null, "the tokens are forgotten");
  // Signing in again asks who, even without a forced choice: the provider's session is gone.
  await page.evaluate(() => import("/ui/session.js").then((s) => s.signIn({ choose: false })));
  await page.getByRole("heading", { name: "Sign in to the rolegate console" }).waitFor();
  await page.getByRole("link", { name: "Cancel" }).click();
  await page.locator("#notice").filter({ hasText: "Sign-in cancelled." }).waitFor();
  assert.ok(await page.locator("#signed-out").isVisible());
  assert.deepEqual(unexpected(errors), []);
});

test("an expired token asks to sign in again, which the provider's live session answers without the page of people", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  const banner = page.locator("#expired");
  assert.ok(await banner.isHidden());
  // The console's clock for the token: expiring in a moment shows the banner then, without a request.
  await page.evaluate(() => {
    const session = JSON.parse(sessionStorage.getItem("rolegate.session"));
    sessionStorage.setItem("rolegate.session", JSON.stringify({ ...session, expiresAt: Date.now() + 300 }));
  });
  await page.reload();
  await page.locator("#users tr").first().waitFor();
  await banner.getByText("Your sign-in has expired").waitFor();
  // A token the edge and origin no longer accept (here: a broken signature) is a 401: the same banner.
  await page.evaluate(() => {
    const session = JSON.parse(sessionStorage.getItem("rolegate.session"));
    sessionStorage.setItem("rolegate.session", JSON.stringify({ ...session, accessToken: `${session.accessToken.slice(0, -4)}AAAA`,
      expiresAt: Date.now() + 3_600_000 }));
  });
  await page.reload();
  await banner.getByText("Your sign-in has expired").waitFor();
  await page.locator("#notice").filter({ hasText: "Could not load the users of acme" }).waitFor();
  await banner.getByRole("button", { name: "Sign in again" }).click();
  await page.locator("#users tr").first().waitFor();
  assert.equal(await page.locator("#actor-name").textContent(), "Uma Manager");
  assert.ok(await banner.isHidden());
  assert.deepEqual(unexpected(errors, 401), []);
});

test("signed in through the provider, each row offers only the actions the rules allow; switching user", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  await page.locator("#actor-roles").getByText("UserManager", { exact: true }).waitFor();
  const shown = (id) => page.locator(`#${id}`).count().then((n) => n === 1);
  assert.ok(await shown("invite-ann") && await shown("access-pete"), "a plain User is his to invite and disable");
  assert.ok(!(await shown("invite-eve")) && !(await shown("access-rita")), "users with reports 'all' are above him");
  assert.ok(!(await shown("access-uma")), "not himself");
  await page.getByRole("button", { name: "Switch user" }).click();
  await pickPerson(page, "sue");
  await page.locator("#actor-roles").getByText("Supervisor", { exact: true }).waitFor();
  assert.equal(await page.locator("#actor-name").textContent(), "Sue Supervisor");
  assert.ok(await shown("access-arjun") && await shown("invite-xena"), "agents are below a supervisor");
  assert.ok(!(await shown("access-alice")), "the administrator is above her");
  assert.deepEqual(unexpected(errors), []);
});

test("a user manager sees the roles he does not hold disabled, with the reason", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  await page.getByRole("button", { name: "Edit roles of Ann Baker" }).click();
  for (const role of ["ReportViewer", "CustomerAdmin"]) {
    const expected = productA.checkGrant({ actor: UMA, target: { id: "ann", roles: ["User"] }, roles: ["User", role] })
      .reasons.find((r) => r.role === role).message;
    await assertDisabled(page.locator(`#role-${role}`));
    assert.equal(await page.locator(`#role-${role}-why`).textContent(), expected);
  }
  assert.ok(await page.locator("#role-UserManager").isEnabled(), "UserManager is his to grant");
  assert.ok(await page.locator("#role-User").isEnabled(), "User is his to take away");

  await page.getByRole("button", { name: "View roles of Uma Manager" }).click();
  await page.getByText("you cannot change your own roles").waitFor();
  for (const box of await page.locator("#editor input[type=checkbox]").all()) await assertDisabled(box);
  assert.equal(await page.locator("#save-roles").count(), 0, "no save button on his own row");
  assert.deepEqual(unexpected(errors), []);
});

test("granting a role he holds, by keyboard, goes through the worker and changes origin's store", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  await page.getByRole("button", { name: "Edit roles of Ann Baker" }).focus();
  await page.keyboard.press("Enter");
  await page.locator("#role-UserManager").focus();
  await page.keyboard.press("Space");
  await page.locator("#permissions td.win[data-feature=users] .via").filter({ hasText: "via UserManager" }).waitFor();
  await page.locator("#save-roles").focus();
  await page.keyboard.press("Enter");
  await page.locator("#notice").filter({ hasText: "Saved the roles of Ann Baker" }).waitFor();
  assert.deepEqual(storedUser("acme", "ann").roles, ["User", "UserManager"]);
  assert.ok(stack.origin.received.some((r) => r.method === "PUT" && r.path === "/api/tenants/acme/users/ann/roles"));
  assert.deepEqual(unexpected(errors), []);
});

test("a forbidden change sent straight from the page gets the worker's 403; origin never sees it", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  const before = storedUser("acme", "rita");
  const seen = stack.origin.received.length;
  const res = await page.evaluate(async () => {
    const { accessToken: token } = JSON.parse(sessionStorage.getItem("rolegate.session"));
    const r = await fetch("/api/tenants/acme/users/rita/roles", { method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ roles: ["ReportViewer", "CustomerAdmin"] }) });
    return { status: r.status, type: r.headers.get("content-type"), body: await r.json() };
  });
  assert.equal(res.status, 403);
  assert.match(res.type, /application\/problem\+json/);
  assert.equal(res.status, res.body.status);
  assert.ok(res.body.reasons.some((r) => r.code === "role_not_held" && r.role === "CustomerAdmin"), JSON.stringify(res.body));
  assert.deepEqual(storedUser("acme", "rita"), before);
  assert.ok(!stack.origin.received.slice(seen).some((r) => r.method === "PUT"), "no PUT reached origin");
  assert.deepEqual(unexpected(errors, 403), []);
});

test("with a draft policy the console offers more, and shows the worker's refusal", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  const draft = exampleA();
  draft.roles.UserManager.includes = ["ReportViewer"];
  await page.locator("#policy-json").fill(JSON.stringify(draft, null, 2));
  await page.getByRole("button", { name: "Use this draft in the console" }).click();
  await page.locator("#draft-banner").waitFor();
  await page.getByRole("button", { name: "Edit roles of Pete New" }).click();
  await page.locator("#role-ReportViewer").check();
  await page.locator("#save-roles").click();
  const problem = page.locator("#editor .problem[role=alert]");
  await problem.waitFor();
  assert.match(await problem.textContent(), /ReportViewer/);
  assert.deepEqual(storedUser("acme", "pete").roles, ["User"]);
  assert.deepEqual(unexpected(errors, 403), []);
});

test("an invitation with a two-second window flips to Expired invitation on screen, on time", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "alice" });
  const row = page.locator('#users tr[data-user="pat"]');
  // Record, inside the page, when the row first reads "Expired invitation".
  await page.evaluate(() => {
    const cell = document.querySelector('#users tr[data-user="pat"]');
    new MutationObserver((_, obs) => {
      const current = document.querySelector('#users tr[data-user="pat"]');
      if (current?.textContent.includes("Expired invitation")) { window.flippedAt = Date.now(); obs.disconnect(); }
    }).observe(cell.parentElement, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole("button", { name: "Send invitation to Pat Pending" }).click();
  await row.getByText(/^expires in [12] s$/).waitFor();
  assert.match(await row.textContent(), /Invited/);
  await row.getByText("Expired invitation").waitFor({ timeout: 10_000 });
  const flippedAt = await page.evaluate(() => window.flippedAt);
  const expiresAt = storedUser("globex", "pat").account.invitedAt + 2000;
  t.diagnostic(`flipped to Expired invitation ${flippedAt - expiresAt} ms after expiresAt`);
  assert.ok(flippedAt > expiresAt, `flipped ${expiresAt - flippedAt} ms early`);
  assert.ok(flippedAt - expiresAt < 1000, `flipped ${flippedAt - expiresAt} ms late`);
  // The link from that invitation is now refused at the edge, as a page for a browser.
  const link = await page.locator("#notice a").getAttribute("href");
  const res = await fetch(stack.url + link, { headers: { accept: "text/html" } });
  assert.equal(res.status, 410);
  assert.match(res.headers.get("content-type"), /text\/html/);
  assert.deepEqual(unexpected(errors), []);
});

test("an invitation link from the console is accepted once, through the worker", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "carla" });
  await page.getByRole("button", { name: "Re-send invitation to Ian Soon" }).click();
  const [invitation] = await Promise.all([page.waitForEvent("popup"), page.locator("#notice a").click()]);
  await invitation.getByText("Welcome, Ian Soon").waitFor();
  assert.equal(storedUser("acme", "ian").account.acceptedAt !== null, true);
  const again = await invitation.reload();
  assert.equal(again.status(), 410);
  await invitation.getByText("already used").waitFor();
  assert.deepEqual(unexpected(errors), []);
});

test("a broken policy edit lists each error with its path", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "carla" });
  const broken = exampleA();
  broken.roles.ReportViewer.grants = { reprots: "all" };
  broken.roles.User.grants.customer360 = "fly";
  await page.locator("#policy-json").fill(JSON.stringify(broken, null, 2));
  const listed = page.locator("#policy-result ul.errors");
  await listed.getByText("roles.ReportViewer.grants.reprots").waitFor();
  await listed.getByText("roles.User.grants.customer360").waitFor();
  assert.match(await listed.textContent(), /'reprots' is not a feature of this policy/);
  assert.equal(await page.locator("#policy-json").getAttribute("aria-invalid"), "true");
  await assertDisabled(page.getByRole("button", { name: "Use this draft in the console" }));
  await page.locator("#policy-json").fill("{ nope");
  await page.locator("#policy-result ul.errors").getByText("(document)").waitFor();
  assert.deepEqual(unexpected(errors), []);
});

test("the decisions panel shows what the edge just decided, allowed and refused", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "carla" });
  await page.getByRole("button", { name: "Disable Sam Single on this tenant" }).click();
  await page.locator("#notice").filter({ hasText: "Sam Single is disabled on acme" }).waitFor();
  const rows = page.locator("#decisions tr");
  const allowed = rows.filter({ hasText: "disable" }).filter({ hasText: "sam" }).filter({ hasText: "carla" });
  await allowed.first().waitFor();
  assert.match(await allowed.first().textContent(), /allow 200/);
  // A forbidden change sent from the page: the edge's refusal and its reason appear too.
  const { accessToken: umaToken } = await signInAs({ issuer: stack.issuer, consoleUrl: stack.url }, "uma");
  await page.evaluate(async (token) => {
    await fetch("/api/tenants/acme/users/ann/roles", { method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ roles: ["CustomerAdmin"] }) });
  }, umaToken);
  const refused = rows.filter({ hasText: "uma" }).filter({ hasText: "role_not_held" });
  await refused.first().waitFor();
  assert.match(await refused.first().textContent(), /refuse 403/);
  // The collected log is in the data directory, without the demo's secrets.
  const log = readFileSync(stack.decisions.file, "utf8");
  assert.match(log, /"action":"disable","target":"sam"/);
  const secrets = [JSON.parse(readFileSync(join(dataDir, "keys.json"), "utf8")).inviteKey,
    ...JSON.parse(readFileSync(join(dataDir, "provider-keys.json"), "utf8")).jwks.map((k) => k.d), umaToken];
  for (const secret of secrets) assert.ok(!log.includes(secret), "no secret or token in the log");
  assert.deepEqual(unexpected(errors, 403), []);
});

test("an edited policy shows its impact before it is saved: who gains access, new delegation, escalations", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "carla" });
  const impact = page.locator("#policy-impact");
  const draft = live("acme");
  draft.roles.UserManager.includes = ["ReportViewer"];
  await page.locator("#policy-json").fill(JSON.stringify(draft, null, 2));
  await impact.getByRole("heading", { name: "Users whose access changes" }).waitFor();
  // Every acme user holding UserManager without all reports (Uma, and Ann if an earlier test made her one).
  const expected = JSON.parse(readFileSync(stack.origin.storeFile, "utf8")).tenants.acme.users
    .filter((u) => u.roles.includes("UserManager") && !productA.allows(u.roles, "reports", "all"))
    .map((u) => `${u.name} reports: ${productA.effective(u.roles).reports} → all`);
  assert.ok(expected.includes("Uma Manager reports: own → all"));
  assert.deepEqual(await impact.locator("li[data-user]").allTextContents(), expected);
  assert.match(await impact.textContent(), /UserManager reports: none → all/);
  assert.match(await impact.textContent(), /UserManager may now grant ReportViewer/);
  assert.equal(await impact.locator("li.escalation").count(), 0, "held mode: no escalation");
  assert.equal(storedUser("acme", "uma").roles.join(), "UserManager,User", "nothing saved");
  // Back to the live text: no impact shown.
  await page.getByRole("button", { name: "Reset to deployed" }).click();
  assert.equal(await impact.textContent(), "");

  // Product B (ranks): agents given settings "manage" are an escalation for supervisors, who may grant Agent.
  await page.getByRole("button", { name: "Switch user" }).click();
  await pickPerson(page, "alice");
  await page.locator("#actor-roles").getByText("Administrator", { exact: true }).waitFor();
  const matrix = page.locator("#delegation table");
  assert.equal(await matrix.locator('td[data-granter="Supervisor"][data-role="Agent"]').count(), 1, "a supervisor may grant Agent");
  assert.equal(await matrix.locator('td[data-granter="Supervisor"][data-role="Administrator"]').count(), 0);
  const b = live("globex");
  b.roles.Agent.grants.settings = "manage";
  await page.locator("#policy-json").fill(JSON.stringify(b, null, 2));
  const escalation = impact.locator("li.escalation");
  await escalation.waitFor();
  assert.equal(await escalation.textContent(), "Escalation: Supervisor may grant Agent, which gives settings “manage” above the “view” Supervisor holds");
  const agents = await impact.locator("li[data-user]").allTextContents();
  assert.ok(agents.includes("Arjun Agent settings: none → manage"), agents.join(" | "));
  assert.ok(!agents.some((a) => a.startsWith("Sue Supervisor")), "the supervisor herself gains nothing");
  // Used as the console's draft, the matrix marks the escalation too.
  await page.getByRole("button", { name: "Use this draft in the console" }).click();
  await matrix.locator('td.escalation[data-granter="Supervisor"][data-role="Agent"]').waitFor();
  assert.deepEqual(unexpected(errors), []);
});

test("the impact panel words each change: roles nobody may grant first, rank order, an empty new role, the window, who may edit", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "alice" });
  const draft = live("globex");
  Object.assign(draft, { rankOrder: "strictly-lower", invitationTtl: "90m" });
  delete draft.policyAdmin;
  draft.roles.Auditor = { rank: 1, grants: {} };
  await page.locator("#policy-json").fill(JSON.stringify(draft, null, 2));
  const impact = page.locator("#policy-impact");
  await impact.locator("h4").first().waitFor();
  // With strictly-lower ranks no role may grant Administrator (the package's delegation of the draft).
  const { grants } = Policy.fromJson(draft).delegation();
  assert.deepEqual(["Agent", "Supervisor", "Administrator"].filter((r) => !grants.some((g) => g.roles.includes(r))), ["Administrator"]);
  assert.equal(await impact.locator("h4").first().textContent(), "Roles nobody may grant any more");
  assert.deepEqual(await impact.locator("li.warning").allTextContents(),
    ["Administrator: nobody may grant it any more (Administrator could)."]);
  assert.equal(await impact.locator('li[data-setting="grantRule"]').textContent(), "Rank order: same-or-lower → strictly-lower");
  assert.equal(await impact.locator('li[data-setting="invitationTtl"]').textContent(), "Invitation window: 2 s → 90 m");
  assert.equal(await impact.locator('li[data-setting="policyAdmin"]').textContent(), "Needed to edit the policy: settings manage → full administrator");
  assert.equal(await impact.locator('li[data-role="Auditor"]').textContent(), "Auditor: gives no access");
  assert.equal(await impact.getByRole("heading", { name: "Roles that gain access" }).count(), 0, "an empty role gains nothing");
  assert.doesNotMatch(await impact.textContent(), /grantRule|5400000/);
  assert.deepEqual(unexpected(errors), []);
});

test("the permission matrix's level columns read low to high for every feature", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "alice" });
  await page.getByRole("button", { name: "Edit roles of Sue Supervisor" }).click();
  const columns = (await page.locator("#permissions thead th").allTextContents()).slice(1);
  for (const { name, levels } of Policy.fromJson(live("globex")).features()) {
    const at = levels.map((l) => columns.indexOf(l));
    assert.deepEqual(at, [...at].sort((a, b) => a - b), `${name}: ${levels.join(" < ")} in ${columns.join(", ")}`);
  }
  assert.ok(columns.indexOf("view") < columns.indexOf("manage"), "Tenant settings: view left of manage");
  assert.deepEqual(unexpected(errors), []);
});

test("readable at 390 px wide", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "sue", viewport: { width: 390, height: 844 } });
  await page.getByRole("button", { name: "Edit roles of Arjun Agent" }).click();
  const wide = await page.evaluate(() => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth && !el.closest(".scroll, .scroll-x"))
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}`));
  assert.deepEqual(wide, [], "nothing sticks out sideways at 390 px");
  const [docWidth, viewWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(docWidth <= viewWidth, `the page does not scroll sideways (${docWidth} px wide at ${viewWidth} px)`);
  assert.deepEqual(unexpected(errors), []);
});

async function assertDisabled(locator) {
  assert.ok(await locator.isDisabled(), `${locator} is disabled`);
}

test("the invitation ledger survives a workerd restart: a used link stays refused at the edge", async () => {
  const call = (path, init = {}) => fetch(stack.url + path, init).then(async (r) => ({ status: r.status, body: await r.json() }));
  const { accessToken: token } = await signInAs({ issuer: stack.issuer, consoleUrl: stack.url }, "carla");
  const sent = await call("/api/tenants/acme/users/eve/invitation", { method: "POST", headers: { authorization: `Bearer ${token}` } });
  assert.equal(sent.status, 200);
  assert.equal((await call(sent.body.link)).status, 200);
  await stack.restartWorker();
  const seen = stack.origin.received.length;
  const replay = await call(sent.body.link);
  assert.equal(replay.status, 410);
  assert.equal(replay.body.code, "invitation_used");
  assert.ok(!stack.origin.received.slice(seen).some((r) => r.path.startsWith("/invitations/accept")), "refused at the edge");
});

// ---- the policy saved from the console (acme; each test starts from version 1's rules) ------------------

/** A request through the edge as user `id`, with a token from the provider: status, ETag and text. */
async function asUser(id, path, init = {}) {
  const { accessToken } = await signInAs({ issuer: stack.issuer, consoleUrl: stack.url }, id);
  const res = await fetch(stack.url + path, { ...init, headers: { authorization: `Bearer ${accessToken}`, ...init.headers } });
  return { status: res.status, etag: res.headers.get("etag"), text: await res.text() };
}
const POLICY_API = "/api/tenants/acme/policy";
const storedVersions = () => JSON.parse(readFileSync(stack.origin.storeFile, "utf8")).tenants.acme.policies;
/** Saves `text` as carla through the edge, over the current version. */
async function saveAsCarla(text) {
  const { etag } = await asUser("carla", POLICY_API);
  const res = await asUser("carla", POLICY_API, { method: "PUT", body: text, headers: { "content-type": "application/json", "if-match": etag } });
  assert.equal(res.status, 200, res.text);
}
/** Puts version 1's document back in force (as a new version) unless it is. */
async function backToFirst() {
  const versions = storedVersions();
  if (versions.at(-1).hash !== versions[0].hash) await saveAsCarla(versions[0].text);
}
/** Uma (UserManager + User) adds a ReportViewer through the edge: refused under version 1 (grant only held roles). */
const addViewer = () => asUser("uma", "/api/tenants/acme/users", { method: "POST", headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: `viewer-${storedVersions().length}-${Math.random()}@acme.example`, roles: ["ReportViewer"] }) });

test("a policy saved from the console: its impact confirmed, then enforced by the edge at once; a revert brings version 1 back", async (t) => {
  await backToFirst();
  const { page, errors } = await openPage(t, browser, stack.url, { as: "carla" });
  const first = storedVersions()[0];
  const count = storedVersions().length;
  assert.equal((await addViewer()).status, 403, "version 1: a user manager cannot grant ReportViewer");
  const draft = JSON.parse(first.text);
  draft.roles.UserManager.includes = ["ReportViewer"];
  await page.locator("#policy-json").fill(JSON.stringify(draft, null, 2));
  await page.getByRole("button", { name: "Save policy" }).click();
  const confirm = page.getByRole("dialog", { name: "Save this change of access?" });
  await confirm.waitFor();
  assert.ok((await confirm.locator("li").allTextContents()).includes("Uma Manager: reports: own → all"));
  assert.equal(await page.evaluate(() => document.activeElement.id), "confirm-cancel", "focus moves to the confirmation (Cancel)");
  assert.equal(storedVersions().length, count, "nothing is saved before the confirmation");
  await screenshot(page, "policy-save-confirmation");
  await page.keyboard.press("Escape");
  await confirm.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.id), "save-policy", "Escape: focus back on Save policy");
  assert.equal(storedVersions().length, count, "Escape sends nothing");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.getByRole("button", { name: "Confirm and save" }).click();
  await page.locator("#policy-saving").getByText(`Saved as version ${count + 1}`, { exact: false }).waitFor();
  const second = storedVersions()[count];
  assert.deepEqual([second.savedBy, JSON.parse(second.text)], ["carla", draft]);
  assert.equal((await addViewer()).status, 201, "the edge enforces version 2 for the very next request");

  // A revert: version 1 from the history, saved again (Uma loses what she gained: confirmed as well).
  await page.getByRole("button", { name: "Load into the editor: version 1" }).click();
  await page.waitForFunction((text) => document.getElementById("policy-json").value === text, first.text);
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.getByRole("button", { name: "Confirm and save" }).click();
  await page.locator("#policy-saving").getByText(`Saved as version ${count + 2}`, { exact: false }).waitFor();
  await page.locator("#policy-history li").filter({ hasText: "restores version 1" }).waitFor();
  await screenshot(page.locator("section.policy"), "policy-versions");
  assert.equal(storedVersions()[count + 1].hash, first.hash);
  assert.equal((await addViewer()).status, 403, "version 1's rules again");

  // The decision log names the version that decided each of Uma's adds by its hash.
  const short = (hash) => hash.replace(/^sha256:/, "").slice(0, 10);
  const adds = page.locator("#decisions tr").filter({ hasText: "uma" }).filter({ hasText: "add" });
  for (const [hash, decision] of [[first.hash, "refuse 403"], [second.hash, "allow 201"]]) {
    await adds.filter({ hasText: short(hash) }).filter({ hasText: decision }).first().waitFor();
  }
  assert.notEqual(short(first.hash), short(second.hash));
  assert.deepEqual(unexpected(errors), []);
});

test("a save the rules refuse: said in the console before anything is sent, and refused at the edge when sent from the page", async (t) => {
  await backToFirst();
  // Carla lets user managers edit the policy: a change of who may edit it, confirmed.
  const carla = await openPage(t, browser, stack.url, { as: "carla" });
  const delegated = { ...JSON.parse(storedVersions().at(-1).text), policyAdmin: { feature: "users", level: "manage" } };
  await carla.page.locator("#policy-json").fill(JSON.stringify(delegated, null, 2));
  await carla.page.getByRole("button", { name: "Save policy" }).click();
  await carla.page.getByRole("dialog").getByText("Needed to edit the policy: orgSettings manage → users manage").waitFor();
  await carla.page.getByRole("button", { name: "Confirm and save" }).click();
  await carla.page.locator("#policy-saving").getByText(/^Saved as version/).waitFor();
  const saved = storedVersions().length;

  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  const save = page.getByRole("button", { name: "Save policy" });
  const escalating = structuredClone(delegated);
  escalating.roles.UserManager.grants.reports = "all";
  await page.locator("#policy-json").fill(JSON.stringify(escalating, null, 2));
  await page.locator("#policy-saving").getByText("the editor would gain reports: own → all").waitFor();
  await assertDisabled(save);
  const lockout = structuredClone(delegated);
  lockout.roles.CustomerAdmin.grants = { orgSettings: "manage" };
  lockout.roles.UserManager.grants = { channels: "manage" };
  await page.locator("#policy-json").fill(JSON.stringify(lockout, null, 2));
  await page.locator("#policy-saving").getByText("no enabled user would hold userAdmin (users: manage) under the new policy").waitFor();
  await assertDisabled(save);

  // The console bypassed: the same escalating document sent straight from the page, over the current version.
  const seen = stack.origin.received.length;
  const res = await page.evaluate(async (text) => {
    const { accessToken } = JSON.parse(sessionStorage.getItem("rolegate.session"));
    const authorization = `Bearer ${accessToken}`;
    const etag = (await fetch("/api/tenants/acme/policy", { headers: { authorization } })).headers.get("etag");
    const r = await fetch("/api/tenants/acme/policy", { method: "PUT", body: text,
      headers: { authorization, "content-type": "application/json", "if-match": etag } });
    return { status: r.status, body: await r.json() };
  }, JSON.stringify(escalating));
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.deepEqual(res.body.reasons.map((r) => [r.code, r.feature]), [["editor_gains", "reports"]]);
  assert.equal(storedVersions().length, saved, "origin stored nothing");
  assert.ok(!stack.origin.received.slice(seen).some((r) => r.method === "PUT"), "no PUT reached origin");
  assert.deepEqual(unexpected(errors, 403), []);
});

test("two editors at once: the later save is refused (412), the console says so, keeps the draft, and saves it over the new version", async (t) => {
  await backToFirst();
  const { page, errors } = await openPage(t, browser, stack.url, { as: "carla" });
  const draft = { ...JSON.parse(storedVersions()[0].text), invitationTtl: "48h" };
  await page.locator("#policy-json").fill(JSON.stringify(draft, null, 2));
  // Meanwhile another version is saved (another tab, another administrator).
  await saveAsCarla(JSON.stringify({ ...JSON.parse(storedVersions()[0].text), invitationTtl: "12h" }, null, 2));
  const count = storedVersions().length;
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.locator("#policy-saving").getByText(/Someone saved another version meanwhile/).waitFor();
  assert.equal(storedVersions().length, count, "the stale save stored nothing");
  assert.deepEqual(JSON.parse(await page.locator("#policy-json").inputValue()), draft, "the draft is kept");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.locator("#policy-saving").getByText(/^Saved as version/).waitFor();
  assert.deepEqual(JSON.parse(storedVersions().at(-1).text), draft);
  assert.deepEqual(unexpected(errors, 412), []);
});
