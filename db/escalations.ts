import { and, asc, desc, eq, isNull, lte } from "drizzle-orm";
import { z } from "zod";
import { type Actor, bumpSeverity, type Priority, SEVERITIES, Severity } from "../core/domain";
import { conflict, notFound } from "../core/errors";
import { OncallSetRequest, RaiseEscalationRequest } from "../core/town-api";
import { findAgent } from "./agents";
import type { TownDb } from "./client";
import { insertBead, requireBeadRow, setBeadStatus } from "./bead-rows";
import { parseInput } from "./input";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { findRig } from "./rigs";
import { beads, escalations, oncall } from "./schema";
import { inTransaction } from "./tx";

/**
 * Escalations: requests for human attention. Each is an `escalation` bead (title and body
 * live there) with a satellite row keeping severity, source, source agent and metadata as
 * given. Targets come from on-call routing; an unacknowledged escalation is re-escalated at
 * its deadline with a bumped severity, at most MAX_REESCALATIONS times.
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

/** Town-wide on-call scope. */
export const TOWN_SCOPE = "*";

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
  /** On-call targets for its current severity, as routed now. */
  targets: z.array(z.string()),
});
export type Escalation = z.infer<typeof Escalation>;

const RaiseEscalationInput = RaiseEscalationRequest.extend({
  /** Who raised it when not the actor: `witness`, an agent id, a chat user. */
  source: z.string().min(1).max(200).optional(),
  sourceAgentId: z.string().min(1).max(100).optional(),
});
export type RaiseEscalationInput = z.input<typeof RaiseEscalationInput>;

/**
 * On-call targets for a severity: at that severity the rig's own entry, then the town's;
 * when neither exists, the same search at each lower severity (someone must hear it).
 */
export function routeTargets(db: TownDb, rigId: string | null, severity: Severity): string[] {
  const scopes = rigId === null ? [TOWN_SCOPE] : [rigId, TOWN_SCOPE];
  for (let i = SEVERITIES.indexOf(severity); i >= 0; i--) {
    const sev = SEVERITIES[i];
    if (sev === undefined) continue;
    for (const scope of scopes) {
      const row = db
        .select({ targets: oncall.targets })
        .from(oncall)
        .where(and(eq(oncall.scope, scope), eq(oncall.severity, sev)))
        .get();
      if (row && row.targets.length > 0) return row.targets;
    }
  }
  return [];
}

function selectEscalation(db: TownDb) {
  return db.select({ esc: escalations, bead: beads }).from(escalations).innerJoin(beads, eq(beads.id, escalations.beadId));
}

type EscJoin = { esc: typeof escalations.$inferSelect; bead: typeof beads.$inferSelect };

function toEscalation(db: TownDb, { esc, bead }: EscJoin): Escalation {
  const severity = Severity.parse(esc.severity);
  return Escalation.parse({
    ...esc,
    id: esc.beadId,
    title: bead.title,
    body: bead.body,
    rigId: bead.rigId,
    severity,
    targets: routeTargets(db, bead.rigId, severity),
  });
}

/** The escalation with this id; `not_found` otherwise. */
export function getEscalation(db: TownDb, id: string): Escalation {
  const row = selectEscalation(db).where(eq(escalations.beadId, id)).get();
  if (!row) throw notFound(`escalation ${id}`);
  return toEscalation(db, row);
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

/** Raises an escalation; title, body, severity, source, source agent and metadata are kept as given. */
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
        nextDeadlineAt: now + ESCALATION_DEADLINE_MS[req.severity],
        createdAt: now,
      })
      .run();
    const esc = getEscalation(db, bead.id);
    appendTownEvent(
      db,
      {
        type: "escalation_raised",
        // The ping goes to the thread of the work it is about, when there is one.
        beadId: esc.subjectBeadId ?? esc.id,
        rigId,
        actor: req.actor,
        data: { escalationId: esc.id, severity: esc.severity, title: esc.title, body: esc.body, source, targets: esc.targets },
      },
      now,
    );
    return esc;
  });
}

/** Acknowledges an escalation: it stops re-escalating. Acking twice changes nothing. */
export function ackEscalation(db: TownDb, id: string, actor: Actor, now: number): Escalation {
  return inTransaction(db, () => {
    const esc = getEscalation(db, id);
    if (esc.resolvedAt !== null) throw conflict(`escalation ${id} is already resolved`);
    if (esc.ackedAt !== null) return esc;
    db.update(escalations).set({ ackedBy: actor.id, ackedAt: now, nextDeadlineAt: null }).where(eq(escalations.beadId, id)).run();
    setBeadStatus(db, id, "in_progress", actor, now, { acked: true });
    appendTownEvent(db, { type: "escalation_acked", beadId: esc.subjectBeadId ?? id, rigId: esc.rigId, actor, data: { escalationId: id, by: actor.id } }, now);
    return getEscalation(db, id);
  });
}

/** Resolves an escalation (acking it if nobody had) and closes its bead. */
export function resolveEscalation(db: TownDb, id: string, actor: Actor, now: number): Escalation {
  return inTransaction(db, () => {
    const esc = getEscalation(db, id);
    if (esc.resolvedAt !== null) return esc;
    db.update(escalations)
      .set({ resolvedBy: actor.id, resolvedAt: now, ackedBy: esc.ackedBy ?? actor.id, ackedAt: esc.ackedAt ?? now, nextDeadlineAt: null })
      .where(eq(escalations.beadId, id))
      .run();
    setBeadStatus(db, id, "closed", actor, now, { reason: "resolved" });
    appendTownEvent(db, { type: "escalation_resolved", beadId: esc.subjectBeadId ?? id, rigId: esc.rigId, actor, data: { escalationId: id, by: actor.id } }, now);
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
 * Re-escalates a due escalation: severity bumped, count + 1, next deadline from the new
 * severity (none once the count reaches MAX_REESCALATIONS). Not due: returned unchanged,
 * so a replayed reconciler tick never double-pings.
 */
export function reescalate(db: TownDb, id: string, actor: Actor, now: number): Escalation {
  return inTransaction(db, () => {
    const esc = getEscalation(db, id);
    if (esc.ackedAt !== null || esc.resolvedAt !== null || esc.nextDeadlineAt === null || esc.nextDeadlineAt > now) return esc;
    const severity = bumpSeverity(esc.severity);
    const count = esc.reescalations + 1;
    const nextDeadlineAt = count >= MAX_REESCALATIONS ? null : now + ESCALATION_DEADLINE_MS[severity];
    db.update(escalations).set({ severity, reescalations: count, nextDeadlineAt }).where(eq(escalations.beadId, id)).run();
    db.update(beads)
      .set({ priority: Number(SEVERITY_PRIORITY[severity].slice(1)), labels: [`severity:${severity}`], updatedAt: now })
      .where(eq(beads.id, id))
      .run();
    const after = getEscalation(db, id);
    appendBeadEvent(db, id, "reescalated", actor, { from: esc.severity, to: severity, count }, now);
    appendTownEvent(
      db,
      { type: "escalation_reescalated", beadId: esc.subjectBeadId ?? id, rigId: esc.rigId, actor, data: { escalationId: id, severity, count, targets: after.targets } },
      now,
    );
    return after;
  });
}

export const OncallEntry = z.object({ scope: z.string(), severity: Severity, targets: z.array(z.string()), updatedAt: z.number() });
export type OncallEntry = z.infer<typeof OncallEntry>;

/** Sets the on-call targets for a severity, town-wide or for one rig (replacing earlier ones). */
export function setOncall(db: TownDb, input: z.input<typeof OncallSetRequest>, now: number): OncallEntry {
  const req = parseInput(OncallSetRequest, input, "on-call");
  return inTransaction(db, () => {
    let scope = TOWN_SCOPE;
    if (req.rig !== undefined) {
      const rig = findRig(db, req.rig);
      if (!rig) throw notFound(`rig ${req.rig}`);
      scope = rig.id;
    }
    const row = db
      .insert(oncall)
      .values({ scope, severity: req.severity, targets: req.targets, updatedAt: now })
      .onConflictDoUpdate({ target: [oncall.scope, oncall.severity], set: { targets: req.targets, updatedAt: now } })
      .returning()
      .get();
    return OncallEntry.parse(row);
  });
}

/** On-call entries: the town's, or one rig's (by id or name), by severity. */
export function getOncall(db: TownDb, rig?: string): OncallEntry[] {
  let scope = TOWN_SCOPE;
  if (rig !== undefined) {
    const found = findRig(db, rig);
    if (!found) throw notFound(`rig ${rig}`);
    scope = found.id;
  }
  return db
    .select()
    .from(oncall)
    .where(eq(oncall.scope, scope))
    .all()
    .map((r) => OncallEntry.parse(r))
    .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}
