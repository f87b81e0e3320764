import { spawn } from "node:child_process";

/**
 * Run a program from an argv array (never a shell string) with a time limit and bounded
 * output. On timeout the whole process group is killed, so a gate that forks (npm -> node ->
 * worker) cannot outlive its limit.
 */

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Bytes of output kept per stream (the tail; the head is cut with a marker). */
  maxOutput: number;
  /** Written to stdin, which is then closed. */
  input?: string;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived, bounded like each stream. */
  output: string;
  /** The program could not be started (ENOENT, EACCES): its message. */
  spawnError: string | null;
  ms: number;
}

/** Grace between SIGTERM and SIGKILL on timeout. */
const KILL_GRACE_MS = 2000;

/** A byte-bounded tail buffer. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;
  constructor(private readonly max: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size > this.max && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const over = this.size - this.max;
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.size -= over;
        this.dropped += over;
      }
    }
  }
  text(): string {
    const body = Buffer.concat(this.chunks).toString("utf8");
    return this.dropped > 0 ? `[... ${this.dropped} bytes cut ...]\n${body}` : body;
  }
}

/** Run argv to completion; never throws for a failing program (see exitCode/spawnError). */
export function runProcess(argv: readonly [string, ...string[]], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const [cmd, ...args] = argv;
  return new Promise((resolve) => {
    const stdout = new Tail(opts.maxOutput);
    const stderr = new Tail(opts.maxOutput);
    const output = new Tail(opts.maxOutput);
    let timedOut = false;
    let spawnError: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;

    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      // Own process group, so the timeout can kill everything the program started.
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone: nothing left to kill.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
    }, opts.timeoutMs);

    child.stdout.on("data", (b: Buffer) => {
      stdout.push(b);
      output.push(b);
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr.push(b);
      output.push(b);
    });
    child.stdin.on("error", () => {
      // The program may exit without reading stdin (EPIPE); its exit status tells the story.
    });
    child.stdin.end(opts.input ?? "");
    child.on("error", (e) => {
      spawnError = e.message;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // Grandchildren may still run after the leader exits on timeout: finish them off.
      if (timedOut) killGroup("SIGKILL");
      resolve({
        exitCode: code,
        signal,
        timedOut,
        stdout: stdout.text(),
        stderr: stderr.text(),
        output: output.text(),
        spawnError,
        ms: Date.now() - started,
      });
    });
  });
}
