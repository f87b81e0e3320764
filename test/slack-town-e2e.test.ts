import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { Bead } from "../core/domain";
import type { TempOrigin } from "../container/git/test-repos";
import type { FakeSlackApi } from "./fakes/slack-api";
import { until } from "./fakes/slack-harness";
import { blockActionBody, eventBody, postSigned, slashCommandBody } from "./fakes/slack-sign";
import type { ModelRouter } from "./fakes/model-router";
import type { LocalTown } from "./harness/local-town";
import { type SlackTown, startSlackTown } from "./harness/slack-town";

/**
 * The running town (npm start's real processes: wrangler dev, the container control server,
 * the bot) with SLACK_API_URL pointing at a fake Slack Web API, driven by signed requests to
 * the bot's /slack/events: `/gt rig add`, `/gt sling`, a thread reply, and the Ack button of
 * an escalation raised by a real Claude Code polecat; the work merges and the card says so.
 */

const SECRET = "e2e-signing-secret";
const CH = "C0APP";
let t: SlackTown;
let origin: TempOrigin;
let model: ModelRouter;
let slack: FakeSlackApi;
let town: LocalTown;
let send: SlackTown["send"];

beforeAll(async () => {
  t = await startSlackTown({
    rig: "app",
    teamId: "TE2E",
    secret: SECRET,
    env: { GASTOWN_SNAPSHOT_SECONDS: "2" },
    scripts: [
      {
        name: "polecat",
        match: /— Add a greeting/,
        turns: [
          { tools: [{ name: "bash", input: { command: "printf 'hello\\n' > GREETING.md && git add GREETING.md && git commit -qm 'Add GREETING.md'", description: "Commit" } }] },
          { tools: [{ name: "gt_escalate", input: { severity: "high", title: "Formal or casual greeting?", body: "I wrote a casual one." } }] },
          { tools: [{ name: "bash", input: { command: "sleep 5 && echo checked", description: "Check" } }] },
          { tools: [{ name: "gt_done", input: { summary: "Added GREETING.md" } }] },
          { text: "Done." },
        ],
      },
    ],
  });
  ({ origin, model, slack, town, send } = t);
}, 180_000);

afterAll(async () => {
  await t?.stop();
}, 60_000);

const TOWN = encodeURIComponent("slack:TE2E");

describe("the running town with Slack", () => {
  it("handles rig add, sling, a thread reply and an escalation's Ack button end to end", async () => {
    // On failure, say what the town and the scripted model saw (the reason is usually there).
    onTestFailed(() => console.error(`--- local town output ---\n${town.output().slice(-6000)}\n--- model problems: ${JSON.stringify(model.problems)}`));
    // A forged request changes nothing.
    const forged = await postSigned(`${town.botUrl}/slack/events`, "wrong-secret", slashCommandBody({ text: "rig add x", channelId: CH, teamId: "TE2E" }));
    expect(forged.status).toBe(401);

    expect((await send(slashCommandBody({ text: `rig add ${origin.origin} --name app`, channelId: CH, teamId: "TE2E" }))).status).toBe(200);
    await until(() => slack.posts().some((m) => m.text.includes("Rig `app`")), "rig bound", 30_000);

    await send(slashCommandBody({ text: "sling Add a greeting", channelId: CH, teamId: "TE2E" }));
    await until(() => slack.posts().some((m) => m.text.includes("Add a greeting") && !m.threadTs && m.edits > 0), "card posted and edited", 60_000);
    const card = slack.posts().find((m) => m.text.includes("Add a greeting") && !m.threadTs)!;

    // A reply in the bead thread reaches the agent as mail.
    await send(eventBody({ type: "message", channel: CH, user: "U0BOB", text: "make it friendly please", ts: "1900000000.000100", thread_ts: card.ts }, "EvE2E1", "TE2E"));
    await until(() => slack.messages.some((m) => m.ephemeral && m.text.includes("as mail")), "mail confirmed", 30_000);
    const mail = await town.api<{ beads: Bead[] }>("GET", `/towns/${TOWN}/beads?type=message`);
    expect(mail.json.beads.some((b) => b.body.includes("make it friendly please"))).toBe(true);

    // The polecat escalates; the ping lands in the bead thread with an Ack button that works.
    await until(() => slack.posts(card.ts).some((m) => m.text.includes("Formal or casual")), "escalation ping in the thread", 120_000);
    const ping = slack.posts(card.ts).find((m) => m.text.includes("Formal or casual"))!;
    const escId = /\b([a-z][a-z0-9]{0,7}-[0-9a-z]{3,12})\b/.exec(JSON.stringify(ping.blocks).match(/"value":"([^"]+)"/)?.[1] ?? "")?.[1];
    expect(escId).toBeTruthy();
    await send(blockActionBody({ actionId: "esc_ack", value: escId!, channelId: CH, messageTs: ping.ts, threadTs: card.ts, teamId: "TE2E" }));
    await until(() => slack.messages.some((m) => m.ts === ping.ts && m.edits > 0), "ping edited after Ack", 30_000);
    const esc = await town.api<{ escalation: { ackedBy: string | null; status?: string } }>("GET", `/towns/${TOWN}/escalations/${escId}`);
    expect(JSON.stringify(esc.json)).toMatch(/acked/i);

    // The work merges: the card ends closed and origin's main has the commit.
    await until(() => slack.messages.some((m) => m.ts === card.ts && /closed/i.test(m.text + JSON.stringify(m.blocks))), "card shows closed", 150_000);
    expect(origin.git(origin.origin, "show", "main:GREETING.md")).toBe("hello");
    expect(slack.posts().filter((m) => m.text.includes("Add a greeting") && !m.threadTs)).toHaveLength(1);
    expect(model.problems).toEqual([]);
  }, 300_000);
});
