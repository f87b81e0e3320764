import { describe, expect, it } from "vitest";
import { closeBead, createBead, updateBead } from "./beads";
import { addToConvoy, convoyProgress, createConvoy, listConvoys } from "./convoys";
import { addRig } from "./rigs";
import { ALICE, allEvents, catchGastown, withTown } from "./test-helpers";

describe("convoys", () => {
  it("a convoy of three reports progress and lands exactly once", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const [a, b, c] = [1, 2, 3].map((i) => createBead(db, { rig: "api", title: `part ${i}`, actor: ALICE }, 10 + i));
      if (!a || !b || !c) throw new Error("setup");
      const convoy = createConvoy(db, { name: "release 1.2", beadIds: [a.id, b.id, c.id], actor: ALICE }, 20);
      expect(convoy).toMatchObject({ name: "release 1.2", closed: 0, total: 3, landedAt: null });
      const start = allEvents(db).length;

      closeBead(db, a.id, { actor: ALICE }, 30);
      closeBead(db, b.id, { actor: ALICE }, 31);
      // reopening and closing a member again must not land anything early or twice
      updateBead(db, b.id, { status: "open", actor: ALICE }, 32);
      closeBead(db, b.id, { actor: ALICE }, 33);
      closeBead(db, c.id, { actor: ALICE }, 40);
      closeBead(db, c.id, { actor: ALICE }, 41);
      closeBead(db, a.id, { actor: ALICE }, 42);

      const events = allEvents(db).slice(start);
      const convoyEvents = events.filter((e) => e.type === "convoy_progress" || e.type === "convoy_landed");
      expect(convoyEvents.map((e) => [e.type, "closed" in e.data ? e.data.closed : e.data.total])).toEqual([
        ["convoy_progress", 1],
        ["convoy_progress", 2],
        // b reopened: the card shows it open again
        ["convoy_progress", 1],
        ["convoy_progress", 2],
        ["convoy_progress", 3],
        ["convoy_landed", 3],
      ]);
      expect(convoyProgress(db, convoy.convoyId)).toMatchObject({ closed: 3, total: 3, landedAt: 40 });
      expect(listConvoys(db, { open: true })).toEqual([]);
      expect(catchGastown(() => addToConvoy(db, convoy.convoyId, { beadIds: [a.id], actor: ALICE }, 50)).code).toBe("conflict");
    });
  });

  it("a member moving (hooked, in progress, in review) refreshes its open convoys, not landed ones", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const a = createBead(db, { rig: "api", title: "a", actor: ALICE }, 2);
      const b = createBead(db, { rig: "api", title: "b", actor: ALICE }, 3);
      const open = createConvoy(db, { name: "open one", beadIds: [a.id, b.id], actor: ALICE }, 4);
      const progress = () => allEvents(db).filter((e) => e.type === "convoy_progress");
      const before = progress().length;
      updateBead(db, a.id, { status: "in_progress", actor: ALICE }, 5);
      updateBead(db, a.id, { status: "review", actor: ALICE }, 6);
      updateBead(db, a.id, { title: "a, renamed", actor: ALICE }, 7);
      const moved = progress().slice(before);
      expect(moved.map((e) => [e.beadId, e.data])).toEqual([
        [open.convoyId, { convoyId: open.convoyId, name: "open one", closed: 0, total: 2 }],
        [open.convoyId, { convoyId: open.convoyId, name: "open one", closed: 0, total: 2 }],
      ]);
      expect(convoyProgress(db, open.convoyId).beads.find((m) => m.id === a.id)?.status).toBe("review");
      closeBead(db, a.id, { actor: ALICE }, 8);
      closeBead(db, b.id, { actor: ALICE }, 9);
      const landed = progress().length;
      updateBead(db, b.id, { status: "open", actor: ALICE }, 10);
      expect(progress().length).toBe(landed);
    });
  });

  it("adds members once and refuses unknown beads without creating the convoy", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const a = createBead(db, { rig: "api", title: "a", actor: ALICE }, 2);
      const b = createBead(db, { rig: "api", title: "b", actor: ALICE }, 3);
      expect(catchGastown(() => createConvoy(db, { name: "x", beadIds: [a.id, "api-zzzz"], actor: ALICE }, 4)).code).toBe("not_found");
      expect(listConvoys(db)).toEqual([]);
      expect(catchGastown(() => createConvoy(db, { name: "", beadIds: [a.id], actor: ALICE }, 4)).code).toBe("bad_request");
      const convoy = createConvoy(db, { name: "x", beadIds: [a.id, a.id], actor: ALICE }, 5);
      expect(addToConvoy(db, convoy.convoyId, { beadIds: [a.id, b.id], actor: ALICE }, 6)).toMatchObject({ total: 2 });
      expect(convoyProgress(db, convoy.convoyId).beads.map((m) => m.id)).toEqual([a.id, b.id]);
    });
  });
});
