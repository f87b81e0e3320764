import { describe, expect, it } from "vitest";
import { closeBead, createBead, getBead } from "./beads";
import { addDependency } from "./deps";
import { busyPolecats, fillPolecatSlots, sling } from "./sling";
import { addRig } from "./rigs";
import { getAgent, listAgents, unhook } from "./agents";
import { ALICE, allEvents, catchGastown, counts, withTown } from "./test-helpers";

describe("sling", () => {
  it("answers a retried sling (same request id) with the first bead instead of a second one", async () => {
    await withTown((db) => {
      addRig(db, { name: "web", gitUrl: "https://example.com/web.git", actor: ALICE }, 1);
      const first = sling(db, { rig: "web", title: "Fix login", requestId: "slack:Ev123", actor: ALICE }, 2);
      const again = sling(db, { rig: "web", title: "Fix login", requestId: "slack:Ev123", actor: ALICE }, 3);
      expect(first.created).toBe(true);
      expect(again).toMatchObject({ created: false, bead: { id: first.bead.id } });
      expect(allEvents(db).filter((e) => e.type === "bead_created")).toHaveLength(1);
      const other = sling(db, { rig: "web", title: "Fix login", requestId: "slack:Ev124", actor: ALICE }, 4);
      expect(other.bead.id).not.toBe(first.bead.id);
    });
  });

  it("creates a bead and hooks it to a new polecat, announcing bead_created then bead_hooked", async () => {
    await withTown((db) => {
      const rig = addRig(db, { name: "web.app", gitUrl: "https://git.example/web.git", actor: ALICE }, 1);
      const start = allEvents(db).length;
      const res = sling(db, { rig: "web.app", title: "fix login", priority: "P1", actor: ALICE }, 10);
      expect(res).toMatchObject({ queued: false, created: true, agent: { id: "polecat-web-app-1", role: "polecat", rigId: rig.id, hookedBeadId: res.bead.id } });
      expect(res.bead).toMatchObject({ status: "hooked", assignee: "polecat-web-app-1", priority: "P1", rigId: rig.id });
      expect(allEvents(db).slice(start).map((e) => e.type)).toEqual(["bead_created", "agent_status", "bead_hooked"]);
    });
  });

  it("never hooks more beads than the rig's maxPolecats; the rest wait in the ready queue", async () => {
    await withTown((db) => {
      const rig = addRig(db, { name: "api", gitUrl: "https://git.example/api.git", config: { maxPolecats: 2 }, actor: ALICE }, 1);
      const results = [1, 2, 3, 4].map((i) => sling(db, { rig: "api", title: `job ${i}`, actor: ALICE }, 10 + i));
      expect(results.map((r) => r.queued)).toEqual([false, false, true, true]);
      expect(results[2]?.queuedReason).toBe("no_free_polecat");
      expect(busyPolecats(db, rig.id)).toBe(2);
      expect(listAgents(db, { rigId: rig.id }).map((a) => a.id)).toEqual(["polecat-api-1", "polecat-api-2"]);
      expect(fillPolecatSlots(db, rig.id, ALICE, 20)).toEqual([]);

      const first = results[0];
      if (!first?.agent) throw new Error("setup");
      closeBead(db, first.bead.id, { actor: ALICE }, 30);
      expect(getAgent(db, first.agent.id).hookedBeadId).toBeNull();
      const filled = fillPolecatSlots(db, rig.id, ALICE, 31);
      expect(filled).toEqual([{ beadId: results[2]?.bead.id, agentId: first.agent.id }]);
      expect(busyPolecats(db, rig.id)).toBe(2);
      expect(getBead(db, results[3]?.bead.id ?? "").status).toBe("open");
    });
  });

  it("takes an existing open bead, queues a blocked one, and refuses beads it cannot sling", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      addRig(db, { name: "web", gitUrl: "https://git.example/web.git", actor: ALICE }, 1);
      const blocker = createBead(db, { rig: "api", title: "blocker", actor: ALICE }, 2);
      const blocked = createBead(db, { rig: "api", title: "blocked", actor: ALICE }, 3);
      addDependency(db, { beadId: blocked.id, dependsOn: blocker.id, actor: ALICE }, 4);
      expect(sling(db, { rig: "api", beadId: blocked.id, actor: ALICE }, 5)).toMatchObject({ queued: true, queuedReason: "blocked", created: false });

      const plan = createBead(db, { title: "rigless", actor: ALICE }, 6);
      const taken = sling(db, { rig: "api", beadId: plan.id, actor: ALICE }, 7);
      expect(taken).toMatchObject({ queued: false, created: false, bead: { id: plan.id, status: "hooked" } });

      const before = counts(db);
      expect(catchGastown(() => sling(db, { rig: "api", beadId: plan.id, actor: ALICE }, 8)).code).toBe("conflict");
      expect(catchGastown(() => sling(db, { rig: "web", beadId: blocker.id, actor: ALICE }, 8)).code).toBe("conflict");
      expect(catchGastown(() => sling(db, { rig: "nope", title: "x", actor: ALICE }, 8)).code).toBe("not_found");
      expect(catchGastown(() => sling(db, { rig: "api", actor: ALICE }, 8)).code).toBe("bad_request");
      expect(catchGastown(() => sling(db, { rig: "api", title: "x", beadId: plan.id, actor: ALICE }, 8)).code).toBe("bad_request");
      expect(counts(db)).toEqual(before);

      // unhooking puts unfinished work back in the queue
      const agentId = taken.agent?.id ?? "";
      unhook(db, agentId, ALICE, 9, "stopped");
      expect(getBead(db, plan.id)).toMatchObject({ status: "open", assignee: null });
    });
  });
});
