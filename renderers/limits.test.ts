import { describe, expect, it } from "vitest";
import { LIMITS, openFenceAtEnd, splitText, truncate, truncateStart } from "./limits";

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== "" && !/^(`{3,}|~{3,})/.test(w));

describe("truncate", () => {
  it("leaves short text alone and ends long text with an ellipsis within the limit", () => {
    expect(truncate("hello", 10)).toBe("hello");
    const t = truncate("a".repeat(200), LIMITS.slack.buttonText);
    expect(t.length).toBe(LIMITS.slack.buttonText);
    expect(t.endsWith("…")).toBe(true);
  });

  it("never splits a surrogate pair", () => {
    const t = truncate("😀".repeat(10), 6);
    expect(t.length).toBeLessThanOrEqual(6);
    expect(t).toBe("😀😀…");
  });

  it("truncateStart keeps the end", () => {
    expect(truncateStart("0123456789", 5)).toBe("…6789");
  });
});

describe("splitText", () => {
  it("returns short text as one chunk", () => {
    expect(splitText("short", 100)).toEqual(["short"]);
  });

  it("cuts at paragraph boundaries first, keeps every word and every chunk within the limit", () => {
    const paras = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${"word ".repeat(30).trim()}.`);
    const text = paras.join("\n\n");
    const chunks = splitText(text, 500);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(500);
      expect(c.startsWith("Paragraph")).toBe(true);
    }
    expect(words(chunks.join("\n"))).toEqual(words(text));
  });

  it("cuts at word boundaries when there are no lines", () => {
    const text = Array.from({ length: 400 }, (_, i) => `w${i}`).join(" ");
    const chunks = splitText(text, 200);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(200);
    expect(words(chunks.join(" "))).toEqual(words(text));
  });

  it("hard-cuts a word longer than a chunk", () => {
    const text = "x".repeat(1000);
    const chunks = splitText(text, 300);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(300);
    expect(chunks.join("")).toBe(text);
  });

  it("closes and reopens a code fence across chunks, with its language", () => {
    const code = Array.from({ length: 80 }, (_, i) => `const v${i} = ${i};`).join("\n");
    const text = `Intro line.\n\n\`\`\`ts\n${code}\n\`\`\`\n\nAfter the code.`;
    const chunks = splitText(text, 400);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(400);
      expect(openFenceAtEnd(c)).toBeNull();
    }
    expect(chunks.slice(1, -1).every((c) => c.startsWith("```ts\n"))).toBe(true);
    expect(chunks.at(-1)).toContain("After the code.");
    const codeLines = chunks.join("\n").split("\n").filter((l) => l.startsWith("const "));
    expect(codeLines).toEqual(code.split("\n"));
  });

  it("does not leave an empty code block when the fence closes right at a cut", () => {
    const inner = "y".repeat(180);
    const text = `\`\`\`\n${inner}\n\`\`\`\n${"z ".repeat(100)}`;
    const chunks = splitText(text, 200);
    expect(chunks.some((c) => /^```\n```/.test(c))).toBe(false);
    for (const c of chunks) expect(openFenceAtEnd(c)).toBeNull();
  });

  it("rejects a limit too small to hold a fence", () => {
    expect(() => splitText("abc", 5)).toThrow(RangeError);
  });

  it("keeps every chunk within the limit with balanced fences, for many random documents", () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ["word", "longerword", "\n", "\n\n", "```\n", "\n```\n", "~~~\n", "\n~~~\n", "x".repeat(70), " "];
    for (let doc = 0; doc < 200; doc++) {
      let text = "";
      for (let i = 0; i < 300; i++) text += pieces[rand(pieces.length)] + (rand(3) === 0 ? " " : "");
      const limit = 40 + rand(400);
      const chunks = splitText(text, limit);
      chunks.forEach((c, i) => {
        expect(c.length).toBeLessThanOrEqual(limit);
        // The last chunk may only be open if the document itself leaves a fence open.
        if (i < chunks.length - 1 || openFenceAtEnd(text) === null) expect(openFenceAtEnd(c), JSON.stringify({ text, limit, i })).toBeNull();
      });
      const strip = (s: string) => s.replace(/\s|`|~/g, "");
      expect(strip(chunks.join(""))).toBe(strip(text).length > 0 ? strip(text) : "");
    }
  });
});
