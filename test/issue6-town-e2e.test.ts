import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { TempOrigin } from "../container/git/test-repos";
import type { FakeSlackApi } from "./fakes/slack-api";
import { until } from "./fakes/slack-harness";
import { blockActionBody, slashCommandBody } from "./fakes/slack-sign";
import type { ModelRouter } from "./fakes/model-router";
import type { LocalTown } from "./harness/local-town";
import { type SlackTown, startSlackTown } from "./harness/slack-town";

/**
 * The approve merge policy end to end, through the running town (wrangler dev, the container
 * control server, the bot: npm start's processes) with a fake Slack Web API: a real Claude Code
 * polecat commits and calls gt_done; the refinery runs the gate and waits; the bead thread shows
 * the approval card (diff summary, gates, Approve / Reject); a press by someone outside the
 * rig's approver group is refused and nothing merges; a lead's press merges into origin's main.
 */

const SECRET = "e2e-issue6-secret";
const TEAM = "TE6";
const CH = "C0MQ";
const TOWN = encodeURIComponent(`slack:${TEAM}`);
let t: SlackTown;
let origin: TempOrigin;
let model: ModelRouter;
let slack: FakeSlackApi;
let town: LocalTown;
let send: SlackTown["send"];

beforeAll(async () => {
  t = await startSlackTown({
    rig: "mq",
    teamId: TEAM,
    secret: SECRET,
    prepare: (s) => s.userGroups.set("S0LEADS", ["U0LEAD"]),
    scripts: [
      {
        name: "polecat",
        match: /— Add a changelog/,
        turns: [
          { tools: [{ name: "bash", input: { command: "printf '# Changes\\n\\n- first entry\\n' > CHANGELOG.md && git add CHANGELOG.md && git commit -qm 'Add CHANGELOG.md'", description: "Commit" } }] },
          { tools: [{ name: "gt_done", input: { summary: "Added CHANGELOG.md" } }] },
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

const shown = (m: { text: string; blocks: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks)}`;
const onMain = (file: string): boolean => {
  try {
    origin.git(origin.origin, "cat-file", "-e", `main:${file}`);
    return true;
  } catch {
    return false;
  }
};

describe("the approve merge policy in the running town", () => {
  it("shows the approval card, refuses a press from outside the approver group, and merges on a lead's press", async () => {
    // On failure, say what the town and the scripted model saw (the reason is usually there).
    onTestFailed(() => console.error(`--- local town output ---\n${town.output().slice(-6000)}\n--- model problems: ${JSON.stringify(model.problems)}`));
    await send(slashCommandBody({ text: `rig add ${origin.origin} --name mq --merge approve --approvers <!subteam^S0LEADS|@leads>`, channelId: CH, teamId: TEAM }));
    await until(() => slack.posts().some((m) => m.text.includes("Rig `mq`")), "rig bound", 30_000);
    expect(slack.posts().find((m) => m.text.includes("Rig `mq`"))!.text).toContain("Merges wait for an Approve from `slack:group:S0LEADS`");
    // A quality gate from chat: only an approver may add one to a rig whose merges need approval.
    const gate = "rig gate add mq readme --timeout 60 -- test -f README.md";
    await send(slashCommandBody({ text: gate, channelId: CH, teamId: TEAM, userId: "U0BOB", userName: "bob" }));
    await until(() => slack.messages.some((m) => m.ephemeral && m.user === "U0BOB" && m.text.includes("only its approvers")), "gate refused for bob", 30_000);
    await send(slashCommandBody({ text: gate, channelId: CH, teamId: TEAM, userId: "U0LEAD", userName: "lead" }));
    await until(() => slack.posts().some((m) => m.text.includes("Quality gate `readme` on rig `mq`")), "gate added by the lead", 30_000);
    const rig = await town.api<{ rig: { config: { mergePolicy: string; approvers: string[]; qualityGates: unknown[] } } }>("GET", `/towns/${TOWN}/rigs/mq`);
    expect(rig.json.rig.config).toMatchObject({
      mergePolicy: "approve",
      approvers: ["slack:group:S0LEADS"],
      qualityGates: [{ name: "readme", argv: ["test", "-f", "README.md"], timeoutSec: 60 }],
    });

    await send(slashCommandBody({ text: "sling Add a changelog", channelId: CH, teamId: TEAM }));
    await until(() => slack.posts().some((m) => !m.threadTs && m.text.includes("Add a changelog")), "bead card", 60_000);
    const card = slack.posts().find((m) => !m.threadTs && m.text.includes("Add a changelog"))!;

    // The polecat finishes; the refinery gates the merge and waits for a person.
    await until(() => slack.posts(card.ts).some((m) => m.text.includes("awaiting approval")), "approval card in the thread", 180_000);
    const ask = slack.posts(card.ts).find((m) => m.text.includes("awaiting approval"))!;
    expect(shown(ask)).toContain("CHANGELOG.md");
    expect(shown(ask)).toContain("Gate readme");
    expect(shown(ask)).toContain('"action_id":"mr_approve"');
    expect(shown(ask)).toContain('"action_id":"mr_reject"');
    const beadId = JSON.stringify(ask.blocks).match(/"action_id":"mr_approve"[^}]*"value":"([^"]+)"|"value":"([^"]+)"[^}]*"action_id":"mr_approve"/)?.slice(1).find(Boolean);
    expect(beadId).toBeTruthy();
    expect(onMain("CHANGELOG.md")).toBe(false);

    // Bob is not in S0LEADS: refused privately; nothing merges.
    await send(blockActionBody({ actionId: "mr_approve", value: beadId!, userId: "U0BOB", channelId: CH, messageTs: ask.ts, threadTs: card.ts, teamId: TEAM }));
    await until(() => slack.messages.some((m) => m.ephemeral && m.user === "U0BOB" && m.text.includes("not allowed")), "refusal", 30_000);
    const still = await town.api<{ mergeRequest: { state: string } }>("GET", `/towns/${TOWN}/merge-requests/${beadId}`);
    expect(still.json.mergeRequest.state).toBe("awaiting_approval");
    expect(onMain("CHANGELOG.md")).toBe(false);
    expect(JSON.stringify(ask.blocks)).toContain("mr_approve");

    // The lead is: the refinery merges and pushes; the cards say merged.
    await send(blockActionBody({ actionId: "mr_approve", value: beadId!, userId: "U0LEAD", channelId: CH, messageTs: ask.ts, threadTs: card.ts, teamId: TEAM }));
    await until(() => onMain("CHANGELOG.md"), "merged into origin's main", 120_000);
    expect(origin.git(origin.origin, "show", "main:CHANGELOG.md")).toContain("first entry");
    await until(() => /Merged/.test(JSON.stringify(slack.messages.find((m) => m.ts === card.ts)!.blocks)), "bead card shows merged", 60_000);
    await until(() => /merged/i.test(shown(ask)) && !shown(ask).includes("mr_approve"), "approval card shows the outcome", 30_000);
    const decision = slack.calls.filter((c) => c.method === "usergroups.list");
    expect(decision.length).toBeGreaterThan(0);
    expect(slack.posts().filter((m) => !m.threadTs && m.text.includes("Add a changelog"))).toHaveLength(1);
    expect(model.problems).toEqual([]);
  }, 400_000);
});
