import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bead } from "../../core/domain";
import { FakeSlackApi } from "../../test/fakes/slack-api";
import { SIGNING_SECRET, type SlackHarness, startSlackHarness, until } from "../../test/fakes/slack-harness";
import { postSigned, slashCommandBody } from "../../test/fakes/slack-sign";
import { FakeTownApi } from "../../test/fakes/town-api";

/** A free TCP port on loopback (the bot binds it right after). */
async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Chat front figures: ack latency of signed slash commands at 200 req/s, event -> chat latency,
 * and Slack calls per bead from sling to merged. Real Bolt + Web API client, fake Slack and town.
 */
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(2));
};
const CH = "C0RIG";

describe("slack chat bench", () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
    await h.send(slashCommandBody({ text: "rig add https://github.com/acme/app.git", channelId: CH }));
    await until(() => h.town.channels.length === 1, "rig bound");
  });
  afterAll(async () => {
    await h.stop();
  });

  it("ack latency of signed slash commands at 200 req/s (bot in its own process, as deployed)", async () => {
    // The bot runs as `tsx bot/main.ts` so that the load generator and the fakes do not share its event loop.
    const slack = await new FakeSlackApi().start();
    const town = await new FakeTownApi().start();
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: { ...process.env, SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, GASTOWN_WORKER_URL: town.url, GASTOWN_API_TOKEN: town.token, BOT_PORT: String(port), LOG_LEVEL: "error" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error("bot did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
      const n = 400;
      const lat: number[] = [];
      const inflight: Promise<void>[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const wait = t0 + i * 5 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const body = slashCommandBody({ text: "help", channelId: CH, triggerId: `bench.${i}` });
        const start = performance.now();
        inflight.push(
          postSigned(`${base}/slack/events`, SIGNING_SECRET, body).then(async (res) => {
            lat.push(performance.now() - start);
            await res.arrayBuffer();
            expect(res.status).toBe(200);
          }),
        );
      }
      await Promise.all(inflight);
      await until(() => slack.handled("chat.postEphemeral").length >= n, "all help replies", 60_000);
      console.log(`BENCH ${JSON.stringify({ ack_p50_ms: pct(lat, 50), ack_p99_ms: pct(lat, 99), ack_samples: n })}`);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
      await slack.stop();
      await town.stop();
    }
  });

  it("event -> chat latency and chat calls per bead", async () => {
    const calls0 = h.slack.calls.length;
    await h.send(slashCommandBody({ text: "sling bench bead", channelId: CH }));
    await until(() => h.town.threads.length === 1 && h.town.acks.includes(h.town.events.length), "card");
    const beadId = h.town.threads[0]!.beadId;
    const bead = h.town.beads.get(beadId) as Bead;
    const lat: number[] = [];
    const measure = async (emit: () => void) => {
      const before = h.slack.calls.length;
      const start = performance.now();
      emit();
      await until(() => h.town.acks.includes(h.town.events.length), "acked");
      const first = h.slack.calls.slice(before).find((c) => c.method === "chat.update" || c.method === "chat.postMessage");
      if (first) lat.push(first.hrAt - start);
    };
    const upd = (status: Bead["status"]) => () => h.town.emit({ type: "bead_updated", beadId, rigId: bead.rigId, data: { bead: { ...bead, status, assignee: "polecat-app-1" }, changed: ["status"] } });
    await measure(upd("in_progress"));
    for (let i = 0; i < 5; i++) {
      await measure(() => h.town.emit({ type: "snapshot_updated", beadId, rigId: bead.rigId, data: { agentId: "polecat-app-1", text: `working ${i}`, ansi: `working ${i}`, cols: 40, rows: 2 } }));
    }
    await measure(upd("review"));
    for (const state of ["queued", "merging", "merged"] as const) {
      await measure(() => h.town.emit({ type: "merge_request_updated", beadId, rigId: bead.rigId, data: { mergeRequestId: "gt-mr01", sourceBeadId: beadId, branch: `gt/${beadId}`, state, detail: null } }));
    }
    await measure(() => h.town.emit({ type: "bead_closed", beadId, rigId: bead.rigId, data: { bead: { ...bead, status: "closed" }, reason: "merged" } }));
    const chatCalls = h.slack.calls.slice(calls0).filter((c) => c.method.startsWith("chat.") || c.method.startsWith("files.")).length;
    // More event -> chat samples on the live snapshot message.
    for (let i = 0; i < 100; i++) {
      await measure(() => h.town.emit({ type: "snapshot_updated", beadId, rigId: bead.rigId, data: { agentId: "polecat-app-1", text: `tick ${i}`, ansi: `tick ${i}`, cols: 40, rows: 2 } }));
    }
    console.log(`BENCH ${JSON.stringify({ event_to_chat_p50_ms: pct(lat, 50), event_to_chat_p99_ms: pct(lat, 99), chat_calls_per_bead: chatCalls })}`);
  });
});
