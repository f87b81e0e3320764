import { ApplicationCommandOptionType as T } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord-harness";
import type { FakeMessage } from "./fakes/discord/fake-store";
import type { CommandOption, FakeUser } from "./fakes/discord/payloads";
import { until } from "./fakes/slack-harness";

/**
 * Issue 6 on Discord, through startBot (real discord.js against the fake Discord REST +
 * Gateway) and the fake town: Approve allowed by role and refused without it, the held note
 * without pings, a re-escalation pinging the new role, and oncall commands from the typed
 * Discord options.
 */

const ada: FakeUser = { id: "300000000000000001", username: "ada" };
const bob: FakeUser = { id: "300000000000000002", username: "bob" };

let h: DiscordHarness;
beforeEach(async () => {
  h = await startDiscordHarness();
});
afterEach(async () => {
  await h.stop();
});

const messagesIn = (channelId: string): FakeMessage[] => [...h.discord.store.messages.values()].filter((m) => m.channel_id === channelId && m.webhook === null);
const ephemeral = (): FakeMessage[] => [...h.discord.store.messages.values()].filter((m) => m.webhook !== null && (m.flags & 64) === 64);
const shown = (m: FakeMessage) => `${m.content}\n${JSON.stringify(m.embeds)}\n${JSON.stringify(m.components)}`;
const sub = (name: string, options: CommandOption[] = []): CommandOption => ({ name, type: T.Subcommand, options });
const str = (name: string, value: string): CommandOption => ({ name, type: T.String, value });
const settled = () => until(() => h.town.acks.includes(h.town.events.length), "every event projected");

async function setup(): Promise<{ beadId: string; threadId: string }> {
  h.discord.slashCommand({ user: ada, options: [{ name: "rig", type: T.SubcommandGroup, options: [sub("add", [str("git-url", "https://github.com/acme/app.git")])] }] });
  await until(() => h.town.channels.length === 1, "channel bound");
  h.discord.slashCommand({ user: ada, options: [sub("sling", [str("title", "needs review")])] });
  await until(() => h.town.threads.some((t) => t.cardMessageId !== null), "card posted");
  const t = h.town.threads[0]!;
  return { beadId: t.beadId, threadId: t.threadId };
}

describe("issue 6 on Discord", () => {
  it("Approve from someone without the approver role is refused privately; a role holder's press approves", async () => {
    const { beadId, threadId } = await setup();
    const leads = h.discord.addRole("leads");
    h.town.rigs[0]!.config = { ...h.town.rigs[0]!.config, mergePolicy: "approve", approvers: [`discord:role:${leads}`] };
    const mr = h.town.domain.addMergeRequest(h.town.beads.get(beadId)!, { state: "awaiting_approval", diffStat: " lib/x.ts | 3 ++-" });
    await until(() => messagesIn(threadId).some((m) => shown(m).includes("mr_approve")), "approval request");
    const ask = messagesIn(threadId).find((m) => shown(m).includes("mr_approve"))!;
    expect(shown(ask)).toContain("lib/x.ts | 3 ++-");
    await settled();

    h.discord.pressButton({ user: bob, messageId: ask.id, customId: `mr_approve:${beadId}` });
    await until(() => ephemeral().some((m) => m.content.includes("not allowed")), "private refusal");
    expect(h.town.domain.mergeRequests.get(mr.id)!.state).toBe("awaiting_approval");
    expect(ask.edits).toBe(0);

    h.discord.pressButton({ user: { ...bob, roles: [leads] }, messageId: ask.id, customId: `mr_approve:${beadId}` });
    await until(() => h.town.domain.mergeRequests.get(mr.id)!.state === "queued", "approved by a lead");
    await settled();
    expect(JSON.stringify(ask.components)).not.toContain("mr_approve");
  });

  it("a held escalation pings nobody; its re-escalation pings the new role with the bumped severity", async () => {
    const { beadId, threadId } = await setup();
    const sre = h.discord.addRole("sre");
    const base = { escalationId: "gt-es09", severity: "medium" as const, title: "slow build", body: "", source: "witness" };
    h.town.emit({ type: "escalation_held", beadId, rigId: "rig-app", data: { ...base, targets: [`discord:user:${ada.id}`], until: Date.now() + 3_600_000 } });
    await until(() => messagesIn(threadId).some((m) => m.content.includes("held until")), "held note");
    const post = h.discord.store.rest("POST", new RegExp(`^/channels/${threadId}/messages$`)).find((r) => JSON.stringify(r.body).includes("held until"))!;
    expect(post.body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(JSON.stringify((post.body as { allowed_mentions: unknown }).allowed_mentions)).not.toContain(ada.id);

    h.town.emit({ type: "escalation_reescalated", beadId, rigId: "rig-app", data: { escalationId: "gt-es09", severity: "high", from: "medium", count: 1, targets: [`discord:role:${sre}`] } });
    await until(() => messagesIn(threadId).some((m) => m.content.includes(`<@&${sre}>`)), "re-escalation ping");
    const ping = messagesIn(threadId).find((m) => m.content.includes(`<@&${sre}>`))!;
    expect(ping.content).toContain("re-escalated to HIGH (was MEDIUM)");
    expect(ping.content).toContain("slow build");
  });

  it("oncall rotate and quiet hours from Discord's typed options reach the town", async () => {
    await setup();
    const oncall = (verb: string, options: CommandOption[]) => h.discord.slashCommand({ user: ada, options: [{ name: "oncall", type: T.SubcommandGroup, options: [sub(verb, options)] }] });
    oncall("rotate", [str("severity", "critical"), str("starts", "now"), str("every", "12h"), str("shifts", `<@${ada.id}> | <@${bob.id}>`), str("rig", "app")]);
    oncall("quiet", [str("window", "23:00-06:30"), str("timezone", "America/New_York")]);
    await until(() => h.town.callsTo("POST", /^\/oncall$/).length === 1 && h.town.callsTo("PUT", /^\/oncall\/quiet-hours$/).length === 1, "both sent");
    expect(h.town.callsTo("POST", /^\/oncall$/)[0]!.body).toMatchObject({
      severity: "critical",
      rig: "app",
      rotation: { everyHours: 12, shifts: [[`discord:user:${ada.id}`], [`discord:user:${bob.id}`]] },
    });
    expect(h.town.callsTo("PUT", /^\/oncall\/quiet-hours$/)[0]!.body).toMatchObject({ start: "23:00", end: "06:30", timeZone: "America/New_York" });
  });
});
