import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { AdapterContext } from "./adapter";
import { baseEnv, gtEnv } from "./common";

/**
 * Settings shared by opencode and Kilo (a fork of opencode with the same config shape):
 * one provider "gastown" pointing at the configured endpoint, permissions that let the agent
 * edit and run commands unattended, and the gt MCP server. The config goes in an env var
 * (`<PREFIX>_CONFIG_CONTENT`), never into the worktree, and names secrets as `{env:VAR}`.
 */

export const PROVIDER_ID = "gastown";

export interface OpencodeStyle {
  /** Model as the CLI wants it: `gastown/<model id>`. */
  model: string;
  config: Record<string, unknown>;
  env: Record<string, string>;
}

/** Config and env for an opencode-style CLI; `prefix` is OPENCODE or KILO. */
export async function opencodeStyle(ctx: AdapterContext, prefix: "OPENCODE" | "KILO"): Promise<OpencodeStyle> {
  const { cfg } = ctx;
  const home = join(ctx.agentDir, "home");
  await mkdir(home, { recursive: true });
  const openai = cfg.model.openaiBaseUrl !== undefined;
  const modelId = cfg.model.model ?? (openai ? "gpt-4.1" : "claude-sonnet-4-5");
  const provider = openai
    ? {
        npm: "@ai-sdk/openai-compatible",
        options: { baseURL: cfg.model.openaiBaseUrl, apiKey: "{env:OPENAI_API_KEY}" },
      }
    : {
        npm: "@ai-sdk/anthropic",
        options: { baseURL: `${(cfg.model.anthropicBaseUrl ?? "https://api.anthropic.com").replace(/\/+$/, "")}/v1`, apiKey: "{env:ANTHROPIC_API_KEY}" },
      };
  const environment = Object.fromEntries(Object.keys(gtEnv(ctx)).map((k) => [k, `{env:${k}}`]));
  const config = {
    $schema: "https://opencode.ai/config.json",
    autoupdate: false,
    share: "disabled",
    model: `${PROVIDER_ID}/${modelId}`,
    small_model: `${PROVIDER_ID}/${modelId}`,
    provider: {
      [PROVIDER_ID]: { ...provider, name: "Gastown", models: { [modelId]: { name: modelId, tool_call: true } } },
    },
    permission: { edit: "allow", bash: "allow", webfetch: "allow" },
    mcp: { gt: { type: "local", command: [cfg.mcp.command, ...cfg.mcp.args], environment, enabled: true } },
  };

  const env: Record<string, string> = {
    ...baseEnv(ctx, home),
    // A fresh HOME: the XDG dirs follow it, so no state leaks between agents.
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    XDG_CACHE_HOME: join(home, ".cache"),
    [`${prefix}_CONFIG_CONTENT`]: JSON.stringify(config),
    [`${prefix}_DISABLE_AUTOUPDATE`]: "1",
    [`${prefix}_DISABLE_MODELS_FETCH`]: "1",
    [`${prefix}_DISABLE_LSP_DOWNLOAD`]: "1",
    // A rig's own opencode.json must not re-point the provider or widen permissions.
    [`${prefix}_DISABLE_PROJECT_CONFIG`]: "1",
  };
  if (openai && cfg.model.openaiApiKey) env.OPENAI_API_KEY = cfg.model.openaiApiKey;
  if (!openai && cfg.model.anthropicApiKey) env.ANTHROPIC_API_KEY = cfg.model.anthropicApiKey;
  return { model: `${PROVIDER_ID}/${modelId}`, config, env };
}
