import { describe, expect, it } from "vitest";
import { getBead } from "../../db/beads";
import { listMergeQueue } from "../../db/merge-requests";
import { agentLifecycle } from "../town/agent-self";
import { withRefinery } from "./test-kit";

describe("polecats that exit without gt_done", () => {
  it("queue their branch when they exit cleanly with commits the target lacks", async () => {
    await withRefinery({}, async (k) => {
      const w = await k.work("fix login");
      agentLifecycle(k.t, w.agentId, { event: "exited", exitCode: 0, commitsAhead: 2 });
      expect(listMergeQueue(k.db).map((m) => [m.sourceBeadId, m.agentId, m.state])).toEqual([[w.beadId, w.agentId, "queued"]]);
      expect(getBead(k.db, w.beadId).status).toBe("review");
      expect((await k.refine()).merged).toBe(1);
    });
  });

  it("queue nothing after a failed exit, without commits, or when the container did not count them", async () => {
    await withRefinery({}, async (k) => {
      const w = await k.work("fix login");
      agentLifecycle(k.t, w.agentId, { event: "exited", exitCode: 1, commitsAhead: 2 });
      agentLifecycle(k.t, w.agentId, { event: "exited", exitCode: 0, commitsAhead: 0 });
      agentLifecycle(k.t, w.agentId, { event: "exited", exitCode: 0 });
      expect(listMergeQueue(k.db)).toEqual([]);
      expect(getBead(k.db, w.beadId).status).toBe("in_progress");
    });
  });
});
