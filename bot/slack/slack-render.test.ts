import { describe, expect, it } from "vitest";
import { LIMITS } from "../../renderers/limits";
import { renderSlack, toMrkdwn } from "./slack-render";

type Section = { type: string; text?: { text: string } };

describe("renderSlack", () => {
  it("splits long text into section blocks within Slack's limits, losing nothing", () => {
    const para = (i: number) => `Paragraph ${i}: ${"lorem ipsum dolor sit amet ".repeat(20)}`;
    const text = Array.from({ length: 40 }, (_, i) => para(i)).join("\n\n");
    const payloads = renderSlack({ text });
    const sections = payloads.flatMap((p) => p.blocks as Section[]);
    expect(sections.length).toBeGreaterThan(1);
    for (const s of sections) expect(s.text!.text.length).toBeLessThanOrEqual(LIMITS.slack.sectionText);
    for (const p of payloads) expect(p.blocks.length).toBeLessThanOrEqual(LIMITS.slack.blocksPerMessage);
    const joined = sections.map((s) => s.text!.text).join("\n\n");
    for (let i = 0; i < 40; i++) expect(joined).toContain(`Paragraph ${i}:`);
  });

  it("uses more than one message when the blocks do not fit in one", () => {
    const text = "word ".repeat(LIMITS.slack.sectionText * 12);
    const payloads = renderSlack({ text });
    expect(payloads.length).toBeGreaterThan(1);
  });

  it("renders cards with fields and buttons, and puts mentions in the notification text", () => {
    const [p] = renderSlack({
      text: "Escalation HIGH",
      mentions: ["user:U1", "group:S2", "role:9"],
      card: { title: "HIGH: stuck", fields: [{ name: "From", value: "polecat-1" }], tone: "warning" },
      buttons: [{ action: "esc_ack", label: "Ack", value: "gt-e1", style: "primary" }],
    });
    expect(p!.text.startsWith("<@U1> <!subteam^S2> ")).toBe(true);
    const json = JSON.stringify(p!.blocks);
    expect(json).toContain('"type":"header"');
    expect(json).toContain("*From*\\npolecat-1");
    expect(json).toContain('"action_id":"esc_ack"');
    expect(json).not.toContain("role");
  });

  it("escapes Slack control characters in text and converts markdown", () => {
    expect(toMrkdwn("a < b & **bold** [site](https://x.test)")).toBe("a &lt; b &amp; *bold* <https://x.test|site>");
  });
});
