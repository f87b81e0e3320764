import { and, eq, lt } from "drizzle-orm";
import type { ChatPlatform } from "./chat";
import type { TownDb } from "./client";
import { getMeta, setMeta } from "./town-meta";
import { inboundDedupe } from "./schema";
import { inTransaction } from "./tx";

/**
 * Inbound dedupe ledger: platform event ids already handled (Slack retries the same event,
 * Discord replays after a gateway resume). Entries older than a day are pruned, at most
 * once an hour, from inside the same call, so the ledger stays small without a timer.
 */

export const INBOUND_TTL_MS = 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;
const PRUNED_AT = "inbound_pruned_at";

/** True if this event was seen before; otherwise records it and returns false. */
export function seenInbound(db: TownDb, platform: ChatPlatform, eventId: string, now: number): boolean {
  return inTransaction(db, () => {
    const seen = db
      .select({ at: inboundDedupe.at })
      .from(inboundDedupe)
      .where(and(eq(inboundDedupe.platform, platform), eq(inboundDedupe.eventId, eventId)))
      .get();
    if (seen) return true;
    db.insert(inboundDedupe).values({ platform, eventId, at: now }).run();
    const last = Number(getMeta(db, PRUNED_AT) ?? 0);
    if (now - last >= PRUNE_EVERY_MS) {
      db.delete(inboundDedupe)
        .where(lt(inboundDedupe.at, now - INBOUND_TTL_MS))
        .run();
      setMeta(db, PRUNED_AT, String(now));
    }
    return false;
  });
}
