import { getContainer } from "@cloudflare/containers";
import { ContainerApiClient } from "./container-client";
import type { TownContainer } from "./town-container";

export interface CloudflareContainerRuntimeConfig {
  /** The TownContainer Durable Object namespace (binding TOWN_CONTAINER). */
  namespace: DurableObjectNamespace<TownContainer>;
  town: string;
  token?: string;
  timeoutMs?: number;
  startTimeoutMs?: number;
}

/**
 * AgentRuntime on Cloudflare Containers: the same control API as the local process, sent to
 * the town's own container through its Durable Object stub (which starts it when asleep).
 */
export class CloudflareContainerRuntime extends ContainerApiClient {
  constructor(config: CloudflareContainerRuntimeConfig) {
    const stub = getContainer(config.namespace, config.town);
    super({
      baseUrl: "http://container/",
      token: config.token,
      timeoutMs: config.timeoutMs,
      startTimeoutMs: config.startTimeoutMs,
      fetch: (req) => stub.fetch(req),
    });
  }
}
