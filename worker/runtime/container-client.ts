import { z } from "zod";
import {
  AgentInfo,
  ContainerHealth,
  MergeRequest,
  MergeResult,
  NudgeAgentRequest,
  Snapshot,
  StartAgentRequest,
} from "../../core/container-api";
import { type ErrorCode, errorMessage, GastownError } from "../../core/errors";
import type { AgentRuntime } from "../../core/ports";
import { parseRequest } from "./parse-request";

/** Sends one request to the container control server (global fetch, or a Container stub). */
export type ContainerFetcher = (req: Request) => Promise<Response>;

export interface ContainerClientConfig {
  /** Base URL the routes are resolved against, e.g. http://127.0.0.1:8788. */
  baseUrl: string;
  fetch: ContainerFetcher;
  /** Bearer token for the control server, when it requires one. */
  token?: string;
  /** Per-request time limit; starting an agent (clone, worktree) gets `startTimeoutMs`. */
  timeoutMs?: number;
  startTimeoutMs?: number;
}

/**
 * `GET /agents` answers a list of AgentInfo; a wrapped `{ agents: [...] }` is read too, so a
 * server that grows paging metadata later does not break the Worker.
 */
export const AgentList = z.union([z.array(AgentInfo), z.object({ agents: z.array(AgentInfo) }).transform((b) => b.agents)]);

const ErrorBody = z.object({ error: z.union([z.string(), z.object({ message: z.string() })]).optional(), message: z.string().optional() });

/** Container answers mapped onto our error codes; anything unexpected is a runtime failure. */
const STATUS_CODES: Record<number, ErrorCode> = { 400: "bad_request", 404: "not_found", 409: "conflict" };

/**
 * AgentRuntime over the container control API (`core/container-api.ts`). Every request body is
 * validated before it leaves and every answer is parsed with the same schemas the server uses,
 * so a drifted server fails loudly here instead of corrupting town state.
 */
export class ContainerApiClient implements AgentRuntime {
  private readonly base: string;

  constructor(private readonly config: ContainerClientConfig) {
    this.base = config.baseUrl.endsWith("/") ? config.baseUrl : `${config.baseUrl}/`;
  }

  async start(input: StartAgentRequest): Promise<AgentInfo> {
    const body = parseRequest(StartAgentRequest, input, "start request");
    return this.call("POST", "agents", AgentInfo, body, this.config.startTimeoutMs ?? 120_000);
  }

  async stop(agentId: string): Promise<void> {
    await this.call("DELETE", `agents/${encodeURIComponent(agentId)}`, null);
  }

  async nudge(agentId: string, text: string): Promise<void> {
    await this.call("POST", `agents/${encodeURIComponent(agentId)}/nudge`, null, parseRequest(NudgeAgentRequest, { text }, "nudge"));
  }

  async snapshot(agentId: string): Promise<Snapshot> {
    return this.call("GET", `agents/${encodeURIComponent(agentId)}/snapshot`, Snapshot);
  }

  async list(): Promise<AgentInfo[]> {
    return this.call("GET", "agents", AgentList);
  }

  async merge(input: MergeRequest): Promise<MergeResult> {
    const req = parseRequest(MergeRequest, input, "merge request");
    // A merge runs every quality gate: wait for all their time limits, plus git's own work.
    const gatesMs = req.gates.reduce((sum, g) => sum + g.timeoutSec * 1000, 0);
    return this.call("POST", "merge", MergeResult, req, gatesMs + (this.config.startTimeoutMs ?? 120_000));
  }

  /** The control server's health (not part of the AgentRuntime port; used by start-up checks). */
  async health(): Promise<z.infer<typeof ContainerHealth>> {
    return this.call("GET", "health", ContainerHealth);
  }

  private async call<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown, timeoutMs?: number): Promise<z.output<S>>;
  private async call(method: string, path: string, schema: null, body?: unknown, timeoutMs?: number): Promise<void>;
  private async call(method: string, path: string, schema: z.ZodType | null, body?: unknown, timeoutMs?: number): Promise<unknown> {
    const route = `${method} /${path}`;
    const headers = new Headers({ accept: "application/json" });
    if (body !== undefined) headers.set("content-type", "application/json");
    if (this.config.token) headers.set("authorization", `Bearer ${this.config.token}`);
    const req = new Request(new URL(path, this.base), {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs ?? this.config.timeoutMs ?? 30_000),
    });
    let res: Response;
    try {
      res = await this.config.fetch(req);
    } catch (cause) {
      throw new GastownError("runtime_failed", `container unreachable (${route}): ${errorMessage(cause)}`, { cause });
    }
    const text = await res.text();
    if (!res.ok) {
      const code = STATUS_CODES[res.status] ?? "runtime_failed";
      throw new GastownError(code, `container answered ${route} with ${res.status}: ${describeError(text)}`, { details: { status: res.status } });
    }
    if (schema === null) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new GastownError("runtime_failed", `container answered ${route} with a body that is not JSON`, { cause });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new GastownError("runtime_failed", `container answered ${route} with an unexpected body`, { details: parsed.error.issues });
    }
    return parsed.data;
  }
}

/** A short message from an error body: the server's `error`/`message`, else the start of the text. */
function describeError(text: string): string {
  try {
    const body = ErrorBody.safeParse(JSON.parse(text));
    if (body.success) {
      const e = body.data.error;
      const msg = typeof e === "string" ? e : (e?.message ?? body.data.message);
      if (msg) return msg.slice(0, 500);
    }
  } catch {
    // Not JSON: fall through to the raw text, which is the most useful thing we have.
  }
  return text.slice(0, 500) || "(empty body)";
}
