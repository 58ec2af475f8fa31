// The rolegate admin console: the same rules as the edge worker, run in the browser so the page only
// offers what is allowed; every change still goes through the worker, which enforces them again.
import init, { Policy } from "rolegate";
import { h, fill } from "./ui/dom.js";
import { ApiError, addUser, deleteUser, fetchDecisions, fetchPolicies, fetchPolicy, fetchPolicyVersion, fetchPolicyVersions, fetchUsers,
  onSignInNeeded, savePolicy, saveRoles, sendInvitation, setTenantAccess } from "./ui/api.js";
import { SignInError, completeSignIn, currentSession, signIn, signOut } from "./ui/session.js";
import { renderUsers, tickCountdowns } from "./ui/users-table.js";
import { renderAddUser, renderRoleEditor, sameRoles } from "./ui/role-editor.js";
import { confirmAction } from "./ui/confirm.js";
import { renderPermissions } from "./ui/permissions.js";
import { renderDelegation } from "./ui/delegation.js";
import { mountPolicyPanel } from "./ui/policy-panel.js";
import { enabledUsers } from "/edge/policy-edit.js";
import { renderDecisions } from "./ui/decisions-panel.js";

/** The worker's log lines reach the demo a moment after its answer: the panel refreshes this often. */
const DECISIONS_REFRESH_MS = 2000;

const $ = (id) => document.getElementById(id);

const state = {
  /** @type {Map<string, { label: string, doc: object | string, deployed: Policy, draft: Policy | null, etag?: string }>} */
  tenants: new Map(),
  /** @type {Map<string, any[]>} users by tenant */
  users: new Map(),
  /** The signed-in person (`sub`), their tenant and access token, from the sign-in at the provider. */
  tenant: "",
  actorId: "",
  name: "",
  token: "",
  selectedId: /** @type {string | null} */ (null),
  /** The add-user form's fields while it is open (then no user is selected). */
  adding: /** @type {{ email: string, name: string } | null} */ (null),
  draftRoles: /** @type {Set<string>} */ (new Set()),
  editorError: null,
  /** A refused row action, shown in that user's row. */
  rowProblem: /** @type {{ id: string, lead: string, message: string, reasons: object[] } | null} */ (null),
  busy: false,
  stopWatches: () => {},
};

const policy = () => { const t = state.tenants.get(state.tenant); return t.draft ?? t.deployed; };
const users = () => state.users.get(state.tenant) ?? [];
/** The signed-in person with the roles origin holds now (none once removed: origin refuses them anyway). */
const actor = () => ({ id: state.actorId, roles: users().find((x) => x.id === state.actorId)?.roles ?? [] });
const session = () => ({ tenant: state.tenant, token: state.token });

let panel;

async function main() {
  await init();
  for (const [id, choose] of [["sign-in", true], ["switch-user", true], ["sign-in-again", false]]) {
    $(id).addEventListener("click", () => signIn({ choose }));
  }
  $("sign-out").addEventListener("click", () => signOut());
  let signedIn;
  try {
    signedIn = (await completeSignIn()) ?? currentSession();
  } catch (err) {
    if (!(err instanceof SignInError)) throw err;
    notify(err.code === "access_denied" ? "Sign-in cancelled." : `Sign-in failed: ${err.message}`, true);
  }
  if (!signedIn) {
    $("signed-out").hidden = false;
    return;
  }
  Object.assign(state, { tenant: signedIn.tenant, actorId: signedIn.sub, name: signedIn.name, token: signedIn.accessToken });
  onSignInNeeded(() => { $("expired").hidden = false; });
  // Beyond setTimeout's range (~24.8 days) the token's expiry is left to the first 401.
  const left = signedIn.expiresAt - Date.now();
  if (left < 2 ** 31) setTimeout(() => { $("expired").hidden = false; }, left);
  for (const { tenant, label, policy: doc } of await fetchPolicies()) {
    state.tenants.set(tenant, { label, doc, deployed: Policy.fromJson(doc), draft: null });
  }
  try {
    state.users.set(state.tenant, await fetchUsers(session()));
    // The tenant's policy as origin stores it, with the ETag a save names.
    deployPolicy(await fetchPolicy(session()));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return notify(`Could not load the users of ${state.tenant}: ${err.message}`, true);
  }
  panel = mountPolicyPanel(
    { textarea: $("policy-json"), result: $("policy-result"), impact: $("policy-impact"), useDraft: $("use-draft"), reset: $("reset-policy"),
      save: $("save-policy"), saving: $("policy-saving"), history: $("policy-history"), confirm: $("confirm") },
    { Policy, onUseDraft: useDraft, live: () => ({ policy: state.tenants.get(state.tenant).deployed, users: users(), actor: actor() }),
      store: { save: (text) => savePolicy(session(), text, state.tenants.get(state.tenant).etag), current: () => fetchPolicy(session()),
        versions: () => fetchPolicyVersions(session()), version: (n) => fetchPolicyVersion(session(), n) },
      onDeployed: (current) => { deployPolicy(current); render(); } });
  $("drop-draft").addEventListener("click", () => useDraft(null));
  $("add-user").addEventListener("click", startAdding);
  $("dismiss-notice").addEventListener("click", () => notify(""));
  tickCountdowns(document.body);
  $("actor-name").textContent = state.name;
  $("signed-in").hidden = false;
  $("console").hidden = false;
  panel.show(state.tenants.get(state.tenant).doc);
  render();
  refreshDecisions();
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

/** Makes `{ text, etag }` the tenant's live policy: what the console decides with (a draft in use stays). */
function deployPolicy({ text, etag }) {
  const t = state.tenants.get(state.tenant);
  t.deployed.free();
  Object.assign(t, { doc: text, etag, deployed: Policy.fromJson(text) });
}

function select(id) {
  const user = users().find((u) => u.id === id);
  Object.assign(state, { selectedId: id, adding: null, draftRoles: new Set(user.roles), editorError: null, rowProblem: null });
  render();
  $("editor-title").focus();
}

function startAdding() {
  Object.assign(state, { selectedId: null, adding: { email: "", name: "" }, draftRoles: new Set(), editorError: null, rowProblem: null });
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

/** Replaces the tenant's users. */
const setUsers = (list) => state.users.set(state.tenant, list);

/** Replaces a user with the origin's answer after a successful change (`null`: deletes `id`). */
const updateUser = (user, id = user.id) => setUsers(users().flatMap((u) => (u.id !== id ? [u] : user ? [user] : [])));

/** The ticked roles in the policy's order. */
const tickedRoles = () => policy().roles().map((r) => r.name).filter((r) => state.draftRoles.has(r));

/**
 * Runs a change through the worker. Success: `done()` says what happened (announced in the notice). A refusal:
 * `refused(err)`, then the users are read again (a refusal often means they changed elsewhere). Keyboard focus
 * stays where it was, or, when that element is gone, moves to `focus()`'s.
 */
async function act(work, { done, refused, focus = () => null }) {
  Object.assign(state, { busy: true, rowProblem: null, editorError: null });
  render();
  try {
    notify(done(await work()));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    refused(err);
    await reloadUsers();
  } finally {
    state.busy = false;
    render();
    refreshDecisions();
  }
  const lost = !document.activeElement || document.activeElement === document.body;
  if (lost) focus()?.focus();
}

/** Reads the tenant's users again; a failure keeps the ones shown. */
async function reloadUsers() {
  try {
    setUsers(await fetchUsers(session()));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
}

/** A refused row action, shown in the user's row. */
const inRow = (user, what) => (err) => {
  state.rowProblem = { id: user.id, lead: `Could not ${what} ${user.name}:`, message: err.message, reasons: err.reasons };
};
/** A refused save or add, shown in the editor's form. */
const inEditor = (err) => { state.editorError = { message: err.message, reasons: err.reasons }; };
/** Where focus goes when the row's button is gone: its refusal, or the users' heading. */
const rowFocus = (user) => () => document.querySelector(`[data-problem-for="${user.id}"] .problem`) ?? $("users-title");

const onInvite = (user) => act(() => sendInvitation(session(), user.id), {
  done: ({ user: invited, link }) => {
    updateUser(invited);
    return [`Invitation sent to ${user.email}. `, h("a", { href: link, target: "_blank", rel: "noopener" }, "Open the link"),
      " (demo: the link would go by email)."];
  },
  refused: inRow(user, "send the invitation to"),
  focus: rowFocus(user),
});

const onSetAccess = (user, enabled) => act(() => setTenantAccess(session(), user.id, enabled), {
  done: (changed) => { updateUser(changed); return `${user.name} is ${enabled ? "enabled" : "disabled"} on ${state.tenant}.`; },
  refused: inRow(user, enabled ? "enable" : "disable"),
  focus: rowFocus(user),
});

async function onDelete(user) {
  const sure = await confirmAction($("confirm"), { title: `Delete ${user.name}?`, action: `Delete ${user.name}`, danger: true,
    detail: [h("p", {}, `${user.name} (${user.email}) is removed from ${state.tenant} and can no longer sign in to it. `
      + "This cannot be undone.")] });
  if (!sure) return;
  await act(() => deleteUser(session(), user.id), {
    done: () => {
      updateUser(null, user.id);
      if (state.selectedId === user.id) state.selectedId = null;
      return `${user.name} is deleted from ${state.tenant}.`;
    },
    refused: inRow(user, "delete"),
    focus: rowFocus(user),
  });
}

const onSave = () => {
  const user = users().find((u) => u.id === state.selectedId);
  return act(() => saveRoles(session(), user.id, tickedRoles()), {
    done: (saved) => {
      updateUser(saved);
      state.draftRoles = new Set(saved.roles);
      return `Saved the roles of ${saved.name}.`;
    },
    refused: inEditor,
  });
};

/** Adds the user of the form; focus then goes to their "Send invitation" (they are pending invite). */
const onAdd = () => {
  let added = null;
  return act(() => addUser(session(), { email: state.adding.email.trim(), name: state.adding.name.trim(), roles: tickedRoles() }), {
    done: (user) => {
      added = user;
      setUsers([...users(), user]);
      state.adding = null;
      return `Added ${user.name} (${user.email}) as a pending invite. Send the invitation from their row.`;
    },
    refused: inEditor,
    focus: () => added && ($(`invite-${added.id}`) ?? $(`edit-${added.id}`)),
  });
};

/** Shows and announces (live region) the outcome of an action, in view wherever the page is scrolled. */
function notify(message, error = false) {
  const el = fill($("notice"), message);
  el.classList.toggle("error", error);
  $("dismiss-notice").hidden = !el.textContent;
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
  $("add-user").hidden = !p.check("add", { actor: me, roles: [] }).allowed;
  // The tenant's enabled users, on every decision that could take userAdmin away: the last user admin stays.
  const others = enabledUsers(p, users(), Date.now());
  state.stopWatches = renderUsers($("users"), { policy: p, actor: me, users: users(), others, selectedId: state.selectedId,
    problem: state.rowProblem, onSelect: select, onInvite, onSetAccess, onDelete });
  const user = users().find((u) => u.id === state.selectedId);
  if (state.adding) {
    renderAddUser($("editor"), { policy: p, actor: me, fields: state.adding, draft: state.draftRoles, error: state.editorError,
      busy: state.busy, onToggle: toggleRole, onSubmit: onAdd, onCancel: () => { state.adding = null; render(); $("add-user").focus(); } });
    renderPermissions($("permissions"), { policy: p, roles: [...state.draftRoles],
      caption: "Effective permissions of the new user with the ticked roles" });
  } else if (!user) {
    fill($("editor"), h("p", { class: "note" }, "Choose “Edit roles” or “View” on a user, or “Add user”."));
    fill($("permissions"));
  } else {
    renderRoleEditor($("editor"), { policy: p, actor: me, user, others, draft: state.draftRoles, error: state.editorError,
      busy: state.busy, onToggle: toggleRole, onSave, onReset: () => select(user.id) });
    const unsaved = !sameRoles(state.draftRoles, user.roles);
    renderPermissions($("permissions"), { policy: p, roles: [...state.draftRoles],
      caption: `Effective permissions of ${user.name}${unsaved ? " with the ticked roles (unsaved)" : ""}` });
  }
  renderDelegation($("delegation"), { policy: p });
  if (focused && document.activeElement?.id !== focused) document.getElementById(focused)?.focus({ preventScroll: true });
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
