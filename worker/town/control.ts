import type { Snapshot } from "../../core/container-api";
import type { Actor, Agent } from "../../core/domain";
import { GastownError, errorMessage, isGastownError } from "../../core/errors";
import type { AgentRuntime } from "../../core/ports";
import { setAgentStatus, unhook } from "../../db/agents";
import { resolveRecipient } from "../../db/mail";
import { appendTownEvent } from "../../db/outbox";
import { inTransaction } from "../../db/tx";
import type { TownContext } from "./context";

/**
 * Nudge, peek and stop: the bot's hands on a running agent, through the AgentRuntime port.
 * A target is an agent id or the id of the bead on an agent's hook.
 */

function runtimeOf(t: TownContext): AgentRuntime {
  if (!t.runtime) throw new GastownError("unavailable", "runtime not configured: this town cannot reach its agents yet");
  return t.runtime;
}

/** Runs a runtime call; a failure that is not already typed becomes `runtime_failed`. */
async function viaRuntime<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isGastownError(err)) throw err;
    throw new GastownError("runtime_failed", `${what} failed: ${errorMessage(err)}`, { cause: err });
  }
}

/** Types `text` into the target agent's session and announces it. */
export async function nudgeAgent(t: TownContext, target: string, text: string, actor: Actor): Promise<{ agentId: string }> {
  const runtime = runtimeOf(t);
  const agent = resolveRecipient(t.db, target);
  await viaRuntime(`nudge ${agent.id}`, () => runtime.nudge(agent.id, text));
  appendTownEvent(t.db, { type: "nudge_sent", beadId: agent.hookedBeadId, rigId: agent.rigId, actor, data: { agentId: agent.id, text } }, t.now());
  return { agentId: agent.id };
}

/** The target agent's screen; also refreshes the bead thread's live snapshot message. */
export async function peekAgent(t: TownContext, target: string): Promise<Snapshot> {
  const runtime = runtimeOf(t);
  const agent = resolveRecipient(t.db, target);
  const snap = await viaRuntime(`peek ${agent.id}`, () => runtime.snapshot(agent.id));
  appendTownEvent(
    t.db,
    {
      type: "snapshot_updated",
      beadId: agent.hookedBeadId,
      rigId: agent.rigId,
      data: { agentId: agent.id, text: snap.text, ansi: snap.ansi, cols: snap.cols, rows: snap.rows },
    },
    t.now(),
  );
  return snap;
}

/**
 * Stops the target agent's process and takes the bead off its hook (otherwise GUPP would
 * have the reconciler start it again). The bead is `parked`: out of the ready queue until a
 * person slings it again (`/gt sling <bead>`).
 */
export async function stopAgent(t: TownContext, target: string, actor: Actor): Promise<Agent> {
  const runtime = runtimeOf(t);
  const agent = resolveRecipient(t.db, target);
  await viaRuntime(`stop ${agent.id}`, () => runtime.stop(agent.id));
  const now = t.now();
  return inTransaction(t.db, () => {
    unhook(t.db, agent.id, actor, now, `stopped by ${actor.name ?? actor.id}`, { park: true });
    return setAgentStatus(t.db, agent.id, "exited", "stopped", actor, now);
  });
}
