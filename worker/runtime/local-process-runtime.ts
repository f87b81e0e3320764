import { ContainerApiClient } from "./container-client";

/** Where `npm start` runs the container control server. */
export const DEFAULT_CONTAINER_URL = "http://127.0.0.1:8788";

export interface LocalProcessRuntimeConfig {
  /** Base URL of the control server (GASTOWN_CONTAINER_URL). */
  baseUrl?: string;
  token?: string;
  timeoutMs?: number;
  startTimeoutMs?: number;
}

/**
 * AgentRuntime for a local town: the container control server runs as a Node process next to
 * `wrangler dev` (no Docker), reached over plain HTTP with the Worker's global fetch.
 */
export class LocalProcessRuntime extends ContainerApiClient {
  constructor(config: LocalProcessRuntimeConfig = {}) {
    super({ ...config, baseUrl: config.baseUrl ?? DEFAULT_CONTAINER_URL, fetch: (req) => fetch(req) });
  }
}
