import type { TownContainer } from "./runtime/town-container";
import type { TownDO } from "./town-do";

/** Bindings and vars of the Worker (see wrangler.toml; secrets via `wrangler secret put`). */
export interface Env {
  TOWN: DurableObjectNamespace<TownDO>;
  /** Bearer token of the bot (and operators). */
  GASTOWN_API_TOKEN?: string;
  /** HMAC key of per-agent tokens; falls back to GASTOWN_API_TOKEN when unset. */
  GASTOWN_AGENT_SECRET?: string;
  /** fake | local | cloudflare: where agents run (worker/runtime/create-runtime.ts). */
  GASTOWN_RUNTIME?: string;
  /** One container per town, when GASTOWN_RUNTIME=cloudflare (a [[containers]] entry in wrangler.toml). */
  TOWN_CONTAINER?: DurableObjectNamespace<TownContainer>;
  GASTOWN_CONTAINER_URL?: string;
  /** Bearer token of the container control server, when it requires one. */
  GASTOWN_CONTAINER_TOKEN?: string;
  /** The mayor's model (worker/mayor/config.ts): Anthropic Messages API or OpenAI-compatible. */
  ANTHROPIC_BASE_URL?: string;
  ANTHROPIC_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_API_KEY?: string;
  GASTOWN_MODEL?: string;
  /** Seconds between live terminal snapshots of a working agent (default 15). */
  GASTOWN_SNAPSHOT_SECONDS?: string;
  /** Public URL agents call back on (defaults to the request origin). */
  GASTOWN_WORKER_URL?: string;
}
