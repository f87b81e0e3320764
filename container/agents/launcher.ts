import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { StartAgentRequest } from "../../core/container-api";
import { GastownError } from "../../core/errors";
import { AgentId } from "../../core/ids";
import type { AgentLauncher, Launch, Workspace } from "../ports";
import type { AgentAdapter, AgentLauncherConfig } from "./adapter";
import { ClaudeAdapter } from "./claude";
import { CodexAdapter } from "./codex";
import { CommandAdapter } from "./command";
import { KiloAdapter } from "./kilo";
import { OpencodeAdapter } from "./opencode";

export type { AgentLauncherConfig, ModelEndpoint } from "./adapter";

/**
 * The AgentLauncher of the container: picks the adapter for the request's agent kind
 * (`claude`, `opencode`, `codex`, `kilo` or `command:<argv>`) and gives it a private dir
 * for its HOME and config files, outside the worktree so nothing lands in a commit.
 */
export class CliAgentLauncher implements AgentLauncher {
  private readonly adapters: Record<"claude" | "opencode" | "codex" | "kilo" | "command", AgentAdapter>;

  constructor(private readonly cfg: AgentLauncherConfig) {
    this.adapters = {
      claude: new ClaudeAdapter(),
      opencode: new OpencodeAdapter(),
      codex: new CodexAdapter(),
      kilo: new KiloAdapter(),
      command: new CommandAdapter(),
    };
  }

  /** Build argv/env/config files for this agent kind in this workspace. */
  async build(input: StartAgentRequest, ws: Workspace): Promise<Launch> {
    const req = StartAgentRequest.parse(input);
    const adapter = req.kind.startsWith("command:") ? this.adapters.command : this.adapters[req.kind as keyof typeof this.adapters];
    if (!adapter) throw new GastownError("bad_request", `unknown agent kind ${req.kind}`);
    const agentDir = join(this.cfg.stateDir, "agents", AgentId.parse(req.agentId));
    await mkdir(agentDir, { recursive: true, mode: 0o700 });
    return adapter.build({ req, ws, cfg: this.cfg, agentDir });
  }
}
