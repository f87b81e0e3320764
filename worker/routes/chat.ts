import { Hono } from "hono";
import { z } from "zod";
import { BeadId } from "../../core/ids";
import { BindChannelRequest, BindThreadRequest, InboundRequest } from "../../core/town-api";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { callTown } from "../town/client";
import { BeadParam } from "./params";

const Platform = BindChannelRequest.shape.platform;
const Id = z.string().min(1).max(100);
const ChannelsQuery = z.union([
  z.object({ platform: Platform, channelId: Id }).strict(),
  z.object({ platform: Platform, rig: Id }).strict(),
]);
const ThreadsQuery = z.object({ platform: Platform, channelId: Id, threadId: Id });
const PlatformQuery = z.object({ platform: Platform });
/** `mayor:<turnId>`, `out:<seq>`: what the bot names a message by. */
const RefParam = z.object({ key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$/, "a key of letters, digits and : . _ -") });
const ChatRefBody = z.object({ platform: Platform, channelId: Id, threadId: Id.optional(), messageId: Id }).strict();
const NotificationFailed = z.object({
  what: z.string().min(1).max(500),
  error: z.string().max(2000),
  attempt: z.number().int().nonnegative(),
  beadId: BeadId.optional(),
  /** The stream event that could not be projected, if any (a failed escalation ping is sent again). */
  seq: z.number().int().optional(),
});

/**
 * `/towns/:town/chat`: the bot's bookkeeping, so it keeps no state: channel <-> rig,
 * thread <-> bead (with the card and live snapshot message ids), looked up both ways, and
 * named message refs (`/refs/:key`) for messages replays must edit, not post again.
 */
export const chatRoutes = new Hono<AppEnv>()
  .use(botOnly)
  .on(["POST", "PUT"], "/channels", valid("json", BindChannelRequest), async (c) =>
    c.json({ channel: await callTown(c, "bindChannel", c.req.valid("json")) }),
  )
  .get("/channels", valid("query", ChannelsQuery), async (c) => {
    const q = c.req.valid("query");
    return c.json({ channels: await callTown(c, "channels", q.platform, "channelId" in q ? { channelId: q.channelId } : { rig: q.rig }) });
  })
  .put("/threads/:bead", valid("param", BeadParam), valid("json", BindThreadRequest), async (c) =>
    c.json({ thread: await callTown(c, "bindThread", c.req.valid("param").bead, c.req.valid("json")) }),
  )
  .get("/threads/:bead", valid("param", BeadParam), valid("query", PlatformQuery), async (c) =>
    c.json({ thread: await callTown(c, "threadForBead", c.req.valid("query").platform, c.req.valid("param").bead) }),
  )
  .get("/threads", valid("query", ThreadsQuery), async (c) => {
    const q = c.req.valid("query");
    return c.json({ threads: await callTown(c, "threadsAt", q.platform, q.channelId, q.threadId) });
  })
  // Messages the bot posted and must edit after a restart (mayor turns, one-off pings).
  .put("/refs/:key", valid("param", RefParam), valid("json", ChatRefBody), async (c) => {
    const { platform, channelId, threadId, messageId } = c.req.valid("json");
    return c.json({ ref: await callTown(c, "setChatRef", platform, c.req.valid("param").key, { channelId, threadId: threadId ?? null, messageId }) });
  })
  .get("/refs/:key", valid("param", RefParam), valid("query", PlatformQuery), async (c) =>
    c.json({ ref: await callTown(c, "chatRef", c.req.valid("query").platform, c.req.valid("param").key) }),
  );

/** `/towns/:town/inbound` and `/towns/:town/notifications/failed`: chat delivery bookkeeping. */
export const deliveryRoutes = new Hono<AppEnv>()
  .post("/inbound", botOnly, valid("json", InboundRequest), async (c) => {
    const { platform, eventId } = c.req.valid("json");
    return c.json({ fresh: await callTown(c, "inbound", platform, eventId) });
  })
  .post("/notifications/failed", botOnly, valid("json", NotificationFailed), async (c) => {
    const { what, error, attempt, beadId, seq } = c.req.valid("json");
    await callTown(c, "notificationFailed", { what, error, attempt, beadId, seq });
    return c.json({ recorded: true }, 201);
  });
