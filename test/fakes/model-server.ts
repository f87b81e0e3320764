import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicMessage, anthropicStream, openaiCompletion, openaiStream, type Reply } from "./model-server-wire";
import { MAX_WAITS, waitReply } from "./model-wait";

/**
 * A scripted model server speaking the Anthropic Messages API (`POST /v1/messages`) and
 * OpenAI chat completions (`POST /v1/chat/completions`), streaming or not. Real agent CLIs
 * and SDKs talk to it as if it were the provider; tests decide what the "model" does.
 *
 * A script is a list of turns. Each request that advertises tools consumes the next turn;
 * requests without tools (titles, summaries, quota probes) get a short text and consume
 * nothing. Tool names in the script match advertised tools case-insensitively, and also
 * match MCP-prefixed names (`gt_done` matches `mcp__gt__gt_done` and `gt_gt_done`).
 */

export interface ScriptedToolCall {
  /** Tool name as the test thinks of it: "bash", "write", "gt_done". */
  name: string;
  input: Record<string, unknown>;
}

/** One model turn: tool calls (the agent runs them and comes back), or a final text. */
export interface ScriptTurn {
  text?: string;
  tools?: ScriptedToolCall[];
}

export type ModelApi = "anthropic" | "openai";

export interface LoggedRequest {
  api: ModelApi;
  method: string;
  path: string;
  stream: boolean;
  /** Names of the tools the client advertised. */
  tools: string[];
  /** Index of the script turn this request consumed; null for side requests. */
  turn: number | null;
  body: unknown;
}

export interface ModelServer {
  /** Base URL without path, e.g. http://127.0.0.1:41234 (OpenAI clients add `/v1`). */
  url: string;
  requests: LoggedRequest[];
  /** Problems the script ran into (unknown tool names, exhausted script). */
  problems: string[];
  /** Turns consumed so far. */
  consumed(): number;
  /** Replace the remaining script. */
  setScript(turns: ScriptTurn[]): void;
  close(): Promise<void>;
}

export interface ModelServerOptions {
  script: ScriptTurn[];
  /** Text for requests without tools. */
  sideText?: string;
  /** Text once the script is exhausted. */
  doneText?: string;
  model?: string;
}

const MAX_BODY = 20 * 1024 * 1024;

/** Start a scripted model server on 127.0.0.1 with an ephemeral port. */
export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  let script = [...opts.script];
  let next = 0;
  let waits = 0;
  const requests: LoggedRequest[] = [];
  const problems: string[] = [];
  const model = opts.model ?? "scripted-model";

  const pickTurn = (advertised: string[]): { reply: Reply; turn: number | null } => {
    if (advertised.length === 0) return { reply: { text: opts.sideText ?? "Gastown task", tools: [] }, turn: null };
    const turn = script[next];
    if (!turn) {
      problems.push(`script exhausted at request ${requests.length + 1}`);
      return { reply: { text: opts.doneText ?? "Done.", tools: [] }, turn: null };
    }
    // A scripted tool the agent does not advertise yet (its MCP server still starting): wait.
    const missing = (turn.tools ?? []).filter((c) => matchTool(c.name, advertised) === null);
    if (missing.length > 0 && waits < MAX_WAITS) {
      const wait = waitReply(advertised, waits);
      if (wait) {
        waits++;
        return { reply: wait, turn: null };
      }
    }
    const index = next++;
    const tools: Reply["tools"] = [];
    for (const call of turn.tools ?? []) {
      const name = matchTool(call.name, advertised);
      if (name === null) {
        problems.push(`turn ${index}: no advertised tool matches "${call.name}" (have: ${advertised.join(", ")})`);
        continue;
      }
      tools.push({ id: `call_${index}_${tools.length}`, name, input: call.input });
    }
    return { reply: { text: turn.text ?? "", tools }, turn: index };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (req.method === "HEAD" || (req.method === "GET" && path === "/")) {
      res.writeHead(200, { "content-type": "text/plain" }).end();
      return;
    }
    if (req.method === "GET" && path.endsWith("/models")) {
      json(res, 200, { object: "list", data: [{ id: model, object: "model", created: 0, owned_by: "gastown" }] });
      return;
    }
    if (req.method !== "POST") {
      json(res, 404, { error: { type: "not_found_error", message: `no route ${req.method} ${path}` } });
      return;
    }
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      body = isRecord(parsed) ? parsed : {};
    } catch {
      json(res, 400, { error: { type: "invalid_request_error", message: "body is not JSON" } });
      return;
    }
    if (path.endsWith("/messages/count_tokens")) {
      json(res, 200, { input_tokens: Math.ceil(raw.length / 4) });
      return;
    }
    const api: ModelApi | null = path.endsWith("/messages") ? "anthropic" : path.endsWith("/chat/completions") ? "openai" : null;
    if (api === null) {
      json(res, 404, { error: { type: "not_found_error", message: `no route POST ${path}` } });
      return;
    }
    const advertised = toolNames(api, body.tools);
    const stream = body.stream === true;
    const { reply, turn } = pickTurn(advertised);
    requests.push({ api, method: "POST", path, stream, tools: advertised, turn, body });
    const m = typeof body.model === "string" ? body.model : model;
    if (api === "anthropic") {
      if (stream) sse(res, anthropicStream(reply, m));
      else json(res, 200, anthropicMessage(reply, m));
    } else if (stream) {
      sse(res, openaiStream(reply, m, streamUsage(body)));
    } else {
      json(res, 200, openaiCompletion(reply, m));
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      problems.push(`handler failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) json(res, 500, { error: { type: "api_error", message: "scripted server failed" } });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    problems,
    consumed: () => next,
    setScript: (turns) => {
      script = [...script.slice(0, next), ...turns];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** The advertised tool a scripted name refers to, or null. */
export function matchTool(wanted: string, advertised: string[]): string | null {
  const w = wanted.toLowerCase();
  const exact = advertised.find((a) => a.toLowerCase() === w);
  if (exact) return exact;
  // MCP tools come prefixed by the server name: mcp__gt__gt_done (Claude), gt_gt_done (opencode).
  return advertised.find((a) => a.toLowerCase().endsWith(`__${w}`) || a.toLowerCase().endsWith(`_${w}`)) ?? null;
}

function toolNames(api: ModelApi, tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const t of tools) {
    if (!isRecord(t)) continue;
    if (api === "anthropic" && typeof t.name === "string") names.push(t.name);
    if (api === "openai" && isRecord(t.function) && typeof t.function.name === "string") names.push(t.function.name);
  }
  return names;
}

function streamUsage(body: Record<string, unknown>): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new Error("request body too large");
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function sse(res: ServerResponse, events: string[]): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  for (const e of events) res.write(e);
  res.end();
}
