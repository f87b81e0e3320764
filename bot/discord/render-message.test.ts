import { describe, expect, it } from "vitest";
import { parseCustomId, renderDiscordMessage } from "./render-message";

describe("renderDiscordMessage", () => {
  it("renders a card as an embed and buttons as rows of at most five", () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({ action: "esc_ack", label: `Ack ${i}`, value: `gt-e${i}xx`, style: "danger" as const }));
    const p = renderDiscordMessage({
      text: "Escalation",
      card: { title: "t".repeat(300), fields: [{ name: "agent", value: "polecat-1", inline: true }], tone: "danger", severity: "high" },
      buttons,
    });
    expect(p.embeds[0]?.title?.length).toBeLessThanOrEqual(256);
    expect(p.embeds[0]?.footer?.text).toContain("high");
    expect(p.components.map((r) => r.components.length)).toEqual([5, 2]);
    expect(p.components[0]?.components[0]).toMatchObject({ custom_id: "esc_ack:gt-e0xx", style: 4 });
  });

  it("pings exactly the named mentions and nobody typed in the text", () => {
    const p = renderDiscordMessage({ text: "see <@999>", mentions: ["user:1", "role:2"] });
    expect(p.content.startsWith("<@1> <@&2>")).toBe(true);
    expect(p.allowed_mentions).toEqual({ parse: [], users: ["1"], roles: ["2"] });
  });

  it("shows a terminal snapshot as an ansi code block", () => {
    const p = renderDiscordMessage({ text: "Terminal", terminal: { text: "$ ls", ansi: "\u001b[32m$ ls\u001b[0m" } });
    expect(p.content).toMatch(/```ansi\n[\s\S]*\$ ls[\s\S]*\n```$/);
  });
});

describe("parseCustomId", () => {
  it("splits at the first separator only", () => {
    expect(parseCustomId("mr_approve:gt-4k2m")).toEqual({ action: "mr_approve", value: "gt-4k2m" });
    expect(parseCustomId("peek_again:a:b")).toEqual({ action: "peek_again", value: "a:b" });
  });
});
