import { createRequire } from "node:module";
import { SerializeAddon } from "@xterm/addon-serialize";
import type { Terminal } from "@xterm/headless";
import type { Snapshot } from "../core/container-api";
import { GastownError } from "../core/errors";
import { type Clock, type Logger, systemClock } from "../core/ports";
import type { Launch } from "./ports";
import type { PtyEnd, PtyHost, PtyProcess } from "./pty-host";
import type { Redactor } from "./redact";
import { takeSnapshot } from "./terminal-snapshot";

// @xterm/headless ships CommonJS whose named exports Node's ESM loader cannot see.
const { Terminal: HeadlessTerminal } = createRequire(import.meta.url)("@xterm/headless") as typeof import("@xterm/headless");

/** How a PTY session ended. */
export interface PtyExit {
  /** The process's exit status, or 128 + signal number when a signal ended it. */
  exitCode: number;
  signal: number | null;
}

export interface PtySessionOptions {
  /** Where the process runs (ThreadPtyHost: the PTY reads happen on their own thread). */
  host: PtyHost;
  launch: Launch;
  /** The full environment of the child (the launch env merged over a safe base by the caller). */
  env: Record<string, string>;
  cols: number;
  rows: number;
  logger: Logger;
  clock?: Clock;
  /** Lines of scrollback the terminal keeps; bounds memory per agent. */
  scrollback?: number;
  /** Pause between typing a nudge and pressing Enter, so TUIs see text and Enter separately. */
  enterDelayMs?: number;
}

/** Received-but-not-yet-parsed output above which the PTY is paused (xterm flow control). */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

// C0 controls and DEL, except tab and line breaks (handled separately): a nudge from chat
// must not be able to press Ctrl-C or send escape sequences.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/**
 * One agent process in a PTY, mirrored into a headless xterm so its screen can be read.
 * Memory is bounded by the terminal's scrollback and by pausing the PTY when xterm lags.
 */
export class PtySession {
  /** When the spawn was asked for (start-up counts in throughput figures). */
  readonly startedAt: number;
  /** Resolves once the process has exited and all its output is on the terminal. */
  readonly exited: Promise<PtyExit>;
  private readonly term: Terminal;
  private readonly serializer = new SerializeAddon();
  /** Set once the host has spawned the process (output may arrive a moment earlier). */
  private proc: PtyProcess | null = null;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly enterDelayMs: number;
  private lastOutput: number | null = null;
  private exit: PtyExit | null = null;
  /** Bytes written to xterm and not yet parsed (batches are never empty), and who waits for 0. */
  private pending = 0;
  private parsedWaiters: Array<() => void> = [];
  private paused = false;
  private disposed = false;

  private ended: (end: PtyEnd) => void = () => {};

  /** Spawns the launch in a PTY on `host`; rejects (runtime_failed) when it cannot start. */
  static async start(opts: PtySessionOptions): Promise<PtySession> {
    const session = new PtySession(opts);
    const [file, ...args] = opts.launch.argv;
    try {
      session.proc = await opts.host.spawn(
        { file, args, cwd: opts.launch.cwd, env: { TERM: "xterm-256color", ...opts.env }, cols: opts.cols, rows: opts.rows },
        { onData: (data) => session.ingest(data), onExit: (end) => session.ended(end) },
      );
    } catch (cause) {
      session.term.dispose();
      throw new GastownError("runtime_failed", `could not start ${file}`, { cause });
    }
    return session;
  }

  private constructor(opts: PtySessionOptions) {
    this.clock = opts.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.log = opts.logger;
    this.enterDelayMs = opts.enterDelayMs ?? 150;
    this.term = new HeadlessTerminal({ cols: opts.cols, rows: opts.rows, scrollback: opts.scrollback ?? 2000, allowProposedApi: true });
    this.term.loadAddon(this.serializer);
    this.exited = new Promise((resolve) => {
      this.ended = ({ exitCode, signal }) => {
        // Resolve only after xterm has parsed everything already written.
        void this.flush().then(() => {
          // Killed by a signal: report 128+n like a shell does, so "exit 0" never hides a kill.
          this.exit = signal ? { exitCode: 128 + signal, signal } : { exitCode, signal: null };
          resolve(this.exit);
        });
      };
    });
  }

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  private ingest(data: Uint8Array): void {
    if (data.length === 0) return;
    this.lastOutput = this.clock.now();
    this.pending += data.length;
    if (!this.paused && this.pending > HIGH_WATER) {
      this.paused = true;
      this.proc?.pause();
    }
    // One callback per write is cheap: the PTY thread sends batches of up to 64 KiB.
    this.term.write(data, () => {
      this.pending -= data.length;
      if (this.paused && this.pending < LOW_WATER) {
        this.paused = false;
        this.proc?.resume();
      }
      if (this.pending === 0) for (const wake of this.parsedWaiters.splice(0)) wake();
    });
  }

  get running(): boolean {
    return this.exit === null;
  }
  get exitCode(): number | null {
    return this.exit?.exitCode ?? null;
  }
  /** Time of the last output from the process (idle detection), null before any. */
  get lastOutputAt(): number | null {
    return this.lastOutput;
  }
  get cols(): number {
    return this.term.cols;
  }
  get rows(): number {
    return this.term.rows;
  }
  /** Lines held by the terminal (screen + scrollback); bounded by the scrollback option. */
  get bufferLines(): number {
    return this.term.buffer.normal.length;
  }

  /** Raw input to the process (keystrokes). */
  write(data: string): void {
    if (!this.running) throw new GastownError("conflict", "agent is not running");
    this.proc?.write(data);
  }

  /**
   * Types `text` and presses Enter ("\r", what a terminal sends for the Return key). Line
   * breaks are pasted as one block when the program asked for bracketed paste, else flattened
   * to spaces so a half-typed message is never submitted early.
   */
  async nudge(text: string): Promise<void> {
    const clean = text.replace(CONTROL, "");
    const typed = this.term.modes.bracketedPasteMode
      ? `\x1b[200~${clean.replace(/\r\n?/g, "\n")}\x1b[201~`
      : clean.replace(/\s*[\r\n]+\s*/g, " ");
    this.write(typed);
    await new Promise((r) => setTimeout(r, this.enterDelayMs));
    this.write("\r");
  }

  /** Resizes the PTY (the program gets SIGWINCH) and the mirror terminal together. */
  resize(cols: number, rows: number): void {
    if (this.running) this.proc?.resize(cols, rows);
    this.term.resize(cols, rows);
  }

  /** Waits until every byte received so far has been parsed by the terminal. */
  flush(): Promise<void> {
    // Nothing unparsed: no round through xterm's write queue (which waits for a timer).
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.parsedWaiters.push(resolve));
  }

  /** The redacted screen as of the last parsed output. */
  snapshot(agentId: string, redactor: Redactor, opts: { scrollbackLines?: number } = {}): Snapshot {
    return takeSnapshot(this.term, this.serializer, { agentId, redactor, now: this.clock.now(), ...opts });
  }

  /** Visible rows as plain, unredacted text (tests and in-container checks only). */
  screenText(): string {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(buf.getLine(buf.baseY + y)?.translateToString(true) ?? "");
    return out.join("\n");
  }

  /** Sends a signal (SIGTERM by default); a process already gone is not an error. */
  kill(signal = "SIGTERM"): void {
    if (!this.running) return;
    this.log.debug("signal", { pid: this.pid, signal });
    this.proc?.kill(signal);
  }

  /** Frees the terminal. Call after the process has exited. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.paused) this.proc?.resume();
    this.term.dispose();
    // A disposed terminal parses nothing more: nobody waits for it.
    this.pending = 0;
    for (const wake of this.parsedWaiters.splice(0)) wake();
  }
}
