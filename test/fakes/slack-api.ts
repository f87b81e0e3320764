import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/**
 * A fake Slack Web API over HTTP, speaking the real protocol closely enough for the real
 * @slack/web-api client (through SLACK_API_URL): form or JSON bodies, bearer token, `ok`/`error`
 * answers, message ts generation, the external file upload flow, and 429 with Retry-After.
 */

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  /** 429 answered instead of handling the call. */
  rateLimited: boolean;
  at: number;
  /** performance.now() when the call arrived (benchmarks). */
  hrAt: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown[];
  edits: number;
  user?: string;
  ephemeral: boolean;
}

export interface FakeFile {
  id: string;
  filename: string;
  length: number;
  bytes: Buffer;
  title?: string;
  channel?: string;
  threadTs?: string;
  completed: boolean;
}

export interface FakeSlackOptions {
  token?: string;
  /** App-level token accepted by apps.connections.open (Socket Mode). */
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly files = new Map<string, FakeFile>();
  readonly token: string;
  readonly appToken: string;
  /** Envelope ids the Socket Mode client acknowledged. */
  readonly socketAcks: string[] = [];
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** Answer 429 to the next N calls (then answer normally). */
  rateLimitNext = 0;
  /** Fraction of calls (0..1) answered 429, picked by `random`. */
  rateLimitFraction = 0;
  retryAfterSec = 1;
  /** Slack user groups: id -> member user ids (usergroups.list). */
  readonly userGroups = new Map<string, string[]>();
  /** Only calls of this method are rate limited, when set. */
  rateLimitMethod: string | undefined;
  random: () => number = Math.random;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  private seq = 0;
  private fileSeq = 0;
  private waiters: (() => void)[] = [];

  constructor(opts: FakeSlackOptions = {}) {
    this.token = opts.token ?? "xoxb-test-token";
    this.appToken = opts.appToken ?? "xapp-test-token";
    this.teamId = opts.teamId ?? "T0TEST";
    this.botUserId = opts.botUserId ?? "UBOT";
    this.botId = opts.botId ?? "BBOT";
  }

  /** Base URL to give as SLACK_API_URL (ends with `/api/`). */
  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error("fake slack is not listening");
    return `http://127.0.0.1:${a.port}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.wss = new WebSocketServer({ server: this.server, path: "/link" });
    this.wss.on("connection", (ws) => {
      this.sockets.add(ws);
      ws.on("close", () => this.sockets.delete(ws));
      ws.on("message", (raw) => {
        const m = JSON.parse(String(raw)) as { envelope_id?: string };
        if (m.envelope_id) this.socketAcks.push(m.envelope_id);
        this.notify();
      });
      ws.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake", approximate_connection_time: 3600 }, connection_info: { app_id: "A0APP" } }));
      this.notify();
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return this;
  }

  /** Socket Mode connections currently open. */
  get socketCount(): number {
    return this.sockets.size;
  }

  /** Push a Socket Mode envelope (`events_api`, `slash_commands`, `interactive`) to every connection. */
  sendEnvelope(type: "events_api" | "slash_commands" | "interactive", payload: unknown, envelopeId: string): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== "events_api", retry_attempt: 0, retry_reason: "" }));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Calls of one method that were actually handled (not answered 429). */
  handled(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method && !c.rateLimited);
  }

  /** Non-ephemeral messages, optionally only those in one thread. */
  posts(threadTs?: string): FakeMessage[] {
    return this.messages.filter((m) => !m.ephemeral && (threadTs === undefined || m.threadTs === threadTs));
  }

  /** Resolves once `pred` holds (checked after every call); rejects after `timeoutMs`. */
  async waitFor(pred: () => boolean, what = "condition", timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`fake slack: timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private nextTs(): string {
    this.seq += 1;
    return `${1_700_000_000 + this.seq}.${String(this.seq).padStart(6, "0")}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://x");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
      this.notify();
    };
    const upload = /^\/upload\/(F[A-Z0-9]+)$/.exec(url.pathname);
    if (upload?.[1]) {
      const f = this.files.get(upload[1]);
      if (!f) return send(404, { ok: false, error: "file_not_found" });
      f.bytes = raw;
      this.calls.push({ method: "upload", args: { id: f.id, bytes: raw.length }, rateLimited: false, at: Date.now(), hrAt: performance.now() });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`OK - ${raw.length}`);
      this.notify();
      return;
    }
    const m = /^\/api\/([a-zA-Z.]+)$/.exec(url.pathname);
    if (!m?.[1]) return send(404, { ok: false, error: "unknown_method" });
    const method = m[1];
    const args = parseArgs(req.headers["content-type"], raw);
    const eligible = this.rateLimitMethod === undefined || this.rateLimitMethod === method;
    const limited = eligible && (this.rateLimitNext > 0 || (this.rateLimitFraction > 0 && this.random() < this.rateLimitFraction));
    this.calls.push({ method, args, rateLimited: limited, at: Date.now(), hrAt: performance.now() });
    if (limited) {
      if (this.rateLimitNext > 0) this.rateLimitNext -= 1;
      return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(this.retryAfterSec) });
    }
    const auth = req.headers.authorization ?? (typeof args.token === "string" ? `Bearer ${args.token}` : "");
    if (method === "apps.connections.open") {
      if (auth !== `Bearer ${this.appToken}`) return send(200, { ok: false, error: "invalid_auth" });
      return send(200, { ok: true, url: `${this.url.replace(/^http/, "ws").replace(/api\/$/, "")}link` });
    }
    if (auth !== `Bearer ${this.token}`) return send(200, { ok: false, error: auth ? "invalid_auth" : "not_authed" });
    send(200, this.answer(method, args));
  }

  private answer(method: string, a: Record<string, unknown>): Record<string, unknown> {
    const str = (k: string) => (typeof a[k] === "string" ? (a[k] as string) : undefined);
    const blocks = (): unknown[] => {
      const b = a.blocks;
      if (typeof b === "string") return JSON.parse(b) as unknown[];
      return Array.isArray(b) ? b : [];
    };
    switch (method) {
      case "auth.test":
        return { ok: true, url: "https://fake.slack/", team: "Fake", user: "gastown", team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId };
      case "chat.postMessage": {
        const channel = str("channel");
        if (!channel) return { ok: false, error: "channel_not_found" };
        if (!str("text") && blocks().length === 0) return { ok: false, error: "no_text" };
        const ts = this.nextTs();
        const thread = str("thread_ts");
        this.messages.push({ channel, ts, ...(thread ? { threadTs: thread } : {}), text: str("text") ?? "", blocks: blocks(), edits: 0, ephemeral: false });
        return { ok: true, channel, ts, message: { text: str("text") ?? "", ts, user: this.botUserId, bot_id: this.botId } };
      }
      case "chat.postEphemeral": {
        const channel = str("channel");
        const user = str("user");
        if (!channel || !user) return { ok: false, error: "invalid_arguments" };
        const ts = this.nextTs();
        const thread = str("thread_ts");
        this.messages.push({ channel, ts, ...(thread ? { threadTs: thread } : {}), text: str("text") ?? "", blocks: blocks(), edits: 0, user, ephemeral: true });
        return { ok: true, message_ts: ts };
      }
      case "chat.update": {
        const msg = this.messages.find((x) => x.channel === str("channel") && x.ts === str("ts") && !x.ephemeral);
        if (!msg) return { ok: false, error: "message_not_found" };
        msg.text = str("text") ?? msg.text;
        msg.blocks = blocks();
        msg.edits += 1;
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text };
      }
      case "files.getUploadURLExternal": {
        const filename = str("filename");
        const length = Number(a.length);
        if (!filename || !Number.isFinite(length) || length <= 0) return { ok: false, error: "invalid_arguments" };
        this.fileSeq += 1;
        const id = `F${String(this.fileSeq).padStart(8, "0")}`;
        this.files.set(id, { id, filename, length, bytes: Buffer.alloc(0), completed: false });
        return { ok: true, file_id: id, upload_url: `${this.url.replace(/api\/$/, "")}upload/${id}` };
      }
      case "files.completeUploadExternal": {
        const list = typeof a.files === "string" ? (JSON.parse(a.files) as { id: string; title?: string }[]) : ((a.files as { id: string; title?: string }[]) ?? []);
        const out = [];
        for (const f of list) {
          const file = this.files.get(f.id);
          if (!file || file.bytes.length === 0) return { ok: false, error: "file_not_found" };
          file.completed = true;
          if (f.title) file.title = f.title;
          const ch = str("channel_id");
          const th = str("thread_ts");
          if (ch) file.channel = ch;
          if (th) file.threadTs = th;
          out.push({ id: file.id, name: file.filename, title: file.title ?? file.filename });
        }
        return { ok: true, files: out };
      }
      case "usergroups.list":
        return {
          ok: true,
          usergroups: [...this.userGroups].map(([id, users]) => ({ id, handle: id.toLowerCase(), name: id, ...(a.include_users === "true" || a.include_users === true ? { users } : {}) })),
        };
      case "users.info":
        return { ok: true, user: { id: str("user"), name: `user-${str("user")}`, real_name: `User ${str("user")}` } };
      case "conversations.info":
        return { ok: true, channel: { id: str("channel"), name: `chan-${str("channel")}`, is_channel: true } };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}

function parseArgs(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  const text = raw.toString("utf8");
  if (contentType?.includes("application/json")) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  return Object.fromEntries(new URLSearchParams(text));
}
