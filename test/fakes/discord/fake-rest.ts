import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeGateway } from "./fake-gateway";
import type { FakeFile, FakeMessage, FakeStore } from "./fake-store";
import { channelPayload, messagePayload, userPayload } from "./payloads";

/** A switch that answers matching requests with 429 a number of times. */
export interface RateLimitRule {
  method: string;
  path: RegExp;
  times: number;
  /** Seconds, as Discord sends it (`Retry-After` header and `retry_after` in the body). */
  retryAfter: number;
  global?: boolean;
}

interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: string | null;
  body: Record<string, unknown>;
  /** The JSON body when it is not an object (bulk command overwrite sends an array). */
  rawJson?: unknown;
  files: FakeFile[];
}

interface Res {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const CONTENT_LIMIT = 2000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The REST side of the fake: the routes the bot uses, Discord's error shapes, rate limit
 * headers on every answer, and 429s on demand. Paths arrive as `/api/v10/...`.
 */
export class FakeRest {
  readonly rateLimits: RateLimitRule[] = [];
  /** Interaction tokens the fake handed out, to their interaction. */
  readonly interactions = new Map<string, { id: string; channelId: string }>();

  constructor(
    private readonly store: FakeStore,
    private readonly gateway: FakeGateway,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/api\/v\d+(\/.*)$/.exec(decodeURIComponent(url.pathname));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const method = req.method ?? "GET";
    let out: Res;
    let parsed: Req | null = null;
    try {
      if (!m?.[1]) throw new HttpError(404, 0, "404: Not Found");
      parsed = { method, path: m[1], query: url.searchParams, auth: req.headers.authorization ?? null, ...(await parseBody(req, raw)) };
      out = this.#limited(parsed) ?? this.#route(parsed);
    } catch (e) {
      out = e instanceof HttpError ? { status: e.status, body: { message: e.message, code: e.code } } : { status: 500, body: { message: String(e), code: 0 } };
    }
    this.store.record({
      kind: "rest",
      method,
      path: parsed?.path ?? url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth: req.headers.authorization ?? null,
      body: parsed?.body ?? null,
      files: parsed?.files ?? [],
      status: out.status,
    });
    const bucket = `b-${method}-${(parsed?.path ?? "").replace(/\d{6,}/g, ":id")}`;
    const headers: Record<string, string> = {
      "x-ratelimit-limit": "50",
      "x-ratelimit-remaining": "49",
      "x-ratelimit-reset-after": "1",
      "x-ratelimit-bucket": bucket,
      ...out.headers,
    };
    if (out.body === undefined) {
      res.writeHead(out.status, headers).end();
      return;
    }
    res.writeHead(out.status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(out.body));
  }

  #limited(r: Req): Res | null {
    const rule = this.rateLimits.find((x) => x.times > 0 && x.method === r.method && x.path.test(r.path));
    if (!rule) return null;
    rule.times--;
    return {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: rule.retryAfter, global: rule.global ?? false },
      headers: {
        "retry-after": String(rule.retryAfter),
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": String(rule.retryAfter),
        "x-ratelimit-scope": "user",
        ...(rule.global ? { "x-ratelimit-global": "true" } : {}),
      },
    };
  }

  #requireBot(r: Req): void {
    if (r.auth !== `Bot ${this.store.token}`) throw new HttpError(401, 0, "401: Unauthorized");
  }

  #route(r: Req): Res {
    const s = this.store;
    const p = r.path;
    let m: RegExpExecArray | null;
    // Interaction callbacks and webhooks are authorised by the interaction token in the path.
    m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(p);
    if (m && r.method === "POST") return this.#callback(m[1]!, m[2]!, r);
    m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(p);
    if (m) return this.#webhook(m[1]!, m[2]!, m[3], r);
    this.#requireBot(r);
    if (p === "/gateway/bot" && r.method === "GET") {
      return { status: 200, body: { url: this.gateway.url, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } } };
    }
    if (p === "/users/@me" && r.method === "GET") return { status: 200, body: userPayload({ ...s.botUser, bot: true }) };
    if (p === "/users/@me/channels" && r.method === "POST") {
      const recipient = String(r.body.recipient_id ?? "");
      const existing = [...s.channels.values()].find((c) => c.type === 1 && c.recipients?.[0]?.id === recipient);
      const dm = existing ?? { id: s.ids.next(), type: 1, recipients: [{ id: recipient, username: `user${recipient.slice(-4)}` }] };
      s.channels.set(dm.id, dm);
      return { status: 200, body: channelPayload(dm) };
    }
    m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(p);
    if (m && r.method === "PUT") {
      if (m[1] !== s.applicationId) throw new HttpError(403, 50001, "Missing Access");
      const list = Array.isArray(r.rawJson) ? r.rawJson : [];
      const saved = list.map((c) => ({ ...(c as object), id: s.ids.next(), application_id: s.applicationId, version: s.ids.next(), ...(m![2] ? { guild_id: m![2] } : {}) }));
      s.commands.set(m[2] ?? "global", saved);
      return { status: 200, body: saved };
    }
    m = /^\/channels\/(\d+)$/.exec(p);
    if (m && r.method === "GET") {
      const c = s.channels.get(m[1]!);
      if (!c) throw new HttpError(404, 10003, "Unknown Channel");
      return { status: 200, body: channelPayload(c) };
    }
    m = /^\/channels\/(\d+)\/messages$/.exec(p);
    if (m && r.method === "POST") {
      if (!s.channels.has(m[1]!)) throw new HttpError(404, 10003, "Unknown Channel");
      const msg = this.#newMessage(m[1]!, r, null);
      return { status: 200, body: messagePayload(s, msg) };
    }
    m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(p);
    if (m) {
      const msg = s.messages.get(m[2]!);
      if (!msg || msg.channel_id !== m[1]) throw new HttpError(404, 10008, "Unknown Message");
      if (r.method === "GET") return { status: 200, body: messagePayload(s, msg) };
      if (r.method === "PATCH") {
        if (msg.webhook !== null) throw new HttpError(403, 50005, "Cannot edit a message authored by another user");
        this.#applyEdit(msg, r);
        return { status: 200, body: messagePayload(s, msg) };
      }
    }
    m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(p);
    if (m && r.method === "POST") {
      const parent = s.channels.get(m[1]!);
      const own = s.messages.get(m[2]!);
      const msg = own ?? (s.peopleMessages.get(m[2]!) === m[1] ? { id: m[2]! } : undefined);
      if (!parent || !msg) throw new HttpError(404, 10008, "Unknown Message");
      if (s.channels.has(msg.id)) throw new HttpError(400, 160004, "A thread has already been created for this message");
      const name = String(r.body.name ?? "");
      if (name.length < 1 || name.length > 100) throw new HttpError(400, 50035, "Invalid Form Body: name");
      // Discord gives a thread started from a message the message's id.
      const thread = { id: msg.id, type: 11, guild_id: parent.guild_id, parent_id: parent.id, name };
      s.channels.set(thread.id, thread);
      this.gateway.notify("THREAD_CREATE", { ...channelPayload(thread), newly_created: true });
      return { status: 201, body: channelPayload(thread) };
    }
    throw new HttpError(404, 0, `404: Not Found (${r.method} ${p})`);
  }

  #callback(id: string, token: string, r: Req): Res {
    const inter = this.interactions.get(token);
    if (!inter || inter.id !== id) throw new HttpError(404, 10062, "Unknown interaction");
    const prior = this.store.callbacks.get(id) ?? [];
    if (prior.length > 0) throw new HttpError(400, 40060, "Interaction has already been acknowledged.");
    const type = Number(r.body.type);
    this.store.callbacks.set(id, [{ type, data: r.body.data }]);
    if (type === 4) this.#newMessage(inter.channelId, { ...r, body: (r.body.data ?? {}) as Record<string, unknown> }, `${id}:original`);
    if (r.query.get("with_response") === "true") return { status: 200, body: { interaction: { id, type: 2 } } };
    return { status: 204 };
  }

  #webhook(app: string, token: string, which: string | undefined, r: Req): Res {
    const inter = this.interactions.get(token);
    if (app !== this.store.applicationId || !inter) throw new HttpError(404, 10015, "Unknown Webhook");
    if (!this.store.callbacks.has(inter.id)) throw new HttpError(404, 10015, "Unknown Webhook: the interaction was not acknowledged");
    const originalKey = `${inter.id}:original`;
    if (which === undefined && r.method === "POST") {
      const msg = this.#newMessage(inter.channelId, r, `${inter.id}:followup`);
      return { status: 200, body: messagePayload(this.store, msg) };
    }
    const msg = which === "@original" ? [...this.store.messages.values()].find((x) => x.webhook === originalKey) : this.store.messages.get(which ?? "");
    if (r.method === "PATCH" && which === "@original") {
      const deferred = this.store.callbacks.get(inter.id)?.[0];
      const flags = Number((deferred?.data as { flags?: number } | undefined)?.flags ?? 0);
      const target = msg ?? this.#newMessage(inter.channelId, { ...r, body: { flags } }, originalKey);
      this.#applyEdit(target, r);
      return { status: 200, body: messagePayload(this.store, target) };
    }
    if (!msg) throw new HttpError(404, 10008, "Unknown Message");
    if (r.method === "DELETE") {
      this.store.messages.delete(msg.id);
      return { status: 204 };
    }
    if (r.method === "PATCH") {
      this.#applyEdit(msg, r);
      return { status: 200, body: messagePayload(this.store, msg) };
    }
    return { status: 200, body: messagePayload(this.store, msg) };
  }

  #newMessage(channelId: string, r: Pick<Req, "body" | "files">, webhook: string | null): FakeMessage {
    const content = typeof r.body.content === "string" ? r.body.content : "";
    const embeds = Array.isArray(r.body.embeds) ? r.body.embeds : [];
    if (content.length > CONTENT_LIMIT) throw new HttpError(400, 50035, "Invalid Form Body: content: Must be 2000 or fewer in length.");
    if (!webhook?.endsWith(":original") && content === "" && embeds.length === 0 && r.files.length === 0) {
      throw new HttpError(400, 50006, "Cannot send an empty message");
    }
    const msg: FakeMessage = {
      id: this.store.ids.next(),
      channel_id: channelId,
      content,
      embeds,
      components: Array.isArray(r.body.components) ? r.body.components : [],
      attachments: r.files.map((f) => ({ id: this.store.ids.next(), filename: f.name, size: f.size })),
      webhook,
      flags: Number(r.body.flags ?? 0),
      edits: 0,
    };
    this.store.messages.set(msg.id, msg);
    return msg;
  }

  #applyEdit(msg: FakeMessage, r: Req): void {
    if (typeof r.body.content === "string") {
      if (r.body.content.length > CONTENT_LIMIT) throw new HttpError(400, 50035, "Invalid Form Body: content: Must be 2000 or fewer in length.");
      msg.content = r.body.content;
    }
    if (Array.isArray(r.body.embeds)) msg.embeds = r.body.embeds;
    if (Array.isArray(r.body.components)) msg.components = r.body.components;
    msg.edits++;
  }
}

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<{ body: Record<string, unknown>; rawJson?: unknown; files: FakeFile[] }> {
  const type = req.headers["content-type"] ?? "";
  if (raw.length === 0) return { body: {}, files: [] };
  if (type.startsWith("application/json")) {
    const json = JSON.parse(raw.toString("utf8")) as unknown;
    return { body: json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : {}, rawJson: json, files: [] };
  }
  if (type.startsWith("multipart/form-data")) {
    const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": type }, body: new Uint8Array(raw) }).formData();
    const files: FakeFile[] = [];
    let body: Record<string, unknown> = {};
    for (const [field, value] of form.entries()) {
      if (field === "payload_json" && typeof value === "string") body = JSON.parse(value) as Record<string, unknown>;
      else if (typeof value !== "string") {
        const bytes = new Uint8Array(await value.arrayBuffer());
        files.push({ field, name: value.name, size: bytes.length, contentType: value.type, bytes });
      }
    }
    return { body, files };
  }
  throw new HttpError(400, 50109, "The request body contains invalid JSON.");
}
