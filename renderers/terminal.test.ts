import { describe, expect, it } from "vitest";
import { LIMITS } from "./limits";
import { renderTerminalAnsi, renderTerminalConsole, renderTerminalDiscord, renderTerminalSlack } from "./terminal";

const ESC = "\u001b";
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n");

describe("renderTerminalSlack", () => {
  it("fences the screen, escapes Slack markup and neutralises backtick fences", () => {
    const out = renderTerminalSlack({ text: "a < b && c > d\necho ```x```\n\n\n", ansi: "" });
    expect(out.startsWith("```\n")).toBe(true);
    expect(out.endsWith("\n```")).toBe(true);
    const body = out.slice(4, -4);
    expect(body).toContain("a &lt; b &amp;&amp; c &gt; d");
    expect(body).not.toContain("```");
    expect(body.split("\n")).toHaveLength(2); // trailing blank rows dropped
  });

  it("keeps the bottom of a screen that does not fit, and says how much is above", () => {
    const out = renderTerminalSlack({ text: numbered(500), ansi: "" }, { limit: 300 });
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out).toContain("line 500\n```");
    expect(out).not.toContain("line 1\n");
    const note = /… (\d+) more lines above/.exec(out);
    expect(note).not.toBeNull();
    const firstKept = Number(/line (\d+)/.exec(out)![1]);
    expect(Number(note![1])).toBe(firstKept - 1);
  });

  it("falls back to the text of the ANSI screen when only ANSI is given", () => {
    expect(renderTerminalSlack({ text: "", ansi: "\x1b[31mred\x1b[0m <b>\r\nnext" })).toBe("```\nred &lt;b&gt;\nnext\n```");
  });

  it("fits the default section block limit", () => {
    const out = renderTerminalSlack({ text: numbered(2000), ansi: "" });
    expect(out.length).toBeLessThanOrEqual(LIMITS.slack.sectionText);
  });
});

describe("renderTerminalDiscord", () => {
  it("keeps colours as the SGR subset Discord shows and drops cursor movement", () => {
    const ansi = "\x1b[?25l\x1b[38;5;196mred\x1b[0m \x1b[38;2;0;220;0;1mgreen\x1b[0m \x1b[94mblue\x1b[0m\x1b[3C\x1b[4;43mx\x1b[0m\x1b]0;title\x07";
    const out = renderTerminalDiscord({ text: "red green blue   x", ansi, cols: 40, rows: 3 });
    expect(out.startsWith("```ansi\n")).toBe(true);
    expect(out).toContain("\x1b[31mred");
    expect(out).toContain("\x1b[1;32mgreen");
    // Bold ends before "blue": Discord knows no SGR 22, so the style is reset and rebuilt.
    expect(out).toContain("\x1b[0;34mblue");
    expect(out).toContain("\x1b[0;4;43mx");
    const sequences = out.match(new RegExp(`${ESC}\\[[^a-zA-Z]*[a-zA-Z]`, "g")) ?? [];
    expect(sequences.length).toBeGreaterThan(3);
    for (const s of sequences) expect(s).toMatch(new RegExp(`^${ESC}\\[(0|1|4|3[0-7]|4[0-7])(;(0|1|4|3[0-7]|4[0-7]))*m$`));
    expect(out).not.toContain("title");
    expect(out).toContain("blue   \x1b"); // the cursor-forward gap became spaces
  });

  it("stays within 2,000 characters for a busy coloured screen and keeps its bottom", () => {
    const rows = Array.from({ length: 40 }, (_, y) =>
      `${Array.from({ length: 30 }, (_, x) => `\x1b[38;5;${(x * 7 + y) % 256}m${String.fromCharCode(97 + ((x + y) % 26))}`).join("")} row${y}\x1b[0m`,
    );
    const out = renderTerminalDiscord({ text: "", ansi: rows.join("\r\n"), cols: 120, rows: 40 });
    expect(out.length).toBeLessThanOrEqual(LIMITS.discord.content);
    expect(out).toContain("row39");
    expect(out).not.toContain("row0\x1b");
    expect(out.endsWith("\n```")).toBe(true);
  });

  it("neutralises backticks so screen text cannot close the block", () => {
    const out = renderTerminalDiscord({ text: "```", ansi: "```done", cols: 20, rows: 2 });
    expect(out.slice("```ansi\n".length, -4)).not.toContain("```");
  });
});

describe("console renderers", () => {
  it("gives plain text without trailing blank rows", () => {
    expect(renderTerminalConsole({ text: "a  \nb\n\n  \n", ansi: "" })).toBe("a\nb");
  });

  it("re-encodes the screen as SGR-only ANSI with full colours", () => {
    const out = renderTerminalAnsi({ text: "", ansi: "\x1b[2J\x1b[H\x1b[38;5;208morange\x1b[0m\x1b[5;1Hfifth", cols: 20, rows: 6 });
    expect(out).toBe("\x1b[0;38;5;208morange\x1b[0m\n\n\n\nfifth");
  });
});
