// The PTY thread: a worker_thread that owns every agent's PTY (node-pty) and does all the
// reading, so the main thread's time goes to parsing output into the terminals.
//
// Why a thread: a Linux PTY hands its reader at most 4 KiB per read, and each read costs a
// wake-up and two system calls (~25 µs on these machines, more than parsing the 4 KiB). On
// the main thread that cost added to xterm's parsing; here it runs beside it, and the output
// crosses over in batches of up to 64 KiB (one message, one xterm write, per batch).
//
// Started by ThreadPtyHost (pty-host.ts) with `new Worker(url)`; Node runs this file with
// its built-in type stripping (or tsx's loader), so it uses erasable TypeScript only and
// imports nothing of ours. Messages are the types in pty-host.ts, mirrored here.
import { parentPort } from "node:worker_threads";
import { type IPty, spawn } from "node-pty";

type Request =
  | { t: "spawn"; id: number; file: string; args: string[]; cwd: string; env: Record<string, string>; cols: number; rows: number }
  | { t: "write"; id: number; data: string }
  | { t: "resize"; id: number; cols: number; rows: number }
  | { t: "kill"; id: number; signal: string }
  | { t: "pause"; id: number }
  | { t: "resume"; id: number };

/** Largest batch of output in one message. */
const BATCH = 64 * 1024;
/** A batch that is not full goes out this long after its first byte (coalesces 4 KiB reads). */
const LINGER_MS = 1;

const port = parentPort;
if (!port) throw new Error("pty-host-thread.ts runs as a worker thread");

interface Proc {
  pty: IPty;
  buf: Uint8Array<ArrayBuffer> | null;
  len: number;
  timer: ReturnType<typeof setTimeout> | null;
}
const procs = new Map<number, Proc>();

function flush(id: number, p: Proc): void {
  if (p.timer) {
    clearTimeout(p.timer);
    p.timer = null;
  }
  if (!p.buf || p.len === 0) return;
  // A copy, transferred: the batch buffer is reused for the next reads.
  const out = p.buf.buffer.slice(0, p.len);
  p.len = 0;
  port?.postMessage({ t: "data", id, data: out }, [out]);
}

function onData(id: number, p: Proc, chunk: Uint8Array): void {
  if (p.len + chunk.length > BATCH) flush(id, p);
  if (chunk.length >= BATCH) {
    const out = new Uint8Array(chunk).buffer; // a copy: node-pty's Buffers share a pool
    port?.postMessage({ t: "data", id, data: out }, [out]);
    return;
  }
  p.buf ??= new Uint8Array(BATCH);
  p.buf.set(chunk, p.len);
  p.len += chunk.length;
  if (p.len >= BATCH) flush(id, p);
  else
    p.timer ??= setTimeout(() => {
      flush(id, p);
      // Quiet now: an idle agent keeps no batch buffer.
      p.buf = null;
    }, LINGER_MS);
}

/**
 * The agent leads its own session and process group in the PTY: a signal goes to the whole
 * group (its MCP server, its shells), else to the agent alone.
 */
function killGroup(pty: IPty, signal: string): void {
  try {
    process.kill(-pty.pid, signal);
  } catch {
    pty.kill(signal);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function start(m: Extract<Request, { t: "spawn" }>): void {
  let pty: IPty;
  try {
    // encoding null: Buffers, not strings; xterm decodes UTF-8 itself, across reads too.
    pty = spawn(m.file, m.args, { name: m.env.TERM ?? "xterm-256color", cols: m.cols, rows: m.rows, cwd: m.cwd, env: m.env, encoding: null });
  } catch (e) {
    port?.postMessage({ t: "spawn_failed", id: m.id, message: errorText(e) });
    return;
  }
  const p: Proc = { pty, buf: null, len: 0, timer: null };
  procs.set(m.id, p);
  port?.postMessage({ t: "spawned", id: m.id, pid: pty.pid });
  // With encoding null node-pty hands over Buffers, though its typings say string.
  pty.onData((data: string | Uint8Array) => onData(m.id, p, typeof data === "string" ? Buffer.from(data) : data));
  // node-pty reports the exit after the last output was read: flush it first, then the exit.
  pty.onExit(({ exitCode, signal }) => {
    flush(m.id, p);
    procs.delete(m.id);
    port?.postMessage({ t: "exit", id: m.id, exitCode, signal: signal ?? 0 });
  });
}

port.on("message", (m: Request) => {
  if (m.t === "spawn") return start(m);
  const p = procs.get(m.id);
  // The process already exited: a late write, resize or kill has nothing to act on.
  if (!p) return;
  try {
    if (m.t === "write") p.pty.write(m.data);
    else if (m.t === "resize") p.pty.resize(m.cols, m.rows);
    else if (m.t === "kill") killGroup(p.pty, m.signal);
    else if (m.t === "pause") p.pty.pause();
    else if (m.t === "resume") p.pty.resume();
  } catch (e) {
    port.postMessage({ t: "failed", id: m.id, op: m.t, message: errorText(e) });
  }
});
