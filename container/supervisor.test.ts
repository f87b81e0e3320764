import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger";
import { WorkerCallbacks } from "./callbacks";
import { REDACTED } from "./redact";
import { stripAnsi } from "./redact-ansi";
import { type Ticker, Supervisor } from "./supervisor";
import { FakeWorker, NodeProgramLauncher, startRequest, TempWorkspaces, waitFor } from "./supervisor-fakes";

/** A ticker the test cranks by hand, and a clock it moves. */
class Manual implements Ticker {
  now = 1_000_000;
  private fns: Array<() => void> = [];
  every(_ms: number, fn: () => void) {
    this.fns.push(fn);
    return () => {
      this.fns = this.fns.filter((f) => f !== fn);
    };
  }
  advance(ms: number) {
    this.now += ms;
    for (const f of this.fns) f();
  }
}

const STAY = "setInterval(() => {}, 1000);";
const ANT = "sk-ant-api03-ZYXWVUTSRQPONMLKJIH0123456789";

let worker: FakeWorker;
let workspaces: TempWorkspaces;
let time: Manual;
let sup: Supervisor | null;

beforeEach(async () => {
  worker = await new FakeWorker().start();
  workspaces = new TempWorkspaces();
  time = new Manual();
  sup = null;
});
afterEach(async () => {
  await sup?.close();
  await worker.stop();
  workspaces.cleanup();
});

function supervisor(program: (prompt: string) => string, env: Record<string, string> = {}, secretEnv: string[] = [], secrets: string[] = []): Supervisor {
  sup = new Supervisor({
    workspace: workspaces,
    launcher: new NodeProgramLauncher((req) => program(req.prompt), env, secretEnv),
    logger: silentLogger,
    callbacks: new WorkerCallbacks({ logger: silentLogger, backoffMs: () => 0 }),
    clock: { now: () => time.now },
    ticker: time,
    baseEnv: { PATH: process.env.PATH ?? "" },
    secrets,
    idleMs: 60_000,
    heartbeatMs: 30_000,
    enterDelayMs: 10,
    stopGraceMs: 2_000,
  });
  return sup;
}

const snapshotWith = (s: Supervisor, id: string, marker: string) =>
  waitFor(async () => {
    const snap = await s.snapshot(id);
    return snap.text.includes(marker) ? snap : undefined;
  }, `"${marker}" in the snapshot`);

describe("Supervisor", () => {
  it("reports started and exited (with the exit code) to the Worker with the agent token, and releases the workspace", async () => {
    const s = supervisor(() => `setTimeout(() => process.exit(7), 200); console.log("working")`);
    const info = await s.start(startRequest({ workerUrl: worker.url }));
    expect(info).toMatchObject({ agentId: "polecat-demo-1", role: "polecat", beadId: "gt-4k2m", running: true, branch: "gt/gt-4k2m" });
    expect(info.pid).toBeGreaterThan(0);
    await waitFor(() => s.list()[0]?.running === false, "exit");
    expect(s.list()[0]?.exitCode).toBe(7);
    await waitFor(() => workspaces.released.length === 1, "release");
    await s.drain();
    const lifecycle = worker.to("/lifecycle");
    expect(lifecycle.map((c) => c.body)).toEqual([{ event: "started" }, { event: "exited", exitCode: 7 }]);
    expect(lifecycle[0]?.path).toBe("/towns/local%3Adev/agents/polecat-demo-1/lifecycle");
    expect(lifecycle.every((c) => c.headers.authorization === "Bearer agent-token-0123456789abcdef")).toBe(true);
    // The last screen can still be peeked at after exit.
    expect((await s.snapshot("polecat-demo-1")).text).toContain("working");
  });

  it("tells the Worker how many commits an exiting polecat left on its branch", async () => {
    const ahead = Object.assign(workspaces, { commitsAhead: async () => 2 });
    expect(ahead.commitsAhead).toBeDefined();
    const s = supervisor(() => `setTimeout(() => process.exit(0), 100); console.log("committed")`);
    await s.start(startRequest({ workerUrl: worker.url }));
    await waitFor(() => s.list()[0]?.running === false, "exit");
    await s.drain();
    expect(worker.to("/lifecycle").map((c) => c.body)).toEqual([{ event: "started" }, { event: "exited", exitCode: 0, commitsAhead: 2 }]);
  });

  it("redacts secret env values, key shapes and coloured keys in text, ansi and scrollback", async () => {
    const program = () =>
      [
        `const e = process.env;`,
        `console.log("env secret: " + e.MY_SECRET);`,
        `console.log("key ${ANT}");`,
        `console.log("coloured sk-ant-api03-\\x1b[31mRED0123456789\\x1b[1mBOLD\\x1b[0mPLAIN99 end");`,
        `console.log("configured " + e.CONFIGURED);`,
        `console.log("token " + e.GASTOWN_AGENT_TOKEN_ECHO);`,
        // Push the first lines into scrollback, then repeat them on screen.
        `for (let i = 0; i < 15; i++) console.log("filler " + i);`,
        `console.log("again " + e.MY_SECRET + " ${ANT}");`,
        `console.log("DONE"); ${STAY}`,
      ].join("\n");
    const s = supervisor(
      program,
      { MY_SECRET: "v3ry-s3cret-value-42", CONFIGURED: "configured-model-key-1", GASTOWN_AGENT_TOKEN_ECHO: "agent-token-0123456789abcdef" },
      ["MY_SECRET"],
      ["configured-model-key-1"],
    );
    await s.start(startRequest({ workerUrl: worker.url, rows: 8 }));
    const snap = await snapshotWith(s, "polecat-demo-1", "DONE");
    const all = [snap.text, snap.ansi, stripAnsi(snap.ansi), snap.scrollbackTail].join("\n");
    for (const leak of ["v3ry-s3cret-value-42", "ZYXWVUTSRQ", "RED0123456789", "BOLD", "PLAIN99", "configured-model-key-1", "agent-token-0123456789abcdef"]) {
      expect(all).not.toContain(leak);
    }
    expect(snap.scrollbackTail).toContain(`env secret: ${REDACTED}`);
    expect(snap.scrollbackTail).toContain(`coloured ${REDACTED} end`);
    expect(snap.scrollbackTail).toContain(`configured ${REDACTED}`);
    expect(snap.scrollbackTail).toContain(`token ${REDACTED}`);
    expect(snap.text).toContain(`again ${REDACTED} ${REDACTED}`);
    expect(stripAnsi(snap.ansi)).toContain(`again ${REDACTED} ${REDACTED}`);
  });

  it("nudges a running agent, lists and stops it (stop forgets it and kills the process)", async () => {
    const s = supervisor(
      () => `require("readline").createInterface({ input: process.stdin }).on("line", (l) => console.log("heard " + l)); console.log("ready")`,
    );
    await s.start(startRequest({ workerUrl: worker.url }));
    await snapshotWith(s, "polecat-demo-1", "ready");
    await s.nudge("polecat-demo-1", "please continue");
    await snapshotWith(s, "polecat-demo-1", "heard please continue");
    await expect(s.start(startRequest({ workerUrl: worker.url }))).rejects.toMatchObject({ code: "conflict" });
    const pid = s.list()[0]?.pid ?? 0;
    await s.stop("polecat-demo-1");
    expect(s.list()).toEqual([]);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(workspaces.released).toEqual(["polecat-demo-1"]);
    await s.drain();
    // Stopped with SIGTERM (15): reported like a shell would, never as a clean exit 0.
    expect(worker.to("/lifecycle").map((c) => c.body)).toEqual([{ event: "started" }, { event: "exited", exitCode: 143, detail: "killed by signal 15" }]);
    await expect(s.snapshot("polecat-demo-1")).rejects.toMatchObject({ code: "not_found" });
    await expect(s.nudge("nobody", "hi")).rejects.toMatchObject({ code: "not_found" });
  });

  it("kills an agent that ignores SIGTERM", async () => {
    sup = new Supervisor({
      workspace: workspaces,
      launcher: new NodeProgramLauncher(() => `process.on("SIGTERM", () => console.log("ignoring")); console.log("stubborn"); ${STAY}`),
      logger: silentLogger,
      callbacks: new WorkerCallbacks({ logger: silentLogger, backoffMs: () => 0 }),
      ticker: time,
      baseEnv: { PATH: process.env.PATH ?? "" },
      stopGraceMs: 200,
    });
    const { pid } = await sup.start(startRequest({ workerUrl: worker.url }));
    await snapshotWith(sup, "polecat-demo-1", "stubborn");
    await sup.stop("polecat-demo-1");
    expect(sup.list()).toEqual([]);
    expect(() => process.kill(pid ?? 0, 0)).toThrow();
    await sup.drain();
  });

  it("sends idle once after the quiet period, heartbeats meanwhile, and working again on new output", async () => {
    const s = supervisor(
      () => `require("readline").createInterface({ input: process.stdin }).on("line", (l) => console.log("echo " + l)); console.log("ready")`,
    );
    await s.start(startRequest({ workerUrl: worker.url }));
    await snapshotWith(s, "polecat-demo-1", "ready");
    time.advance(30_000);
    await s.drain();
    expect(worker.to("/heartbeat").map((c) => (c.body as { status: string }).status)).toEqual(["working"]);
    time.advance(31_000);
    time.advance(5_000);
    await s.drain();
    expect(worker.to("/lifecycle").map((c) => c.body)).toEqual([{ event: "started" }, { event: "idle" }]);
    await s.nudge("polecat-demo-1", "wake");
    await snapshotWith(s, "polecat-demo-1", "echo wake");
    time.advance(1_000);
    await s.drain();
    const beats = worker.to("/heartbeat").map((c) => c.body as { status: string; activityAt: number });
    expect(beats.map((b) => b.status)).toEqual(["working", "idle", "working"]);
    expect(beats.at(-1)?.activityAt).toBe(time.now - 1_000);
    expect(worker.to("/lifecycle")).toHaveLength(2);
  });

  it("restarts an agent that exited under the same id", async () => {
    const s = supervisor((prompt) => (prompt === "again" ? `console.log("second run"); ${STAY}` : `console.log("first run")`));
    const first = await s.start(startRequest({ workerUrl: worker.url }));
    await waitFor(() => s.list()[0]?.running === false, "first exit");
    const second = await s.start(startRequest({ workerUrl: worker.url, prompt: "again" }));
    expect(second.pid).not.toBe(first.pid);
    expect(s.list()).toHaveLength(1);
    const snap = await snapshotWith(s, "polecat-demo-1", "second run");
    expect(snap.text).not.toContain("first run");
  });

  it("releases the workspace and reports runtime_failed when the launch cannot be built", async () => {
    sup = new Supervisor({
      workspace: workspaces,
      launcher: {
        build: async () => {
          throw new Error("no such agent CLI");
        },
      },
      logger: silentLogger,
      ticker: time,
    });
    await expect(sup.start(startRequest({ workerUrl: worker.url }))).rejects.toMatchObject({ code: "runtime_failed" });
    expect(workspaces.released).toEqual(["polecat-demo-1"]);
    expect(sup.list()).toEqual([]);
  });
});
