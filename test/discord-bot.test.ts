import { ApplicationCommandOptionType as T } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DiscordHarness, discordKeyPair, startDiscordHarness } from "./fakes/discord-harness";
import type { FakeUser } from "./fakes/discord/payloads";
import type { FakeMessage } from "./fakes/discord/fake-store";
import { until } from "./fakes/slack-harness";

const ada: FakeUser = { id: "300000000000000001", username: "ada" };
const bob: FakeUser = { id: "300000000000000002", username: "bob" };
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const rigAdd = (url: string) => [{ name: "rig", type: T.SubcommandGroup, options: [{ name: "add", type: T.Subcommand, options: [{ name: "git-url", type: T.String, value: url }] }] }];
const slingCmd = (title: string) => [{ name: "sling", type: T.Subcommand, options: [{ name: "title", type: T.String, value: title }, { name: "priority", type: T.String, value: "P1" }] }];

/** Everything the bot has in a channel or thread (a thread is its own channel on Discord), oldest first. */
function messagesIn(h: DiscordHarness, channelId: string): FakeMessage[] {
  return [...h.discord.store.messages.values()].filter((m) => m.channel_id === channelId && m.webhook === null);
}
const shown = (m: FakeMessage) => `${m.content}\n${JSON.stringify(m.embeds)}\n${JSON.stringify(m.components)}`;

async function addRig(h: DiscordHarness): Promise<void> {
  h.discord.slashCommand({ user: ada, options: rigAdd("https://github.com/acme/app.git") });
  await until(() => h.town.channels.length === 1, "channel bound");
}

/** `/gt sling` over the Gateway; resolves when the card is posted, its thread opened and bound. */
async function sling(h: DiscordHarness, title: string): Promise<{ beadId: string; card: FakeMessage; threadId: string }> {
  h.discord.slashCommand({ user: ada, options: slingCmd(title) });
  await until(() => h.town.threads.some((t) => h.town.beads.get(t.beadId)?.title === title && t.cardMessageId !== null), "card posted and bound");
  const t = h.town.threads.find((x) => h.town.beads.get(x.beadId)?.title === title)!;
  return { beadId: t.beadId, card: h.discord.store.messages.get(t.cardMessageId!)!, threadId: t.threadId };
}

describe("Discord bot (startBot: real discord.js against the fake Discord REST + Gateway, fake town)", () => {
  let h: DiscordHarness;
  beforeEach(async () => {
    h = await startDiscordHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it("`/gt rig add` binds the channel; `/gt sling` makes one bead, a card and a thread under the card; town events edit the card", async () => {
    await addRig(h);
    expect(h.town.channels[0]).toMatchObject({ platform: "discord", channelId: h.discord.channelId, rigId: "rig-app" });
    await until(() => messagesIn(h, h.discord.channelId).some((m) => m.content.includes("is bound to this channel")), "rig reply");

    const { beadId, card, threadId } = await sling(h, "fix the login page");
    expect(h.town.callsTo("POST", /^\/sling$/)).toHaveLength(1);
    expect(h.town.callsTo("POST", /^\/sling$/)[0]!.body).toMatchObject({ title: "fix the login page", priority: "P1", rig: "rig-app", actor: { id: `discord:user:${ada.id}` } });
    // The card is a bot message in the rig's channel; the thread is started from it (same id).
    expect(card.channel_id).toBe(h.discord.channelId);
    expect(threadId).toBe(card.id);
    expect(h.discord.store.channels.get(threadId)).toMatchObject({ type: 11, parent_id: h.discord.channelId });
    expect(h.discord.store.rest("POST", /\/threads$/)[0]!.body).toMatchObject({ name: expect.stringContaining(beadId) });
    // bead_hooked edited it in place: the agent is on it.
    await until(() => shown(card).includes("polecat-app-1"), "card shows the agent");
    const cards = messagesIn(h, h.discord.channelId).filter((m) => shown(m).includes("fix the login page"));
    expect(cards).toHaveLength(1);

    const edits = card.edits;
    h.town.emit({ type: "bead_updated", beadId, rigId: "rig-app", data: { bead: { ...h.town.beads.get(beadId)!, status: "in_progress" }, changed: ["status"] } });
    await until(() => card.edits > edits, "card edited");
    expect(shown(card).toLowerCase()).toContain("in progress");
    expect(messagesIn(h, h.discord.channelId).filter((m) => shown(m).includes("fix the login page"))).toHaveLength(1);
  });

  it("a reply in the bead's thread reaches the bead's agent as mail", async () => {
    await addRig(h);
    const { beadId, threadId } = await sling(h, "mail me");
    h.discord.say({ user: bob, channelId: threadId, content: "please also check Safari" });
    await until(() => h.town.mail.length === 1, "mail sent");
    expect(h.town.mail[0]).toMatchObject({ to: beadId, body: "please also check Safari", actor: { id: `discord:user:${bob.id}` } });
  });

  it("an escalation pings the on-call role and user in the thread; Ack acks through the town and edits the ping", async () => {
    await addRig(h);
    const role = h.discord.addRole("oncall");
    const { beadId, threadId } = await sling(h, "stuck bead");
    h.town.emit({
      type: "escalation_raised",
      beadId,
      rigId: "rig-app",
      data: { escalationId: "gt-esc1", severity: "high", title: "agent is stuck", body: "tests hang", source: "polecat-app-1", targets: [`discord:role:${role}`, `discord:user:${bob.id}`, "slack:user:U0NOPE"] },
    });
    await until(() => messagesIn(h, threadId).some((m) => shown(m).includes("agent is stuck")), "escalation ping");
    const ping = messagesIn(h, threadId).find((m) => shown(m).includes("agent is stuck"))!;
    expect(ping.content).toContain(`<@&${role}>`);
    expect(ping.content).toContain(`<@${bob.id}>`);
    expect(ping.content).not.toContain("U0NOPE");
    const post = h.discord.store.rest("POST", new RegExp(`^/channels/${threadId}/messages$`)).find((r) => JSON.stringify(r.body).includes("agent is stuck"))!;
    // Exactly these may ping, nothing the text happens to contain.
    expect(post.body).toMatchObject({ allowed_mentions: { parse: [], roles: [role], users: [bob.id] } });
    expect(JSON.stringify(ping.components)).toContain('"custom_id":"esc_ack:gt-esc1"');

    const press = h.discord.pressButton({ user: bob, messageId: ping.id, customId: "esc_ack:gt-esc1" });
    await until(() => h.town.callsTo("POST", /^\/escalations\/gt-esc1\/ack$/).length === 1, "ack sent to the town");
    expect(h.town.callsTo("POST", /^\/escalations\/gt-esc1\/ack$/)[0]!.body).toMatchObject({ actor: { id: `discord:user:${bob.id}` } });
    expect(h.discord.store.callbacks.get(press.id)).toEqual([{ type: 6, data: undefined }]);
    await until(() => ping.edits >= 1, "ping edited");
    expect(shown(ping)).toContain("acknowledged by bob");
    expect(JSON.stringify(ping.components)).not.toContain("esc_ack");
  });

  it("Approve on a merge sends the presser's Discord roles (discord:role:<id>) so the town can check approvers", async () => {
    const leads = h.discord.addRole("leads");
    await addRig(h);
    const { beadId, threadId } = await sling(h, "approve me");
    h.town.emit({ type: "merge_request_updated", beadId, rigId: "rig-app", data: { mergeRequestId: "gt-mr01", sourceBeadId: beadId, branch: `gt/${beadId}`, state: "awaiting_approval", detail: null, diffStat: " a.ts | 2 +-", gates: [] } });
    await until(() => messagesIn(h, threadId).some((m) => shown(m).includes("mr_approve")), "approval request");
    const ask = messagesIn(h, threadId).find((m) => shown(m).includes("mr_approve"))!;
    h.discord.pressButton({ user: { ...bob, roles: [leads] }, messageId: ask.id, customId: `mr_approve:${beadId}` });
    await until(() => h.town.callsTo("POST", /decision$/).length === 1, "decision sent");
    expect(h.town.callsTo("POST", /decision$/)[0]).toMatchObject({ path: `/merge-requests/${beadId}/decision`, body: { decision: "approve", memberOf: [`discord:role:${leads}`], actor: { id: `discord:user:${bob.id}` } } });
  });

  it("`/gt rig gate-add` sends the gate's command as argv words and the presser's roles; the reply says what every merge runs", async () => {
    const leads = h.discord.addRole("leads");
    await addRig(h);
    const gateAdd = [
      {
        name: "rig",
        type: T.SubcommandGroup,
        options: [
          {
            name: "gate-add",
            type: T.Subcommand,
            options: [
              { name: "name", type: T.String, value: "app" },
              { name: "gate", type: T.String, value: "test" },
              { name: "command", type: T.String, value: 'npm test -- --grep "login page"' },
              { name: "timeout", type: T.String, value: "90" },
            ],
          },
        ],
      },
    ];
    h.discord.slashCommand({ user: { ...ada, roles: [leads] }, options: gateAdd });
    await until(() => h.town.callsTo("PATCH", /^\/rigs\/app$/).length === 1, "gate sent");
    expect(h.town.callsTo("PATCH", /^\/rigs\/app$/)[0]!.body).toMatchObject({
      gate: { put: { name: "test", timeoutSec: 90, argv: ["npm", "test", "--", "--grep", "login page"] } },
      memberOf: [`discord:role:${leads}`],
      actor: { id: `discord:user:${ada.id}` },
    });
    expect(h.town.rigs[0]!.config.qualityGates).toHaveLength(1);
  });

  it("`/gt peek` in a bead thread posts the terminal as an ```ansi block (colours kept) and as a PNG attachment", async () => {
    await addRig(h);
    const { beadId, threadId } = await sling(h, "peek at me");
    h.discord.slashCommand({ user: ada, channelId: threadId, options: [{ name: "peek", type: T.Subcommand, options: [{ name: "target", type: T.String, value: beadId }] }] });
    await until(() => messagesIn(h, threadId).some((m) => m.attachments.length > 0), "picture uploaded");
    const text = messagesIn(h, threadId).find((m) => m.content.includes("```ansi"))!;
    expect(text.content).toContain("all green");
    // Green stays green: the SGR code survives into Discord's ansi block.
    expect(text.content).toMatch(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*32[0-9;]*m`));
    const upload = h.discord.store.rest("POST", new RegExp(`^/channels/${threadId}/messages$`)).find((r) => r.files.length > 0)!;
    const file = upload.files[0]!;
    expect(file.name).toMatch(/\.png$/);
    expect(file.contentType).toBe("image/png");
    expect([...file.bytes.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(file.bytes.length).toBeGreaterThan(200);
  });

  it("answers 401 to a badly signed interaction at POST /discord/interactions and changes nothing", async () => {
    const payload = h.discord.slashCommandPayload({ user: ada, options: rigAdd("https://github.com/acme/evil.git") });
    const body = JSON.stringify(payload);
    const stranger = await discordKeyPair();
    const ts = String(Math.floor(Date.now() / 1000));
    const forged = await h.sendInteraction(body, { signature: await stranger.sign(ts, body), timestamp: ts });
    expect(forged.status).toBe(401);
    const garbage = await h.sendInteraction(body, { signature: "00".repeat(64) });
    expect(garbage.status).toBe(401);
    const stale = await h.sendInteraction(body, { timestamp: String(Math.floor(Date.now() / 1000) - 10 * 60) });
    expect(stale.status).toBe(401);
    // A correctly signed copy of the same bytes is accepted, so it was the signature that mattered.
    const good = await h.sendInteraction(JSON.stringify(h.discord.slashCommandPayload({ user: ada, options: [{ name: "mq", type: T.Subcommand, options: [] }] })));
    expect(good.status).toBe(200);
    await until(() => h.town.callsTo("GET", /^\/merge-queue$/).length === 1, "the good one ran");
    expect(h.town.callsTo("POST", /^\/rigs$/)).toHaveLength(0);
    expect(h.town.channels).toHaveLength(0);
    expect(messagesIn(h, h.discord.channelId)).toHaveLength(0);
  });

  it("the same /gt sling delivered twice by a Gateway resume replay makes one bead and one card", async () => {
    await addRig(h);
    const before = h.discord.gateway.sequence;
    const i = h.discord.slashCommand({ user: ada, options: slingCmd("only once") });
    await until(() => h.town.threads.length === 1, "first card");
    // The connection drops; Discord resumes the session and replays from before the sling.
    h.discord.gateway.drop({ replayAfter: before });
    await h.discord.store.until(() => h.discord.store.log.some((r) => r.kind === "gateway" && r.op === 6), 20_000, "the resume");
    await h.discord.store.until(() => h.discord.gateway.connected, 20_000, "the resumed session");
    // A fence after the replay: once it has run, anything the replay set off has run too.
    h.discord.slashCommand({ user: ada, options: [{ name: "mq", type: T.Subcommand, options: [] }] });
    await until(() => h.town.callsTo("GET", /^\/merge-queue$/).length === 1, "fence handled");
    expect([...h.town.beads.values()].filter((b) => b.title === "only once")).toHaveLength(1);
    expect(h.town.callsTo("POST", /^\/sling$/)).toHaveLength(1);
    expect(messagesIn(h, h.discord.channelId).filter((m) => shown(m).includes("only once"))).toHaveLength(1);
    expect(h.discord.store.rest("POST", new RegExp(`^/interactions/${i.id}/`))).toHaveLength(1);
  }, 30_000);
});

describe("Discord bot restarts (message ids kept by the town)", () => {
  let h: DiscordHarness;
  beforeEach(async () => {
    h = await startDiscordHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it("the same signed interaction POSTed to /discord/interactions again after a restart makes one bead (the town's ledger)", async () => {
    await addRig(h);
    const payload = h.discord.slashCommandPayload({ user: ada, options: slingCmd("over http") });
    // Discord has our deferred answer (it is the HTTP response), so the webhook takes replies.
    h.discord.answeredOverHttp(payload.id, { type: 5, data: { flags: 64 } });
    const body = JSON.stringify(payload);
    expect((await h.sendInteraction(body)).status).toBe(200);
    await until(() => h.town.threads.some((t) => h.town.beads.get(t.beadId)?.title === "over http"), "card posted");
    // A fresh process has no memory of the id; the town's inbound ledger does.
    await h.restart();
    expect((await h.sendInteraction(body)).status).toBe(200);
    await until(() => h.town.callsTo("POST", /^\/inbound$/).filter((c) => (c.body as { eventId: string }).eventId === payload.id).length === 2, "second delivery checked");
    await until(() => h.discord.store.rest("DELETE", new RegExp(payload.token)).length >= 1, "second delivery tidied");
    expect(h.town.callsTo("POST", /^\/sling$/)).toHaveLength(1);
    expect([...h.town.beads.values()].filter((b) => b.title === "over http")).toHaveLength(1);
  });

  it("a bot killed after the first edit of a mayor reply edits the same message after its restart", async () => {
    const threadId = h.discord.addChannel({ type: 11, name: "asked the mayor", parent_id: h.discord.channelId });
    const base = { conversationId: "conv-1", turnId: "turn-9", platform: "discord" as const, channelId: h.discord.channelId, threadId };
    const first = h.town.emit({ type: "mayor_reply", data: { ...base, text: "", working: "looking at the town…", done: false } });
    await until(() => h.town.acks.includes(first.seq), "first part projected");
    const second = h.town.emit({ type: "mayor_reply", data: { ...base, text: "Two beads are open.", working: null, done: false } });
    await until(() => h.town.acks.includes(second.seq), "second part projected");
    expect(messagesIn(h, threadId)).toHaveLength(1);
    expect(messagesIn(h, threadId)[0]!.edits).toBe(1);

    await h.restart();
    const last = h.town.emit({ type: "mayor_reply", data: { ...base, text: "Two beads are open. Both are on track.", working: null, done: true } });
    await until(() => h.town.acks.includes(last.seq), "last part projected by the new process");
    const replies = messagesIn(h, threadId);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.content).toBe("Two beads are open. Both are on track.");
    expect(replies[0]!.edits).toBe(2);
  });

  it("replaying the stream after a crash (acks lost) posts no card, thread or ping twice, and leaves an acked ping acked", async () => {
    await addRig(h);
    const { beadId, threadId } = await sling(h, "crash around me");
    const ping = h.town.emit({
      type: "escalation_raised",
      beadId,
      rigId: "rig-app",
      data: { escalationId: "gt-esc2", severity: "critical", title: "disk full", body: "", source: "witness", targets: [`discord:user:${bob.id}`] },
    });
    await until(() => h.town.acks.includes(ping.seq), "ping projected");
    const posted = messagesIn(h, threadId).find((m) => shown(m).includes("disk full"))!;
    expect(h.town.refs.get(`discord:out:${ping.seq}`)).toMatchObject({ messageId: posted.id, threadId });
    h.discord.pressButton({ user: bob, messageId: posted.id, customId: "esc_ack:gt-esc2" });
    await until(() => posted.edits === 1, "ping acked");
    const postsBefore = h.discord.store.rest("POST", /^\/channels\/\d+\/messages$/).length;
    const threadsBefore = h.discord.store.rest("POST", /\/threads$/).length;

    // The bot dies before its acks reach the town: the new process gets every event again.
    h.town.cursors.clear();
    await h.restart();
    await until(() => h.town.acks.filter((s) => s === h.town.events.length).length >= 2, "replay projected");
    expect(h.discord.store.rest("POST", /^\/channels\/\d+\/messages$/)).toHaveLength(postsBefore);
    expect(h.discord.store.rest("POST", /\/threads$/)).toHaveLength(threadsBefore);
    expect(messagesIn(h, threadId).filter((m) => shown(m).includes("disk full") || shown(m).includes("gt-esc2"))).toHaveLength(1);
    expect(shown(posted)).toContain("acknowledged by bob");
    expect(JSON.stringify(posted.components)).not.toContain("esc_ack");
  });
});
