import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../core/chat";
import { escalationCard } from "./cards";
import { LIMITS } from "./limits";
import { renderSlackMessage, renderSlackMessages, slackMention } from "./slack-message";

const L = LIMITS.slack;

/** Every Block Kit limit a payload must respect; returns the problems found. */
function limitProblems(blocks: KnownBlock[]): string[] {
  const problems: string[] = [];
  if (blocks.length > L.blocksPerMessage) problems.push(`${blocks.length} blocks`);
  for (const b of blocks) {
    if (b.type === "section") {
      if (b.text && b.text.text.length > L.sectionText) problems.push(`section text ${b.text.text.length}`);
      if ((b.fields?.length ?? 0) > L.fields) problems.push("too many fields");
      for (const f of b.fields ?? []) if (f.text.length > L.fieldText) problems.push(`field ${f.text.length}`);
    } else if (b.type === "header") {
      if (b.text.text.length > L.headerText) problems.push("header");
    } else if (b.type === "context") {
      if (b.elements.length > L.contextElements) problems.push("context elements");
    } else if (b.type === "actions") {
      const ids = new Set<string>();
      for (const e of b.elements) {
        if (e.type !== "button") continue;
        if (e.text.text.length > L.buttonText) problems.push("button text");
        if ((e.action_id ?? "").length > L.actionId) problems.push("action_id");
        if (ids.has(e.action_id ?? "")) problems.push("duplicate action_id");
        ids.add(e.action_id ?? "");
      }
    }
  }
  return problems;
}

describe("renderSlackMessages", () => {
  it("renders text as mrkdwn sections with a notification fallback", () => {
    const [p, ...rest] = renderSlackMessages({ text: "Deploy **done** for <b>" });
    expect(rest).toEqual([]);
    expect(p!.blocks).toEqual([{ type: "section", text: { type: "mrkdwn", text: "Deploy *done* for &lt;b&gt;" } }]);
    expect(p!.text).toBe("Deploy *done* for &lt;b&gt;");
  });

  it("renders a card as header, body, fields, footer, and buttons with action_id and value", () => {
    const msg = escalationCard({ escalationId: "gt-e1", severity: "high", title: "Build broken", body: "CI is **red**", source: "polecat-1" });
    const [p] = renderSlackMessages(msg);
    const types = p!.blocks.map((b) => b.type);
    expect(types).toEqual(["header", "section", "section", "context", "actions"]);
    const actions = p!.blocks.at(-1)!;
    expect(actions.type === "actions" && actions.elements.map((e) => (e.type === "button" ? [e.action_id, e.value, e.style] : null))).toEqual([
      ["esc_ack", "gt-e1", "primary"],
      ["esc_resolve", "gt-e1", undefined],
      ["esc_snooze", "gt-e1", undefined],
    ]);
    expect(JSON.stringify(p!.blocks[1])).toContain("CI is *red*");
    expect(p!.text).toContain("Build broken");
  });

  it("sets a card apart from the text above it with a divider", () => {
    const [p] = renderSlackMessages({ text: "Slung it.", card: { title: "gt-1", fields: [] } });
    expect(p!.blocks.map((b) => b.type)).toEqual(["section", "divider", "header"]);
  });

  it("links the card title when the card has a URL", () => {
    const [p] = renderSlackMessages({ text: "", card: { title: "gt-1 · Fix", url: "https://s.example/t?a=1&b=2", fields: [] } });
    expect(p!.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "⚪ *<https://s.example/t?a=1&amp;b=2|gt-1 · Fix>*" } });
  });

  it("turns mention targets into Slack mention markup", () => {
    expect(["user:U1", "group:S2", "channel", "role:9", "user:bad id"].map(slackMention)).toEqual(["<@U1>", "<!subteam^S2>", "<!channel>", null, null]);
    const [p] = renderSlackMessages({ text: "", mentions: ["user:U1", "group:S2"], card: { title: "x", fields: [] } });
    expect(p!.text).toContain("<@U1> <!subteam^S2>");
  });

  it("puts a terminal snapshot in a code block section", () => {
    const [p] = renderSlackMessages({ text: "", terminal: { text: "$ npm test\nok", ansi: "", title: "polecat-1" } });
    expect(p!.blocks).toContainEqual({ type: "section", text: { type: "mrkdwn", text: "```\n$ npm test\nok\n```" } });
  });

  it("stays within every Block Kit limit for huge input, splitting text into more payloads", () => {
    const big = Array.from({ length: 3000 }, (_, i) => `Paragraph ${i} with some words.`).join("\n\n");
    const msg: ChatMessage = {
      text: big,
      card: { title: "T".repeat(400), body: "b".repeat(9000), fields: Array.from({ length: 23 }, (_, i) => ({ name: `f${i}`, value: "v".repeat(3000) })), footer: "f".repeat(5000) },
      buttons: Array.from({ length: 30 }, (_, i) => ({ action: "same", label: "L".repeat(100), value: `v${i}` })),
      terminal: { text: "x\n".repeat(5000), ansi: "" },
    };
    const payloads = renderSlackMessages(msg);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(limitProblems(p.blocks)).toEqual([]);
    expect(payloads[0]!.blocks.some((b) => b.type === "actions")).toBe(true);
    const allText = payloads.flatMap((p) => p.blocks).map((b) => (b.type === "section" ? (b.text?.text ?? "") : "")).join("\n");
    expect(allText).toContain("Paragraph 0 ");
    expect(allText).toContain("Paragraph 2999 ");
    const single = renderSlackMessage(msg);
    expect(limitProblems(single.blocks)).toEqual([]);
    expect(single.blocks.at(-1)).toMatchObject({ type: "context" });
  });

  it("refuses a button value too long to send back intact", () => {
    expect(() => renderSlackMessages({ text: "", buttons: [{ action: "a", label: "A", value: "v".repeat(2001) }] })).toThrow(/limit is 2000/);
  });
});
