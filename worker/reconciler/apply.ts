import { eq } from "drizzle-orm";
import type { Mail } from "../../db/mail";
import { getMail, markDelivered, noteDeliveryFailure } from "../../db/mail";
import { errorMessage, isGastownError } from "../../core/errors";
import { findAgent, setAgentStatus } from "../../db/agents";
import { landConvoysFor } from "../../db/convoys";
import { raiseEscalation, reescalate, releaseHeld } from "../../db/escalations";
import { appendTownEvent } from "../../db/outbox";
import { agents } from "../../db/schema";
import { inTransaction } from "../../db/tx";
import { repingEscalation } from "../escalation/ping-retry";
import type { Action, ActionOf } from "./actions";
import { type ActionResult, applyDispatch, applyRestart, applyStop } from "./apply-agents";
import { type ReconcileContext, WITNESS } from "./context";
import { WITNESS_SOURCE } from "./snapshot";

/**
 * The imperative shell: carries out a plan against the store and the runtime, one action at
 * a time. Side-effect failures are recorded by each action (events people see) and counted;
 * an action the town has moved past since the snapshot (conflict, not found) is skipped, the
 * next pass plans from fresh state.
 */

export interface ApplyReport {
  applied: number;
  /** Side effect failed; recorded as an event. */
  failed: number;
  /** Not applied: the plan was stale, or an unexpected error (logged at error level). */
  skipped: number;
}

/** Applies the plan's actions in order; never throws for one action's failure. */
export async function applyActions(ctx: ReconcileContext, actions: readonly Action[], now: number): Promise<ApplyReport> {
  const report: ApplyReport = { applied: 0, failed: 0, skipped: 0 };
  for (const action of actions) {
    if (action.type === "next_alarm_at") continue;
    try {
      report[await applyOne(ctx, action, now)]++;
    } catch (e) {
      report.skipped++;
      const stale = isGastownError(e) && (e.code === "conflict" || e.code === "not_found");
      const fields = { action: action.type, error: errorMessage(e) };
      if (stale) ctx.log.warn("action skipped: the town moved since the snapshot", fields);
      else ctx.log.error("action failed unexpectedly", fields);
    }
  }
  return report;
}

function applyOne(ctx: ReconcileContext, action: Exclude<Action, { type: "next_alarm_at" }>, now: number): Promise<ActionResult> | ActionResult {
  switch (action.type) {
    case "dispatch":
      return applyDispatch(ctx, action, now);
    case "restart":
      return applyRestart(ctx, action, now);
    case "stop":
      return applyStop(ctx, action, now);
    case "escalate_stuck":
      return escalateStuck(ctx, action, now);
    case "nudge_idle":
      return nudgeIdle(ctx, action, now);
    case "deliver_mail":
      return deliverMail(ctx, action, now);
    case "reescalate":
      reescalate(ctx.db, action.escalationId, WITNESS, now);
      return "applied";
    case "release_escalation":
      releaseHeld(ctx.db, action.escalationId, WITNESS, now);
      return "applied";
    case "reping_escalation":
      repingEscalation(ctx.db, action.escalationId, WITNESS, now);
      return "applied";
    case "land_convoy":
      inTransaction(ctx.db, () => landConvoysFor(ctx.db, action.memberBeadId, WITNESS, now));
      return "applied";
  }
}

function escalateStuck(ctx: ReconcileContext, a: ActionOf<"escalate_stuck">, now: number): ActionResult {
  inTransaction(ctx.db, () => {
    raiseEscalation(
      ctx.db,
      {
        severity: "high",
        title: `${a.agentId} is stuck on ${a.beadId}`,
        body: `The witness restarted ${a.agentId} ${a.restarts} times and it still does not work on ${a.beadId}. Peek at it, nudge it, or stop the bead.`,
        beadId: a.beadId,
        metadata: { agentId: a.agentId, restarts: a.restarts },
        actor: WITNESS,
        source: WITNESS_SOURCE,
      },
      now,
    );
    setAgentStatus(ctx.db, a.agentId, "stalled", `escalated after ${a.restarts} restarts`, WITNESS, now);
  });
  ctx.log.warn("stuck agent escalated", { agentId: a.agentId, beadId: a.beadId, restarts: a.restarts });
  return "applied";
}

function notificationFailed(ctx: ReconcileContext, what: string, beadId: string | null, rigId: string | null, error: string, attempt: number, now: number): void {
  appendTownEvent(ctx.db, { type: "notification_failed", beadId, rigId, actor: WITNESS, data: { what, error, attempt } }, now);
  ctx.log.warn("notification failed", { what, attempt, error });
}

async function nudgeIdle(ctx: ReconcileContext, a: ActionOf<"nudge_idle">, now: number): Promise<ActionResult> {
  const rigId = findAgent(ctx.db, a.agentId)?.rigId ?? null;
  let failure: string | null = null;
  try {
    await ctx.runtime.nudge(a.agentId, a.text);
  } catch (e) {
    failure = errorMessage(e);
  }
  inTransaction(ctx.db, () => {
    // Stamped either way: a failed nudge waits out the same interval instead of hammering.
    ctx.db.update(agents).set({ lastNudgeAt: now }).where(eq(agents.id, a.agentId)).run();
    if (failure !== null) notificationFailed(ctx, `nudge ${a.agentId}`, a.beadId, rigId, failure, 1, now);
    else appendTownEvent(ctx.db, { type: "nudge_sent", beadId: a.beadId, rigId, actor: WITNESS, data: { agentId: a.agentId, text: a.text } }, now);
  });
  return failure === null ? "applied" : "failed";
}

/** Room left for the body in one nudge (the control API takes at most 4000 characters). */
const NUDGE_MAX = 4000;

/** Mail as typed into the agent's session: who, subject, body; long bodies point to gt_mail_check. */
export function mailNudgeText(m: Mail): string {
  const head = `Mail ${m.id} from ${m.from}: ${m.subject}`;
  const full = m.body.trim() === "" ? head : `${head}\n\n${m.body}`;
  if (full.length <= NUDGE_MAX) return full;
  const tail = "\n[cut: read it whole with gt_mail_check]";
  return full.slice(0, NUDGE_MAX - tail.length) + tail;
}

async function deliverMail(ctx: ReconcileContext, a: ActionOf<"deliver_mail">, now: number): Promise<ActionResult> {
  const m = getMail(ctx.db, a.mailId);
  if (m.deliveredAt !== null) return "applied";
  try {
    await ctx.runtime.nudge(a.agentId, mailNudgeText(m));
  } catch (e) {
    const error = errorMessage(e);
    inTransaction(ctx.db, () => {
      const after = noteDeliveryFailure(ctx.db, m.id, error, WITNESS, now);
      const agent = findAgent(ctx.db, a.agentId);
      notificationFailed(ctx, `mail ${m.id} to ${a.agentId}`, agent?.hookedBeadId ?? m.id, agent?.rigId ?? null, error, after.attempts, now);
    });
    return "failed";
  }
  markDelivered(ctx.db, m.id, WITNESS, now);
  return "applied";
}
