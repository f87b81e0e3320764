import { describe, expect, it } from "vitest";
import { type Action, type ActionOf, type ActionType, Action as ActionSchema } from "./actions";
import { nextAlarmOf, plan } from "./plan";
import { type AgentState, DEFAULT_POLICY, dispatchBackoffMs, type RigState, type TownSnapshot } from "./state";

const T0 = 1_800_000_000_000;
const MIN = 60_000;

function rig(over: Partial<RigState> = {}): RigState {
  return { id: "rig-web", polecatBase: "polecat-web", maxPolecats: 2, staleAfterMs: 10 * MIN, ready: [], ...over };
}

function ready(n: number, prefix = "web"): RigState["ready"] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-b${String(i).padStart(3, "0")}`, priority: 2, createdAt: T0 + i }));
}

function polecat(id: string, over: Partial<AgentState> = {}): AgentState {
  return {
    id,
    role: "polecat",
    rigId: "rig-web",
    status: "exited",
    hookedBeadId: null,
    hookStatus: null,
    lastHeartbeatAt: null,
    lastActivityAt: null,
    lastNudgeAt: null,
    restarts: 0,
    dispatchFailures: 0,
    nextDispatchAt: null,
    createdAt: T0,
    ...over,
  };
}

/** A polecat working on `beadId` with a fresh heartbeat and recent activity. */
function working(id: string, beadId: string, now: number, over: Partial<AgentState> = {}): AgentState {
  return polecat(id, { status: "working", hookedBeadId: beadId, hookStatus: "in_progress", lastHeartbeatAt: now, lastActivityAt: now, ...over });
}

function town(over: Partial<TownSnapshot> = {}): TownSnapshot {
  return { rigs: [rig()], agents: [], pendingMail: [], escalations: [], convoys: [], stuckEscalated: [], ...over };
}

function only<T extends ActionType>(actions: Action[], type: T): ActionOf<T>[] {
  return actions.filter((a): a is ActionOf<T> => a.type === type);
}

describe("plan: dispatch", () => {
  it("fills exactly maxPolecats slots from the head of the ready queue, in queue order", () => {
    const actions = plan(town({ rigs: [rig({ ready: ready(5) })] }), T0);
    const d = only(actions, "dispatch");
    expect(d.map((a) => [a.beadId, a.agentId, a.hook, a.createAgent])).toEqual([
      ["web-b000", "polecat-web-1", true, true],
      ["web-b001", "polecat-web-2", true, true],
    ]);
    for (const a of actions) ActionSchema.parse(a);
  });

  it("counts every hooked polecat against the limit, whatever its status", () => {
    const agents = [working("polecat-web-1", "web-x001", T0), polecat("polecat-web-2", { status: "stalled", hookedBeadId: "web-x002", hookStatus: "in_progress", lastHeartbeatAt: T0 })];
    expect(only(plan(town({ rigs: [rig({ ready: ready(5) })], agents }), T0), "dispatch")).toEqual([]);
    const one = plan(town({ rigs: [rig({ maxPolecats: 3, ready: ready(5) })], agents }), T0);
    expect(only(one, "dispatch").map((a) => a.beadId)).toEqual(["web-b000"]);
  });

  it("starts a polecat that sling already hooked, without hooking anything more past the limit", () => {
    const agents = [polecat("polecat-web-1", { hookedBeadId: "web-s001", hookStatus: "hooked" }), polecat("polecat-web-2", { hookedBeadId: "web-s002", hookStatus: "hooked" })];
    const d = only(plan(town({ rigs: [rig({ ready: ready(3) })], agents }), T0), "dispatch");
    expect(d.map((a) => [a.agentId, a.beadId, a.hook])).toEqual([
      ["polecat-web-1", "web-s001", false],
      ["polecat-web-2", "web-s002", false],
    ]);
  });

  it("skips ready beads that are already on someone's hook and never plans a bead twice", () => {
    const r = rig({ maxPolecats: 4, ready: ready(3) });
    const agents = [working("polecat-web-1", "web-b000", T0)];
    const d = only(plan(town({ rigs: [r], agents }), T0), "dispatch");
    expect(d.map((a) => a.beadId)).toEqual(["web-b001", "web-b002"]);
    expect(new Set(d.map((a) => a.agentId)).size).toBe(2);
    expect(d.map((a) => a.agentId)).not.toContain("polecat-web-1");
  });

  it("reuses free polecats (the last failed one first) before registering new ones", () => {
    const agents = [polecat("polecat-web-1"), polecat("polecat-web-3", { status: "failed", dispatchFailures: 2, nextDispatchAt: T0 - 1 })];
    const d = only(plan(town({ rigs: [rig({ maxPolecats: 3, ready: ready(3) })], agents }), T0), "dispatch");
    expect(d.map((a) => [a.agentId, a.createAgent])).toEqual([
      ["polecat-web-3", false],
      ["polecat-web-1", false],
      ["polecat-web-2", true],
    ]);
  });

  it("holds the whole rig during a dispatch backoff and wakes when it ends", () => {
    const agents = [polecat("polecat-web-1", { status: "failed", dispatchFailures: 1, nextDispatchAt: T0 + 30_000 })];
    const during = plan(town({ rigs: [rig({ ready: ready(2) })], agents }), T0 + 10_000);
    expect(only(during, "dispatch")).toEqual([]);
    expect(nextAlarmOf(during)).toBe(T0 + 30_000);
    const after = plan(town({ rigs: [rig({ ready: ready(2) })], agents }), T0 + 30_000);
    expect(only(after, "dispatch").map((a) => a.agentId)).toEqual(["polecat-web-1", "polecat-web-2"]);
  });

  it("backs off exponentially up to the cap", () => {
    expect([1, 2, 3, 4].map((n) => dispatchBackoffMs(DEFAULT_POLICY, n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(dispatchBackoffMs(DEFAULT_POLICY, 50)).toBe(DEFAULT_POLICY.dispatchBackoffMaxMs);
  });

  it("replaces the process of a polecat left running without a hook instead of stopping it", () => {
    const agents = [polecat("polecat-web-1", { status: "working", lastHeartbeatAt: T0 }), polecat("polecat-web-2", { status: "idle", lastHeartbeatAt: T0 })];
    const actions = plan(town({ rigs: [rig({ ready: ready(1) })], agents }), T0);
    expect(only(actions, "dispatch").map((a) => [a.agentId, a.createAgent])).toEqual([["polecat-web-1", false]]);
    expect(only(actions, "stop").map((a) => a.agentId)).toEqual(["polecat-web-2"]);
  });

  it("dispatches nothing on a rig with maxPolecats 0", () => {
    expect(only(plan(town({ rigs: [rig({ maxPolecats: 0, ready: ready(3) })] }), T0), "dispatch")).toEqual([]);
  });
});

describe("plan: witness patrol", () => {
  it("stops a stalled polecat whose stop failed once its backoff is over, and wakes for it before", () => {
    const stalled = polecat("polecat-web-1", { status: "stalled", dispatchFailures: 1, nextDispatchAt: T0 + 30_000 });
    const early = plan(town({ agents: [stalled] }), T0);
    expect(only(early, "stop")).toEqual([]);
    expect(nextAlarmOf(early)).toBe(T0 + 30_000);
    expect(only(plan(town({ agents: [stalled] }), T0 + 30_000), "stop")).toEqual([{ type: "stop", agentId: "polecat-web-1", reason: "retry" }]);
    // A stalled polecat that never failed a stop is the witness's business, not a stop.
    expect(only(plan(town({ agents: [polecat("polecat-web-1", { status: "stalled" })] }), T0 + 30_000), "stop")).toEqual([]);
  });

  it("restarts a polecat whose heartbeat went stale, counting attempts", () => {
    const agents = [working("polecat-web-1", "web-a001", T0, { restarts: 1 })];
    expect(only(plan(town({ agents }), T0 + 10 * MIN - 1), "restart")).toEqual([]);
    expect(only(plan(town({ agents }), T0 + 10 * MIN), "restart")).toEqual([
      { type: "restart", agentId: "polecat-web-1", beadId: "web-a001", reason: "stale_heartbeat", attempt: 2 },
    ]);
  });

  it("restarts a polecat that exited with its bead in progress", () => {
    const agents = [working("polecat-web-1", "web-a001", T0, { status: "exited" })];
    expect(only(plan(town({ agents }), T0 + 1), "restart").map((a) => a.reason)).toEqual(["exited_with_hook"]);
  });

  it("escalates once after maxRestarts instead of restarting again", () => {
    const stuck = [working("polecat-web-1", "web-a001", T0, { restarts: DEFAULT_POLICY.maxRestarts })];
    const late = T0 + 11 * MIN;
    const first = plan(town({ agents: stuck }), late);
    expect(only(first, "restart")).toEqual([]);
    expect(only(first, "escalate_stuck")).toEqual([{ type: "escalate_stuck", agentId: "polecat-web-1", beadId: "web-a001", rigId: "rig-web", restarts: 3 }]);
    expect(only(plan(town({ agents: stuck, stuckEscalated: ["web-a001"] }), late), "escalate_stuck")).toEqual([]);
  });

  it("leaves beads in review alone (the refinery has them)", () => {
    const agents = [working("polecat-web-1", "web-a001", T0, { status: "exited", hookStatus: "review" })];
    const actions = plan(town({ agents }), T0 + 60 * MIN);
    expect(actions.filter((a) => a.type !== "next_alarm_at")).toEqual([]);
  });

  it("nudges an idle hooked polecat, then not again until nudgeEveryMs has passed", () => {
    const idleSince = T0;
    const now = T0 + DEFAULT_POLICY.idleNudgeAfterMs;
    const agent = working("polecat-web-1", "web-a001", now, { status: "idle", lastActivityAt: idleSince });
    const nudges = only(plan(town({ agents: [agent] }), now), "nudge_idle");
    expect(nudges).toHaveLength(1);
    expect(nudges[0]?.text).toContain("web-a001");
    const nudged = { ...agent, lastNudgeAt: now };
    const soon = plan(town({ agents: [{ ...nudged, lastHeartbeatAt: now + MIN }] }), now + MIN);
    expect(only(soon, "nudge_idle")).toEqual([]);
    expect(nextAlarmOf(soon)).toBeLessThanOrEqual(now + DEFAULT_POLICY.nudgeEveryMs);
    const later = now + DEFAULT_POLICY.nudgeEveryMs;
    expect(only(plan(town({ agents: [{ ...nudged, lastHeartbeatAt: later }] }), later), "nudge_idle")).toHaveLength(1);
  });

  it("does not nudge an agent that shows activity", () => {
    const now = T0 + 60 * MIN;
    expect(only(plan(town({ agents: [working("polecat-web-1", "web-a001", now)] }), now), "nudge_idle")).toEqual([]);
  });
});

describe("plan: mail, escalations, convoys, alarm", () => {
  it("delivers pending mail only to running agents, and retries soon for one still starting", () => {
    const agents = [working("polecat-web-1", "web-a001", T0), polecat("polecat-web-2", { status: "starting", hookedBeadId: "web-a002", hookStatus: "in_progress", lastHeartbeatAt: T0 })];
    const pendingMail = [
      { mailId: "web-m001", toAgentId: "polecat-web-1", attempts: 0, createdAt: T0 },
      { mailId: "web-m002", toAgentId: "polecat-web-2", attempts: 0, createdAt: T0 },
      { mailId: "web-m003", toAgentId: "polecat-web-1", attempts: DEFAULT_POLICY.maxMailAttempts, createdAt: T0 },
    ];
    const actions = plan(town({ agents, pendingMail }), T0);
    expect(only(actions, "deliver_mail")).toEqual([{ type: "deliver_mail", mailId: "web-m001", agentId: "polecat-web-1" }]);
    expect(nextAlarmOf(actions)).toBe(T0 + DEFAULT_POLICY.retryMs);
  });

  it("re-escalates due escalations with a bumped severity and wakes for the next deadline", () => {
    const escalations = [
      { escalationId: "hq-e001", severity: "high" as const, reescalations: 0, nextDeadlineAt: T0 },
      { escalationId: "hq-e002", severity: "critical" as const, reescalations: 1, nextDeadlineAt: T0 - 5 },
      { escalationId: "hq-e003", severity: "low" as const, reescalations: 0, nextDeadlineAt: T0 + 7 * MIN },
      { escalationId: "hq-e004", severity: "low" as const, reescalations: DEFAULT_POLICY.maxReescalations, nextDeadlineAt: T0 - 5 },
    ];
    const actions = plan(town({ rigs: [], escalations }), T0);
    expect(only(actions, "reescalate")).toEqual([
      { type: "reescalate", escalationId: "hq-e001", from: "high", to: "critical", count: 1 },
      { type: "reescalate", escalationId: "hq-e002", from: "critical", to: "critical", count: 2 },
    ]);
    expect(nextAlarmOf(actions)).toBe(T0 + 7 * MIN);
  });

  it("lands only convoys whose beads are all closed", () => {
    const convoys = [
      { convoyId: "hq-c001", total: 3, closed: 3, memberBeadId: "web-a001" },
      { convoyId: "hq-c002", total: 3, closed: 2, memberBeadId: "web-a004" },
      { convoyId: "hq-c003", total: 0, closed: 0, memberBeadId: null },
    ];
    expect(only(plan(town({ convoys }), T0), "land_convoy")).toEqual([{ type: "land_convoy", convoyId: "hq-c001", memberBeadId: "web-a001" }]);
  });

  it("sleeps (next_alarm_at null) when nothing waits on time", () => {
    const actions = plan(town(), T0);
    expect(actions).toEqual([{ type: "next_alarm_at", at: null }]);
  });

  it("watches hooked agents at least every patrol interval", () => {
    const actions = plan(town({ rigs: [rig({ staleAfterMs: 24 * 60 * MIN })], agents: [working("polecat-web-1", "web-a001", T0)] }), T0);
    expect(nextAlarmOf(actions)).toBe(T0 + DEFAULT_POLICY.patrolEveryMs);
  });
});
