import type { TownEventType } from "../../core/events";
import { silentLogger } from "../../core/logger";
import { listAgents } from "../../db/agents";
import type { TownDb } from "../../db/client";
import { addRig } from "../../db/rigs";
import { ALICE, allEvents, testClock, withTown } from "../../db/test-helpers";
import { FakeRuntime } from "../runtime/fake-runtime";
import type { ReconcileContext } from "./context";
import { type ReconcileResult, reconcile } from "./reconcile";
import { DEFAULT_POLICY } from "./state";

/** Test harness: a fresh town with one rig, a FakeRuntime and a clock that only moves when told. */

export const T0 = 1_800_000_000_000;
export const MIN = 60_000;

export interface Harness {
  db: TownDb;
  runtime: FakeRuntime;
  clock: ReturnType<typeof testClock>;
  ctx: ReconcileContext;
  /** One reconciler pass at the clock's time. */
  pass(): Promise<ReconcileResult>;
  /** Town events of one type so far. */
  events<T extends TownEventType>(type: T): ReturnType<typeof allEvents>;
  /** Agent ids the fake runtime runs right now. */
  running(): Promise<string[]>;
  /** Polecats of the rig holding a hook. */
  hooked(): number;
}

/** The reconciler's context in tests: town `local:test`, a fixed agent secret, default policy. */
export function testReconcileContext(db: ReconcileContext["db"], runtime: ReconcileContext["runtime"]): ReconcileContext {
  return { db, runtime, log: silentLogger, town: "local:test", workerUrl: "http://127.0.0.1:8787", agentSecret: "test-agent-secret", policy: DEFAULT_POLICY };
}

/** Runs `fn` against a new town with rig `web` (maxPolecats as given). */
export function withReconciler<T>(opts: { maxPolecats?: number }, fn: (h: Harness, rigId: string) => Promise<T>): Promise<T> {
  return withTown(async (db) => {
    const clock = testClock(T0);
    const runtime = new FakeRuntime(clock);
    const ctx = testReconcileContext(db, runtime);
    const rig = addRig(db, { name: "web", gitUrl: "https://example.com/web.git", config: { maxPolecats: opts.maxPolecats ?? 2 }, actor: ALICE }, clock.now());
    const h: Harness = {
      db,
      runtime,
      clock,
      ctx,
      pass: () => reconcile(ctx, clock.now()),
      events: (type) => allEvents(db).filter((e) => e.type === type),
      running: async () => (await runtime.list()).filter((a) => a.running).map((a) => a.agentId),
      hooked: () => listAgents(db, { rigId: rig.id, role: "polecat" }).filter((a) => a.hookedBeadId !== null).length,
    };
    return fn(h, rig.id);
  });
}
