import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { MayorRequest } from "../mayor/turn";
import { ConversationThread } from "../../db/mayor";
import { callTown, townStub } from "../town/client";
import { unwrapOutcome } from "../town/outcome";

/** `/towns/:town/mayor`: a message for the mayor; the reply streams as `mayor_reply` events. */
export const mayorRoutes = new Hono<AppEnv>()
  .use(botOnly)
  .post("/", valid("json", MayorRequest), async (c) => c.json(unwrapOutcome(await townStub(c).mayor(c.req.valid("json"))) as { conversationId: string }, 202))
  // Is this chat thread a mayor conversation? (Plain replies there go to the mayor.)
  .get("/conversations", valid("query", ConversationThread), async (c) => c.json({ conversation: await callTown(c, "mayorConversation", c.req.valid("query")) }));
