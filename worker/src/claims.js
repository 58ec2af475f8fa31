// Claim mapping for tokens from identity providers: where the subject, the tenant and the roles are
// in a verified payload (CLAIM_SUBJECT, CLAIM_TENANT or a fixed TENANT, CLAIM_ROLES; each a JSON
// pointer or a dotted path) and how provider role names become policy role names (ROLE_MAP).
import { parseJson } from "rolegate";

/** A configuration error: the binding, the JSON path inside it (or its value) and a stable code. */
export class ConfigError extends Error {
  constructor(binding, code, path) {
    const detail = `${code}${path === undefined ? "" : ` (${path})`}`;
    super(`${binding}: ${detail}`);
    this.binding = binding;
    this.code = code;
    this.detail = detail;
  }
}

/**
 * The segments of a claim path: a JSON pointer (RFC 6901: `/https:~1~1example.com~1roles`) or a
 * dotted path (`realm_access.roles`; a single name is a top-level claim).
 * @param {string} binding the binding's name, for errors
 * @param {string} text
 * @returns {string[]}
 */
export function claimPath(binding, text) {
  if (typeof text !== "string" || text === "") throw new ConfigError(binding, "invalid_claim_path", JSON.stringify(text ?? ""));
  if (text.startsWith("/")) {
    if (/~[^01]|~$/.test(text)) throw new ConfigError(binding, "invalid_claim_path", `${JSON.stringify(text)}: "~" must be followed by 0 or 1`);
    return text.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  }
  const segments = text.split(".");
  if (segments.includes("")) throw new ConfigError(binding, "invalid_claim_path", `${JSON.stringify(text)}: empty segment`);
  return segments;
}

/** The value at `path` in `payload` (own members and array indexes only), or undefined. */
export function claimAt(payload, path) {
  let value = payload;
  for (const segment of path) {
    if (Array.isArray(value) ? !/^(0|[1-9]\d*)$/.test(segment) : typeof value !== "object" || value === null) return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = value[segment];
  }
  return value;
}

/**
 * ROLE_MAP: a JSON object from provider role names to a policy role name or a list of them. Read
 * with the core's strict reader (a name listed twice is an error, not "last wins").
 * @returns {Map<string, string[]>}
 */
export function roleMap(text) {
  if (text === undefined || text === "") return new Map();
  let doc;
  try {
    doc = parseJson(text);
  } catch (err) {
    throw new ConfigError("ROLE_MAP", err.code ?? "invalid_json", err.path);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new ConfigError("ROLE_MAP", "not_an_object");
  const map = new Map();
  for (const [name, value] of Object.entries(doc)) {
    const list = typeof value === "string" ? [value] : value;
    if (!Array.isArray(list)) throw new ConfigError("ROLE_MAP", "not_a_role_name", memberPath(name));
    list.forEach((role, i) => {
      if (typeof role !== "string" || role === "") throw new ConfigError("ROLE_MAP", "not_a_role_name", `${memberPath(name)}[${i}]`);
    });
    map.set(name, list);
  }
  return map;
}

/** A member's path as the core writes it: the name, or `["name"]` when it would not read back as one segment. */
const memberPath = (name) => (/^[\p{L}\p{N}_$*-]+$/u.test(name) ? name : `[${JSON.stringify(name)}]`);

/**
 * The claim mapping from the bindings (validated: throws ConfigError).
 * @returns {{ subject: string[], tenant: string[] | null, fixedTenant: string | null, roles: string[], roleMap: Map<string, string[]> }}
 */
export function claimMapping(env) {
  if (env.TENANT !== undefined && env.CLAIM_TENANT !== undefined) throw new ConfigError("TENANT", "conflicts_with_claim_tenant");
  if (env.TENANT !== undefined && !/^[A-Za-z0-9_~@+-][A-Za-z0-9._~@+-]{0,127}$/.test(env.TENANT)) {
    throw new ConfigError("TENANT", "invalid_tenant");
  }
  return {
    subject: claimPath("CLAIM_SUBJECT", env.CLAIM_SUBJECT ?? "sub"),
    tenant: env.TENANT === undefined ? claimPath("CLAIM_TENANT", env.CLAIM_TENANT ?? "tenant") : null,
    fixedTenant: env.TENANT ?? null,
    roles: claimPath("CLAIM_ROLES", env.CLAIM_ROLES ?? "roles"),
    roleMap: roleMap(env.ROLE_MAP),
  };
}

/**
 * The actor `{ sub, tenant, roles }` of a verified payload, or null when the claims do not have the
 * configured shape (no subject or tenant string; roles neither a string nor an array of strings).
 * A missing roles claim is no roles (a provider omits an empty group list).
 */
export function actorOf(mapping, payload) {
  const sub = claimAt(payload, mapping.subject);
  const tenant = mapping.fixedTenant ?? claimAt(payload, mapping.tenant);
  const raw = claimAt(payload, mapping.roles) ?? [];
  const names = typeof raw === "string" ? [raw] : raw;
  if (typeof sub !== "string" || sub === "" || typeof tenant !== "string" || tenant === "") return null;
  if (!Array.isArray(names) || !names.every((r) => typeof r === "string")) return null;
  return { sub, tenant, roles: mapRoles(mapping.roleMap, names) };
}

/** Provider role names as policy role names: listed names mapped, others unchanged, no repeats. */
export function mapRoles(map, names) {
  if (map.size === 0) return names;
  return [...new Set(names.flatMap((name) => map.get(name) ?? [name]))];
}
