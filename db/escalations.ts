import { and, asc, desc, eq, isNull, lte } from "drizzle-orm";
import { z } from "zod";
import { type Actor, bumpSeverity, type Priority, Severity } from "../core/domain";
import { conflict, notFound } from "../core/errors";
import { RaiseEscalationRequest, SnoozeEscalationRequest } from "../core/town-api";
import { findAgent } from "./agents";
import { insertBead, requireBeadRow, setBeadStatus } from "./bead-rows";
import type { TownDb } from "./client";
import { parseInput } from "./input";
import { quietHoldUntil, type Route, type RouteRef, routeFor } from "./oncall";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { findRig } from "./rigs";
import { beads, escalations } from "./schema";
import { inTransaction } from "./tx";

/**
 * Escalations: requests for human attention. Each is an `escalation` bead (title and body
 * live there) with a satellite row keeping severity, source, source agent and metadata as
 * given, and who each ping went to. The ping (`escalation_raised`) mentions the on-call
 * targets; during quiet hours a low or medium one is held (`escalation_held`) and pinged when
 * the window ends. An unacknowledged escalation is re-escalated at its deadline with a
 * bumped severity and the next on-call target, at most MAX_REESCALATIONS times.
 */

/** How long each severity may wait for an ack before it is re-escalated. */
export const ESCALATION_DEADLINE_MS: Readonly<Record<Severity, number>> = {
  critical: 5 * 60_000,
  high: 15 * 60_000,
  medium: 60 * 60_000,
  low: 240 * 60_000,
};

/** Re-escalations after which the escalation stops chasing (it stays open and visible). */
export const MAX_REESCALATIONS = 3;

const SEVERITY_PRIORITY: Readonly<Record<Severity, Priority>> = { critical: "P0", high: "P1", medium: "P2", low: "P3" };

export const Escalation = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  rigId: z.string().nullable(),
  severity: Severity,
  initialSeverity: Severity,
  source: z.string(),
  sourceAgentId: z.string().nullable(),
  subjectBeadId: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  ackedBy: z.string().nullable(),
  ackedAt: z.number().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.number().nullable(),
  reescalations: z.number().int(),
  nextDeadlineAt: z.number().nullable(),
  createdAt: z.number(),
  /** Who the latest ping mentioned (or will mention, while held). */
  targets: z.array(z.string()),
  /** Quiet hours hold the ping until then; null once pinged. */
  heldUntil: z.number().nullable(),
  snoozedUntil: z.number().nullable(),
  snoozedBy: z.string().nullable(),
  /** Failed deliveries of the latest ping, and when it is sent again (null: not pending). */
  pingFailures: z.number().int(),
  pingRetryAt: z.number().nullable(),
});
export type Escalation = z.infer<typeof Escalation>;

const RaiseEscalationInput = RaiseEscalationRequest.extend({
  /** Who raised it when not the actor: `witness`, an agent id, a chat user. */
  source: z.string().min(1).max(200).optional(),
  sourceAgentId: z.string().min(1).max(100).optional(),
});
export type RaiseEscalationInput = z.input<typeof RaiseEscalationInput>;

function selectEscalation(db: TownDb) {
  return db.select({ esc: escalations, bead: beads }).from(escalations).innerJoin(beads, eq(beads.id, escalations.beadId));
}

type EscJoin = { esc: typeof escalations.$inferSelect; bead: typeof beads.$inferSelect };

function toEscalation(db: TownDb, { esc, bead }: EscJoin): Escalation {
  const severity = Severity.parse(esc.severity);
  // Rows from before targets were stored: route as of their creation.
  const targets = esc.targets ?? routeFor(db, bead.rigId, severity, esc.createdAt)?.targets ?? [];
  return Escalation.parse({ ...esc, id: esc.beadId, title: bead.title, body: bead.body, rigId: bead.rigId, severity, targets });
}

/** The escalation with this id; `not_found` otherwise. */
export function getEscalation(db: TownDb, id: string): Escalation {
  const row = selectEscalation(db).where(eq(escalations.beadId, id)).get();
  if (!row) throw notFound(`escalation ${id}`);
  return toEscalation(db, row);
}

/** The on-call entry and shift that served the escalation's latest ping, if stored. */
function lastRoute(db: TownDb, id: string): RouteRef | null {
  const r = db.select({ route: escalations.route }).from(escalations).where(eq(escalations.beadId, id)).get()?.route;
  if (!r) return null;
  const severity = Severity.safeParse(r.severity);
  return severity.success ? { scope: r.scope, severity: severity.data, shift: r.shift } : null;
}

/** Escalations, newest first; `open` keeps those not resolved. */
export function listEscalations(db: TownDb, opts: { open?: boolean; limit?: number } = {}): Escalation[] {
  return selectEscalation(db)
    .where(opts.open ? isNull(escalations.resolvedAt) : undefined)
    .orderBy(desc(escalations.createdAt), desc(escalations.beadId))
    .limit(opts.limit ?? 100)
    .all()
    .map((r) => toEscalation(db, r));
}

function resolveRigId(db: TownDb, rig: string | undefined, subjectBeadId: string | undefined, agentId: string | undefined): string | null {
  if (rig !== undefined) {
    const found = findRig(db, rig);
    if (!found) throw notFound(`rig ${rig}`);
    return found.id;
  }
  if (subjectBeadId !== undefined) {
    const rigId = requireBeadRow(db, subjectBeadId).rigId;
    if (rigId !== null) return rigId;
  }
  return agentId !== undefined ? (findAgent(db, agentId)?.rigId ?? null) : null;
}

/** The thread an escalation's news goes to: the work it is about, else its own bead. */
const threadOf = (esc: Pick<Escalation, "id" | "subjectBeadId">): string => esc.subjectBeadId ?? esc.id;

const routeRef = (r: Route | null) => (r ? { scope: r.scope, severity: r.severity, shift: r.shift } : null);

/** Appends the first ping (`escalation_raised`) and remembers its seq (a failure report retries it). */
function ping(db: TownDb, esc: Escalation, actor: Actor, now: number): void {
  const event = appendTownEvent(
    db,
    {
      type: "escalation_raised",
      beadId: threadOf(esc),
      rigId: esc.rigId,
      actor,
      data: { escalationId: esc.id, severity: esc.severity, title: esc.title, body: esc.body, source: esc.source, targets: esc.targets, sourceAgentId: esc.sourceAgentId },
    },
    now,
  );
  db.update(escalations).set({ pingSeq: event.seq, pingFailures: 0, pingRetryAt: null }).where(eq(escalations.beadId, esc.id)).run();
}

/**
 * Raises an escalation; title, body, severity, source, source agent and metadata are kept as
 * given. Pinged at once, unless quiet hours hold a low or medium one (`escalation_held`;
 * the reconciler pings it when the window ends and only then starts its deadline).
 */
export function raiseEscalation(db: TownDb, input: RaiseEscalationInput, now: number): Escalation {
  const req = parseInput(RaiseEscalationInput, input, "escalation");
  return inTransaction(db, () => {
    const sourceAgentId = req.sourceAgentId ?? (req.actor.kind === "agent" ? req.actor.id : undefined);
    const source = req.source ?? req.actor.id;
    const rigId = resolveRigId(db, req.rig, req.beadId, sourceAgentId);
    const bead = insertBead(
      db,
      { type: "escalation", title: req.title, body: req.body, rigId, priority: SEVERITY_PRIORITY[req.severity], labels: [`severity:${req.severity}`] },
      req.actor,
      now,
    );
    const route = routeFor(db, rigId, req.severity, now);
    const heldUntil = quietHoldUntil(db, rigId, req.severity, now);
    db.insert(escalations)
      .values({
        beadId: bead.id,
        severity: req.severity,
        initialSeverity: req.severity,
        source,
        sourceAgentId: sourceAgentId ?? null,
        subjectBeadId: req.beadId ?? null,
        metadata: req.metadata,
        reescalations: 0,
        nextDeadlineAt: heldUntil === null ? now + ESCALATION_DEADLINE_MS[req.severity] : null,
        createdAt: now,
        targets: route?.targets ?? [],
        route: routeRef(route),
        heldUntil,
      })
      .run();
    const esc = getEscalation(db, bead.id);
    if (heldUntil === null) {
      ping(db, esc, req.actor, now);
      return getEscalation(db, bead.id);
    }
    const { id, severity, title, body, targets } = esc;
    appendTownEvent(db, { type: "escalation_held", beadId: threadOf(esc), rigId, actor: req.actor, data: { escalationId: id, severity, title, body, source, targets, until: heldUntil } }, now);
    return esc;
  });
}

/**
 * Pings a held escalation once its quiet hours are over, routed afresh (the rotation may
 * have handed over meanwhile), and starts its deadline. Not due, no longer held, or quiet
 * hours moved on: nothing is pinged (a moved window just moves the hold).
 */
export function releaseHeld(db: TownDb, id: string, actor: Actor, now: number): Escalation {
  return inTransaction(db, () => {
    const esc = getEscalation(db, id);
    if (esc.heldUntil === null || esc.heldUntil > now || esc.ackedAt !== null || esc.resolvedAt !== null) return esc;
    const still = quietHoldUntil(db, esc.rigId, esc.severity, now);
    if (still !== null) {
      db.update(escalations).set({ heldUntil: Math.max(still, esc.snoozedUntil ?? 0) }).where(eq(escalations.beadId, id)).run();
      return getEscalation(db, id);
    }
    const route = routeFor(db, esc.rigId, esc.severity, now);
    db.update(escalations)
      .set({ heldUntil: null, targets: route?.targets ?? [], route: routeRef(route), nextDeadlineAt: now + ESCALATION_DEADLINE_MS[esc.severity] })
      .where(eq(escalations.beadId, id))
      .run();
    ping(db, getEscalation(db, id), actor, now);
    return getEscalation(db, id);
  });
}

/** Stops every timer of an escalation (deadline, hold, ping retry). */
const STOP_TIMERS = { nextDeadlineAt: null, heldUntil: null, pingRetryAt: null } as const;

/** Acknowledges an escalation: it stops re-escalating. Acking twice changes nothing. */
export function ackEscalation(db: TownDb, id: string, actor: Actor, now: number): Escalation {
  return inTransaction(db, () => {
    const esc = getEscalation(db, id);
    if (esc.resolvedAt !== null) throw conflict(`escalation ${id} is already resolved`);
    if (esc.ackedAt !== null) return esc;
    db.update(escalations)
      .set({ ackedBy: actor.id, ackedAt: now, ...STOP_TIMERS })
      .where(eq(escalations.beadId, id))
      .run();
    setBeadStatus(db, id, "in_progress", actor, now, { acked: true });
    appendTownEvent(db, { type: "escalation_acked", beadId: threadOf(esc), rigId: esc.rigId, actor, data: { escalationId: id, by: actor.id } }, now);
    return getEscalation(db, id);
  });
}

/** Resolves an escalation (acking it if nobody had) and closes its bead. */
export function resolveEscalation(db: TownDb, id: string, actor: Actor, now: number): Escalation {
  return inTransaction(db, () => {
    const esc = getEscalation(db, id);
    if (esc.resolvedAt !== null) return esc;
    db.update(escalations)
      .set({ resolvedBy: actor.id, resolvedAt: now, ackedBy: esc.ackedBy ?? actor.id, ackedAt: esc.ackedAt ?? now, ...STOP_TIMERS })
      .where(eq(escalations.beadId, id))
      .run();
    setBeadStatus(db, id, "closed", actor, now, { reason: "resolved" });
    appendTownEvent(db, { type: "escalation_resolved", beadId: threadOf(esc), rigId: esc.rigId, actor, data: { escalationId: id, by: actor.id } }, now);
    return getEscalation(db, id);
  });
}

/**
 * Snoozes an escalation: no re-ping before `now + minutes` (the deadline, or a quiet-hours
 * hold, is pushed, never pulled in). Refused once acknowledged or resolved: nothing is chasing.
 */
export function snoozeEscalation(db: TownDb, id: string, input: z.input<typeof SnoozeEscalationRequest>, now: number): Escalation {
  const req = parseInput(SnoozeEscalationRequest, input, "snooze");
  return inTransaction(db, () => {
    const esc = getEscalation(db, id);
    if (esc.resolvedAt !== null) throw conflict(`escalation ${id} is already resolved`);
    if (esc.ackedAt !== null) throw conflict(`escalation ${id} is already acknowledged: it is not re-escalating`);
    const until = now + req.minutes * 60_000;
    const later = (t: number | null) => (t === null ? null : Math.max(t, until));
    db.update(escalations)
      .set({ snoozedUntil: until, snoozedBy: req.actor.id, nextDeadlineAt: later(esc.nextDeadlineAt), heldUntil: later(esc.heldUntil) })
      .where(eq(escalations.beadId, id))
      .run();
    appendBeadEvent(db, id, "snoozed", req.actor, { minutes: req.minutes, until }, now);
    appendTownEvent(
      db,
      { type: "escalation_snoozed", beadId: threadOf(esc), rigId: esc.rigId, actor: req.actor, data: { escalationId: id, by: req.actor.id, minutes: req.minutes, until } },
      now,
    );
    return getEscalation(db, id);
  });
}

/** Unacknowledged, unresolved escalations whose deadline has passed, oldest deadline first. */
export function dueReescalations(db: TownDb, now: number): Escalation[] {
  return selectEscalation(db)
    .where(and(isNull(escalations.ackedAt), isNull(escalations.resolvedAt), lte(escalations.nextDeadlineAt, now)))
    .orderBy(asc(escalations.nextDeadlineAt))
    .all()
    .map((r) => toEscalation(db, r));
}

/**
 * Re-escalates a due escalation: severity bumped, count + 1, pinged to the next on-call
 * target (the bumped severity's entry; the next rotation shift when that is the entry it
 * last went to), next deadline from the new severity (none once the count reaches
 * MAX_REESCALATIONS). A bump that lands on low or medium during quiet hours waits for the
 * window's end instead. Not due: returned unchanged, so a replayed tick never double-pings.
 */
export function reescalate(db: TownDb, id: string, actor: Actor, now: number): Escalation {
  return inTransaction(db, () => {
    const esc = getEscalation(db, id);
    if (esc.ackedAt !== null || esc.resolvedAt !== null || esc.nextDeadlineAt === null || esc.nextDeadlineAt > now) return esc;
    if (esc.reescalations >= MAX_REESCALATIONS) {
      db.update(escalations).set({ nextDeadlineAt: null }).where(eq(escalations.beadId, id)).run();
      return getEscalation(db, id);
    }
    const severity = bumpSeverity(esc.severity);
    const quietEnd = quietHoldUntil(db, esc.rigId, severity, now);
    if (quietEnd !== null) {
      db.update(escalations).set({ nextDeadlineAt: quietEnd }).where(eq(escalations.beadId, id)).run();
      return getEscalation(db, id);
    }
    const count = esc.reescalations + 1;
    const nextDeadlineAt = count >= MAX_REESCALATIONS ? null : now + ESCALATION_DEADLINE_MS[severity];
    const route = routeFor(db, esc.rigId, severity, now, lastRoute(db, id));
    const targets = route?.targets ?? [];
    db.update(escalations)
      .set({ severity, reescalations: count, nextDeadlineAt, targets, route: routeRef(route) })
      .where(eq(escalations.beadId, id))
      .run();
    db.update(beads)
      .set({ priority: Number(SEVERITY_PRIORITY[severity].slice(1)), labels: [`severity:${severity}`], updatedAt: now })
      .where(eq(beads.id, id))
      .run();
    appendBeadEvent(db, id, "reescalated", actor, { from: esc.severity, to: severity, count, targets }, now);
    const event = appendTownEvent(
      db,
      { type: "escalation_reescalated", beadId: threadOf(esc), rigId: esc.rigId, actor, data: { escalationId: id, severity, count, targets, from: esc.severity, title: esc.title } },
      now,
    );
    db.update(escalations).set({ pingSeq: event.seq, pingFailures: 0, pingRetryAt: null }).where(eq(escalations.beadId, id)).run();
    return getEscalation(db, id);
  });
}
