import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { GastownError } from "../../core/errors";
import type { Launch } from "../ports";
import type { AdapterContext, AgentAdapter } from "./adapter";
import { baseEnv, gtEnv, keyTail, promptArg, secretNames, writePrivate } from "./common";

/**
 * Claude Code (`@anthropic-ai/claude-code`) in its interactive TUI, the prompt given as the
 * initial argument. Interactive rather than `-p`: the PTY then shows what a person at the
 * terminal would see (tool calls, diffs, the input box), nudges are typed into a live session,
 * and the agent stays up after its turn to receive mail. It runs offline against any
 * Anthropic-compatible endpoint once the approvals below are in ~/.claude.json.
 */
export class ClaudeAdapter implements AgentAdapter {
  /** Build argv/env and write HOME/.claude.json plus the MCP config. */
  async build(ctx: AdapterContext): Promise<Launch> {
    const { cfg, ws, agentDir } = ctx;
    const home = join(agentDir, "home");
    await mkdir(home, { recursive: true });
    const files: string[] = [];
    const key = cfg.model.anthropicApiKey;
    // Without a key Claude Code sits at "Not logged in" forever: refuse to start instead, so
    // the town shows a dispatch failure that says what to configure.
    if (!key) {
      throw new GastownError("unavailable", "no model configured for claude agents: give the container ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a non-Anthropic endpoint)");
    }

    // Without these the TUI stops on first-run screens: onboarding, folder trust, the
    // bypass-permissions warning, and "use this API key?" (approved by the key's tail).
    const state = {
      hasCompletedOnboarding: true,
      bypassPermissionsModeAccepted: true,
      autoUpdates: false,
      numStartups: 1,
      customApiKeyResponses: { approved: [keyTail(key)], rejected: [] },
      projects: {
        [ws.cwd]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, projectOnboardingSeenCount: 1, allowedTools: [] },
      },
    };
    files.push(await writePrivate(join(home, ".claude.json"), JSON.stringify(state, null, 2)));

    // The MCP config names the gt settings by ${VAR}; Claude Code expands them from its own
    // env, so the agent token stays out of the file.
    const mcpEnv = Object.fromEntries(Object.keys(gtEnv(ctx)).map((k) => [k, `\${${k}}`]));
    const mcp = { mcpServers: { gt: { type: "stdio", command: cfg.mcp.command, args: cfg.mcp.args, env: mcpEnv } } };
    const mcpPath = join(agentDir, "mcp.json");
    files.push(await writePrivate(mcpPath, JSON.stringify(mcp, null, 2)));

    const env: Record<string, string> = {
      ...baseEnv(ctx, home),
      // The container is the sandbox: Claude Code refuses bypass mode as root without this.
      IS_SANDBOX: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_TELEMETRY: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_ERROR_REPORTING: "1",
    };
    if (cfg.model.anthropicBaseUrl) env.ANTHROPIC_BASE_URL = cfg.model.anthropicBaseUrl;
    env.ANTHROPIC_API_KEY = key;
    const model = cfg.model.model;
    if (model) {
      // Side requests (titles, summaries) use the "small fast" model: keep them on the same one.
      env.ANTHROPIC_SMALL_FAST_MODEL = model;
      env.ANTHROPIC_DEFAULT_HAIKU_MODEL = model;
    }

    const argv: [string, ...string[]] = [
      cfg.bins?.claude ?? "claude",
      "--dangerously-skip-permissions",
      "--strict-mcp-config",
      "--mcp-config",
      mcpPath,
      ...(model ? ["--model", model] : []),
      // `--` ends options (and the variadic --mcp-config), so any prompt text is the prompt.
      "--",
      await promptArg(ctx, files),
    ];
    return { argv, env, cwd: ws.cwd, secretEnv: secretNames(env), files };
  }
}
