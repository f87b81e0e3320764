import { SELF } from "cloudflare:test";
import { signAgentToken } from "../core/agent-token";
import type { Actor } from "../core/domain";
import type { StreamClientFrame, StreamServerFrame } from "../core/events";

/** Test kit for the Town API tests (workerd): fresh towns, requests, agent tokens, streams. */

/** Tokens configured for the "workers" test project in vitest.config.mts. */
export const BOT_TOKEN = "test-bot-token";
export const AGENT_SECRET = "test-agent-secret";
export const alice: Actor = { kind: "user", id: "slack:U1", name: "alice" };

/** A town nobody else uses: every test gets a fresh TownDO. */
export function newTown(): string {
  return `local:t-${crypto.randomUUID().slice(0, 12)}`;
}

/** An agent token as the Worker would issue it. */
export function agentToken(town: string, agent: string, ttlMs = 60_000): Promise<string> {
  return signAgentToken(AGENT_SECRET, { town, agent, exp: Date.now() + ttlMs });
}

/** Calls the Town API; `body` is sent as JSON; the bot token unless another is given. */
export async function api(
  method: string,
  path: string,
  opts: { body?: unknown; token?: string | null; rawBody?: string } = {},
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? BOT_TOKEN : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.body !== undefined || opts.rawBody !== undefined) {
    headers["Content-Type"] = "application/json";
    body = opts.rawBody ?? JSON.stringify(opts.body);
  }
  const res = await SELF.fetch(`http://worker${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, json: text === "" ? null : JSON.parse(text) };
}

/** Like `api`, but fails the test unless the status is `expected`; returns the JSON. */
export async function ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown, expected = method === "POST" ? 201 : 200): Promise<T> {
  const res = await api(method, path, { body });
  if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as T;
}

/**
 * Adds a rig. By default it has no polecat slots, so the reconciler (which runs on the DO
 * alarm after every change) leaves its beads alone and a test sees only its own events.
 */
export async function addRig(town: string, name = "web", config: Record<string, unknown> = { maxPolecats: 0 }): Promise<void> {
  await ok("POST", `/towns/${town}/rigs`, { name, gitUrl: `https://example.com/${name}.git`, config, actor: alice });
}

/** A client of the event stream that queues frames and waits for them. */
export interface StreamClient {
  /** The next frame (waits for it; fails after a while so a test never hangs). */
  next(): Promise<StreamServerFrame>;
  /** Frames until one matches `stop` (inclusive). */
  until(stop: (f: StreamServerFrame) => boolean): Promise<StreamServerFrame[]>;
  send(frame: StreamClientFrame | string): void;
  /** Closes from the client side and resolves with the code of the server's close reply. */
  close(): Promise<number>;
  /** Frames already received and not yet taken. */
  pending(): number;
}

/** Opens `/towns/:town/events` with the query (e.g. `after=3&consumer=bot`). */
export async function openStream(town: string, query = "", token = BOT_TOKEN): Promise<StreamClient> {
  const res = await SELF.fetch(`http://worker/towns/${town}/events${query ? `?${query}` : ""}`, {
    headers: { Upgrade: "websocket", Authorization: `Bearer ${token}` },
  });
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`stream refused: ${res.status} ${await res.text()}`);
  const queue: StreamServerFrame[] = [];
  const waiters: Array<() => void> = [];
  let closed = false;
  let closeCode: number | undefined;
  ws.accept();
  ws.addEventListener("message", (e) => {
    queue.push(JSON.parse(String(e.data)) as StreamServerFrame);
    waiters.shift()?.();
  });
  ws.addEventListener("close", (e) => {
    closed = true;
    closeCode = e.code;
    for (const w of waiters.splice(0)) w();
  });
  const next = async (): Promise<StreamServerFrame> => {
    for (let i = 0; i < 200 && queue.length === 0 && !closed; i++) {
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    const frame = queue.shift();
    if (!frame) throw new Error(closed ? "stream closed" : "no frame within 10 s");
    return frame;
  };
  return {
    next,
    async until(stop) {
      const out: StreamServerFrame[] = [];
      for (;;) {
        const f = await next();
        out.push(f);
        if (stop(f)) return out;
      }
    },
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    async close() {
      ws.close(1000, "bye");
      for (let i = 0; i < 100 && closeCode === undefined; i++) await new Promise((r) => setTimeout(r, 20));
      if (closeCode === undefined) throw new Error("the server never answered the close frame");
      return closeCode;
    },
    pending: () => queue.length,
  };
}
