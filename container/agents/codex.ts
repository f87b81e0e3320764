import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Launch } from "../ports";
import type { AdapterContext, AgentAdapter } from "./adapter";
import { baseEnv, gtEnv, promptArg, secretNames, writePrivate } from "./common";

/**
 * Codex (`@openai/codex`) with `codex exec`: runs the prompt to completion unattended. Codex
 * reads model providers only from `$CODEX_HOME/config.toml`, so each agent gets its own
 * CODEX_HOME with a "gastown" provider (OpenAI-compatible endpoint, key named by env_key)
 * and the gt MCP server, whose settings are forwarded from Codex's env (env_vars), keeping
 * the token out of the file. Not installed in this project's test environment: argv, env and
 * config are unit-tested only.
 */
export class CodexAdapter implements AgentAdapter {
  /** Build argv/env and write CODEX_HOME/config.toml. */
  async build(ctx: AdapterContext): Promise<Launch> {
    const { cfg, ws, agentDir } = ctx;
    const home = join(agentDir, "home");
    const codexHome = join(agentDir, "codex");
    await mkdir(home, { recursive: true });
    await mkdir(codexHome, { recursive: true });
    const files: string[] = [];
    const model = cfg.model.model ?? "gpt-5";
    const toml = codexConfig({
      model,
      baseUrl: cfg.model.openaiBaseUrl ?? "https://api.openai.com/v1",
      cwd: ws.cwd,
      mcpCommand: cfg.mcp.command,
      mcpArgs: cfg.mcp.args,
      mcpEnvVars: Object.keys(gtEnv(ctx)),
    });
    files.push(await writePrivate(join(codexHome, "config.toml"), toml));

    const env: Record<string, string> = { ...baseEnv(ctx, home), CODEX_HOME: codexHome };
    if (cfg.model.openaiApiKey) env.OPENAI_API_KEY = cfg.model.openaiApiKey;
    const argv: [string, ...string[]] = [
      cfg.bins?.codex ?? "codex",
      "exec",
      // The container is the sandbox; Codex's own sandbox would block git writes in .git.
      "--dangerously-bypass-approvals-and-sandbox",
      "--skip-git-repo-check",
      "--cd",
      ws.cwd,
      "--model",
      model,
      "--",
      await promptArg(ctx, files),
    ];
    return { argv, env, cwd: ws.cwd, secretEnv: secretNames(env), files };
  }
}

/** TOML basic strings share JSON's escapes for everything we write. */
const q = (s: string): string => JSON.stringify(s);

/** The agent's config.toml. */
export function codexConfig(o: { model: string; baseUrl: string; cwd: string; mcpCommand: string; mcpArgs: string[]; mcpEnvVars: string[] }): string {
  return [
    `model = ${q(o.model)}`,
    `model_provider = "gastown"`,
    `approval_policy = "never"`,
    `sandbox_mode = "danger-full-access"`,
    `check_for_update_on_startup = false`,
    "",
    "[model_providers.gastown]",
    `name = "Gastown"`,
    `base_url = ${q(o.baseUrl)}`,
    `env_key = "OPENAI_API_KEY"`,
    `wire_api = "responses"`,
    "",
    "[mcp_servers.gt]",
    `command = ${q(o.mcpCommand)}`,
    `args = [${o.mcpArgs.map(q).join(", ")}]`,
    `env_vars = [${o.mcpEnvVars.map(q).join(", ")}]`,
    "",
    `[projects.${q(o.cwd)}]`,
    `trust_level = "trusted"`,
    "",
  ].join("\n");
}
