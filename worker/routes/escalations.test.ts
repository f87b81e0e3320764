import { describe, expect, it } from "vitest";
import type { StreamServerFrame, TownEvent } from "../../core/events";
import { addRig, alice, api, newTown, ok, openStream } from "../app-testing";

type Escalation = {
  id: string;
  severity: string;
  status: string;
  source: string;
  sourceAgentId: string | null;
  targets: string[];
  metadata: Record<string, unknown>;
  body: string;
  nextDeadlineAt: number | null;
  heldUntil: number | null;
  snoozedUntil: number | null;
  pingFailures: number;
  pingRetryAt: number | null;
};
type One = { escalation: Escalation };

const MIN = 60_000;
const eventOf = (f: StreamServerFrame): TownEvent | null => (f.t === "event" ? f.event : null);

/** Events of the town so far (the stream replays from seq 0), up to the one `stop` matches. */
async function eventsUntil(town: string, stop: (e: TownEvent) => boolean): Promise<TownEvent[]> {
  const stream = await openStream(town, "after=0&consumer=test");
  const frames = await stream.until((f) => {
    const e = eventOf(f);
    return e !== null && stop(e);
  });
  await stream.close();
  return frames.flatMap((f) => (f.t === "event" ? [f.event] : []));
}

describe("/towns/:town/{escalations,oncall}", () => {
  it("routes to on-call, then acks and resolves", async () => {
    const town = newTown();
    await addRig(town);
    expect(await ok("POST", `/towns/${town}/oncall`, { severity: "high", targets: ["slack:group:S1"], actor: alice }, 200)).toMatchObject({
      oncall: { scope: "*", severity: "high", targets: ["slack:group:S1"] },
    });
    expect(await ok("GET", `/towns/${town}/oncall`)).toMatchObject({ oncall: [{ severity: "high" }] });
    const { escalation } = await ok<One>("POST", `/towns/${town}/escalations`, {
      severity: "high",
      title: "CI is red on main",
      body: "three runs in a row",
      metadata: { run: 42 },
      actor: alice,
    });
    expect(escalation).toMatchObject({ status: "open", targets: ["slack:group:S1"], body: "three runs in a row", metadata: { run: 42 } });
    expect(await ok("GET", `/towns/${town}/escalations`)).toMatchObject({ escalations: [{ id: escalation.id }] });
    const acked = await ok<One>("POST", `/towns/${town}/escalations/${escalation.id}/ack`, { actor: alice }, 200);
    expect(acked.escalation.status).toBe("acked");
    const resolved = await ok<One>("POST", `/towns/${town}/escalations/${escalation.id}/resolve`, { actor: alice }, 200);
    expect(resolved.escalation.status).toBe("resolved");
    expect(await ok("GET", `/towns/${town}/escalations?open=true`)).toEqual({ escalations: [] });
  });

  it("refuses an unknown severity with 400 and raises nothing", async () => {
    const town = newTown();
    const res = await api("POST", `/towns/${town}/escalations`, { body: { severity: "apocalyptic", title: "x", actor: alice } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { issues: [expect.objectContaining({ path: ["severity"] })] } });
    expect(await ok("GET", `/towns/${town}/escalations?open=false`)).toEqual({ escalations: [] });
  });

  it("/gt escalate from a person keeps body and metadata, and the source is the person (a body cannot claim another)", async () => {
    const town = newTown();
    await addRig(town);
    const body = `line one\n${"x".repeat(20_000)}\nlast line`;
    const { escalation } = await ok<One>("POST", `/towns/${town}/escalations`, {
      severity: "low",
      title: "please look at the flaky e2e suite",
      body,
      rig: "web",
      metadata: { channel: "C1", links: ["https://ci.example/run/9"], nested: { ok: true } },
      source: "witness",
      sourceAgentId: "polecat-web-1",
      actor: alice,
    });
    const stored = (await ok<One>("GET", `/towns/${town}/escalations/${escalation.id}`)).escalation;
    expect(stored).toMatchObject({ source: alice.id, sourceAgentId: null, body, metadata: { channel: "C1", links: ["https://ci.example/run/9"], nested: { ok: true } } });
    const events = await eventsUntil(town, (e) => e.type === "escalation_raised");
    expect(events.at(-1)).toMatchObject({ type: "escalation_raised", data: { escalationId: escalation.id, body, source: alice.id } });
  });

  it("on-call with a rotation shows who is on call now", async () => {
    const town = newTown();
    const startsAt = new Date(Date.now() - 8 * 24 * 3_600_000).toISOString().replace("Z", "+00:00");
    const res = await ok<{ oncall: { onCall: string[]; rotation: { everyHours: number } } }>(
      "PUT",
      `/towns/${town}/oncall`,
      { severity: "critical", rotation: { shifts: [["slack:user:A"], ["slack:user:B"]], startsAt }, actor: alice },
      200,
    );
    // 8 days after the start of weekly shifts: the second week, B's
    expect(res.oncall).toMatchObject({ onCall: ["slack:user:B"], rotation: { everyHours: 168 } });
    const bad = await api("PUT", `/towns/${town}/oncall`, { body: { severity: "high", targets: ["@bob"], actor: alice } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { issues: [expect.objectContaining({ path: ["targets", 0] })] } });
  });

  it("snooze pushes the deadline, and is refused for bad minutes, unknown or acknowledged escalations", async () => {
    const town = newTown();
    const { escalation } = await ok<One>("POST", `/towns/${town}/escalations`, { severity: "high", title: "cert expires", actor: alice });
    const before = Date.now();
    const snoozed = (await ok<One>("POST", `/towns/${town}/escalations/${escalation.id}/snooze`, { minutes: 120, actor: alice }, 200)).escalation;
    expect(snoozed.nextDeadlineAt).toBeGreaterThanOrEqual(before + 120 * MIN);
    expect(snoozed.snoozedUntil).toBe(snoozed.nextDeadlineAt);
    const events = await eventsUntil(town, (e) => e.type === "escalation_snoozed");
    expect(events.at(-1)).toMatchObject({ beadId: escalation.id, data: { escalationId: escalation.id, by: alice.id, minutes: 120 } });
    expect((await api("POST", `/towns/${town}/escalations/${escalation.id}/snooze`, { body: { minutes: 0, actor: alice } })).status).toBe(400);
    expect((await api("POST", `/towns/${town}/escalations/hq-zzzz/snooze`, { body: { minutes: 5, actor: alice } })).status).toBe(404);
    await ok("POST", `/towns/${town}/escalations/${escalation.id}/ack`, { actor: alice }, 200);
    expect((await api("POST", `/towns/${town}/escalations/${escalation.id}/snooze`, { body: { minutes: 5, actor: alice } })).status).toBe(409);
  });

  it("quiet hours: set, read and cleared; a low escalation raised inside them is held, a critical one is not", async () => {
    const town = newTown();
    await addRig(town);
    const bad = await api("PUT", `/towns/${town}/oncall/quiet-hours`, { body: { start: "22:00", end: "08:00", timeZone: "Moon/Base", actor: alice } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { issues: [expect.objectContaining({ path: ["timeZone"] })] } });
    // windows around the time the test runs (the route runs on the real clock)
    const hhmm = (offsetMin: number) => new Date(Date.now() + offsetMin * MIN).toISOString().slice(11, 16);
    await ok("PUT", `/towns/${town}/oncall/quiet-hours`, { start: hhmm(120), end: hhmm(180), timeZone: "UTC", actor: alice }, 200);
    await ok("PUT", `/towns/${town}/oncall/quiet-hours`, { rig: "web", start: hhmm(-60), end: hhmm(60), timeZone: "UTC", actor: alice }, 200);
    expect(await ok("GET", `/towns/${town}/oncall/quiet-hours`)).toMatchObject({ quietHours: { scope: "*", start: hhmm(120) } });
    const low = (await ok<One>("POST", `/towns/${town}/escalations`, { severity: "low", title: "docs typo", rig: "web", actor: alice })).escalation;
    expect(low).toMatchObject({ status: "held", nextDeadlineAt: null });
    expect(low.heldUntil).toBeGreaterThan(Date.now() + 55 * MIN);
    expect(low.heldUntil).toBeLessThanOrEqual(Date.now() + 60 * MIN);
    const crit = (await ok<One>("POST", `/towns/${town}/escalations`, { severity: "critical", title: "prod down", rig: "web", actor: alice })).escalation;
    expect(crit).toMatchObject({ status: "open", heldUntil: null });
    const events = await eventsUntil(town, (e) => e.type === "escalation_raised");
    expect(events.filter((e) => e.type.startsWith("escalation_")).map((e) => [e.type, "escalationId" in e.data ? e.data.escalationId : null])).toEqual([
      ["escalation_held", low.id],
      ["escalation_raised", crit.id],
    ]);
    expect(await ok("DELETE", `/towns/${town}/oncall/quiet-hours`, { rig: "web", actor: alice }, 200)).toEqual({ cleared: true });
    expect(await ok("GET", `/towns/${town}/oncall/quiet-hours?rig=web`)).toEqual({ quietHours: null });
  });

  it("a failed ping reported by the bot is recorded and its re-send scheduled", async () => {
    const town = newTown();
    await ok("POST", `/towns/${town}/oncall`, { severity: "high", targets: ["slack:user:U9"], actor: alice }, 200);
    const { escalation } = await ok<One>("POST", `/towns/${town}/escalations`, { severity: "high", title: "disk full", actor: alice });
    const ping = (await eventsUntil(town, (e) => e.type === "escalation_raised")).at(-1);
    if (!ping) throw new Error("no ping on the stream");
    const before = Date.now();
    await ok("POST", `/towns/${town}/notifications/failed`, { what: `slack projection of event ${ping.seq} (escalation_raised)`, error: "not_in_channel", attempt: 3, seq: ping.seq });
    const after = (await ok<One>("GET", `/towns/${town}/escalations/${escalation.id}`)).escalation;
    expect(after.pingFailures).toBe(1);
    expect(after.pingRetryAt).toBeGreaterThanOrEqual(before + 30_000);
    const failed = (await eventsUntil(town, (e) => e.type === "notification_failed")).at(-1);
    expect(failed).toMatchObject({ beadId: escalation.id, data: { error: "not_in_channel", seq: ping.seq, escalationId: escalation.id, retryAt: after.pingRetryAt } });
  });
});
