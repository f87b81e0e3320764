import type { ChatAdapter } from "../core/chat";
import type { Logger } from "../core/ports";
import { EventStream } from "./event-stream";
import { Projector } from "./projector";
import { Router } from "./router";
import { TownClient } from "./town-client";

export interface TownLinkOptions {
  adapter: ChatAdapter;
  workerUrl: string;
  token?: string;
  town: string;
  logger: Logger;
  /** Event stream consumer name (one cursor per platform of a town). */
  consumer?: string;
  backoff?: { initialMs: number; maxMs: number };
  projectorAttempts?: number;
  retryDelayMs?: (attempt: number) => number;
  prefix?: string;
  snapshotPng?: (t: { text: string; ansi: string; cols?: number; rows?: number }) => Uint8Array;
}

/** One chat adapter joined to one town: inbound router, projector and event stream. */
export interface TownLink {
  town: TownClient;
  router: Router;
  projector: Projector;
  stream: EventStream;
  stop(): Promise<void>;
}

/** Wire an adapter to its town and start both directions. */
export async function linkTown(o: TownLinkOptions): Promise<TownLink> {
  const log = o.logger.child("town", { town: o.town, platform: o.adapter.platform });
  const town = new TownClient({ baseUrl: o.workerUrl, town: o.town, ...(o.token ? { token: o.token } : {}) });
  const router = new Router({ town, adapter: o.adapter, logger: log, ...(o.prefix ? { prefix: o.prefix } : {}), ...(o.snapshotPng ? { snapshotPng: o.snapshotPng } : {}) });
  const projector = new Projector({
    town,
    adapter: o.adapter,
    logger: log,
    ...(o.projectorAttempts ? { attempts: o.projectorAttempts } : {}),
    ...(o.retryDelayMs ? { retryDelayMs: o.retryDelayMs } : {}),
  });
  const consumer = o.consumer ?? `bot-${o.adapter.platform}`;
  const stream = new EventStream({
    url: (after) => town.eventsUrl(after, consumer),
    headers: town.authHeaders(),
    handle: projector.handle,
    logger: log,
    ...(o.backoff ? { backoff: o.backoff } : {}),
  });
  await o.adapter.start(router.handle);
  stream.start();
  return {
    town,
    router,
    projector,
    stream,
    async stop() {
      await stream.stop();
      await o.adapter.stop();
    },
  };
}
