import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { matchTool, type ScriptTurn } from "./model-server";
import { anthropicStream, openaiStream, type Reply } from "./model-server-wire";
import { isWaitTurn, MAX_WAITS, waitReply } from "./model-wait";

/**
 * A scripted model server for many conversations at once (the mayor and several polecats in
 * one town): each request is routed to the script whose `match` finds its conversation (in the
 * system prompt or the first user message), and the turn to play is the number of assistant
 * messages the request already carries, so concurrent agents never steal each other's turns.
 *
 * Scripts may say `{{bead}}` (the first bead id in the conversation's opening, e.g. the
 * polecat's own bead) and `$BEAD0`, `$BEAD1`... (bead ids in the order they appeared in the
 * tool results the client sent back).
 */

export interface RoutedScript {
  name: string;
  match: RegExp;
  turns: ScriptTurn[];
}

export interface ModelRouter {
  url: string;
  /** Requests seen per script name (side requests under "side"). */
  log: { script: string; turn: number | null }[];
  problems: string[];
  close(): Promise<void>;
}

const BEAD_ID = /(?<![\w-])[a-z][a-z0-9]{0,7}-[0-9a-z]{3,12}(?![\w-])/g;

type Msg = { role?: string; content?: unknown; tool_calls?: unknown };

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === "object" && p && "text" in p ? String((p as { text: unknown }).text) : textOf((p as { content?: unknown })?.content))).join("\n");
  return "";
}

function toolResults(messages: Msg[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (m.role === "tool") out.push(textOf(m.content));
    if (Array.isArray(m.content)) for (const p of m.content as Record<string, unknown>[]) if (p.type === "tool_result") out.push(textOf(p.content));
  }
  return out;
}

function ids(texts: string[]): string[] {
  const out: string[] = [];
  for (const t of texts) for (const m of t.matchAll(BEAD_ID)) if (!out.includes(m[0])) out.push(m[0]);
  return out;
}

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

export async function startModelRouter(scripts: RoutedScript[], opts: { sideText?: string; doneText?: string } = {}): Promise<ModelRouter> {
  const log: ModelRouter["log"] = [];
  const problems: string[] = [];

  const reply = (api: "anthropic" | "openai", body: Record<string, unknown>): Reply => {
    const tools = Array.isArray(body.tools) ? (body.tools as Record<string, unknown>[]) : [];
    const advertised = tools.map((t) => String(api === "anthropic" ? t.name : (t.function as { name?: string } | undefined)?.name)).filter(Boolean);
    if (advertised.length === 0) {
      log.push({ script: "side", turn: null });
      return { text: opts.sideText ?? "Gastown work", tools: [] };
    }
    const messages = (Array.isArray(body.messages) ? body.messages : []) as Msg[];
    const system = textOf(body.system) + textOf(messages.find((m) => m.role === "system")?.content);
    const firstUser = textOf(messages.find((m) => m.role === "user")?.content);
    const opening = `${system}\n${firstUser}`;
    const script = scripts.find((s) => s.match.test(opening));
    if (!script) {
      problems.push(`no script matches a conversation opening with: ${firstUser.slice(0, 120)}`);
      return { text: opts.doneText ?? "Done.", tools: [] };
    }
    // Turns already played = assistant messages of this conversation, waits not counted.
    const assistant = messages.filter((m) => m.role === "assistant");
    const waited = assistant.filter((m) => isWaitTurn(m as { content?: unknown; tool_calls?: unknown })).length;
    const turn = assistant.length - waited;
    const planned = script.turns[turn];
    if (!planned) {
      log.push({ script: script.name, turn });
      return { text: opts.doneText ?? "Done.", tools: [] };
    }
    // A scripted tool the agent does not advertise yet (its MCP server still starting): wait.
    if ((planned.tools ?? []).some((c) => matchTool(c.name, advertised) === null) && waited < MAX_WAITS) {
      const wait = waitReply(advertised, waited);
      if (wait) {
        log.push({ script: `${script.name}:wait`, turn: null });
        return wait;
      }
    }
    log.push({ script: script.name, turn });
    const own = ids([firstUser])[0] ?? "";
    const seen = ids(toolResults(messages));
    const fill = (s: string) => s.replaceAll("{{bead}}", own).replace(/\$BEAD(\d+)/g, (w, n: string) => seen[Number(n)] ?? w);
    const filled = JSON.parse(fill(JSON.stringify(planned))) as ScriptTurn;
    const calls: Reply["tools"] = [];
    for (const [i, call] of (filled.tools ?? []).entries()) {
      const name = matchTool(call.name, advertised);
      if (name === null) problems.push(`${script.name} turn ${turn}: no tool matches ${call.name}`);
      else calls.push({ id: `call_${script.name}_${turn}_${i}`, name, input: call.input });
    }
    return { text: filled.text ?? "", tools: calls };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method !== "POST") return void res.writeHead(200, { "content-type": "text/plain" }).end();
    const body = JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>;
    if (path.endsWith("/messages/count_tokens")) return void res.writeHead(200, { "content-type": "application/json" }).end('{"input_tokens":100}');
    const api = path.endsWith("/chat/completions") ? "openai" : "anthropic";
    const r = reply(api, body);
    const model = typeof body.model === "string" ? body.model : "scripted-model";
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const e of api === "anthropic" ? anthropicStream(r, model) : openaiStream(r, model, true)) res.write(e);
    res.end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      problems.push(`handler failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    problems,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
