// The Node and workerd entries' types: the shared ones (types.d.ts) and `Keyring`.
export * from "./types.js";
export { default } from "./types.js";

export interface KeyringOptions {
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (default 60, at most 3600). */
  leewaySec?: number;
  issuer?: string;
  audience?: string;
}

/** Claims of an actor token (times in JWT seconds). */
export interface ActorClaims {
  sub: string;
  tenant: string;
  roles: string[];
  exp: number;
  nbf?: number;
  iat?: number;
  iss?: string;
  aud?: string | string[];
}

/** What an invitation link binds: user, tenant, email, invitation id and issue time (JWT seconds, and ms). */
export interface InvitationClaims {
  sub: string;
  tenant: string;
  email: string;
  inv: string;
  iat?: number;
  /** The issue time in milliseconds (set by signing): the link expires with the invitation it carries. */
  iatMs?: number;
}

/** HMAC-SHA256 keys by `kid`, for actor tokens and invitation links. */
export declare class Keyring {
  /** `keys`: `{ kid: secret }` or its JSON text; secrets are at least 32 bytes. */
  constructor(keys: Record<string, string> | string, options?: KeyringOptions);
  verifyActor(token: string, nowMs: number): ActorClaims;
  signActor(claims: ActorClaims, kid?: string): string;
  /** Valid while `nowMs <= iatMs + ttlMs` (`iat * 1000 + ttlMs` without `iatMs`); `invitation_expired` after. */
  verifyInvitation(token: string, nowMs: number, ttlMs: number): InvitationClaims & { iat: number };
  signInvitation(claims: Omit<InvitationClaims, "iat" | "iatMs">, nowMs: number, kid?: string): string;
  free(): void;
}
