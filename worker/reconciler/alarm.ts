import type { AgentRuntime, Logger } from "../../core/ports";
import type { TownDb } from "../../db/client";
import type { Env } from "../env";
import type { ReconcileContext } from "./context";
import { type ReconcileResult, reconcile } from "./reconcile";
import { armAlarm } from "./schedule";
import { DEFAULT_POLICY, type ReconcilePolicy } from "./state";

/** Where agents call back when GASTOWN_WORKER_URL is not set: the local `wrangler dev`. */
export const DEFAULT_WORKER_URL = "http://127.0.0.1:8787";

/** What the TownDO hands the reconciler. */
export interface ReconcilerHost {
  db: TownDb;
  storage: DurableObjectStorage;
  runtime: AgentRuntime;
  log: Logger;
  env: Env;
  town: string;
}

/** The reconciler's context from the TownDO's parts and configuration. */
export function reconcileContext(host: ReconcilerHost, policy: ReconcilePolicy = DEFAULT_POLICY): ReconcileContext {
  return {
    db: host.db,
    runtime: host.runtime,
    log: host.log.child("reconciler"),
    town: host.town,
    workerUrl: host.env.GASTOWN_WORKER_URL ?? DEFAULT_WORKER_URL,
    agentSecret: host.env.GASTOWN_AGENT_SECRET ?? host.env.GASTOWN_API_TOKEN,
    policy,
  };
}

/** TownDO.alarm(): one pass, then the alarm set for the next one (never later than one already asked for). */
export async function runReconcilerAlarm(host: ReconcilerHost, now: number, policy: ReconcilePolicy = DEFAULT_POLICY): Promise<ReconcileResult> {
  const result = await reconcile(reconcileContext(host, policy), now);
  await armAlarm(host.storage, result.nextAlarmAt);
  return result;
}
