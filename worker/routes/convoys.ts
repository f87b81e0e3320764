import { Hono } from "hono";
import { z } from "zod";
import { BeadId } from "../../core/ids";
import { AddToConvoyRequest, CreateConvoyRequest } from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { callTown } from "../town/client";

const ConvoyParam = z.object({ convoy: BeadId });
const ConvoyListQuery = z.object({ open: z.enum(["true", "false"]).default("false") });

/** `/towns/:town/convoys`: batches of beads that land together. */
export const convoyRoutes = new Hono<AppEnv>()
  .use(botOnly)
  .post("/", valid("json", CreateConvoyRequest), async (c) => c.json({ convoy: await callTown(c, "createConvoy", c.req.valid("json")) }, 201))
  .get("/", valid("query", ConvoyListQuery), async (c) =>
    c.json({ convoys: await callTown(c, "listConvoys", c.req.valid("query").open === "true") }),
  )
  .get("/:convoy", valid("param", ConvoyParam), async (c) => c.json({ convoy: await callTown(c, "convoyStatus", c.req.valid("param").convoy) }))
  .post("/:convoy/beads", valid("param", ConvoyParam), valid("json", AddToConvoyRequest), async (c) =>
    c.json({ convoy: await callTown(c, "addToConvoy", c.req.valid("param").convoy, c.req.valid("json")) }),
  );
