import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Bead } from "../core/domain";
import type { FakeMessage } from "./fakes/slack-api";
import { until } from "./fakes/slack-harness";
import { ALICE, CHANNELS, type MayorTown, type ModelApi, type ModelCall, startMayorTown, TEAM } from "./mayor-e2e-harness";

/**
 * The mayor end to end through the running town (npm start's processes) with a fake Slack and
 * a scripted model, once per API shape (Anthropic Messages, OpenAI chat completions): a mention
 * in a channel asks for work on two rigs; the mayor slings a bead on each and a convoy of both,
 * and its reply (one message in the mention's thread, posted then edited) links both beads to
 * their threads; the beads' cards say the mayor made them for the person. A follow-up in the
 * same thread is answered from the town's real state: the convoy status tool tells the model
 * that 1 of 2 beads is closed after one was closed through the Town API.
 */

const BEAD_ID = /^[a-z][a-z0-9]{0,7}-[0-9a-z]{3,12}$/;
const shown = (m: FakeMessage) => `${m.text}\n${JSON.stringify(m.blocks)}`;
const CLOSER: Actor = { kind: "user", id: "slack:user:U0BOB", name: "bob" };

/** Tool results the model was sent in a request, as text (both API shapes). */
function toolResultsIn(call: ModelCall): string[] {
  const out: string[] = [];
  for (const m of call.body.messages ?? []) {
    if (m.role === "tool" && typeof m.content === "string") out.push(m.content);
    if (Array.isArray(m.content)) {
      for (const p of m.content as { type?: string; content?: unknown }[]) {
        if (p.type === "tool_result") out.push(typeof p.content === "string" ? p.content : JSON.stringify(p.content));
      }
    }
  }
  return out;
}

describe.each<ModelApi>(["anthropic", "openai"])("the mayor in the running town (%s API)", (api) => {
  let t: MayorTown;
  beforeAll(async () => {
    t = await startMayorTown(api);
  }, 240_000);
  afterAll(async () => {
    await t?.stop();
  }, 60_000);

  it("slings two beads on two rigs and a convoy, links them in one reply, and answers a follow-up from real bead state", async () => {
    const { slack } = t;
    const ASK = "1910000000.000100";
    await t.mention("the login page times out on Safari, and while you're at it bump the SDK in the api", ASK);

    // The reply is one message in the mention's thread, edited until it says what was done.
    await until(() => slack.posts(ASK).some((m) => m.text.includes("tracked together in convoy")), "the mayor's final reply", 120_000);
    const replies = slack.posts(ASK);
    expect(replies).toHaveLength(1);
    const reply = replies[0] as FakeMessage;
    expect(reply.channel).toBe(CHANNELS.app);
    expect(reply.edits).toBeGreaterThanOrEqual(1);
    expect(slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.thread_ts === ASK)).toHaveLength(1);

    // Two beads, one per rig, made by the mayor for Alice, and a convoy holding both.
    const beads = (await t.api<{ beads: Bead[] }>("GET", "/beads?limit=100")).json.beads.filter((b) => b.type !== "convoy" && b.createdBy.kind === "mayor");
    expect(beads.map((b) => b.title).sort()).toEqual(["Bump the SDK", "Fix the Safari login timeout"]);
    for (const b of beads) expect(b.createdBy).toMatchObject({ kind: "mayor", onBehalfOf: `slack:user:${ALICE}` });
    const bead = (title: string) => beads.find((b) => b.title === title) as Bead;
    const appBead = bead("Fix the Safari login timeout");
    const apiBead = bead("Bump the SDK");
    expect(appBead.id).toMatch(BEAD_ID);
    const convoys = (await t.api<{ convoys: { convoyId: string; beads: { id: string }[] }[] }>("GET", "/convoys")).json.convoys;
    expect(convoys).toHaveLength(1);
    expect(convoys[0]?.beads.map((b) => b.id).sort()).toEqual([appBead.id, apiBead.id].sort());
    // The bead's own history says who acted, and for whom.
    const events = (await t.api<{ events: { actor: Actor }[] }>("GET", `/beads/${appBead.id}/events`)).json.events;
    expect(events[0]?.actor).toMatchObject({ kind: "mayor", onBehalfOf: `slack:user:${ALICE}` });

    // Each bead has its card and thread in its own rig's channel; the card says who asked.
    for (const [b, channel] of [
      [appBead, CHANNELS.app],
      [apiBead, CHANNELS.api],
    ] as const) {
      const thread = (await t.api<{ thread: { channelId: string; threadId: string } | null }>("GET", `/chat/threads/${b.id}?platform=slack`)).json.thread;
      expect(thread?.channelId).toBe(channel);
      const card = slack.messages.find((m) => m.channel === channel && m.ts === thread?.threadId) as FakeMessage;
      expect(shown(card)).toContain(b.title);
      expect(shown(card)).toContain(`by the mayor for slack:user:${ALICE}`);
      // The final reply links the bead to that thread (Slack's <url|label> link).
      const url = `https://app.slack.com/client/${TEAM}/${channel}/thread/${channel}-${thread?.threadId}`;
      expect(reply.text).toContain(`<${url}|${b.id}>`);
    }
    // While it worked the message said so ("thinking…", then the tool running); the end drops it.
    const versions = slack.calls.filter((c) => (c.method === "chat.postMessage" && c.args.thread_ts === ASK) || (c.method === "chat.update" && c.args.ts === reply.ts)).map((c) => String(c.args.text));
    expect(versions[0]).toContain("thinking…");
    expect(versions.some((v) => v.includes("running sling…"))).toBe(true);
    expect(reply.text).not.toMatch(/thinking…|working…|running /);

    // Someone closes the app bead; asked again in the same thread, the mayor looks it up.
    const closed = await t.api("POST", `/beads/${appBead.id}/close`, { reason: "fixed by hand", actor: CLOSER });
    expect(closed.status).toBe(200);
    const before = t.capture.calls.length;
    await t.mention("how is it going?", "1910000000.000200", ASK);
    await until(() => slack.posts(ASK).length === 2 && slack.posts(ASK).some((m) => m.text.includes("still open")), "the answer to the follow-up", 120_000);

    // Same conversation: the model saw the first turn's history, then the convoy's real progress.
    const followUp = t.capture.calls.slice(before).filter((c) => JSON.stringify(c.body).includes("how is it going?"));
    expect(followUp.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(followUp[0]?.body)).toContain("Bump the SDK");
    // The last tool result the model got is the convoy status of this turn (earlier ones are history).
    const status = toolResultsIn(followUp[followUp.length - 1] as ModelCall).at(-1);
    expect(JSON.parse(status ?? "{}")).toMatchObject({ closed: 1, total: 2 });
    expect(t.model.log.filter((l) => l.script === "mayor").map((l) => l.turn)).toEqual([0, 1, 2, 3, 4]);
    expect(t.model.problems).toEqual([]);
    // The worker spoke the API shape under test.
    expect(t.capture.calls.every((c) => c.path.endsWith(api === "anthropic" ? "/v1/messages" : "/v1/chat/completions"))).toBe(true);

    const answer = slack.posts(ASK)[1] as FakeMessage;
    expect(answer.text).toContain(`|${appBead.id}> is closed`);
  }, 300_000);
});
