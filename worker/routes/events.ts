import { Hono } from "hono";
import { GastownError } from "../../core/errors";
import type { AppEnv } from "../app-env";
import { valid } from "../app-validate";
import { botOnly } from "../auth";
import { StreamParams } from "../stream";
import { townStub } from "../town/client";

const EventsQuery = StreamParams.omit({ town: true });

/**
 * `GET /towns/:town/events?after=<seq>&consumer=<name>`: upgrades to the town's event stream,
 * a hibernatable WebSocket held by the TownDO (see worker/stream.ts for the frames).
 */
export const eventRoutes = new Hono<AppEnv>().get("/", botOnly, valid("query", EventsQuery), async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new GastownError("bad_request", "the event stream is a WebSocket: send Upgrade: websocket");
  }
  const { after, consumer } = c.req.valid("query");
  const url = new URL("https://town.internal/events");
  url.searchParams.set("town", c.var.town);
  url.searchParams.set("consumer", consumer);
  if (after !== undefined) url.searchParams.set("after", String(after));
  return townStub(c).fetch(url.toString(), { headers: { Upgrade: "websocket" } });
});
