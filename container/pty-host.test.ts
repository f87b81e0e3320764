import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger";
import { type PtyEnd, type PtyProcess, type PtySpawn, ThreadPtyHost } from "./pty-host";
import { waitFor } from "./supervisor-fakes";

const host = new ThreadPtyHost({ logger: silentLogger });
afterAll(() => host.close());

interface Run {
  proc: PtyProcess;
  output: () => Buffer;
  exited: Promise<PtyEnd>;
}

async function run(code: string, over: Partial<PtySpawn> = {}, on: ThreadPtyHost = host): Promise<Run> {
  const chunks: Buffer[] = [];
  let ended: (e: PtyEnd) => void = () => {};
  const exited = new Promise<PtyEnd>((r) => {
    ended = r;
  });
  const proc = await on.spawn(
    { file: process.execPath, args: ["-e", code], cwd: process.cwd(), env: { PATH: process.env.PATH ?? "", TERM: "xterm-256color" }, cols: 80, rows: 24, ...over },
    { onData: (d) => chunks.push(Buffer.from(d)), onExit: ended },
  );
  return { proc, output: () => Buffer.concat(chunks), exited };
}

const STAY = "setInterval(() => {}, 1000);";
/** A program with a child that ignores the terminal's hang-up (only a signal to the group ends it). */
const WITH_CHILD = `const c = require("child_process").spawn("sh", ["-c", "trap '' HUP; exec sleep 600"]); console.log("child=" + c.pid); ${STAY}`;

/** Whether no process `pid` exists any more. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe("ThreadPtyHost", () => {
  it("delivers every byte in order before the exit, across many batches", async () => {
    // 3 MB of numbered lines: far more than one batch, one read or the PTY's buffer.
    const lines = 40_000;
    const r = await run(`let s = ""; for (let i = 0; i < ${lines}; i++) s += "line " + i + " " + "x".repeat(64) + "\\n"; process.stdout.write(s);`);
    const end = await r.exited;
    expect(end).toEqual({ exitCode: 0, signal: 0 });
    let expected = "";
    for (let i = 0; i < lines; i++) expected += `line ${i} ${"x".repeat(64)}\r\n`; // the PTY's onlcr
    const hash = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
    expect(r.output().length).toBe(Buffer.byteLength(expected));
    expect(hash(r.output())).toBe(hash(expected));
  });

  it("reports the exit code, and a kill as the signal", async () => {
    const code = await run("process.exitCode = 7");
    expect(await code.exited).toEqual({ exitCode: 7, signal: 0 });
    const killed = await run(`console.log("up"); ${STAY}`);
    await waitFor(() => killed.output().includes("up"), "program up");
    killed.proc.kill("SIGKILL");
    expect((await killed.exited).signal).toBe(9);
  });

  it("a kill reaches the program's children too (its process group)", async () => {
    const r = await run(WITH_CHILD);
    const child = Number(await waitFor(() => /child=(\d+)/.exec(r.output().toString())?.[1], "program and its child up"));
    r.proc.kill("SIGTERM");
    expect((await r.exited).signal).toBe(15);
    await waitFor(() => gone(child), "the child gone too");
  });

  it("types into the program and resizes its PTY", async () => {
    const r = await run(
      `process.stdin.setRawMode(true); process.stdin.on("data", (d) => console.log("key=" + JSON.stringify(String(d))));` +
        `process.stdout.on("resize", () => console.log("size=" + process.stdout.columns + "x" + process.stdout.rows)); console.log("ready");`,
    );
    await waitFor(() => r.output().includes("ready"), "program ready");
    r.proc.write("q");
    await waitFor(() => r.output().includes('key="q"'), "keystroke seen");
    r.proc.resize(100, 30);
    await waitFor(() => r.output().includes("size=100x30"), "resize seen");
    r.proc.kill("SIGTERM");
    await r.exited;
  });

  it("ignores calls after the exit", async () => {
    const r = await run("");
    await r.exited;
    r.proc.write("late");
    r.proc.resize(10, 10);
    r.proc.kill("SIGKILL");
    // The host is still fine.
    const next = await run('process.stdout.write("still here")');
    await next.exited;
    expect(next.output().toString()).toContain("still here");
  });

  it("rejects a spawn node-pty refuses, reports a program that cannot run as an exit, and keeps serving", async () => {
    const refused = { file: "true", args: [], cwd: "/", env: {}, cols: "wide" as unknown as number, rows: 24 };
    await expect(host.spawn(refused, { onData: () => {}, onExit: () => {} })).rejects.toMatchObject({ code: "runtime_failed", message: expect.stringMatching(/cols/) });
    const missing = await run("", { file: "/nonexistent/agent", args: [] });
    expect((await missing.exited).exitCode).not.toBe(0);
    const r = await run('process.stdout.write("ok")');
    await r.exited;
    expect(r.output().toString()).toBe("ok");
  });

  it("close() kills what still runs, children included (even ones that ignore the hang-up), and reports it; later spawns are refused", async () => {
    const own = new ThreadPtyHost({ logger: silentLogger });
    const r = await run(WITH_CHILD, {}, own);
    const child = Number(await waitFor(() => /child=(\d+)/.exec(r.output().toString())?.[1], "program and its child up"));
    await own.close();
    expect((await r.exited).signal).toBe(9);
    expect(() => process.kill(r.proc.pid, 0)).toThrow(/ESRCH/);
    await waitFor(() => gone(child), "the child gone too");
    await expect(own.spawn({ file: "true", args: [], cwd: "/", env: {}, cols: 80, rows: 24 }, { onData: () => {}, onExit: () => {} })).rejects.toMatchObject({
      code: "runtime_failed",
    });
  });

  it("starts its thread through tsx too (Nodes before 22.6, which cannot strip types)", async () => {
    const viaTsx = new ThreadPtyHost({ logger: silentLogger, viaTsx: true });
    try {
      const r = await run('process.stdout.write("booted")', {}, viaTsx);
      expect(await r.exited).toEqual({ exitCode: 0, signal: 0 });
      expect(r.output().toString()).toBe("booted");
    } finally {
      await viaTsx.close();
    }
  });
});
