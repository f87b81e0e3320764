import { z } from "zod";
import { Snapshot } from "../core/container-api";
import { Agent, type Actor, Bead, BeadStatus, MergeState, Rig, Severity } from "../core/domain";
import { ERROR_STATUS, type ErrorCode, GastownError, errorMessage } from "../core/errors";
import type {
  AddRigRequest,
  CreateConvoyRequest,
  MergeDecisionRequest,
  InboundRequest,
  OncallSetRequest,
  QuietHoursRequest,
  RaiseEscalationRequest,
  SendMailRequest,
  SlingRequest,
  UpdateRigRequest,
} from "../core/town-api";
import type { ChatMessageRef, Platform } from "../core/chat";

/**
 * Typed client of the Town API (`/towns/:town/...`, bearer GASTOWN_API_TOKEN). Requests are
 * built from the core/town-api types; responses are parsed with zod here, so a drifting Worker
 * fails loudly at this boundary instead of deep inside the projector.
 */

export const ChannelBinding = z.object({ platform: z.string(), channelId: z.string(), rigId: z.string() });
export type ChannelBinding = z.infer<typeof ChannelBinding>;
export const ThreadBinding = z.object({
  platform: z.string(),
  beadId: z.string(),
  channelId: z.string(),
  threadId: z.string(),
  cardMessageId: z.string().nullable().optional(),
  snapshotMessageId: z.string().nullable().optional(),
});
export type ThreadBinding = z.infer<typeof ThreadBinding>;

/** A message the bot posted under a name (`mayor:<turnId>`, `out:<seq>`), kept by the town. */
export const ChatRef = z.object({ channelId: z.string(), threadId: z.string().nullable().optional(), messageId: z.string() }).loose();

export const Escalation = z.looseObject({
  id: z.string(),
  severity: Severity,
  title: z.string(),
  status: z.string().optional(),
  beadId: z.string().nullable().optional(),
  ackedBy: z.string().nullable().optional(),
  body: z.string().optional(),
  source: z.string().optional(),
  rigId: z.string().nullable().optional(),
  resolvedBy: z.string().nullable().optional(),
  reescalations: z.number().int().optional(),
  targets: z.array(z.string()).optional(),
  heldUntil: z.number().nullable().optional(),
  snoozedUntil: z.number().nullable().optional(),
  snoozedBy: z.string().nullable().optional(),
});
export type Escalation = z.infer<typeof Escalation>;
export const Convoy = z.looseObject({
  id: z.string(),
  name: z.string(),
  beadIds: z.array(z.string()).default([]),
  closed: z.number().int().optional(),
  total: z.number().int().optional(),
  landedAt: z.number().nullable().optional(),
  beads: z.array(z.object({ id: z.string(), title: z.string(), status: BeadStatus.catch("open") })).optional(),
});
export type Convoy = z.infer<typeof Convoy>;
export const MergeQueueItem = z.looseObject({
  id: z.string(),
  sourceBeadId: z.string(),
  branch: z.string(),
  state: MergeState,
  rigId: z.string().nullable().optional(),
  rig: z.string().optional(),
  sourceTitle: z.string().optional(),
  position: z.number().int().nullable().optional(),
  detail: z.string().nullable().optional(),
  target: z.string().optional(),
  attempts: z.number().int().optional(),
  gates: z.array(z.object({ name: z.string(), ok: z.boolean() }).loose()).optional(),
  diffStat: z.string().optional(),
  approvedBy: z.string().nullable().optional(),
});
export type MergeQueueItem = z.infer<typeof MergeQueueItem>;

/** Who is on call for one severity (town-wide `*` or a rig), as `GET /oncall` lists it. */
export const OncallEntry = z.looseObject({
  scope: z.string(),
  severity: Severity,
  targets: z.array(z.string()),
  rotation: z.object({ shifts: z.array(z.array(z.string())), startsAt: z.number(), everyHours: z.number() }).loose().nullable().optional(),
  onCall: z.array(z.string()).default([]),
  handoverAt: z.number().nullable().optional(),
});
export type OncallEntry = z.infer<typeof OncallEntry>;
export const QuietHours = z.looseObject({ scope: z.string(), start: z.string(), end: z.string(), timeZone: z.string() });
export type QuietHours = z.infer<typeof QuietHours>;

/** Body of `POST /mayor` (the Worker's MayorRequest). */
export interface MayorMessage {
  text: string;
  platform: Platform;
  channelId: string;
  /** The conversation's thread (for a top-level mention: that message's own id). */
  threadId: string;
  actor: Actor;
}

const Ok = z.looseObject({});
const Fresh = z.object({ fresh: z.boolean() });
const ErrorBody = z.object({
  error: z.union([z.string(), z.object({ code: z.string().optional(), message: z.string() }).loose()]),
});

export interface TownClientOptions {
  baseUrl: string;
  town: string;
  token?: string;
  fetch?: typeof fetch;
}

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).filter(([c]) => c !== "cycle").map(([c, s]) => [s, c]),
);

/** Client for one town. */
export class TownClient {
  readonly town: string;
  private readonly base: string;
  private readonly token: string | undefined;
  private readonly doFetch: typeof fetch;

  constructor(opts: TownClientOptions) {
    this.town = opts.town;
    this.base = `${opts.baseUrl.replace(/\/+$/, "")}/towns/${encodeURIComponent(opts.town)}`;
    this.token = opts.token;
    this.doFetch = opts.fetch ?? fetch;
  }

  /** The event stream URL (http(s) -> ws(s)). */
  eventsUrl(after: number | undefined, consumer: string): string {
    const u = new URL(`${this.base}/events`);
    if (after !== undefined) u.searchParams.set("after", String(after));
    u.searchParams.set("consumer", consumer);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    return u.toString();
  }

  authHeaders(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  private async call<S extends z.ZodTypeAny>(method: string, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const headers: Record<string, string> = { ...this.authHeaders(), accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await this.doFetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new GastownError("unavailable", `the town API is unreachable (${method} ${path})`, { cause: e });
    }
    const text = await res.text();
    let json: unknown;
    let badJson: unknown;
    try {
      json = text === "" ? {} : JSON.parse(text);
    } catch (e) {
      badJson = e;
    }
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(json);
      const err = parsed.success ? parsed.data.error : undefined;
      const message = typeof err === "string" ? err : (err?.message ?? `HTTP ${res.status}`);
      const code = (typeof err === "object" && err.code && err.code in ERROR_STATUS ? err.code : CODE_BY_STATUS.get(res.status)) as
        | ErrorCode
        | undefined;
      throw new GastownError(code ?? "internal", message, { details: { status: res.status, method, path, body: json } });
    }
    if (badJson !== undefined) {
      throw new GastownError("internal", `the town API answered ${res.status} with non-JSON (${method} ${path})`, { cause: badJson });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new GastownError("internal", `unexpected town API answer to ${method} ${path}: ${errorMessage(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  /** Inbound dedupe: true the first time a platform event id is seen. */
  async inbound(req: z.input<typeof InboundRequest>): Promise<boolean> {
    return (await this.call("POST", "/inbound", Fresh, req)).fresh;
  }

  async addRig(req: AddRigRequest): Promise<Rig> {
    return (await this.call("POST", "/rigs", z.object({ rig: Rig }), req)).rig;
  }
  async listRigs(): Promise<Rig[]> {
    return (await this.call("GET", "/rigs", z.object({ rigs: z.array(Rig) }))).rigs;
  }
  async getRig(name: string): Promise<Rig> {
    return (await this.call("GET", `/rigs/${encodeURIComponent(name)}`, z.object({ rig: Rig }))).rig;
  }
  /** Settings, one quality gate or both; the town checks who may (approvers on approve-policy rigs). */
  async updateRig(name: string, req: UpdateRigRequest): Promise<Rig> {
    return (await this.call("PATCH", `/rigs/${encodeURIComponent(name)}`, z.object({ rig: Rig }), req)).rig;
  }
  async removeRig(name: string, actor: Actor): Promise<void> {
    await this.call("DELETE", `/rigs/${encodeURIComponent(name)}`, Ok, { actor });
  }

  async sling(req: SlingRequest): Promise<{ bead: Bead; agentId: string | null }> {
    const r = await this.call("POST", "/sling", z.object({ bead: Bead, agentId: z.string().nullable().optional() }), req);
    return { bead: r.bead, agentId: r.agentId ?? null };
  }
  async getBead(id: string): Promise<Bead> {
    return (await this.call("GET", `/beads/${encodeURIComponent(id)}`, z.object({ bead: Bead }))).bead;
  }
  async listBeads(q: { rig?: string; status?: string; limit?: number } = {}): Promise<Bead[]> {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
    const qs = p.size > 0 ? `?${p}` : "";
    return (await this.call("GET", `/beads${qs}`, z.object({ beads: z.array(Bead) }))).beads;
  }
  async listAgents(): Promise<Agent[]> {
    return (await this.call("GET", "/agents", z.object({ agents: z.array(Agent) }))).agents;
  }
  /** Snapshot of a bead's agent (`gt-4k2m`) or of an agent by id. */
  async peek(target: string, isBead: boolean): Promise<Snapshot> {
    const path = isBead ? `/beads/${encodeURIComponent(target)}/snapshot` : `/agents/${encodeURIComponent(target)}/snapshot`;
    return (await this.call("GET", path, z.object({ snapshot: Snapshot }))).snapshot;
  }
  async nudge(target: string, isBead: boolean, text: string, actor: Actor): Promise<void> {
    const path = isBead ? `/beads/${encodeURIComponent(target)}/nudge` : `/agents/${encodeURIComponent(target)}/nudge`;
    await this.call("POST", path, Ok, { text, actor });
  }
  async stopBead(id: string, actor: Actor): Promise<void> {
    await this.call("POST", `/beads/${encodeURIComponent(id)}/stop`, Ok, { actor });
  }
  async retryBead(id: string, actor: Actor): Promise<void> {
    await this.call("POST", `/beads/${encodeURIComponent(id)}/retry`, Ok, { actor });
  }
  async sendMail(req: z.input<typeof SendMailRequest>): Promise<void> {
    await this.call("POST", "/mail", Ok, req);
  }

  async mergeQueue(rig?: string): Promise<MergeQueueItem[]> {
    const qs = rig === undefined ? "" : `?${new URLSearchParams({ rig })}`;
    return (await this.call("GET", `/merge-queue${qs}`, z.object({ items: z.array(MergeQueueItem) }))).items;
  }
  /** The latest merge request of a bead (by its own id or its work bead's), or null when it has none. */
  async getMergeRequest(beadId: string): Promise<MergeQueueItem | null> {
    return this.orNull(async () => (await this.call("GET", `/merge-requests/${encodeURIComponent(beadId)}`, z.object({ mergeRequest: MergeQueueItem }))).mergeRequest);
  }
  async decideMerge(beadId: string, d: MergeDecisionRequest): Promise<void> {
    await this.call("POST", `/merge-requests/${encodeURIComponent(beadId)}/decision`, Ok, d);
  }

  async createConvoy(req: z.input<typeof CreateConvoyRequest>): Promise<Convoy> {
    return (await this.call("POST", "/convoys", z.object({ convoy: Convoy }), req)).convoy;
  }
  async addToConvoy(id: string, beadIds: string[], actor: Actor): Promise<Convoy> {
    return (await this.call("POST", `/convoys/${encodeURIComponent(id)}/beads`, z.object({ convoy: Convoy }), { beadIds, actor })).convoy;
  }
  async getConvoy(id: string): Promise<Convoy> {
    return (await this.call("GET", `/convoys/${encodeURIComponent(id)}`, z.object({ convoy: Convoy }))).convoy;
  }
  async listConvoys(): Promise<Convoy[]> {
    return (await this.call("GET", "/convoys", z.object({ convoys: z.array(Convoy) }))).convoys;
  }

  async listEscalations(): Promise<Escalation[]> {
    return (await this.call("GET", "/escalations", z.object({ escalations: z.array(Escalation) }))).escalations;
  }
  async raiseEscalation(req: z.input<typeof RaiseEscalationRequest>): Promise<Escalation> {
    return (await this.call("POST", "/escalations", z.object({ escalation: Escalation }), req)).escalation;
  }
  /** One escalation, or null when the town has no such escalation. */
  async getEscalation(id: string): Promise<Escalation | null> {
    return this.orNull(async () => (await this.call("GET", `/escalations/${encodeURIComponent(id)}`, z.object({ escalation: Escalation }))).escalation);
  }
  async ackEscalation(id: string, actor: Actor): Promise<void> {
    await this.call("POST", `/escalations/${encodeURIComponent(id)}/ack`, Ok, { actor });
  }
  async resolveEscalation(id: string, actor: Actor): Promise<void> {
    await this.call("POST", `/escalations/${encodeURIComponent(id)}/resolve`, Ok, { actor });
  }
  async snoozeEscalation(id: string, minutes: number, actor: Actor): Promise<void> {
    await this.call("POST", `/escalations/${encodeURIComponent(id)}/snooze`, Ok, { minutes, actor });
  }
  async setOncall(req: z.input<typeof OncallSetRequest>): Promise<void> {
    await this.call("POST", "/oncall", Ok, req);
  }
  /** On-call entries of the town (no rig) or of one rig. */
  async getOncall(rig?: string): Promise<OncallEntry[]> {
    const qs = rig === undefined ? "" : `?${new URLSearchParams({ rig })}`;
    return (await this.call("GET", `/oncall${qs}`, z.object({ oncall: z.array(OncallEntry) }))).oncall;
  }
  async setQuietHours(req: z.input<typeof QuietHoursRequest>): Promise<void> {
    await this.call("PUT", "/oncall/quiet-hours", Ok, req);
  }
  /** True when there were quiet hours to clear. */
  async clearQuietHours(req: { rig?: string; actor: Actor }): Promise<boolean> {
    return (await this.call("DELETE", "/oncall/quiet-hours", z.object({ cleared: z.boolean() }).loose(), req)).cleared;
  }
  /** The quiet hours set for the town (no rig) or for one rig itself (no fallback to the town's). */
  async getQuietHours(rig?: string): Promise<QuietHours | null> {
    const qs = rig === undefined ? "" : `?${new URLSearchParams({ rig })}`;
    return (await this.call("GET", `/oncall/quiet-hours${qs}`, z.object({ quietHours: QuietHours.nullable() }))).quietHours;
  }

  /** The answer of `f`, or null when the town says not_found. */
  private async orNull<T>(f: () => Promise<T>): Promise<T | null> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof GastownError && e.code === "not_found") return null;
      throw e;
    }
  }

  /** Hand a message to the mayor; null when the town has no mayor route yet (404). */
  /** The mayor conversation living in this thread, if any (null also when the town has no mayor route). */
  async mayorConversation(platform: Platform, channelId: string, threadId: string): Promise<{ id: string } | null> {
    try {
      const q = new URLSearchParams({ platform, channelId, threadId });
      const r = await this.call("GET", `/mayor/conversations?${q}`, z.object({ conversation: z.object({ id: z.string() }).loose().nullable() }));
      return r.conversation;
    } catch (e) {
      if (e instanceof GastownError && e.code === "not_found") return null;
      throw e;
    }
  }

  async mayor(msg: MayorMessage): Promise<{ conversationId: string } | null> {
    try {
      return await this.call("POST", "/mayor", z.object({ conversationId: z.string() }).loose(), msg);
    } catch (e) {
      if (e instanceof GastownError && e.code === "not_found") return null;
      throw e;
    }
  }

  async bindChannel(platform: Platform, channelId: string, rig: string): Promise<void> {
    await this.call("POST", "/chat/channels", Ok, { platform, channelId, rig });
  }
  async channelOf(platform: Platform, channelId: string): Promise<ChannelBinding | null> {
    const q = new URLSearchParams({ platform, channelId });
    return (await this.call("GET", `/chat/channels?${q}`, z.object({ channels: z.array(ChannelBinding) }))).channels[0] ?? null;
  }
  async channelsOfRig(platform: Platform, rigId: string): Promise<ChannelBinding[]> {
    const q = new URLSearchParams({ platform, rig: rigId });
    return (await this.call("GET", `/chat/channels?${q}`, z.object({ channels: z.array(ChannelBinding) }))).channels;
  }
  async threadOfBead(platform: Platform, beadId: string): Promise<ThreadBinding | null> {
    const q = new URLSearchParams({ platform });
    const r = await this.call("GET", `/chat/threads/${encodeURIComponent(beadId)}?${q}`, z.object({ thread: ThreadBinding.nullable() }));
    return r.thread;
  }
  async beadOfThread(platform: Platform, channelId: string, threadId: string): Promise<ThreadBinding | null> {
    const q = new URLSearchParams({ platform, channelId, threadId });
    return (await this.call("GET", `/chat/threads?${q}`, z.object({ threads: z.array(ThreadBinding) }))).threads[0] ?? null;
  }
  async bindThread(beadId: string, b: { platform: Platform; channelId: string; threadId: string; cardMessageId?: string; snapshotMessageId?: string }): Promise<void> {
    await this.call("PUT", `/chat/threads/${encodeURIComponent(beadId)}`, Ok, b);
  }

  /** The message posted under `key` on this platform, or null. */
  async chatRef(platform: Platform, key: string): Promise<ChatMessageRef | null> {
    const q = new URLSearchParams({ platform });
    const r = (await this.call("GET", `/chat/refs/${encodeURIComponent(key)}?${q}`, z.object({ ref: ChatRef.nullable() }))).ref;
    return r ? { channelId: r.channelId, messageId: r.messageId, ...(r.threadId ? { threadId: r.threadId } : {}) } : null;
  }
  /** Remember the message posted under `key`, so a replay after a restart edits it. */
  async setChatRef(platform: Platform, key: string, ref: ChatMessageRef): Promise<void> {
    await this.call("PUT", `/chat/refs/${encodeURIComponent(key)}`, Ok, { platform, channelId: ref.channelId, ...(ref.threadId ? { threadId: ref.threadId } : {}), messageId: ref.messageId });
  }

  /** Record a chat side effect that kept failing; false when the town has no such route. */
  async reportNotificationFailed(r: { what: string; error: string; attempt: number; seq?: number; beadId?: string }): Promise<boolean> {
    try {
      await this.call("POST", "/notifications/failed", Ok, r);
      return true;
    } catch (e) {
      if (e instanceof GastownError && e.code === "not_found") return false;
      throw e;
    }
  }
}
