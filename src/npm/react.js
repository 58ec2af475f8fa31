// rolegate/react: React bindings over the package's by-name API, so a screen offers only what is allowed and
// says why. Nothing here touches the wasm at import time: the provider loads it on its first render if the
// entry has not (browsers), suspending meanwhile; the node and workerd entries are ready at import, so server
// rendering (`renderToString`) compiles and answers in the same pass. Bad input never throws out of a hook: it
// comes back as the core's error (`{ error: { code, path?, errors? } }`), and the answer fails closed.
import React from "react";
import init, { Policy } from "rolegate";

const { createContext, createElement, Fragment, useContext, useEffect, useMemo, useReducer, useRef, useState } = React;

const Context = createContext(null);

/** Compiled policies by JSON text, shared by every provider showing that text; see `compiled` and `hold`. */
const byText = new Map();
/** Texts compiled for renders that never mounted (server renders, renders React dropped) kept for reuse. */
const IDLE_KEPT = 8;
/** The wasm's one load per page: `ready` once any policy compiled or the load finished, `error` if it failed. */
const wasm = { ready: false, loading: null, error: null };

/**
 * Provides a policy and the acting user to the hooks below. `policy`: a compiled `Policy` (yours: the provider
 * never frees it) or policy JSON text (compiled once per text, freed when the last provider showing it unmounts).
 * `actor`: `{ id, roles }`. Suspends while the browser entry loads its wasm (once per page).
 */
export function RolegateProvider({ policy, actor, children }) {
  const [, retry] = useReducer((n) => n + 1, 0);
  const entry = typeof policy === "string" ? compiled(policy) : null;
  useEffect(() => hold(entry, retry), [entry]);
  const value = useMemo(() => {
    const given = entry ?? (typeof policy?.checkGrant === "function" ? { policy, error: null }
      : { policy: null, error: invalidRequest("policy", "expected a Policy or policy JSON text") });
    const error = given.error ?? (isMember(actor) ? null : invalidRequest("actor", "expected { id, roles }"));
    return { policy: error ? null : given.policy, actor, error };
  }, [entry, policy, actor]);
  return createElement(Context.Provider, { value }, children);
}

/** `{ policy, actor, error }`: the provider's compiled policy (null when `error`, such as `invalid_policy`). */
export function usePolicy() {
  return rolegate();
}

/** `{ allowed, error }`: does the actor's role union reach `level` of `feature`? False on any error. */
export function useAllows(feature, level) {
  const { value, error } = ask(rolegate(), (policy, actor) => policy.allows(actor.roles, feature, level));
  return { allowed: value ?? false, error };
}

/** `{ levels, error }`: the actor's effective level of every feature (null on error). */
export function useEffective() {
  const { value, error } = ask(rolegate(), (policy, actor) => policy.effective(actor.roles));
  return { levels: value ?? null, error };
}

/**
 * `{ roles, error }`: the roles the actor may give `target` on top of those it holds (each checked as a grant
 * of the target's roles plus that one), policy order; for a new user (`target` null or left out) the policy's
 * `grantableRoles`. Empty on error.
 */
export function useGrantableRoles(target) {
  const { value, error } = ask(rolegate(), (policy, actor) => {
    const roles = policy.grantableRoles(actor);
    if (target === undefined || target === null) return roles;
    const held = Array.isArray(target.roles) ? target.roles : [];
    return roles.filter((role) => !held.includes(role)
      && policy.checkGrant({ actor, target, roles: [...held, role] }).allowed);
  });
  return { roles: value ?? [], error };
}

/**
 * `{ allowed, reasons, error }`: may the actor give `target` (null: a new user) exactly `roles`? Every reason is
 * listed, for a disabled control to show. `others` as for `checkGrant` (given, taking `userAdmin` from the last
 * user holding it is refused). Refused with no reasons on error.
 */
export function useGrantDecision({ target = null, roles, others } = {}) {
  const tenant = others === undefined ? {} : { others };
  const { value, error } = ask(rolegate(), (policy, actor) => policy.checkGrant({ actor, target, roles, ...tenant }));
  return { allowed: value?.allowed ?? false, reasons: value?.reasons ?? [], error };
}

/**
 * `{ status, error }`: the account's status now, kept live: the component renders again when the invitation
 * expires (through `watchInvitation`, cancelled on unmount or when the record changes). `options.now`: the
 * clock in epoch milliseconds (default `Date.now`), for tests. `status` is null on error.
 */
export function useInvitationStatus(account, options) {
  const { policy, error: failed } = rolegate();
  const clock = useRef(Date.now);
  clock.current = options?.now ?? Date.now;
  const key = recordKey(account);
  // The status the watcher reported, for this policy and record.
  const [fired, setFired] = useState(null);
  const reported = fired !== null && fired.policy === policy && fired.key === key ? fired.status : null;
  const current = reported !== null ? { value: reported, error: null }
    : ask({ policy, error: failed }, (p) => p.accountStatus(account, clock.current()));
  const shown = current.value?.status;
  useEffect(() => {
    if (shown === undefined) return undefined;
    const now = clock.current();
    const report = (status) => setFired({ policy, key, status });
    // Time passed since the render computed the status: it may have changed already (a watch starts from now).
    if (reported === null) {
      const status = policy.accountStatus(account, now);
      if (status.status !== shown) report(status);
    }
    const watch = policy.watchInvitation(account, now, report);
    return () => {
      watch.cancel();
      watch.free();
    };
    // `account` is read through `key`: a new object with the same record keeps the watch.
  }, [policy, key, shown]);
  return { status: current.value ?? null, error: current.error };
}

/** Renders `children` when the actor's roles reach `level` of `feature`, else `fallback` (also on any error). */
export function Allowed({ feature, level, fallback = null, children = null }) {
  return createElement(Fragment, null, useAllows(feature, level).allowed ? children : fallback);
}

/** The provider's value; a hook outside any provider is a programming error, thrown (code `no_provider`). */
function rolegate() {
  const value = useContext(Context);
  if (value === null) throw coded("no_provider", "rolegate hooks need a <RolegateProvider> above them");
  return value;
}

/** `{ value, error: null }` from `question(policy, actor)`, or `{ error }`: the provider's or a coded throw. */
function ask({ policy, actor, error }, question) {
  if (error) return { value: undefined, error };
  try {
    return { value: question(policy, actor), error: null };
  } catch (e) {
    if (typeof e?.code !== "string") throw e; // not bad input: a bug, for an error boundary to show
    return { value: undefined, error: e };
  }
}

/**
 * The compiled entry `{ policy, error, holders, freed }` for a policy text: from the cache, or compiled now.
 * Suspends (React 19 `use`, React 18 a thrown promise) while the wasm loads.
 */
function compiled(text) {
  let entry = byText.get(text);
  if (entry !== undefined) return entry;
  while (entry === undefined) {
    try {
      entry = { policy: Policy.fromJson(text), error: null, holders: 0, freed: false };
      wasm.ready = true;
    } catch (e) {
      // Without a code the core never answered: the wasm is not loaded yet (unless the load is done).
      if (typeof e?.code === "string" || wasm.ready) entry = { policy: null, error: e, holders: 0, freed: false };
      else if (wasm.error !== null) entry = { policy: null, error: wasm.error, holders: 0, freed: false };
    }
    if (entry === undefined) suspendUntil(load());
  }
  byText.set(text, entry);
  freeIdle(entry);
  return entry;
}

/** The page's one wasm load (the entry's `init`); never rejects: a failure is kept as `init_failed`. */
function load() {
  wasm.loading ??= init().then(
    () => { wasm.ready = true; },
    (e) => { wasm.error = coded("init_failed", `rolegate: the wasm did not load: ${e?.message ?? e}`); },
  );
  return wasm.loading;
}

function suspendUntil(promise) {
  if (typeof React.use === "function") React.use(promise);
  else throw promise;
}

/**
 * A mounted provider holds its entry; the last one to let go frees the policy. StrictMode runs the cleanup and
 * the effect again at once, so the release waits a microtask and frees only if nobody took it back. An entry
 * freed before its provider mounted (dropped as idle) is compiled again.
 */
function hold(entry, retry) {
  if (entry === null) return undefined;
  if (entry.freed) {
    retry();
    return undefined;
  }
  entry.holders += 1;
  return () => {
    entry.holders -= 1;
    queueMicrotask(() => {
      if (entry.holders === 0) release(entry);
    });
  };
}

/** Keeps at most IDLE_KEPT entries no provider holds (besides `keep`), freeing the oldest. */
function freeIdle(keep) {
  const idle = [...byText.values()].filter((e) => e.holders === 0 && e !== keep);
  for (const e of idle.slice(0, Math.max(0, idle.length - IDLE_KEPT))) release(e);
}

function release(entry) {
  for (const [text, e] of byText) if (e === entry) byText.delete(text);
  if (!entry.freed) entry.policy?.free();
  entry.freed = true;
}

/** A watch key for an account record: its JSON (a record that is not JSON keys as itself, for the core to refuse). */
function recordKey(account) {
  try {
    return JSON.stringify(account);
  } catch {
    return account;
  }
}

const isMember = (m) => typeof m === "object" && m !== null && !Array.isArray(m);

function coded(code, message) {
  return Object.assign(new Error(message), { code });
}

/** An `invalid_request` error shaped as the core's. */
function invalidRequest(path, message) {
  return Object.assign(coded("invalid_request", `${path}: ${message}`), { path });
}
