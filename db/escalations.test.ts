import { describe, expect, it } from "vitest";
import type { TownEventOf } from "../core/events";
import { registerAgent } from "./agents";
import { createBead, getBead } from "./beads";
import {
  ackEscalation,
  dueReescalations,
  ESCALATION_DEADLINE_MS,
  getEscalation,
  MAX_REESCALATIONS,
  raiseEscalation,
  reescalate,
  releaseHeld,
  resolveEscalation,
  snoozeEscalation,
} from "./escalations";
import { setOncall, setQuietHours } from "./oncall";
import { addRig } from "./rigs";
import { ALICE, allEvents, catchGastown, testClock, withTown } from "./test-helpers";
import type { TownDb } from "./client";

const MIN = 60_000;
const reescalated = (db: TownDb) =>
  allEvents(db).filter((e): e is TownEventOf<"escalation_reescalated"> => e.type === "escalation_reescalated").map((e) => e.data);
const typesOf = (db: TownDb, prefix: string) => allEvents(db).filter((e) => e.type.startsWith(prefix)).map((e) => e.type);

describe("escalations", () => {
  it("keeps title, body, severity, source agent and metadata; re-escalates to the next target on its timer until acked", async () => {
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
        heldUntil: null,
        nextDeadlineAt: clock.now() + ESCALATION_DEADLINE_MS.high,
      });
      expect(allEvents(db).at(-1)).toMatchObject({
        type: "escalation_raised",
        beadId: work.id,
        data: { escalationId: esc.id, body: "npm publish asks for OTP", source: "polecat-api-1", sourceAgentId: "polecat-api-1", targets: ["slack:user:ONCALL-HIGH"] },
      });
      // who was pinged is kept even when on-call changes later
      setOncall(db, { severity: "high", targets: ["slack:user:SOMEONE-ELSE"], actor: ALICE }, clock.now());
      expect(getEscalation(db, esc.id).targets).toEqual(["slack:user:ONCALL-HIGH"]);

      clock.tick(ESCALATION_DEADLINE_MS.high - 1);
      expect(dueReescalations(db, clock.now())).toEqual([]);
      expect(reescalate(db, esc.id, ALICE, clock.now()).reescalations).toBe(0);
      clock.tick(1);
      expect(dueReescalations(db, clock.now()).map((e) => e.id)).toEqual([esc.id]);
      const bumped = reescalate(db, esc.id, ALICE, clock.now());
      expect(bumped).toMatchObject({ severity: "critical", initialSeverity: "high", reescalations: 1, targets: ["slack:user:ONCALL-CRIT"] });
      expect(reescalated(db)).toEqual([{ escalationId: esc.id, severity: "critical", from: "high", count: 1, targets: ["slack:user:ONCALL-CRIT"], title: "Stuck on credentials" }]);
      expect(getBead(db, esc.id).priority).toBe("P0");
      // a replayed tick does not ping twice
      expect(reescalate(db, esc.id, ALICE, clock.now()).reescalations).toBe(1);
      expect(reescalated(db)).toHaveLength(1);

      clock.tick(ESCALATION_DEADLINE_MS.critical);
      ackEscalation(db, esc.id, ALICE, clock.now());
      expect(dueReescalations(db, clock.now() + 24 * 3_600_000)).toEqual([]);
      expect(reescalate(db, esc.id, ALICE, clock.now()).reescalations).toBe(1);
      const resolved = resolveEscalation(db, esc.id, ALICE, clock.now());
      expect(resolved).toMatchObject({ ackedBy: ALICE.id, resolvedBy: ALICE.id, metadata: { step: 3, log: ["a"] }, body: "npm publish asks for OTP" });
      expect(getBead(db, esc.id).status).toBe("closed");
      expect(catchGastown(() => ackEscalation(db, esc.id, ALICE, clock.now())).code).toBe("conflict");
    });
  });

  it("a re-ping at the same on-call entry goes to the next shift of its rotation", async () => {
    await withTown((db) => {
      const clock = testClock();
      setOncall(db, { severity: "critical", rotation: { shifts: [["slack:user:A"], ["slack:user:B"], ["slack:user:C"]], startsAt: clock.now() - 1, everyHours: 24 }, actor: ALICE }, clock.now());
      setOncall(db, { severity: "high", targets: ["slack:group:DEVS"], actor: ALICE }, clock.now());
      const esc = raiseEscalation(db, { severity: "high", title: "db down", actor: ALICE }, clock.now());
      expect(esc.targets).toEqual(["slack:group:DEVS"]);
      for (let i = 0; i < MAX_REESCALATIONS; i++) reescalate(db, esc.id, ALICE, clock.tick(ESCALATION_DEADLINE_MS.high));
      // the bump reaches the critical rotation's shift on call (A), then the next shifts
      expect(reescalated(db).map((d) => [d.severity, d.count, d.targets])).toEqual([
        ["critical", 1, ["slack:user:A"]],
        ["critical", 2, ["slack:user:B"]],
        ["critical", 3, ["slack:user:C"]],
      ]);
    });
  });

  it("stops re-escalating after the cap and refuses bad input", async () => {
    await withTown((db) => {
      const clock = testClock();
      const esc = raiseEscalation(db, { severity: "low", title: "disk filling", source: "witness", actor: { kind: "system", id: "witness" } }, clock.now());
      expect(esc).toMatchObject({ source: "witness", sourceAgentId: null, rigId: null, targets: [] });
      for (let i = 0; i < MAX_REESCALATIONS + 2; i++) {
        clock.tick(ESCALATION_DEADLINE_MS.critical + ESCALATION_DEADLINE_MS.low);
        for (const due of dueReescalations(db, clock.now())) reescalate(db, due.id, ALICE, clock.now());
      }
      expect(reescalated(db).map((d) => [d.severity, d.count])).toEqual([
        ["medium", 1],
        ["high", 2],
        ["critical", 3],
      ]);
      expect(getEscalation(db, esc.id).nextDeadlineAt).toBeNull();
      expect(catchGastown(() => raiseEscalation(db, { severity: "high", title: "", actor: ALICE }, 1)).code).toBe("bad_request");
      expect(catchGastown(() => raiseEscalation(db, { title: "x", beadId: "api-zzzz", actor: ALICE }, 1)).code).toBe("not_found");
      expect(catchGastown(() => ackEscalation(db, "hq-zzzz", ALICE, 1)).code).toBe("not_found");
    });
  });
});

describe("quiet hours and snooze", () => {
  // 2027-01-15T23:30Z is 00:30 in Berlin, inside 22:00-08:00; the window ends at 07:00Z.
  const NIGHT = Date.parse("2027-01-15T23:30:00Z");
  const MORNING = Date.parse("2027-01-16T07:00:00Z");

  it("holds a low ping until quiet hours end (escalation_held, no escalation_raised), never a critical one", async () => {
    await withTown((db) => {
      const clock = testClock(NIGHT);
      setQuietHours(db, { start: "22:00", end: "08:00", timeZone: "Europe/Berlin", actor: ALICE }, clock.now());
      setOncall(db, { severity: "low", targets: ["slack:user:DAY"], actor: ALICE }, clock.now());
      setOncall(db, { severity: "critical", targets: ["slack:user:PAGER"], actor: ALICE }, clock.now());
      const low = raiseEscalation(db, { severity: "low", title: "flaky test", body: "once in 50 runs", actor: ALICE }, clock.now());
      expect(low).toMatchObject({ heldUntil: MORNING, nextDeadlineAt: null, targets: ["slack:user:DAY"] });
      expect(typesOf(db, "escalation_")).toEqual(["escalation_held"]);
      expect(allEvents(db).at(-1)?.data).toMatchObject({ escalationId: low.id, until: MORNING, targets: ["slack:user:DAY"], body: "once in 50 runs" });

      const crit = raiseEscalation(db, { severity: "critical", title: "prod down", actor: ALICE }, clock.now());
      expect(crit).toMatchObject({ heldUntil: null, targets: ["slack:user:PAGER"] });
      expect(typesOf(db, "escalation_")).toEqual(["escalation_held", "escalation_raised"]);

      expect(releaseHeld(db, low.id, ALICE, MORNING - 1).heldUntil).toBe(MORNING);
      setOncall(db, { severity: "low", targets: ["slack:user:MORNING-SHIFT"], actor: ALICE }, MORNING - 1);
      const released = releaseHeld(db, low.id, ALICE, MORNING);
      expect(released).toMatchObject({ heldUntil: null, nextDeadlineAt: MORNING + ESCALATION_DEADLINE_MS.low, targets: ["slack:user:MORNING-SHIFT"] });
      expect(allEvents(db).at(-1)).toMatchObject({ type: "escalation_raised", at: MORNING, data: { escalationId: low.id, targets: ["slack:user:MORNING-SHIFT"] } });
      releaseHeld(db, low.id, ALICE, MORNING + 1);
      expect(typesOf(db, "escalation_raised")).toHaveLength(2);
    });
  });

  it("a bump that lands on medium during quiet hours waits for the morning; one that lands on high does not", async () => {
    await withTown((db) => {
      const evening = Date.parse("2027-01-15T16:00:00Z"); // 17:00 Berlin
      setQuietHours(db, { start: "22:00", end: "08:00", timeZone: "Europe/Berlin", actor: ALICE }, evening);
      const low = raiseEscalation(db, { severity: "low", title: "slow build", actor: ALICE }, evening);
      const medium = raiseEscalation(db, { severity: "medium", title: "queue grows", actor: ALICE }, Date.parse("2027-01-15T20:30:00Z"));
      expect(reescalate(db, low.id, ALICE, NIGHT)).toMatchObject({ severity: "low", reescalations: 0, nextDeadlineAt: MORNING });
      expect(reescalate(db, medium.id, ALICE, NIGHT)).toMatchObject({ severity: "high", reescalations: 1 });
      expect(reescalate(db, low.id, ALICE, MORNING)).toMatchObject({ severity: "medium", reescalations: 1 });
    });
  });

  it("snooze pushes the deadline (never pulls it in) and is refused once acknowledged", async () => {
    await withTown((db) => {
      const clock = testClock();
      const esc = raiseEscalation(db, { severity: "high", title: "cert expires", actor: ALICE }, clock.now());
      const deadline = clock.now() + ESCALATION_DEADLINE_MS.high;
      clock.tick(10 * MIN);
      const snoozed = snoozeEscalation(db, esc.id, { minutes: 60, actor: ALICE }, clock.now());
      expect(snoozed).toMatchObject({ nextDeadlineAt: clock.now() + 60 * MIN, snoozedUntil: clock.now() + 60 * MIN, snoozedBy: ALICE.id });
      expect(allEvents(db).at(-1)).toMatchObject({ type: "escalation_snoozed", data: { escalationId: esc.id, by: ALICE.id, minutes: 60, until: clock.now() + 60 * MIN } });
      expect(reescalate(db, esc.id, ALICE, deadline).reescalations).toBe(0);
      expect(snoozeEscalation(db, esc.id, { minutes: 1, actor: ALICE }, clock.now()).nextDeadlineAt).toBe(clock.now() + 60 * MIN);
      expect(reescalate(db, esc.id, ALICE, clock.now() + 60 * MIN).reescalations).toBe(1);
      expect(catchGastown(() => snoozeEscalation(db, esc.id, { minutes: 0, actor: ALICE }, clock.now())).code).toBe("bad_request");
      ackEscalation(db, esc.id, ALICE, clock.now());
      expect(catchGastown(() => snoozeEscalation(db, esc.id, { minutes: 5, actor: ALICE }, clock.now())).code).toBe("conflict");
    });
  });
});
