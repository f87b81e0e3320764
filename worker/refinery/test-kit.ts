import { env } from "cloudflare:workers";
import { type MergeRequest, MergeResult } from "../../core/container-api";
import type { RigConfig } from "../../core/domain";
import type { TownEventOf } from "../../core/events";
import { silentLogger } from "../../core/logger";
import { listAgents } from "../../db/agents";
import type { TownDb } from "../../db/client";
import { resolveMergeRequest } from "../../db/merge-requests";
import { addRig } from "../../db/rigs";
import { sling } from "../../db/sling";
import { ALICE, allEvents, testClock, withTown } from "../../db/test-helpers";
import { reconcile } from "../reconciler/reconcile";
import { testReconcileContext } from "../reconciler/test-harness";
import { FakeRuntime } from "../runtime/fake-runtime";
import type { TownContext } from "../town/context";
import { agentDone } from "../town/agent-self";
import { type RefineryReport, runRefinery } from "./pass";
import { DEFAULT_REFINERY_POLICY, type RefineryPolicy } from "./policy";
import type { Reviewer } from "./review";

/**
 * Test kit of the refinery (workerd): a fresh town with rig `web`, a FakeRuntime whose merges
 * answer scripted MergeResults (and record how many merges of a rig run at once), a clock that
 * moves only when told, and the real reconciler and refinery passes.
 */

export const T0 = 1_800_000_000_000;

/** A MergeResult as the container answers; `over` replaces fields. */
export function mergeResult(over: Partial<MergeResult> = {}): MergeResult {
  return MergeResult.parse({
    outcome: "merged",
    commit: "a".repeat(40),
    fastForward: true,
    gates: [{ name: "test", ok: true, exitCode: 0, timedOut: false, output: "all good\n", ms: 5 }],
    conflicts: [],
    diffStat: " src/app.ts | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)",
    detail: "merged",
    ...over,
  });
}

/** A failing gate with this output. */
export function gateFailed(name: string, output: string, exitCode = 1): MergeResult {
  return mergeResult({
    outcome: "gates_failed",
    commit: null,
    gates: [{ name, ok: false, exitCode, timedOut: false, output, ms: 5 }],
    detail: `gate ${name} exited with ${exitCode}`,
  });
}

/** A merge conflict in these files. */
export function conflicted(files: string[]): MergeResult {
  return mergeResult({ outcome: "conflict", commit: null, fastForward: false, gates: [], conflicts: files, diffStat: "", detail: "conflict" });
}

/**
 * FakeRuntime whose merge answers the next scripted result (a merged one when the script is
 * empty). Each merge yields to the event loop a few times while "running", so merges that
 * could overlap do overlap; the highest overlap per rig is kept.
 */
export class ScriptedMergeRuntime extends FakeRuntime {
  readonly script: Array<MergeResult | Error> = [];
  readonly maxInFlight = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  /** Answer these next, in order (an Error is thrown instead, like an unreachable container). */
  answer(...results: Array<MergeResult | Error>): this {
    this.script.push(...results);
    return this;
  }

  override async merge(input: MergeRequest): Promise<MergeResult> {
    await super.merge(input);
    const rig = input.rig.name;
    const now = (this.inFlight.get(rig) ?? 0) + 1;
    this.inFlight.set(rig, now);
    this.maxInFlight.set(rig, Math.max(now, this.maxInFlight.get(rig) ?? 0));
    try {
      for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
      const next = this.script.shift() ?? mergeResult();
      if (next instanceof Error) throw next;
      return next;
    } finally {
      this.inFlight.set(rig, (this.inFlight.get(rig) ?? 1) - 1);
    }
  }

  /** The merge requests the refinery sent, in order. */
  merges(): MergeRequest[] {
    return this.callsOf("merge").map((c) => c.req);
  }
}

export interface RefineryKit {
  db: TownDb;
  runtime: ScriptedMergeRuntime;
  clock: ReturnType<typeof testClock>;
  rigId: string;
  /** The TownContext agent callbacks (gt_done) run with. */
  t: TownContext;
  /** A bead slung on `web` and dispatched to a polecat; returns the bead and its polecat. */
  work(title: string): Promise<{ beadId: string; agentId: string }>;
  /** gt_done from the polecat holding the bead; returns the merge request id. */
  done(beadId: string, summary?: string): string;
  /** One refinery pass at the clock's time. */
  refine(): Promise<RefineryReport>;
  /** One reconciler pass at the clock's time. */
  reconcile(): Promise<void>;
  /** merge_request_updated events so far (optionally of one merge request). */
  mergeEvents(mrId?: string): TownEventOf<"merge_request_updated">[];
}

/** Runs `fn` against a new town whose rig `web` has the given config. */
export function withRefinery<T>(
  config: Partial<RigConfig>,
  fn: (k: RefineryKit) => Promise<T>,
  policy: RefineryPolicy = DEFAULT_REFINERY_POLICY,
  reviewer: Reviewer | null = null,
): Promise<T> {
  return withTown(async (db) => {
    const clock = testClock(T0);
    const runtime = new ScriptedMergeRuntime(clock);
    const rig = addRig(db, { name: "web", gitUrl: "https://example.com/web.git", config: { maxPolecats: 2, ...config }, actor: ALICE }, clock.now());
    const rctx = testReconcileContext(db, runtime);
    const t: TownContext = { db, log: silentLogger, env, now: () => clock.now(), runtime };
    const kit: RefineryKit = {
      db,
      runtime,
      clock,
      rigId: rig.id,
      t,
      async work(title) {
        const { bead, agent } = sling(db, { rig: "web", title, actor: ALICE }, clock.tick());
        if (!agent) throw new Error(`no free polecat for ${title}`);
        await reconcile(rctx, clock.now());
        return { beadId: bead.id, agentId: agent.id };
      },
      done(beadId, summary = "done") {
        const holder = listAgents(db, { role: "polecat" }).find((a) => a.hookedBeadId === beadId);
        if (!holder) throw new Error(`no polecat holds ${beadId}`);
        agentDone(t, holder.id, { summary });
        return resolveMergeRequest(db, beadId).beadId;
      },
      refine: () => runRefinery({ db, runtime, log: silentLogger, now: () => clock.now(), policy, reviewer }),
      async reconcile() {
        await reconcile(rctx, clock.now());
      },
      mergeEvents: (mrId) =>
        allEvents(db).filter(
          (e): e is TownEventOf<"merge_request_updated"> => e.type === "merge_request_updated" && (mrId === undefined || e.data.mergeRequestId === mrId),
        ),
    };
    return fn(kit);
  });
}
