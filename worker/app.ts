import { Hono } from "hono";
import { GastownError } from "../core/errors";
import { TownId } from "../core/ids";
import { createLogger } from "../core/logger";
import type { Logger } from "../core/ports";
import type { AppEnv } from "./app-env";
import { errorResponse } from "./app-errors";
import { authenticate } from "./auth";
import { agentSelfRoutes } from "./routes/agent-self";
import { agentRoutes } from "./routes/agents";
import { beadRoutes } from "./routes/beads";
import { chatRoutes, deliveryRoutes } from "./routes/chat";
import { convoyRoutes } from "./routes/convoys";
import { escalationRoutes, oncallRoutes } from "./routes/escalations";
import { eventRoutes } from "./routes/events";
import { mayorRoutes } from "./routes/mayor";
import { mergeQueueRoutes, mergeRequestRoutes } from "./routes/merge-requests";
import { rigRoutes } from "./routes/rigs";
import { workRoutes } from "./routes/work";

/**
 * The Town API: `/health`, and every town resource under `/towns/:town/...` as its own
 * sub-app. The town id is validated and the caller authenticated once for the whole tree;
 * each sub-app says who may call it (bot or the agent itself). One onError for everything.
 */
export function createApp(log: Logger = createLogger({ scope: "api" })) {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => errorResponse(err, c, log));
  app.notFound((c) => c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path}` } }, 404));

  app.get("/health", (c) => c.json({ ok: true, service: "gastown-worker" }));

  app.use("/towns/:town/*", async (c, next) => {
    const town = TownId.safeParse(c.req.param("town"));
    if (!town.success) throw new GastownError("bad_request", town.error.issues[0]?.message ?? "bad town id", { details: town.error.issues });
    c.set("town", town.data);
    return next();
  });
  app.use("/towns/:town/*", authenticate);

  app.route("/towns/:town/rigs", rigRoutes);
  app.route("/towns/:town/beads", beadRoutes);
  app.route("/towns/:town/convoys", convoyRoutes);
  app.route("/towns/:town/escalations", escalationRoutes);
  app.route("/towns/:town/oncall", oncallRoutes);
  app.route("/towns/:town/chat", chatRoutes);
  app.route("/towns/:town/agents", agentRoutes);
  app.route("/towns/:town/agents", agentSelfRoutes);
  app.route("/towns/:town/events", eventRoutes);
  app.route("/towns/:town/mayor", mayorRoutes);
  app.route("/towns/:town/merge-queue", mergeQueueRoutes);
  app.route("/towns/:town/merge-requests", mergeRequestRoutes);
  app.route("/towns/:town", workRoutes);
  app.route("/towns/:town", deliveryRoutes);
  return app;
}
