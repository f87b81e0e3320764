import type { AgentRuntime, Logger } from "../../core/ports";
import type { TownDb } from "../../db/client";
import type { Env } from "../env";
import { mayorModelFromEnv } from "../mayor/config";
import { runRefinery } from "../refinery/pass";
import { modelReviewer } from "../refinery/review";
import type { ReconcileContext } from "./context";
import { type ReconcileResult, reconcile } from "./reconcile";
import { armAlarm } from "./schedule";
import { refreshSnapshots, snapshotEveryMs } from "./snapshots";
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

/**
 * TownDO.alarm(): one reconciler pass, then the refinery's pass (worker/refinery), then the
 * live snapshots, then the alarm set for the next one (never later than one already asked for).
 */
export async function runReconcilerAlarm(host: ReconcilerHost, now: number, policy: ReconcilePolicy = DEFAULT_POLICY): Promise<ReconcileResult> {
  const result = await reconcile(reconcileContext(host, policy), now);
  // The LLM review (rigs with `review: llm`) runs on the mayor's model; without one a person decides.
  const model = mayorModelFromEnv(host.env);
  const refinery = await runRefinery({
    db: host.db,
    runtime: host.runtime,
    log: host.log.child("refinery"),
    now: () => Math.max(now, Date.now()),
    reviewer: model ? modelReviewer(model) : null,
  });
  // A merge that closed a bead released its polecat: the reconciler has work right away.
  const refineryAt = refinery.changed ? Math.max(now, Date.now()) : refinery.nextAlarmAt;
  const snapshotsAt = await refreshSnapshots({ db: host.db, runtime: host.runtime, log: host.log.child("snapshots"), now: Math.max(now, Date.now()), everyMs: snapshotEveryMs(host.env.GASTOWN_SNAPSHOT_SECONDS) });
  const next = [result.nextAlarmAt, refineryAt, snapshotsAt].filter((t): t is number => t !== null).reduce<number | null>((a, b) => (a === null ? b : Math.min(a, b)), null);
  await armAlarm(host.storage, next);
  return result;
}
