import type { AgentRole, AgentStatus, BeadStatus, Severity } from "../../core/domain";

/**
 * What the planner sees of a town: a plain, immutable picture read from the store in one go.
 * Only ids, counters and times: bodies and titles stay in the store (the applier reads what
 * it needs), so a snapshot is small and safe to log.
 */

export interface ReadyBead {
  id: string;
  /** 0 (P0) .. 4 */
  priority: number;
  createdAt: number;
}

export interface RigState {
  id: string;
  /** New polecats are named `<polecatBase>-<n>`. */
  polecatBase: string;
  maxPolecats: number;
  /** A hooked agent whose last heartbeat is older than this is stale. */
  staleAfterMs: number;
  /** Head of the rig's ready queue, in queue order (priority, then age). */
  ready: ReadyBead[];
}

export interface AgentState {
  id: string;
  role: AgentRole;
  rigId: string | null;
  status: AgentStatus;
  hookedBeadId: string | null;
  /** Status of the hooked bead: `hooked` (not started yet), `in_progress`, `review`, ... */
  hookStatus: BeadStatus | null;
  lastHeartbeatAt: number | null;
  lastActivityAt: number | null;
  lastNudgeAt: number | null;
  restarts: number;
  dispatchFailures: number;
  nextDispatchAt: number | null;
  createdAt: number;
}

export interface PendingMail {
  mailId: string;
  toAgentId: string;
  attempts: number;
  createdAt: number;
}

/** An escalation nobody acknowledged or resolved yet, with its re-escalation timer. */
export interface OpenEscalation {
  escalationId: string;
  severity: Severity;
  reescalations: number;
  nextDeadlineAt: number | null;
  /** Held by quiet hours until then (low and medium pings wait). Absent: not held. */
  heldUntil?: number | null;
  /** Its latest ping failed to reach chat: sent again at this time. Absent: nothing to resend. */
  pingRetryAt?: number | null;
}

export interface OpenConvoy {
  convoyId: string;
  total: number;
  closed: number;
  /** Any member, or null for an empty convoy. */
  memberBeadId: string | null;
}

export interface TownSnapshot {
  rigs: RigState[];
  agents: AgentState[];
  pendingMail: PendingMail[];
  escalations: OpenEscalation[];
  /** Convoys that have not landed yet. */
  convoys: OpenConvoy[];
  /** Beads that already have an open escalation raised by the witness (do not raise twice). */
  stuckEscalated: string[];
}

/** Knobs of the reconciler; tests and the DO use `DEFAULT_POLICY`. */
export interface ReconcilePolicy {
  /** Restarts of one hook before the witness escalates instead. */
  maxRestarts: number;
  /** No activity for this long with work hooked: nudge. */
  idleNudgeAfterMs: number;
  /** At most one idle nudge per agent in this window. */
  nudgeEveryMs: number;
  /** First dispatch backoff; doubles per consecutive failure up to the max. */
  dispatchBackoffBaseMs: number;
  dispatchBackoffMaxMs: number;
  /** Delivery attempts per mail before giving up (each failure is an event). */
  maxMailAttempts: number;
  /** Re-escalations per escalation before the timer stops. */
  maxReescalations: number;
  /** Wait before retrying work that failed in a pass (mail to a starting agent, failed delivery). */
  retryMs: number;
  /** Look at the town at least this often while any agent holds a hook. */
  patrolEveryMs: number;
}

export const DEFAULT_POLICY: ReconcilePolicy = {
  maxRestarts: 3,
  idleNudgeAfterMs: 5 * 60_000,
  nudgeEveryMs: 10 * 60_000,
  dispatchBackoffBaseMs: 30_000,
  dispatchBackoffMaxMs: 10 * 60_000,
  maxMailAttempts: 5,
  // Matches the store's cap (db/escalations.ts MAX_REESCALATIONS), which also clears the deadline.
  maxReescalations: 3,
  retryMs: 30_000,
  patrolEveryMs: 5 * 60_000,
};

/** Backoff after `failures` consecutive failed dispatches (failures >= 1). */
export function dispatchBackoffMs(policy: ReconcilePolicy, failures: number): number {
  const exp = Math.min(Math.max(failures - 1, 0), 20);
  return Math.min(policy.dispatchBackoffBaseMs * 2 ** exp, policy.dispatchBackoffMaxMs);
}

/** Agents in these states have a live process the runtime can type into. */
export const RUNNING: readonly AgentStatus[] = ["working", "idle"];
