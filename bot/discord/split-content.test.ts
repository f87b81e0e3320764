import { describe, expect, it } from "vitest";
import { DISCORD_CONTENT_LIMIT, splitContent, truncateContent } from "./split-content";

describe("splitContent", () => {
  it("keeps short content in one piece", () => {
    expect(splitContent("hello")).toEqual(["hello"]);
  });

  it("cuts long text at line breaks into pieces within the limit, losing nothing", () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${"x".repeat(20)}`);
    const text = lines.join("\n");
    const pieces = splitContent(text);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(DISCORD_CONTENT_LIMIT);
    expect(pieces.join("\n")).toBe(text);
  });

  it("cuts a single unbroken word hard", () => {
    const pieces = splitContent("y".repeat(4500));
    expect(pieces.map((p) => p.length)).toEqual([2000, 2000, 500]);
  });

  it("closes and reopens a code block cut in two, keeping its language", () => {
    const screen = Array.from({ length: 120 }, (_, i) => `\u001b[32m$ step ${i}\u001b[0m ${"z".repeat(10)}`).join("\n");
    const pieces = splitContent(`Terminal:\n\`\`\`ansi\n${screen}\n\`\`\``);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(DISCORD_CONTENT_LIMIT);
      expect((p.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(pieces[1]?.startsWith("```ansi\n")).toBe(true);
  });
});

describe("truncateContent", () => {
  it("ends an over-long edit with an ellipsis within the limit", () => {
    const out = truncateContent("a ".repeat(3000));
    expect(out.length).toBeLessThanOrEqual(DISCORD_CONTENT_LIMIT);
    expect(out.endsWith("…")).toBe(true);
  });
});
