import type { StartAgentRequest } from "../../core/container-api";
import type { McpCommand } from "../mcp/gt-server-command";
import type { Launch, Workspace } from "../ports";

/**
 * What every agent adapter gets: typed settings from the container's composition root
 * (never process.env inside an adapter), the parsed start request and its workspace.
 */

/** The model endpoint agents talk to; which fields an adapter uses depends on its CLI. */
export interface ModelEndpoint {
  /** Anthropic Messages API base, without /v1 (Claude Code's ANTHROPIC_BASE_URL). */
  anthropicBaseUrl?: string;
  anthropicApiKey?: string;
  /** OpenAI-compatible base, with /v1 (OPENAI_BASE_URL convention). */
  openaiBaseUrl?: string;
  openaiApiKey?: string;
  /** Model id (GASTOWN_MODEL); each adapter has a default. */
  model?: string;
}

export interface AgentLauncherConfig {
  model: ModelEndpoint;
  /** Per-agent homes and config files live under `<stateDir>/agents/<agent-id>/`. */
  stateDir: string;
  /** How agent CLIs start the gt MCP server (see gtMcpCommand). */
  mcp: McpCommand;
  /** Base environment for agents (PATH, LANG...); HOME is replaced per agent. */
  env: Record<string, string>;
  /** Paths of the agent CLIs; default: the bare command names, found on PATH. */
  bins?: Partial<Record<"claude" | "opencode" | "codex" | "kilo", string>>;
}

export type StartRequest = ReturnType<typeof StartAgentRequest.parse>;

export interface AdapterContext {
  req: StartRequest;
  ws: Workspace;
  cfg: AgentLauncherConfig;
  /** This agent's private dir (created): HOME and config files go here, never into the worktree. */
  agentDir: string;
}

/** One agent CLI: builds its argv, env and config files. */
export interface AgentAdapter {
  build(ctx: AdapterContext): Promise<Launch>;
}
