import type { AgentInfo, MergeResult, Snapshot } from "../../core/container-api";
import { GastownError } from "../../core/errors";
import type { AgentRuntime } from "../../core/ports";

/**
 * Stands in when the runtime cannot be built (bad GASTOWN_RUNTIME, missing binding): every
 * call fails with the configuration problem, so dispatches turn into visible
 * `dispatch_failed` events and runtime routes answer 503, instead of the town failing to load.
 */
export class UnavailableRuntime implements AgentRuntime {
  constructor(readonly reason: string) {}
  private fail(): never {
    throw new GastownError("unavailable", `agent runtime unavailable: ${this.reason}`);
  }
  async start(): Promise<AgentInfo> {
    return this.fail();
  }
  async stop(): Promise<void> {
    return this.fail();
  }
  async nudge(): Promise<void> {
    return this.fail();
  }
  async snapshot(): Promise<Snapshot> {
    return this.fail();
  }
  async list(): Promise<AgentInfo[]> {
    return this.fail();
  }
  async merge(): Promise<MergeResult> {
    return this.fail();
  }
}
