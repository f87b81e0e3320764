import { z } from "zod";
import { GastownError } from "../../core/errors";
import { errorMessage } from "../../core/errors";
import type { AgentRuntime, Clock, Logger } from "../../core/ports";
import type { Env } from "../env";
import { CloudflareContainerRuntime } from "./cloudflare-container-runtime";
import { FakeRuntime } from "./fake-runtime";
import { DEFAULT_CONTAINER_URL, LocalProcessRuntime } from "./local-process-runtime";
import { UnavailableRuntime } from "./unavailable-runtime";

/** Which AgentRuntime a Worker uses (GASTOWN_RUNTIME); local is the default of `npm start`. */
export const RuntimeKind = z.enum(["fake", "local", "cloudflare"]);
export type RuntimeKind = z.infer<typeof RuntimeKind>;

/** Parses GASTOWN_RUNTIME; unset means `local`, anything unknown is a configuration error. */
export function runtimeKind(env: Pick<Env, "GASTOWN_RUNTIME">): RuntimeKind {
  const parsed = RuntimeKind.safeParse(env.GASTOWN_RUNTIME ?? "local");
  if (!parsed.success) {
    throw new GastownError("internal", `GASTOWN_RUNTIME must be fake, local or cloudflare (got ${JSON.stringify(env.GASTOWN_RUNTIME)})`);
  }
  return parsed.data;
}

/**
 * Builds the town's AgentRuntime from configuration. The caller (TownDO) keeps the instance
 * for its lifetime, so a fake runtime's memory lasts as long as the town object.
 */
export function createRuntime(env: Env, town: string, clock?: Clock): AgentRuntime {
  const kind = runtimeKind(env);
  switch (kind) {
    case "fake":
      return new FakeRuntime(clock);
    case "local":
      return new LocalProcessRuntime({ baseUrl: env.GASTOWN_CONTAINER_URL ?? DEFAULT_CONTAINER_URL, token: env.GASTOWN_CONTAINER_TOKEN });
    case "cloudflare": {
      if (!env.TOWN_CONTAINER) {
        throw new GastownError("internal", "GASTOWN_RUNTIME=cloudflare needs the TOWN_CONTAINER Durable Object binding (a [[containers]] entry in wrangler.toml)");
      }
      return new CloudflareContainerRuntime({ namespace: env.TOWN_CONTAINER, town, token: env.GASTOWN_CONTAINER_TOKEN });
    }
  }
}

/**
 * The town's runtime, never throwing: a configuration error is logged once and every later
 * runtime call fails with it (see UnavailableRuntime), so the town still loads and serves.
 */
export function runtimeFor(env: Env, town: string, log: Logger, clock?: Clock): AgentRuntime {
  try {
    return createRuntime(env, town, clock);
  } catch (e) {
    log.error("agent runtime not configured", { error: errorMessage(e) });
    return new UnavailableRuntime(errorMessage(e));
  }
}
