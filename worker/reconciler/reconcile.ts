import type { Action } from "./actions";
import { type ApplyReport, applyActions } from "./apply";
import type { ReconcileContext } from "./context";
import { hasWork, nextAlarmOf, plan } from "./plan";
import { readTownSnapshot } from "./snapshot";

export interface ReconcileResult {
  /** What this pass planned. */
  actions: Action[];
  report: ApplyReport;
  /** When the next pass should run; null when nothing waits on time. */
  nextAlarmAt: number | null;
}

/**
 * One reconciler pass: snapshot -> plan -> apply. The next wake-up comes from planning
 * again on the state the pass left behind: a failed dispatch has set its backoff by then,
 * so the answer is exact. Work still due right after applying (a delivery that failed) is
 * retried after `retryMs`, never in a hot loop.
 */
export async function reconcile(ctx: ReconcileContext, now: number): Promise<ReconcileResult> {
  const actions = plan(readTownSnapshot(ctx.db), now, ctx.policy);
  const report = await applyActions(ctx, actions, now);
  const after = plan(readTownSnapshot(ctx.db), now, ctx.policy);
  const next = nextAlarmOf(after);
  const retry = hasWork(after) ? now + ctx.policy.retryMs : null;
  const nextAlarmAt = next === null ? retry : retry === null ? next : Math.min(next, retry);
  if (report.applied + report.failed + report.skipped > 0) {
    ctx.log.info("reconciled", { ...report, planned: actions.length - 1, nextAlarmAt });
  }
  return { actions, report, nextAlarmAt };
}
