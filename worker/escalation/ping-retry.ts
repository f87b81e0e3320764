import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../core/domain";
import type { TownEvent } from "../../core/events";
import type { TownDb } from "../../db/client";
import { appendBeadEvent, appendTownEvent, readTownEvents } from "../../db/outbox";
import { escalations } from "../../db/schema";
import { inTransaction } from "../../db/tx";

/**
 * A failed escalation ping is never silent: the bot reports it (`POST /notifications/failed`
 * with the event's seq), the town records `notification_failed` and, when it was the
 * escalation's latest ping and nobody has acknowledged it, sends the same ping again after a
 * backoff (the reconciler's `reping_escalation`), at most PING_RETRY.max times.
 */

export const PING_RETRY = {
  /** Re-sends of one ping after failed deliveries. */
  max: 5,
  baseMs: 30_000,
  maxMs: 10 * 60_000,
} as const;

/** Wait before re-sending a ping that failed `failures` times in a row (failures >= 1). */
export function pingRetryDelayMs(failures: number): number {
  return Math.min(PING_RETRY.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 20), PING_RETRY.maxMs);
}

/** A failed chat side effect as the bot reports it. */
export interface NotificationFailure {
  what: string;
  error: string;
  attempt: number;
  beadId?: string;
  /** The stream event the bot could not deliver. */
  seq?: number;
}

type PingEvent = Extract<TownEvent, { type: "escalation_raised" | "escalation_reescalated" }>;

function pingEventAt(db: TownDb, seq: number): PingEvent | null {
  const event = readTownEvents(db, seq - 1, 1)[0];
  if (!event || event.seq !== seq) return null;
  return event.type === "escalation_raised" || event.type === "escalation_reescalated" ? event : null;
}

/**
 * Records a failed notification (`notification_failed`, in the thread of what failed). When it
 * is the latest ping of an open escalation, a re-send is scheduled; a repeated report of the
 * same failure does not count twice.
 */
export function recordNotificationFailure(db: TownDb, f: NotificationFailure, now: number): TownEvent {
  return inTransaction(db, () => {
    const ping = f.seq === undefined ? null : pingEventAt(db, f.seq);
    let retryAt: number | null | undefined;
    if (ping) {
      const esc = db.select().from(escalations).where(eq(escalations.beadId, ping.data.escalationId)).get();
      const open = esc !== undefined && esc.ackedAt === null && esc.resolvedAt === null && esc.pingSeq === ping.seq;
      if (open && esc.pingRetryAt !== null) retryAt = esc.pingRetryAt;
      else if (open) {
        const failures = esc.pingFailures + 1;
        retryAt = failures <= PING_RETRY.max ? now + pingRetryDelayMs(failures) : null;
        db.update(escalations).set({ pingFailures: failures, pingRetryAt: retryAt }).where(eq(escalations.beadId, esc.beadId)).run();
      }
    }
    return appendTownEvent(
      db,
      {
        type: "notification_failed",
        beadId: f.beadId ?? ping?.beadId ?? null,
        rigId: ping?.rigId ?? null,
        data: {
          what: f.what,
          error: f.error,
          attempt: f.attempt,
          ...(f.seq === undefined ? {} : { seq: f.seq }),
          ...(ping ? { escalationId: ping.data.escalationId } : {}),
          ...(retryAt === undefined ? {} : { retryAt }),
        },
      },
      now,
    );
  });
}

/**
 * Sends an escalation's latest ping again (same event, `attempt` = failures + 1) when its
 * retry is due and it is still unacknowledged. Returns the new ping, or null when there was
 * nothing to send (acked meanwhile, superseded, or not due: a replayed tick sends nothing).
 */
export function repingEscalation(db: TownDb, escalationId: string, actor: Actor, now: number): TownEvent | null {
  return inTransaction(db, () => {
    const esc = db
      .select()
      .from(escalations)
      .where(and(eq(escalations.beadId, escalationId), isNull(escalations.ackedAt), isNull(escalations.resolvedAt)))
      .get();
    if (!esc || esc.pingRetryAt === null || esc.pingRetryAt > now || esc.pingSeq === null) return null;
    const last = pingEventAt(db, esc.pingSeq);
    if (!last) {
      db.update(escalations).set({ pingRetryAt: null }).where(eq(escalations.beadId, escalationId)).run();
      return null;
    }
    const attempt = esc.pingFailures + 1;
    const again = appendTownEvent(
      db,
      last.type === "escalation_raised"
        ? { type: last.type, beadId: last.beadId, rigId: last.rigId, actor, data: { ...last.data, attempt } }
        : { type: last.type, beadId: last.beadId, rigId: last.rigId, actor, data: { ...last.data, attempt } },
      now,
    );
    db.update(escalations).set({ pingSeq: again.seq, pingRetryAt: null }).where(eq(escalations.beadId, escalationId)).run();
    appendBeadEvent(db, escalationId, "ping_resent", actor, { attempt, seq: again.seq }, now);
    return again;
  });
}
