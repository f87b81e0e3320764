import { Hono } from "hono";
import { z } from "zod";
import { BeadId } from "../../core/ids";
import {
  AckEscalationRequest,
  ClearQuietHoursRequest,
  OncallSetRequest,
  QuietHoursRequest,
  RaiseEscalationRequest,
  SnoozeEscalationRequest,
} from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { callTown } from "../town/client";

const EscalationParam = z.object({ escalation: BeadId });
const EscalationListQuery = z.object({
  open: z.enum(["true", "false"]).default("true"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const RigQuery = z.object({ rig: z.string().min(1).max(100).optional() });

/** `/towns/:town/escalations`: requests for human attention, acked, resolved and snoozed from chat. */
export const escalationRoutes = new Hono<AppEnv>()
  .use(botOnly)
  .post("/", valid("json", RaiseEscalationRequest), async (c) =>
    c.json({ escalation: await callTown(c, "raiseEscalation", c.req.valid("json")) }, 201),
  )
  .get("/", valid("query", EscalationListQuery), async (c) => {
    const { open, limit } = c.req.valid("query");
    return c.json({ escalations: await callTown(c, "listEscalations", open === "true", limit) });
  })
  .get("/:escalation", valid("param", EscalationParam), async (c) =>
    c.json({ escalation: await callTown(c, "getEscalation", c.req.valid("param").escalation) }),
  )
  .post("/:escalation/ack", valid("param", EscalationParam), valid("json", AckEscalationRequest), async (c) =>
    c.json({ escalation: await callTown(c, "ackEscalation", c.req.valid("param").escalation, c.req.valid("json").actor) }),
  )
  .post("/:escalation/resolve", valid("param", EscalationParam), valid("json", AckEscalationRequest), async (c) =>
    c.json({ escalation: await callTown(c, "resolveEscalation", c.req.valid("param").escalation, c.req.valid("json").actor) }),
  )
  .post("/:escalation/snooze", valid("param", EscalationParam), valid("json", SnoozeEscalationRequest), async (c) =>
    c.json({ escalation: await callTown(c, "snoozeEscalation", c.req.valid("param").escalation, c.req.valid("json")) }),
  );

/**
 * `/towns/:town/oncall`: who hears escalations of each severity (town-wide or per rig, with an
 * optional rotation), and `/towns/:town/oncall/quiet-hours`: when low and medium pings wait.
 */
export const oncallRoutes = new Hono<AppEnv>()
  .use(botOnly)
  .on(["POST", "PUT"], "/", valid("json", OncallSetRequest), async (c) => c.json({ oncall: await callTown(c, "setOncall", c.req.valid("json")) }))
  .get("/", valid("query", RigQuery), async (c) => c.json({ oncall: await callTown(c, "getOncall", c.req.valid("query").rig) }))
  .put("/quiet-hours", valid("json", QuietHoursRequest), async (c) => c.json({ quietHours: await callTown(c, "setQuietHours", c.req.valid("json")) }))
  .get("/quiet-hours", valid("query", RigQuery), async (c) => c.json({ quietHours: await callTown(c, "getQuietHours", c.req.valid("query").rig) }))
  .delete("/quiet-hours", valid("json", ClearQuietHoursRequest), async (c) =>
    c.json({ cleared: await callTown(c, "clearQuietHours", c.req.valid("json")) }),
  );
