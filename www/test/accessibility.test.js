// axe-core inside headless Chromium on every console screen, every invitation page and the identity
// provider's sign-in pages, at 1280 px and at 390 px wide: no critical and no serious violation. Against
// the demo stack (identity provider + origin + edge worker on workerd).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Keyring } from "rolegate";
import { axeViolations, openPage, pickPerson, unexpected } from "./browser.js";
import { startDemo } from "./demo.js";

const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 390, height: 844 };
const HOUR = 3_600_000;
let demo, stack, browser;

before(async () => {
  demo = await startDemo();
  ({ stack, browser } = demo);
});

after(() => demo?.stop());

/** Runs axe on the page as it is, wide and narrow; returns "screen @ width: violation" lines. */
async function audit(page, screen) {
  const found = [];
  for (const viewport of [WIDE, NARROW]) {
    await page.setViewportSize(viewport);
    for (const v of await axeViolations(page)) found.push(`${screen} @ ${viewport.width}px: ${v}`);
  }
  await page.setViewportSize(WIDE);
  return found;
}

/** The policy document the worker enforces at `tenant`, edited. */
function policyText(tenant, edit) {
  const doc = structuredClone(stack.tenants.find((t) => t.tenant === tenant).policy);
  edit(doc);
  return JSON.stringify(doc, null, 2);
}

test("every console screen has no critical or serious axe violation, at 1280 and 390 px", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma", viewport: WIDE });
  const found = [];
  const screen = async (name, show) => {
    await show();
    found.push(...await audit(page, name));
  };
  const button = (name) => page.getByRole("button", { name, exact: true });
  await screen("users, acting as a user manager", async () => {
    await page.locator("#decisions tr").first().waitFor();
  });
  await screen("role editor with refused roles", async () => {
    await button("Edit roles of Ann Baker").click();
    await page.locator("#role-ReportViewer-why").waitFor();
    await page.locator("#role-UserManager").check();
  });
  await screen("roles shown read-only", async () => {
    await button("View roles of Rita Reports").click();
    await page.locator(".locked-note").waitFor();
  });
  await screen("add-user form", async () => {
    await button("Add user").click();
    await page.locator("#role-CustomerAdmin-why").waitFor();
  });
  await screen("delete confirmation", async () => {
    await button("Delete Pete New").click();
    await page.getByRole("dialog").waitFor();
  });
  await page.keyboard.press("Escape");
  await screen("a notice after an action", async () => {
    await button("Send invitation to Pete New").click();
    await page.locator("#notice a").waitFor();
  });
  await screen("policy with errors", async () => {
    await page.locator("#policy-json").fill(policyText("acme", (d) => { d.roles.User.grants.reprots = "all"; }));
    await page.locator("#policy-result ul.errors").waitFor();
  });
  await screen("policy impact", async () => {
    await page.locator("#policy-json").fill(policyText("acme", (d) => { d.protectHigherUsers = false; d.invitationTtl = "2m"; }));
    await page.locator("#policy-impact h4").first().waitFor();
  });
  await screen("a draft policy in use, and a refusal in a row", async () => {
    await button("Use this draft in the console").click();
    await button("Disable Rita Reports on this tenant").click();
    await page.locator('[data-problem-for="rita"]').waitFor();
  });
  await screen("product B, acting as its administrator", async () => {
    await button("Switch user").click();
    await pickPerson(page, "alice");
    await page.locator("#actor-roles").getByText("Administrator", { exact: true }).waitFor();
    await button("Edit roles of Sue Supervisor").click();
  });
  await screen("product B, a policy save asking for confirmation", async () => {
    await page.locator("#policy-json").fill(policyText("globex", (d) => { d.roles.Agent.grants.settings = "manage"; }));
    await button("Save policy").click();
    await page.getByRole("dialog", { name: "Save this change of access?" }).locator("li.escalation").first().waitFor();
  });
  await screen("product B, the policy saved, with its versions", async () => {
    await page.getByRole("dialog").getByRole("button", { name: "Confirm and save" }).click();
    await page.locator("#policy-saving").getByText(/^Saved as version 2/).waitFor();
    await button("Load into the editor: version 1").waitFor();
  });
  assert.deepEqual(found, []);
  assert.deepEqual(unexpected(errors, 403), []);
});

test("every invitation page has a language and no critical or serious axe violation, at 1280 and 390 px", async (t) => {
  const { page } = await openPage(t, browser, stack.url, { as: "carla", viewport: WIDE });
  /** Sends (or re-sends) an invitation from the console; resolves its link. */
  const invite = async (name) => {
    await page.getByRole("button", { name: new RegExp(`^(Re-)?[Ss]end invitation to ${name}$`) }).click();
    const link = page.locator("#notice a");
    await page.locator("#notice").filter({ hasText: "Invitation sent" }).waitFor();
    const href = await link.getAttribute("href");
    await page.locator("#dismiss-notice").click();
    return href;
  };
  // An expired link, signed as origin signs its links (its invitation key) but 25 hours ago.
  const { keys } = stack.origin;
  const expired = new Keyring({ [keys.inviteKid]: keys.inviteKey }).signInvitation(
    { sub: "pete", tenant: "acme", email: "pete@acme.example", inv: "old" }, Date.now() - 25 * HOUR, keys.inviteKid);
  const first = await invite("Pete New");
  const newest = await invite("Pete New");
  const pages = [
    ["replaced by a newer link", stack.url, first, 410, /newer invitation/],
    ["accepted", stack.url, newest, 200, /Welcome, Pete New/],
    ["used", stack.url, newest, 410, /already used/],
    ["expired", stack.url, `/invitations/accept?token=${expired}`, 410, /expired/],
    ["not valid", stack.url, "/invitations/accept?token=nope", 400, /not valid/],
    // Origin's own pages (the edge answers most of these first; origin checks again).
    ["used, at origin", stack.origin.url, newest, 410, /already used/],
    ["expired, at origin", stack.origin.url, `/invitations/accept?token=${expired}`, 410, /expired/],
  ];
  const found = [];
  const visitor = await browser.newPage({ viewport: WIDE });
  t.after(() => visitor.close());
  for (const [name, base, link, status, text] of pages) {
    const res = await visitor.goto(base + link);
    assert.equal(res.status(), status, name);
    assert.match(await visitor.locator("body").textContent(), text, name);
    assert.equal(await visitor.locator("html").getAttribute("lang"), "en", `${name}: the page has a language`);
    found.push(...await audit(visitor, `invitation ${name}`));
  }
  // Origin's pages and the edge's are styled like the console: a card on the page's background.
  for (const url of [stack.origin.url + newest, `${stack.url}/invitations/accept?token=nope`]) {
    await visitor.goto(url);
    assert.equal(await visitor.locator("main").evaluate((m) => getComputedStyle(m).borderTopLeftRadius), "8px", url);
    assert.equal(await visitor.locator("html").evaluate((r) => getComputedStyle(r).backgroundColor), "rgb(245, 246, 248)", url);
  }
  assert.deepEqual(found, []);
});

test("the sign-in screens, the console's and the provider's, have a language and no critical or serious axe violation, at 1280 and 390 px", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { viewport: WIDE });
  const found = [];
  const screen = async (name, show) => {
    await show();
    assert.equal(await page.locator("html").getAttribute("lang"), "en", `${name}: the page has a language`);
    found.push(...await audit(page, name));
  };
  const button = (name) => page.getByRole("button", { name, exact: true });
  await screen("console, signed out", () => page.locator("#signed-out").waitFor());
  await screen("provider, the people who may sign in", async () => {
    await button("Sign in").click();
    await page.getByRole("heading", { name: "Sign in to the rolegate console" }).waitFor();
  });
  await screen("provider, someone who cannot sign in", async () => {
    // What a stale page of people posts for a person disabled since it was shown.
    await page.locator('button[name=account][value="carla"]').evaluate((b) => { b.value = "dan"; });
    await button("Carla Admin").click();
    await page.getByRole("alert").filter({ hasText: "dan cannot sign in here." }).waitFor();
  });
  await pickPerson(page, "uma");
  await screen("console, the sign-in expired", async () => {
    await page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem("rolegate.session"));
      sessionStorage.setItem("rolegate.session", JSON.stringify({ ...session, expiresAt: Date.now() }));
    });
    await page.reload();
    await page.locator("#expired").getByText("Your sign-in has expired").waitFor();
  });
  await screen("provider, the sign-out confirmation", async () => {
    await button("Sign out").click();
    await page.getByRole("heading", { name: "Sign out of the demo provider?" }).waitFor();
  });
  await screen("provider, signed out (no way back given)", async () => {
    await page.goto(`${stack.issuer}/session/end/success`);
    await page.getByRole("heading", { name: "Signed out" }).waitFor();
  });
  await screen("provider, a sign-in it refuses", async () => {
    await page.goto(`${stack.issuer}/auth?client_id=nobody&response_type=code&scope=openid`);
    await page.getByRole("heading", { name: "Sign-in failed" }).waitFor();
  });
  assert.deepEqual(found, []);
  assert.deepEqual(unexpected(errors, 400), []);
});
