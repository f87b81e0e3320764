import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import type { Actor } from "../../core/domain";
import { StreamServerFrame } from "../../core/events";

/**
 * escalation_ping_ms: from the moment a person's `/gt escalate` reaches the Town API
 * (`POST /towns/:town/escalations`) to the moment a bot connected to the town's event stream
 * (`/towns/:town/events`, WebSocket) receives the `escalation_raised` frame naming the on-call
 * target: the ping the bot posts. Median (and p90) over RUNS escalations in one town.
 *
 * workerd's clock only moves across I/O, so every sample starts just before a fetch and ends in
 * a WebSocket message handler: both are I/O boundaries and the span is honest wall time, in
 * whole milliseconds.
 */

const TOKEN = "bench-token";
const RUNS = 200;
const WARMUP = 10;
const ACTOR: Actor = { kind: "user", id: "slack:UBENCH", name: "bench" };

interface Ping {
  at: number;
  targets: string[];
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;

async function call(town: string, method: string, path: string, body: unknown): Promise<unknown> {
  const res = await SELF.fetch(`http://worker/towns/${town}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

it("measures escalation raised -> on-call ping frame on the event stream", async () => {
  const town = `local:bench-esc-${crypto.randomUUID().slice(0, 8)}`;
  await call(town, "POST", "/oncall", { severity: "high", targets: ["slack:user:UONCALL", "slack:group:SSRE"], actor: ACTOR });

  const res = await SELF.fetch(`http://worker/towns/${town}/events?after=0&consumer=bench`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${TOKEN}` } });
  const ws = res.webSocket;
  if (!ws) throw new Error(`stream refused: ${res.status}`);
  ws.accept();
  const waiting = new Map<string, (ping: Ping) => void>();
  ws.addEventListener("message", (e) => {
    const at = performance.now();
    const frame = StreamServerFrame.parse(JSON.parse(String(e.data)));
    if (frame.t !== "event" || frame.event.type !== "escalation_raised") return;
    waiting.get(frame.event.data.title)?.({ at, targets: frame.event.data.targets });
  });

  const samples: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const title = `bench escalation ${i}`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pinged = new Promise<Ping>((resolve, reject) => {
      waiting.set(title, resolve);
      timer = setTimeout(() => reject(new Error(`no ping for ${title} within 10 s`)), 10_000);
    });
    const start = performance.now();
    await call(town, "POST", "/escalations", { severity: "high", title, body: "the bench raised it", actor: ACTOR });
    const ping = await pinged;
    clearTimeout(timer);
    waiting.delete(title);
    expect(ping.targets).toEqual(["slack:user:UONCALL", "slack:group:SSRE"]);
    if (i >= WARMUP) samples.push(ping.at - start);
  }
  ws.close(1000, "done");

  const figures = { escalation_ping_ms: quantile(samples, 0.5), escalation_ping_p90_ms: quantile(samples, 0.9) };
  console.log(`BENCH ${JSON.stringify(figures)}`);
  expect(samples).toHaveLength(RUNS);
});
