import { Hono } from "hono";
import { z } from "zod";
import { DepType } from "../../core/domain";
import { BeadId } from "../../core/ids";
import { AddDepRequest, CloseBeadRequest, CreateBeadRequest, ListBeadsQuery, NudgeRequest, UpdateBeadRequest } from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { callTown } from "../town/client";
import { ActorBody, BeadParam } from "./params";

const DepParam = z.object({ bead: BeadId, dependsOn: BeadId });
const DepQuery = z.object({ type: DepType.default("blocks") });
const AuditQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** `/towns/:town/beads`: work items, their dependencies, audit trail, and their agent. */
export const beadRoutes = new Hono<AppEnv>()
  .use(botOnly)
  .post("/", valid("json", CreateBeadRequest), async (c) => c.json({ bead: await callTown(c, "createBead", c.req.valid("json")) }, 201))
  .get("/", valid("query", ListBeadsQuery), async (c) => c.json({ beads: await callTown(c, "listBeads", c.req.valid("query")) }))
  .get("/:bead", valid("param", BeadParam), async (c) => c.json({ bead: await callTown(c, "getBead", c.req.valid("param").bead) }))
  .patch("/:bead", valid("param", BeadParam), valid("json", UpdateBeadRequest), async (c) =>
    c.json({ bead: await callTown(c, "updateBead", c.req.valid("param").bead, c.req.valid("json")) }),
  )
  .post("/:bead/close", valid("param", BeadParam), valid("json", CloseBeadRequest), async (c) =>
    c.json({ bead: await callTown(c, "closeBead", c.req.valid("param").bead, c.req.valid("json")) }),
  )
  .get("/:bead/events", valid("param", BeadParam), valid("query", AuditQuery), async (c) => {
    const { after, limit } = c.req.valid("query");
    return c.json({ events: await callTown(c, "beadAudit", c.req.valid("param").bead, after, limit) });
  })
  .get("/:bead/deps", valid("param", BeadParam), async (c) => c.json(await callTown(c, "listDependencies", c.req.valid("param").bead)))
  .post("/:bead/deps", valid("param", BeadParam), valid("json", AddDepRequest), async (c) =>
    c.json({ dep: await callTown(c, "addDependency", c.req.valid("param").bead, c.req.valid("json")) }, 201),
  )
  .delete("/:bead/deps/:dependsOn", valid("param", DepParam), valid("query", DepQuery), valid("json", ActorBody), async (c) => {
    const { bead, dependsOn } = c.req.valid("param");
    const removed = await callTown(c, "removeDependency", bead, dependsOn, c.req.valid("query").type, c.req.valid("json").actor);
    return c.json({ removed });
  })
  // The agent working on the bead: the same as /agents/:agent/{snapshot,nudge,stop}.
  .get("/:bead/snapshot", valid("param", BeadParam), async (c) => c.json({ snapshot: await callTown(c, "peek", c.req.valid("param").bead) }))
  .post("/:bead/nudge", valid("param", BeadParam), valid("json", NudgeRequest), async (c) => {
    const { text, actor } = c.req.valid("json");
    return c.json(await callTown(c, "nudge", c.req.valid("param").bead, text, actor));
  })
  .post("/:bead/stop", valid("param", BeadParam), valid("json", ActorBody), async (c) =>
    c.json({ agent: await callTown(c, "stop", c.req.valid("param").bead, c.req.valid("json").actor) }),
  )
  // The Retry button: an open or parked bead goes back to work (slung again on its rig).
  .post("/:bead/retry", valid("param", BeadParam), valid("json", ActorBody), async (c) => {
    const r = await callTown(c, "retry", c.req.valid("param").bead, c.req.valid("json").actor);
    return c.json({ bead: r.bead, agentId: r.agent?.id ?? null, queued: r.queued });
  });
