import { afterAll, afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger";
import { ThreadPtyHost } from "./pty-host";
import { PtySession } from "./pty-session";
import { createRedactor } from "./redact";
import { waitFor } from "./supervisor-fakes";

const sessions: PtySession[] = [];
const host = new ThreadPtyHost({ logger: silentLogger });
afterAll(() => host.close());

async function run(code: string, opts: { cols?: number; rows?: number; scrollback?: number } = {}): Promise<PtySession> {
  const s = await PtySession.start({
    host,
    launch: { argv: [process.execPath, "-e", code], env: {}, cwd: process.cwd(), secretEnv: [], files: [] },
    env: { PATH: process.env.PATH ?? "", TERM: "xterm-256color" },
    cols: opts.cols ?? 40,
    rows: opts.rows ?? 8,
    scrollback: opts.scrollback,
    logger: silentLogger,
    enterDelayMs: 10,
  });
  sessions.push(s);
  return s;
}

/** Screen text once `marker` is on it (output parsed). */
async function screenWith(s: PtySession, marker: string): Promise<string> {
  return waitFor(async () => {
    await s.flush();
    const t = s.screenText();
    return t.includes(marker) ? t : undefined;
  }, `"${marker}" on screen`);
}

afterEach(async () => {
  for (const s of sessions.splice(0)) {
    s.kill("SIGKILL");
    await s.exited;
    s.dispose();
  }
});

// Keeps the program alive until the test kills it.
const STAY = "setInterval(() => {}, 1000);";

describe("PtySession", () => {
  it("shows the screen a person sees, not the byte stream", async () => {
    const draw = [
      "hello world\\r\\n",
      "second line\\r\\n",
      "third\\r\\n",
      "\\x1b[3A\\x1b[1G", // up three rows, first column
      "HELLO",
      "\\x1b[1B\\x1b[2K\\x1b[1G", // next row, clear it
      "replaced",
      "\\x1b[4;1HREADY",
    ].join("");
    const s = await run(`process.stdout.write("${draw}"); ${STAY}`);
    const screen = await screenWith(s, "READY");
    const snap = s.snapshot("a1", createRedactor());
    expect(snap.text.split("\n").slice(0, 4)).toEqual(["HELLO world", "replaced", "third", "READY"]);
    expect(snap.text).not.toContain("second");
    expect(screen).toBe(snap.text);
    expect(snap.text.split("\n")).toHaveLength(8);
    expect(snap.cursor).toEqual({ x: 5, y: 3 });
    expect(snap).toMatchObject({ agentId: "a1", cols: 40, rows: 8 });
  });

  it("keeps colours in the ANSI snapshot of the visible screen", async () => {
    const s = await run(`process.stdout.write("plain \\x1b[31mred\\x1b[0m DONE"); ${STAY}`);
    await screenWith(s, "DONE");
    const snap = s.snapshot("a1", createRedactor());
    expect(snap.text.split("\n")[0]).toBe("plain red DONE");
    expect(snap.ansi).toContain("plain \x1b[31mred\x1b[0m DONE");
  });

  it("nudge types the text and presses Enter; control characters are dropped", async () => {
    const s = await run(
      `require("readline").createInterface({ input: process.stdin }).on("line", (l) => console.log("got:" + JSON.stringify(l)));` +
        `console.log("listening");`,
    );
    await screenWith(s, "listening");
    await s.nudge("hi there");
    await screenWith(s, 'got:"hi there"');
    // Ctrl-C in a chat message must not interrupt the agent, and a newline must not submit early.
    await s.nudge("a\x03b\nc");
    await screenWith(s, 'got:"ab c"');
    expect(s.running).toBe(true);
  });

  it("reports the exit code once output is parsed", async () => {
    const s = await run(`process.stdout.write("bye"); process.exitCode = 3;`);
    const exit = await s.exited;
    expect(exit.exitCode).toBe(3);
    expect(s.exitCode).toBe(3);
    expect(s.running).toBe(false);
    expect(s.screenText()).toContain("bye");
    expect(() => s.write("x")).toThrow(/not running/);
  });

  it("bounds memory: scrollback is capped however much is printed", async () => {
    const s = await run(`for (let i = 0; i < 20000; i++) console.log("line " + i + " " + "x".repeat(70));`, { scrollback: 100 });
    await s.exited;
    expect(s.bufferLines).toBeLessThanOrEqual(100 + 8);
    expect(s.screenText()).toContain("line 19999");
    const snap = s.snapshot("a1", createRedactor(), { scrollbackLines: 50 });
    expect(snap.scrollbackTail.split("\n")).toHaveLength(50);
    // Lines wrap at 40 columns, so the rows just above the screen hold the last lines but one.
    expect(snap.scrollbackTail).toMatch(/line 1999[0-8] x+/);
    expect(snap.scrollbackTail).not.toMatch(/line 1[0-8]\d{3} /);
  });

  it("keeps a UTF-8 character whole when the PTY splits its bytes across reads", async () => {
    // "─" is E2 94 80 and "✻" is E2 9C BB; each is written in two parts, well apart in time.
    const s = await run(
      `const w = (b) => process.stdout.write(Buffer.from(b)); w([0x3c, 0xe2, 0x94]); setTimeout(() => { w([0x80, 0xe2]); setTimeout(() => w([0x9c, 0xbb, 0x3e, 0x0a]), 100); }, 100); ${STAY}`,
    );
    const screen = await screenWith(s, ">");
    expect(screen.split("\n")[0]).toBe("<─✻>");
  });

  it("resizes the PTY (the program sees it) and the terminal", async () => {
    const s = await run(`process.stdout.on("resize", () => console.log("size=" + process.stdout.columns + "x" + process.stdout.rows)); console.log("up"); ${STAY}`);
    await screenWith(s, "up");
    s.resize(60, 10);
    await screenWith(s, "size=60x10");
    expect(s.snapshot("a1", createRedactor())).toMatchObject({ cols: 60, rows: 10 });
  });
});
