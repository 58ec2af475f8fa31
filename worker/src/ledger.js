// The invitation ledger: a Durable Object per invited user (tenant + user id) that records which of
// the user's links were redeemed and the issue second of the newest link the edge has seen, so a
// replayed or superseded link is refused at the edge with strongly consistent state. A Durable
// Object runs one call at a time and each call below reads and writes its one record in a storage
// transaction, so two concurrent accepts of one link cannot both be let through.
import { DurableObject } from "cloudflare:workers";

/** How long an accept in flight holds its link; a worker that dies mid-accept frees it after this. */
const HOLD_MS = 60_000;
/** Redeemed ids kept for the newest issue second (links of older seconds are superseded anyway). */
const MAX_USED = 64;

/**
 * The verdict on a link: "ok", "used" (redeemed), "superseded" (a newer link exists) or
 * "in_progress" (another accept of it is at origin right now).
 * @typedef {"ok" | "used" | "superseded" | "in_progress"} Verdict
 * One user's record: `iat` the newest issue second seen (a resend's link or an accepted link),
 * `used` the redeemed ids issued in that second, `held` the links with an accept in flight (id ->
 * until, epoch ms).
 * @typedef {{ iat: number, used: string[], held: Record<string, number> }} UserRecord
 */
export class InvitationLedger extends DurableObject {
  /** Holds link `inv` (issued at `iat`, seconds) for an accept about to go to origin, when it may go. */
  reserve(inv, iat, now) {
    return this.#update(now, (record) => {
      const verdict = judge(record, inv, iat, now);
      if (verdict === "ok") record.held[inv] = now + HOLD_MS;
      return verdict;
    });
  }

  /** The verdict without holding the link (a HEAD, which never accepts). */
  async check(inv, iat, now) {
    return judge(await this.#read(), inv, iat, now);
  }

  /** Origin accepted link `inv`: it is redeemed, and no link issued before it can be the newest. */
  commit(inv, iat, now) {
    return this.#update(now, (record) => {
      delete record.held[inv];
      advance(record, iat);
      if (iat === record.iat && !record.used.includes(inv)) {
        record.used.push(inv);
        if (record.used.length > MAX_USED) record.used.shift();
      }
    });
  }

  /** Origin did not accept link `inv`: it is free again. */
  release(inv, now) {
    return this.#update(now, (record) => {
      delete record.held[inv];
    });
  }

  /** Origin issued a new link (a resend): every link issued in an earlier second is superseded. */
  issued(iat, now) {
    return this.#update(now, (record) => advance(record, iat));
  }

  /** @returns {Promise<UserRecord>} */
  async #read() {
    return (await this.ctx.storage.get("record")) ?? newRecord();
  }

  /** Runs `change` on the record in one storage transaction (expired holds dropped) and stores it. */
  #update(now, change) {
    return this.ctx.storage.transaction(async (txn) => {
      const record = (await txn.get("record")) ?? newRecord();
      const result = change(record);
      for (const [inv, until] of Object.entries(record.held)) if (until <= now) delete record.held[inv];
      await txn.put("record", record);
      return result;
    });
  }
}

/** A user the ledger has not seen: no link issued or redeemed yet. @returns {UserRecord} */
function newRecord() {
  return { iat: 0, used: [], held: {} };
}

/** @returns {Verdict} */
function judge(record, inv, iat, now) {
  if (iat < record.iat) return "superseded";
  if (iat === record.iat && record.used.includes(inv)) return "used";
  if ((record.held[inv] ?? 0) > now) return "in_progress";
  return "ok";
}

/** A link issued in second `iat` exists: links of earlier seconds are superseded. */
function advance(record, iat) {
  if (iat <= record.iat) return;
  record.iat = iat;
  record.used = [];
}

/** The ledger (a stub of the INVITATION_LEDGER namespace) of `user` at `tenant`. */
export function ledgerFor(env, tenant, user) {
  const ledgers = env.INVITATION_LEDGER;
  return ledgers.get(ledgers.idFromName(JSON.stringify([tenant, user])));
}
