import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { validator } from "hono/validator";
import { z } from "zod";
import { timingSafeEqual } from "../core/agent-token";
import {
  type AgentInfo,
  type ContainerHealth,
  MergeRequest,
  type MergeResult,
  NudgeAgentRequest,
  ResizeAgentRequest,
  type Snapshot,
  StartAgentRequest,
} from "../core/container-api";
import { ERROR_STATUS, type ErrorCode, GastownError, badRequest, isGastownError } from "../core/errors";
import { AgentId } from "../core/ids";
import type { Logger } from "../core/ports";

/** What the control server needs from the supervisor (the `Supervisor` class fits). */
export interface AgentControl {
  start(req: StartAgentRequest): Promise<AgentInfo>;
  stop(agentId: string): Promise<void>;
  nudge(agentId: string, text: string): Promise<void>;
  snapshot(agentId: string): Promise<Snapshot>;
  resize(agentId: string, cols: number, rows: number): AgentInfo;
  list(): AgentInfo[];
  readonly runningCount: number;
}

/** Merges a branch for the refinery (container/git); the request is already validated. */
export type Merger = (req: z.output<typeof MergeRequest>) => Promise<MergeResult>;

export interface ControlServerOptions {
  supervisor: AgentControl;
  logger: Logger;
  /** Absent: POST /merge answers 501. */
  merge?: Merger;
  /** Shared secret with the Worker; when set every route but /health needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Reported by /health. */
  version?: string;
}

/** The one error body, same shape as the Town API's. */
interface ErrorBody {
  error: { code: ErrorCode | "not_implemented"; message: string; issues?: unknown };
}

/** zod over one part of the request; failures become a 400 carrying the issues. */
function valid<T extends "json" | "param", S extends z.ZodType>(target: T, schema: S) {
  return validator(target, (value): z.output<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` (${first.path.join(".")})` : "";
    throw badRequest(`invalid ${target === "json" ? "body" : "path"}${where}: ${first?.message ?? "bad input"}`, parsed.error.issues);
  });
}

const AgentParam = z.object({ id: AgentId });

/**
 * The container control API (core/container-api.ts) over Hono: start, stop, nudge, resize,
 * snapshot and list agents, merge for the refinery, health. Runs on Node via @hono/node-server.
 */
export function createControlServer(opts: ControlServerOptions): Hono {
  const { supervisor, logger: log } = opts;
  const app = new Hono();

  app.onError((err, c) => {
    if (isGastownError(err)) {
      const body: ErrorBody = { error: { code: err.code, message: err.message } };
      if (err.details !== undefined) body.error.issues = err.details;
      if (err.status >= 500) log.error("request failed", { path: c.req.path, code: err.code, error: err.message });
      return c.json(body, ERROR_STATUS[err.code] as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      // Hono's own refusals (e.g. a body that is not JSON) are the client's fault.
      const code: ErrorCode = err.status === 401 ? "unauthorized" : err.status >= 500 ? "internal" : "bad_request";
      return c.json({ error: { code, message: err.message || "request refused" } } satisfies ErrorBody, err.status as ContentfulStatusCode);
    }
    log.error("unhandled error", { path: c.req.path, error: err instanceof Error ? err.message : String(err) });
    return c.json({ error: { code: "internal", message: "internal error" } } satisfies ErrorBody, 500);
  });
  app.notFound((c) => c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path}` } } satisfies ErrorBody, 404));

  app.get("/health", (c) =>
    c.json({ ok: true, agents: supervisor.runningCount, version: opts.version ?? "0.0.0" } satisfies z.input<typeof ContainerHealth>),
  );

  const { token } = opts;
  if (token) {
    app.use("*", async (c, next) => {
      const header = c.req.header("authorization") ?? "";
      const given = header.startsWith("Bearer ") ? header.slice(7) : "";
      if (!given || !timingSafeEqual(given, token)) throw new GastownError("unauthorized", "missing or wrong bearer token");
      await next();
    });
  }

  app.get("/agents", (c) => c.json(supervisor.list()));

  app.post("/agents", valid("json", StartAgentRequest), async (c) => c.json(await supervisor.start(c.req.valid("json")), 201));

  app.delete("/agents/:id", valid("param", AgentParam), async (c) => {
    await supervisor.stop(c.req.valid("param").id);
    return c.json({ ok: true });
  });

  app.post("/agents/:id/nudge", valid("param", AgentParam), valid("json", NudgeAgentRequest), async (c) => {
    await supervisor.nudge(c.req.valid("param").id, c.req.valid("json").text);
    return c.json({ ok: true });
  });

  app.post("/agents/:id/resize", valid("param", AgentParam), valid("json", ResizeAgentRequest), (c) => {
    const { cols, rows } = c.req.valid("json");
    return c.json(supervisor.resize(c.req.valid("param").id, cols, rows));
  });

  app.get("/agents/:id/snapshot", valid("param", AgentParam), async (c) => c.json(await supervisor.snapshot(c.req.valid("param").id)));

  app.post("/merge", valid("json", MergeRequest), async (c) => {
    if (!opts.merge) {
      return c.json({ error: { code: "not_implemented", message: "merging is not available in this container" } } satisfies ErrorBody, 501);
    }
    return c.json(await opts.merge(c.req.valid("json")));
  });

  return app;
}
