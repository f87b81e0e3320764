import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { sql } from "drizzle-orm";
import type { Actor } from "../core/domain";
import { GastownError } from "../core/errors";
import { type TownEvent, TownEvent as TownEventSchema } from "../core/events";
import type { TownDb } from "./client";
import { readTownEvents } from "./outbox";

/** Test helpers for store functions: a fresh TownDO per call, its migrated db handed over. */

export const ALICE: Actor = { kind: "user", id: "U-ALICE", name: "alice" };

/** Runs `fn` inside a brand-new TownDO (random name) with its drizzle handle. */
export async function withTown<T>(fn: (db: TownDb, storage: DurableObjectStorage) => T | Promise<T>): Promise<T> {
  const stub = env.TOWN.get(env.TOWN.idFromName(`test-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (instance, state) => fn(instance.db, state.storage));
}

/** Every town event so far, oldest first (validated against the wire schema). */
export function allEvents(db: TownDb): TownEvent[] {
  return readTownEvents(db, 0, 100_000).map((e) => TownEventSchema.parse(e));
}

/** A controllable clock for tests: starts at a fixed instant, moves only when told. */
export function testClock(start = 1_800_000_000_000) {
  let t = start;
  return {
    now: () => t,
    tick: (ms = 1) => {
      t += ms;
      return t;
    },
  };
}

/** Runs `fn` and returns the GastownError it threw; fails the test when it threw nothing else. */
export function catchGastown(fn: () => unknown): GastownError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GastownError) return e;
    throw e;
  }
  throw new Error("expected a GastownError, nothing was thrown");
}

/** Row counts of the tables a refused change must leave untouched. */
export function counts(db: TownDb): { beads: number; deps: number; beadEvents: number; townEvents: number } {
  const n = (table: string) => db.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
  return { beads: n("beads"), deps: n("bead_deps"), beadEvents: n("bead_events"), townEvents: n("town_events") };
}
