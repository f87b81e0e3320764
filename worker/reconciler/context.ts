import type { Actor } from "../../core/domain";
import type { AgentRuntime, Logger } from "../../core/ports";
import type { TownDb } from "../../db/client";
import type { ReconcilePolicy } from "./state";

/** What the applier needs: the store, the runtime, and who and where this town is. */
export interface ReconcileContext {
  db: TownDb;
  runtime: AgentRuntime;
  log: Logger;
  /** Town id (agent tokens are scoped to it). */
  town: string;
  /** Where agents call back (heartbeats, gt tools). */
  workerUrl: string;
  /** HMAC key of agent tokens; when missing every dispatch fails visibly. */
  agentSecret: string | undefined;
  policy: ReconcilePolicy;
}

/** The reconciler acts as the witness in bead events and town events. */
export const WITNESS: Actor = { kind: "system", id: "witness", name: "witness" };

/** How long an agent token lives; a restart mints a fresh one. */
export const AGENT_TOKEN_TTL_MS = 24 * 60 * 60_000;
