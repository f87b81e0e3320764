import type { Env } from "../env";
import { createAnthropicClient } from "./anthropic";
import type { ModelClient } from "./model";
import { createOpenAiClient } from "./openai";

const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5";
const DEFAULT_OPENAI_MODEL = "gpt-4.1";

/**
 * The mayor's model from the Worker's configuration: Anthropic when ANTHROPIC_API_KEY is set,
 * else an OpenAI-compatible endpoint when OPENAI_API_KEY is set, else none (the mayor says so).
 */
export function mayorModelFromEnv(env: Env, fetchImpl?: typeof fetch): ModelClient | null {
  if (env.ANTHROPIC_API_KEY) {
    return createAnthropicClient({
      baseUrl: env.ANTHROPIC_BASE_URL || "https://api.anthropic.com",
      apiKey: env.ANTHROPIC_API_KEY,
      model: env.GASTOWN_MODEL || DEFAULT_ANTHROPIC_MODEL,
      fetch: fetchImpl,
    });
  }
  if (env.OPENAI_API_KEY) {
    return createOpenAiClient({
      baseUrl: env.OPENAI_BASE_URL || "https://api.openai.com/v1",
      apiKey: env.OPENAI_API_KEY,
      model: env.GASTOWN_MODEL || DEFAULT_OPENAI_MODEL,
      fetch: fetchImpl,
    });
  }
  return null;
}

/** What the mayor answers when no model is configured: honest, with what works without it. */
export const NO_MODEL_REPLY = [
  "I can't think yet: no model is configured for the mayor in this town.",
  "",
  "To give me one, set on the Worker (`wrangler secret put` in production, `.env` locally):",
  "• `ANTHROPIC_API_KEY` (and optionally `ANTHROPIC_BASE_URL`), or",
  "• `OPENAI_API_KEY` with `OPENAI_BASE_URL` for any OpenAI-compatible endpoint,",
  "• and optionally `GASTOWN_MODEL` to pick the model.",
  "",
  "These work without me: `/gt rig add|list|remove`, `/gt sling <title>`, `/gt status [bead]`, `/gt peek <bead>`,",
  "`/gt nudge <bead> <text>`, `/gt stop <bead>`, `/gt mq`, `/gt merge <bead>`, `/gt convoy create|add|status`,",
  "`/gt escalations`, `/gt ack <escalation>`, `/gt oncall set <severity> <@who>`, `/gt help`.",
].join("\n");
