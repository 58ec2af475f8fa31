// Every user operation from the console, in headless Chromium against the demo stack (origin + edge worker
// on workerd): adding, inviting, deleting with a confirmation, actions offered only where they apply and are
// allowed (as the package decides), refusals from the edge shown inline with their reasons.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Policy } from "rolegate";
import { openPage, pickPerson, unexpected } from "./browser.js";
import { startDemo } from "./demo.js";
import { signInAs } from "./sign-in.js";

const UMA = { id: "uma", roles: ["UserManager", "User"] };
let demo, stack, browser, storedUser, productA;

before(async () => {
  demo = await startDemo();
  ({ stack, browser, storedUser } = demo);
  productA = Policy.fromJson(stack.tenants.find((t) => t.tenant === "acme").policy);
});

after(() => demo?.stop());

/** Whether an account transition of the package applies (it throws when it does not). */
const applies = (transition) => { try { transition(); return true; } catch { return false; } };
const shown = (page, id) => page.locator(`[id="${id}"]`).count().then((n) => n === 1);
/** Carla's access token (CustomerAdmin at acme), for reading and changing acme's users straight at origin. */
let carlaToken;
const atOrigin = async (path, init = {}) => {
  carlaToken ??= (await signInAs({ issuer: stack.issuer, consoleUrl: stack.url }, "carla")).accessToken;
  return fetch(`${stack.origin.url}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${carlaToken}` } });
};
const acmeUsers = async () => (await (await atOrigin("/api/tenants/acme/users")).json()).users;
const sentToOrigin = (since, method, path) => stack.origin.received.slice(since).some((r) => r.method === method && r.path === path);

/** Uses a draft policy in the console (the edge keeps enforcing the deployed one). */
async function useDraft(page, edit) {
  const draft = structuredClone(stack.tenants.find((t) => t.tenant === "acme").policy);
  edit(draft);
  await page.locator("#policy-json").fill(JSON.stringify(draft, null, 2));
  await page.getByRole("button", { name: "Use this draft in the console" }).click();
  await page.locator("#draft-banner").waitFor();
}

// First, while the seed is untouched.
test("each row offers only the actions that apply to the user and that the package allows the actor", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  const now = Date.now();
  for (const user of await acmeUsers()) {
    const target = { id: user.id, roles: user.roles };
    const removable = productA.checkRemove({ actor: UMA, target }).allowed;
    assert.equal(await shown(page, `delete-${user.id}`), removable, `delete ${user.id}`);
    assert.equal(await shown(page, `invite-${user.id}`), applies(() => productA.invite(user.account, now))
      && productA.checkInvite({ actor: UMA, target }).allowed, `invite ${user.id}`);
  }
  // Above him: Rita (reports "all") can be viewed, not edited, deleted or disabled.
  await page.getByRole("button", { name: "View roles of Rita Reports" }).click();
  const removeRita = productA.checkRemove({ actor: UMA, target: { id: "rita", roles: ["ReportViewer"] } });
  await page.locator("#editor").getByText(removeRita.reasons[0].message).waitFor();
  assert.equal(await page.locator("#editor input[type=checkbox]").count(), 0, "no editor where nothing can change");
  assert.equal(await page.getByRole("button", { name: "Edit roles of Rita Reports" }).count(), 0);
  // Dan is disabled on the platform: no "Disable" (but he can be deleted); Ann is enabled here: no "Enable".
  assert.ok(await shown(page, "delete-dan") && !(await shown(page, "access-dan")), "no Disable on a disabled user");
  assert.equal(await page.locator("#access-ann").textContent(), "Disable");

  // Carla (CustomerAdmin) may act on everyone but herself: Tina, disabled on this tenant, can only be enabled.
  await page.getByRole("button", { name: "Switch user" }).click();
  await pickPerson(page, "carla");
  await page.locator("#actor-roles").getByText("CustomerAdmin", { exact: true }).waitFor();
  assert.equal(await page.locator("#access-tina").textContent(), "Enable");
  assert.equal(await page.locator("#access-sam").textContent(), "Disable");
  assert.ok(await shown(page, "edit-rita") && await page.getByRole("button", { name: "Edit roles of Rita Reports" }).count() === 1);
  assert.ok(!(await shown(page, "delete-carla")) && !(await shown(page, "access-carla")), "nothing on her own row");
  assert.equal(await page.locator("#edit-carla").textContent(), "View");
  assert.equal(await page.locator("#add-user").isVisible(), true);

  // Rita administers nobody: no "Add user", every row only viewed.
  await page.getByRole("button", { name: "Switch user" }).click();
  await pickPerson(page, "rita");
  await page.locator("#actor-roles").getByText("ReportViewer", { exact: true }).waitFor();
  assert.equal(await page.locator("#add-user").isVisible(), false);
  assert.equal(await page.locator('#users button[id^="delete-"], #users button[id^="access-"], #users button[id^="invite-"]').count(), 0);
  assert.deepEqual(new Set(await page.locator('#users button[id^="edit-"]').allTextContents()), new Set(["View"]));
  assert.deepEqual(unexpected(errors), []);
});

test("adding a user: only the roles he may grant can be ticked; the new user is a pending invite, then invited", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  await page.getByRole("button", { name: "Add user" }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "editor-title");
  for (const role of ["ReportViewer", "CustomerAdmin"]) {
    const expected = productA.checkGrant({ actor: UMA, target: null, roles: [role] }).reasons.find((r) => r.role === role).message;
    assert.ok(await page.locator(`#role-${role}`).isDisabled(), `${role} is disabled`);
    assert.equal(await page.locator(`#role-${role}-why`).textContent(), expected);
  }
  assert.deepEqual(productA.grantableRoles(UMA), ["User", "UserManager"]);
  for (const role of productA.grantableRoles(UMA)) assert.ok(await page.locator(`#role-${role}`).isEnabled(), `${role} is his to grant`);

  await page.getByLabel("E-mail").fill("nina@acme.example");
  await page.getByLabel("Name").fill("Nina New");
  await page.locator("#role-User").check();
  await page.getByText("Effective permissions of the new user with the ticked roles").waitFor();
  const since = stack.origin.received.length;
  await page.locator("#add-user-submit").click();
  await page.locator("#notice").filter({ hasText: "Added Nina New (nina@acme.example) as a pending invite" }).waitFor();
  const stored = (await acmeUsers()).find((u) => u.email === "nina@acme.example");
  assert.deepEqual([stored.name, stored.roles], ["Nina New", ["User"]]);
  assert.equal(productA.accountStatus(stored.account, Date.now()).status, "pending-invite");
  assert.ok(sentToOrigin(since, "POST", "/api/tenants/acme/users"), "the add went through the worker to origin");

  const row = page.locator(`#users tr[data-user="${stored.id}"]`);
  assert.match(await row.textContent(), /Pending invite/);
  // Focus is on the next step, "Send invitation" in the new row: Enter sends it.
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Send invitation to Nina New");
  await page.keyboard.press("Enter");
  await page.locator("#notice").filter({ hasText: "Invitation sent to nina@acme.example" }).waitFor();
  await row.getByText("Invited", { exact: true }).waitFor();
  assert.notEqual(storedUser("acme", stored.id).account.invitedAt, null);
  assert.deepEqual(unexpected(errors), []);
});

test("a role the console offers from a draft policy but the edge refuses: the add is refused in the form, with the reason", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  await useDraft(page, (draft) => { draft.roles.UserManager.includes = ["ReportViewer"]; });
  await page.getByRole("button", { name: "Add user" }).click();
  await page.getByLabel("E-mail").fill("olga@acme.example");
  await page.locator("#role-ReportViewer").check();
  const since = stack.origin.received.length;
  await page.locator("#add-user-submit").click();
  const problem = page.locator("#editor .problem[role=alert]");
  await problem.waitFor();
  const reason = productA.checkGrant({ actor: UMA, target: null, roles: ["ReportViewer"] }).reasons[0].message;
  assert.match(await problem.textContent(), new RegExp(`^Could not add the user: ${reason}$`));
  assert.ok(!(await acmeUsers()).some((u) => u.email === "olga@acme.example"), "nothing added");
  assert.ok(!sentToOrigin(since, "POST", "/api/tenants/acme/users"), "refused at the edge");
  assert.equal(await page.getByLabel("E-mail").inputValue(), "olga@acme.example", "the form keeps what was typed");
  assert.deepEqual(unexpected(errors, 403), []);
});

test("deleting asks first, naming the user; Cancel keeps them, Delete removes them through the worker", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  const dialog = page.getByRole("dialog", { name: "Delete Pete New?" });
  await page.getByRole("button", { name: "Delete Pete New" }).click();
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Pete New \(pete@acme\.example\) is removed from acme/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "confirm-cancel", "Cancel has the focus");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.ok(storedUser("acme", "pete"), "Escape keeps him");
  assert.equal(await page.evaluate(() => document.activeElement.id), "delete-pete", "focus back on the row's Delete");

  await page.getByRole("button", { name: "Delete Pete New" }).click();
  const since = stack.origin.received.length;
  await dialog.getByRole("button", { name: "Delete Pete New" }).click();
  await page.locator("#notice").filter({ hasText: "Pete New is deleted from acme." }).waitFor();
  assert.equal(storedUser("acme", "pete"), undefined);
  assert.ok(sentToOrigin(since, "DELETE", "/api/tenants/acme/users/pete"));
  assert.equal(await page.locator('#users tr[data-user="pete"]').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.id), "users-title", "focus stays in the users table");
  assert.deepEqual(unexpected(errors), []);
});

test("a delete refused at the edge, after the user changed elsewhere, shows the reasons in the row", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  assert.ok(await shown(page, "delete-ann"), "Ann is a plain User: his to delete");
  // Meanwhile another administrator makes Ann a ReportViewer (straight at origin).
  const res = await atOrigin("/api/tenants/acme/users/ann/roles", { method: "PUT",
    headers: { "content-type": "application/json" }, body: JSON.stringify({ roles: ["User", "ReportViewer"] }) });
  assert.equal(res.status, 200);
  const since = stack.origin.received.length;
  await page.getByRole("button", { name: "Delete Ann Baker" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete Ann Baker" }).click();
  const problem = page.locator('[data-problem-for="ann"] .problem[role=alert]');
  await problem.waitFor();
  const [expected, ...more] = productA.checkRemove({ actor: UMA, target: { id: "ann", roles: ["User", "ReportViewer"] } }).reasons;
  assert.deepEqual([expected.code, more], ["target_outranks_actor", []]);
  assert.equal(await problem.textContent(), `Could not delete Ann Baker: ${expected.message}`);
  assert.ok(storedUser("acme", "ann"), "Ann is still there");
  assert.ok(!sentToOrigin(since, "DELETE", "/api/tenants/acme/users/ann"), "refused at the edge");
  // The console read the users again: Ann's new role shows, and no Delete is offered on her any more.
  await page.locator('#users tr[data-user="ann"] .chips').getByText("ReportViewer").waitFor();
  assert.ok(!(await shown(page, "delete-ann")));
  assert.equal(await page.evaluate(() => document.activeElement.closest("[data-problem-for]")?.dataset.problemFor), "ann",
    "focus on the refusal, in the row");
  assert.deepEqual(unexpected(errors, 403), []);
});

test("a row action the console's draft policy offers and the edge refuses is shown in the row, with the reasons", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma" });
  await useDraft(page, (draft) => { draft.protectHigherUsers = false; });
  const since = stack.origin.received.length;
  await page.getByRole("button", { name: "Disable Rita Reports on this tenant" }).click();
  const problem = page.locator('[data-problem-for="rita"] .problem[role=alert]');
  await problem.waitFor();
  const expected = productA.checkRemove({ actor: UMA, target: { id: "rita", roles: ["ReportViewer"] } }).reasons[0];
  assert.equal(await problem.textContent(), `Could not disable Rita Reports: ${expected.message}`);
  assert.equal(storedUser("acme", "rita").account.tenantEnabled, true);
  assert.ok(!sentToOrigin(since, "POST", "/api/tenants/acme/users/rita/disable"), "refused at the edge");
  assert.equal(await page.evaluate(() => document.activeElement.id), "access-rita", "focus stays on the button");
  assert.deepEqual(unexpected(errors, 403), []);
});

test("after saving roles the result is announced in view, and focus stays on Save without a scroll jump", async (t) => {
  const { page, errors } = await openPage(t, browser, stack.url, { as: "uma", viewport: { width: 1280, height: 800 } });
  await page.getByRole("button", { name: "Edit roles of Ian Soon" }).click();
  await page.locator("#role-UserManager").check();
  await page.locator("#save-roles").focus();
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 0, "the editor is below the fold");
  await page.keyboard.press("Enter");
  const notice = page.locator("#notice[role=status]").filter({ hasText: "Saved the roles of Ian Soon." });
  await notice.waitFor();
  assert.deepEqual(storedUser("acme", "ian").roles, ["User", "UserManager"]);
  assert.equal(await page.evaluate(() => document.activeElement.id), "save-roles");
  assert.equal(await page.evaluate(() => window.scrollY), scrolled);
  const box = await notice.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 800, `the notice is in view (${box.y} px from the top)`);
  assert.deepEqual(unexpected(errors), []);
});

test("the last enabled user admin: the console offers removing, disabling and demoting them disabled, with the reason", async (t) => {
  // The signed-in administrator holds userAdmin and counts himself, so the rule shows for an actor who is not one
  // of the tenant's enabled users: a platform operator. The console's own table and role editor, in its page, with
  // acme's users as origin has them once Carla is disabled there (Uma is then the last enabled user admin).
  const uma = await signInAs({ issuer: stack.issuer, consoleUrl: stack.url }, "uma");
  const asUma = (path, method = "GET") => fetch(`${stack.origin.url}${path}`, { method, headers: { authorization: `Bearer ${uma.accessToken}` } });
  assert.equal((await asUma("/api/tenants/acme/users/carla/disable", "POST")).status, 200);
  t.after(async () => assert.equal((await asUma("/api/tenants/acme/users/carla/enable", "POST")).status, 200));
  const { users } = await (await asUma("/api/tenants/acme/users")).json();
  const operator = { id: "op", roles: ["CustomerAdmin"] };
  const others = users.filter((u) => productA.accountStatus(u.account, Date.now()).canAccessTenant);
  const expected = productA.check("remove", { actor: operator, target: UMA, others }).reasons;
  assert.deepEqual(expected.map((r) => r.code), ["last_admin"]);

  const { page, errors } = await openPage(t, browser, stack.url);
  await page.locator("#signed-out").waitFor();
  await page.evaluate(async ({ users, doc, operator }) => {
    const { default: init, Policy } = await import("rolegate");
    await init();
    const { enabledUsers } = await import("/edge/policy-edit.js");
    const { renderUsers } = await import("/ui/users-table.js");
    const { renderRoleEditor } = await import("/ui/role-editor.js");
    const policy = Policy.fromJson(doc);
    const others = enabledUsers(policy, users, Date.now());
    const section = document.createElement("section");
    section.innerHTML = '<table class="users-table"><tbody id="operator-users"></tbody></table><div id="operator-editor"></div>';
    document.body.append(section);
    const none = () => {};
    renderUsers(section.querySelector("tbody"), { policy, actor: operator, users, others, selectedId: null, problem: null,
      onSelect: none, onInvite: none, onSetAccess: none, onDelete: none });
    const user = users.find((u) => u.id === "uma");
    renderRoleEditor(section.querySelector("#operator-editor"), { policy, actor: operator, user, others, draft: new Set(user.roles),
      error: null, busy: false, onToggle: none, onSave: none, onReset: none });
  }, { users, doc: stack.tenants.find((x) => x.tenant === "acme").policy, operator });

  // The row: Disable and Delete are there, disabled, described by the reason beside them.
  for (const id of ["access-uma", "delete-uma"]) {
    assert.ok(await page.locator(`#${id}`).isDisabled(), `${id} is disabled`);
    assert.equal(await page.locator(`#${id}`).getAttribute("aria-describedby"), "keep-uma");
  }
  assert.equal(await page.locator("#access-uma").textContent(), "Disable");
  assert.equal(await page.locator("#keep-uma").textContent(), expected[0].message);
  assert.match(expected[0].message, /no enabled user left with Users: manage/);
  assert.ok(await page.locator("#delete-rita").isEnabled(), "a user who never held it is the operator's to delete");
  // The role editor: unticking UserManager would take userAdmin from her, with the reason; the rest stays open.
  assert.ok(await page.locator("#role-UserManager").isDisabled());
  assert.equal(await page.locator("#role-UserManager-why").textContent(), expected[0].message);
  assert.ok(await page.locator("#role-User").isEnabled() && await page.locator("#role-ReportViewer").isEnabled());
  assert.equal(await page.locator("#operator-editor p.note").count(), 0, "no reason about every role");
  assert.deepEqual(unexpected(errors), []);
});
