import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ModelServer, type ScriptTurn, startModelServer } from "./model-server";

/**
 * Remote control of scripted model servers, for tests that run where they cannot start a
 * server themselves (inside workerd). `POST /servers {script}` starts one behind a small
 * proxy and answers `{id, url}`; the proxy can be told to fail after N model requests
 * (connection dropped: the provider "going down" mid-turn).
 *
 * Scripts may say `$BEAD0`, `$BEAD1`, ... in tool inputs and texts: the n-th bead id that
 * appeared in the tool results the client sent so far (a scripted model cannot know the
 * ids the town will hand out).
 */

const BEAD_ID = /(?<![\w-])[a-z][a-z0-9]{0,7}-[0-9a-z]{3,12}(?![\w-])/g;

interface Entry {
  model: ModelServer;
  proxy: Server;
  url: string;
  template: ScriptTurn[];
  failAfter: number | null;
  forwarded: number;
}

export interface ModelControl {
  url: string;
  close(): Promise<void>;
}

function toolResultTexts(body: unknown): string[] {
  const out: string[] = [];
  const msgs = (body as { messages?: unknown[] }).messages ?? [];
  for (const m of msgs as Record<string, unknown>[]) {
    if (m.role === "tool" && typeof m.content === "string") out.push(m.content);
    if (Array.isArray(m.content)) {
      for (const part of m.content as Record<string, unknown>[]) {
        if (part.type === "tool_result") out.push(typeof part.content === "string" ? part.content : JSON.stringify(part.content));
      }
    }
  }
  return out;
}

function beadIdsIn(body: unknown): string[] {
  const ids: string[] = [];
  for (const text of toolResultTexts(body)) for (const m of text.matchAll(BEAD_ID)) if (!ids.includes(m[0])) ids.push(m[0]);
  return ids;
}

function substitute(turns: ScriptTurn[], ids: string[]): ScriptTurn[] {
  const s = JSON.stringify(turns).replace(/\$BEAD(\d+)/g, (whole, n: string) => ids[Number(n)] ?? whole);
  return JSON.parse(s) as ScriptTurn[];
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let b = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      b += c;
    });
    req.on("end", () => resolve(b));
    req.on("error", reject);
  });

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

/** Starts the control server on 127.0.0.1 (ephemeral port). */
export async function startModelControl(): Promise<ModelControl> {
  const entries = new Map<string, Entry>();
  let seq = 0;

  const startEntry = async (script: ScriptTurn[], failAfter: number | null): Promise<Entry> => {
    const model = await startModelServer({ script: [], doneText: "Done." });
    const entry: Entry = { model, proxy: createServer(), url: "", template: script, failAfter, forwarded: 0 };
    entry.proxy.on("request", async (req, res) => {
      const raw = await readBody(req);
      let parsed: unknown = {};
      try {
        parsed = JSON.parse(raw || "{}");
      } catch {
        // forwarded as is; the model server answers 400
      }
      const hasTools = Array.isArray((parsed as { tools?: unknown[] }).tools) && ((parsed as { tools: unknown[] }).tools.length ?? 0) > 0;
      if (req.method === "POST" && hasTools) {
        if (entry.failAfter !== null && entry.forwarded >= entry.failAfter) {
          req.socket.destroy();
          return;
        }
        // The remaining script, with bead ids seen so far filled in.
        const consumed = model.consumed();
        model.setScript(substitute(entry.template.slice(consumed), beadIdsIn(parsed)));
        entry.forwarded++;
      }
      const up = httpRequest(`${model.url}${req.url ?? "/"}`, { method: req.method, headers: { ...req.headers, host: new URL(model.url).host } }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.on("error", () => res.destroy());
      up.end(raw);
    });
    await new Promise<void>((r) => entry.proxy.listen(0, "127.0.0.1", r));
    entry.url = `http://127.0.0.1:${(entry.proxy.address() as AddressInfo).port}`;
    return entry;
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://x");
      const parts = url.pathname.split("/").filter(Boolean);
      if (req.method === "POST" && url.pathname === "/servers") {
        const body = JSON.parse((await readBody(req)) || "{}") as { script?: ScriptTurn[]; failAfter?: number };
        const entry = await startEntry(body.script ?? [], body.failAfter ?? null);
        const id = String(++seq);
        entries.set(id, entry);
        return json(res, 201, { id, url: entry.url });
      }
      const entry = parts[0] === "servers" && parts[1] ? entries.get(parts[1]) : undefined;
      if (!entry) return json(res, 404, { error: "no such server" });
      if (req.method === "GET" && parts[2] === "requests") {
        return json(res, 200, { requests: entry.model.requests, problems: entry.model.problems, consumed: entry.model.consumed() });
      }
      if (req.method === "DELETE" && parts.length === 2) {
        entries.delete(parts[1] ?? "");
        entry.proxy.closeAllConnections();
        await new Promise<void>((r) => entry.proxy.close(() => r()));
        await entry.model.close();
        return json(res, 200, { ok: true });
      }
      return json(res, 404, { error: "no route" });
    } catch (e) {
      return json(res, 500, { error: e instanceof Error ? e.message : String(e) });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const e of entries.values()) {
        e.proxy.closeAllConnections();
        e.proxy.close();
        await e.model.close();
      }
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
