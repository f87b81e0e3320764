import { describe, expect, it } from "vitest";
import type { TownEvent, TownEventOf, TownEventType } from "../../core/events";
import { ackEscalation, ESCALATION_DEADLINE_MS, getEscalation, raiseEscalation, snoozeEscalation } from "../../db/escalations";
import { setOncall, setQuietHours } from "../../db/oncall";
import { ALICE } from "../../db/test-helpers";
import { type Harness, MIN, withReconciler } from "../reconciler/test-harness";

/**
 * Escalation timers as the reconciler runs them on the DO alarm, against the real store,
 * with a clock that only moves when the test says so.
 */

function eventsOf<T extends TownEventType>(h: Harness, type: T): TownEventOf<T>[] {
  return h.events(type).filter((e): e is TownEventOf<T> => e.type === type);
}

const pings = (events: TownEvent[]) =>
  events.flatMap((e) => (e.type === "escalation_raised" || e.type === "escalation_reescalated" ? [{ type: e.type, at: e.at, severity: e.data.severity, targets: e.data.targets }] : []));

describe("escalation timers on the reconciler", () => {
  it("re-pings an unacknowledged high escalation on its timer as critical to the next target, and stops once acknowledged", async () => {
    await withReconciler({}, async (h, rigId) => {
      setOncall(h.db, { severity: "high", targets: ["slack:user:PRIMARY"], actor: ALICE }, h.clock.now());
      setOncall(h.db, { severity: "critical", rig: rigId, targets: ["slack:group:SRE", "discord:role:7"], actor: ALICE }, h.clock.now());
      const t0 = h.clock.now();
      const esc = raiseEscalation(h.db, { severity: "high", title: "deploy is stuck", rig: "web", actor: ALICE }, t0);
      const first = await h.pass();
      expect(first.nextAlarmAt).toBe(t0 + ESCALATION_DEADLINE_MS.high);

      h.clock.tick(ESCALATION_DEADLINE_MS.high - 1);
      await h.pass();
      expect(eventsOf(h, "escalation_reescalated")).toHaveLength(0);

      h.clock.tick(1);
      const due = await h.pass();
      expect(eventsOf(h, "escalation_reescalated").map((e) => e.data)).toEqual([
        { escalationId: esc.id, severity: "critical", from: "high", count: 1, targets: ["slack:group:SRE", "discord:role:7"], title: "deploy is stuck" },
      ]);
      expect(due.nextAlarmAt).toBe(h.clock.now() + ESCALATION_DEADLINE_MS.critical);

      h.clock.tick(2 * MIN);
      ackEscalation(h.db, esc.id, ALICE, h.clock.now());
      h.clock.tick(ESCALATION_DEADLINE_MS.critical * 10);
      const after = await h.pass();
      expect(pings(h.events("escalation_raised").concat(h.events("escalation_reescalated")))).toEqual([
        { type: "escalation_raised", at: t0, severity: "high", targets: ["slack:user:PRIMARY"] },
        { type: "escalation_reescalated", at: t0 + ESCALATION_DEADLINE_MS.high, severity: "critical", targets: ["slack:group:SRE", "discord:role:7"] },
      ]);
      expect(after.nextAlarmAt).toBeNull();
    });
  });

  it("holds a low escalation through quiet hours and pings it when they end; a critical one goes at once", async () => {
    const night = Date.parse("2027-01-15T23:30:00Z"); // 00:30 in Berlin
    const morning = Date.parse("2027-01-16T07:00:00Z"); // 08:00 in Berlin
    await withReconciler({}, async (h) => {
      h.clock.tick(night - h.clock.now());
      setQuietHours(h.db, { start: "22:00", end: "08:00", timeZone: "Europe/Berlin", actor: ALICE }, h.clock.now());
      setOncall(h.db, { severity: "low", targets: ["slack:user:DAYTIME"], actor: ALICE }, h.clock.now());
      setOncall(h.db, { severity: "critical", targets: ["slack:user:PAGER"], actor: ALICE }, h.clock.now());
      const low = raiseEscalation(h.db, { severity: "low", title: "flaky test", rig: "web", actor: ALICE }, h.clock.now());
      const crit = raiseEscalation(h.db, { severity: "critical", title: "prod is down", rig: "web", actor: ALICE }, h.clock.now());
      expect(eventsOf(h, "escalation_held").map((e) => e.data)).toEqual([
        { escalationId: low.id, severity: "low", title: "flaky test", body: "", source: ALICE.id, targets: ["slack:user:DAYTIME"], until: morning },
      ]);
      expect(eventsOf(h, "escalation_raised").map((e) => e.data.escalationId)).toEqual([crit.id]);

      const pass = await h.pass();
      expect(pass.nextAlarmAt).toBe(h.clock.now() + ESCALATION_DEADLINE_MS.critical);
      ackEscalation(h.db, crit.id, ALICE, h.clock.now());
      expect((await h.pass()).nextAlarmAt).toBe(morning);

      h.clock.tick(morning - 1 - h.clock.now());
      await h.pass();
      expect(eventsOf(h, "escalation_raised").map((e) => e.data.escalationId)).toEqual([crit.id]);
      expect(getEscalation(h.db, low.id)).toMatchObject({ heldUntil: morning, nextDeadlineAt: null, reescalations: 0 });

      h.clock.tick(1);
      const released = await h.pass();
      expect(eventsOf(h, "escalation_raised").map((e) => [e.data.escalationId, e.at, e.data.targets])).toEqual([
        [crit.id, night, ["slack:user:PAGER"]],
        [low.id, morning, ["slack:user:DAYTIME"]],
      ]);
      expect(released.nextAlarmAt).toBe(morning + ESCALATION_DEADLINE_MS.low);
      await h.pass();
      expect(eventsOf(h, "escalation_raised")).toHaveLength(2);
    });
  });

  it("snooze pushes the re-escalation deadline the reconciler waits for", async () => {
    await withReconciler({}, async (h) => {
      const esc = raiseEscalation(h.db, { severity: "high", title: "cert expires tomorrow", actor: ALICE }, h.clock.now());
      const deadline = h.clock.now() + ESCALATION_DEADLINE_MS.high;
      h.clock.tick(5 * MIN);
      snoozeEscalation(h.db, esc.id, { minutes: 60, actor: ALICE }, h.clock.now());
      const until = h.clock.now() + 60 * MIN;
      expect(eventsOf(h, "escalation_snoozed").map((e) => e.data)).toEqual([{ escalationId: esc.id, by: ALICE.id, minutes: 60, until }]);
      expect((await h.pass()).nextAlarmAt).toBe(until);

      h.clock.tick(deadline - h.clock.now());
      await h.pass();
      expect(eventsOf(h, "escalation_reescalated")).toHaveLength(0);

      h.clock.tick(until - h.clock.now());
      await h.pass();
      expect(eventsOf(h, "escalation_reescalated").map((e) => [e.at, e.data.severity])).toEqual([[until, "critical"]]);
    });
  });
});
