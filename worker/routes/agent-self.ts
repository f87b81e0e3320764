import { Hono } from "hono";
import {
  AgentDoneRequest,
  AgentEscalateRequest,
  AgentHeartbeatRequest,
  AgentLifecycleRequest,
  AgentMailSendRequest,
} from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { selfAgentOnly } from "../auth";
import { callTown } from "../town/client";
import { AgentParam, BeadParam } from "./params";

const AgentBeadParam = AgentParam.extend(BeadParam.shape);

/**
 * `/towns/:town/agents/:agent/...` for the agent itself (its own scoped token): heartbeats
 * and lifecycle from the container, and the gt tools (done, mail, escalate, bead, status).
 */
export const agentSelfRoutes = new Hono<AppEnv>()
  .post("/:agent/heartbeat", selfAgentOnly, valid("param", AgentParam), valid("json", AgentHeartbeatRequest), async (c) =>
    c.json({ agent: await callTown(c, "agentHeartbeat", c.req.valid("param").agent, c.req.valid("json")) }),
  )
  .post("/:agent/lifecycle", selfAgentOnly, valid("param", AgentParam), valid("json", AgentLifecycleRequest), async (c) =>
    c.json({ agent: await callTown(c, "agentLifecycle", c.req.valid("param").agent, c.req.valid("json")) }),
  )
  .post("/:agent/done", selfAgentOnly, valid("param", AgentParam), valid("json", AgentDoneRequest), async (c) =>
    c.json({ bead: await callTown(c, "agentDone", c.req.valid("param").agent, c.req.valid("json")) }),
  )
  .post("/:agent/mail", selfAgentOnly, valid("param", AgentParam), valid("json", AgentMailSendRequest), async (c) =>
    c.json({ mail: await callTown(c, "agentMailSend", c.req.valid("param").agent, c.req.valid("json")) }, 201),
  )
  // GET as the gt tool client sends it; it marks what it returns delivered and read.
  .on(["GET", "POST"], "/:agent/mail/check", selfAgentOnly, valid("param", AgentParam), async (c) =>
    c.json({ mail: await callTown(c, "agentMailCheck", c.req.valid("param").agent) }),
  )
  .post("/:agent/escalate", selfAgentOnly, valid("param", AgentParam), valid("json", AgentEscalateRequest), async (c) =>
    c.json({ escalation: await callTown(c, "agentEscalate", c.req.valid("param").agent, c.req.valid("json")) }, 201),
  )
  .get("/:agent/beads/:bead", selfAgentOnly, valid("param", AgentBeadParam), async (c) =>
    c.json({ bead: await callTown(c, "agentBeadShow", c.req.valid("param").bead) }),
  )
  .get("/:agent/status", selfAgentOnly, valid("param", AgentParam), async (c) => c.json(await callTown(c, "agentStatus", c.req.valid("param").agent)));
