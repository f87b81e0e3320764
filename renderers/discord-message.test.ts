import type { APIEmbed } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../core/chat";
import { escalationCard } from "./cards";
import { discordMentions, type DiscordPayload, parseDiscordCustomId, renderDiscordMessage, renderDiscordMessages } from "./discord-message";
import { LIMITS } from "./limits";
import { SEVERITY_COLOR, TONE_COLOR } from "./tones";

const L = LIMITS.discord;

function limitProblems(p: DiscordPayload): string[] {
  const problems: string[] = [];
  if (p.content.length > L.content) problems.push(`content ${p.content.length}`);
  if (p.content === "" && p.embeds.length === 0) problems.push("empty message");
  if (p.embeds.length > L.embedsPerMessage) problems.push("embeds");
  const size = (e: APIEmbed) => (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  if (p.embeds.reduce((n, e) => n + size(e), 0) > L.embedTotal) problems.push("embed total");
  for (const e of p.embeds) {
    if ((e.title?.length ?? 0) > L.embedTitle) problems.push("title");
    if ((e.description?.length ?? 0) > L.embedDescription) problems.push("description");
    if ((e.fields?.length ?? 0) > L.embedFields) problems.push("fields");
    for (const f of e.fields ?? []) if (f.name.length > L.fieldName || f.value.length > L.fieldValue || f.value === "") problems.push("field");
    if ((e.footer?.text.length ?? 0) > L.footer) problems.push("footer");
  }
  if (p.components.length > L.rowsPerMessage) problems.push("rows");
  const ids = new Set<string>();
  for (const row of p.components) {
    if (row.components.length > L.buttonsPerRow) problems.push("row size");
    for (const b of row.components) {
      if ((b.label?.length ?? 0) > L.buttonLabel) problems.push("label");
      if (b.custom_id.length > L.customId) problems.push("custom_id");
      if (ids.has(b.custom_id)) problems.push("duplicate custom_id");
      ids.add(b.custom_id);
    }
  }
  return problems;
}

describe("renderDiscordMessages", () => {
  it("renders an escalation card as an embed in its severity colour with button rows", () => {
    const msg = escalationCard({ escalationId: "gt-e1", severity: "critical", title: "Prod down", body: "**now**", source: "witness", targets: ["user:42", "role:7"] });
    const [p, ...rest] = renderDiscordMessages(msg);
    expect(rest).toEqual([]);
    expect(p!.content).toBe("<@42> <@&7>");
    expect(p!.allowedMentions).toEqual({ parse: [], users: ["42"], roles: ["7"] });
    expect(p!.embeds[0]).toMatchObject({ title: "Escalation: Prod down", color: SEVERITY_COLOR.critical, description: "**now**" });
    expect(p!.components).toHaveLength(1);
    expect(p!.components[0]!.components.map((b) => [b.custom_id, b.style, b.label])).toEqual([
      ["esc_ack:gt-e1", 1, "Ack"],
      ["esc_resolve:gt-e1", 2, "Resolve"],
      ["esc_snooze:gt-e1", 2, "Snooze"],
    ]);
    expect(parseDiscordCustomId("esc_ack:gt-e1")).toEqual({ action: "esc_ack", value: "gt-e1" });
  });

  it("uses the tone colour for cards without severity", () => {
    const [p] = renderDiscordMessages({ text: "", card: { title: "t", fields: [], tone: "good" } });
    expect(p!.embeds[0]!.color).toBe(TONE_COLOR.good);
  });

  it("lets only the message's own targets ping, never text", () => {
    const [p] = renderDiscordMessages({ text: "@everyone look" });
    expect(p!.allowedMentions).toEqual({ parse: [], users: [], roles: [] });
    expect(p!.content).not.toContain("@everyone");
    expect(discordMentions(["channel"]).allowed.parse).toEqual(["everyone"]);
  });

  it("adds the terminal as an ansi block to the content", () => {
    const [p] = renderDiscordMessages({ text: "Peek:", terminal: { text: "ok", ansi: "\x1b[32mok\x1b[0m", title: "polecat-1" } });
    expect(p!.content).toBe("Peek:\n**polecat-1**\n```ansi\n\x1b[32mok\x1b[0m\n```");
  });

  it("splits long text into more payloads, each within the limits, the card and buttons on the first", () => {
    const msg: ChatMessage = {
      text: `${Array.from({ length: 400 }, (_, i) => `Line ${i} of the report.`).join("\n")}\n\`\`\`\n${"code\n".repeat(300)}\`\`\``,
      card: { title: "T".repeat(300), body: "b ".repeat(3000), fields: Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`.repeat(50), value: "v".repeat(1500) })), footer: "f".repeat(3000) },
      buttons: Array.from({ length: 40 }, (_, i) => ({ action: "act", label: "L".repeat(90), value: `v${i}` })),
      // No size given (ChatMessage.terminal has none): the renderer measures the ANSI itself.
      terminal: { text: "", ansi: Array.from({ length: 60 }, (_, i) => `\x1b[3${i % 8}mrow ${i}\x1b[4C|`).join("\r\n") },
    };
    const payloads = renderDiscordMessages(msg);
    expect(payloads.length).toBeGreaterThan(2);
    for (const p of payloads) expect(limitProblems(p)).toEqual([]);
    expect(payloads[0]!.embeds).toHaveLength(1);
    expect(payloads[0]!.components).toHaveLength(5);
    expect(payloads.slice(1).every((p) => p.embeds.length === 0 && p.components.length === 0)).toBe(true);
    expect(payloads.at(-1)!.content).toContain("row 59    |");
    const single = renderDiscordMessage(msg);
    expect(limitProblems(single)).toEqual([]);
    expect(single.content).toContain("row 59");
    expect(single.content).toContain("Line 0 ");
  });

  it("refuses a custom_id over 100 characters", () => {
    expect(() => renderDiscordMessages({ text: "", buttons: [{ action: "a", label: "A", value: "v".repeat(99) }] })).toThrow(/limit is 100/);
  });

  it("never sends an empty message", () => {
    const [p] = renderDiscordMessages({ text: "", buttons: [{ action: "a", label: "A", value: "1" }] });
    expect(p!.content).not.toBe("");
  });
});
