import { describe, expect, it } from "vitest";
import { createBead } from "./beads";
import {
  ackEscalation,
  dueReescalations,
  ESCALATION_DEADLINE_MS,
  getOncall,
  MAX_REESCALATIONS,
  raiseEscalation,
  reescalate,
  resolveEscalation,
  routeTargets,
  setOncall,
} from "./escalations";
import { registerAgent } from "./agents";
import { getBead } from "./beads";
import { addRig } from "./rigs";
import { ALICE, allEvents, catchGastown, testClock, withTown } from "./test-helpers";

describe("escalations", () => {
  it("routes to the rig's on-call, then the town's, then lower severities", async () => {
    await withTown((db) => {
      const api = addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      expect(routeTargets(db, api.id, "critical")).toEqual([]);
      setOncall(db, { severity: "medium", targets: ["slack:user:TOWN-MED"], actor: ALICE }, 2);
      expect(routeTargets(db, api.id, "critical")).toEqual(["slack:user:TOWN-MED"]);
      setOncall(db, { severity: "high", rig: "api", targets: ["slack:group:API-HIGH"], actor: ALICE }, 3);
      setOncall(db, { severity: "high", targets: ["slack:user:TOWN-HIGH"], actor: ALICE }, 3);
      expect(routeTargets(db, api.id, "high")).toEqual(["slack:group:API-HIGH"]);
      expect(routeTargets(db, null, "high")).toEqual(["slack:user:TOWN-HIGH"]);
      expect(routeTargets(db, api.id, "low")).toEqual([]);
      setOncall(db, { severity: "high", rig: "api", targets: ["discord:role:42"], actor: ALICE }, 4);
      expect(getOncall(db, "api")).toMatchObject([{ severity: "high", targets: ["discord:role:42"] }]);
      expect(getOncall(db).map((e) => e.severity)).toEqual(["medium", "high"]);
      expect(catchGastown(() => setOncall(db, { severity: "urgent" as "high", targets: ["x"], actor: ALICE }, 5)).code).toBe("bad_request");
    });
  });

  it("keeps title, body, severity, source agent and metadata; re-escalates on its timer until acked", async () => {
    await withTown((db) => {
      const clock = testClock();
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, clock.now());
      registerAgent(db, { id: "polecat-api-1", role: "polecat", rigId: null, kind: "claude", actor: ALICE }, clock.now());
      setOncall(db, { severity: "high", targets: ["slack:user:ONCALL-HIGH"], actor: ALICE }, clock.now());
      setOncall(db, { severity: "critical", targets: ["slack:user:ONCALL-CRIT"], actor: ALICE }, clock.now());
      const work = createBead(db, { rig: "api", title: "flaky deploy", actor: ALICE }, clock.now());
      const agent = { kind: "agent" as const, id: "polecat-api-1" };
      const esc = raiseEscalation(
        db,
        { severity: "high", title: "Stuck on credentials", body: "npm publish asks for OTP", beadId: work.id, metadata: { step: 3, log: ["a"] }, actor: agent },
        clock.now(),
      );
      expect(esc).toMatchObject({
        title: "Stuck on credentials",
        body: "npm publish asks for OTP",
        severity: "high",
        source: "polecat-api-1",
        sourceAgentId: "polecat-api-1",
        subjectBeadId: work.id,
        rigId: work.rigId,
        metadata: { step: 3, log: ["a"] },
        targets: ["slack:user:ONCALL-HIGH"],
        nextDeadlineAt: clock.now() + ESCALATION_DEADLINE_MS.high,
      });
      const raised = allEvents(db).at(-1);
      expect(raised).toMatchObject({ type: "escalation_raised", beadId: work.id, data: { escalationId: esc.id, body: "npm publish asks for OTP" } });

      clock.tick(ESCALATION_DEADLINE_MS.high - 1);
      expect(dueReescalations(db, clock.now())).toEqual([]);
      expect(reescalate(db, esc.id, ALICE, clock.now()).reescalations).toBe(0);
      clock.tick(1);
      expect(dueReescalations(db, clock.now()).map((e) => e.id)).toEqual([esc.id]);
      const bumped = reescalate(db, esc.id, ALICE, clock.now());
      expect(bumped).toMatchObject({ severity: "critical", initialSeverity: "high", reescalations: 1, targets: ["slack:user:ONCALL-CRIT"] });
      expect(getBead(db, esc.id).priority).toBe("P0");
      // a replayed tick does not ping twice
      expect(reescalate(db, esc.id, ALICE, clock.now()).reescalations).toBe(1);
      expect(allEvents(db).filter((e) => e.type === "escalation_reescalated")).toHaveLength(1);

      clock.tick(ESCALATION_DEADLINE_MS.critical);
      ackEscalation(db, esc.id, ALICE, clock.now());
      expect(dueReescalations(db, clock.now() + 24 * 3_600_000)).toEqual([]);
      const resolved = resolveEscalation(db, esc.id, ALICE, clock.now());
      expect(resolved).toMatchObject({ ackedBy: ALICE.id, resolvedBy: ALICE.id, metadata: { step: 3, log: ["a"] } });
      expect(getBead(db, esc.id).status).toBe("closed");
      expect(catchGastown(() => ackEscalation(db, esc.id, ALICE, clock.now())).code).toBe("conflict");
    });
  });

  it("stops re-escalating after the cap and refuses bad input", async () => {
    await withTown((db) => {
      const clock = testClock();
      const esc = raiseEscalation(db, { severity: "low", title: "disk filling", source: "witness", actor: { kind: "system", id: "witness" } }, clock.now());
      expect(esc).toMatchObject({ source: "witness", sourceAgentId: null, rigId: null, targets: [] });
      for (let i = 0; i < MAX_REESCALATIONS + 2; i++) {
        clock.tick(ESCALATION_DEADLINE_MS.low);
        for (const due of dueReescalations(db, clock.now())) reescalate(db, due.id, ALICE, clock.now());
      }
      const events = allEvents(db).filter((e) => e.type === "escalation_reescalated");
      expect(events.map((e) => (e.type === "escalation_reescalated" ? [e.data.severity, e.data.count] : null))).toEqual([
        ["medium", 1],
        ["high", 2],
        ["critical", 3],
      ]);
      expect(catchGastown(() => raiseEscalation(db, { severity: "high", title: "", actor: ALICE }, 1)).code).toBe("bad_request");
      expect(catchGastown(() => raiseEscalation(db, { title: "x", beadId: "api-zzzz", actor: ALICE }, 1)).code).toBe("not_found");
      expect(catchGastown(() => ackEscalation(db, "hq-zzzz", ALICE, 1)).code).toBe("not_found");
    });
  });
});
