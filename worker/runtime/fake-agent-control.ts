import type { AgentControl } from "../../container/server";
import type { AgentInfo, MergeResult, Snapshot, StartAgentRequest } from "../../core/container-api";
import { conflict, notFound } from "../../core/errors";

/**
 * Test support: an in-memory supervisor behind the real control server (container/server.ts),
 * so HTTP runtimes are checked against the real routes, validation, errors and auth without
 * PTYs or agent CLIs. Same answers as the Supervisor: conflict on a double start, not_found
 * for unknown agents, stopped agents forgotten.
 */
export class FakeAgentControl implements AgentControl {
  private readonly agents = new Map<string, { info: AgentInfo; lines: string[] }>();

  get runningCount(): number {
    return [...this.agents.values()].filter((a) => a.info.running).length;
  }
  async start(req: StartAgentRequest): Promise<AgentInfo> {
    if (this.agents.get(req.agentId)?.info.running) throw conflict(`agent ${req.agentId} is already running`);
    const info: AgentInfo = {
      agentId: req.agentId,
      role: req.role,
      beadId: req.beadId,
      pid: 4242,
      running: true,
      exitCode: null,
      startedAt: 1,
      lastOutputAt: null,
      branch: req.beadId ? `gt/${req.beadId}` : null,
      worktree: null,
    };
    this.agents.set(req.agentId, { info, lines: [] });
    return info;
  }
  async stop(agentId: string): Promise<void> {
    this.get(agentId);
    this.agents.delete(agentId);
  }
  async nudge(agentId: string, text: string): Promise<void> {
    this.get(agentId).lines.push(text);
  }
  async snapshot(agentId: string): Promise<Snapshot> {
    const text = this.get(agentId).lines.join("\n");
    return { agentId, cols: 80, rows: 24, text, ansi: text, scrollbackTail: "", cursor: { x: 0, y: 0 }, at: 1 };
  }
  resize(agentId: string): AgentInfo {
    return this.get(agentId).info;
  }
  list(): AgentInfo[] {
    return [...this.agents.values()].map((a) => a.info);
  }
  private get(agentId: string) {
    const agent = this.agents.get(agentId);
    if (!agent) throw notFound(`agent ${agentId}`);
    return agent;
  }
}

/** A merge answer for control servers built in tests. */
export const MERGED: MergeResult = { outcome: "merged", commit: "a".repeat(40), fastForward: true, gates: [], conflicts: [], diffStat: "1 file changed", detail: "ok" };
