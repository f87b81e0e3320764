import { and, asc, eq, isNotNull, isNull, or, sql } from "drizzle-orm";
import { AgentRole, AgentStatus, BeadStatus, priorityRank, Severity } from "../../core/domain";
import type { TownDb } from "../../db/client";
import { readyQueue } from "../../db/ready";
import { listRigs } from "../../db/rigs";
import { agents, beads, convoyBeads, convoys, escalations, mail } from "../../db/schema";
import type { AgentState, OpenConvoy, OpenEscalation, PendingMail, RigState, TownSnapshot } from "./state";

/**
 * Reads the planner's picture of the town from the store. Runs inside one synchronous
 * stretch of the DO (no await), so it is a consistent cut. Bounded: at most a few hundred
 * rows per table, because the planner only ever needs the heads of the queues.
 */

/** Source recorded on the escalations the witness raises (and the key of "already raised"). */
export const WITNESS_SOURCE = "witness";

const MAX_ROWS = 500;

/** Polecat ids from the rig name, the way the store names them (agent ids allow no `.`/`_`). */
export function polecatBase(rigName: string): string {
  const slug = rigName
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `polecat-${slug.length > 0 ? slug : "rig"}`;
}

function readRigs(db: TownDb): RigState[] {
  return listRigs(db).map((rig) => {
    const max = rig.config.maxPolecats;
    // A few beads beyond the slot count, in case some at the head are hooked already.
    const ready = max > 0 ? readyQueue(db, { rigId: rig.id, limit: Math.min(MAX_ROWS, max + 8) }) : [];
    return {
      id: rig.id,
      polecatBase: polecatBase(rig.name),
      maxPolecats: max,
      staleAfterMs: rig.config.staleAfterMin * 60_000,
      ready: ready.map((b) => ({ id: b.id, priority: priorityRank(b.priority), createdAt: b.createdAt })),
    };
  });
}

function readAgents(db: TownDb): AgentState[] {
  const rows = db
    .select({ agent: agents, hookStatus: beads.status })
    .from(agents)
    .leftJoin(beads, eq(beads.id, agents.hookedBeadId))
    .orderBy(asc(agents.id))
    .all();
  return rows.map(({ agent: a, hookStatus }) => ({
    id: a.id,
    role: AgentRole.parse(a.role),
    rigId: a.rigId,
    status: AgentStatus.parse(a.status),
    hookedBeadId: a.hookedBeadId,
    hookStatus: hookStatus === null ? null : BeadStatus.parse(hookStatus),
    lastHeartbeatAt: a.lastHeartbeatAt,
    lastActivityAt: a.lastActivityAt,
    lastNudgeAt: a.lastNudgeAt,
    restarts: a.restarts,
    dispatchFailures: a.dispatchFailures,
    nextDispatchAt: a.nextDispatchAt,
    createdAt: a.createdAt,
  }));
}

function readPendingMail(db: TownDb): PendingMail[] {
  return db
    .select({ mailId: mail.beadId, toAgentId: mail.toAgentId, attempts: mail.attempts, createdAt: mail.createdAt })
    .from(mail)
    .where(isNull(mail.deliveredAt))
    .orderBy(asc(mail.createdAt), asc(mail.beadId))
    .limit(MAX_ROWS)
    .all();
}

function readEscalations(db: TownDb): OpenEscalation[] {
  return db
    .select({
      escalationId: escalations.beadId,
      severity: escalations.severity,
      reescalations: escalations.reescalations,
      nextDeadlineAt: escalations.nextDeadlineAt,
      heldUntil: escalations.heldUntil,
      pingRetryAt: escalations.pingRetryAt,
    })
    .from(escalations)
    .where(
      and(
        isNull(escalations.ackedAt),
        isNull(escalations.resolvedAt),
        or(isNotNull(escalations.nextDeadlineAt), isNotNull(escalations.heldUntil), isNotNull(escalations.pingRetryAt)),
      ),
    )
    .orderBy(asc(escalations.nextDeadlineAt))
    .limit(MAX_ROWS)
    .all()
    .map((e) => ({ ...e, severity: Severity.parse(e.severity) }));
}

function readConvoys(db: TownDb): OpenConvoy[] {
  return db
    .select({
      convoyId: convoys.beadId,
      total: sql<number>`count(${convoyBeads.beadId})`,
      closed: sql<number>`coalesce(sum(${beads.status} = 'closed'), 0)`,
      memberBeadId: sql<string | null>`min(${convoyBeads.beadId})`,
    })
    .from(convoys)
    .leftJoin(convoyBeads, eq(convoyBeads.convoyId, convoys.beadId))
    .leftJoin(beads, eq(beads.id, convoyBeads.beadId))
    .where(isNull(convoys.landedAt))
    .groupBy(convoys.beadId)
    .limit(MAX_ROWS)
    .all()
    .map((c) => ({ convoyId: c.convoyId, total: Number(c.total), closed: Number(c.closed), memberBeadId: c.memberBeadId }));
}

function readStuckEscalated(db: TownDb): string[] {
  return db
    .select({ beadId: escalations.subjectBeadId })
    .from(escalations)
    .where(and(eq(escalations.source, WITNESS_SOURCE), isNull(escalations.resolvedAt), isNotNull(escalations.subjectBeadId)))
    .all()
    .flatMap((r) => (r.beadId === null ? [] : [r.beadId]));
}

/** The planner's view of the town right now. */
export function readTownSnapshot(db: TownDb): TownSnapshot {
  return {
    rigs: readRigs(db),
    agents: readAgents(db),
    pendingMail: readPendingMail(db),
    escalations: readEscalations(db),
    convoys: readConvoys(db),
    stuckEscalated: readStuckEscalated(db),
  };
}
