import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GastownError } from "../../core/errors";
import { getAgent } from "../../db/agents";
import { getBead } from "../../db/beads";
import { convoyProgress, createConvoy } from "../../db/convoys";
import { listEscalations } from "../../db/escalations";
import { inbox } from "../../db/mail";
import { listMergeQueue, mergeRequestView } from "../../db/merge-requests";
import { mergeRequests } from "../../db/schema";
import { ALICE, allEvents, counts } from "../../db/test-helpers";
import { decideMerge } from "./decision";
import { DIFFSTAT_CHARS } from "./outcome";
import { DEFAULT_REFINERY_POLICY } from "./policy";
import { conflicted, gateFailed, mergeResult, withRefinery } from "./test-kit";

const GATES = [{ name: "test", argv: ["npm", "test"], timeoutSec: 60 }];
const BOB = { kind: "user" as const, id: "slack:user:U2", name: "bob" };
const CAROL = { kind: "user" as const, id: "slack:user:U3", name: "carol" };

describe("refinery: the merge queue", () => {
  it("merges two branches of one rig in queue order, never two at once, closing the beads and releasing the polecats", async () => {
    await withRefinery({ qualityGates: GATES }, async (k) => {
      const a = await k.work("fix login");
      const b = await k.work("fix logout");
      const mrA = k.done(a.beadId, "login fixed");
      k.clock.tick();
      const mrB = k.done(b.beadId, "logout fixed");
      expect(listMergeQueue(k.db).map((m) => [m.id, m.position, m.state])).toEqual([
        [mrA, 1, "queued"],
        [mrB, 2, "queued"],
      ]);
      // Two passes at once (an alarm and a retry, say) still run one merge of the rig at a time.
      const [r1, r2] = await Promise.all([k.refine(), k.refine()]);
      expect(r1.merged + r2.merged).toBe(2);
      expect(k.runtime.maxInFlight.get("web")).toBe(1);
      expect(k.runtime.merges().map((m) => [m.branch, m.target, m.push, m.gates])).toEqual([
        [`gt/${a.beadId}`, "main", true, GATES],
        [`gt/${b.beadId}`, "main", true, GATES],
      ]);
      expect(k.mergeEvents(mrA).map((e) => e.data.state)).toEqual(["queued", "merging", "merged"]);
      const merged = k.mergeEvents(mrA).at(-1)?.data;
      expect(merged).toMatchObject({ sourceBeadId: a.beadId, target: "main", commit: "a".repeat(40), gates: [{ name: "test", ok: true }] });
      expect(k.mergeEvents(mrA).at(-1)?.beadId).toBe(a.beadId);
      for (const { beadId, agentId } of [a, b]) {
        expect(getBead(k.db, beadId).status).toBe("closed");
        expect(getAgent(k.db, agentId).hookedBeadId).toBeNull();
      }
      expect(listMergeQueue(k.db)).toEqual([]);
      expect(listMergeQueue(k.db, { all: true }).map((m) => m.state)).toEqual(["merged", "merged"]);
      // The reconciler then stops the released polecats.
      const stopsBefore = k.runtime.callsOf("stop").length;
      await k.reconcile();
      expect(k.runtime.callsOf("stop").slice(stopsBefore).map((c) => c.agentId).sort()).toEqual([a.agentId, b.agentId].sort());
    });
  });

  it("rejects a failing gate with its output in the event and sends the bead back to its polecat as mail", async () => {
    await withRefinery({ qualityGates: GATES }, async (k) => {
      const w = await k.work("fix login");
      const mr = k.done(w.beadId);
      const noise = Array.from({ length: 5_000 }, (_, i) => `ok ${i} - some passing test`).join("\n");
      k.runtime.answer(gateFailed("test", `${noise}\nFAIL src/login.test.ts\n  expected 200, got 500\n`, 1));
      const report = await k.refine();
      expect(report).toMatchObject({ runs: 1, refused: 1, merged: 0 });
      const ev = k.mergeEvents(mr).at(-1)?.data;
      expect(ev?.state).toBe("rejected");
      expect(ev?.detail).toContain("gate test failed (exit 1)");
      expect(ev?.detail).toContain("expected 200, got 500");
      // Bounded: the thread gets the tail, not megabytes.
      expect(ev?.detail?.length).toBeLessThan(3_000);
      expect(ev?.gates).toEqual([expect.objectContaining({ name: "test", ok: false, exitCode: 1, output: expect.stringContaining("FAIL src/login.test.ts") })]);
      expect(ev?.attempts).toBe(1);
      // Back to the same polecat, as work in progress, with the failure as mail.
      expect(getBead(k.db, w.beadId)).toMatchObject({ status: "in_progress", assignee: w.agentId });
      expect(getAgent(k.db, w.agentId).hookedBeadId).toBe(w.beadId);
      const [mail] = inbox(k.db, w.agentId);
      expect(mail?.subject).toBe(`Merge of gt/${w.beadId} rejected: gate test failed (exit 1)`);
      expect(mail?.from).toBe("refinery");
      expect(mail?.body).toContain("expected 200, got 500");
      expect(mail?.body).toContain("gt_done");
      // Fixed and done again: the same merge request goes back in the queue, and merges.
      k.clock.tick();
      expect(k.done(w.beadId, "fixed the test")).toBe(mr);
      expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "queued", attempts: 1, position: 1, summary: "fixed the test" });
      await k.refine();
      expect(getBead(k.db, w.beadId).status).toBe("closed");
      expect(k.mergeEvents(mr).map((e) => e.data.state)).toEqual(["queued", "merging", "rejected", "queued", "merging", "merged"]);
    });
  });

  it("detects a conflict, names the files, and sends the bead back", async () => {
    await withRefinery({}, async (k) => {
      const w = await k.work("rename config");
      const mr = k.done(w.beadId);
      k.runtime.answer(conflicted(["src/config.ts", "README.md"]));
      await k.refine();
      const ev = k.mergeEvents(mr).at(-1)?.data;
      expect(ev).toMatchObject({ state: "conflict", conflicts: ["src/config.ts", "README.md"] });
      expect(ev?.detail).toBe(`gt/${w.beadId} conflicts with main in: src/config.ts, README.md`);
      expect(inbox(k.db, w.agentId)[0]?.body).toContain("origin/main");
      expect(getBead(k.db, w.beadId).status).toBe("in_progress");
    });
  });

  it("escalates after the retry limit with the gate output, parks the merge, and a person's approve retries it", async () => {
    await withRefinery({ qualityGates: GATES }, async (k) => {
      const w = await k.work("flaky fix");
      const mr = k.done(w.beadId);
      for (let i = 1; i <= DEFAULT_REFINERY_POLICY.maxAttempts; i++) {
        k.runtime.answer(gateFailed("test", `failure number ${i}`));
        await k.refine();
        if (i < DEFAULT_REFINERY_POLICY.maxAttempts) {
          expect(listEscalations(k.db)).toEqual([]);
          k.clock.tick();
          k.done(w.beadId, `try ${i + 1}`);
        }
      }
      expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "failed", attempts: 3 });
      const [esc] = listEscalations(k.db);
      expect(esc).toMatchObject({ severity: "high", source: "refinery", subjectBeadId: w.beadId, metadata: { mergeRequestId: mr, attempts: 3, outcome: "gates_failed" } });
      expect(JSON.stringify(esc?.metadata)).toContain("failure number 3");
      // Parked: no third mail, the bead waits in review for a person.
      expect(inbox(k.db, w.agentId)).toHaveLength(2);
      expect(getBead(k.db, w.beadId).status).toBe("review");
      expect((await k.refine()).runs).toBe(0);
      decideMerge(k.db, w.beadId, { decision: "approve", actor: ALICE }, k.clock.tick());
      await k.refine();
      expect(mergeRequestView(k.db, mr).state).toBe("merged");
    });
  });

  it("retries a refinery error after a backoff without blaming the polecat", async () => {
    await withRefinery({}, async (k) => {
      const w = await k.work("fix login");
      const mr = k.done(w.beadId);
      k.runtime.answer(new GastownError("runtime_failed", "container unreachable"));
      const first = await k.refine();
      expect(first.retried).toBe(1);
      expect(first.nextAlarmAt).toBe(k.clock.now() + DEFAULT_REFINERY_POLICY.errorBackoffMs);
      expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "queued", attempts: 1 });
      expect(k.mergeEvents(mr).at(-1)?.data.detail).toContain("container unreachable");
      expect(inbox(k.db, w.agentId)).toEqual([]);
      expect(getBead(k.db, w.beadId).status).toBe("review");
      expect((await k.refine()).runs).toBe(0);
      k.clock.tick(DEFAULT_REFINERY_POLICY.errorBackoffMs);
      expect((await k.refine()).merged).toBe(1);
    });
  });

  it("queues a merge lost mid-run (the DO restarted) again once its lease is over", async () => {
    await withRefinery({ qualityGates: GATES }, async (k) => {
      const w = await k.work("fix login");
      const mr = k.done(w.beadId);
      // A claim whose run never came back: claimed, then the pass "died" with the DO.
      k.db.update(mergeRequests).set({ state: "merging", updatedAt: k.clock.now() }).where(eq(mergeRequests.beadId, mr)).run();
      const waiting = await k.refine();
      expect(waiting.runs).toBe(0);
      expect(waiting.nextAlarmAt).toBe(k.clock.now() + 60_000 + DEFAULT_REFINERY_POLICY.leaseSlackMs);
      k.clock.tick(60_000 + DEFAULT_REFINERY_POLICY.leaseSlackMs);
      const recovered = await k.refine();
      expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "queued", attempts: 1 });
      expect(k.mergeEvents(mr).at(-1)?.data.detail).toContain("never reported back");
      k.clock.tick((recovered.nextAlarmAt ?? 0) - k.clock.now());
      await k.refine();
      expect(k.mergeEvents(mr).map((e) => e.data.state)).toEqual(["queued", "queued", "merging", "merged"]);
    });
  });

  it("lands the convoy when the merged bead was its last open one", async () => {
    await withRefinery({}, async (k) => {
      const a = await k.work("part a");
      const b = await k.work("part b");
      const convoy = createConvoy(k.db, { name: "auth", beadIds: [a.beadId, b.beadId], actor: ALICE }, k.clock.tick());
      k.done(a.beadId);
      await k.refine();
      expect(allEvents(k.db).filter((e) => e.type === "convoy_landed")).toEqual([]);
      k.done(b.beadId);
      await k.refine();
      expect(convoyProgress(k.db, convoy.convoyId)).toMatchObject({ closed: 2, total: 2, landedAt: expect.any(Number) });
      expect(allEvents(k.db).filter((e) => e.type === "convoy_landed").map((e) => e.data)).toEqual([{ convoyId: convoy.convoyId, name: "auth", total: 2 }]);
    });
  });
});

describe("refinery: approve policy", () => {
  it("gates without pushing, waits for an allowed person, refuses anyone else, and pushes once approved", async () => {
    await withRefinery({ qualityGates: GATES, mergePolicy: "approve", approvers: ["slack:user:U1", "slack:group:S9"] }, async (k) => {
      const w = await k.work("new pricing page");
      const mr = k.done(w.beadId);
      const report = await k.refine();
      expect(report.awaitingApproval).toBe(1);
      expect(k.runtime.merges().map((m) => m.push)).toEqual([false]);
      const waiting = k.mergeEvents(mr).at(-1)?.data;
      expect(waiting).toMatchObject({ state: "awaiting_approval", gates: [{ name: "test", ok: true }], diffStat: expect.stringContaining("src/app.ts") });
      expect(getBead(k.db, w.beadId).status).toBe("review");
      // Nothing more happens until someone decides.
      expect((await k.refine()).runs).toBe(0);

      const before = counts(k.db);
      const alice = { kind: "user" as const, id: "slack:user:U1", name: "alice" };
      for (const [actor, memberOf] of [
        [BOB, []],
        [BOB, ["slack:group:S1"]],
        [{ kind: "agent" as const, id: w.agentId }, ["slack:group:S9"]],
      ] as const) {
        const err = (() => {
          try {
            decideMerge(k.db, w.beadId, { decision: "approve", actor, memberOf: [...memberOf] }, k.clock.tick());
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(GastownError);
        expect((err as GastownError).code).toBe("forbidden");
      }
      expect(counts(k.db)).toEqual(before);
      expect(mergeRequestView(k.db, mr).state).toBe("awaiting_approval");

      const approved = decideMerge(k.db, mr, { decision: "approve", actor: alice }, k.clock.tick());
      expect(approved).toMatchObject({ state: "queued", approvedBy: "slack:user:U1" });
      expect(k.mergeEvents(mr).at(-1)?.data).toMatchObject({ state: "queued", by: "slack:user:U1", detail: "approved by alice" });
      await k.refine();
      expect(k.runtime.merges().map((m) => m.push)).toEqual([false, true]);
      expect(mergeRequestView(k.db, mr).state).toBe("merged");
      expect(getBead(k.db, w.beadId).status).toBe("closed");
    });
  });

  it("lets a member of an approver group reject, sending the bead back with the reason", async () => {
    await withRefinery({ mergePolicy: "approve", approvers: ["slack:group:S9"] }, async (k) => {
      const w = await k.work("new pricing page");
      const mr = k.done(w.beadId);
      await k.refine();
      const view = decideMerge(k.db, w.beadId, { decision: "reject", reason: "prices are wrong", actor: CAROL, memberOf: ["slack:group:S9"] }, k.clock.tick());
      expect(view).toMatchObject({ id: mr, state: "rejected", detail: "rejected by carol: prices are wrong" });
      expect(inbox(k.db, w.agentId)[0]).toMatchObject({ subject: `Merge of gt/${w.beadId} rejected by carol`, body: expect.stringContaining("prices are wrong") });
      expect(getBead(k.db, w.beadId).status).toBe("in_progress");
      // Decided already: a second press is a conflict, not a second rejection.
      const again = (() => {
        try {
          decideMerge(k.db, mr, { decision: "reject", actor: CAROL, memberOf: ["slack:group:S9"] }, k.clock.tick());
        } catch (e) {
          return e;
        }
      })();
      expect((again as GastownError).code).toBe("conflict");
    });
  });

  it("a gate that fails on the approved run still rejects (the target moved since the check)", async () => {
    await withRefinery({ qualityGates: GATES, mergePolicy: "approve" }, async (k) => {
      const w = await k.work("new pricing page");
      const mr = k.done(w.beadId);
      await k.refine();
      decideMerge(k.db, mr, { decision: "approve", actor: ALICE }, k.clock.tick());
      k.runtime.answer(gateFailed("test", "broken by a newer commit on main"));
      await k.refine();
      expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "rejected", approvedBy: ALICE.id });
      expect(inbox(k.db, w.agentId)[0]?.body).toContain("broken by a newer commit on main");
    });
  });
});

describe("refinery: bounded texts", () => {
  it("keeps at most the head of a huge diff stat", async () => {
    await withRefinery({}, async (k) => {
      const w = await k.work("big change");
      const mr = k.done(w.beadId);
      k.runtime.answer(mergeResult({ diffStat: "x".repeat(50_000) }));
      await k.refine();
      expect(mergeRequestView(k.db, mr).diffStat.length).toBeLessThan(DIFFSTAT_CHARS + 100);
    });
  });
});
