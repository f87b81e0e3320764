import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import type { Actor } from "../core/domain";
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
