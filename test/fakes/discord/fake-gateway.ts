import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { FakeStore } from "./fake-store";
import { guildCreatePayload, userPayload } from "./payloads";

/** Gateway opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes). */
const OP = { dispatch: 0, heartbeat: 1, identify: 2, resume: 6, reconnect: 7, invalidSession: 9, hello: 10, heartbeatAck: 11 } as const;

interface Dispatch {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of the session, so a resume can replay what the client missed. */
  sent: Dispatch[];
  conn: WebSocket | null;
  /** When set, the next resume replays from here instead of the client's sequence (a lossy ack). */
  replayAfter: number | null;
}

/**
 * The Gateway side of the fake: a WebSocket server speaking Gateway v10 with JSON encoding and
 * no compression (HELLO, IDENTIFY -> READY + GUILD_CREATE, HEARTBEAT -> ACK, RESUME -> replay +
 * RESUMED, dispatches with sequence numbers). Connections can be dropped to force a resume.
 */
export class FakeGateway {
  readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly heartbeatInterval: number;
  #session: Session | null = null;
  #url = "";

  constructor(
    private readonly store: FakeStore,
    opts: { heartbeatInterval?: number } = {},
  ) {
    this.heartbeatInterval = opts.heartbeatInterval ?? 41_250;
    this.wss.on("connection", (ws, req) => this.#onConnection(ws, req));
  }

  /** Base URL of the gateway (set once the HTTP server listens). */
  setBaseUrl(url: string): void {
    this.#url = url;
  }
  get url(): string {
    return `${this.#url}/gateway`;
  }
  get resumeUrl(): string {
    return `${this.#url}/gateway-resume`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path !== "/gateway" && path !== "/gateway-resume") {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit("connection", ws, req));
  }

  /** True when a client is identified (or resumed) and receiving dispatches. */
  get connected(): boolean {
    return this.#session?.conn !== null && this.#session?.conn !== undefined;
  }

  /** Sends a dispatch (`MESSAGE_CREATE`, `INTERACTION_CREATE`, ...) with the next sequence number. */
  dispatch(t: string, d: unknown): number {
    const s = this.#session;
    if (!s) throw new Error("fake gateway: no session; connect a client first");
    const frame: Dispatch = { op: OP.dispatch, t, s: ++s.seq, d };
    s.sent.push(frame);
    if (s.conn) s.conn.send(JSON.stringify(frame));
    return frame.s;
  }

  /** Dispatches to the session if a bot has one; with no bot connected there is nobody to tell. */
  notify(t: string, d: unknown): void {
    if (this.#session) this.dispatch(t, d);
  }

  /**
   * Closes the client's connection with a resumable code (4000 unknown error), as Discord
   * does. `replayAfter` makes the next resume replay dispatches after that sequence even if
   * the client has already seen them, which is how a duplicate delivery happens for real.
   */
  drop(opts: { code?: number; replayAfter?: number } = {}): void {
    const s = this.#session;
    if (!s?.conn) throw new Error("fake gateway: nothing to drop");
    s.replayAfter = opts.replayAfter ?? null;
    const conn = s.conn;
    s.conn = null;
    conn.close(opts.code ?? 4000, "fake drop");
  }

  /** Sequence number of the last dispatch sent. */
  get sequence(): number {
    return this.#session?.seq ?? 0;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  #onConnection(ws: WebSocket, req: IncomingMessage): void {
    const q = new URL(req.url ?? "/", "http://x").searchParams;
    if (q.get("v") !== "10" || q.get("encoding") !== "json") {
      ws.close(4012, "fake supports v=10 encoding=json only");
      return;
    }
    ws.send(JSON.stringify({ op: OP.hello, d: { heartbeat_interval: this.heartbeatInterval }, s: null, t: null }));
    ws.on("message", (raw, isBinary) => {
      if (isBinary) {
        ws.close(4002, "decode error: fake expects text frames");
        return;
      }
      let payload: { op: number; d: unknown };
      try {
        payload = JSON.parse(raw.toString()) as { op: number; d: unknown };
      } catch {
        ws.close(4002, "decode error");
        return;
      }
      this.store.record({ kind: "gateway", op: payload.op, d: payload.d });
      this.#onPayload(ws, payload);
    });
    ws.on("close", () => {
      if (this.#session?.conn === ws) this.#session.conn = null;
    });
  }

  #onPayload(ws: WebSocket, p: { op: number; d: unknown }): void {
    switch (p.op) {
      case OP.heartbeat:
        ws.send(JSON.stringify({ op: OP.heartbeatAck, d: null, s: null, t: null }));
        return;
      case OP.identify: {
        const d = p.d as { token?: string; intents?: number };
        if (d.token !== this.store.token) {
          ws.close(4004, "Authentication failed");
          return;
        }
        this.#session?.conn?.close(4009, "superseded");
        const s: Session = { id: randomUUID().replaceAll("-", ""), seq: 0, sent: [], conn: ws, replayAfter: null };
        this.#session = s;
        this.dispatch("READY", {
          v: 10,
          user: userPayload({ ...this.store.botUser, bot: true }),
          guilds: [{ id: this.store.guildId, unavailable: true }],
          session_id: s.id,
          resume_gateway_url: this.resumeUrl,
          shard: [0, 1],
          application: { id: this.store.applicationId, flags: 0 },
        });
        this.dispatch("GUILD_CREATE", guildCreatePayload(this.store));
        this.store.changed();
        return;
      }
      case OP.resume: {
        const d = p.d as { token?: string; session_id?: string; seq?: number };
        const s = this.#session;
        if (!s || d.token !== this.store.token || d.session_id !== s.id) {
          ws.send(JSON.stringify({ op: OP.invalidSession, d: false, s: null, t: null }));
          return;
        }
        s.conn = ws;
        const after = s.replayAfter ?? d.seq ?? 0;
        s.replayAfter = null;
        for (const frame of s.sent.filter((f) => f.s > after && f.t !== "READY")) ws.send(JSON.stringify(frame));
        this.dispatch("RESUMED", {});
        this.store.changed();
        return;
      }
      default:
        // Presence updates, member requests and voice state are not part of what we fake.
        return;
    }
  }
}
