import { env, SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import type { TownEventOf } from "../../core/events";
import { silentLogger } from "../../core/logger";
import { closeBead, listBeads } from "../../db/beads";
import type { TownDb } from "../../db/client";
import { convoyProgress, listConvoys } from "../../db/convoys";
import { ALICE, allEvents, withTown } from "../../db/test-helpers";
import { addRig } from "../../db/rigs";
import { createAnthropicClient } from "./anthropic";
import { NO_MODEL_REPLY } from "./config";
import type { TurnBudget } from "./loop";
import type { ModelClient } from "./model";
import { createOpenAiClient } from "./openai";
import { mayorTurn } from "./turn";

interface ScriptTurn {
  text?: string;
  tools?: { name: string; input: Record<string, unknown> }[];
}
interface LoggedRequest {
  api: string;
  tools: string[];
  turn: number | null;
  body: { messages?: unknown[] };
}

const control = () => inject("modelControlUrl");

async function scriptedModel(script: ScriptTurn[], opts: { failAfter?: number } = {}) {
  const res = await fetch(`${control()}/servers`, { method: "POST", body: JSON.stringify({ script, ...opts }) });
  const { id, url } = (await res.json()) as { id: string; url: string };
  return {
    url,
    requests: async () => ((await (await fetch(`${control()}/servers/${id}/requests`)).json()) as { requests: LoggedRequest[]; problems: string[] }),
  };
}

const clients: Record<"anthropic" | "openai", (url: string) => ModelClient> = {
  anthropic: (url) => createAnthropicClient({ baseUrl: url, apiKey: "sk-ant-test", model: "claude-test" }),
  openai: (url) => createOpenAiClient({ baseUrl: `${url}/v1`, apiKey: "sk-test", model: "gpt-test" }),
};

const thread = { platform: "slack" as const, channelId: "C-GENERAL", threadId: "1700000000.000100", actor: ALICE };

function turnIn(db: TownDb, model: ModelClient, text: string, budget?: TurnBudget) {
  const t = { db, log: silentLogger, env, now: () => Date.now(), runtime: undefined };
  return mayorTurn(t, { model, publish: () => {}, townName: "test town", budget }, { ...thread, text });
}

const replies = (db: TownDb) => allEvents(db).filter((e): e is TownEventOf<"mayor_reply"> => e.type === "mayor_reply");

describe.each(["anthropic", "openai"] as const)("the mayor over the %s API", (api) => {
  it("slings two beads on two rigs, groups them in a convoy, reports back, and answers a follow-up from real state", async () => {
    const model = await scriptedModel([
      {
        text: "On it.",
        tools: [
          { name: "sling", input: { rig: "api", title: "Login page times out on Safari", type: "bug", priority: "P1" } },
          { name: "sling", input: { rig: "web", title: "Bump the SDK", type: "task" } },
        ],
      },
      { tools: [{ name: "convoy_create", input: { name: "safari-and-sdk", bead_ids: ["$BEAD0", "$BEAD1"] } }] },
      { text: "Slung $BEAD0 (api) and $BEAD1 (web), tracked together in convoy $BEAD2." },
      { tools: [{ name: "convoy_status", input: { convoy_id: "$BEAD2" } }] },
      { text: "One of the two is done; the other is still being worked on." },
    ]);
    await withTown(async (db) => {
      addRig(db, { name: "api", gitUrl: "https://example.com/api.git", actor: ALICE }, Date.now());
      addRig(db, { name: "web", gitUrl: "https://example.com/web.git", actor: ALICE }, Date.now());

      const first = await turnIn(db, clients[api](model.url), "the login page times out on Safari, and bump the SDK in web while you're at it");
      expect(first.outcome).toBe("done");

      const work = listBeads(db, { type: "bug" }).concat(listBeads(db, { type: "task" }));
      expect(work.map((b) => b.title).sort()).toEqual(["Bump the SDK", "Login page times out on Safari"]);
      const rigsOf = new Set(work.map((b) => b.rigId));
      expect(rigsOf.size).toBe(2);
      for (const b of work) expect(b.createdBy).toMatchObject({ kind: "mayor", onBehalfOf: expect.stringContaining(ALICE.id) });

      const [convoy] = listConvoys(db);
      expect(convoy?.beads.map((b) => b.id).sort()).toEqual(work.map((b) => b.id).sort());
      for (const b of work) expect(first.text).toContain(b.id);
      expect(first.text).toContain(convoy?.convoyId);

      // The thread saw a "working" state, then the final reply, in one turn.
      const r1 = replies(db).filter((e) => e.data.turnId === first.turnId);
      expect(r1[0]?.data.done).toBe(false);
      expect(r1.some((e) => e.data.working?.includes("sling"))).toBe(true);
      expect(r1.at(-1)).toMatchObject({ data: { done: true, text: first.text, threadId: thread.threadId } });

      // Progress happens; the follow-up is answered from the town's real state.
      closeBead(db, work[0]!.id, { actor: ALICE, reason: "fixed" }, Date.now());
      const second = await turnIn(db, clients[api](model.url), "how is that going?");
      expect(second.outcome).toBe("done");
      expect(second.text).toContain("One of the two is done");
      const { requests, problems } = await model.requests();
      expect(problems).toEqual([]);
      const last = JSON.stringify(requests.at(-1)?.body);
      // The history of the thread went along, and the tool result carried the real progress.
      expect(last).toContain("the login page times out on Safari");
      expect(last).toMatch(/\\?"closed\\?":1/);
      expect(convoyProgress(db, convoy!.convoyId)).toMatchObject({ closed: 1, total: 2 });
    });
  });
});

describe("the mayor when things go wrong", () => {
  it("gives a tool called with bad arguments a tool error and recovers", async () => {
    const model = await scriptedModel([
      { tools: [{ name: "sling", input: { rig: "api" } }] },
      { tools: [{ name: "sling", input: { rig: "api", title: "Fix the flaky test" } }] },
      { text: "Slung $BEAD0." },
    ]);
    await withTown(async (db) => {
      addRig(db, { name: "api", gitUrl: "https://example.com/api.git", actor: ALICE }, Date.now());
      const r = await turnIn(db, clients.anthropic(model.url), "fix the flaky test");
      expect(r.outcome).toBe("done");
      expect(listBeads(db, { rig: "api" })).toHaveLength(1);
      const { requests } = await model.requests();
      const second = JSON.stringify(requests[1]?.body);
      expect(second).toContain('"is_error":true');
      expect(second).toMatch(/invalid arguments for sling: title/);
    });
  });

  it("cuts a model that never stops at the step budget, with a clear message", async () => {
    const forever = Array.from({ length: 30 }, () => ({ tools: [{ name: "list_rigs", input: {} }] }));
    const model = await scriptedModel(forever);
    await withTown(async (db) => {
      const r = await turnIn(db, clients.openai(model.url), "loop forever", { maxSteps: 4, maxTokens: 1_000_000, maxOutputTokens: 512 });
      expect(r.outcome).toBe("step_budget");
      expect(r.text).toMatch(/step budget/);
      expect((await model.requests()).requests.filter((q) => q.turn !== null)).toHaveLength(4);
      expect(replies(db).at(-1)?.data).toMatchObject({ done: true, text: r.text });
    });
  });

  it("says so in the thread when the model goes down mid-turn, leaving no half-created beads", async () => {
    const model = await scriptedModel(
      [{ tools: [{ name: "sling", input: { rig: "api", title: "First piece" } }] }, { tools: [{ name: "sling", input: { rig: "api", title: "Second piece" } }] }],
      { failAfter: 1 },
    );
    await withTown(async (db) => {
      addRig(db, { name: "api", gitUrl: "https://example.com/api.git", actor: ALICE }, Date.now());
      const r = await turnIn(db, clients.anthropic(model.url), "two pieces of work please");
      expect(r.outcome).toBe("model_error");
      expect(r.text).toMatch(/model stopped answering/);
      const beads = listBeads(db, { rig: "api" });
      expect(beads.map((b) => b.title)).toEqual(["First piece"]);
      const created = allEvents(db).filter((e) => e.type === "bead_created").map((e) => e.beadId);
      expect(created).toContain(beads[0]!.id);
      expect(replies(db).at(-1)?.data).toMatchObject({ done: true, text: r.text });
    });
  });

  it("answers honestly through the Town API when no model is configured", async () => {
    const town = `local:mayor-${crypto.randomUUID().slice(0, 8)}`;
    const res = await SELF.fetch(`http://town/towns/${encodeURIComponent(town)}/mayor`, {
      method: "POST",
      headers: { authorization: "Bearer test-bot-token", "content-type": "application/json" },
      body: JSON.stringify({ ...thread, text: "hello mayor" }),
    });
    expect(res.status).toBe(202);
    const { conversationId } = (await res.json()) as { conversationId: string };
    expect(conversationId).toMatch(/^mc-/);
    const stub = env.TOWN.get(env.TOWN.idFromName(town));
    const { runInDurableObject } = await import("cloudflare:test");
    // The background turn finishes quickly without a model; poll the outbox for its reply.
    let text = "";
    for (let i = 0; i < 200 && !text; i++) {
      text = await runInDurableObject(stub, (instance) => replies(instance.db).find((e) => e.data.done)?.data.text ?? "");
      if (!text) await new Promise((r) => setTimeout(r, 10));
    }
    expect(text).toBe(NO_MODEL_REPLY);

    // The thread is now a mayor conversation: the bot can route plain replies there.
    const lookup = (q: string) => SELF.fetch(`http://town/towns/${encodeURIComponent(town)}/mayor/conversations?${q}`, { headers: { authorization: "Bearer test-bot-token" } });
    const found = await lookup(new URLSearchParams({ platform: "slack", channelId: thread.channelId, threadId: thread.threadId }).toString());
    expect(await found.json()).toEqual({ conversation: expect.objectContaining({ id: conversationId }) });
    const other = await lookup(new URLSearchParams({ platform: "slack", channelId: thread.channelId, threadId: "1.2" }).toString());
    expect(await other.json()).toEqual({ conversation: null });
    expect((await lookup("platform=irc&channelId=x&threadId=y")).status).toBe(400);
    expect(text).toMatch(/ANTHROPIC_API_KEY/);
    expect(text).toMatch(/\/gt sling/);
  });

  it("refuses a bad mayor message with 400 and starts nothing", async () => {
    const res = await SELF.fetch("http://town/towns/local:mayor-bad/mayor", {
      method: "POST",
      headers: { authorization: "Bearer test-bot-token", "content-type": "application/json" },
      body: JSON.stringify({ ...thread, text: "   " }),
    });
    expect(res.status).toBe(400);
  });
});
