import type { z } from "zod";
import { errorMessage } from "../core/errors";
import type { Logger } from "../core/ports";
import type { AgentHeartbeatRequest, AgentLifecycleRequest } from "../core/town-api";

/** Who a callback is about and how to reach the Worker on its behalf. */
export interface CallbackTarget {
  workerUrl: string;
  town: string;
  agentId: string;
  /** The agent's scoped token, sent as a bearer token. */
  agentToken: string;
}

export type LifecycleBody = z.input<typeof AgentLifecycleRequest>;
export type HeartbeatBody = z.input<typeof AgentHeartbeatRequest>;

export interface WorkerCallbacksOptions {
  logger: Logger;
  fetch?: typeof fetch;
  /** Attempts per callback (first try included). */
  attempts?: number;
  /** Delay before retry n (1-based); tests pass zero. */
  backoffMs?: (attempt: number) => number;
  /** Per-attempt timeout. */
  timeoutMs?: number;
}

/** Statuses worth another try; other 4xx mean the request itself is wrong (bad token...). */
const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

/**
 * Calls from the container back to the Worker about an agent: lifecycle events and
 * heartbeats, with the agent's token. Retries a few times, then logs an error; never throws,
 * so a Worker outage cannot break the PTY loop.
 */
export class WorkerCallbacks {
  private readonly log: Logger;
  private readonly fetchFn: typeof fetch;
  private readonly attempts: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly timeoutMs: number;

  constructor(opts: WorkerCallbacksOptions) {
    this.log = opts.logger;
    this.fetchFn = opts.fetch ?? fetch;
    this.attempts = Math.max(1, opts.attempts ?? 4);
    this.backoffMs = opts.backoffMs ?? ((n) => 250 * 2 ** (n - 1));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** POST .../lifecycle; true when the Worker accepted it. */
  lifecycle(target: CallbackTarget, body: LifecycleBody): Promise<boolean> {
    return this.post(target, "lifecycle", body);
  }

  /** POST .../heartbeat; true when the Worker accepted it. */
  heartbeat(target: CallbackTarget, body: HeartbeatBody): Promise<boolean> {
    return this.post(target, "heartbeat", body);
  }

  private async post(target: CallbackTarget, kind: "lifecycle" | "heartbeat", body: LifecycleBody | HeartbeatBody): Promise<boolean> {
    const base = target.workerUrl.replace(/\/+$/, "");
    const url = `${base}/towns/${encodeURIComponent(target.town)}/agents/${encodeURIComponent(target.agentId)}/${kind}`;
    const fields = { agentId: target.agentId, town: target.town, kind, event: "event" in body ? body.event : undefined };
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let failure: string;
      let again = true;
      try {
        const res = await this.fetchFn(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${target.agentToken}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        // Drain the body so the connection can be reused.
        await res.arrayBuffer();
        if (res.ok) return true;
        failure = `HTTP ${res.status}`;
        again = retryable(res.status);
      } catch (e) {
        failure = errorMessage(e);
      }
      if (!again || attempt === this.attempts) {
        this.log.error("worker callback failed", { ...fields, attempt, failure });
        return false;
      }
      this.log.warn("worker callback failed, retrying", { ...fields, attempt, failure });
      await new Promise((r) => setTimeout(r, this.backoffMs(attempt)));
    }
    return false;
  }
}
