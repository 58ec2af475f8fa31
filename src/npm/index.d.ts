// The package's types: the binding's declarations (full build: the browser entry has no Keyring), with
// `Policy` being the JS layer's: the same methods, plus the options of its compiled role-set cache.
import type { Diff, Member, Policy as CorePolicy } from "./full/rolegate.js";

export * from "./full/rolegate.js";
export { default } from "./full/rolegate.js";

export interface PolicyOptions {
  /** Distinct role lists whose compiled sets a policy keeps, least recently used evicted first (default 1024). */
  cacheSize?: number;
}

/** A compiled policy; by-name calls are answered through cached compiled role sets. */
export declare class Policy {
  /** Compiles a policy document, as `Policy.fromJson`. */
  constructor(doc: string | object, options?: PolicyOptions);
  /** Compiles a policy document (JSON text or an object); a bad one throws `invalid_policy` with `.errors`. */
  static fromJson(doc: string | object, options?: PolicyOptions): Policy;
  /**
   * The impact of replacing `before` with `after`: changes with stable codes, and the access each of `users`
   * gains or loses.
   */
  static diff(before: Policy, after: Policy, users?: Member[]): Diff;
  /**
   * Feature -> winning level, every feature present, policy order: a read-only view that reads a level when
   * asked; `{ ...view }` is a plain copy.
   */
  effective(roles: string[]): Readonly<Record<string, string>>;
  /** How many role lists hold a compiled set now. */
  readonly cachedRoleSets: number;
}
export interface Policy extends Omit<CorePolicy, "effective"> {}
