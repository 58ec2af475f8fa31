// rolegate's public types, shared by every entry (index.d.ts adds the token key ring, which the browser build lacks).

/** Loads the wasm (browsers: fetches it; Node and workerd entries load it at import, so this is a no-op). */
export default function init(input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL | Response | BufferSource | WebAssembly.Module): Promise<unknown>;
/** Loads the wasm from bytes or a compiled module, synchronously. */
export function initSync(module?: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;

/** `JSON.parse` as the core reads every document: a member named twice throws `duplicate_member` (with `path`). */
export function parseJson(text: string): unknown;

/** What every rolegate call throws: a JS `Error` with a stable `code`; `path` for malformed arguments,
 * `reason` for refused tokens, `errors` (each with its path) for a refused policy. */
export interface RolegateError extends Error {
  code: string;
  path?: string;
  reason?: string;
  errors?: Issue[];
}

/** One problem of a policy document (an error or a warning): where, a stable code, and what. */
export interface Issue {
  /** `roles.UserManager.grants.reprots`; empty for the whole document. */
  path: string;
  code: string;
  message: string;
  /** 1-based line and column (in characters), when the policy was given as JSON text. */
  line?: number;
  column?: number;
}

export interface Feature {
  name: string;
  label: string;
  /** Low to high; the first is no access. */
  levels: string[];
}

export interface RoleInfo {
  name: string;
  rank: number | null;
  /** Roles this one carries directly. */
  includes: string[];
}

/** A user as the rules see them (other members are ignored). */
export interface Member {
  id: string;
  roles: string[];
}

/**
 * The tenant's other enabled users (`{ id, roles }`; the target, if listed, is not counted), or how many of
 * them hold the policy's `userAdmin`: given, taking `userAdmin` from the last user holding it is refused.
 */
export type Others = Member[] | number;

/** `target` null (or absent) means a new user; `roles` is the requested final role set. */
export interface GrantRequest {
  actor: Member;
  target?: Member | null;
  roles: string[];
  others?: Others;
}

/** An action by `actor` on an existing `target` (remove, invite, disable, enable). */
export interface TargetRequest {
  actor: Member;
  target: Member;
  others?: Others;
}

/** Why a decision came out as it did; `code` is stable, `message` is for people. */
export interface Reason {
  code: string;
  message: string;
  role?: string;
  feature?: string;
  /** Level (or rank) the rule needs. */
  needed?: string;
  /** Level (or rank) the actor holds. */
  held?: string;
}

/** Allowed or not, and every reason why (an allowed decision carries one `allowed` reason). */
export interface Decision {
  allowed: boolean;
  reasons: Reason[];
  /** The actor's role names the policy does not know, which granted nothing (left out when none). */
  ignored?: string[];
}

/** Which level a feature ends at, and which of the held roles supply it. */
export interface Explanation {
  level: string;
  roles: string[];
}

export interface AccountRecord {
  /** Disabled on the platform: disabled on every tenant the user belongs to. */
  platformDisabled: boolean;
  tenantEnabled: boolean;
  /** False means SSO only. */
  platformAuth: boolean;
  invitedAt: number | null;
  acceptedAt: number | null;
}

export type Status = "pending-invite" | "invited" | "expired-invitation" | "enabled" | "disabled" | "sso-only";
export type TenantStatus = "enabled" | "disabled";

export interface AccountStatus {
  status: Status;
  tenantStatus: TenantStatus;
  /** The last valid millisecond of the invitation, while one is outstanding. */
  expiresAt: number | null;
  canAccessTenant: boolean;
}

/** A role reaching a level: its level, and the chain through `includes` that gives it. */
export interface Reach {
  role: string;
  level: string;
  via: string[];
}

export interface Grants {
  granter: string;
  roles: string[];
}

/** `granter` may grant `role`, which gives `feature` at `needed`, above the `held` level the granter has. */
export interface Escalation {
  granter: string;
  role: string;
  feature: string;
  needed: string;
  held: string;
}

export interface Delegation {
  grants: Grants[];
  escalations: Escalation[];
}

/** One change between two policies (codes and members: docs/js-api.md). */
export interface Change {
  code: string;
  granter?: string;
  role?: string;
  feature?: string;
  setting?: string;
  from?: string;
  to?: string;
  needed?: string;
  held?: string;
}

export interface UserChange {
  id: string;
  code: "user_gains" | "user_loses";
  feature: string;
  from: string;
  to: string;
}

export interface Diff {
  changes: Change[];
  users: UserChange[];
}

/** Messages by key (a code, or `code.variant`), each naming its parameters in braces: `"'{role}' is not a role"`. */
export type Messages = Readonly<Record<string, string>>;

export interface PolicyOptions {
  /** Distinct role lists whose compiled sets a policy keeps, least recently used evicted first (default 1024). */
  cacheSize?: number;
  /** The catalog decisions, policy errors and warnings are worded from (default: English, `rolegate/messages/en.js`). */
  messages?: Messages;
}

/** The user-administration actions `policy.check` maps to their checks. */
export type Action = "add" | "roles" | "remove" | "disable" | "enable" | "invite";

/** A new account as the core starts one: enabled on the tenant, platform sign-in on, no invitation sent yet. */
export function newAccount(): AccountRecord;

/** A role set compiled once (`policy.compileRoles`); `allows` is then an array read with numbers only. */
export declare class RoleSet {
  private constructor();
  /** Ids from `policy.featureId` / `policy.levelId` (above no access); anything else throws `invalid_request`. */
  allows(feature: number, level: number): boolean;
  /** Winning level id per feature, policy order. */
  levels(): Uint8Array;
  free(): void;
}

/** A pending `watchInvitation`. */
export declare class InvitationWatch {
  private constructor();
  /** Stops the watch; the callback will not be called. */
  cancel(): void;
  free(): void;
}

/** A compiled policy; by-name calls are answered through cached compiled role sets. */
export declare class Policy {
  /** Compiles a policy document, as `Policy.fromJson`. */
  constructor(doc: string | object, options?: PolicyOptions);
  /** Compiles a policy document (JSON text or an object); a bad one throws `invalid_policy` with `.errors`. */
  static fromJson(doc: string | object, options?: PolicyOptions): Policy;
  /** The impact of replacing `before` with `after`, and the access each of `users` gains or loses (not at the edge). */
  static diff(before: Policy, after: Policy, users?: Member[]): Diff;
  /** Issues of a valid policy worth a look (same shape as errors), computed when asked for (not at the edge). */
  warnings(): Issue[];
  features(): Feature[];
  roles(): RoleInfo[];
  readonly grantRule: "held" | "rank" | "covered";
  readonly invitationTtlMs: number;
  /** Feature -> winning level, every feature present, policy order: a read-only view; `{ ...view }` is a plain copy. */
  effective(roles: string[]): Readonly<Record<string, string>>;
  /** Feature -> winning level and the held roles that supply it. */
  explain(roles: string[]): Record<string, Explanation>;
  /** True when the roles' winning level of `feature` is at or above `level`. */
  allows(roles: string[], feature: string, level: string): boolean;
  /** May someone holding `roles` edit this policy: its `policyAdmin` (none named: a full administrator)? Unknown names grant nothing. */
  mayEditPolicy(roles: string[]): boolean;
  /** May the actor give the target (null: a new user) exactly `roles`? Every reason is listed. */
  checkGrant(request: GrantRequest): Decision;
  /** May the actor delete (or disable, or enable) the target? */
  checkRemove(request: TargetRequest): Decision;
  /** May the actor send (or resend) the target's invitation? */
  checkInvite(request: TargetRequest): Decision;
  /**
   * The decision for a user-administration action: `add` (a new user with `roles`) and `roles` (the target's
   * final `roles`) are grants; `remove`, `disable` and `enable` removals; `invite` an invitation.
   */
  check(action: Action, request: { actor: Member; target?: Member | null; roles?: string[]; others?: Others }): Decision;
  /** Whether the action takes `userAdmin` from its target: only then do the tenant's `others` matter. */
  takesUserAdmin(action: Action, request: { target?: Member | null; roles?: string[] }): boolean;
  /** Roles the actor may give a new user, policy order. */
  grantableRoles(actor: Member): string[];
  /** A compiled set for the fast path; unknown names throw `unknown_role`. */
  compileRoles(roles: string[]): RoleSet;
  featureId(name: string): number;
  levelId(feature: string, level: string): number;
  /** The fast path of `checkGrant` on compiled sets (a new user: `target` is `compileRoles([])`). */
  allowsGrant(actor: RoleSet, target: RoleSet, requested: RoleSet, sameUser: boolean): boolean;
  accountStatus(record: AccountRecord, nowMs: number): AccountStatus;
  /** Sends or resends an invitation at `nowMs`: a new record (other fields kept). */
  invite<R extends AccountRecord>(record: R, nowMs: number): R;
  accept<R extends AccountRecord>(record: R, nowMs: number): R;
  disable<R extends AccountRecord>(record: R, nowMs: number): R;
  enable<R extends AccountRecord>(record: R, nowMs: number): R;
  disableTenant<R extends AccountRecord>(record: R, nowMs: number): R;
  enableTenant<R extends AccountRecord>(record: R, nowMs: number): R;
  /** Calls back with the new status when it changes by time alone (an invitation expiring). */
  watchInvitation(record: AccountRecord, nowMs: number, callback: (status: AccountStatus) => void): InvitationWatch;
  /** The roles whose effective access reaches `level` of `feature` (not at the edge). */
  whoCan(feature: string, level: string): Reach[];
  /** Who may grant what, and the escalation paths (not at the edge). */
  delegation(): Delegation;
  /** A change of `Policy.diff` (one of its `changes` or `users`) in words, in this policy's catalog. */
  describe(change: Change | UserChange): string;
  /** How many role lists hold a compiled set now. */
  readonly cachedRoleSets: number;
  /** Frees the policy and every cached set (optional: garbage collection frees them too). */
  free(): void;
}

/**
 * `[Symbol.dispose]()` (as `free()`) where the consumer's lib declares `Symbol.dispose` (esnext: `using` works);
 * nothing where it does not, so the types check under any lib from es2022 (the method is there at run time either way).
 */
export type Disposal = SymbolConstructor extends { readonly dispose: infer D extends symbol } ? { [K in D]: () => void } : {};
export interface Policy extends Disposal {}
export interface RoleSet extends Disposal {}
export interface InvitationWatch extends Disposal {}
