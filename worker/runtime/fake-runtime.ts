import { AgentInfo, MergeRequest, MergeResult, NudgeAgentRequest, type Snapshot, StartAgentRequest } from "../../core/container-api";
import { GastownError } from "../../core/errors";
import type { AgentRuntime, Clock } from "../../core/ports";
import { systemClock } from "../../core/ports";
import { parseRequest } from "./parse-request";

/** One call the fake received, in order. */
export type FakeRuntimeCall =
  | { op: "start"; req: StartAgentRequest }
  | { op: "stop"; agentId: string }
  | { op: "nudge"; agentId: string; text: string }
  | { op: "snapshot"; agentId: string }
  | { op: "list" }
  | { op: "merge"; req: MergeRequest };

interface FakeAgent {
  info: AgentInfo;
  screen: string[];
}

/**
 * An in-memory AgentRuntime: it validates requests like the container does, keeps agents in
 * a map, records every call, and can be told to fail. Used by tests and by
 * `GASTOWN_RUNTIME=fake` (a town that plans and dispatches without running any agent).
 */
export class FakeRuntime implements AgentRuntime {
  readonly calls: FakeRuntimeCall[] = [];
  private readonly agents = new Map<string, FakeAgent>();
  private failStarts: { count: number; message: string } = { count: 0, message: "" };
  private failNudges: { count: number; message: string } = { count: 0, message: "" };
  private failStops: { count: number; message: string } = { count: 0, message: "" };
  private mergeOutcome: MergeResult["outcome"] = "merged";

  constructor(private readonly clock: Clock = systemClock) {}

  /** The next `n` starts throw a `runtime_failed` error with `message`. */
  failNextStarts(n: number, message = "fake runtime: start refused"): void {
    this.failStarts = { count: n, message };
  }

  /** The next `n` nudges throw a `runtime_failed` error with `message`. */
  failNextNudges(n: number, message = "fake runtime: nudge refused"): void {
    this.failNudges = { count: n, message };
  }

  /** The next `n` stops throw a `runtime_failed` error with `message` (the agent keeps running). */
  failNextStops(n: number, message = "fake runtime: stop refused"): void {
    this.failStops = { count: n, message };
  }

  /** What the next merges report. */
  setMergeOutcome(outcome: MergeResult["outcome"]): void {
    this.mergeOutcome = outcome;
  }

  /** Marks an agent's process as ended, as if its CLI exited. */
  exit(agentId: string, exitCode = 0): void {
    const agent = this.require(agentId);
    agent.info = { ...agent.info, running: false, exitCode, pid: null };
  }

  /** Calls of one kind, in order. */
  callsOf<T extends FakeRuntimeCall["op"]>(op: T): Extract<FakeRuntimeCall, { op: T }>[] {
    return this.calls.filter((c): c is Extract<FakeRuntimeCall, { op: T }> => c.op === op);
  }

  async start(input: StartAgentRequest): Promise<AgentInfo> {
    const req = parseRequest(StartAgentRequest, input, "start request");
    this.calls.push({ op: "start", req: input });
    if (this.failStarts.count > 0) {
      this.failStarts.count--;
      throw new GastownError("runtime_failed", this.failStarts.message);
    }
    const existing = this.agents.get(req.agentId);
    if (existing?.info.running) throw new GastownError("conflict", `agent ${req.agentId} is already running`);
    const now = this.clock.now();
    const info = AgentInfo.parse({
      agentId: req.agentId,
      role: req.role,
      beadId: req.beadId,
      pid: 1000 + this.agents.size,
      running: true,
      exitCode: null,
      startedAt: now,
      lastOutputAt: null,
      branch: req.beadId ? `gt/${req.beadId}` : null,
      worktree: req.beadId && req.rig ? `/work/rigs/${req.rig.name}/worktrees/${req.beadId}` : null,
    });
    this.agents.set(req.agentId, { info, screen: [`$ ${req.kind} (${req.role}) ${req.beadId ?? ""}`.trimEnd()] });
    return info;
  }

  async stop(agentId: string): Promise<void> {
    this.calls.push({ op: "stop", agentId });
    if (this.failStops.count > 0) {
      this.failStops.count--;
      throw new GastownError("runtime_failed", this.failStops.message);
    }
    this.require(agentId);
    // Like the control server: a stopped agent is forgotten (its snapshot is gone too).
    this.agents.delete(agentId);
  }

  async nudge(agentId: string, text: string): Promise<void> {
    parseRequest(NudgeAgentRequest, { text }, "nudge");
    this.calls.push({ op: "nudge", agentId, text });
    if (this.failNudges.count > 0) {
      this.failNudges.count--;
      throw new GastownError("runtime_failed", this.failNudges.message);
    }
    const agent = this.require(agentId);
    if (!agent.info.running) throw new GastownError("conflict", `agent ${agentId} is not running`);
    agent.screen.push(...text.split("\n"));
    agent.info = { ...agent.info, lastOutputAt: this.clock.now() };
  }

  async snapshot(agentId: string): Promise<Snapshot> {
    this.calls.push({ op: "snapshot", agentId });
    const agent = this.require(agentId);
    const rows = 40;
    const visible = agent.screen.slice(-rows);
    const text = visible.join("\n");
    return { agentId, cols: 120, rows, text, ansi: text, scrollbackTail: "", cursor: { x: 0, y: visible.length }, at: this.clock.now() };
  }

  async list(): Promise<AgentInfo[]> {
    this.calls.push({ op: "list" });
    return [...this.agents.values()].map((a) => a.info);
  }

  async merge(input: MergeRequest): Promise<MergeResult> {
    parseRequest(MergeRequest, input, "merge request");
    this.calls.push({ op: "merge", req: input });
    const merged = this.mergeOutcome === "merged";
    return MergeResult.parse({
      outcome: this.mergeOutcome,
      commit: merged ? "0".repeat(40) : null,
      fastForward: merged,
      gates: [],
      conflicts: this.mergeOutcome === "conflict" ? ["README.md"] : [],
      diffStat: "",
      detail: `fake merge: ${this.mergeOutcome}`,
    });
  }

  private require(agentId: string): FakeAgent {
    const agent = this.agents.get(agentId);
    if (!agent) throw new GastownError("not_found", `agent ${agentId} not found`);
    return agent;
  }
}
