import { Worker } from "node:worker_threads";
import { GastownError } from "../core/errors";
import type { Logger } from "../core/ports";

/** What to run in a new PTY. */
export interface PtySpawn {
  file: string;
  args: string[];
  cwd: string;
  /** The child's whole environment (TERM names the terminal type). */
  env: Record<string, string>;
  cols: number;
  rows: number;
}

/** How a PTY's process ended, as node-pty reports it. */
export interface PtyEnd {
  exitCode: number;
  /** Signal number that ended the process, 0 when it exited by itself. */
  signal: number;
}

export interface PtyHandlers {
  /** Output, in order; batches of reads, so a UTF-8 character may still be split. */
  onData(data: Uint8Array): void;
  /** Once, after the last onData. */
  onExit(end: PtyEnd): void;
}

/** A process in a PTY. Calls after the exit are ignored. */
export interface PtyProcess {
  readonly pid: number;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal: string): void;
  /** Stop reading output (the program blocks once the PTY's buffer is full); flow control. */
  pause(): void;
  resume(): void;
}

/** Starts processes in PTYs. */
export interface PtyHost {
  spawn(spec: PtySpawn, handlers: PtyHandlers): Promise<PtyProcess>;
  /** Kills what still runs and frees the host. */
  close(): Promise<void>;
}

// Messages to and from pty-host-thread.ts (which mirrors these types: it imports nothing of ours).
type ToThread =
  | ({ t: "spawn"; id: number } & PtySpawn)
  | { t: "write"; id: number; data: string }
  | { t: "resize"; id: number; cols: number; rows: number }
  | { t: "kill"; id: number; signal: string }
  | { t: "pause"; id: number }
  | { t: "resume"; id: number };
type FromThread =
  | { t: "spawned"; id: number; pid: number }
  | { t: "spawn_failed"; id: number; message: string }
  | { t: "data"; id: number; data: ArrayBuffer }
  | { t: "exit"; id: number; exitCode: number; signal: number }
  | { t: "failed"; id: number; op: string; message: string };

interface Pending {
  handlers: PtyHandlers;
  resolve(p: PtyProcess): void;
  reject(e: Error): void;
  pid: number | null;
}

const THREAD_URL = new URL("./pty-host-thread.ts", import.meta.url);
/** How long close() waits for killed processes to report their exit. */
const CLOSE_WAIT_MS = 5_000;
const BOOT_URL = new URL("./pty-host-boot.mjs", import.meta.url);

/**
 * PTYs on a worker thread (pty-host-thread.ts): the thread reads every PTY and sends output
 * over in batches; this side only parses. One thread per host, started on the first spawn and
 * referenced only while processes run (an idle host never keeps the process alive). If the
 * thread dies, its processes are killed and reported as exited.
 */
export class ThreadPtyHost implements PtyHost {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly procs = new Map<number, Pending>();
  private readonly log: Logger;
  private closed = false;
  /** Set while close() waits for the last exits. */
  private drained: (() => void) | null = null;

  private readonly viaTsx: boolean;

  /** `viaTsx`: start the thread through tsx even where Node strips types itself (tests of that path). */
  constructor(opts: { logger: Logger; viaTsx?: boolean }) {
    this.log = opts.logger.child("pty-host");
    // Node 22.6+ strips the thread file's types itself; older Nodes load it through tsx.
    this.viaTsx = opts.viaTsx ?? !(process.features as { typescript?: unknown }).typescript;
  }

  spawn(spec: PtySpawn, handlers: PtyHandlers): Promise<PtyProcess> {
    if (this.closed) return Promise.reject(new GastownError("runtime_failed", "the PTY host is closed"));
    const id = this.nextId++;
    const worker = this.thread();
    return new Promise((resolve, reject) => {
      this.procs.set(id, { handlers, resolve, reject, pid: null });
      worker.ref();
      this.send({ t: "spawn", id, ...spec });
    });
  }

  /**
   * Kills what still runs (SIGKILL to each process group, through the thread) and waits for
   * the exits before the thread goes: node-pty reports an exit from a native thread, and one
   * arriving after the worker is gone aborts the whole process.
   */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    if (this.procs.size > 0) {
      const drained = new Promise<void>((resolve) => {
        this.drained = resolve;
      });
      for (const [id, p] of this.procs) if (p.pid !== null) this.send({ t: "kill", id, signal: "SIGKILL" });
      const late = new Promise<void>((r) => setTimeout(r, CLOSE_WAIT_MS).unref());
      await Promise.race([drained, late]);
    }
    this.worker = null;
    // Whatever did not report back in time: killed from here, reported as killed.
    for (const [id, p] of this.procs) if (p.pid !== null) this.killPid(p.pid, id);
    await worker.terminate();
    this.failAll("the PTY host closed");
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.viaTsx ? BOOT_URL : THREAD_URL);
    worker.unref();
    worker.on("message", (m: FromThread) => this.receive(m));
    worker.on("error", (e) => this.log.error("PTY thread failed", { error: e.message }));
    worker.on("exit", (code) => {
      if (this.worker !== worker) return; // closed on purpose
      this.worker = null;
      this.log.error("PTY thread exited", { code, processes: this.procs.size });
      for (const [id, p] of this.procs) if (p.pid !== null) this.killPid(p.pid, id);
      this.failAll("the PTY thread stopped");
    });
    this.worker = worker;
    return worker;
  }

  private receive(m: FromThread): void {
    const p = this.procs.get(m.id);
    if (!p) return;
    switch (m.t) {
      case "spawned":
        p.pid = m.pid;
        p.resolve(this.handle(m.id, m.pid));
        // Started while the host was closing: it goes at once.
        if (this.closed) this.send({ t: "kill", id: m.id, signal: "SIGKILL" });
        return;
      case "spawn_failed":
        this.forget(m.id);
        p.reject(new GastownError("runtime_failed", m.message));
        return;
      case "data":
        p.handlers.onData(new Uint8Array(m.data));
        return;
      case "exit":
        this.forget(m.id);
        p.handlers.onExit({ exitCode: m.exitCode, signal: m.signal });
        return;
      case "failed":
        this.log.warn("PTY operation failed", { op: m.op, pid: p.pid, error: m.message });
    }
  }

  private handle(id: number, pid: number): PtyProcess {
    const send = (m: ToThread) => {
      if (this.procs.has(id)) this.send(m);
    };
    return {
      pid,
      write: (data) => send({ t: "write", id, data }),
      resize: (cols, rows) => send({ t: "resize", id, cols, rows }),
      kill: (signal) => send({ t: "kill", id, signal }),
      pause: () => send({ t: "pause", id }),
      resume: () => send({ t: "resume", id }),
    };
  }

  private send(m: ToThread): void {
    this.worker?.postMessage(m);
  }

  private forget(id: number): void {
    this.procs.delete(id);
    if (this.procs.size > 0) return;
    this.worker?.unref();
    this.drained?.();
  }

  /** Ends every process still known (killed with SIGKILL just before): spawns reject, running ones report the kill. */
  private failAll(reason: string): void {
    for (const [id, p] of [...this.procs]) {
      this.forget(id);
      if (p.pid === null) p.reject(new GastownError("runtime_failed", reason));
      else p.handlers.onExit({ exitCode: 0, signal: 9 });
    }
  }

  /** The agent leads its own session in the PTY: its whole process group goes (MCP servers, shells). */
  private killPid(pid: number, id: number): void {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
        return;
      } catch {
        // no such group (or process): try the process itself, then it is gone
      }
    }
    this.log.debug("process already gone", { pid, id });
  }
}
