import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { StartAgentRequest } from "../../core/container-api";
import { AgentId } from "../../core/ids";
import type { Logger } from "../../core/ports";
import type { Workspace, WorkspaceProvider } from "../ports";
import type { GitManager } from "./git-manager";

export interface GitWorkspaceProviderConfig {
  git: GitManager;
  /** Where agents without a bead (refinery, mayor, witness) get a scratch dir each. */
  scratchDir: string;
  logger: Logger;
}

/**
 * Workspaces for agents: a polecat (or any agent given a rig and a bead) gets the bead's git
 * worktree on `gt/<bead-id>`; an agent without a bead gets an empty scratch dir named by its
 * agent id. The refinery merges through GitManager.merge, not in its scratch dir.
 */
export class GitWorkspaceProvider implements WorkspaceProvider {
  private readonly log: Logger;
  constructor(private readonly cfg: GitWorkspaceProviderConfig) {
    this.log = cfg.logger.child("workspace");
  }

  /** Clone/fetch the rig and add the bead's worktree, or make the agent's scratch dir. */
  async prepare(req: StartAgentRequest): Promise<Workspace> {
    if (req.rig && req.beadId) {
      const wt = await this.cfg.git.addWorktree(req.rig, req.beadId);
      this.log.info("worktree ready", { agent: req.agentId, bead: req.beadId, reused: wt.reused });
      return { cwd: wt.path, branch: wt.branch };
    }
    const dir = this.scratchPath(req);
    await mkdir(dir, { recursive: true });
    return { cwd: dir, branch: null };
  }

  /** Remove the worktree (its branch and commits stay) or the scratch dir. */
  async release(req: StartAgentRequest, ws: Workspace): Promise<void> {
    if (req.rig && req.beadId) {
      await this.cfg.git.removeWorktree(req.rig, req.beadId);
      return;
    }
    const dir = this.scratchPath(req);
    // Only ever delete the dir we made, whatever the caller passes in ws.
    if (ws.cwd === dir) await rm(dir, { recursive: true, force: true });
  }

  /** Commits the polecat made on gt/<bead-id> that its rig's default branch lacks. */
  async commitsAhead(req: StartAgentRequest): Promise<number | null> {
    if (!req.rig || !req.beadId) return null;
    return this.cfg.git.branchAhead(req.rig, req.beadId);
  }

  private scratchPath(req: StartAgentRequest): string {
    return join(this.cfg.scratchDir, AgentId.parse(req.agentId));
  }
}
