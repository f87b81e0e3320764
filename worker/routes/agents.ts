import { Hono } from "hono";
import { z } from "zod";
import { NudgeRequest } from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { callTown } from "../town/client";
import { ActorBody, AgentParam } from "./params";

const AgentListQuery = z.object({ rig: z.string().min(1).max(100).optional() });

/**
 * `/towns/:town/agents` for the bot: list agents, peek, nudge and stop one. Guards are per
 * route because the agents' own routes (worker/routes/agent-self.ts) share this prefix.
 */
export const agentRoutes = new Hono<AppEnv>()
  .get("/", botOnly, valid("query", AgentListQuery), async (c) => c.json({ agents: await callTown(c, "listAgents", c.req.valid("query").rig) }))
  .get("/:agent", botOnly, valid("param", AgentParam), async (c) => c.json({ agent: await callTown(c, "getAgent", c.req.valid("param").agent) }))
  .get("/:agent/snapshot", botOnly, valid("param", AgentParam), async (c) =>
    c.json({ snapshot: await callTown(c, "peek", c.req.valid("param").agent) }),
  )
  .post("/:agent/nudge", botOnly, valid("param", AgentParam), valid("json", NudgeRequest), async (c) => {
    const { text, actor } = c.req.valid("json");
    return c.json(await callTown(c, "nudge", c.req.valid("param").agent, text, actor));
  })
  .post("/:agent/stop", botOnly, valid("param", AgentParam), valid("json", ActorBody), async (c) =>
    c.json({ agent: await callTown(c, "stop", c.req.valid("param").agent, c.req.valid("json").actor) }),
  );
