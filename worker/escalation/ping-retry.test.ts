import { describe, expect, it } from "vitest";
import { ackEscalation, ESCALATION_DEADLINE_MS, getEscalation, raiseEscalation, reescalate, snoozeEscalation } from "../../db/escalations";
import { setOncall } from "../../db/oncall";
import { ALICE } from "../../db/test-helpers";
import { withReconciler } from "../reconciler/test-harness";
import { PING_RETRY, pingRetryDelayMs, recordNotificationFailure } from "./ping-retry";

const latestPing = (events: Array<{ seq: number }>) => events.at(-1)?.seq ?? -1;

describe("a failed escalation ping", () => {
  it("is recorded as notification_failed and sent again by the reconciler after a backoff, counting once per failure", async () => {
    await withReconciler({}, async (h) => {
      setOncall(h.db, { severity: "high", targets: ["slack:user:ONCALL"], actor: ALICE }, h.clock.now());
      const esc = raiseEscalation(h.db, { severity: "high", title: "deploy is stuck", body: "since 10:02", rig: "web", actor: ALICE }, h.clock.now());
      const [raised] = h.events("escalation_raised");
      if (!raised) throw new Error("no ping");
      h.clock.tick(1_000);
      const failure = { what: `slack projection of event ${raised.seq} (escalation_raised)`, error: "channel_not_found", attempt: 3, seq: raised.seq };
      const failedAt = h.clock.now();
      recordNotificationFailure(h.db, failure, failedAt);
      // the bot retrying its report does not count a second failure
      recordNotificationFailure(h.db, failure, failedAt + 5);
      const retryAt = failedAt + PING_RETRY.baseMs;
      expect(h.events("notification_failed").map((e) => [e.beadId, e.rigId, e.data])).toEqual([
        [esc.id, raised.rigId, { ...failure, escalationId: esc.id, retryAt }],
        [esc.id, raised.rigId, { ...failure, escalationId: esc.id, retryAt }],
      ]);
      expect(getEscalation(h.db, esc.id)).toMatchObject({ pingFailures: 1, pingRetryAt: retryAt });

      expect((await h.pass()).nextAlarmAt).toBe(retryAt);
      h.clock.tick(retryAt - 1 - h.clock.now());
      await h.pass();
      expect(h.events("escalation_raised")).toHaveLength(1);

      h.clock.tick(1);
      await h.pass();
      const again = h.events("escalation_raised");
      expect(again.map((e) => e.data)).toEqual([raised.data, { ...raised.data, attempt: 2 }]);
      expect(again[1]).toMatchObject({ beadId: raised.beadId, rigId: raised.rigId, at: retryAt });
      await h.pass();
      expect(h.events("escalation_raised")).toHaveLength(2);

      // the old ping's failure no longer schedules anything; the new one's does, with a longer wait
      recordNotificationFailure(h.db, { ...failure, seq: raised.seq }, h.clock.now());
      expect(getEscalation(h.db, esc.id).pingRetryAt).toBeNull();
      recordNotificationFailure(h.db, { ...failure, seq: latestPing(again) }, h.clock.now());
      expect(getEscalation(h.db, esc.id)).toMatchObject({ pingFailures: 2, pingRetryAt: h.clock.now() + pingRetryDelayMs(2) });

      // acknowledged meanwhile: nothing is re-sent
      ackEscalation(h.db, esc.id, ALICE, h.clock.now());
      h.clock.tick(pingRetryDelayMs(2));
      expect((await h.pass()).nextAlarmAt).toBeNull();
      expect(h.events("escalation_raised")).toHaveLength(2);
    });
  });

  it("re-sends a failed re-escalation with its new severity and targets, and gives up visibly after the bound", async () => {
    await withReconciler({}, async (h) => {
      setOncall(h.db, { severity: "critical", targets: ["slack:group:SRE"], actor: ALICE }, h.clock.now());
      const esc = raiseEscalation(h.db, { severity: "high", title: "db down", actor: ALICE }, h.clock.now());
      reescalate(h.db, esc.id, ALICE, h.clock.tick(ESCALATION_DEADLINE_MS.high));
      // snoozed, so no further re-escalation (a new ping) interleaves with the retries
      snoozeEscalation(h.db, esc.id, { minutes: 24 * 60, actor: ALICE }, h.clock.now());
      for (let n = 1; n <= PING_RETRY.max + 1; n++) {
        const seq = latestPing(h.events("escalation_reescalated"));
        recordNotificationFailure(h.db, { what: "discord projection", error: "Missing Access", attempt: 3, seq }, h.clock.now());
        h.clock.tick(pingRetryDelayMs(n));
        await h.pass();
      }
      const resent = h.events("escalation_reescalated").map((e) => e.data);
      expect(resent).toHaveLength(1 + PING_RETRY.max);
      expect(resent.at(-1)).toEqual({ escalationId: esc.id, severity: "critical", from: "high", count: 1, targets: ["slack:group:SRE"], title: "db down", attempt: PING_RETRY.max + 1 });
      const failures = h.events("notification_failed").map((e) => e.data);
      expect(failures).toHaveLength(PING_RETRY.max + 1);
      expect(failures.at(-1)).toMatchObject({ escalationId: esc.id, retryAt: null });
      expect(getEscalation(h.db, esc.id)).toMatchObject({ pingFailures: PING_RETRY.max + 1, pingRetryAt: null, reescalations: 1 });
    });
  });

  it("a failure report about any other event is recorded without a retry", async () => {
    await withReconciler({}, async (h) => {
      recordNotificationFailure(h.db, { what: "slack card", error: "ratelimited", attempt: 3, seq: 1 }, h.clock.now());
      recordNotificationFailure(h.db, { what: "slack card", error: "ratelimited", attempt: 3, beadId: "web-0001" }, h.clock.now());
      expect(h.events("notification_failed").map((e) => [e.beadId, e.data])).toEqual([
        [null, { what: "slack card", error: "ratelimited", attempt: 3, seq: 1 }],
        ["web-0001", { what: "slack card", error: "ratelimited", attempt: 3 }],
      ]);
    });
  });
});
