import { and, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, Agent, Bead, type Rig, WorkBeadType } from "../core/domain";
import { conflict } from "../core/errors";
import { SlingRequest } from "../core/town-api";
import { ensurePolecatFor, findAgent, hookBeadIn } from "./agents";
import type { TownDb } from "./client";
import { createBeadIn, requireBeadRow, toBead } from "./bead-rows";
import { parseInput } from "./input";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { readyQueue } from "./ready";
import { getRig } from "./rigs";
import { getMeta, setMeta } from "./town-meta";
import { beadDeps, beads } from "./schema";
import { inTransaction } from "./tx";

/**
 * Sling: put a bead on a polecat's hook.
 *
 * The choice made here: sling creates (or takes) the bead and hooks it at once when the rig
 * has a free polecat slot (fewer than `maxPolecats` polecats hooked), reusing an unhooked
 * polecat or registering a new one; the person who slung it sees `bead_hooked` right away.
 * When every slot is taken, or the bead is still blocked, the bead stays `open` and is
 * `queued`: it is simply in the ready queue, and `fillPolecatSlots` (called by the
 * reconciler when slots free up or blockers close) hooks it later, most urgent first.
 * Sling never starts a process: the reconciler dispatches every hooked polecat that is
 * not running (GUPP), so a dispatch failure can be retried without re-slinging.
 */

export const SlingResult = z.object({
  bead: Bead,
  /** The polecat it was hooked to, or null when queued. */
  agent: Agent.nullable(),
  queued: z.boolean(),
  /** Why it was queued: `no_free_polecat` or `blocked`; null when hooked. */
  queuedReason: z.enum(["no_free_polecat", "blocked"]).nullable(),
  /** True when sling created the bead, false when it took an existing one. */
  created: z.boolean(),
});
export type SlingResult = z.infer<typeof SlingResult>;

function isBlocked(db: TownDb, beadId: string): boolean {
  const open = db
    .select({ id: beadDeps.dependsOnId })
    .from(beadDeps)
    .innerJoin(beads, eq(beads.id, beadDeps.dependsOnId))
    .where(and(eq(beadDeps.beadId, beadId), eq(beadDeps.type, "blocks"), ne(beads.status, "closed")))
    .get();
  return open !== undefined;
}

/** An existing bead made ready to sling on `rigId`: open work of that rig (or of no rig yet). */
function takeBead(db: TownDb, beadId: string, rigId: string, actor: Actor, now: number): Bead {
  const row = requireBeadRow(db, beadId);
  if (!WorkBeadType.safeParse(row.type).success) throw conflict(`${beadId} is a ${row.type}, not work that can be slung`);
  if (row.status !== "open" && row.status !== "parked") throw conflict(`${beadId} is ${row.status}; only open or parked beads can be slung`);
  if (row.status === "parked") {
    db.update(beads).set({ status: "open", updatedAt: now }).where(eq(beads.id, beadId)).run();
    appendBeadEvent(db, beadId, "unparked", actor, {}, now);
  }
  if (row.rigId !== null && row.rigId !== rigId) throw conflict(`${beadId} belongs to another rig`);
  if (row.rigId === null) {
    db.update(beads).set({ rigId, updatedAt: now }).where(eq(beads.id, beadId)).run();
    appendBeadEvent(db, beadId, "updated", actor, { changed: ["rigId"], rigId }, now);
  }
  return toBead(requireBeadRow(db, beadId));
}

/** Creates or takes a bead and hooks it to a free polecat of the rig, or queues it. */
export function sling(db: TownDb, input: SlingRequest, now: number): SlingResult {
  const req = parseInput(SlingRequest, input, "sling");
  return inTransaction(db, () => {
    const rig = getRig(db, req.rig);
    // A retried request (same idempotency key) answers with what the first one did.
    const key = req.requestId === undefined ? null : `sling:${req.requestId}`;
    const earlier = key === null ? undefined : getMeta(db, key);
    if (earlier !== undefined) return repeatResult(db, earlier);
    const result = slingIn(db, req, rig, now);
    if (key !== null) setMeta(db, key, result.bead.id);
    return result;
  });
}

/** The answer to a repeated sling: the bead the first request made, as it is now. */
function repeatResult(db: TownDb, beadId: string): SlingResult {
  const bead = toBead(requireBeadRow(db, beadId));
  const agent = bead.assignee ? (findAgent(db, bead.assignee) ?? null) : null;
  return { bead, agent, queued: agent === null && bead.status === "open", queuedReason: null, created: false };
}

function slingIn(db: TownDb, req: z.output<typeof SlingRequest>, rig: Rig, now: number): SlingResult {
  const created = req.beadId === undefined;
  const bead =
    req.beadId !== undefined
      ? takeBead(db, req.beadId, rig.id, req.actor, now)
      : createBeadIn(
          db,
          { type: req.type, title: req.title ?? "", body: req.body, priority: req.priority, labels: req.labels, rigId: rig.id },
          req.actor,
          now,
        );
  // A bead sling just created has no dependencies yet, so only a taken bead can be blocked.
  const blocked = !created && isBlocked(db, bead.id);
  const agent = blocked ? null : ensurePolecatFor(db, rig, req.actor, now);
  if (agent === null) {
    const queuedReason = blocked ? "blocked" : "no_free_polecat";
    appendBeadEvent(db, bead.id, "queued", req.actor, { reason: queuedReason }, now);
    appendTownEvent(db, { type: "bead_updated", beadId: bead.id, rigId: rig.id, actor: req.actor, data: { bead, changed: ["queued"] } }, now);
    return { bead, agent: null, queued: true, queuedReason, created };
  }
  const hooked = hookBeadIn(db, agent.id, bead.id, req.actor, now);
  return { bead: toBead(requireBeadRow(db, bead.id)), agent: hooked, queued: false, queuedReason: null, created };
}

/**
 * Hooks the rig's ready beads (most urgent, then oldest first) to free polecats until the
 * rig's `maxPolecats` are all hooked or nothing is ready. The reconciler calls it each tick.
 */
export function fillPolecatSlots(db: TownDb, rigId: string, actor: Actor, now: number): Array<{ beadId: string; agentId: string }> {
  return inTransaction(db, () => {
    const rig = getRig(db, rigId);
    const hooked: Array<{ beadId: string; agentId: string }> = [];
    const ready = readyQueue(db, { rigId: rig.id, limit: Math.max(1, rig.config.maxPolecats) });
    for (const bead of ready) {
      const agent = ensurePolecatFor(db, rig, actor, now);
      if (agent === null) break;
      hookBeadIn(db, agent.id, bead.id, actor, now);
      hooked.push({ beadId: bead.id, agentId: agent.id });
    }
    return hooked;
  });
}

/** Number of the rig's polecats holding a hook (slots in use). */
export function busyPolecats(db: TownDb, rigId: string): number {
  const row = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM agents WHERE rig_id = ${rigId} AND role = 'polecat' AND hooked_bead_id IS NOT NULL`);
  return Number(row?.n ?? 0);
}
