import { rm } from "node:fs/promises";
import { type AgentInfo, type Snapshot, StartAgentRequest } from "../core/container-api";
import { conflict, errorMessage, GastownError, notFound } from "../core/errors";
import { type Clock, type Logger, systemClock } from "../core/ports";
import { type CallbackTarget, type HeartbeatBody, type LifecycleBody, WorkerCallbacks } from "./callbacks";
import type { AgentLauncher, Launch, Workspace, WorkspaceProvider } from "./ports";
import { type PtyHost, ThreadPtyHost } from "./pty-host";
import { PtySession } from "./pty-session";
import { createRedactor, type Redactor } from "./redact";

/** Runs `fn` every `ms`; returns a cancel function. Tests pass a hand-cranked one. */
export interface Ticker {
  every(ms: number, fn: () => void): () => void;
}

/** A ticker over setInterval that does not keep the process alive. */
export const intervalTicker: Ticker = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

export interface SupervisorOptions {
  /** Git worktrees (container/git). */
  workspace: WorkspaceProvider;
  /** argv/env per agent kind (container/agents). */
  launcher: AgentLauncher;
  logger: Logger;
  /** Lifecycle and heartbeat calls to the Worker; default: real HTTP. */
  callbacks?: WorkerCallbacks;
  clock?: Clock;
  ticker?: Ticker;
  /** Environment under every launch (PATH, HOME, LANG...). Container secrets stay out of it. */
  baseEnv?: Record<string, string>;
  /** Secret values redacted from every snapshot (model keys, the container token...). */
  secrets?: readonly string[];
  /** No output for this long makes an agent idle (one `idle` lifecycle event). */
  idleMs?: number;
  heartbeatMs?: number;
  /** How often idle and heartbeat are checked. */
  tickMs?: number;
  /** Terminal scrollback lines per agent (memory bound). */
  scrollback?: number;
  /** Scrollback lines shipped in a snapshot. */
  snapshotScrollbackLines?: number;
  /** Pause between nudge text and Enter. */
  enterDelayMs?: number;
  /** Time between SIGTERM and SIGKILL on stop. */
  stopGraceMs?: number;
  /** Exited agents kept for peeking; the oldest beyond this are forgotten. */
  keepExited?: number;
  /** Where the PTYs live; default: a ThreadPtyHost of this supervisor's own (closed by close()). */
  ptyHost?: PtyHost;
}

type StartRequest = ReturnType<typeof StartAgentRequest.parse>;

interface Agent {
  req: StartRequest;
  target: CallbackTarget;
  ws: Workspace;
  launch: Launch;
  session: PtySession;
  redactor: Redactor;
  log: Logger;
  idle: boolean;
  lastHeartbeatAt: number;
  heartbeatPending: boolean;
  /** Callbacks of one agent go out in order (started before exited). */
  queue: Promise<void>;
  /** Resolves when the exit was reported and the workspace released. */
  done: Promise<void>;
}

const sleep = (ms: number) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    t.unref();
  });

/**
 * Owns every agent of this container: starts them in PTYs inside prepared workspaces,
 * reports their lifecycle to the Worker, answers nudges and snapshots, stops them.
 */
export class Supervisor {
  private readonly agents = new Map<string, Agent>();
  private readonly starting = new Set<string>();
  /** Callback queues of stopped agents still delivering (drain waits for them). */
  private readonly retiring = new Set<Promise<void>>();
  private readonly log: Logger;
  private readonly callbacks: WorkerCallbacks;
  private readonly clock: Clock;
  private readonly cancelTick: () => void;
  private readonly o: SupervisorOptions;
  private readonly pty: PtyHost;

  constructor(opts: SupervisorOptions) {
    this.o = opts;
    this.pty = opts.ptyHost ?? new ThreadPtyHost({ logger: opts.logger });
    this.log = opts.logger.child("supervisor");
    this.callbacks = opts.callbacks ?? new WorkerCallbacks({ logger: opts.logger.child("callbacks") });
    this.clock = opts.clock ?? systemClock;
    this.cancelTick = (opts.ticker ?? intervalTicker).every(opts.tickMs ?? 5_000, () => this.tick());
  }

  /** Prepares the workspace, builds the launch and spawns the agent in a PTY. */
  async start(input: StartAgentRequest): Promise<AgentInfo> {
    const req = StartAgentRequest.parse(input);
    const id = req.agentId;
    if (this.starting.has(id) || this.agents.get(id)?.session.running) throw conflict(`agent ${id} is already running`);
    this.starting.add(id);
    try {
      const old = this.agents.get(id);
      if (old) {
        // A restart of an exited agent: its last screen is replaced by the new session.
        await old.done;
        old.session.dispose();
        this.agents.delete(id);
      }
      const log = this.log.child("agent", { agentId: id });
      const ws = await this.o.workspace.prepare(req);
      let launch: Launch;
      let session: PtySession;
      try {
        launch = await this.o.launcher.build(req, ws);
        const env = { ...this.o.baseEnv, TERM: "xterm-256color", COLORTERM: "truecolor", ...launch.env };
        session = await PtySession.start({
          host: this.pty,
          launch,
          env,
          cols: req.cols,
          rows: req.rows,
          logger: log,
          clock: this.clock,
          scrollback: this.o.scrollback,
          enterDelayMs: this.o.enterDelayMs,
        });
      } catch (cause) {
        await this.release(req, ws, null, log);
        throw cause instanceof GastownError ? cause : new GastownError("runtime_failed", `could not start agent ${id}`, { cause });
      }
      const secrets = [...(this.o.secrets ?? []), req.agentToken, ...launch.secretEnv.map((k) => launch.env[k] ?? "")];
      const agent: Agent = {
        req,
        target: { workerUrl: req.workerUrl, town: req.town, agentId: id, agentToken: req.agentToken },
        ws,
        launch,
        session,
        redactor: createRedactor({ secrets }),
        log,
        idle: false,
        lastHeartbeatAt: this.clock.now(),
        heartbeatPending: false,
        queue: Promise.resolve(),
        done: Promise.resolve(),
      };
      agent.done = session.exited.then(async ({ exitCode, signal }) => {
        log.info("agent exited", { exitCode, signal });
        // The Worker queues a merge for a polecat that left commits behind without gt_done.
        const commitsAhead = await this.commitsAhead(req, log);
        const ahead = commitsAhead === null ? {} : { commitsAhead };
        this.lifecycle(agent, signal ? { event: "exited", exitCode, detail: `killed by signal ${signal}`, ...ahead } : { event: "exited", exitCode, ...ahead });
        await this.release(req, ws, launch, log);
      });
      this.agents.set(id, agent);
      this.forgetOldExited();
      log.info("agent started", { pid: session.pid, role: req.role, kind: req.kind, beadId: req.beadId });
      this.lifecycle(agent, { event: "started" });
      return this.info(agent);
    } finally {
      this.starting.delete(id);
    }
  }

  private async commitsAhead(req: StartAgentRequest, log: Logger): Promise<number | null> {
    if (!this.o.workspace.commitsAhead) return null;
    try {
      return await this.o.workspace.commitsAhead(req);
    } catch (e) {
      log.warn("could not count the branch's commits", { error: e instanceof Error ? e.message : String(e) });
      return null;
    }
  }

  /** Stops the agent (SIGTERM, then SIGKILL after the grace time), releases its workspace, forgets it. */
  async stop(agentId: string): Promise<void> {
    const agent = this.get(agentId);
    const { session } = agent;
    if (session.running) {
      session.kill("SIGTERM");
      const ended = await Promise.race([session.exited.then(() => true), sleep(this.o.stopGraceMs ?? 5_000).then(() => false)]);
      if (!ended) {
        agent.log.warn("agent ignored SIGTERM, killing");
        session.kill("SIGKILL");
      }
    }
    await agent.done;
    session.dispose();
    if (this.agents.get(agentId) === agent) this.agents.delete(agentId);
    const queue = agent.queue.then(() => {
      this.retiring.delete(queue);
    });
    this.retiring.add(queue);
  }

  /** Types `text` into the agent's terminal and presses Enter. */
  async nudge(agentId: string, text: string): Promise<void> {
    const agent = this.get(agentId);
    if (!agent.session.running) throw conflict(`agent ${agentId} is not running`);
    await agent.session.nudge(text);
  }

  /** The agent's screen as a person would see it, secrets redacted. Works after exit too. */
  async snapshot(agentId: string): Promise<Snapshot> {
    const agent = this.get(agentId);
    await agent.session.flush();
    return agent.session.snapshot(agentId, agent.redactor, { scrollbackLines: this.o.snapshotScrollbackLines ?? 50 });
  }

  /** Resizes the agent's PTY and terminal. */
  resize(agentId: string, cols: number, rows: number): AgentInfo {
    const agent = this.get(agentId);
    agent.session.resize(cols, rows);
    return this.info(agent);
  }

  /** Every agent this container knows, running or exited. */
  list(): AgentInfo[] {
    return [...this.agents.values()].map((a) => this.info(a));
  }

  /** One agent's info; 404 when unknown. */
  describe(agentId: string): AgentInfo {
    return this.info(this.get(agentId));
  }

  /** Number of running agents. */
  get runningCount(): number {
    let n = 0;
    for (const a of this.agents.values()) if (a.session.running) n++;
    return n;
  }

  /** Waits until every callback queued so far has been delivered (or given up on). */
  async drain(): Promise<void> {
    await Promise.all([...[...this.agents.values()].map((a) => a.queue), ...this.retiring]);
  }

  /** Stops every agent and the ticker, then the PTY host unless it was given (shutdown). */
  async close(): Promise<void> {
    this.cancelTick();
    await Promise.all(
      [...this.agents.keys()].map((id) =>
        this.stop(id).catch((e: unknown) => this.log.error("stop on shutdown failed", { agentId: id, error: errorMessage(e) })),
      ),
    );
    if (!this.o.ptyHost) await this.pty.close();
  }

  /** Idle detection and heartbeats; run by the ticker. Public so tests can crank it. */
  tick(): void {
    const now = this.clock.now();
    const idleMs = this.o.idleMs ?? 60_000;
    const heartbeatMs = this.o.heartbeatMs ?? 30_000;
    for (const agent of this.agents.values()) {
      const { session } = agent;
      if (!session.running) continue;
      const activity = session.lastOutputAt ?? session.startedAt;
      const quiet = now - activity >= idleMs;
      if (quiet && !agent.idle) {
        agent.idle = true;
        agent.log.info("agent idle", { quietMs: now - activity });
        this.lifecycle(agent, { event: "idle" });
      } else if (!quiet && agent.idle) {
        agent.idle = false;
        this.heartbeat(agent, now, activity);
        continue;
      }
      if (now - agent.lastHeartbeatAt >= heartbeatMs) this.heartbeat(agent, now, activity);
    }
  }

  private heartbeat(agent: Agent, now: number, activityAt: number): void {
    agent.lastHeartbeatAt = now;
    // A slow Worker must not pile up heartbeats; the next one carries fresher news anyway.
    if (agent.heartbeatPending) return;
    agent.heartbeatPending = true;
    const body: HeartbeatBody = { status: agent.idle ? "idle" : "working", activityAt };
    this.enqueue(agent, async () => {
      await this.callbacks.heartbeat(agent.target, body);
      agent.heartbeatPending = false;
    });
  }

  private lifecycle(agent: Agent, body: LifecycleBody): void {
    this.enqueue(agent, async () => {
      await this.callbacks.lifecycle(agent.target, body);
    });
  }

  private enqueue(agent: Agent, job: () => Promise<void>): void {
    // WorkerCallbacks never rejects; the guard keeps the chain alive if that ever changes.
    agent.queue = agent.queue.then(job).catch((e: unknown) => agent.log.error("callback job failed", { error: errorMessage(e) }));
  }

  private async release(req: StartRequest, ws: Workspace, launch: Launch | null, log: Logger): Promise<void> {
    try {
      await this.o.workspace.release(req, ws);
    } catch (e) {
      log.error("workspace release failed", { error: errorMessage(e), worktree: ws.cwd });
    }
    for (const file of launch?.files ?? []) {
      await rm(file, { force: true }).catch((e: unknown) => log.warn("could not remove launch file", { file, error: errorMessage(e) }));
    }
  }

  private forgetOldExited(): void {
    const keep = this.o.keepExited ?? 50;
    const exited = [...this.agents.values()].filter((a) => !a.session.running);
    for (const a of exited.slice(0, Math.max(0, exited.length - keep))) {
      a.session.dispose();
      this.agents.delete(a.req.agentId);
    }
  }

  private get(agentId: string): Agent {
    const agent = this.agents.get(agentId);
    if (!agent) throw notFound(`agent ${agentId}`);
    return agent;
  }

  private info(a: Agent): AgentInfo {
    return {
      agentId: a.req.agentId,
      role: a.req.role,
      beadId: a.req.beadId,
      pid: a.session.pid,
      running: a.session.running,
      exitCode: a.session.exitCode,
      startedAt: a.session.startedAt,
      lastOutputAt: a.session.lastOutputAt,
      branch: a.ws.branch,
      worktree: a.ws.cwd,
    };
  }
}
