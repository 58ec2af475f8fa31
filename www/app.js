// The rolegate admin console: the same rules as the edge worker, run in the browser so the page only
// offers what is allowed; every change still goes through the worker, which enforces them again.
import init, { Policy } from "rolegate";
import { h, fill } from "./ui/dom.js";
import { ApiError, fetchDecisions, fetchDemoToken, fetchPolicies, fetchUsers, saveRoles, sendInvitation, setTenantAccess } from "./ui/api.js";
import { renderUsers, tickCountdowns } from "./ui/users-table.js";
import { renderRoleEditor, sameRoles } from "./ui/role-editor.js";
import { renderPermissions } from "./ui/permissions.js";
import { renderDelegation } from "./ui/delegation.js";
import { mountPolicyPanel } from "./ui/policy-panel.js";
import { renderDecisions } from "./ui/decisions-panel.js";

/** The worker's log lines reach the demo a moment after its answer: the panel refreshes this often. */
const DECISIONS_REFRESH_MS = 2000;

const $ = (id) => document.getElementById(id);

const state = {
  /** @type {Map<string, { label: string, doc: object, deployed: Policy, draft: Policy | null }>} */
  tenants: new Map(),
  /** @type {Map<string, any[]>} users by tenant */
  users: new Map(),
  tenant: "",
  actorId: "",
  token: "",
  selectedId: /** @type {string | null} */ (null),
  draftRoles: /** @type {Set<string>} */ (new Set()),
  editorError: null,
  busy: false,
  stopWatches: () => {},
};

const policy = () => { const t = state.tenants.get(state.tenant); return t.draft ?? t.deployed; };
const users = () => state.users.get(state.tenant) ?? [];
const actor = () => { const u = users().find((x) => x.id === state.actorId); return { id: u.id, roles: u.roles }; };
const session = () => ({ tenant: state.tenant, token: state.token });

let panel;

async function main() {
  await init();
  for (const { tenant, label, policy: doc } of await fetchPolicies()) {
    state.tenants.set(tenant, { label, doc, deployed: Policy.fromJson(doc), draft: null });
    state.users.set(tenant, await fetchUsers(tenant));
  }
  panel = mountPolicyPanel(
    { textarea: $("policy-json"), result: $("policy-result"), impact: $("policy-impact"), useDraft: $("use-draft"), reset: $("reset-policy") },
    { Policy, onUseDraft: useDraft, live: () => ({ policy: state.tenants.get(state.tenant).deployed, users: users() }) });
  $("drop-draft").addEventListener("click", () => useDraft(null));
  $("actor").addEventListener("change", (e) => actAs(...e.target.value.split("/")));
  tickCountdowns(document.body);
  fillActorPicker();
  window.addEventListener("hashchange", actAsInHash);
  await actAsInHash();
  setInterval(refreshDecisions, DECISIONS_REFRESH_MS);
}

/** Shows the tenant's recent decisions; a failed refresh keeps the last ones (the next one retries). */
async function refreshDecisions() {
  if (!state.tenant) return;
  try {
    renderDecisions($("decisions"), await fetchDecisions(state.tenant));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
}

/** `#acme/uma` picks the actor; an unknown one falls back to the first in the picker. */
function actAsInHash() {
  const options = [...$("actor").querySelectorAll("option")];
  const wanted = decodeURIComponent(location.hash.slice(1));
  const option = options.find((o) => o.value === wanted) ?? options[0];
  if (option.value === `${state.tenant}/${state.actorId}`) return undefined;
  return actAs(...option.value.split("/"));
}

/** The picker lists every user who can sign in to a tenant, grouped by tenant. */
function fillActorPicker() {
  const now = Date.now();
  const groups = [...state.tenants].map(([tenant, t]) => h("optgroup", { label: `${tenant} · ${t.label}` },
    state.users.get(tenant).filter((u) => t.deployed.accountStatus(u.account, now).canAccessTenant)
      .map((u) => h("option", { value: `${tenant}/${u.id}` }, `${u.name} — ${u.roles.join(", ")}`))));
  fill($("actor"), groups).disabled = false;
}

/** Signs in as a user (demo token) and shows their tenant; on failure the previous actor stays. */
async function actAs(tenant, id) {
  notify("");
  let token, list;
  try {
    token = await fetchDemoToken(tenant, id);
    list = await fetchUsers(tenant);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    $("actor").value = `${state.tenant}/${state.actorId}`;
    return notify(`Could not act as this user: ${err.message}`, true);
  }
  const tenantChanged = tenant !== state.tenant;
  Object.assign(state, { tenant, actorId: id, token, selectedId: null, editorError: null });
  state.users.set(tenant, list);
  $("actor").value = `${tenant}/${id}`;
  history.replaceState(null, "", `#${tenant}/${id}`);
  if (tenantChanged) panel.show(state.tenants.get(tenant).doc);
  render();
  refreshDecisions();
}

function select(id) {
  const user = users().find((u) => u.id === id);
  Object.assign(state, { selectedId: id, draftRoles: new Set(user.roles), editorError: null });
  render();
  $("editor-title").focus();
}

function useDraft(draft) {
  const t = state.tenants.get(state.tenant);
  t.draft?.free();
  t.draft = draft;
  state.editorError = null;
  render();
}

/** Replaces a user with the origin's answer after a successful change. */
function updateUser(user) {
  state.users.set(state.tenant, users().map((u) => (u.id === user.id ? user : u)));
  fillActorPicker();
  $("actor").value = `${state.tenant}/${state.actorId}`;
}

async function act(work, success) {
  state.busy = true;
  render();
  try {
    await work();
    notify(success);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    notify(`Refused: ${err.message}`, true);
  } finally {
    state.busy = false;
    render();
    refreshDecisions();
  }
}

const onInvite = (user) => {
  let link = "";
  return act(async () => { const r = await sendInvitation(session(), user.id); updateUser(r.user); link = r.link; },
    () => [`Invitation sent to ${user.email}. `, h("a", { href: link, target: "_blank", rel: "noopener" }, "Open the link"),
      " (demo: the link would go by email)."]);
};

const onSetAccess = (user, enabled) => act(async () => updateUser(await setTenantAccess(session(), user.id, enabled)),
  () => `${user.name} is ${enabled ? "enabled" : "disabled"} on ${state.tenant}.`);

async function onSave() {
  const user = users().find((u) => u.id === state.selectedId);
  const roles = policy().roles().map((r) => r.name).filter((r) => state.draftRoles.has(r));
  state.busy = true;
  state.editorError = null;
  render();
  try {
    const saved = await saveRoles(session(), user.id, roles);
    updateUser(saved);
    state.draftRoles = new Set(saved.roles);
    notify(`Saved the roles of ${saved.name}.`);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    state.editorError = { message: err.message, reasons: err.reasons };
  } finally {
    state.busy = false;
    render();
    refreshDecisions();
  }
}

function notify(message, error = false) {
  const el = fill($("notice"), typeof message === "function" ? message() : message);
  el.classList.toggle("error", error);
}

/** Renders everything from `state`, keeping keyboard focus on the element (by id) that had it. */
function render() {
  const focused = document.activeElement?.id;
  const p = policy();
  const me = actor();
  const t = state.tenants.get(state.tenant);
  fill($("actor-roles"), me.roles.map((r) => h("li", {}, r)));
  $("tenant-name").textContent = `at ${state.tenant} · ${t.label}`;
  $("draft-banner").hidden = !t.draft;
  $("draft-tenant").textContent = state.tenant;
  state.stopWatches();
  state.stopWatches = renderUsers($("users"), { policy: p, actor: me, users: users(), selectedId: state.selectedId,
    onSelect: select, onInvite, onSetAccess });
  const user = users().find((u) => u.id === state.selectedId);
  if (!user) {
    fill($("editor"), h("p", { class: "note" }, "Choose “Edit roles” on a user."));
    fill($("permissions"));
  } else {
    renderRoleEditor($("editor"), { policy: p, actor: me, user, draft: state.draftRoles, error: state.editorError,
      busy: state.busy, onToggle: toggleRole, onSave, onReset: () => select(user.id) });
    const unsaved = !sameRoles(state.draftRoles, user.roles);
    renderPermissions($("permissions"), { policy: p, roles: [...state.draftRoles],
      caption: `Effective permissions of ${user.name}${unsaved ? " with the ticked roles (unsaved)" : ""}` });
  }
  renderDelegation($("delegation"), { policy: p });
  if (focused && document.activeElement?.id !== focused) document.getElementById(focused)?.focus();
}

function toggleRole(role) {
  if (state.draftRoles.has(role)) state.draftRoles.delete(role); else state.draftRoles.add(role);
  state.editorError = null;
  render();
}

main().catch((err) => {
  notify(`The console failed to start: ${err.message}`, true);
  throw err;
});
