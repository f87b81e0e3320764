import { describe, expect, it } from "vitest";
import { hookBead, registerAgent } from "./agents";
import { createBead, getBead } from "./beads";
import {
  changeMergeRequestIn,
  createMergeRequest,
  listMergeQueue,
  mergeRequestView,
  nextQueued,
  resolveMergeRequest,
} from "./merge-requests";
import type { TownDb } from "./client";
import { addRig, getRig } from "./rigs";
import { ALICE, allEvents, catchGastown, counts, withTown } from "./test-helpers";
import { inTransaction } from "./tx";

const POLECAT = { kind: "agent" as const, id: "polecat-web-1" };

function setup(db: TownDb) {
  addRig(db, { name: "web", gitUrl: "https://git.example/web.git", defaultBranch: "trunk", actor: ALICE }, 1);
  addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
  registerAgent(db, { id: "polecat-web-1", role: "polecat", rigId: getRig(db, "web").id, kind: "claude", actor: ALICE }, 2);
}

describe("merge requests", () => {
  it("creates a merge_request bead and a queued row on gt/<bead> into the rig's default branch, announced in the work bead's thread", async () => {
    await withTown((db) => {
      setup(db);
      const work = createBead(db, { rig: "web", title: "fix login", actor: ALICE }, 10);
      hookBead(db, "polecat-web-1", work.id, ALICE, 11);
      const mr = createMergeRequest(db, { sourceBeadId: work.id, agentId: "polecat-web-1", summary: "fixed the timeout", actor: POLECAT }, 20);
      expect(mr).toMatchObject({
        sourceBeadId: work.id,
        sourceTitle: "fix login",
        rig: "web",
        branch: `gt/${work.id}`,
        target: "trunk",
        state: "queued",
        position: 1,
        attempts: 0,
        summary: "fixed the timeout",
        agentId: "polecat-web-1",
        queuedAt: 20,
      });
      expect(getBead(db, mr.id)).toMatchObject({ type: "merge_request", rigId: getBead(db, work.id).rigId, status: "open" });
      expect(getBead(db, work.id).status).toBe("review");
      const ev = allEvents(db).filter((e) => e.type === "merge_request_updated");
      expect(ev.map((e) => [e.beadId, e.data])).toEqual([
        [work.id, expect.objectContaining({ mergeRequestId: mr.id, sourceBeadId: work.id, branch: `gt/${work.id}`, state: "queued", target: "trunk", attempts: 0 })],
      ]);
      // No bead_created for the bookkeeping bead: it gets no thread of its own.
      expect(allEvents(db).filter((e) => e.type === "bead_created" && e.beadId === mr.id)).toEqual([]);
      expect(resolveMergeRequest(db, work.id).beadId).toBe(mr.id);
      expect(resolveMergeRequest(db, mr.id).beadId).toBe(mr.id);
    });
  });

  it("keeps one queue per rig in submission order, with positions, and takes the oldest first", async () => {
    await withTown((db) => {
      setup(db);
      const mk = (rig: string, title: string, at: number) => {
        const b = createBead(db, { rig, title, actor: ALICE }, at);
        return createMergeRequest(db, { sourceBeadId: b.id, summary: title, actor: ALICE }, at + 1).id;
      };
      const w1 = mk("web", "w1", 10);
      const a1 = mk("api", "a1", 12);
      const w2 = mk("web", "w2", 14);
      const w3 = mk("web", "w3", 16);
      const webId = mergeRequestView(db, w1).rigId;
      inTransaction(db, () => changeMergeRequestIn(db, w2, { state: "merging" }, ALICE, 20));
      const web = listMergeQueue(db, { rigId: webId });
      expect(web.map((m) => [m.id, m.position, m.state])).toEqual([
        [w2, 1, "merging"],
        [w1, 2, "queued"],
        [w3, 3, "queued"],
      ]);
      expect(listMergeQueue(db).map((m) => m.id).sort()).toEqual([w1, w2, w3, a1].sort());
      expect(nextQueued(db, webId, 30)?.beadId).toBe(w1);
      // A backed-off merge request waits its turn without blocking the next one.
      inTransaction(db, () => changeMergeRequestIn(db, w1, { state: "queued", nextAttemptAt: 100 }, ALICE, 21));
      expect(nextQueued(db, webId, 30)?.beadId).toBe(w3);
      expect(nextQueued(db, webId, 100)?.beadId).toBe(w1);
    });
  });

  it("re-queues a sent-back merge request at the end of the queue instead of opening a second one", async () => {
    await withTown((db) => {
      setup(db);
      const a = createBead(db, { rig: "web", title: "a", actor: ALICE }, 10);
      const b = createBead(db, { rig: "web", title: "b", actor: ALICE }, 10);
      const mrA = createMergeRequest(db, { sourceBeadId: a.id, actor: ALICE }, 11).id;
      const mrB = createMergeRequest(db, { sourceBeadId: b.id, actor: ALICE }, 12).id;
      inTransaction(db, () => changeMergeRequestIn(db, mrA, { state: "rejected", attempts: 1, detail: "gate test failed" }, ALICE, 13));
      expect(listMergeQueue(db).map((m) => m.id)).toEqual([mrB]);
      // Still open: submitting again only refreshes the summary.
      expect(createMergeRequest(db, { sourceBeadId: b.id, summary: "v2", actor: ALICE }, 14)).toMatchObject({ id: mrB, state: "queued", summary: "v2", queuedAt: 12 });
      const again = createMergeRequest(db, { sourceBeadId: a.id, summary: "fixed", actor: ALICE }, 15);
      expect(again).toMatchObject({ id: mrA, state: "queued", attempts: 1, summary: "fixed", queuedAt: 15, detail: `submitted again by ${ALICE.id}` });
      expect(listMergeQueue(db).map((m) => m.id)).toEqual([mrB, mrA]);
      expect(listMergeQueue(db, { all: true })).toHaveLength(2);
    });
  });

  it("refuses closed, rigless and non-work beads and changes nothing", async () => {
    await withTown((db) => {
      setup(db);
      const rigless = createBead(db, { title: "town chore", actor: ALICE }, 10);
      const msg = createBead(db, { rig: "web", type: "message", title: "hello", actor: ALICE }, 10);
      const before = counts(db);
      expect(catchGastown(() => createMergeRequest(db, { sourceBeadId: rigless.id, actor: ALICE }, 11)).code).toBe("conflict");
      expect(catchGastown(() => createMergeRequest(db, { sourceBeadId: msg.id, actor: ALICE }, 11)).code).toBe("conflict");
      expect(catchGastown(() => createMergeRequest(db, { sourceBeadId: "web-zzzz", actor: ALICE }, 11)).code).toBe("not_found");
      expect(catchGastown(() => createMergeRequest(db, { sourceBeadId: "not an id", actor: ALICE }, 11)).code).toBe("bad_request");
      expect(counts(db)).toEqual(before);
      expect(catchGastown(() => resolveMergeRequest(db, msg.id)).code).toBe("not_found");
    });
  });
});
