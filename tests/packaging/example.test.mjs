// The React example (examples/react, its own install) built with Vite and driven in headless Chromium: the
// role boxes a user manager may tick are enabled, the others disabled with the reasons, bad input shown as the
// core's error, the invitation flipping to expired at its first expired millisecond (Playwright's clock).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { here, launchBrowser, run, serve } from "./helpers.js";

const example = join(here, "../../examples/react");
const T0 = Date.parse("2026-11-22T09:00:00Z");
const closing = [];
let chromium;
let url;

before(async () => {
  await run(join(example, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], { cwd: example });
  url = await serve({ after: (close) => closing.push(close) }, join(example, "dist"));
  chromium = await launchBrowser();
});
after(() => Promise.all([chromium?.close(), ...closing.map((close) => close())]));

/** The example on Playwright's clock (from T0), with its page errors collected. */
async function open(t) {
  const page = await chromium.newPage({ viewport: { width: 1100, height: 700 } });
  t.after(() => page.close());
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  // React reports an error it recovered from by rendering again (#520) with the error itself as its cause.
  await page.addInitScript(() => addEventListener("error", (e) => e.error?.cause && console.error(`cause: ${e.error.cause.stack ?? e.error.cause}`)));
  await page.clock.install({ time: T0 });
  await page.goto(url);
  await page.locator("#users").waitFor();
  return { page, errors };
}

const box = (page, role, user) => page.getByLabel(`${role} for ${user}`);
const state = async (locator) => ({ disabled: await locator.isDisabled(), checked: await locator.isChecked(),
  title: await locator.getAttribute("title"), reasons: await locator.getAttribute("data-reasons") });

test("acting as a user manager: only the roles he holds, only for users he covers, never his own", async (t) => {
  const { page, errors } = await open(t);
  assert.deepEqual(await state(box(page, "ReportViewer", "ann")), { disabled: true, checked: false,
    title: "only someone who holds 'ReportViewer' can grant it, and you do not", reasons: "role_not_held" });
  assert.deepEqual(await state(box(page, "UserManager", "ann")), { disabled: false, checked: false, title: "Give UserManager", reasons: "" });
  assert.deepEqual(await state(box(page, "User", "uma")), { disabled: true, checked: true,
    title: "you cannot change your own roles", reasons: "self_role_change" });
  assert.equal((await state(box(page, "User", "cora"))).reasons, "target_outranks_actor");
  // Ticking an enabled box changes the roles; the row's decisions follow (removing it again is allowed).
  await box(page, "UserManager", "ann").check();
  assert.deepEqual(await state(box(page, "UserManager", "ann")), { disabled: false, checked: true, title: "Remove UserManager", reasons: "" });
  assert.deepEqual(errors, []);
});

test("bad input shows as the core's error code: an unknown role, a malformed record, a policy that does not compile", async (t) => {
  const { page, errors } = await open(t);
  const olga = await state(box(page, "User", "olga"));
  assert.equal(olga.reasons, "unknown_role unknown_target_role");
  assert.equal(olga.title, "'Auditor' is not a role of this policy\n"
    + "this user holds 'Auditor', which is not a role of this policy: only a full administrator may act on them");
  assert.equal(await page.locator('tr[data-user="bob"] td.error').textContent(), "invalid_request at record.tenantEnabled");
  await page.selectOption("#policy", "A broken draft");
  assert.match(await page.locator("#policy-error").textContent(), /^invalid_policy: .*roles\.UserManager\.grants\.users: /);
  assert.equal(await page.locator("#users").count(), 0, "nothing is offered under a policy that does not compile");
  await page.selectOption("#policy", "Product A");
  await page.locator("#users").waitFor();
  assert.deepEqual(errors, []);
});

test("the invitation flips to expired at its first expired millisecond, without a reload", async (t) => {
  const { page } = await open(t);
  const ivan = page.locator('tr[data-user="ivan"] td.status');
  assert.equal(await ivan.textContent(), "Invited");
  const expiresAt = Number(await ivan.getAttribute("data-expires-at")); // a minute after the page opened
  await page.clock.pauseAt(expiresAt); // the last valid millisecond; the page's time now moves only with runFor
  assert.equal(await ivan.textContent(), "Invited");
  await page.clock.runFor(1);
  await page.waitForFunction(() => document.querySelector('tr[data-user="ivan"] td.status').textContent === "Expired invitation");
});

test("acting as a report viewer: no user administration at all", async (t) => {
  const { page } = await open(t);
  await page.selectOption("#acting-as", "rita");
  assert.equal(await page.locator("#read-only").textContent(), "Rita cannot manage users.");
});
