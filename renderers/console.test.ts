import { describe, expect, it } from "vitest";
import { escalationCard } from "./cards";
import { consoleButtonChoices, markdownToPlain, renderConsole } from "./console";

describe("renderConsole", () => {
  it("shows buttons as numbered choices that map back to the buttons", () => {
    const msg = escalationCard({ escalationId: "gt-e1", severity: "low", title: "Flaky test", body: "", source: "polecat-2" });
    const lines = renderConsole(msg);
    expect(lines.at(-1)).toBe("[1] Ack  [2] Resolve  [3] Snooze");
    const choices = consoleButtonChoices(msg.buttons ?? []);
    expect(choices.find((c) => c.key === "2")?.button).toMatchObject({ action: "esc_resolve", value: "gt-e1" });
  });

  it("frames a card with its fields and footer", () => {
    const lines = renderConsole({ text: "", card: { title: "gt-1 · Fix", fields: [{ name: "Status", value: "**Open**" }], footer: "rig web", tone: "good" } });
    expect(lines).toEqual(["┌─ 🟢 gt-1 · Fix", "│ Status: Open", "└─ rig web"]);
  });

  it("prints mentions, text and the terminal screen", () => {
    const lines = renderConsole({ text: "Look **here**", mentions: ["user:U1"], terminal: { text: "$ ls\nREADME.md\n\n", ansi: "", title: "polecat-1" } });
    expect(lines[0]).toBe("@U1");
    expect(lines[1]).toBe("Look here");
    expect(lines).toContain("$ ls");
    expect(lines).toContain("README.md");
    expect(lines.at(-1)).toMatch(/^─+$/);
  });
});

describe("markdownToPlain", () => {
  it("flattens markdown to readable text", () => {
    expect(markdownToPlain("# Plan\n\n- a **b**\n  - c\n- [x] d\n\n[site](https://e.x)")).toBe("PLAN\n\n• a b\n  • c\n• [x] d\n\nsite (https://e.x)");
  });
});
