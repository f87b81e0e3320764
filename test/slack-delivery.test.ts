import { afterEach, describe, expect, it } from "vitest";
import { eventBody, slashCommandBody } from "./fakes/slack-sign";
import { type SlackHarness, startSlackHarness, until } from "./fakes/slack-harness";

const CH = "C0RIG";

async function rigAndBead(h: SlackHarness, title: string): Promise<{ beadId: string; ts: string }> {
  await h.send(slashCommandBody({ text: "rig add https://github.com/acme/app.git", channelId: CH }));
  await until(() => h.town.channels.length === 1, "channel bound");
  await h.send(slashCommandBody({ text: `sling ${title}`, channelId: CH }));
  await until(() => h.town.threads.length === 1 && h.town.acks.includes(h.town.events.length) && h.town.events.length >= 3, "card posted");
  const t = h.town.threads[0]!;
  return { beadId: t.beadId, ts: t.cardMessageId! };
}

const snapshot = (beadId: string, n: number) =>
  ({ type: "snapshot_updated", beadId, rigId: "rig-app", data: { agentId: "polecat-app-1", text: `step ${n} done`, ansi: `step ${n} done`, cols: 40, rows: 2 } }) as const;

describe("Slack delivery guarantees", () => {
  let h: SlackHarness;
  afterEach(async () => {
    await h.stop();
  });

  it("the same `@gastown sling` event delivered three times makes one bead", async () => {
    h = await startSlackHarness();
    await h.send(slashCommandBody({ text: "rig add https://github.com/acme/app.git", channelId: CH }));
    await until(() => h.town.channels.length === 1, "channel bound");
    const body = eventBody({ type: "app_mention", channel: CH, user: "U0BOB", text: "<@UBOT> sling tidy the README", ts: "1800000000.000900" }, "Ev0SLING");
    for (const retry of [undefined, "1", "2"]) {
      const res = await h.send(body, retry ? { headers: { "x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout" } } : {});
      expect(res.status).toBe(200);
    }
    await until(() => h.town.callsTo("POST", /^\/inbound$/).length >= 4, "dedupe checked for all three");
    await until(() => h.town.acks.includes(h.town.events.length) && h.town.events.length >= 3, "projected");
    expect(h.town.callsTo("POST", /^\/sling$/)).toHaveLength(1);
    expect([...h.town.beads.values()].filter((b) => b.title === "tidy the README")).toHaveLength(1);
    expect(h.slack.posts().filter((m) => m.text.includes("tidy the README"))).toHaveLength(1);
  });

  it("with 30% of Slack calls answered 429, every post still lands once, in order within the thread", async () => {
    h = await startSlackHarness();
    const { beadId, ts } = await rigAndBead(h, "noisy bead");
    let seed = 7;
    h.slack.random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    h.slack.retryAfterSec = 0;
    h.slack.rateLimitFraction = 0.3;
    for (let i = 1; i <= 8; i++) {
      h.town.emit({ type: "merge_request_updated", beadId, rigId: "rig-app", data: { mergeRequestId: `gt-mr${i}`, sourceBeadId: beadId, branch: `gt/${beadId}`, state: "failed", detail: `attempt ${i}` } });
    }
    await until(() => h.town.acks.includes(h.town.events.length), "all events acked");
    expect(h.slack.calls.some((c) => c.rateLimited)).toBe(true);
    const thread = h.slack.posts(ts).map((m) => JSON.stringify(m.blocks));
    const order = thread.map((b) => Number(/attempt (\d)/.exec(b)?.[1]));
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("a card someone deleted is posted again (and rebound) on the next change instead of failing", async () => {
    h = await startSlackHarness();
    const { beadId, ts } = await rigAndBead(h, "deleted card");
    h.slack.messages.splice(h.slack.messages.findIndex((m) => m.ts === ts), 1);
    const bead = h.town.beads.get(beadId)!;
    h.town.emit({ type: "bead_updated", beadId, rigId: bead.rigId, data: { bead: { ...bead, status: "in_progress" }, changed: ["status"] } });
    await until(() => h.town.acks.includes(h.town.events.length), "acked");
    const cards = h.slack.posts().filter((m) => m.text.includes("deleted card") && !m.threadTs);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.ts).not.toBe(ts);
    expect(h.town.threads[0]).toMatchObject({ cardMessageId: cards[0]!.ts, threadId: cards[0]!.ts });
    expect(h.town.failures).toHaveLength(0);
  });

  it("killing the bot mid-stream and restarting it loses no event and duplicates no post", async () => {
    h = await startSlackHarness();
    const { beadId, ts } = await rigAndBead(h, "long runner");
    h.town.emit(snapshot(beadId, 1));
    h.town.emit(snapshot(beadId, 2));
    await until(() => h.town.acks.includes(h.town.events.length), "first snapshots acked");
    await h.restart();
    // Appended while the bot was down or reconnecting.
    h.town.emit(snapshot(beadId, 3));
    h.town.emit({ type: "escalation_raised", beadId, rigId: "rig-app", data: { escalationId: "gt-es09", severity: "low", title: "needs a decision", body: "", source: "polecat-app-1", targets: [] } });
    h.town.emit(snapshot(beadId, 4));
    await until(() => h.town.acks.includes(h.town.events.length), "all acked after restart");
    // Replay everything once more (as after a crash before the acks were stored): nothing new appears.
    const before = h.slack.handled("chat.postMessage").length;
    h.town.cursors.clear();
    await h.restart();
    await until(() => h.town.acks.filter((a) => a === h.town.events.length).length >= 2, "replay acked");
    expect(h.slack.handled("chat.postMessage").length).toBe(before);
    const inThread = h.slack.posts(ts);
    const terminals = inThread.filter((m) => m.text.startsWith("Terminal of"));
    expect(terminals).toHaveLength(1);
    expect(JSON.stringify(terminals[0]!.blocks)).toContain("step 4 done");
    expect(inThread.filter((m) => m.text.includes("needs a decision"))).toHaveLength(1);
    expect(h.slack.posts().filter((m) => m.text.includes("long runner") && !m.threadTs)).toHaveLength(1);
  });
});
