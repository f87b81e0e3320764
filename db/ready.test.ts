import { describe, expect, it } from "vitest";
import { closeBead, createBead, updateBead } from "./beads";
import { addDependency } from "./deps";
import { explainReadyQuery, readyQueue } from "./ready";
import { addRig } from "./rigs";
import { ALICE, catchGastown, withTown } from "./test-helpers";

describe("ready queue", () => {
  it("holds back beads with an open blocker and releases them when it closes", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const schema = createBead(db, { rig: "api", title: "schema", actor: ALICE }, 10);
      const endpoint = createBead(db, { rig: "api", title: "endpoint", priority: "P0", actor: ALICE }, 11);
      const docs = createBead(db, { rig: "api", title: "docs", actor: ALICE }, 12);
      addDependency(db, { beadId: endpoint.id, dependsOn: schema.id, type: "blocks", actor: ALICE }, 13);
      // related / tracks edges never block
      addDependency(db, { beadId: docs.id, dependsOn: schema.id, type: "related", actor: ALICE }, 14);
      expect(readyQueue(db).map((b) => b.id)).toEqual([schema.id, docs.id]);
      closeBead(db, schema.id, { actor: ALICE }, 20);
      expect(readyQueue(db).map((b) => b.id)).toEqual([endpoint.id, docs.id]);
    });
  });

  it("orders by priority (P0 first), then age, and leaves out non-work, non-open and rigless beads", async () => {
    await withTown((db) => {
      const api = addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      addRig(db, { name: "web", gitUrl: "https://git.example/web.git", actor: ALICE }, 1);
      const oldP2 = createBead(db, { rig: "api", title: "old p2", priority: "P2", actor: ALICE }, 10);
      const newP2 = createBead(db, { rig: "api", title: "new p2", priority: "P2", actor: ALICE }, 30);
      const p1 = createBead(db, { rig: "web", title: "p1", priority: "P1", actor: ALICE }, 40);
      const p0 = createBead(db, { rig: "api", type: "bug", title: "p0", priority: "P0", actor: ALICE }, 50);
      const p4 = createBead(db, { rig: "api", type: "feature", title: "p4", priority: "P4", actor: ALICE }, 5);
      createBead(db, { rig: "api", type: "message", title: "a message", priority: "P0", actor: ALICE }, 1);
      createBead(db, { title: "no rig yet", priority: "P0", actor: ALICE }, 1);
      const hooked = createBead(db, { rig: "api", title: "hooked", priority: "P0", actor: ALICE }, 1);
      updateBead(db, hooked.id, { status: "hooked", actor: ALICE }, 2);
      expect(readyQueue(db).map((b) => b.title)).toEqual([p0.title, p1.title, oldP2.title, newP2.title, p4.title]);
      expect(readyQueue(db, { rigId: api.id }).map((b) => b.id)).toEqual([p0.id, oldP2.id, newP2.id, p4.id]);
      expect(readyQueue(db, { limit: 2 }).map((b) => b.id)).toEqual([p0.id, p1.id]);
      expect(catchGastown(() => readyQueue(db, { limit: 0 })).code).toBe("bad_request");
    });
  });

  it("walks the ready indexes in order (no table scan, no sort)", async () => {
    await withTown((db) => {
      const town = explainReadyQuery(db).join("\n");
      expect(town).toContain("USING INDEX beads_ready");
      expect(town).not.toMatch(/SCAN beads|TEMP B-TREE/);
      const rig = explainReadyQuery(db, "rig-x").join("\n");
      expect(rig).toContain("USING INDEX beads_rig_ready");
      expect(rig).not.toMatch(/SCAN|TEMP B-TREE/);
    });
  });
});
