import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import type { Snapshot } from "../../core/container-api";
import { type Bead, type Rig, RigConfig } from "../../core/domain";
import { type NewTownEvent, StreamClientFrame, type StreamServerFrame, type TownEvent } from "../../core/events";
import { AddRigRequest, BindChannelRequest, BindThreadRequest, InboundRequest, NudgeRequest, SendMailRequest, SlingRequest, UpdateRigRequest } from "../../core/town-api";
import { FakeTownDomain } from "./town-domain";

/**
 * A small fake of the Town API (the routes the bot calls), parsing bodies with the same
 * core/town-api schemas as the Worker, plus the event stream over WebSocket with hello,
 * replay after a seq, per-consumer cursors and acks. Later the same tests run against the Worker.
 */

export interface TownCall {
  method: string;
  path: string;
  body: unknown;
}

interface Held {
  match: (method: string, path: string) => boolean;
  release: Promise<void>;
  reached: () => void;
}

const ChatRefBody = z.object({ platform: z.enum(["slack", "discord", "console"]), channelId: z.string().min(1), threadId: z.string().min(1).optional(), messageId: z.string().min(1) }).strict();
const Mayor = z.object({ text: z.string().min(1), platform: z.enum(["slack", "discord", "console"]), channelId: z.string().min(1), threadId: z.string().min(1), actor: z.unknown() });

export class FakeTownApi {
  readonly token: string;
  readonly calls: TownCall[] = [];
  readonly rigs: Rig[] = [];
  readonly beads = new Map<string, Bead>();
  readonly channels: { platform: string; channelId: string; rigId: string }[] = [];
  readonly threads: { platform: string; beadId: string; channelId: string; threadId: string; cardMessageId: string | null; snapshotMessageId: string | null }[] = [];
  readonly inboundSeen = new Set<string>();
  /** Named message refs (`<platform>:<key>` -> ref), as PUT /chat/refs/:key stores them. */
  readonly refs = new Map<string, { channelId: string; threadId: string | null; messageId: string }>();
  readonly events: TownEvent[] = [];
  readonly mail: z.infer<typeof SendMailRequest>[] = [];
  readonly cursors = new Map<string, number>();
  readonly acks: number[] = [];
  /** When set, POST /mayor answers with this conversation; else 404 (no mayor yet). */
  mayorEnabled = false;
  private mayorTurns = 0;
  /** Threads that hold a mayor conversation (`platform|channel|thread`). */
  private readonly mayorThreads = new Set<string>();
  /** Answers 404 on POST /notifications/failed when false. */
  notificationRoute = true;
  readonly failures: unknown[] = [];
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<{ ws: WebSocket; town: string }>();
  private held: Held[] = [];
  private beadSeq = 0;
  /** Merge requests, convoys, escalations, on-call and quiet hours (test/fakes/town-domain.ts). */
  readonly domain: FakeTownDomain = new FakeTownDomain({
    rigs: this.rigs,
    beads: this.beads,
    emit: (e) => this.emit(e),
    addBead: (rigId, title, over) => this.addBead(rigId, title, over),
    now: () => this.clock(),
  });
  /** The fake town's clock (snooze deadlines, landings). */
  clock: () => number = Date.now;

  constructor(opts: { token?: string } = {}) {
    this.token = opts.token ?? "town-test-token";
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error("fake town is not listening");
    return `http://127.0.0.1:${a.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on("upgrade", (req, socket, head) => {
      const u = new URL(req.url ?? "/", "http://x");
      const m = /^\/towns\/([^/]+)\/events$/.exec(u.pathname);
      if (!m?.[1] || req.headers.authorization !== `Bearer ${this.token}`) {
        socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
        return;
      }
      const town = decodeURIComponent(m[1]);
      this.wss?.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, town, u.searchParams));
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.ws.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Hold requests matching method+path until the returned release() is called. */
  hold(method: string, pathRe: RegExp): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const r = new Promise<void>((res) => {
      release = res;
    });
    const reachedP = new Promise<void>((res) => {
      reached = res;
    });
    this.held.push({ match: (m, p) => m === method && pathRe.test(p), release: r, reached });
    return { reached: reachedP, release };
  }

  /** Close every event stream socket (the bot must reconnect and resume). */
  dropStreams(): void {
    for (const s of this.sockets) s.ws.terminate();
  }

  callsTo(method: string, pathRe: RegExp): TownCall[] {
    return this.calls.filter((c) => c.method === method && pathRe.test(c.path));
  }

  /** Append an event to the outbox and push it to connected streams. */
  emit(e: NewTownEvent): TownEvent {
    const ev = { ...e, seq: this.events.length + 1, at: this.clock(), beadId: e.beadId ?? null, rigId: e.rigId ?? null, actor: e.actor ?? null } as TownEvent;
    this.events.push(ev);
    this.domain.observe(ev);
    for (const s of this.sockets) if (s.ws.readyState === WebSocket.OPEN) send(s.ws, { t: "event", event: ev });
    return ev;
  }

  /** Add a work bead directly (as if an agent or the mayor made it). */
  addBead(rigId: string | null, title: string, over: Partial<Bead> = {}): Bead {
    this.beadSeq += 1;
    const now = Date.now();
    const bead: Bead = {
      id: `gt-${this.beadSeq.toString(36).padStart(4, "0")}`,
      type: "task",
      status: "open",
      priority: "P2",
      title,
      body: "",
      labels: [],
      rigId,
      assignee: null,
      parentId: null,
      createdBy: { kind: "system", id: "system" },
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      ...over,
    };
    this.beads.set(bead.id, bead);
    return bead;
  }

  private onSocket(ws: WebSocket, town: string, q: URLSearchParams): void {
    const consumer = q.get("consumer") ?? "default";
    const afterParam = q.get("after");
    const after = afterParam !== null ? Number(afterParam) : (this.cursors.get(consumer) ?? 0);
    const entry = { ws, town };
    this.sockets.add(entry);
    ws.on("close", () => this.sockets.delete(entry));
    ws.on("message", (raw) => {
      const f = StreamClientFrame.safeParse(JSON.parse(String(raw)));
      if (!f.success) return send(ws, { t: "error", message: "bad frame" });
      if (f.data.t === "ack") {
        this.acks.push(f.data.seq);
        this.cursors.set(consumer, Math.max(this.cursors.get(consumer) ?? 0, f.data.seq));
        send(ws, { t: "acked", seq: f.data.seq });
      }
    });
    send(ws, { t: "hello", town, after, head: this.events.length });
    for (const e of this.events) if (e.seq > after) send(ws, { t: "event", event: e });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const u = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return json(400, { error: { code: "bad_request", message: "body is not JSON" } });
    }
    const m = /^\/towns\/([^/]+)(\/.*)$/.exec(u.pathname);
    if (!m?.[2]) return json(404, { error: { code: "not_found", message: "no such route" } });
    const path = m[2];
    this.calls.push({ method, path: `${path}${u.search}`, body });
    if (req.headers.authorization !== `Bearer ${this.token}`) return json(401, { error: { code: "unauthorized", message: "bad token" } });
    const hold = this.held.find((h) => h.match(method, path));
    if (hold) {
      this.held = this.held.filter((h) => h !== hold);
      hold.reached();
      await hold.release;
    }
    try {
      const [status, out] = this.route(method, path, u.searchParams, body);
      json(status, out);
    } catch (e) {
      if (e instanceof z.ZodError) return json(400, { error: { code: "bad_request", message: e.issues[0]?.message ?? "bad request", details: e.issues } });
      throw e;
    }
  }

  private route(method: string, path: string, q: URLSearchParams, body: unknown): [number, unknown] {
    const notFound = (what: string): [number, unknown] => [404, { error: { code: "not_found", message: `${what} not found` } }];
    const bead = (id: string) => this.beads.get(decodeURIComponent(id));
    let m: RegExpExecArray | null = null;
    const at = (re: RegExp): boolean => {
      m = re.exec(path);
      return m !== null;
    };
    const g = (i: number): string => (m as RegExpExecArray | null)?.[i] ?? "";
    if (method === "POST" && path === "/inbound") {
      const r = InboundRequest.parse(body);
      const key = `${r.platform}:${r.eventId}`;
      const fresh = !this.inboundSeen.has(key);
      this.inboundSeen.add(key);
      return [200, { fresh }];
    }
    if (method === "POST" && path === "/rigs") {
      const r = AddRigRequest.parse(body);
      if (this.rigs.some((x) => x.name === r.name)) return [409, { error: { code: "conflict", message: `rig ${r.name} exists` } }];
      const rig: Rig = { id: `rig-${r.name}`, name: r.name, gitUrl: r.gitUrl, defaultBranch: r.defaultBranch, beadPrefix: r.beadPrefix ?? "gt", config: RigConfig.parse(r.config ?? {}), createdAt: Date.now() };
      this.rigs.push(rig);
      this.emit({ type: "rig_added", rigId: rig.id, actor: r.actor, data: { rig } });
      return [201, { rig }];
    }
    if (method === "GET" && path === "/rigs") return [200, { rigs: this.rigs }];
    if (at(/^\/rigs\/([^/]+)$/) && method === "GET") {
      const rig = this.rigs.find((x) => x.id === g(1) || x.name === g(1));
      return rig ? [200, { rig }] : notFound(`rig ${g(1)}`);
    }
    if (at(/^\/rigs\/([^/]+)$/) && method === "PATCH") {
      const r = UpdateRigRequest.parse(body);
      const rig = this.rigs.find((x) => x.id === g(1) || x.name === g(1));
      if (!rig) return notFound(`rig ${g(1)}`);
      let gates = r.config?.qualityGates ?? rig.config.qualityGates;
      const change = r.gate;
      if (change && "put" in change) gates = [...gates.filter((x) => x.name !== change.put.name), change.put];
      if (change && "remove" in change) {
        if (!gates.some((x) => x.name === change.remove)) return notFound(`quality gate ${change.remove}`);
        gates = gates.filter((x) => x.name !== change.remove);
      }
      rig.config = RigConfig.parse({ ...rig.config, ...r.config, qualityGates: gates });
      this.emit({ type: "rig_updated", rigId: rig.id, actor: r.actor, data: { rig } });
      return [200, { rig }];
    }
    const mine = this.domain.route(method, path, q, body);
    if (mine) return mine;
    if (method === "POST" && path === "/sling") {
      const r = SlingRequest.parse(body);
      const rig = this.rigs.find((x) => x.id === r.rig || x.name === r.rig);
      if (!rig) return notFound(`rig ${r.rig}`);
      const b = this.addBead(rig.id, r.title ?? "untitled", { type: r.type, priority: r.priority, createdBy: r.actor });
      this.emit({ type: "bead_created", beadId: b.id, rigId: rig.id, actor: r.actor, data: { bead: b } });
      const hooked = { ...b, status: "hooked" as const, assignee: `polecat-${rig.name}-1` };
      this.beads.set(b.id, hooked);
      this.emit({ type: "bead_hooked", beadId: b.id, rigId: rig.id, actor: r.actor, data: { bead: hooked, agentId: `polecat-${rig.name}-1` } });
      return [201, { bead: hooked, agentId: `polecat-${rig.name}-1` }];
    }
    if (method === "GET" && path === "/beads") return [200, { beads: [...this.beads.values()] }];
    if (method === "GET" && path === "/agents") return [200, { agents: [] }];
    if (at(/^\/beads\/([^/]+)$/) && method === "GET") {
      const b = bead(g(1));
      return b ? [200, { bead: b }] : notFound("bead");
    }
    if (at(/^\/beads\/([^/]+)\/snapshot$/) && method === "GET") {
      const b = bead(g(1));
      if (!b) return notFound("bead");
      const snapshot: Snapshot = { agentId: b.assignee ?? "polecat-x", cols: 40, rows: 3, text: "$ npm test\nall green\n", ansi: "$ npm test\r\n\x1b[32mall green\x1b[0m\r\n", scrollbackTail: "", cursor: { x: 0, y: 2 }, at: Date.now() };
      return [200, { snapshot }];
    }
    if (at(/^\/(beads|agents)\/([^/]+)\/nudge$/) && method === "POST") {
      const r = NudgeRequest.parse(body);
      this.emit({ type: "nudge_sent", beadId: g(1) === "beads" ? (g(2)) : null, data: { agentId: "polecat-x", text: r.text } });
      return [200, { ok: true }];
    }
    if (at(/^\/beads\/([^/]+)\/(stop|retry)$/) && method === "POST") return bead(g(1)) ? [200, { ok: true }] : notFound("bead");
    if (method === "POST" && path === "/mail") {
      this.mail.push(SendMailRequest.parse(body));
      return [201, { ok: true }];
    }
    if (method === "GET" && path === "/mayor/conversations") {
      if (!this.mayorEnabled) return [404, { error: { code: "not_found", message: "no mayor" } }];
      const known = this.mayorThreads.has(`${q.get("platform")}|${q.get("channelId")}|${q.get("threadId")}`);
      return [200, { conversation: known ? { id: "conv-1" } : null }];
    }
    if (method === "POST" && path === "/mayor") {
      const r = Mayor.parse(body);
      if (!this.mayorEnabled) return [404, { error: { code: "not_found", message: "no mayor" } }];
      this.mayorTurns += 1;
      this.mayorThreads.add(`${r.platform}|${r.channelId}|${r.threadId}`);
      const base = { conversationId: "conv-1", turnId: `turn-${this.mayorTurns}`, platform: r.platform, channelId: r.channelId, threadId: r.threadId };
      this.emit({ type: "mayor_reply", data: { ...base, text: "", working: "looking at the town…", done: false } });
      this.emit({ type: "mayor_reply", data: { ...base, text: "Two beads are open.", working: null, done: false } });
      this.emit({ type: "mayor_reply", data: { ...base, text: "Two beads are open. Both are on track.", working: null, done: true } });
      return [202, { conversationId: "conv-1" }];
    }
    if (method === "POST" && path === "/chat/channels") {
      const r = BindChannelRequest.parse(body);
      const rig = this.rigs.find((x) => x.id === r.rig || x.name === r.rig);
      if (!rig) return notFound("rig");
      const i = this.channels.findIndex((c) => c.platform === r.platform && c.channelId === r.channelId);
      if (i >= 0) this.channels.splice(i, 1);
      this.channels.push({ platform: r.platform, channelId: r.channelId, rigId: rig.id });
      return [200, { ok: true }];
    }
    if (method === "GET" && path === "/chat/channels") {
      const p = q.get("platform");
      const ch = q.get("channelId");
      const rig = q.get("rig");
      return [200, { channels: this.channels.filter((c) => c.platform === p && (!ch || c.channelId === ch) && (!rig || c.rigId === rig)) }];
    }
    if (at(/^\/chat\/threads\/([^/]+)$/)) {
      const beadId = decodeURIComponent(g(1));
      if (method === "GET") return [200, { thread: this.threads.find((t) => t.beadId === beadId && t.platform === q.get("platform")) ?? null }];
      if (method === "PUT") {
        const r = BindThreadRequest.parse(body);
        const old = this.threads.find((t) => t.beadId === beadId && t.platform === r.platform);
        const row = { platform: r.platform, beadId, channelId: r.channelId, threadId: r.threadId, cardMessageId: r.cardMessageId ?? old?.cardMessageId ?? null, snapshotMessageId: r.snapshotMessageId ?? old?.snapshotMessageId ?? null };
        if (old) Object.assign(old, row);
        else this.threads.push(row);
        return [200, { thread: row }];
      }
    }
    if (at(/^\/chat\/refs\/([^/]+)$/)) {
      const key = decodeURIComponent(g(1));
      if (method === "GET") {
        const platform = z.enum(["slack", "discord", "console"]).parse(q.get("platform"));
        const ref = this.refs.get(`${platform}:${key}`);
        return [200, { ref: ref ? { platform, key, ...ref } : null }];
      }
      if (method === "PUT") {
        const r = ChatRefBody.parse(body);
        const ref = { channelId: r.channelId, threadId: r.threadId ?? null, messageId: r.messageId };
        this.refs.set(`${r.platform}:${key}`, ref);
        return [200, { ref: { platform: r.platform, key, ...ref } }];
      }
    }
    if (method === "GET" && path === "/chat/threads") {
      const t = this.threads.filter((x) => x.platform === q.get("platform") && x.channelId === q.get("channelId") && x.threadId === q.get("threadId"));
      return [200, { threads: t }];
    }
    if (method === "POST" && path === "/notifications/failed") {
      if (!this.notificationRoute) return notFound("route");
      this.failures.push(body);
      return [201, { ok: true }];
    }
    return notFound("route");
  }
}

function send(ws: WebSocket, f: StreamServerFrame): void {
  ws.send(JSON.stringify(f));
}
