import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import type { Actor } from "../../core/domain";
import { StreamServerFrame } from "../../core/events";
import { type LocalTown, startLocalTown } from "../../test/harness/local-town";

/**
 * escalation_ping_wrangler_dev_ms: the same path as bench/worker/escalation.bench-test.ts
 * (POST /towns/:town/escalations -> the `escalation_raised` frame on the event stream), timed
 * from Node with a real clock against `wrangler dev` as `npm start` runs it (HTTP and a
 * WebSocket over loopback, like the bot). Median and p90 over RUNS.
 */

const RUNS = 100;
const WARMUP = 10;
const ACTOR: Actor = { kind: "user", id: "slack:UBENCH", name: "bench" };
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;
const round = (n: number) => Number(n.toFixed(2));

let town: LocalTown | undefined;
beforeAll(async () => {
  town = await startLocalTown({ parts: ["worker"] });
}, 180_000);
afterAll(async () => {
  await town?.stop();
}, 60_000);

it("measures escalation raised -> on-call ping frame against wrangler dev", async () => {
  const t = town;
  if (!t) throw new Error("the local town did not start");
  const id = `local:bench-esc-${Date.now().toString(36)}`;
  const set = await t.api("POST", `/towns/${id}/oncall`, { severity: "critical", targets: ["slack:user:UONCALL"], actor: ACTOR });
  expect(set.status).toBe(200);

  const ws = new WebSocket(`${t.workerUrl.replace("http", "ws")}/towns/${id}/events?after=0&consumer=bench`, { headers: { authorization: `Bearer ${t.token}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const waiting = new Map<string, (at: number) => void>();
  ws.on("message", (raw) => {
    const at = performance.now();
    const frame = StreamServerFrame.parse(JSON.parse(String(raw)));
    if (frame.t === "event" && frame.event.type === "escalation_raised") waiting.get(frame.event.data.title)?.(at);
  });

  const samples: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const title = `bench escalation ${i}`;
    let timer: NodeJS.Timeout | undefined;
    const pinged = new Promise<number>((resolve, reject) => {
      waiting.set(title, resolve);
      timer = setTimeout(() => reject(new Error(`no ping for ${title} within 10 s`)), 10_000);
    });
    const start = performance.now();
    const res = await t.api("POST", `/towns/${id}/escalations`, { severity: "critical", title, actor: ACTOR });
    expect(res.status).toBe(201);
    const at = await pinged;
    clearTimeout(timer);
    waiting.delete(title);
    if (i >= WARMUP) samples.push(at - start);
  }
  ws.close();

  const figures = { escalation_ping_wrangler_dev_ms: round(quantile(samples, 0.5)), escalation_ping_wrangler_dev_p90_ms: round(quantile(samples, 0.9)) };
  console.log(`BENCH ${JSON.stringify(figures)}`);
  expect(samples).toHaveLength(RUNS);
}, 300_000);
