// rolegate/react: React bindings. Every hook answers for the provider's actor and never throws for bad input:
// the core's error comes back in `error` (with its `code`, and `path` or `errors` where they apply) and the
// answer fails closed.
import type { ReactElement, ReactNode } from "react";
import type { AccountRecord, AccountStatus, Member, Others, Policy, Reason, RolegateError } from "./types.js";

export interface RolegateProviderProps {
  /**
   * A compiled `Policy` (yours: the provider never frees it) or policy JSON text (compiled once per text and
   * freed when the last provider showing it unmounts). Text that does not compile gives every hook
   * `invalid_policy`.
   */
  policy: Policy | string;
  /** The acting user: every hook answers for them. */
  actor: Member;
  children?: ReactNode;
}

/** Provides the policy and actor to the hooks below; suspends while the browser entry loads its wasm (once per page). */
export function RolegateProvider(props: RolegateProviderProps): ReactElement;

/** An answer, or the error that replaced it (`allowed` false, lists empty, values null). */
export type Answer<T> = (T & { error: null }) | ({ [K in keyof T]: Failed<T[K]> } & { error: RolegateError });
type Failed<V> = V extends boolean ? false : V extends readonly unknown[] ? [] : null;

/** The provider's policy (null when it did not compile, or `policy` or `actor` is not what it should be). */
export function usePolicy(): { policy: Policy; actor: Member; error: null } | { policy: null; actor: Member; error: RolegateError };
/** Does the actor's role union reach `level` of `feature`? */
export function useAllows(feature: string, level: string): Answer<{ allowed: boolean }>;
/** The actor's effective level of every feature, policy order. */
export function useEffective(): Answer<{ levels: Readonly<Record<string, string>> }>;
/** Roles the actor may give `target` on top of its roles (a new user: null or left out), policy order. */
export function useGrantableRoles(target?: Member | null): Answer<{ roles: string[] }>;
/**
 * May the actor give `target` (null: a new user) exactly `roles`? Every reason listed, for a disabled control.
 * `others` as for `checkGrant`: given, taking `userAdmin` from the last user holding it is refused (`last_admin`).
 */
export function useGrantDecision(request: { target?: Member | null; roles: string[]; others?: Others }): Answer<{ allowed: boolean; reasons: Reason[] }>;
/** The account's status now, rendered again when the invitation expires. `now`: the clock (epoch ms), for tests. */
export function useInvitationStatus(account: AccountRecord, options?: { now?: () => number }): Answer<{ status: AccountStatus }>;

export interface AllowedProps {
  feature: string;
  level: string;
  /** Rendered instead when the actor falls short, or on an error (default nothing). */
  fallback?: ReactNode;
  children?: ReactNode;
}

/** `children` when the actor's roles reach `level` of `feature`, else `fallback`. */
export function Allowed(props: AllowedProps): ReactElement;
