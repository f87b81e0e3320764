import type { StartAgentRequest } from "../core/container-api";

/**
 * Seams inside the container: the supervisor (PTYs, terminals, lifecycle) asks a workspace
 * provider for a git worktree and an adapter for the command line, so each can be built and
 * tested alone.
 */

/** A prepared place for an agent to work. */
export interface Workspace {
  /** Absolute path of the worktree (or a scratch dir for agents without a rig). */
  cwd: string;
  /** Branch checked out there, `gt/<bead-id>` for polecats; null when detached/none. */
  branch: string | null;
}

export interface WorkspaceProvider {
  /** Clone the rig if needed and add a worktree for the bead on `gt/<bead-id>`. */
  prepare(req: StartAgentRequest): Promise<Workspace>;
  /** Remove the worktree of a finished agent (keeps the branch). */
  release(req: StartAgentRequest, ws: Workspace): Promise<void>;
  /** Commits on the bead's branch not yet on the rig's default branch (null: no branch). */
  commitsAhead?(req: StartAgentRequest): Promise<number | null>;
}

/** What to spawn in the PTY. argv only: never a shell string. */
export interface Launch {
  argv: [string, ...string[]];
  env: Record<string, string>;
  cwd: string;
  /** Env var names whose values must be redacted from snapshots. */
  secretEnv: string[];
  /** Files the adapter wrote (configs), removed on release. */
  files: string[];
}

export interface AgentLauncher {
  /** Build argv/env/config files for this agent kind in this workspace. */
  build(req: StartAgentRequest, ws: Workspace): Promise<Launch>;
}
