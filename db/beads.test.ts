import { describe, expect, it } from "vitest";
import { BeadId } from "../core/ids";
import { beadHistory, closeBead, createBead, getBead, listBeads, updateBead } from "./beads";
import { addDependency } from "./deps";
import { createMolecule } from "./molecules";
import { readyQueue } from "./ready";
import { addRig } from "./rigs";
import { ALICE, allEvents, catchGastown, counts, withTown } from "./test-helpers";

describe("beads", () => {
  it("every mutation writes a bead event and a town event, in order", async () => {
    await withTown((db) => {
      addRig(db, { name: "web-app", gitUrl: "https://git.example/web.git", actor: ALICE }, 1);
      const start = allEvents(db).length;
      const a = createBead(db, { rig: "web-app", title: "login times out", type: "bug", priority: "P1", actor: ALICE }, 10);
      const b = createBead(db, { rig: "web-app", title: "bump sdk", actor: ALICE }, 11);
      updateBead(db, a.id, { priority: "P0", body: "on Safari", actor: ALICE }, 12);
      addDependency(db, { beadId: b.id, dependsOn: a.id, actor: ALICE }, 13);
      closeBead(db, a.id, { reason: "fixed", actor: ALICE }, 14);

      const events = allEvents(db).slice(start);
      expect(events.map((e) => [e.type, e.beadId])).toEqual([
        ["bead_created", a.id],
        ["bead_created", b.id],
        ["bead_updated", a.id],
        ["bead_updated", b.id],
        ["bead_closed", a.id],
      ]);
      expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((x, y) => x - y));
      expect(events.every((e) => e.actor?.id === ALICE.id)).toBe(true);
      const updated = events[2];
      expect(updated?.type === "bead_updated" && updated.data.changed.sort()).toEqual(["body", "priority"]);
      expect(beadHistory(db, a.id).map((h) => [h.kind, h.at])).toEqual([
        ["created", 10],
        ["updated", 12],
        ["closed", 14],
      ]);
      expect(beadHistory(db, b.id).map((h) => h.kind)).toEqual(["created", "dep_added"]);
      expect(getBead(db, a.id)).toMatchObject({ status: "closed", closedAt: 14, priority: "P0", body: "on Safari" });
    });
  });

  it("ids are <rig prefix>-<base36>; rigless beads use the town prefix", async () => {
    await withTown((db) => {
      addRig(db, { name: "web-app", gitUrl: "https://git.example/web.git", actor: ALICE }, 1);
      const ids = Array.from({ length: 50 }, (_, i) => createBead(db, { rig: "web-app", title: `t${i}`, actor: ALICE }, i).id);
      expect(new Set(ids).size).toBe(50);
      for (const id of ids) expect(id).toMatch(/^wa-[0-9a-z]{4}$/);
      expect(BeadId.parse(createBead(db, { title: "plan", actor: ALICE }, 60).id)).toMatch(/^hq-/);
    });
  });

  it("bad input throws typed errors and changes nothing", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const a = createBead(db, { rig: "api", title: "a", actor: ALICE }, 2);
      const before = counts(db);
      expect(catchGastown(() => createBead(db, { rig: "api", title: "   ", actor: ALICE }, 3)).code).toBe("bad_request");
      expect(catchGastown(() => createBead(db, { rig: "api", title: "x", priority: "P9" as "P0", actor: ALICE }, 3)).code).toBe("bad_request");
      expect(catchGastown(() => createBead(db, { rig: "nope", title: "x", actor: ALICE }, 3)).code).toBe("not_found");
      expect(catchGastown(() => createBead(db, { rig: "api", title: "x", parentId: "api-zzzz", actor: ALICE }, 3)).code).toBe("not_found");
      expect(catchGastown(() => updateBead(db, a.id, { actor: ALICE }, 3)).code).toBe("bad_request");
      expect(catchGastown(() => updateBead(db, a.id, { status: "closed" as "open", actor: ALICE }, 3)).code).toBe("bad_request");
      expect(catchGastown(() => updateBead(db, "api-zzzz", { title: "x", actor: ALICE }, 3)).code).toBe("not_found");
      expect(catchGastown(() => closeBead(db, "api-zzzz", { actor: ALICE }, 3)).code).toBe("not_found");
      expect(catchGastown(() => getBead(db, "api-zzzz")).code).toBe("not_found");
      // an update that changes nothing writes nothing
      updateBead(db, a.id, { title: "a", actor: ALICE }, 4);
      expect(counts(db)).toEqual(before);
    });
  });

  it("lists with filters and text search (LIKE wildcards are literal)", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      addRig(db, { name: "web", gitUrl: "https://git.example/web.git", actor: ALICE }, 1);
      const login = createBead(db, { rig: "api", title: "Login times out", type: "bug", actor: ALICE }, 2);
      const pct = createBead(db, { rig: "web", title: "100% width", actor: ALICE }, 3);
      createBead(db, { rig: "web", title: "1000 widths", actor: ALICE }, 4);
      expect(listBeads(db, { q: "login" }).map((b) => b.id)).toEqual([login.id]);
      expect(listBeads(db, { q: "0%" }).map((b) => b.id)).toEqual([pct.id]);
      expect(listBeads(db, { rig: "web" }).map((b) => b.title)).toEqual(["1000 widths", "100% width"]);
      expect(listBeads(db, { type: "bug" }).map((b) => b.id)).toEqual([login.id]);
      expect(listBeads(db, { status: "closed" })).toEqual([]);
      expect(listBeads(db, { q: login.id }).map((b) => b.id)).toEqual([login.id]);
    });
  });

  it("a molecule hands out its steps in order and closes with its last step", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const { molecule, steps } = createMolecule(
        db,
        { rig: "api", title: "ship v2", steps: [{ title: "design" }, { title: "build" }, { title: "release" }], actor: ALICE },
        5,
      );
      expect(steps.map((s) => s.parentId)).toEqual([molecule.id, molecule.id, molecule.id]);
      const [s1, s2, s3] = steps;
      if (!s1 || !s2 || !s3) throw new Error("setup");
      expect(readyQueue(db).map((b) => b.id)).toEqual([s1.id]);
      closeBead(db, s1.id, { actor: ALICE }, 6);
      expect(readyQueue(db).map((b) => b.id)).toEqual([s2.id]);
      closeBead(db, s2.id, { actor: ALICE }, 7);
      expect(getBead(db, molecule.id).status).toBe("open");
      closeBead(db, s3.id, { actor: ALICE }, 8);
      expect(getBead(db, molecule.id)).toMatchObject({ status: "closed", closedAt: 8 });
      expect(readyQueue(db)).toEqual([]);
    });
  });
});
