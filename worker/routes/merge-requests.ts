import { Hono } from "hono";
import { MergeDecisionRequest, MergeQueueQuery } from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { callTown } from "../town/client";
import { BeadParam } from "./params";

/** `/towns/:town/merge-queue`: the refinery's queue per rig (position, state, gates). */
export const mergeQueueRoutes = new Hono<AppEnv>().use(botOnly).get("/", valid("query", MergeQueueQuery), async (c) => {
  const { rig, all } = c.req.valid("query");
  return c.json({ items: await callTown(c, "mergeQueue", rig, all === "true") });
});

/**
 * `/towns/:town/merge-requests/:bead`: one merge request, named by its own bead id or by its
 * work bead's; `POST .../decision` is a person's Approve / Reject (403 for someone who may not).
 */
export const mergeRequestRoutes = new Hono<AppEnv>()
  .use(botOnly)
  .get("/:bead", valid("param", BeadParam), async (c) => c.json({ mergeRequest: await callTown(c, "getMergeRequest", c.req.valid("param").bead) }))
  .post("/:bead/decision", valid("param", BeadParam), valid("json", MergeDecisionRequest), async (c) =>
    c.json({ mergeRequest: await callTown(c, "decideMerge", c.req.valid("param").bead, c.req.valid("json")) }),
  );
