import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { type Actor, Priority } from "../../core/domain";
import { closeBead, createBead } from "../../db/beads";
import type { TownDb } from "../../db/client";
import { addDependency } from "../../db/deps";
import { readyQueue } from "../../db/ready";
import { addRig } from "../../db/rigs";
import { sling } from "../../db/sling";

/**
 * Town store benchmark, inside the Durable Object (real DO SQLite in workerd):
 * a town of 10,000 beads and 20,000 blocks edges, built through the store functions
 * (every bead and edge with its events and cycle check), then
 * - ready_queue_ms / ready_queue_p99_ms: readyQueue (town-wide, 50 beads) latency;
 * - sling_per_s: slings (create bead + hook a polecat or queue it) per second.
 * The Workers clock ticks in whole milliseconds, so each latency sample times a batch of
 * BATCH consecutive calls and divides; the p99 is over those batch means.
 */

const BEADS = 10_000;
const EDGES = 20_000;
const CLUSTER = 100; // beads depend on earlier beads of their own cluster: a DAG of work groups
const CLOSED_SHARE = 0.4;
const SAMPLES = 200;
const BATCH = 20;
const SLINGS = 2_000;
const ACTOR: Actor = { kind: "system", id: "bench" };

/** Deterministic PRNG (mulberry32) so every run builds the same town. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

function fillTown(db: TownDb, rigNames: string[]): { edges: number } {
  const rand = rng(42);
  let t = 1_800_000_000_000;
  const ids: string[] = [];
  for (let i = 0; i < BEADS; i++) {
    const rig = rigNames[Math.floor(i / CLUSTER) % rigNames.length];
    const priority = Priority.options[Math.floor(rand() * 5)] ?? "P2";
    ids.push(createBead(db, { rig, title: `bench bead ${i}`, priority, actor: ACTOR }, t++).id);
  }
  let edges = 0;
  for (let i = 0; edges < EDGES; i = (i + 1) % BEADS) {
    const base = i - (i % CLUSTER);
    if (i === base) continue;
    const bead = ids[i];
    const target = ids[base + Math.floor(rand() * (i - base))];
    if (!bead || !target) continue;
    // a repeated pair is a no-op in the store, so count what is really there at the end
    addDependency(db, { beadId: bead, dependsOn: target, type: "blocks", actor: ACTOR }, t++);
    edges++;
    if (edges === EDGES) edges = countEdges(db);
  }
  for (const id of ids) if (rand() < CLOSED_SHARE) closeBead(db, id, { actor: ACTOR }, t++);
  return { edges: countEdges(db) };
}

function countEdges(db: TownDb): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM bead_deps WHERE type = 'blocks'`)?.n ?? 0;
}

it("fills a town and measures the ready queue and sling inside the DO", async () => {
  const stub = env.TOWN.get(env.TOWN.idFromName(`bench-${crypto.randomUUID()}`));
  const figures = await runInDurableObject(stub, (instance) => {
    const db = instance.db;
    const rigNames = ["api", "web", "infra", "docs"];
    for (const name of rigNames) addRig(db, { name, gitUrl: `https://git.example/${name}.git`, config: { maxPolecats: 3 }, actor: ACTOR }, 1);

    const fillStart = performance.now();
    const { edges } = fillTown(db, rigNames);
    const fillMs = performance.now() - fillStart;

    // warm-up, then latency samples
    for (let i = 0; i < 20; i++) readyQueue(db, { limit: 50 });
    const samples: number[] = [];
    let lastLength = 0;
    for (let s = 0; s < SAMPLES; s++) {
      const t0 = performance.now();
      for (let b = 0; b < BATCH; b++) lastLength = readyQueue(db, { limit: 50 }).length;
      samples.push((performance.now() - t0) / BATCH);
    }
    samples.sort((a, b) => a - b);

    const slingStart = performance.now();
    let hooked = 0;
    for (let i = 0; i < SLINGS; i++) {
      const res = sling(db, { rig: rigNames[i % rigNames.length] ?? "api", title: `slung ${i}`, actor: ACTOR }, 1_900_000_000_000 + i);
      if (!res.queued) hooked++;
    }
    const slingSec = (performance.now() - slingStart) / 1000;

    console.log(
      `town-store: filled ${BEADS} beads + ${edges} edges in ${round(fillMs / 1000, 1)} s; ready queue returned ${lastLength}; ${hooked}/${SLINGS} slings hooked, rest queued`,
    );
    return {
      ready_queue_ms: round(quantile(samples, 0.5)),
      sling_per_s: Math.round(SLINGS / Math.max(slingSec, 0.001)),
      ready_queue_p99_ms: round(quantile(samples, 0.99)),
      edges,
      lastLength,
    };
  });
  expect(figures.edges).toBe(EDGES);
  expect(figures.lastLength).toBe(50);
  console.log(`BENCH ${JSON.stringify({ ready_queue_ms: figures.ready_queue_ms, sling_per_s: figures.sling_per_s, ready_queue_p99_ms: figures.ready_queue_p99_ms })}`);
});
