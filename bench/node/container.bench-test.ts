import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { SerializeAddon } from "@xterm/addon-serialize";
import type { Terminal } from "@xterm/headless";
import { spawn as spawnPty } from "node-pty";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CliAgentLauncher } from "../../container/agents/launcher";
import { WorkerCallbacks } from "../../container/callbacks";
import { gtMcpCommand } from "../../container/mcp/gt-server-command";
import { createRedactor, REDACTED } from "../../container/redact";
import { Supervisor } from "../../container/supervisor";
import { TempWorkspaces, waitFor } from "../../container/supervisor-fakes";
import { readScreenAnsi, readScreenText } from "../../container/terminal-snapshot";
import type { StartAgentRequest } from "../../core/container-api";
import { silentLogger } from "../../core/logger";
import { colouredLine, colouredOutput } from "./coloured-output";

/**
 * The container's terminal figures (issue: container), printed as one BENCH line:
 * - xterm_raw_mb_s: coloured agent-like output written straight into a bare @xterm/headless
 *   terminal (one write, wait for the parser): the ceiling.
 * - pty_ingest_mb_s: the same bytes printed by `cat` in a real PTY, started by the real
 *   Supervisor with the real agent launcher (`command:` kind), read on the PTY thread and
 *   parsed into the agent's terminal (PtySession); timed from the keypress that makes the
 *   agent print until the exit is reported (all output parsed) and a redacted snapshot shows
 *   the last line. pty_ingest_ratio = pty_ingest_mb_s / xterm_raw_mb_s.
 * - pty_transport_mb_s: the PTY alone (bare node-pty, nothing parsed, same keypress clock):
 *   the bound the kernel's PTY sets on ingest on this machine.
 *   Runs of the three alternate; medians of 7, about 10 MB each (steady state: start-up and
 *   the final exit/snapshot are a small part of a run).
 * - xterm_cpu_ms_per_mb / pty_cpu_ms_per_mb: busy CPU of the whole machine (all cores) per MB
 *   during the raw runs (P: parsing) and the PTY-alone runs (T: cat, kernel, reader), and
 *   pty_ingest_ratio_bound = cores * P / (P + T): the best ratio ingest could reach if every
 *   core were busy all the time, since it needs both kinds of work on the same cores.
 * - snapshot_text_ms / snapshot_ansi_ms: the two halves of a snapshot of a 200x50 coloured
 *   screen with scrollback, redaction included (one secret on screen); medians of warm runs.
 * - idle_agent_mb: MiB of this process per idle agent (20 at once, each having drawn a screen
 *   and now sleeping); idle_agent_full_mb: the same with full scrollback (2000 lines).
 * Timings are printed, never asserted: the machine is shared.
 */

const { Terminal: HeadlessTerminal } = createRequire(import.meta.url)("@xterm/headless") as typeof import("@xterm/headless");

/** Characters of output per ingest run (about 9.8 MB: box rules are 3 bytes each). */
const INGEST_BYTES = 8 << 20;
const INGEST_RUNS = 7;
const COLS = 120;
const ROWS = 40;
const TOKEN = "agent-token-bench-0123456789abcdef";
const KEY = "sk-ant-api03-bench0123456789abcdefghijklmnop";

let dir: string;
let workspaces: TempWorkspaces;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gt-bench-container-"));
  workspaces = new TempWorkspaces();
});
afterAll(() => {
  workspaces.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A forced full GC (V8 flag set at runtime; vitest owns the command line). */
function gc(): void {
  setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as () => void;
  collect();
  collect();
}

/** A supervisor over temp dirs whose "exited" callbacks resolve waiters, on a performance.now() clock. */
function benchSupervisor(): { sup: Supervisor; exited: (agentId: string) => Promise<number> } {
  const waiters = new Map<string, (at: number) => void>();
  const fakeFetch: typeof fetch = async (input, init) => {
    const at = performance.now();
    const url = String(input);
    const body = JSON.parse(String(init?.body ?? "{}")) as { event?: string };
    if (url.endsWith("/lifecycle") && body.event === "exited") {
      const agent = decodeURIComponent(url.split("/agents/")[1]?.split("/")[0] ?? "");
      waiters.get(agent)?.(at);
    }
    return new Response("{}", { status: 200 });
  };
  const sup = new Supervisor({
    workspace: workspaces,
    launcher: new CliAgentLauncher({ model: {}, stateDir: join(dir, "state"), mcp: gtMcpCommand(), env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } }),
    logger: silentLogger,
    callbacks: new WorkerCallbacks({ logger: silentLogger, fetch: fakeFetch }),
    clock: { now: () => performance.now() },
    ticker: { every: () => () => {} },
    baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    secrets: [KEY],
    enterDelayMs: 0,
  });
  const exited = (agentId: string) => new Promise<number>((resolve) => waiters.set(agentId, resolve));
  // (Resolves when the Supervisor reports the exit, which it does once all output is parsed.)
  return { sup, exited };
}

const request = (agentId: string, argv: string[], over: Partial<StartAgentRequest> = {}): StartAgentRequest => ({
  agentId,
  town: "local:bench",
  role: "polecat",
  kind: `command:${JSON.stringify(argv)}`,
  rig: null,
  beadId: null,
  prompt: "bench",
  workerUrl: "http://127.0.0.1:9",
  agentToken: TOKEN,
  cols: COLS,
  rows: ROWS,
  ...over,
});

/** MB/s of `data` written in one go into a fresh bare terminal, until the parser is done. */
async function rawOnce(data: string, bytes: number): Promise<number> {
  const term = new HeadlessTerminal({ cols: COLS, rows: ROWS, scrollback: 2000, allowProposedApi: true });
  const t0 = performance.now();
  await new Promise<void>((resolve) => term.write(data, resolve));
  const ms = performance.now() - t0;
  term.dispose();
  return bytes / 1e6 / (ms / 1000);
}

/** Busy CPU time of the whole machine so far, ms over all cores (/proc/stat, 10 ms ticks). */
function machineCpuMs(): number {
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = readFileSync("/proc/stat", "utf8").split("\n")[0]?.split(/\s+/).map(Number) ?? [];
  return (user + nice + system + irq + softirq) * 10;
}

/**
 * MB/s of the PTY alone: the same program and bytes through a bare node-pty PTY on this
 * thread, output thrown away (nothing parsed), clock started at the same keypress. What the
 * kernel's PTY lets through here; ingest cannot be faster than this.
 */
async function transportOnce(file: string, bytes: number): Promise<number> {
  let t0 = 0;
  await new Promise<void>((resolve) => {
    const p = spawnPty("sh", ["-c", 'printf ready; read go; exec cat "$1"', "sh", file], {
      name: "xterm-256color",
      cols: COLS,
      rows: ROWS,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      encoding: null,
    });
    p.onData(() => {
      if (t0 !== 0) return;
      t0 = performance.now();
      p.write("\r");
    });
    p.onExit(() => resolve());
  });
  return bytes / 1e6 / ((performance.now() - t0) / 1000);
}

it("measures terminal ingest, snapshots and idle memory", async () => {
  // Memory first, before the ingest runs grow the heap this process keeps.
  const idle = await idleMemory(60);
  const full = await idleMemory(2500);

  // ---- ingest: bare terminal vs the real PTY path, alternating ----
  const output = `${colouredOutput(INGEST_BYTES)}--- end of output ---\r\n`;
  const file = join(dir, "output.txt");
  writeFileSync(file, output);
  const asTerminalSees = output.replace(/\n/g, "\r\n");
  const { sup, exited } = benchSupervisor();
  const ingestOnce = async (n: number): Promise<number> => {
    const id = `bench-ingest-${n}`;
    const done = exited(id);
    // The agent starts, says it is ready and waits for Enter; then it prints the output. The
    // clock starts at the keypress, so process start-up (a fork of this big process) is left
    // out: the figure is the ingest path's throughput, as the ceiling's is the parser's.
    await sup.start(request(id, ["sh", "-c", 'printf ready; read go; exec cat "$1"', "sh", file]));
    await waitFor(async () => (await sup.snapshot(id)).text.includes("ready"), "agent ready");
    const t0 = performance.now();
    await sup.nudge(id, "");
    await done;
    // The redacted snapshot (what leaves the container) is part of the timed path.
    const snap = await sup.snapshot(id);
    const mb_s = Buffer.byteLength(output) / 1e6 / ((performance.now() - t0) / 1000);
    expect(`${snap.scrollbackTail}\n${snap.text}`).toContain("--- end of output ---");
    await sup.stop(id);
    return mb_s;
  };
  await rawOnce(asTerminalSees, Buffer.byteLength(output));
  await transportOnce(file, Buffer.byteLength(output));
  await ingestOnce(0);
  const raw: number[] = [];
  const transport: number[] = [];
  const pty: number[] = [];
  let rawCpu = 0;
  let transportCpu = 0;
  for (let k = 1; k <= INGEST_RUNS; k++) {
    const c0 = machineCpuMs();
    raw.push(await rawOnce(asTerminalSees, Buffer.byteLength(output)));
    const c1 = machineCpuMs();
    transport.push(await transportOnce(file, Buffer.byteLength(output)));
    const c2 = machineCpuMs();
    pty.push(await ingestOnce(k));
    rawCpu += c1 - c0;
    transportCpu += c2 - c1;
  }
  const mb = (INGEST_RUNS * Buffer.byteLength(output)) / 1e6;
  // CPU per MB (all cores, whole machine: parser; PTY = cat + kernel + reader). Ingest needs
  // both on the same cores, so its ratio to the ceiling is at most cores * P / (P + T).
  const xterm_cpu_ms_per_mb = rawCpu / mb;
  const pty_cpu_ms_per_mb = transportCpu / mb;
  await sup.close();

  // ---- snapshot halves of a 200x50 coloured screen ----
  const term: Terminal = new HeadlessTerminal({ cols: 200, rows: 50, scrollback: 2000, allowProposedApi: true });
  const serializer = new SerializeAddon();
  term.loadAddon(serializer);
  let screen = "";
  for (let i = 0; i < 300; i++) screen += colouredLine(i, 15);
  screen += `\x1b[33mexport ANTHROPIC_API_KEY=${KEY}\x1b[0m\r\n`;
  for (let i = 300; i < 320; i++) screen += colouredLine(i, 15);
  await new Promise<void>((resolve) => term.write(screen.replace(/\n/g, "\r\n"), resolve));
  const redactor = createRedactor({ secrets: [TOKEN, KEY] });
  const text = readScreenText(term, { redactor });
  const ansi = readScreenAnsi(term, serializer, redactor, text);
  expect(text.text).toContain(REDACTED);
  expect(ansi).toContain(REDACTED);
  expect(ansi).not.toContain(KEY);
  const timeMedian = (fn: () => unknown): number => {
    for (let i = 0; i < 50; i++) fn();
    const times: number[] = [];
    for (let i = 0; i < 301; i++) {
      const t0 = performance.now();
      fn();
      times.push(performance.now() - t0);
    }
    return median(times);
  };
  const snapshot_text_ms = timeMedian(() => readScreenText(term, { redactor }));
  const snapshot_ansi_ms = timeMedian(() => readScreenAnsi(term, serializer, redactor, text));
  term.dispose();

  const figures = {
    xterm_raw_mb_s: round(median(raw), 1),
    pty_transport_mb_s: round(median(transport), 1),
    pty_ingest_mb_s: round(median(pty), 1),
    pty_ingest_ratio: round(median(pty) / median(raw)),
    xterm_cpu_ms_per_mb: round(xterm_cpu_ms_per_mb),
    pty_cpu_ms_per_mb: round(pty_cpu_ms_per_mb),
    pty_ingest_ratio_bound: round(Math.min(1, (availableParallelism() * xterm_cpu_ms_per_mb) / (xterm_cpu_ms_per_mb + pty_cpu_ms_per_mb))),
    snapshot_text_ms: round(snapshot_text_ms, 3),
    snapshot_ansi_ms: round(snapshot_ansi_ms, 3),
    idle_agent_mb: round(Math.max(idle.rss, idle.heap)),
    idle_agent_full_mb: round(Math.max(full.rss, full.heap)),
  };
  console.log(`BENCH ${JSON.stringify(figures)}`);
  for (const v of Object.values(figures)) expect(v).toBeGreaterThan(0);
});

/**
 * MiB per agent for 20 idle agents that each printed `lines` coloured lines: the growth of the
 * process's RSS, and of its JS heap plus off-heap buffers (the figure reported is the larger).
 */
async function idleMemory(lines: number): Promise<{ rss: number; heap: number }> {
  const AGENTS = 20;
  const file = join(dir, `screen-${lines}.txt`);
  let text = "";
  for (let i = 0; i < lines; i++) text += colouredLine(i);
  writeFileSync(file, `${text}idle and waiting\r\n`);
  const { sup } = benchSupervisor();
  const argv = ["sh", "-c", 'cat "$1"; exec sleep 600', "sh", file];
  try {
    // One agent first, so module loading and JIT are not counted.
    await sup.start(request("bench-idle-warm", argv));
    await waitFor(async () => (await sup.snapshot("bench-idle-warm")).text.includes("idle and waiting"), "warm agent");
    await sup.stop("bench-idle-warm");
    gc();
    const before = process.memoryUsage();
    for (let i = 0; i < AGENTS; i++) await sup.start(request(`bench-idle-${i}`, argv));
    for (let i = 0; i < AGENTS; i++) {
      await waitFor(async () => (await sup.snapshot(`bench-idle-${i}`)).text.includes("idle and waiting"), `agent ${i} idle`);
    }
    gc();
    const after = process.memoryUsage();
    expect(sup.runningCount).toBe(AGENTS);
    // `external` already counts array buffers (xterm keeps its rows in typed arrays).
    const heap = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
    return { rss: (after.rss - before.rss) / AGENTS / 2 ** 20, heap: (heap(after) - heap(before)) / AGENTS / 2 ** 20 };
  } finally {
    await sup.close();
  }
}
