import { createRequire } from "node:module";
import { SerializeAddon } from "@xterm/addon-serialize";
import type { Terminal } from "@xterm/headless";
import { describe, expect, it } from "vitest";
import { Snapshot } from "../core/container-api";
import { createRedactor, REDACTED } from "./redact";
import { stripAnsi } from "./redact-ansi";
import { takeSnapshot } from "./terminal-snapshot";

const { Terminal: HeadlessTerminal } = createRequire(import.meta.url)("@xterm/headless") as typeof import("@xterm/headless");

/** A terminal fed `data`, with the serializer loaded. */
async function term(data: string, cols = 30, rows = 4): Promise<{ t: Terminal; s: SerializeAddon }> {
  const t = new HeadlessTerminal({ cols, rows, scrollback: 200, allowProposedApi: true });
  const s = new SerializeAddon();
  t.loadAddon(s);
  await new Promise<void>((r) => t.write(data, r));
  return { t, s };
}

const snap = (x: { t: Terminal; s: SerializeAddon }, scrollbackLines = 50) =>
  Snapshot.parse(takeSnapshot(x.t, x.s, { agentId: "a1", redactor: createRedactor(), now: 42, scrollbackLines }));

describe("takeSnapshot", () => {
  it("a full-screen TUI (alternate screen) shows only its own screen", async () => {
    const x = await term("shell prompt $ run-tui\r\n\x1b[?1049h\x1b[H\x1b[1mTUI title\x1b[0m\r\n\x1b[32m> input\x1b[0m");
    const s = snap(x);
    expect(s.text).toBe(["TUI title", "> input", "", ""].join("\n"));
    expect(stripAnsi(s.ansi)).not.toContain("shell prompt");
    expect(stripAnsi(s.ansi)).toContain("TUI title");
    expect(s.ansi).toContain("\x1b[1mTUI title");
    expect(s.scrollbackTail).toBe("");
    expect(s.cursor).toEqual({ x: 7, y: 1 });
    expect(s.at).toBe(42);
  });

  it("returns to the normal screen after the TUI exits", async () => {
    const x = await term("before\r\n\x1b[?1049hTUI\x1b[?1049lafter");
    expect(snap(x).text.split("\n")[0]).toBe("before");
    expect(snap(x).text).not.toContain("TUI");
  });

  it("ships only the last scrollback lines, in order", async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\r\n");
    const s = snap(await term(lines), 5);
    expect(s.scrollbackTail.split("\n")).toEqual(["line 11", "line 12", "line 13", "line 14", "line 15"]);
    expect(s.text.split("\n")).toEqual(["line 16", "line 17", "line 18", "line 19"]);
  });

  it("redacts a private key whose BEGIN line scrolled above the shipped tail", async () => {
    const body = Array.from({ length: 8 }, () => "QUJDREVGR0hJSktMTU5PUFFS");
    const data = ["-----BEGIN PRIVATE KEY-----", ...body, "-----END PRIVATE KEY-----", "$ done"].join("\r\n");
    const s = snap(await term(data), 2);
    expect(s.text).not.toContain("QUJD");
    expect(stripAnsi(s.ansi)).not.toContain("QUJD");
    expect(s.scrollbackTail).not.toContain("QUJD");
    expect(s.text.split("\n").at(-1)).toBe("$ done");
  });

  it("redacts a key wrapped at the right margin in text and ansi", async () => {
    const s = snap(await term("k=sk-ant-api03-ABCDEFGHIJKLMNOPQRSTUVWXYZ ok", 20));
    // Three rows: "k=sk-ant-api03-ABCDE" / "FGHIJKLMNOPQRSTUVWXY" / "Z ok"; rows stay rows.
    expect(s.text).toBe([`k=${REDACTED}`, "", " ok", ""].join("\n"));
    expect(stripAnsi(s.ansi)).toBe(`k=${REDACTED} ok`);
  });
});
