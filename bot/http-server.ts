import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface BotHttpRoutes {
  /** Bolt's receiver: POST /slack/events. */
  slack?: RequestListener;
  /** The Discord interactions endpoint: POST /discord/interactions. */
  discord?: RequestListener;
}

/** The bot's one HTTP receiver (DESIGN §8: 127.0.0.1:3000). */
export async function startBotHttpServer(routes: BotHttpRoutes, host: string, port: number): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/health") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, service: "gastown-bot", slack: !!routes.slack, discord: !!routes.discord }));
      return;
    }
    if (path.startsWith("/slack/") && routes.slack) return routes.slack(req, res);
    if (path.startsWith("/discord/") && routes.discord) return routes.discord(req, res);
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "not_found", message: "no such route" } }));
  });
  server.listen(port, host);
  await once(server, "listening");
  const a = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${a.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
