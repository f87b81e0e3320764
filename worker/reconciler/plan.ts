import { bumpSeverity } from "../../core/domain";
import type { Action } from "./actions";
import { type AgentState, DEFAULT_POLICY, type ReconcilePolicy, RUNNING, type RigState, type TownSnapshot } from "./state";

/**
 * The reconciler's functional core: from a snapshot of the town and the time, decide what
 * to do. No I/O, no clock, no randomness: the same input always gives the same actions,
 * so every rule below is tested by building a snapshot and reading the answer.
 */

/** Stale window for hooked agents outside any rig (town-wide refinery or mayor work). */
const DEFAULT_STALE_MS = 10 * 60_000;

/** Collects the earliest future time at which something becomes due. */
class Wake {
  earliest: number | null = null;
  constructor(private readonly now: number) {}
  at(t: number): void {
    const when = Math.max(t, this.now);
    if (this.earliest === null || when < this.earliest) this.earliest = when;
  }
}

/** Plans one reconciler pass; the last action is always `next_alarm_at`. */
export function plan(state: TownSnapshot, now: number, policy: ReconcilePolicy = DEFAULT_POLICY): Action[] {
  const out: Action[] = [];
  const wake = new Wake(now);
  planConvoys(state, out);
  planReescalations(state, now, policy, out, wake);
  const reused = planDispatch(state, now, out, wake);
  planPatrol(state, now, policy, reused, out, wake);
  planMail(state, now, policy, out, wake);
  out.push({ type: "next_alarm_at", at: wake.earliest });
  return out;
}

/** True when a plan holds anything besides its `next_alarm_at`. */
export function hasWork(actions: readonly Action[]): boolean {
  return actions.some((a) => a.type !== "next_alarm_at");
}

/** The plan's `next_alarm_at`, or null. */
export function nextAlarmOf(actions: readonly Action[]): number | null {
  for (const a of actions) if (a.type === "next_alarm_at") return a.at;
  return null;
}

function planConvoys(state: TownSnapshot, out: Action[]): void {
  for (const c of state.convoys) {
    if (c.memberBeadId !== null && c.total > 0 && c.closed >= c.total) {
      out.push({ type: "land_convoy", convoyId: c.convoyId, memberBeadId: c.memberBeadId });
    }
  }
}

/**
 * Escalation timers: a held ping goes out when quiet hours end, a failed ping is sent again
 * when its retry is due, and an unacknowledged one re-escalates at its deadline.
 */
function planReescalations(state: TownSnapshot, now: number, policy: ReconcilePolicy, out: Action[], wake: Wake): void {
  for (const e of state.escalations) {
    const held = e.heldUntil ?? null;
    if (held !== null) {
      if (held <= now) out.push({ type: "release_escalation", escalationId: e.escalationId });
      else wake.at(held);
    }
    const retry = e.pingRetryAt ?? null;
    if (retry !== null) {
      if (retry <= now) out.push({ type: "reping_escalation", escalationId: e.escalationId });
      else wake.at(retry);
    }
    if (e.nextDeadlineAt === null || e.reescalations >= policy.maxReescalations) continue;
    if (e.nextDeadlineAt > now) {
      wake.at(e.nextDeadlineAt);
      continue;
    }
    out.push({ type: "reescalate", escalationId: e.escalationId, from: e.severity, to: bumpSeverity(e.severity), count: e.reescalations + 1 });
  }
}

/**
 * The witness: every hooked polecat must be working on its hook (GUPP). A process that
 * exited while its bead was in progress, or a stale heartbeat, gets a restart, up to
 * `maxRestarts`; then one escalation to a person. A live agent that shows no activity gets a
 * nudge, at most once per `nudgeEveryMs`. A hook whose bead is still `hooked` was never
 * started: that is the dispatcher's job, unless the start is in flight (`starting`), which
 * goes stale like any other. A bead in `review` needs no process.
 */
function planPatrol(state: TownSnapshot, now: number, policy: ReconcilePolicy, reused: ReadonlySet<string>, out: Action[], wake: Wake): void {
  const rigs = new Map(state.rigs.map((r) => [r.id, r]));
  const escalated = new Set(state.stuckEscalated);
  let watching = false;
  for (const agent of state.agents) {
    const beadId = agent.hookedBeadId;
    if (agent.role !== "polecat") continue;
    if (beadId === null) {
      // A dispatch that reuses this polecat replaces its process anyway.
      if (reused.has(agent.id)) continue;
      const live = agent.status === "starting" || RUNNING.includes(agent.status);
      if (live) out.push({ type: "stop", agentId: agent.id, reason: "no_hook" });
      // A stop that failed (runtime down): it may still run, so try again after the backoff.
      else if (agent.status === "stalled" && agent.dispatchFailures > 0) {
        const at = agent.nextDispatchAt ?? now;
        if (at <= now) out.push({ type: "stop", agentId: agent.id, reason: "retry" });
        else wake.at(at);
      }
      continue;
    }
    if (agent.hookStatus !== "hooked" && agent.hookStatus !== "in_progress") continue;
    if (agent.hookStatus === "hooked" && agent.status !== "starting") continue;
    const down = agent.status === "exited" || agent.status === "failed";
    watching = true;
    const staleAfter = (agent.rigId !== null ? rigs.get(agent.rigId)?.staleAfterMs : undefined) ?? DEFAULT_STALE_MS;
    const beat = agent.lastHeartbeatAt ?? agent.createdAt;
    if (down || now - beat >= staleAfter) {
      if (agent.restarts >= policy.maxRestarts) {
        if (!escalated.has(beadId)) {
          out.push({ type: "escalate_stuck", agentId: agent.id, beadId, rigId: agent.rigId, restarts: agent.restarts });
        }
        continue;
      }
      out.push({
        type: "restart",
        agentId: agent.id,
        beadId,
        reason: down ? "exited_with_hook" : "stale_heartbeat",
        attempt: agent.restarts + 1,
      });
      continue;
    }
    wake.at(beat + staleAfter);
    if (RUNNING.includes(agent.status)) planNudge(agent, beadId, now, policy, out, wake);
  }
  if (watching) wake.at(now + policy.patrolEveryMs);
}

function planNudge(agent: AgentState, beadId: string, now: number, policy: ReconcilePolicy, out: Action[], wake: Wake): void {
  const idleSince = agent.lastActivityAt ?? agent.createdAt;
  const due = Math.max(idleSince + policy.idleNudgeAfterMs, (agent.lastNudgeAt ?? Number.NEGATIVE_INFINITY) + policy.nudgeEveryMs);
  if (due > now) {
    wake.at(due);
    return;
  }
  out.push({ type: "nudge_idle", agentId: agent.id, beadId, text: idleNudgeText(beadId) });
}

/** What an idle agent with work on its hook is told. */
export function idleNudgeText(beadId: string): string {
  return `Reminder from the witness: bead ${beadId} is on your hook. Keep working on it; call gt_done when it is finished, or gt_escalate if you are stuck.`;
}

function planMail(state: TownSnapshot, now: number, policy: ReconcilePolicy, out: Action[], wake: Wake): void {
  const agents = new Map(state.agents.map((a) => [a.id, a]));
  for (const m of state.pendingMail) {
    if (m.attempts >= policy.maxMailAttempts) continue;
    const agent = agents.get(m.toAgentId);
    if (!agent) continue;
    if (RUNNING.includes(agent.status)) out.push({ type: "deliver_mail", mailId: m.mailId, agentId: agent.id });
    // A starting agent cannot take input yet; look again shortly rather than wait for a patrol.
    else if (agent.status === "starting") wake.at(now + policy.retryMs);
  }
}

/**
 * Start hooked polecats that have no process yet, then fill each rig's free slots from the
 * head of its ready queue. A slot is held by every polecat with a hook, whatever its status:
 * a stalled or exited one still owns its bead until the witness restarts it, so it counts
 * against `maxPolecats`. After a failed dispatch the whole rig waits out the backoff (a down
 * runtime fails every start alike) and the failed polecat is tried first, so consecutive
 * failures keep growing its backoff. A polecat still running without a hook is reused too (the
 * dispatch replaces its process) rather than stopped while a new one is registered.
 * Returns the ids of unhooked polecats this plan reuses.
 */
function planDispatch(state: TownSnapshot, now: number, out: Action[], wake: Wake): Set<string> {
  const reused = new Set<string>();
  const hooked = new Set<string>();
  const ids = new Set<string>();
  for (const a of state.agents) {
    ids.add(a.id);
    if (a.hookedBeadId !== null) hooked.add(a.hookedBeadId);
  }
  for (const rig of state.rigs) {
    const polecats = state.agents.filter((a) => a.role === "polecat" && a.rigId === rig.id);
    // Hooked but never started for this bead. Only a dispatch in flight is `starting`; any
    // other status belongs to an earlier process (or none), which the dispatch replaces.
    const unstarted = polecats.filter((a) => a.hookedBeadId !== null && a.hookStatus === "hooked" && a.status !== "starting");
    let free = rig.maxPolecats - polecats.filter((a) => a.hookedBeadId !== null).length;
    const candidates = rig.ready.filter((b) => !hooked.has(b.id));
    if (unstarted.length === 0 && (free <= 0 || candidates.length === 0)) continue;
    const backoffUntil = Math.max(0, ...polecats.map((a) => a.nextDispatchAt ?? 0));
    if (backoffUntil > now) {
      wake.at(backoffUntil);
      continue;
    }
    for (const a of unstarted) {
      if (a.hookedBeadId === null) continue;
      out.push({ type: "dispatch", rigId: rig.id, beadId: a.hookedBeadId, agentId: a.id, hook: false, createAgent: false });
    }
    const down = (a: AgentState) => (a.status === "exited" || a.status === "failed" ? 0 : 1);
    const reusable = polecats
      .filter((a) => a.hookedBeadId === null)
      .sort((a, b) => b.dispatchFailures - a.dispatchFailures || down(a) - down(b) || a.id.localeCompare(b.id));
    for (const bead of candidates) {
      if (free <= 0) break;
      const reuse = reusable.shift();
      const agentId = reuse ? reuse.id : newPolecatId(rig, ids);
      ids.add(agentId);
      if (reuse) reused.add(reuse.id);
      hooked.add(bead.id);
      out.push({ type: "dispatch", rigId: rig.id, beadId: bead.id, agentId, hook: true, createAgent: reuse === undefined });
      free--;
    }
  }
  return reused;
}

/** `<polecatBase>-<n>` with the smallest free n: short, stable, safe as a container id. */
function newPolecatId(rig: RigState, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const id = `${rig.polecatBase}-${n}`;
    if (!taken.has(id)) return id;
  }
}
