import { z } from "zod";
import { Severity } from "../../core/domain";

/**
 * What the reconciler decided to do on one pass. The planner returns these (pure, testable),
 * the applier carries them out against the store and the AgentRuntime port.
 */

const AgentRef = z.string().min(1);
const BeadRef = z.string().min(1);

/**
 * Start a polecat on a bead. Either the bead is already on the agent's hook (sling hooks at
 * once when a slot is free) and only the process is missing, or a ready bead fills a free
 * slot: hook it to a free polecat (or a new one) first.
 */
export const DispatchAction = z.object({
  type: z.literal("dispatch"),
  rigId: z.string().nullable(),
  beadId: BeadRef,
  agentId: AgentRef,
  /** False when the bead is already on this agent's hook. */
  hook: z.boolean(),
  /** True when the polecat does not exist yet and must be registered first. */
  createAgent: z.boolean(),
});

/**
 * A polecat process still running with nothing on its hook (its bead closed or was taken off),
 * or one whose earlier stop failed (`retry`, after the backoff).
 */
export const StopAction = z.object({
  type: z.literal("stop"),
  agentId: AgentRef,
  reason: z.enum(["no_hook", "retry"]),
});

/** The witness restarts an agent whose heartbeat went stale or whose process exited with work hooked. */
export const RestartAction = z.object({
  type: z.literal("restart"),
  agentId: AgentRef,
  beadId: BeadRef,
  reason: z.enum(["stale_heartbeat", "exited_with_hook"]),
  /** The restart count after this one. */
  attempt: z.number().int().positive(),
});

/** After too many restarts the witness stops trying and asks a person. */
export const EscalateStuckAction = z.object({
  type: z.literal("escalate_stuck"),
  agentId: AgentRef,
  beadId: BeadRef,
  rigId: z.string().nullable(),
  restarts: z.number().int().nonnegative(),
});

/** An agent with work hooked has shown no activity for a while: remind it (GUPP). */
export const NudgeIdleAction = z.object({
  type: z.literal("nudge_idle"),
  agentId: AgentRef,
  beadId: BeadRef,
  text: z.string().min(1).max(4000),
});

/** Pending mail to a running agent: type it into the agent's session. */
export const DeliverMailAction = z.object({
  type: z.literal("deliver_mail"),
  mailId: BeadRef,
  agentId: AgentRef,
});

/** An unacknowledged escalation passed its deadline: bump severity, ping the next target. */
export const ReescalateAction = z.object({
  type: z.literal("reescalate"),
  escalationId: BeadRef,
  from: Severity,
  to: Severity,
  /** Re-escalation count after this one. */
  count: z.number().int().positive(),
});

/** Quiet hours are over for a held (low or medium) escalation: ping it now. */
export const ReleaseEscalationAction = z.object({ type: z.literal("release_escalation"), escalationId: BeadRef });

/** The latest ping of an unacknowledged escalation failed to reach chat: send it again. */
export const RepingEscalationAction = z.object({ type: z.literal("reping_escalation"), escalationId: BeadRef });

/** Every bead of the convoy is closed but it has not landed: the safety net behind close. */
export const LandConvoyAction = z.object({
  type: z.literal("land_convoy"),
  convoyId: BeadRef,
  /** A member bead; the store lands convoys through their members. */
  memberBeadId: BeadRef,
});

/** When the reconciler should look again; null when nothing is waiting on time. */
export const NextAlarmAction = z.object({
  type: z.literal("next_alarm_at"),
  at: z.number().nullable(),
});

export const Action = z.discriminatedUnion("type", [
  DispatchAction,
  StopAction,
  RestartAction,
  EscalateStuckAction,
  NudgeIdleAction,
  DeliverMailAction,
  ReescalateAction,
  ReleaseEscalationAction,
  RepingEscalationAction,
  LandConvoyAction,
  NextAlarmAction,
]);
export type Action = z.infer<typeof Action>;
export type ActionType = Action["type"];
export type ActionOf<T extends ActionType> = Extract<Action, { type: T }>;
