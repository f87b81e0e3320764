import { describe, expect, it } from "vitest";
import { verifyAgentToken } from "../../core/agent-token";
import { getAgent, heartbeat } from "../../db/agents";
import { closeBead, getBead } from "../../db/beads";
import { setBeadStatus } from "../../db/bead-rows";
import { convoyProgress, createConvoy } from "../../db/convoys";
import { ackEscalation, getEscalation, listEscalations, raiseEscalation } from "../../db/escalations";
import { getMail, sendMail } from "../../db/mail";
import { readyQueue } from "../../db/ready";
import { sling } from "../../db/sling";
import { ALICE } from "../../db/test-helpers";
import { DEFAULT_POLICY } from "./state";
import { MIN, T0, withReconciler } from "./test-harness";

describe("reconciler: dispatch", () => {
  it("never runs more polecats than the rig allows: 5 beads, maxPolecats 2 -> 2 starts, one more per close", async () => {
    await withReconciler({ maxPolecats: 2 }, async (h) => {
      const beads = [1, 2, 3, 4, 5].map((i) => sling(h.db, { rig: "web", title: `job ${i}`, actor: ALICE }, h.clock.tick()).bead.id);
      await h.pass();
      expect(h.runtime.callsOf("start")).toHaveLength(2);
      expect(await h.running()).toHaveLength(2);
      await h.pass();
      expect(h.runtime.callsOf("start")).toHaveLength(2);

      const started = () => h.runtime.callsOf("start").map((c) => c.req.beadId);
      for (let round = 0; round < 5; round++) {
        const working = beads.filter((b) => getBead(h.db, b).status === "in_progress");
        expect(working.length).toBeLessThanOrEqual(2);
        const done = working[0];
        if (done === undefined) break;
        closeBead(h.db, done, { actor: ALICE }, h.clock.tick(MIN));
        await h.pass();
        expect((await h.running()).length).toBeLessThanOrEqual(2);
        expect(h.hooked()).toBeLessThanOrEqual(2);
      }
      // Every bead started exactly once, in queue order, and no more than 2 polecats ever existed.
      expect(started()).toEqual(beads);
      expect(new Set(h.runtime.callsOf("start").map((c) => c.req.agentId))).toEqual(new Set(["polecat-web-1", "polecat-web-2"]));
    });
  });

  it("hooks ready beads that sling queued, marks them in progress and hands the agent a scoped token", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h) => {
      const bead = sling(h.db, { rig: "web", title: "fix login", body: "Safari times out", actor: ALICE }, h.clock.now()).bead;
      await h.pass();
      const [call] = h.runtime.callsOf("start");
      expect(call?.req).toMatchObject({ agentId: "polecat-web-1", town: "local:test", role: "polecat", beadId: bead.id, rig: { name: "web" } });
      expect(call?.req.prompt).toContain("fix login");
      const claims = await verifyAgentToken("test-agent-secret", call?.req.agentToken ?? "", h.clock.now());
      expect(claims).toMatchObject({ town: "local:test", agent: "polecat-web-1" });
      expect(getBead(h.db, bead.id)).toMatchObject({ status: "in_progress", assignee: "polecat-web-1" });
      expect(getAgent(h.db, "polecat-web-1")).toMatchObject({ status: "working", hookedBeadId: bead.id });
    });
  });
});

describe("reconciler: failed dispatch", () => {
  it("records dispatch_failed, puts the bead back in the ready queue, and dispatches it once after the backoff", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h, rigId) => {
      const bead = sling(h.db, { rig: "web", title: "fix login", actor: ALICE }, h.clock.now()).bead;
      h.runtime.failNextStarts(1, "container is down");
      const first = await h.pass();
      expect(first.report).toMatchObject({ failed: 1 });
      expect(h.events("dispatch_failed").map((e) => [e.beadId, e.data])).toEqual([[bead.id, { agentId: "polecat-web-1", error: "container is down", attempt: 1 }]]);
      expect(getBead(h.db, bead.id)).toMatchObject({ status: "open", assignee: null });
      expect(readyQueue(h.db, { rigId }).map((b) => b.id)).toEqual([bead.id]);
      expect(getAgent(h.db, "polecat-web-1")).toMatchObject({ status: "failed", hookedBeadId: null });
      expect(first.nextAlarmAt).toBe(T0 + DEFAULT_POLICY.dispatchBackoffBaseMs);

      h.clock.tick(10_000);
      await h.pass();
      expect(h.runtime.callsOf("start")).toHaveLength(1);

      h.clock.tick(20_000);
      await h.pass();
      expect(h.runtime.callsOf("start")).toHaveLength(2);
      expect(getBead(h.db, bead.id)).toMatchObject({ status: "in_progress", assignee: "polecat-web-1" });
      expect(await h.running()).toEqual(["polecat-web-1"]);

      h.clock.tick(MIN);
      await h.pass();
      expect(h.runtime.callsOf("start")).toHaveLength(2);
      expect(h.events("dispatch_failed")).toHaveLength(1);
    });
  });

  it("doubles the backoff on consecutive failures and resets it after a success", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h) => {
      sling(h.db, { rig: "web", title: "fix login", actor: ALICE }, h.clock.now());
      h.runtime.failNextStarts(2);
      expect((await h.pass()).nextAlarmAt).toBe(h.clock.now() + 30_000);
      h.clock.tick(30_000);
      expect((await h.pass()).nextAlarmAt).toBe(h.clock.now() + 60_000);
      expect(h.events("dispatch_failed").map((e) => (e.type === "dispatch_failed" ? e.data.attempt : 0))).toEqual([1, 2]);
      h.clock.tick(60_000);
      await h.pass();
      expect(await h.running()).toEqual(["polecat-web-1"]);
      expect(h.runtime.callsOf("start")).toHaveLength(3);
    });
  });

  it("turns a missing agent secret into a visible dispatch failure, not a crash", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h) => {
      sling(h.db, { rig: "web", title: "fix login", actor: ALICE }, h.clock.now());
      h.ctx.agentSecret = undefined;
      await h.pass();
      expect(h.runtime.callsOf("start")).toHaveLength(0);
      const [ev] = h.events("dispatch_failed");
      expect(ev?.type === "dispatch_failed" && ev.data.error).toContain("GASTOWN_AGENT_SECRET");
    });
  });
});

describe("reconciler: witness", () => {
  it("restarts a polecat with a stale heartbeat, then escalates once after the restart limit", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h) => {
      const bead = sling(h.db, { rig: "web", title: "fix login", actor: ALICE }, h.clock.now()).bead;
      await h.pass();
      for (let i = 1; i <= DEFAULT_POLICY.maxRestarts; i++) {
        h.clock.tick(10 * MIN);
        await h.pass();
        expect(getAgent(h.db, "polecat-web-1").restarts).toBe(i);
        expect(h.runtime.callsOf("start")).toHaveLength(1 + i);
      }
      expect(await h.running()).toEqual(["polecat-web-1"]);
      expect(listEscalations(h.db, { open: true })).toEqual([]);

      h.clock.tick(10 * MIN);
      await h.pass();
      const escalations = listEscalations(h.db, { open: true });
      expect(escalations).toHaveLength(1);
      expect(escalations[0]).toMatchObject({ source: "witness", severity: "high", subjectBeadId: bead.id, metadata: { agentId: "polecat-web-1", restarts: 3 } });
      expect(h.events("escalation_raised")).toHaveLength(1);
      expect(getAgent(h.db, "polecat-web-1")).toMatchObject({ status: "stalled", hookedBeadId: bead.id });

      h.clock.tick(10 * MIN);
      await h.pass();
      expect(listEscalations(h.db, { open: true })).toHaveLength(1);
      expect(h.runtime.callsOf("start")).toHaveLength(1 + DEFAULT_POLICY.maxRestarts);
    });
  });

  it("keeps a polecat that heartbeats, and nudges it when its hook sits idle", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h) => {
      const bead = sling(h.db, { rig: "web", title: "fix login", actor: ALICE }, h.clock.now()).bead;
      await h.pass();
      const beat = () => heartbeat(h.db, "polecat-web-1", { status: "idle" }, h.clock.now());

      h.clock.tick(4 * MIN);
      beat();
      await h.pass();
      expect(h.runtime.callsOf("nudge")).toHaveLength(0);

      h.clock.tick(MIN);
      beat();
      await h.pass();
      const nudges = h.runtime.callsOf("nudge");
      expect(nudges.map((n) => n.agentId)).toEqual(["polecat-web-1"]);
      expect(nudges[0]?.text).toContain(bead.id);
      expect(h.events("nudge_sent")).toHaveLength(1);

      for (let i = 0; i < 9; i++) {
        h.clock.tick(MIN);
        beat();
        await h.pass();
      }
      expect(h.runtime.callsOf("nudge")).toHaveLength(1);
      h.clock.tick(MIN);
      beat();
      await h.pass();
      expect(h.runtime.callsOf("nudge")).toHaveLength(2);
      expect(h.runtime.callsOf("start")).toHaveLength(1);
    });
  });

  it("stops a polecat whose bead was closed while nothing else is ready", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h) => {
      const bead = sling(h.db, { rig: "web", title: "fix login", actor: ALICE }, h.clock.now()).bead;
      await h.pass();
      expect(await h.running()).toEqual(["polecat-web-1"]);
      const stopsBefore = h.runtime.callsOf("stop").length;
      closeBead(h.db, bead.id, { actor: ALICE }, h.clock.tick());
      await h.pass();
      expect(h.runtime.callsOf("stop").slice(stopsBefore).map((c) => c.agentId)).toEqual(["polecat-web-1"]);
      expect(await h.running()).toEqual([]);
      expect(getAgent(h.db, "polecat-web-1")).toMatchObject({ status: "exited", hookedBeadId: null });
    });
  });

  it("tries a failed stop again after the backoff, not before, until the runtime stops it", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h) => {
      const bead = sling(h.db, { rig: "web", title: "fix login", actor: ALICE }, h.clock.now()).bead;
      await h.pass();
      const stops = () => h.runtime.callsOf("stop").length;
      const before = stops();
      h.runtime.failNextStops(2, "container is down");
      closeBead(h.db, bead.id, { actor: ALICE }, h.clock.tick());
      const first = await h.pass();
      expect(stops() - before).toBe(1);
      expect(getAgent(h.db, "polecat-web-1")).toMatchObject({ status: "stalled", hookedBeadId: null });
      expect(await h.running()).toEqual(["polecat-web-1"]);
      // The alarm comes back for the retry.
      expect(first.nextAlarmAt).toBe(h.clock.now() + DEFAULT_POLICY.dispatchBackoffBaseMs);

      h.clock.tick(DEFAULT_POLICY.dispatchBackoffBaseMs - 1);
      await h.pass();
      expect(stops() - before).toBe(1);

      h.clock.tick(1);
      const second = await h.pass();
      expect(stops() - before).toBe(2);
      // Failed again: the backoff doubles.
      expect(second.nextAlarmAt).toBe(h.clock.now() + 2 * DEFAULT_POLICY.dispatchBackoffBaseMs);

      h.clock.tick(2 * DEFAULT_POLICY.dispatchBackoffBaseMs);
      await h.pass();
      expect(stops() - before).toBe(3);
      expect(await h.running()).toEqual([]);
      expect(getAgent(h.db, "polecat-web-1")).toMatchObject({ status: "exited", hookedBeadId: null });

      h.clock.tick(DEFAULT_POLICY.dispatchBackoffMaxMs);
      await h.pass();
      expect(stops() - before).toBe(3);
    });
  });
});

describe("reconciler: mail, escalations, convoys", () => {
  it("delivers mail to a running agent by nudge; a failed delivery is an event and is retried", async () => {
    await withReconciler({ maxPolecats: 1 }, async (h) => {
      sling(h.db, { rig: "web", title: "fix login", actor: ALICE }, h.clock.now());
      await h.pass();
      const mail = sendMail(h.db, { to: "polecat-web-1", subject: "Use the v2 API", body: "The v1 endpoint is gone.", actor: ALICE }, h.clock.tick());
      h.runtime.failNextNudges(1, "pty closed");
      const failed = await h.pass();
      expect(h.events("notification_failed").map((e) => e.data)).toEqual([{ what: `mail ${mail.id} to polecat-web-1`, error: "pty closed", attempt: 1 }]);
      expect(getMail(h.db, mail.id)).toMatchObject({ deliveredAt: null, attempts: 1 });
      expect(failed.nextAlarmAt).toBe(h.clock.now() + DEFAULT_POLICY.retryMs);

      h.clock.tick(DEFAULT_POLICY.retryMs);
      await h.pass();
      const texts = h.runtime.callsOf("nudge").map((n) => n.text);
      expect(texts).toHaveLength(2);
      expect(texts[1]).toContain("Use the v2 API");
      expect(texts[1]).toContain("The v1 endpoint is gone.");
      expect(getMail(h.db, mail.id).deliveredAt).toBe(h.clock.now());
      expect(h.events("mail_delivered")).toHaveLength(1);
      await h.pass();
      expect(h.runtime.callsOf("nudge")).toHaveLength(2);
    });
  });

  it("re-escalates an unacknowledged escalation when due, with a bumped severity, and stops once acked", async () => {
    await withReconciler({}, async (h) => {
      const esc = raiseEscalation(h.db, { severity: "high", title: "deploy is stuck", actor: ALICE }, h.clock.now());
      const early = await h.pass();
      expect(h.events("escalation_reescalated")).toHaveLength(0);
      const due = esc.nextDeadlineAt ?? 0;
      expect(early.nextAlarmAt).toBe(due);

      h.clock.tick(due - h.clock.now());
      await h.pass();
      expect(h.events("escalation_reescalated").map((e) => e.data)).toEqual([
        expect.objectContaining({ escalationId: esc.id, severity: "critical", count: 1 }),
      ]);
      expect(getEscalation(h.db, esc.id)).toMatchObject({ severity: "critical", reescalations: 1 });

      ackEscalation(h.db, esc.id, ALICE, h.clock.tick());
      h.clock.tick(120 * MIN);
      const after = await h.pass();
      expect(h.events("escalation_reescalated")).toHaveLength(1);
      expect(after.nextAlarmAt).toBeNull();
    });
  });

  it("lands a convoy whose beads all closed without landing it (the safety net), exactly once", async () => {
    await withReconciler({ maxPolecats: 0 }, async (h) => {
      const ids = [1, 2].map((i) => sling(h.db, { rig: "web", title: `part ${i}`, actor: ALICE }, h.clock.tick()).bead.id);
      const convoy = createConvoy(h.db, { name: "release", beadIds: ids, actor: ALICE }, h.clock.tick());
      // Closed behind the store's back (e.g. an import): nothing landed the convoy.
      for (const id of ids) setBeadStatus(h.db, id, "closed", ALICE, h.clock.tick());
      expect(convoyProgress(h.db, convoy.convoyId).landedAt).toBeNull();
      await h.pass();
      await h.pass();
      expect(h.events("convoy_landed").map((e) => e.data)).toEqual([{ convoyId: convoy.convoyId, name: "release", total: 2 }]);
      expect(convoyProgress(h.db, convoy.convoyId).landedAt).not.toBeNull();
    });
  });
});

describe("reconciler: invariants under churn", () => {
  /** Small deterministic PRNG (mulberry32) so a failure replays exactly. */
  function rng(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  for (const seed of [1, 2, 3]) {
    it(`never exceeds maxPolecats and never runs a bead twice (seed ${seed})`, async () => {
      await withReconciler({ maxPolecats: 3 }, async (h) => {
        const random = rng(seed);
        const beads: string[] = [];
        for (let step = 0; step < 60; step++) {
          const r = random();
          if (r < 0.4) beads.push(sling(h.db, { rig: "web", title: `job ${step}`, priority: `P${Math.floor(random() * 5)}` as "P2", actor: ALICE }, h.clock.now()).bead.id);
          else if (r < 0.65) {
            const open = beads.filter((b) => getBead(h.db, b).status === "in_progress");
            const pick = open[Math.floor(random() * open.length)];
            if (pick) closeBead(h.db, pick, { actor: ALICE }, h.clock.now());
          } else if (r < 0.75) h.runtime.failNextStarts(1);
          else if (r < 0.85) {
            const running = await h.running();
            const victim = running[Math.floor(random() * running.length)];
            if (victim) h.runtime.exit(victim, 1);
          }
          // Live agents heartbeat most of the time; some passes let heartbeats go stale.
          if (random() < 0.8) for (const id of await h.running()) heartbeat(h.db, id, { status: "working" }, h.clock.now());
          await h.pass();
          h.clock.tick(Math.floor(random() * 4 * MIN));

          const running = await h.running();
          expect(running.length).toBeLessThanOrEqual(3);
          expect(h.hooked()).toBeLessThanOrEqual(3);
          const inProgress = beads.filter((b) => getBead(h.db, b).status === "in_progress");
          expect(inProgress.length).toBeLessThanOrEqual(3);
          // Each running process works on a distinct bead.
          const runningBeads = (await h.runtime.list()).filter((a) => a.running).map((a) => a.beadId);
          expect(new Set(runningBeads).size).toBe(runningBeads.length);
        }
        // The churn really exercised dispatch, failures and restarts.
        expect(h.runtime.callsOf("start").length).toBeGreaterThan(8);
        expect(h.events("dispatch_failed").length).toBeGreaterThan(0);
      });
    });
  }
});
