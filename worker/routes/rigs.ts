import { Hono } from "hono";
import { AddRigRequest, UpdateRigRequest } from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { callTown } from "../town/client";
import { ActorBody, RigParam } from "./params";

/** `/towns/:town/rigs`: the git repositories of the town (a rig is addressed by id or name). */
export const rigRoutes = new Hono<AppEnv>()
  .use(botOnly)
  .post("/", valid("json", AddRigRequest), async (c) => c.json({ rig: await callTown(c, "addRig", c.req.valid("json")) }, 201))
  .get("/", async (c) => c.json({ rigs: await callTown(c, "listRigs") }))
  .get("/:rig", valid("param", RigParam), async (c) => c.json({ rig: await callTown(c, "getRig", c.req.valid("param").rig) }))
  .patch("/:rig", valid("param", RigParam), valid("json", UpdateRigRequest), async (c) =>
    c.json({ rig: await callTown(c, "updateRig", c.req.valid("param").rig, c.req.valid("json")) }),
  )
  .delete("/:rig", valid("param", RigParam), valid("json", ActorBody), async (c) => {
    await callTown(c, "removeRig", c.req.valid("param").rig, c.req.valid("json").actor);
    return c.json({ removed: true });
  });
