import { describe, expect, it } from "vitest";
import { getAgent, heartbeat, hookBead, listAgents, registerAgent, setAgentStatus, unhook } from "./agents";
import { beadHistory, closeBead, createBead, getBead } from "./beads";
import { addRig } from "./rigs";
import { ALICE, allEvents, catchGastown, withTown } from "./test-helpers";

describe("agents", () => {
  it("registers, hooks, reports status and heartbeats", async () => {
    await withTown((db) => {
      const rig = addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const agent = registerAgent(db, { id: "refinery-api", role: "refinery", rigId: rig.id, kind: "claude", actor: ALICE }, 2);
      expect(agent).toMatchObject({ status: "exited", hookedBeadId: null, restarts: 0 });
      expect(catchGastown(() => registerAgent(db, { id: "refinery-api", role: "refinery", kind: "claude", actor: ALICE }, 2)).code).toBe("conflict");
      expect(catchGastown(() => registerAgent(db, { id: "Bad Id", role: "polecat", kind: "claude", actor: ALICE }, 2)).code).toBe("bad_request");

      const bead = createBead(db, { rig: "api", title: "merge it", actor: ALICE }, 3);
      hookBead(db, agent.id, bead.id, ALICE, 4);
      expect(getBead(db, bead.id)).toMatchObject({ status: "hooked", assignee: agent.id });
      const other = createBead(db, { rig: "api", title: "other", actor: ALICE }, 5);
      expect(catchGastown(() => hookBead(db, agent.id, other.id, ALICE, 6)).code).toBe("conflict");

      const start = allEvents(db).length;
      setAgentStatus(db, agent.id, "starting", "dispatched", ALICE, 7);
      setAgentStatus(db, agent.id, "starting", "again", ALICE, 8);
      heartbeat(db, agent.id, { status: "working" }, 9);
      heartbeat(db, agent.id, { status: "working" }, 10);
      expect(getAgent(db, agent.id)).toMatchObject({ status: "working", lastHeartbeatAt: 10, lastActivityAt: 10 });
      expect(allEvents(db).slice(start).map((e) => (e.type === "agent_status" ? [e.data.status, e.beadId] : e.type))).toEqual([
        ["starting", bead.id],
        ["working", bead.id],
      ]);
      expect(beadHistory(db, bead.id).map((h) => h.kind)).toEqual(["created", "hooked", "agent_status", "agent_status"]);
      expect(catchGastown(() => setAgentStatus(db, agent.id, "dancing" as "idle", null, ALICE, 11)).code).toBe("bad_request");
      expect(catchGastown(() => heartbeat(db, "nobody-1", {}, 11)).code).toBe("not_found");

      closeBead(db, bead.id, { actor: ALICE }, 12);
      expect(getAgent(db, agent.id).hookedBeadId).toBeNull();
      hookBead(db, agent.id, other.id, ALICE, 13);
      unhook(db, agent.id, ALICE, 14, "stopped by alice");
      expect(getBead(db, other.id)).toMatchObject({ status: "open", assignee: null });
      expect(listAgents(db, { rigId: rig.id, role: "refinery" }).map((a) => a.id)).toEqual([agent.id]);
      expect(listAgents(db, { role: "polecat" })).toEqual([]);
    });
  });
});
