import { describe, expect, it } from "vitest";
import { createBead } from "./beads";
import { addDependency, listDependencies, removeDependency, wouldCycle } from "./deps";
import { addRig } from "./rigs";
import { ALICE, catchGastown, counts, withTown } from "./test-helpers";

describe("dependencies", () => {
  it("refuses a direct cycle and changes nothing", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const a = createBead(db, { rig: "api", title: "a", actor: ALICE }, 2);
      const b = createBead(db, { rig: "api", title: "b", actor: ALICE }, 3);
      addDependency(db, { beadId: a.id, dependsOn: b.id, type: "blocks", actor: ALICE }, 4);
      const before = counts(db);
      const err = catchGastown(() => addDependency(db, { beadId: b.id, dependsOn: a.id, type: "blocks", actor: ALICE }, 5));
      expect(err.code).toBe("cycle");
      expect(err.status).toBe(409);
      expect(counts(db)).toEqual(before);
      expect(listDependencies(db, b.id).dependsOn).toEqual([]);
    });
  });

  it("refuses an indirect cycle through blocks and parent-child edges", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const [a, b, c, d] = ["a", "b", "c", "d"].map((t, i) => createBead(db, { rig: "api", title: t, actor: ALICE }, 10 + i));
      if (!a || !b || !c || !d) throw new Error("setup");
      addDependency(db, { beadId: a.id, dependsOn: b.id, actor: ALICE }, 20);
      addDependency(db, { beadId: b.id, dependsOn: c.id, type: "parent-child", actor: ALICE }, 21);
      addDependency(db, { beadId: c.id, dependsOn: d.id, actor: ALICE }, 22);
      const before = counts(db);
      expect(catchGastown(() => addDependency(db, { beadId: d.id, dependsOn: a.id, actor: ALICE }, 23)).code).toBe("cycle");
      expect(catchGastown(() => addDependency(db, { beadId: d.id, dependsOn: a.id, type: "parent-child", actor: ALICE }, 23)).code).toBe("cycle");
      expect(counts(db)).toEqual(before);
      // a link that does not order work may point back
      addDependency(db, { beadId: d.id, dependsOn: a.id, type: "related", actor: ALICE }, 24);
      expect(wouldCycle(db, d.id, b.id)).toBe(true);
      expect(wouldCycle(db, a.id, d.id)).toBe(false);
    });
  });

  it("refuses self-dependencies and unknown beads with typed errors", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const a = createBead(db, { rig: "api", title: "a", actor: ALICE }, 2);
      expect(catchGastown(() => addDependency(db, { beadId: a.id, dependsOn: a.id, actor: ALICE }, 3)).code).toBe("bad_request");
      expect(catchGastown(() => addDependency(db, { beadId: a.id, dependsOn: "api-zzzz", actor: ALICE }, 3)).code).toBe("not_found");
      expect(catchGastown(() => addDependency(db, { beadId: a.id, dependsOn: "not an id", actor: ALICE }, 3)).code).toBe("bad_request");
      expect(catchGastown(() => addDependency(db, { beadId: a.id, dependsOn: a.id, type: "owns" as "blocks", actor: ALICE }, 3)).code).toBe(
        "bad_request",
      );
    });
  });

  it("keeps parent_id in step with parent-child edges and adds an edge only once", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const epic = createBead(db, { rig: "api", type: "epic", title: "epic", actor: ALICE }, 2);
      const other = createBead(db, { rig: "api", type: "epic", title: "other", actor: ALICE }, 2);
      const child = createBead(db, { rig: "api", title: "child", parentId: epic.id, actor: ALICE }, 3);
      expect(child.parentId).toBe(epic.id);
      expect(listDependencies(db, epic.id).dependents).toMatchObject([{ beadId: child.id, type: "parent-child" }]);
      const before = counts(db);
      addDependency(db, { beadId: child.id, dependsOn: epic.id, type: "parent-child", actor: ALICE }, 4);
      expect(counts(db)).toEqual(before);
      expect(catchGastown(() => addDependency(db, { beadId: child.id, dependsOn: other.id, type: "parent-child", actor: ALICE }, 5)).code).toBe("conflict");
      expect(removeDependency(db, child.id, epic.id, "parent-child", ALICE, 6)).toBe(true);
      expect(removeDependency(db, child.id, epic.id, "parent-child", ALICE, 6)).toBe(false);
      expect(listDependencies(db, child.id).dependsOn).toEqual([]);
      addDependency(db, { beadId: child.id, dependsOn: other.id, type: "parent-child", actor: ALICE }, 7);
    });
  });

  it("checks cycles quickly on a long chain", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const ids: string[] = [];
      for (let i = 0; i < 300; i++) {
        const b = createBead(db, { rig: "api", title: `step ${i}`, actor: ALICE }, 10 + i);
        const prev = ids[ids.length - 1];
        if (prev) addDependency(db, { beadId: b.id, dependsOn: prev, actor: ALICE }, 10 + i);
        ids.push(b.id);
      }
      const first = ids[0] ?? "";
      const last = ids[ids.length - 1] ?? "";
      expect(catchGastown(() => addDependency(db, { beadId: first, dependsOn: last, actor: ALICE }, 999)).code).toBe("cycle");
    });
  });
});
