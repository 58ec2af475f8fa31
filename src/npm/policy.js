/**
 * rolegate's `Policy`: the package's public API over the binding's internal `Engine` (`./rolegate.js`). By-name
 * calls are answered through compiled role sets it caches, so a hot call crosses into the core with numbers
 * only. It caches and translates; every answer, reason and error is the core's. A name it does not know, an
 * argument it cannot vouch for or a refusal that needs its reasons goes to the core's own call, unchanged.
 */
import { Engine } from "./rolegate.js";

/** Role lists whose compiled sets a policy keeps (least recently used go first; each is freed on eviction). */
const DEFAULT_CACHE_SIZE = 1024;
/** The core's bound on a role list (`policy::MAX_ROLES`): longer lists go to the core, which refuses them. */
const MAX_ROLES = 4096;
const GRANT_MEMBERS = new Set(["actor", "target", "roles"]);
const TARGET_MEMBERS = new Set(["actor", "target"]);

export class Policy {
  #core;
  /** Name to dense id, read once from the compiled policy. */
  #roleIds = new Map();
  #featureIds = new Map();
  /** Per feature id: level name to level id, and the level names in order. */
  #levelIds = [];
  #levelNames = [];
  #featureNames = [];
  /** Role list (names joined by NUL, which no policy name contains) to its entry; see `#entry`. */
  #cache = new Map();
  /** The entry an array was last answered with (checked against its names on every use). */
  #byArray = new WeakMap();
  /** The last two entries handed out: a grant check holds three lists at once. */
  #held = [null, null];
  #nextHold = 0;
  #cacheSize;
  /** The message of an allowed decision's one reason, by outcome number - 1 (read on the first allowed check). */
  #allowed = null;
  /** Read-only view handler shared by every `effective` result of this policy. */
  #view;

  /**
   * Compiles a policy document, as `Policy.fromJson`. `options.cacheSize`: how many distinct role lists keep
   * their compiled sets (default 1024, at least 3).
   * @param {string | object} doc
   * @param {{ cacheSize?: number }} [options]
   */
  constructor(doc, options) {
    const cacheSize = options?.cacheSize ?? DEFAULT_CACHE_SIZE;
    if (!Number.isSafeInteger(cacheSize) || cacheSize < 3) {
      throw invalidRequest("options.cacheSize", "expected a whole number from 3 (a grant check holds three lists)");
    }
    this.#cacheSize = cacheSize;
    this.#core = Engine.fromJson(doc);
    this.#core.roles().forEach((r, id) => this.#roleIds.set(r.name, id));
    this.#core.features().forEach((f, id) => {
      this.#featureIds.set(f.name, id);
      this.#featureNames.push(f.name);
      this.#levelNames.push(f.levels);
      this.#levelIds.push(new Map(f.levels.map((l, i) => [l, i])));
    });
    this.#view = viewHandler(this.#featureIds, this.#featureNames, this.#levelNames);
  }

  /** @param {string | object} doc  @param {{ cacheSize?: number }} [options] */
  static fromJson(doc, options) {
    return new Policy(doc, options);
  }

  /** True when the roles' winning level of `feature` is at or above `level`. */
  allows(roles, feature, level) {
    const f = this.#featureIds.get(feature);
    const l = f === undefined ? undefined : this.#levelIds[f].get(level);
    const e = l > 0 ? this.#entry(roles) : null;
    return e !== null && e.unknown.length === 0 ? e.set.allows(f, l) : this.#core.allows(roles, feature, level);
  }

  /**
   * Feature -> winning level, every feature present, policy order: a read-only view that reads a level when
   * asked (nothing is built per feature); `{ ...view }` is a plain copy.
   */
  effective(roles) {
    const e = this.#known(roles);
    if (e === null) return this.#core.effective(roles);
    e.view ??= new Proxy({ levels: e.set.levels() }, this.#view);
    return e.view;
  }

  /** Feature -> winning level and the held roles that supply it. */
  explain(roles) {
    const e = this.#known(roles);
    return e === null ? this.#core.explain(roles) : this.#core.explainOf(e.set);
  }

  /** A compiled set the caller owns (the fast path's input); unknown names throw `unknown_role`. */
  compileRoles(roles) {
    const e = this.#known(roles);
    return e === null ? this.#core.compileRoles(roles) : this.#core.roleSetOf(e.ids);
  }

  featureId(name) {
    return this.#featureIds.get(name) ?? this.#core.featureId(name);
  }

  levelId(feature, level) {
    const f = this.#featureIds.get(feature);
    return (f === undefined ? undefined : this.#levelIds[f].get(level)) ?? this.#core.levelId(feature, level);
  }

  /** May the actor give the target (null: a new user) exactly `roles`? Every reason is listed. */
  checkGrant(request) {
    const r = members(request, GRANT_MEMBERS);
    const actor = r && member(r.actor);
    const given = actor && r.target;
    const target = actor && (given === undefined || given === null ? NEW_USER : member(given));
    const a = target && this.#entry(actor.roles);
    const t = a && this.#entry(target.roles);
    const want = t && this.#entry(r.roles);
    if (!want) return this.#core.checkGrant(request);
    const same = target !== NEW_USER && target.id === actor.id;
    const outcome = want.unknown.length === 0 ? this.#core.grantOutcome(a.set, t.set, want.set, same) : 0;
    return outcome > 0 ? this.#allow(outcome) : this.#core.explainGrantOf(a.set, t.set, want.set, same, want.unknown);
  }

  /** May the actor delete (or disable, or enable) the target? */
  checkRemove(request) {
    const pair = this.#pair(request);
    if (pair === null) return this.#core.checkRemove(request);
    const [a, t, same] = pair;
    const outcome = this.#core.removeOutcome(a.set, t.set, same);
    return outcome > 0 ? this.#allow(outcome) : this.#core.explainRemoveOf(a.set, t.set, same);
  }

  /** May the actor send (or resend) the target's invitation? */
  checkInvite(request) {
    const pair = this.#pair(request);
    if (pair === null) return this.#core.checkInvite(request);
    const [a, t] = pair;
    const outcome = this.#core.inviteOutcome(a.set, t.set);
    return outcome > 0 ? this.#allow(outcome) : this.#core.explainInviteOf(a.set, t.set);
  }

  /** Roles the actor may give a new user, policy order. */
  grantableRoles(actor) {
    const m = member(actor);
    const e = m && this.#entry(m.roles);
    if (!e) return this.#core.grantableRoles(actor);
    e.grantable ??= this.#core.grantableOf(e.set);
    return e.grantable.slice();
  }

  /** Frees the compiled policy and every cached set (optional: garbage collection frees them too). */
  free() {
    for (const [key, e] of this.#cache) this.#evict(key, e);
    this.#core.free();
  }

  [Symbol.dispose]() {
    this.free();
  }

  /** The allowed decision for an outcome number, as the core writes it. */
  #allow(outcome) {
    // Read on first use, not in the constructor: loading a policy (the cold start) skips this call into the core.
    this.#allowed ??= this.#core.allowedMessages();
    return { allowed: true, reasons: [{ code: "allowed", message: this.#allowed[outcome - 1] }] };
  }

  /** The actor's and target's entries and whether they are the same user; null when the core must read it. */
  #pair(request) {
    const r = members(request, TARGET_MEMBERS);
    const actor = r && member(r.actor);
    const target = actor && member(r.target);
    const a = target && this.#entry(actor.roles);
    const t = a && this.#entry(target.roles);
    return t ? [a, t, target.id === actor.id] : null;
  }

  /** The entry for a role list naming only roles of the policy, or null (the core's call then answers). */
  #known(roles) {
    const e = this.#entry(roles);
    return e !== null && e.unknown.length === 0 ? e : null;
  }

  /**
   * The cache entry for a role list: its known roles compiled (as the core resolves names, unknown ones
   * granting nothing), and its unknown names in first-seen order. Null when `roles` is not an array of at most
   * MAX_ROLES strings: the core's call then refuses it with its path.
   */
  #entry(roles) {
    // The same array as last time, with the same names (an array can change between calls): no key to build.
    let e = this.#byArray.get(roles);
    if (e !== undefined && e.set !== null && sameNames(e.names, roles)) return this.#hit(e, roles);
    if (!Array.isArray(roles) || roles.length > MAX_ROLES) return null;
    for (let i = 0; i < roles.length; i++) if (typeof roles[i] !== "string") return null;
    const key = roles.join("\0");
    e = this.#cache.get(key);
    // A name holding NUL joins like two names: the key finds the entry, the names confirm it.
    if (e !== undefined && sameNames(e.names, roles)) return this.#hit(e, roles);
    // Another list under the same key is kept (a call may be holding it); this one is answered uncached.
    const cached = e === undefined;
    if (cached && this.#cache.size >= this.#cacheSize) this.#evictOne();
    const ids = [];
    const unknown = [];
    for (const name of roles) {
      const id = this.#roleIds.get(name);
      if (id !== undefined) ids.push(id);
      else if (!unknown.includes(name)) unknown.push(name);
    }
    e = { names: roles.slice(), ids: Uint32Array.from(ids), unknown, set: this.#core.roleSetOf(ids), used: false, view: null, grantable: null };
    if (cached) {
      this.#cache.set(key, e);
      this.#byArray.set(roles, e);
    }
    return this.#hold(e);
  }

  /** A cached entry answers `roles`: marked used, remembered for this array, held. */
  #hit(e, roles) {
    e.used = true;
    this.#byArray.set(roles, e);
    return this.#hold(e);
  }

  /** Keeps `e` from eviction while the call that asked for it may still fetch up to two more lists. */
  #hold(e) {
    this.#held[this.#nextHold] = e;
    this.#nextHold = (this.#nextHold + 1) % 2;
    return e;
  }

  /**
   * Second chance: entries used since the last pass go round again, the first one neither used nor held is
   * freed (the cache holds at least 3 lists, so one always is).
   */
  #evictOne() {
    for (const [key, e] of this.#cache) {
      if (!e.used && e !== this.#held[0] && e !== this.#held[1]) return this.#evict(key, e);
      e.used = false;
      this.#cache.delete(key);
      this.#cache.set(key, e);
    }
  }

  #evict(key, e) {
    this.#cache.delete(key);
    e.set.free();
    e.set = null;
  }

  /** How many role lists hold a compiled set now (for tests and monitoring). */
  get cachedRoleSets() {
    return this.#cache.size;
  }

  /** Issues of a valid policy worth a look: `{ path, code, message, line?, column? }` like errors. */
  warnings() {
    return this.#core.warnings();
  }

  /** `{ name, label, levels }` per feature, policy order. */
  features() {
    return this.#core.features();
  }

  /** `{ name, rank, includes }` per role, policy order. */
  roles() {
    return this.#core.roles();
  }

  /** `"held"`, `"rank"` or `"covered"`. */
  get grantRule() {
    return this.#core.grantRule;
  }

  get invitationTtlMs() {
    return this.#core.invitationTtlMs;
  }

  /** The fast path of `checkGrant` on compiled sets (a new user: `target` is `compileRoles([])`). */
  allowsGrant(actor, target, requested, sameUser) {
    return this.#core.allowsGrant(actor, target, requested, sameUser);
  }

  /** The account's status at `nowMs`: `{ status, tenantStatus, expiresAt, canAccessTenant }`. */
  accountStatus(record, nowMs) {
    return this.#core.accountStatus(record, nowMs);
  }

  /** Sends or resends an invitation at `nowMs`: a new record (other fields kept). */
  invite(record, nowMs) {
    return this.#core.invite(record, nowMs);
  }

  /** Accepts the outstanding invitation; an expired one throws `invitation_expired`. */
  accept(record, nowMs) {
    return this.#core.accept(record, nowMs);
  }

  /** Disables the account on the platform (every tenant). */
  disable(record, nowMs) {
    return this.#core.disable(record, nowMs);
  }

  enable(record, nowMs) {
    return this.#core.enable(record, nowMs);
  }

  disableTenant(record, nowMs) {
    return this.#core.disableTenant(record, nowMs);
  }

  enableTenant(record, nowMs) {
    return this.#core.enableTenant(record, nowMs);
  }

  /** Calls back with the new status when it changes by time alone; `cancel()` on the handle stops it. */
  watchInvitation(record, nowMs, callback) {
    return this.#core.watchInvitation(record, nowMs, callback);
  }

  /** The roles whose effective access reaches the level, each with the chain of includes that gives it. */
  whoCan(feature, level) {
    return this.#core.whoCan(feature, level);
  }

  /** Who may grant what, and the escalation paths. */
  delegation() {
    return this.#core.delegation();
  }

  /** The impact of replacing `before` with `after`, and the access each of `users` gains or loses. */
  static diff(before, after, users) {
    return Engine.diff(Policy.#engineOf(before, "before"), Policy.#engineOf(after, "after"), users);
  }

  static #engineOf(policy, path) {
    if (policy instanceof Policy) return policy.#core;
    throw invalidRequest(path, "expected a Policy");
  }

  static {
    // The edge build leaves policy analysis out: so does its Policy.
    if (typeof Engine.prototype.whoCan !== "function") {
      delete Policy.prototype.whoCan;
      delete Policy.prototype.delegation;
      delete Policy.diff;
    }
  }
}

/** Marks a grant request's missing or null target: a new user, who holds no roles. */
const NEW_USER = Object.freeze({ roles: Object.freeze([]) });

/** The request when it is a plain object with no members but `allowed`, else null. */
function members(request, allowed) {
  if (typeof request !== "object" || request === null || Array.isArray(request)) return null;
  for (const key of Object.keys(request)) if (!allowed.has(key)) return null;
  return request;
}

/** `{ id, roles }` read once, when `m` is an object with a non-empty string id; else null. */
function member(m) {
  if (typeof m !== "object" || m === null || Array.isArray(m)) return null;
  const id = m.id;
  return typeof id === "string" && id !== "" ? { id, roles: m.roles } : null;
}

function sameNames(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An `invalid_request` error shaped as the core's. */
function invalidRequest(path, message) {
  return Object.assign(new Error(`${path}: ${message}`), { code: "invalid_request", path });
}

/**
 * The `effective` view: feature name -> level name of the compiled levels it wraps, enumerable in policy order,
 * read-only.
 */
function viewHandler(featureIds, featureNames, levelNames) {
  const level = (target, key) => {
    const f = typeof key === "string" ? featureIds.get(key) : undefined;
    return f === undefined ? undefined : levelNames[f][target.levels[f]];
  };
  const refuse = () => false;
  return {
    get: (target, key, view) => level(target, key) ?? Reflect.get(Object.prototype, key, view),
    has: (target, key) => level(target, key) !== undefined || key in Object.prototype,
    ownKeys: () => featureNames.slice(),
    getOwnPropertyDescriptor: (target, key) => {
      const value = level(target, key);
      return value === undefined ? undefined : { value, writable: false, enumerable: true, configurable: true };
    },
    set: refuse,
    defineProperty: refuse,
    deleteProperty: refuse,
    setPrototypeOf: refuse,
    preventExtensions: refuse,
  };
}
