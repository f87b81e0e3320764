import type { MiddlewareHandler } from "hono";
import { timingSafeEqual, verifyAgentToken } from "../core/agent-token";
import { GastownError } from "../core/errors";
import type { AppEnv } from "./app-env";
import type { Env } from "./env";

/**
 * Town API auth. Two kinds of callers, headers only (no query-string tokens, no dev bypass):
 * - the bot/operator: `Authorization: Bearer <GASTOWN_API_TOKEN>`, compared in constant time;
 * - an agent: `Authorization: Bearer <agent token>` signed with GASTOWN_AGENT_SECRET
 *   (falling back to GASTOWN_API_TOKEN), scoped to one town and one agent.
 * Missing, malformed or expired credentials are 401; valid credentials used outside their
 * scope (another town, another agent, an agent on a bot route) are 403.
 */

/** The HMAC key of agent tokens; `unavailable` when the API token is not configured either. */
export function agentSecret(env: Env): string {
  const secret = env.GASTOWN_AGENT_SECRET || env.GASTOWN_API_TOKEN;
  if (!secret) throw new GastownError("unavailable", "GASTOWN_API_TOKEN is not set: the Town API refuses every request until it is");
  return secret;
}

function bearer(header: string | undefined): string {
  const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw new GastownError("unauthorized", "missing bearer token (Authorization: Bearer <token>)");
  return match[1];
}

/**
 * Identifies the caller of `/towns/:town/*` and stores it as `principal`. Runs after the
 * town middleware, so `town` is already validated.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const apiToken = c.env.GASTOWN_API_TOKEN;
  if (!apiToken) throw new GastownError("unavailable", "GASTOWN_API_TOKEN is not set: the Town API refuses every request until it is");
  const token = bearer(c.req.header("Authorization"));
  if (timingSafeEqual(token, apiToken)) {
    c.set("principal", { kind: "bot" });
    return next();
  }
  // Agent tokens are `<claims>.<signature>`; anything else was meant as the bot token.
  if (!token.includes(".")) throw new GastownError("unauthorized", "invalid bearer token");
  const claims = await verifyAgentToken(agentSecret(c.env), token, Date.now());
  if (claims.town !== c.var.town) throw new GastownError("forbidden", "this agent token belongs to another town");
  c.set("principal", { kind: "agent", agent: claims.agent });
  return next();
};

/** Only the bot/operator token may pass. */
export const botOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.principal.kind !== "bot") throw new GastownError("forbidden", "this route needs the bot token, not an agent token");
  return next();
};

/** Only the agent named in the path (`:agent`) may pass, with its own token. */
export const selfAgentOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const p = c.var.principal;
  if (p.kind !== "agent") throw new GastownError("forbidden", "this route needs the agent's own token");
  if (p.agent !== c.req.param("agent")) throw new GastownError("forbidden", "this agent token belongs to another agent");
  return next();
};
