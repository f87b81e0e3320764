import { afterAll, beforeAll, expect, it } from "vitest";
import { until } from "../../test/fakes/slack-harness";
import { type MayorTown, startMayorTown } from "../../test/mayor-e2e-harness";

/**
 * mayor_first_edit_e2e_ms: the mayor's first visible words through the running town, timed in
 * Node with a real clock: from the scripted model's first text token leaving the model proxy
 * to the first Slack call (chat.postMessage or chat.update) carrying that text arriving at the
 * fake Slack. The path is the whole product: workerd's streaming client, the mayor_reply event,
 * the event stream WebSocket, the bot's projector and Slack Web API client. Each run is a new
 * mention, so a new conversation whose answer is one streamed sentence. Median and p90.
 */

const RUNS = 12;
const WARMUP = 2;
const WORDS = "Looking at the town now";
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;
const round = (n: number) => Number(n.toFixed(1));

let t: MayorTown | undefined;
beforeAll(async () => {
  t = await startMayorTown("anthropic", [{ name: "mayor", match: /You are the mayor/, turns: [{ text: `${WORDS}.` }] }]);
}, 240_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

it("measures the mayor's first visible edit after its first token, through the running town", async () => {
  const town = t;
  if (!town) throw new Error("the town did not start");
  const samples: number[] = [];
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const ts = `1920000000.${String(100 + i).padStart(6, "0")}`;
    const calls = town.capture.calls.length;
    // Not a command word (`status ...` would be `/gt status`): a question for the mayor.
    await town.mention(`how are things? (${i})`, ts);
    await until(() => town.slack.posts(ts).some((m) => m.text.includes(WORDS) && !m.text.includes("working")), `reply ${i}`, 60_000);
    const firstToken = town.capture.calls.slice(calls).find((c) => c.firstTextAt !== null)?.firstTextAt;
    const seen = town.slack.calls.find(
      (c) => (c.method === "chat.update" || (c.method === "chat.postMessage" && c.args.thread_ts === ts)) && String(c.args.text).includes(WORDS) && c.hrAt >= (firstToken ?? 0),
    );
    expect(firstToken).toBeTypeOf("number");
    expect(seen).toBeDefined();
    if (i >= WARMUP) samples.push((seen?.hrAt ?? 0) - (firstToken ?? 0));
    // Slack paces posts per channel (~1/s): start the next run's "thinking…" post on a fresh slot.
    await new Promise((r) => setTimeout(r, 1100));
  }
  const figures = { mayor_first_edit_e2e_ms: round(quantile(samples, 0.5)), mayor_first_edit_e2e_p90_ms: round(quantile(samples, 0.9)) };
  console.log(`BENCH ${JSON.stringify(figures)}`);
  expect(samples).toHaveLength(RUNS);
}, 300_000);
