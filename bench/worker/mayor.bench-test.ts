import { env } from "cloudflare:test";
import { expect, inject, it } from "vitest";
import { silentLogger } from "../../core/logger";
import { addRig } from "../../db/rigs";
import { ALICE, withTown } from "../../db/test-helpers";
import { createAnthropicClient } from "../../worker/mayor/anthropic";
import { mayorTurn } from "../../worker/mayor/turn";

/**
 * mayor_first_edit_ms: from the moment the scripted model's first text token reaches the
 * Worker to the first visible edit (the mayor_reply event carrying it, published to the
 * stream). mayor_tool_overhead_ms: per tool step, the turn's time not spent waiting for the
 * model (tool run, zod, events, history).
 */

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function scripted(script: unknown[]) {
  const control = inject("modelControlUrl");
  const res = await fetch(`${control}/servers`, { method: "POST", body: JSON.stringify({ script }) });
  return ((await res.json()) as { url: string }).url;
}

/** A fetch that notes when the first text delta arrives and how long the model calls take. */
function timedFetch() {
  const stats = { firstTokenAt: [] as number[], modelMs: 0 };
  const f: typeof fetch = async (input, init) => {
    const start = performance.now();
    const res = await fetch(input, init);
    if (!res.body) return res;
    let seenText = false;
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          if (!seenText && new TextDecoder().decode(chunk).includes("text_delta")) {
            seenText = true;
            stats.firstTokenAt.push(performance.now());
          }
          ctl.enqueue(chunk);
        },
        flush() {
          stats.modelMs += performance.now() - start;
        },
      }),
    );
    return new Response(body, { status: res.status, headers: res.headers });
  };
  return { f, stats };
}

it("measures the mayor's first edit and per-tool overhead", async () => {
  const firstEdits: number[] = [];
  for (let run = 0; run < 15; run++) {
    const url = await scripted([{ text: "Looking into it now, one moment." }]);
    const { f, stats } = timedFetch();
    let editAt = 0;
    await withTown(async (db) => {
      const t = { db, log: silentLogger, env, now: () => Date.now(), runtime: undefined };
      const model = createAnthropicClient({ baseUrl: url, apiKey: "k", model: "m", fetch: f });
      await mayorTurn(t, { model, townName: "bench", publish: () => {} }, { platform: "slack", channelId: "C", threadId: "1.1", actor: ALICE, text: "hi" });
      // The first reply event with text is the first visible edit; its publish is synchronous.
      editAt = performance.now();
    });
    // Upper bound: the whole rest of the turn after the first token (one short text).
    if (stats.firstTokenAt[0] !== undefined) firstEdits.push(editAt - stats.firstTokenAt[0]);
  }

  const steps = 40;
  const script = [
    ...Array.from({ length: steps }, (_, i) => ({ tools: [{ name: "sling", input: { rig: "api", title: `bench bead ${i}` } }] })),
    { text: "done" },
  ];
  const url = await scripted(script);
  const { f, stats } = timedFetch();
  let overhead = 0;
  await withTown(async (db) => {
    addRig(db, { name: "api", gitUrl: "https://example.com/api.git", actor: ALICE }, Date.now());
    const t = { db, log: silentLogger, env, now: () => Date.now(), runtime: undefined };
    const model = createAnthropicClient({ baseUrl: url, apiKey: "k", model: "m", fetch: f });
    const start = performance.now();
    const r = await mayorTurn(t, { model, townName: "bench", publish: () => {}, budget: { maxSteps: steps + 2, maxTokens: 10_000_000, maxOutputTokens: 1024 } }, { platform: "slack", channelId: "C", threadId: "1.2", actor: ALICE, text: "sling a lot" });
    const total = performance.now() - start;
    expect(r.toolCalls).toBe(steps);
    overhead = Math.max(0, total - stats.modelMs) / steps;
  });
  const figures = { mayor_first_edit_ms: Number(median(firstEdits).toFixed(2)), mayor_tool_overhead_ms: Number(overhead.toFixed(2)) };
  console.log(`BENCH ${JSON.stringify(figures)}`);
  expect(firstEdits.length).toBeGreaterThan(0);
});
