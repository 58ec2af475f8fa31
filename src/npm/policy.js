/**
 * rolegate's `Policy`: the package's public API over the binding's internal `Engine` (`./rolegate.js`). The core
 * decides and returns reasons, policy errors and warnings as codes with ids and numbers; this layer names them
 * and words them from a message catalog (`./messages.en.js` built in, another one per policy). By-name calls
 * are answered through compiled role sets it caches, so a hot call crosses into the core with numbers only. A
 * name it does not know, or an argument it cannot vouch for, goes to the core's own by-name call, which
 * refuses malformed input with its path.
 */
import { Engine } from "./rolegate.js";
import en from "./messages.en.js";

/** Role lists whose compiled sets a policy keeps (least recently used go first; each is freed on eviction). */
const DEFAULT_CACHE_SIZE = 1024;
/** Reason messages a policy keeps worded (all dropped when full: they are quick to word again). */
const MAX_MESSAGES = 65536;
/** The core's bound on a role list (`policy::MAX_ROLES`): longer lists go to the core, which refuses them. */
const MAX_ROLES = 4096;
const GRANT_MEMBERS = new Set(["actor", "target", "roles", "others"]);
const TARGET_MEMBERS = new Set(["actor", "target", "others"]);
/** Words of a reason on the wire (`grant::Reason::words`): nothing there, an unranked actor, an unknown name. */
const NONE = 0xffffffff;
const NO_RANK = 0xfffffffe;
const UNKNOWN = 0x80000000;
const FOREIGN = 0x40000000;
const NO_NAMES = Object.freeze([]);

/** Message keys by wire number (`grant::KEYS`) and their codes, read from the core once it is loaded; how many
 * say why a request is allowed (numbers 1 to ALLOWED). */
let KEYS = null;
let CODES = null;
let ALLOWED = 0;

/** The wasm memory as 32-bit words, made anew when the memory grew (which detaches the old buffer). */
let WORDS = null;

function memoryWords() {
  if (WORDS === null || WORDS.length === 0) WORDS = new Uint32Array(Engine.memory().buffer);
  return WORDS;
}

function keys() {
  if (KEYS === null) {
    KEYS = Engine.keys();
    CODES = KEYS.map((key) => key.split(".")[0]);
    ALLOWED = CODES.filter((code) => code === "allowed").length;
  }
}

export class Policy {
  #core;
  /** Name to dense id, read once from the compiled policy. */
  #roleIds = new Map();
  #featureIds = new Map();
  /** Per feature id: level name to level id, and the level names in order. */
  #levelIds = [];
  #levelNames = [];
  #featureNames = [];
  #featureLabels = [];
  #roleNames = [];
  /** The permission that administers users: [feature id, level id]. */
  #userAdmin;
  /** Role list (names joined by NUL, which no policy name contains) to its entry; see `#entry`. */
  #cache = new Map();
  /** The entry an array was last answered with (checked against its names on every use). */
  #byArray = new WeakMap();
  /** The last two entries handed out: a grant check holds three lists at once. */
  #held = [null, null];
  #nextHold = 0;
  #cacheSize;
  /** The message catalog: key -> message with `{parameters}`; keys it lacks are English. */
  #messages;
  /** The message of an allowed decision's one reason, by outcome number (worded on first use). */
  #allowed = [];
  /** Each message key's template, split into literal text and parameter names (on first use). */
  #templates = new Map();
  /** The messages of reasons about the policy's own roles and levels, by their words (see `#decision`). */
  #messagesOf = new Map();
  /** Read-only view handler shared by every `effective` result of this policy. */
  #view;

  /**
   * Compiles a policy document, as `Policy.fromJson`. `options.cacheSize`: how many distinct role lists keep
   * their compiled sets (default 1024, at least 3); `options.messages`: the message catalog (default English).
   * @param {string | object} doc
   * @param {{ cacheSize?: number, messages?: Record<string, string> }} [options]
   */
  constructor(doc, options) {
    const cacheSize = options?.cacheSize ?? DEFAULT_CACHE_SIZE;
    if (!Number.isSafeInteger(cacheSize) || cacheSize < 3) {
      throw invalidRequest("options.cacheSize", "expected a whole number from 3 (a grant check holds three lists)");
    }
    const messages = options?.messages ?? en;
    if (typeof messages !== "object" || messages === null || Array.isArray(messages)) {
      throw invalidRequest("options.messages", "expected a message catalog: an object of message key to message");
    }
    this.#cacheSize = cacheSize;
    this.#messages = messages;
    try {
      this.#core = Engine.fromJson(doc);
    } catch (err) {
      throw err?.code === "invalid_policy" ? this.#invalidPolicy(err) : err;
    }
    this.#core.roles().forEach((r, id) => {
      this.#roleIds.set(r.name, id);
      this.#roleNames.push(r.name);
    });
    this.#core.features().forEach((f, id) => {
      this.#featureIds.set(f.name, id);
      this.#featureNames.push(f.name);
      this.#featureLabels.push(f.label);
      this.#levelNames.push(f.levels);
      this.#levelIds.push(new Map(f.levels.map((l, i) => [l, i])));
    });
    this.#userAdmin = this.#core.userAdmin;
    this.#view = viewHandler(this.#featureIds, this.#featureNames, this.#levelNames);
  }

  /** @param {string | object} doc  @param {{ cacheSize?: number, messages?: Record<string, string> }} [options] */
  static fromJson(doc, options) {
    return new Policy(doc, options);
  }

  /** Issues of a valid policy worth a look (computed when asked): `{ path, code, message, line?, column? }`. */
  warnings() {
    return this.#core.warnings().map((issue) => this.#issue(issue));
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

  /** True when the roles' winning level of `feature` is at or above `level`. */
  allows(roles, feature, level) {
    const f = this.#featureIds.get(feature);
    const l = f === undefined ? undefined : this.#levelIds[f].get(level);
    const e = l > 0 ? this.#entry(roles) : null;
    return e !== null && e.unknown.length === 0 ? e.set.allows(f, l) : this.#core.allows(roles, feature, level);
  }

  /**
   * May someone holding `roles` edit this policy? They need its `policyAdmin` permission (a full administrator
   * when it names none); role names the policy does not know grant nothing.
   */
  mayEditPolicy(roles) {
    return this.#core.mayEditPolicy(roles);
  }

  /**
   * Feature -> winning level, every feature present, policy order: a read-only view that reads a level when
   * asked (nothing is built per feature); `{ ...view }` is a plain copy.
   */
  effective(roles) {
    const e = this.#known(roles);
    if (e === null) return new Proxy({ levels: this.#core.effective(roles) }, this.#view);
    e.view ??= new Proxy({ levels: e.set.levels() }, this.#view);
    return e.view;
  }

  /** Feature -> winning level and the held roles that supply it. */
  explain(roles) {
    const e = this.#known(roles);
    const words = e === null ? this.#core.explain(roles) : this.#core.explainOf(e.set);
    const out = {};
    for (let f = 0, i = 0; f < this.#featureNames.length; f++) {
      const level = this.#levelNames[f][words[i++]];
      const supply = [];
      for (let n = words[i++]; n > 0; n--) supply.push(this.#roleNames[words[i++]]);
      out[this.#featureNames[f]] = { level, roles: supply };
    }
    return out;
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

  /**
   * May the actor give the target (null: a new user) exactly `roles`? Every reason is listed. With `others`
   * (the tenant's other enabled users, or how many of them hold `userAdmin`), taking `userAdmin` from the
   * last user holding it is refused (`last_admin`).
   */
  checkGrant(request) {
    const r = members(request, GRANT_MEMBERS);
    const actor = r && member(r.actor);
    const given = actor && r.target;
    const target = actor && (given === undefined || given === null ? NEW_USER : member(given));
    const admins = target ? this.#admins(r.others, target) : null;
    const a = admins !== null && this.#entry(actor.roles);
    const t = a && this.#entry(target.roles);
    // Compiled sets hold known roles only: a target holding a name the policy does not know goes by name.
    const want = t && t.unknown.length === 0 && this.#entry(r.roles);
    if (!want) return this.#byName(this.#core.checkGrant(request), request, request.roles);
    const same = target !== NEW_USER && target.id === actor.id;
    return ignoring(a.unknown, this.#answer(this.#core.grantOf(a.set, t.set, want.set, same, want.unknown.length, admins), want.unknown));
  }

  /** May the actor delete (or disable, or enable) the target? `others` as for `checkGrant`. */
  checkRemove(request) {
    const pair = this.#pair(request);
    if (pair === null) return this.#byName(this.#core.checkRemove(request), request);
    const [a, t, same, admins] = pair;
    return ignoring(a.unknown, this.#answer(this.#core.removeOf(a.set, t.set, same, admins)));
  }

  /** May the actor send (or resend) the target's invitation? */
  checkInvite(request) {
    const pair = this.#pair(request);
    if (pair === null) return this.#byName(this.#core.checkInvite(request), request);
    const [a, t] = pair;
    return ignoring(a.unknown, this.#answer(this.#core.inviteOf(a.set, t.set)));
  }

  /**
   * The decision for a user-administration action, the one mapping of actions to checks (the edge, the
   * console and the CLI use it): `add` (a new user with `roles`) and `roles` (the target's final `roles`) are
   * grants; `remove`, `disable` and `enable` are removals; `invite` sends or resends an invitation.
   * @param {"add" | "roles" | "remove" | "disable" | "enable" | "invite"} action
   * @param {{ actor: object, target?: object | null, roles?: string[] }} request
   */
  check(action, request) {
    const { actor, target, roles, others } = request ?? {};
    // `others` matters only where the action can take `userAdmin` away (not to a new user, nor by enabling).
    const tenant = others === undefined ? {} : { others };
    switch (action) {
      case "add": return this.checkGrant({ actor, target: null, roles });
      case "roles":
        if (target === undefined || target === null) throw invalidRequest("target", "a role change needs its target");
        return this.checkGrant({ actor, target, roles, ...tenant });
      case "remove":
      case "disable": return this.checkRemove({ actor, target, ...tenant });
      case "enable": return this.checkRemove({ actor, target });
      case "invite": return this.checkInvite({ actor, target });
      default: throw invalidRequest("action", `expected one of: ${ACTIONS.join(", ")}`);
    }
  }

  /**
   * Whether the action takes `userAdmin` from its target (removing or disabling a user who holds it, or a role
   * change that drops it): only then do the tenant's other users (`others`) decide anything, so a caller that
   * must fetch them (the edge asks origin) fetches them only then. False for a request it cannot read (the
   * check itself then says what is wrong).
   * @param {"add" | "roles" | "remove" | "disable" | "enable" | "invite"} action
   */
  takesUserAdmin(action, request) {
    const { target, roles } = request ?? {};
    if (action !== "roles" && action !== "remove" && action !== "disable") return false;
    const t = member(target);
    const had = t && this.#entry(t.roles);
    if (!had || !had.set.allows(...this.#userAdmin)) return false;
    if (action !== "roles") return true;
    const after = this.#entry(roles);
    return after !== null && !after.set.allows(...this.#userAdmin);
  }

  /** Roles the actor may give a new user, policy order. */
  grantableRoles(actor) {
    const m = member(actor);
    const e = m && this.#entry(m.roles);
    const ids = e ? (e.grantable ??= this.#core.grantableOf(e.set)) : this.#core.grantableRoles(actor);
    return Array.from(ids, (id) => this.#roleNames[id]);
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

  /**
   * A change of `Policy.diff` (one of its `changes` or `users`) in words, in this policy's catalog; so is any
   * `{ code, ...parameters }` the catalog has a message for (a policy save's refusals).
   */
  describe(change) {
    return this.#say(change?.code, change ?? {});
  }

  /** Frees the compiled policy and every cached set (optional: garbage collection frees them too). */
  free() {
    for (const [key, e] of this.#cache) this.#evict(key, e);
    this.#core.free();
  }

  [Symbol.dispose]() {
    this.free();
  }

  /** How many role lists hold a compiled set now (for tests and monitoring). */
  get cachedRoleSets() {
    return this.#cache.size;
  }

  /**
   * The message `key` in this policy's catalog (English where it has none), its `{parameters}` filled in from
   * `params` (`feature` from `label` when given: a reason names a feature by its label).
   */
  #say(key, params, label) {
    let parts = this.#templates.get(key);
    if (parts === undefined) {
      const template = typeof this.#messages[key] === "string" ? this.#messages[key] : en[key] ?? String(key);
      // Literal text and parameter names, alternating: "'{role}' is ..." -> ["'", "role", "' is ..."].
      this.#templates.set(key, (parts = template.split(/\{(\w+)\}/)));
    }
    let out = parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const value = label !== undefined && parts[i] === "feature" ? label : params[parts[i]];
      out += (value === undefined ? `{${parts[i]}}` : Array.isArray(value) ? value.join(", ") : value) + parts[i + 1];
    }
    return out;
  }

  /** The allowed decision for an outcome number. */
  #allow(outcome) {
    keys();
    const message = (this.#allowed[outcome] ??= this.#say(KEYS[outcome], {}));
    return { allowed: true, reasons: [{ code: "allowed", message }] };
  }

  /**
   * A decision from a compiled-set call's answer: why it is allowed (a number up to the last allowed kind), or
   * the address of a refusal's words (see `#decision`).
   */
  #answer(answer, unknown) {
    keys();
    return answer <= ALLOWED ? this.#allow(answer) : this.#decision(answer, unknown);
  }

  /**
   * A decision of the core's by-name call for a request it read (so well formed): the names its reasons point
   * into, and the actor's unknown names as `ignored`, read from the request.
   */
  #byName(address, request, requested = NO_NAMES) {
    const decision = this.#decision(address, this.#unknownOf(requested), this.#unknownOf(request.target?.roles ?? NO_NAMES));
    return ignoring(this.#unknownOf(request.actor.roles), decision);
  }

  /**
   * A decision from the core's words, read in wasm memory at `address` (see `js::policy::written`): their count,
   * the allowed number (0: refused), five words a reason (`grant::Reason::words`). `unknown` and `foreign`: the
   * requested and the target's names the policy does not know, which `unknown_role` and `unknown_target_role`
   * reasons point into.
   */
  #decision(address, unknown = NO_NAMES, foreign = NO_NAMES) {
    keys();
    const words = memoryWords();
    const at = address >>> 2;
    if (words[at + 1] !== 0) return this.#allow(words[at + 1]);
    const reasons = [];
    for (let i = at + 2, end = at + 1 + words[at]; i < end; i += 5) {
      const kind = words[i], role = words[i + 1], f = words[i + 2], needed = words[i + 3], held = words[i + 4];
      const r = { code: CODES[kind], message: "" };
      if (role !== NONE) r.role = role & UNKNOWN ? unknown[role ^ UNKNOWN] : role & FOREIGN ? foreign[role ^ FOREIGN] : this.#roleNames[role];
      if (f !== NONE) {
        r.feature = this.#featureNames[f];
        if (needed !== NONE) r.needed = this.#levelNames[f][needed];
        if (held !== NONE) r.held = this.#levelNames[f][held];
      } else if (needed !== NONE) {
        r.needed = String(needed);
        r.held = held === NO_RANK ? "none" : String(held);
      }
      // The message names the feature by its label; the reason's `feature` stays its name. A reason about the
      // policy's own roles and levels reads the same every time: its message is kept, by a number made of its words.
      const key = f !== NONE && needed < 64 && (held < 64 || held === NONE) && (role === NONE || role < 4096)
        ? (((kind * 4097 + (role === NONE ? 4096 : role)) * 1025 + f) * 65 + needed) * 65 + (held === NONE ? 64 : held)
        : -1;
      let message = this.#messagesOf.get(key);
      if (message === undefined) {
        message = this.#say(KEYS[kind], r, f === NONE ? undefined : this.#featureLabels[f]);
        if (key >= 0) {
          if (this.#messagesOf.size >= MAX_MESSAGES) this.#messagesOf.clear();
          this.#messagesOf.set(key, message);
        }
      }
      r.message = message;
      reasons.push(r);
    }
    return { allowed: false, reasons };
  }

  /** The distinct names of `roles` the policy does not know, first seen first (as the core resolves them). */
  #unknownOf(roles) {
    return [...new Set(roles.filter((name) => !this.#roleIds.has(name)))];
  }

  /** An issue of the core (`{ path, key, params, line?, column? }`) as JS sees it, worded. */
  #issue({ path, key, params, line, column }) {
    const issue = { path, code: key.split(".")[0], message: this.#say(key, params) };
    if (line !== undefined) Object.assign(issue, { line, column });
    return issue;
  }

  /** The core's `invalid_policy` error with every issue worded, and the first in its message. */
  #invalidPolicy(err) {
    err.errors = err.errors.map((issue) => this.#issue(issue));
    const [first] = err.errors;
    const issue = first.path ? `${first.path}: ${first.message}` : first.message;
    err.message = this.#say(err.errors.length === 1 ? "invalid_policy" : "invalid_policy.many", { issue, count: err.errors.length });
    return err;
  }

  /**
   * The actor's and target's entries, whether they are the same user, and the other administrators (as
   * `#admins`); null when the core must read the request (a target holding a name the policy does not know
   * included: compiled sets hold known roles only).
   */
  #pair(request) {
    const r = members(request, TARGET_MEMBERS);
    const actor = r && member(r.actor);
    const target = actor && member(r.target);
    const admins = target ? this.#admins(r.others, target) : null;
    const a = admins !== null && this.#entry(actor.roles);
    const t = a && this.#entry(target.roles);
    return t && t.unknown.length === 0 ? [a, t, target.id === actor.id, admins] : null;
  }

  /**
   * How many of `others` (the tenant's other enabled users, or their count of administrators) hold `userAdmin`,
   * the target not counted; -1 when not given, null when the core must read them. Read before the request's
   * own role lists are fetched from the cache, which the other users' lists may evict.
   */
  #admins(others, target) {
    if (others === undefined || others === null) return -1;
    if (Number.isSafeInteger(others) && others >= 0) return others;
    if (!Array.isArray(others)) return null;
    let count = 0;
    for (const other of others) {
      const m = member(other);
      const e = m && this.#entry(m.roles);
      if (!e) return null;
      if (m.id !== target.id && e.set.allows(...this.#userAdmin)) count++;
    }
    return count;
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
    if (e !== undefined && e.set !== null && sameNames(e.names, roles)) return this.#hit(e);
    if (!Array.isArray(roles) || roles.length > MAX_ROLES) return null;
    for (let i = 0; i < roles.length; i++) if (typeof roles[i] !== "string") return null;
    const key = roles.join("\0");
    e = this.#cache.get(key);
    // A name holding NUL joins like two names: the key finds the entry, the names confirm it.
    if (e !== undefined && sameNames(e.names, roles)) {
      this.#byArray.set(roles, e);
      return this.#hit(e);
    }
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

  /** A cached entry answers a list: marked used, held. */
  #hit(e) {
    e.used = true;
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

  static #engineOf(policy, path) {
    if (policy instanceof Policy) return policy.#core;
    throw invalidRequest(path, "expected a Policy");
  }

  static {
    // The edge build leaves policy analysis (and the lint) out: so does its Policy.
    if (typeof Engine.prototype.whoCan !== "function") {
      delete Policy.prototype.whoCan;
      delete Policy.prototype.delegation;
      delete Policy.prototype.warnings;
      delete Policy.diff;
    }
  }
}

/** The actions `check` knows. */
const ACTIONS = ["add", "roles", "remove", "disable", "enable", "invite"];

/** A new account as the core starts one (enabled on the tenant, platform sign-in on, no invitation sent yet). */
export function newAccount() {
  return Engine.newAccount();
}

/** Marks a grant request's missing or null target: a new user, who holds no roles. */
const NEW_USER = Object.freeze({ roles: Object.freeze([]) });

/** A decision naming the actor's role names the policy does not know (they granted nothing), when there are any. */
function ignoring(names, decision) {
  return names.length === 0 ? decision : { ...decision, ignored: names.slice() };
}

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
