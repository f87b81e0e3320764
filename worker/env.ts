import type { TownDO } from "./town-do";

/** Bindings and vars of the Worker (see wrangler.toml; secrets via `wrangler secret put`). */
export interface Env {
  TOWN: DurableObjectNamespace<TownDO>;
  /** Bearer token of the bot (and operators). */
  GASTOWN_API_TOKEN?: string;
  /** HMAC key of per-agent tokens; falls back to GASTOWN_API_TOKEN when unset. */
  GASTOWN_AGENT_SECRET?: string;
  GASTOWN_RUNTIME?: string;
  GASTOWN_CONTAINER_URL?: string;
  /** Public URL agents call back on (defaults to the request origin). */
  GASTOWN_WORKER_URL?: string;
}
