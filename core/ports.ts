import type { z } from "zod";
import type { AgentInfo, MergeRequest, MergeResult, Snapshot, StartAgentRequest } from "./container-api";

/** Where agents run: a Cloudflare Container in production, a local process in development. */
export interface AgentRuntime {
  start(req: StartAgentRequest): Promise<AgentInfo>;
  stop(agentId: string): Promise<void>;
  nudge(agentId: string, text: string): Promise<void>;
  snapshot(agentId: string): Promise<Snapshot>;
  list(): Promise<AgentInfo[]>;
  merge(req: MergeRequest): Promise<MergeResult>;
}

export type LogFields = Record<string, unknown>;

/** Structured logger, injected everywhere; never given tokens, secrets or bead bodies. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(scope: string, fields?: LogFields): Logger;
}

/** Time as the system sees it; tests pass a controllable clock. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export type Infer<T extends z.ZodTypeAny> = z.infer<T>;
