import { eq } from "drizzle-orm";
import type { Agent, Bead, Rig } from "../../core/domain";
import { conflict, errorMessage, isGastownError, notFound } from "../../core/errors";
import { hookBeadIn, registerAgent, setAgentStatus, unhook } from "../../db/agents";
import { getBead, updateBead } from "../../db/beads";
import type { TownDb } from "../../db/client";
import { appendBeadEvent, appendTownEvent } from "../../db/outbox";
import { getRig } from "../../db/rigs";
import { agents } from "../../db/schema";
import { inTransaction } from "../../db/tx";
import type { ActionOf } from "./actions";
import { type ReconcileContext, WITNESS } from "./context";
import { buildStartRequest } from "./start-request";
import { dispatchBackoffMs } from "./state";

/**
 * Agent lifecycle actions: dispatch, restart, stop. Each first records its intent in one
 * transaction (so the town never forgets what it asked for), then calls the runtime, then
 * records the outcome. A runtime failure becomes a `dispatch_failed` event and state the next
 * plan reads correctly (bead back in the ready queue, backoff on the agent); it is never lost.
 */

/** How an action ended: done, or its side effect failed and was recorded as an event. */
export type ActionResult = "applied" | "failed";

type AgentRow = typeof agents.$inferSelect;

function agentRow(db: TownDb, id: string): AgentRow {
  const row = db.select().from(agents).where(eq(agents.id, id)).get();
  if (!row) throw notFound(`agent ${id}`);
  return row;
}

interface Claimed {
  agent: Agent;
  bead: Bead;
  rig: Rig | null;
}

/**
 * Stops whatever the runtime still runs under this id, so a start never meets a stale
 * process (a lost exit notice, a restart). An agent the runtime does not know is fine.
 */
async function clearRuntime(ctx: ReconcileContext, agentId: string): Promise<void> {
  try {
    await ctx.runtime.stop(agentId);
  } catch (e) {
    if (isGastownError(e) && e.code === "not_found") return;
    throw e;
  }
}

/** Hook (when asked) and mark the agent starting, atomically; refuses a plan the town has moved past. */
function claimDispatch(db: TownDb, a: ActionOf<"dispatch">, now: number): Claimed {
  return inTransaction(db, () => {
    const rig = a.rigId === null ? null : getRig(db, a.rigId);
    if (a.createAgent) {
      registerAgent(db, { id: a.agentId, role: "polecat", rigId: a.rigId, kind: rig?.config.agent ?? "claude", actor: WITNESS }, now);
    }
    const before = agentRow(db, a.agentId);
    if (a.hook) hookBeadIn(db, a.agentId, a.beadId, WITNESS, now);
    else if (before.hookedBeadId !== a.beadId) throw conflict(`${a.agentId} no longer has ${a.beadId} on its hook`);
    // A fresh hook resets the failure count; keep it, so consecutive failures keep backing off.
    // The start counts as a heartbeat and as activity: the agent gets a full window to come up.
    db.update(agents)
      .set({ dispatchFailures: before.dispatchFailures, lastHeartbeatAt: now, lastActivityAt: now, lastNudgeAt: null })
      .where(eq(agents.id, a.agentId))
      .run();
    const agent = setAgentStatus(db, a.agentId, "starting", `starting on ${a.beadId}`, WITNESS, now);
    return { agent, bead: getBead(db, a.beadId), rig };
  });
}

/** Starts a polecat on a bead: claim, runtime.start, then `in_progress` (or a recorded failure). */
export async function applyDispatch(ctx: ReconcileContext, a: ActionOf<"dispatch">, now: number): Promise<ActionResult> {
  const claimed = claimDispatch(ctx.db, a, now);
  let running: boolean;
  try {
    const req = await buildStartRequest(ctx, claimed.agent, claimed.bead, claimed.rig, now);
    if (!a.createAgent) await clearRuntime(ctx, a.agentId);
    running = (await ctx.runtime.start(req)).running;
  } catch (e) {
    recordDispatchFailure(ctx, a, e, now);
    return "failed";
  }
  inTransaction(ctx.db, () => {
    ctx.db.update(agents).set({ dispatchFailures: 0, nextDispatchAt: null }).where(eq(agents.id, a.agentId)).run();
    if (getBead(ctx.db, a.beadId).status === "hooked") updateBead(ctx.db, a.beadId, { status: "in_progress", actor: WITNESS }, now);
    setAgentStatus(ctx.db, a.agentId, running ? "working" : "starting", `started on ${a.beadId}`, WITNESS, now);
  });
  ctx.log.info("dispatched", { agentId: a.agentId, beadId: a.beadId });
  return "applied";
}

/** One more failed runtime call for the agent: its next try waits a growing backoff. Returns the failures in a row. */
function backOff(ctx: ReconcileContext, agentId: string, before: number, now: number): number {
  const failures = before + 1;
  ctx.db
    .update(agents)
    .set({ dispatchFailures: failures, nextDispatchAt: now + dispatchBackoffMs(ctx.policy, failures) })
    .where(eq(agents.id, agentId))
    .run();
  return failures;
}

/** The bead goes back to the ready queue; the agent fails with a growing backoff; people see why. */
function recordDispatchFailure(ctx: ReconcileContext, a: ActionOf<"dispatch">, cause: unknown, now: number): void {
  const error = errorMessage(cause);
  const attempt = inTransaction(ctx.db, () => {
    const before = agentRow(ctx.db, a.agentId);
    if (before.hookedBeadId === a.beadId) unhook(ctx.db, a.agentId, WITNESS, now, `dispatch failed: ${error}`);
    const failures = backOff(ctx, a.agentId, before.dispatchFailures, now);
    setAgentStatus(ctx.db, a.agentId, "failed", `dispatch failed: ${error}`, WITNESS, now);
    appendTownEvent(
      ctx.db,
      { type: "dispatch_failed", beadId: a.beadId, rigId: a.rigId, actor: WITNESS, data: { agentId: a.agentId, error, attempt: failures } },
      now,
    );
    return failures;
  });
  ctx.log.warn("dispatch failed", { agentId: a.agentId, beadId: a.beadId, attempt, error });
}

/** The witness restarts a hooked agent that died or went silent; its hook and branch stay. */
export async function applyRestart(ctx: ReconcileContext, a: ActionOf<"restart">, now: number): Promise<ActionResult> {
  const { db } = ctx;
  const claimed = inTransaction(db, (): Claimed => {
    const before = agentRow(db, a.agentId);
    if (before.hookedBeadId !== a.beadId) throw conflict(`${a.agentId} no longer has ${a.beadId} on its hook`);
    db.update(agents)
      .set({ restarts: before.restarts + 1, lastHeartbeatAt: now, lastActivityAt: now, lastNudgeAt: null })
      .where(eq(agents.id, a.agentId))
      .run();
    appendBeadEvent(db, a.beadId, "restarted", WITNESS, { agentId: a.agentId, attempt: a.attempt, reason: a.reason }, now);
    const agent = setAgentStatus(db, a.agentId, "starting", `restart ${a.attempt}: ${a.reason}`, WITNESS, now);
    const bead = getBead(db, a.beadId);
    return { agent, bead, rig: before.rigId === null ? null : getRig(db, before.rigId) };
  });
  let running: boolean;
  try {
    const req = await buildStartRequest(ctx, claimed.agent, claimed.bead, claimed.rig, now);
    await clearRuntime(ctx, a.agentId);
    running = (await ctx.runtime.start(req)).running;
  } catch (e) {
    const error = errorMessage(e);
    inTransaction(db, () => {
      // Stays hooked: the next stale window brings another restart, or the escalation.
      setAgentStatus(db, a.agentId, "stalled", `restart failed: ${error}`, WITNESS, now);
      appendTownEvent(db, { type: "dispatch_failed", beadId: a.beadId, rigId: claimed.agent.rigId, actor: WITNESS, data: { agentId: a.agentId, error, attempt: a.attempt } }, now);
    });
    ctx.log.warn("restart failed", { agentId: a.agentId, beadId: a.beadId, attempt: a.attempt, error });
    return "failed";
  }
  inTransaction(db, () => {
    // A start lost mid-dispatch (eviction) left the bead `hooked`; the process runs now.
    if (getBead(db, a.beadId).status === "hooked") updateBead(db, a.beadId, { status: "in_progress", actor: WITNESS }, now);
    setAgentStatus(db, a.agentId, running ? "working" : "starting", `restarted (${a.reason})`, WITNESS, now);
  });
  ctx.log.info("restarted", { agentId: a.agentId, beadId: a.beadId, attempt: a.attempt, reason: a.reason });
  return "applied";
}

/** Stops a polecat left running without a hook (its bead closed or was taken off it). */
export async function applyStop(ctx: ReconcileContext, a: ActionOf<"stop">, now: number): Promise<ActionResult> {
  const hooked = agentRow(ctx.db, a.agentId).hookedBeadId;
  if (hooked !== null) throw conflict(`${a.agentId} has ${hooked} on its hook again`);
  try {
    await clearRuntime(ctx, a.agentId);
  } catch (e) {
    const error = errorMessage(e);
    // Stalled, not exited: it may still run, and the status change tells people it could not be
    // stopped. The patrol tries again after the same backoff a failed dispatch waits out.
    const failures = inTransaction(ctx.db, () => {
      const n = backOff(ctx, a.agentId, agentRow(ctx.db, a.agentId).dispatchFailures, now);
      setAgentStatus(ctx.db, a.agentId, "stalled", `stop failed: ${error}`, WITNESS, now);
      return n;
    });
    ctx.log.warn("stop failed", { agentId: a.agentId, error, failures });
    return "failed";
  }
  inTransaction(ctx.db, () => {
    ctx.db.update(agents).set({ dispatchFailures: 0, nextDispatchAt: null }).where(eq(agents.id, a.agentId)).run();
    setAgentStatus(ctx.db, a.agentId, "exited", a.reason === "retry" ? "stopped on a later try" : "stopped: nothing on its hook", WITNESS, now);
  });
  return "applied";
}
