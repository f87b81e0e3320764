import { Hono } from "hono";
import { CreateMoleculeRequest, ReadyQuery, SendMailRequest, SlingRequest } from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { callTown } from "../town/client";

/** `/towns/:town/{ready,sling,molecules,mail}`: what could start, starting it, plans, mail. */
export const workRoutes = new Hono<AppEnv>()
  .get("/ready", botOnly, valid("query", ReadyQuery), async (c) => c.json({ beads: await callTown(c, "ready", c.req.valid("query")) }))
  .post("/sling", botOnly, valid("json", SlingRequest), async (c) => {
    const result = await callTown(c, "sling", c.req.valid("json"));
    return c.json({ ...result, agentId: result.agent?.id ?? null }, 201);
  })
  .post("/molecules", botOnly, valid("json", CreateMoleculeRequest), async (c) => c.json(await callTown(c, "createMolecule", c.req.valid("json")), 201))
  .post("/mail", botOnly, valid("json", SendMailRequest), async (c) => c.json({ mail: await callTown(c, "sendMail", c.req.valid("json")) }, 201));
