import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { blockActionBody, eventBody, slashCommandBody } from "./fakes/slack-sign";
import { type SlackHarness, startSlackHarness, until } from "./fakes/slack-harness";

const CH = "C0RIG";

/** Bind channel C0RIG to a rig through the real slash command path. */
async function addRig(h: SlackHarness): Promise<void> {
  const res = await h.send(slashCommandBody({ text: "rig add https://github.com/acme/app.git", channelId: CH }));
  expect(res.status).toBe(200);
  await until(() => h.town.channels.length === 1, "channel bound");
}

/** Sling a bead and wait for its card to be posted; returns the bead id and the card ts. */
async function sling(h: SlackHarness, title: string): Promise<{ beadId: string; ts: string }> {
  const before = h.slack.posts().length;
  await h.send(slashCommandBody({ text: `sling "${title}" --priority P1`, channelId: CH }));
  await until(() => h.slack.posts().length > before && h.town.threads.length > 0 && h.town.threads.some((t) => h.town.beads.get(t.beadId)?.title === title), "card posted");
  const t = h.town.threads.find((x) => h.town.beads.get(x.beadId)?.title === title)!;
  return { beadId: t.beadId, ts: t.cardMessageId! };
}

describe("Slack bot against the fake Slack Web API and a fake town", () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it("acks /gt sling before the town call completes, then posts the bead card exactly once and edits it", async () => {
    await addRig(h);
    const held = h.town.hold("POST", /^\/sling$/);
    const res = await h.send(slashCommandBody({ text: "sling fix the login page --priority P1 --type bug", channelId: CH }));
    // Slack got its answer while the town still holds the sling request.
    expect(res.status).toBe(200);
    expect(h.town.callsTo("POST", /^\/sling$/).length).toBeLessThanOrEqual(1);
    await held.reached;
    expect(h.slack.posts().length).toBe(1); // only the rig-add reply so far
    held.release();
    await until(() => h.town.events.length === 3 && h.town.acks.includes(3), "created + hooked projected");
    const sling = h.town.callsTo("POST", /^\/sling$/)[0]!.body as { title: string; priority: string; type: string; rig: string };
    expect(sling).toMatchObject({ title: "fix the login page", priority: "P1", type: "bug", rig: "rig-app" });
    const cards = h.slack.posts().filter((m) => m.text.includes("fix the login page"));
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    // bead_hooked edited the card in place: the agent is on it.
    expect(card.edits).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(card.blocks)).toContain("polecat-app-1");
    const binding = h.town.threads[0]!;
    expect(binding).toMatchObject({ channelId: CH, threadId: card.ts, cardMessageId: card.ts });
    // The sender was told privately.
    expect(h.slack.messages.some((m) => m.ephemeral && m.text.includes("Slung"))).toBe(true);
  });

  it("answers 401 to an unsigned, forged or stale request and changes nothing", async () => {
    const body = slashCommandBody({ text: "rig add https://github.com/acme/app.git", channelId: CH });
    const unsigned = await fetch(h.eventsUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect(unsigned.status).toBe(401);
    const forged = await h.send(body, { signature: "v0=deadbeef" });
    expect(forged.status).toBe(401);
    const stale = await h.send(body, { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    expect(h.town.calls).toHaveLength(0);
    expect(h.slack.handled("chat.postMessage")).toHaveLength(0);
  });

  it("handles a Slack retry of the same event once (three deliveries, one mail)", async () => {
    await addRig(h);
    const { beadId, ts } = await sling(h, "retry me");
    const event = { type: "message", channel: CH, user: "U0BOB", text: "please also check Safari", ts: "1800000000.000100", thread_ts: ts, channel_type: "channel" };
    const body = eventBody(event, "Ev0RETRY");
    const r1 = await h.send(body);
    const r2 = await h.send(body, { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } });
    const r3 = await h.send(body, { headers: { "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" } });
    expect([r1.status, r2.status, r3.status]).toEqual([200, 200, 200]);
    await until(() => h.town.callsTo("POST", /^\/inbound$/).length >= 3 + 2, "three dedupe checks");
    await until(() => h.town.mail.length >= 1, "mail sent");
    await new Promise((r) => setTimeout(r, 100));
    expect(h.town.mail).toHaveLength(1);
    expect(h.town.mail[0]).toMatchObject({ to: beadId, body: "please also check Safari", actor: { id: "slack:user:U0BOB" } });
  });

  it("runs `!status` typed in a bead thread for that bead, visible only to the sender", async () => {
    await addRig(h);
    const { beadId, ts } = await sling(h, "status check");
    await h.send(eventBody({ type: "message", channel: CH, user: "U0BOB", text: "!status", ts: "1800000000.000200", thread_ts: ts }, "Ev0STATUS"));
    await until(() => h.slack.messages.some((m) => m.ephemeral && m.user === "U0BOB"), "ephemeral status");
    const reply = h.slack.messages.find((m) => m.ephemeral && m.user === "U0BOB")!;
    expect(reply.threadTs).toBe(ts);
    expect(JSON.stringify(reply.blocks)).toContain(beadId);
  });

  it("`!nudge <text>` in a bead thread nudges that bead's agent", async () => {
    await addRig(h);
    const { beadId, ts } = await sling(h, "nudge target");
    await h.send(eventBody({ type: "message", channel: CH, user: "U0BOB", text: "!nudge please run the tests first", ts: "1800000000.000250", thread_ts: ts }, "Ev0NUDGE"));
    await until(() => h.town.callsTo("POST", /\/nudge$/).length === 1, "nudge sent");
    const call = h.town.callsTo("POST", /\/nudge$/)[0]!;
    expect(call.path).toBe(`/beads/${beadId}/nudge`);
    expect(call.body).toMatchObject({ text: "please run the tests first", actor: { id: "slack:user:U0BOB" } });
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("Nudged")), "nudge confirmation in the thread");
  });

  it("answers an unknown or malformed command with a private usage line and calls nothing", async () => {
    await h.send(slashCommandBody({ text: "frobnicate the town", channelId: CH, userId: "U0EVE" }));
    await h.send(slashCommandBody({ text: "sling --priority P9 broken", channelId: CH, userId: "U0EVE" }));
    await until(() => h.slack.messages.filter((m) => m.ephemeral).length === 2, "two usage replies");
    const [unknown, bad] = h.slack.messages.filter((m) => m.ephemeral);
    expect(unknown!.text).toContain("unknown command");
    expect(bad!.text).toContain("Usage: `/gt sling");
    expect(h.slack.messages.every((m) => m.ephemeral && m.user === "U0EVE")).toBe(true);
    expect(h.town.calls).toHaveLength(0);
  });

  it("re-projecting an event after a restart edits the card instead of posting a second one", async () => {
    await addRig(h);
    await sling(h, "replay me");
    await until(() => h.town.acks.includes(h.town.events.length), "all acked");
    const posts = h.slack.handled("chat.postMessage").length;
    const updates = h.slack.handled("chat.update").length;
    // As if the bot died before its acks were stored: the town replays everything.
    h.town.cursors.clear();
    await h.restart();
    await until(() => h.slack.handled("chat.update").length >= updates + 2, "replayed events edit");
    await until(() => h.town.acks.filter((s) => s === h.town.events.length).length >= 2, "replay acked");
    expect(h.slack.handled("chat.postMessage").length).toBe(posts);
  });

  it("honours a 429 Retry-After from Slack and still posts the message, once", async () => {
    await addRig(h);
    h.slack.retryAfterSec = 1;
    h.slack.rateLimitNext = 1;
    h.slack.rateLimitMethod = "chat.postMessage";
    await sling(h, "rate limited");
    const calls = h.slack.calls.filter((c) => c.method === "chat.postMessage");
    const limited = calls.findIndex((c) => c.rateLimited);
    expect(limited).toBeGreaterThanOrEqual(0);
    const retry = calls[limited + 1]!;
    expect(retry.rateLimited).toBe(false);
    // The client waited at least Retry-After before trying again (a lower bound, not a timing race).
    expect(retry.at - calls[limited]!.at).toBeGreaterThanOrEqual(950);
    expect(h.slack.posts().filter((m) => m.text.includes("rate limited"))).toHaveLength(1);
  });

  it("tells the bead thread when its agent could not be started, in one message edited per retry", async () => {
    await addRig(h);
    const { beadId, ts } = await sling(h, "cannot start");
    const fail = (attempt: number) =>
      h.town.emit({ type: "dispatch_failed", beadId, rigId: "rig-app", data: { agentId: "polecat-app-1", error: "no model configured for claude agents", attempt } });
    fail(1);
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("Could not start")), "failure posted in the thread");
    fail(2);
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("attempt 2")), "the same message edited");
    const notes = h.slack.posts(ts).filter((m) => m.text.includes("Could not start"));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain("no model configured for claude agents");
    expect(notes[0]!.edits).toBeGreaterThanOrEqual(1);
  });

  it("pings on-call for an escalation in the bead thread, and the Ack button acks it", async () => {
    await addRig(h);
    const { beadId, ts } = await sling(h, "stuck bead");
    h.town.emit({ type: "escalation_raised", beadId, rigId: "rig-app", data: { escalationId: "gt-esc1", severity: "high", title: "agent is stuck", body: "tests hang", source: "polecat-app-1", targets: ["slack:user:U0ONCALL", "slack:group:S0DEVS", "discord:role:1"] } });
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("agent is stuck")), "escalation ping");
    const ping = h.slack.posts(ts).find((m) => m.text.includes("agent is stuck"))!;
    expect(ping.text).toContain("<@U0ONCALL>");
    expect(ping.text).toContain("<!subteam^S0DEVS>");
    expect(ping.text).not.toContain("role");
    expect(JSON.stringify(ping.blocks)).toContain('"action_id":"esc_ack"');
    const res = await h.send(blockActionBody({ actionId: "esc_ack", value: "gt-esc1", channelId: CH, messageTs: ping.ts, threadTs: ts }));
    expect(res.status).toBe(200);
    await until(() => h.town.callsTo("POST", /^\/escalations\/gt-esc1\/ack$/).length === 1, "ack called");
    await until(() => ping.edits >= 1, "ping edited");
    expect(ping.text).toContain("acknowledged by alice");
    expect(JSON.stringify(ping.blocks)).not.toContain("esc_ack");
  });

  it("posts a peek as a text code block and as a PNG through the external upload flow", async () => {
    await h.stop();
    h = await startSlackHarness({ snapshotPng: () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) });
    await addRig(h);
    const { beadId, ts } = await sling(h, "peek at me");
    await h.send(eventBody({ type: "message", channel: CH, user: "U0BOB", text: `!peek ${beadId}`, ts: "1800000000.000300", thread_ts: ts }, "Ev0PEEK"));
    await until(() => [...h.slack.files.values()].some((f) => f.completed), "file uploaded");
    const text = h.slack.posts(ts).find((m) => m.text.includes("Terminal of"))!;
    expect(JSON.stringify(text.blocks)).toContain("all green");
    const file = [...h.slack.files.values()][0]!;
    expect(file).toMatchObject({ channel: CH, threadTs: ts, completed: true });
    expect(file.bytes.includes(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBe(true);
    expect(h.slack.handled("files.getUploadURLExternal")).toHaveLength(1);
  });

  it("a mention outside a bead thread says honestly that the mayor is not configured", async () => {
    await h.send(eventBody({ type: "app_mention", channel: CH, user: "U0BOB", text: "<@UBOT> can you plan the release?", ts: "1800000000.000400" }, "Ev0MAYOR"));
    await until(() => h.slack.posts().some((m) => m.text.includes("mayor is not configured")), "mayor reply");
    expect(h.town.callsTo("POST", /^\/mayor$/)).toHaveLength(1);
    // The conversation lives in a thread under the mention itself.
    expect(h.town.callsTo("POST", /^\/mayor$/)[0]!.body).toMatchObject({ text: "can you plan the release?", channelId: CH, threadId: "1800000000.000400" });
  });

  it("mentioning the bot in a bead thread asks the mayor in that thread instead of mailing the agent", async () => {
    await addRig(h);
    const { ts } = await sling(h, "ask about me");
    await h.send(eventBody({ type: "message", channel: CH, user: "U0BOB", text: "<@UBOT> how is this one going?", ts: "1800000000.000500", thread_ts: ts }, "Ev0ASK"));
    await until(() => h.town.callsTo("POST", /^\/mayor$/).length === 1, "mayor asked");
    expect(h.town.callsTo("POST", /^\/mayor$/)[0]!.body).toMatchObject({ text: "how is this one going?", threadId: ts });
    expect(h.town.mail).toHaveLength(0);
  });

  it("streams the mayor's reply into its thread as one message, posted once and then edited", async () => {
    h.town.mayorEnabled = true;
    await h.send(slashCommandBody({ text: "mayor how is the release going?", channelId: CH, userName: "alice" }));
    await until(() => h.town.acks.includes(3), "three mayor_reply events projected");
    const root = h.slack.posts().find((m) => m.text.includes("alice asked the mayor"))!;
    expect(h.town.callsTo("POST", /^\/mayor$/)[0]!.body).toMatchObject({ threadId: root.ts });
    const replies = h.slack.posts(root.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toBe("Two beads are open. Both are on track.");
    expect(replies[0]!.edits).toBe(2);
  });

  it("Approve on a merge sends the presser's Slack user groups so the town can check approvers", async () => {
    await addRig(h);
    const { beadId, ts } = await sling(h, "approve me");
    h.slack.userGroups.set("S0LEADS", ["U0ALICE", "U0CAROL"]);
    h.slack.userGroups.set("S0OTHER", ["U0DAVE"]);
    h.town.emit({ type: "merge_request_updated", beadId, rigId: "rig-app", data: { mergeRequestId: "gt-mr01", sourceBeadId: beadId, branch: `gt/${beadId}`, state: "awaiting_approval", detail: null, diffStat: " a.ts | 2 +-", gates: [{ name: "test", ok: true, exitCode: 0, timedOut: false, output: "" }] } });
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("awaiting approval")), "approval request");
    const ask = h.slack.posts(ts).find((m) => m.text.includes("awaiting approval"))!;
    expect(JSON.stringify(ask.blocks)).toContain("a.ts | 2 +-");
    await h.send(blockActionBody({ actionId: "mr_approve", value: beadId, channelId: CH, messageTs: ask.ts, threadTs: ts }));
    await until(() => h.town.callsTo("POST", /decision$/).length === 1, "decision sent");
    expect(h.town.callsTo("POST", /decision$/)[0]).toMatchObject({ path: `/merge-requests/${beadId}/decision`, body: { decision: "approve", memberOf: ["slack:group:S0LEADS"], actor: { id: "slack:user:U0ALICE" } } });
  });
});
