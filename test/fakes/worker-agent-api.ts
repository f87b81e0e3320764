import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { z } from "zod";
import {
  AgentDoneRequest,
  AgentEscalateRequest,
  AgentHeartbeatRequest,
  AgentLifecycleRequest,
  AgentMailSendRequest,
} from "../../core/town-api";

/**
 * A fake of the Worker's agent API (gt tool routes, lifecycle and heartbeat), checking the bearer
 * token per agent and parsing bodies with the same zod schemas the Worker uses. Records every
 * accepted call so tests can assert what the agent told the town.
 */

export type AgentCall =
  | { route: "done"; town: string; agent: string; body: z.output<typeof AgentDoneRequest> }
  | { route: "mail"; town: string; agent: string; body: z.output<typeof AgentMailSendRequest> }
  | { route: "escalate"; town: string; agent: string; body: z.output<typeof AgentEscalateRequest> }
  | { route: "lifecycle"; town: string; agent: string; body: z.output<typeof AgentLifecycleRequest> }
  | { route: "heartbeat"; town: string; agent: string; body: z.output<typeof AgentHeartbeatRequest> }
  | { route: "mail/check" | "status"; town: string; agent: string; body: null }
  | { route: "beads"; town: string; agent: string; body: { beadId: string } };

export interface FakeMail {
  id: string;
  from: string;
  subject: string;
  body: string;
}

export interface FakeWorkerAgentApi {
  url: string;
  calls: AgentCall[];
  /** Requests refused (bad token, bad body), with their status. */
  refused: { path: string; status: number }[];
  /** Unread mail per agent, handed out (and cleared) by mail/check. */
  inbox: Map<string, FakeMail[]>;
  /** Beads gt_bead_show can see. */
  beads: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

/** Start the fake on 127.0.0.1; `tokens` maps `town/agent` to the agent's bearer token. */
export async function startFakeWorkerAgentApi(tokens: Record<string, string>): Promise<FakeWorkerAgentApi> {
  const calls: AgentCall[] = [];
  const refused: { path: string; status: number }[] = [];
  const inbox = new Map<string, FakeMail[]>();
  const beads = new Map<string, Record<string, unknown>>();
  const app = new Hono();

  app.use("/towns/:town/agents/:agent/*", async (c, next) => {
    const key = `${c.req.param("town")}/${c.req.param("agent")}`;
    const want = tokens[key];
    if (!want || c.req.header("authorization") !== `Bearer ${want}`) {
      refused.push({ path: c.req.path, status: 401 });
      return c.json({ error: { code: "unauthorized", message: "bad agent token" } }, 401);
    }
    await next();
  });

  /** The parsed body, or null when it is not JSON or does not match (the route answers 400). */
  const parse = async <S extends z.ZodTypeAny>(schema: S, text: Promise<string>): Promise<z.output<S> | null> => {
    let raw: unknown;
    try {
      raw = JSON.parse(await text);
    } catch {
      return null;
    }
    const r = schema.safeParse(raw);
    return r.success ? r.data : null;
  };
  const badBody = (path: string) => {
    refused.push({ path, status: 400 });
    return { error: { code: "bad_request", message: "invalid body" } };
  };

  app.post("/towns/:town/agents/:agent/done", async (c) => {
    const body = await parse(AgentDoneRequest, c.req.text());
    if (!body) return c.json(badBody(c.req.path), 400);
    calls.push({ route: "done", town: c.req.param("town"), agent: c.req.param("agent"), body });
    return c.json({ ok: true, mergeRequest: "queued" });
  });
  app.post("/towns/:town/agents/:agent/mail", async (c) => {
    const body = await parse(AgentMailSendRequest, c.req.text());
    if (!body) return c.json(badBody(c.req.path), 400);
    calls.push({ route: "mail", town: c.req.param("town"), agent: c.req.param("agent"), body });
    return c.json({ ok: true });
  });
  app.post("/towns/:town/agents/:agent/escalate", async (c) => {
    const body = await parse(AgentEscalateRequest, c.req.text());
    if (!body) return c.json(badBody(c.req.path), 400);
    calls.push({ route: "escalate", town: c.req.param("town"), agent: c.req.param("agent"), body });
    return c.json({ ok: true, escalation: "esc-1" });
  });
  app.post("/towns/:town/agents/:agent/lifecycle", async (c) => {
    const body = await parse(AgentLifecycleRequest, c.req.text());
    if (!body) return c.json(badBody(c.req.path), 400);
    calls.push({ route: "lifecycle", town: c.req.param("town"), agent: c.req.param("agent"), body });
    return c.json({ ok: true });
  });
  app.post("/towns/:town/agents/:agent/heartbeat", async (c) => {
    const body = await parse(AgentHeartbeatRequest, c.req.text());
    if (!body) return c.json(badBody(c.req.path), 400);
    calls.push({ route: "heartbeat", town: c.req.param("town"), agent: c.req.param("agent"), body });
    return c.json({ ok: true });
  });
  app.get("/towns/:town/agents/:agent/mail/check", (c) => {
    const agent = c.req.param("agent");
    calls.push({ route: "mail/check", town: c.req.param("town"), agent, body: null });
    const messages = inbox.get(agent) ?? [];
    inbox.delete(agent);
    return c.json({ messages });
  });
  app.get("/towns/:town/agents/:agent/beads/:id", (c) => {
    const beadId = c.req.param("id");
    calls.push({ route: "beads", town: c.req.param("town"), agent: c.req.param("agent"), body: { beadId } });
    const bead = beads.get(beadId);
    return bead ? c.json({ bead }) : c.json({ error: { code: "not_found", message: `bead ${beadId} not found` } }, 404);
  });
  app.get("/towns/:town/agents/:agent/status", (c) => {
    const agent = c.req.param("agent");
    calls.push({ route: "status", town: c.req.param("town"), agent, body: null });
    return c.json({ agent, status: "working" });
  });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    refused,
    inbox,
    beads,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
