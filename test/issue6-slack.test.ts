import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { blockActionBody, slashCommandBody } from "./fakes/slack-sign";
import { type SlackHarness, startSlackHarness, until } from "./fakes/slack-harness";

/**
 * Issue 6 in Slack, through the real bot (Bolt, Web API client, router, projector, event
 * stream) between the fake Slack Web API and the fake town: the merge queue, Approve / Reject
 * with approvers, convoys landing once across a replay, and escalation pings (held, snoozed,
 * re-escalated, re-sent) plus the on-call commands.
 */

const CH = "C0RIG";
let h: SlackHarness;

beforeEach(async () => {
  h = await startSlackHarness();
});
afterEach(async () => {
  await h.stop();
});

const shown = (m: { text: string; blocks: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks)}`;
const ephemeralTo = (user: string) => h.slack.messages.filter((m) => m.ephemeral && m.user === user);
const command = (text: string, userId = "U0ALICE") => h.send(slashCommandBody({ text, channelId: CH, userId, userName: userId === "U0ALICE" ? "alice" : "bob" }));

async function addRig(): Promise<void> {
  await command("rig add https://github.com/acme/app.git");
  await until(() => h.town.channels.length === 1, "channel bound");
}

async function sling(title: string): Promise<{ beadId: string; ts: string }> {
  await command(`sling "${title}"`);
  await until(() => h.town.threads.some((t) => h.town.beads.get(t.beadId)?.title === title), `card of ${title}`);
  const t = h.town.threads.find((x) => h.town.beads.get(x.beadId)?.title === title)!;
  return { beadId: t.beadId, ts: t.cardMessageId! };
}

const settled = () => until(() => h.town.acks.includes(h.town.events.length), "every event projected");

describe("merges from Slack", () => {
  it("`/gt mq` lists the queue per rig with position, state, gates (✓/✗) and attempts", async () => {
    await addRig();
    const a = await sling("first change");
    const b = await sling("second change");
    h.town.domain.addMergeRequest(h.town.beads.get(a.beadId)!, { state: "merging", attempts: 0 });
    h.town.domain.addMergeRequest(h.town.beads.get(b.beadId)!, {
      state: "queued",
      attempts: 2,
      gates: [
        { name: "lint", ok: true, exitCode: 0, timedOut: false, output: "" },
        { name: "test", ok: false, exitCode: 1, timedOut: false, output: "1 failing" },
      ],
    });
    await command("mq");
    await until(() => ephemeralTo("U0ALICE").some((m) => m.text.includes("Merge queue")), "mq reply");
    const text = ephemeralTo("U0ALICE").find((m) => m.text.includes("Merge queue"))!.text;
    expect(text).toMatch(/\*app\* \(2\)/);
    expect(text).toMatch(new RegExp(`1\\. \`${a.beadId}\` first change — merging`));
    expect(text).toMatch(new RegExp(`2\\. \`${b.beadId}\` second change — queued · gates ✓ lint ✗ test · attempts 2`));
    // Only the sender saw it.
    expect(h.slack.posts().some((m) => m.text.includes("Merge queue"))).toBe(false);
  });

  it("an approval card shows the diff and gates; a press by someone not allowed is refused privately and changes nothing; an approver's press goes through", async () => {
    await addRig();
    h.town.rigs[0]!.config = { ...h.town.rigs[0]!.config, mergePolicy: "approve", approvers: ["slack:group:S0LEADS"] };
    h.slack.userGroups.set("S0LEADS", ["U0ALICE"]);
    const { beadId, ts } = await sling("needs a look");
    const mr = h.town.domain.addMergeRequest(h.town.beads.get(beadId)!, {
      state: "awaiting_approval",
      diffStat: " src/a.ts | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)",
      gates: [{ name: "test", ok: true, exitCode: 0, timedOut: false, output: "" }],
    });
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("awaiting approval")), "approval request in the thread");
    const ask = h.slack.posts(ts).find((m) => m.text.includes("awaiting approval"))!;
    expect(shown(ask)).toContain("src/a.ts | 4 ++--");
    expect(shown(ask)).toContain("Gate test");
    expect(shown(ask)).toContain('"action_id":"mr_approve"');
    expect(shown(ask)).toContain('"action_id":"mr_reject"');
    await settled();

    // Bob is not in S0LEADS: a private "not allowed", the merge stays put, the card keeps its buttons.
    await h.send(blockActionBody({ actionId: "mr_approve", value: beadId, userId: "U0BOB", channelId: CH, messageTs: ask.ts, threadTs: ts }));
    await until(() => ephemeralTo("U0BOB").some((m) => m.text.includes("not allowed")), "refusal for bob");
    expect(h.town.domain.mergeRequests.get(mr.id)!.state).toBe("awaiting_approval");
    expect(ask.edits).toBe(0);
    expect(h.town.callsTo("POST", /decision$/)[0]!.body).toMatchObject({ memberOf: [], actor: { id: "slack:user:U0BOB" } });

    // Alice is: approved, back in the queue; the approval card loses its buttons.
    await h.send(blockActionBody({ actionId: "mr_approve", value: beadId, userId: "U0ALICE", channelId: CH, messageTs: ask.ts, threadTs: ts }));
    await until(() => h.town.domain.mergeRequests.get(mr.id)!.state === "queued", "approved");
    await settled();
    expect(JSON.stringify(ask.blocks)).not.toContain("mr_approve");

    // The refinery merges it: the thread says so and the bead card shows it.
    h.town.domain.setMergeState(mr.id, { state: "merged", detail: "merged into main" });
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("Merge of") && m.text.includes("merged")), "merged news in the thread");
    await settled();
    const card = h.slack.messages.find((m) => m.ts === ts)!;
    expect(JSON.stringify(card.blocks)).toContain("Merged");
    expect(shown(ask)).toContain("merged");
  });

  it("`/gt merge <bead> --reject <reason>` rejects with the reason in the thread and on the card; conflicts and gate output are shown", async () => {
    await addRig();
    const { beadId, ts } = await sling("reject me");
    h.town.domain.addMergeRequest(h.town.beads.get(beadId)!, { state: "awaiting_approval", diffStat: " b.ts | 1 +" });
    await settled();
    await command(`merge ${beadId} --reject please split this change`);
    await until(() => h.slack.posts(ts).some((m) => shown(m).includes("please split this change")), "rejection in the thread");
    await settled();
    expect(JSON.stringify(h.slack.messages.find((m) => m.ts === ts)!.blocks)).toContain("Rejected");

    const other = await sling("conflicting");
    h.town.domain.addMergeRequest(h.town.beads.get(other.beadId)!, { state: "conflict", detail: "merge conflict", conflicts: ["src/app.ts"] });
    const failing = await sling("failing gate");
    h.town.domain.addMergeRequest(h.town.beads.get(failing.beadId)!, {
      state: "rejected",
      detail: "gate test failed",
      gates: [{ name: "test", ok: false, exitCode: 1, timedOut: false, output: "…\nAssertionError: expected 2 to be 3\n1 failing" }],
    });
    await until(() => h.slack.posts(failing.ts).some((m) => shown(m).includes("expected 2 to be 3")), "gate output tail in the thread");
    expect(h.slack.posts(other.ts).some((m) => shown(m).includes("src/app.ts"))).toBe(true);
  });
});

describe("convoys from Slack", () => {
  it("a convoy card shows progress as beads close, lands once, and a replay after a restart posts no second landing", { timeout: 30_000 }, async () => {
    await addRig();
    const beads = [await sling("one"), await sling("two"), await sling("three")];
    await command(`convoy create launch ${beads.map((b) => b.beadId).join(" ")}`);
    await until(() => h.slack.posts().some((m) => !m.threadTs && m.text.includes("Convoy launch")), "convoy card");
    const card = h.slack.posts().find((m) => !m.threadTs && m.text.includes("Convoy launch"))!;
    await settled();
    expect(shown(card)).toContain("0/3");
    const seen: string[] = [];
    for (const b of beads) {
      h.town.domain.closeBead(b.beadId);
      await settled();
      seen.push(shown(card));
    }
    expect(seen[0]).toContain("1/3");
    expect(seen[1]).toContain("2/3");
    expect(seen[2]).toContain("landed");
    const landed = () => h.slack.posts().filter((m) => m.text.includes("landed: all 3"));
    expect(landed()).toHaveLength(1);
    expect(landed()[0]!.threadTs).toBeUndefined();

    // The bot dies before its acks reach the town and gets the whole stream again.
    h.town.cursors.clear();
    const posts = h.slack.posts().length;
    await h.restart();
    await until(() => h.town.acks.filter((s) => s === h.town.events.length).length >= 2, "replay projected");
    expect(landed()).toHaveLength(1);
    expect(h.slack.posts()).toHaveLength(posts);
    expect(shown(card)).toContain("landed");

    await command("convoy status");
    await until(() => ephemeralTo("U0ALICE").some((m) => m.text.includes("Convoys")), "convoy status");
    expect(ephemeralTo("U0ALICE").find((m) => m.text.includes("Convoys"))!.text).toMatch(/launch: .*3\/3 \(100%\) — landed/);
  });
});

describe("escalations from Slack", () => {
  it("a held escalation is a quiet note; the ping at the window's end mentions on-call; Snooze edits the card; a re-escalation pings the new targets at the bumped severity; a re-send posts again", async () => {
    await addRig();
    const { beadId, ts } = await sling("stuck");
    const evening = Date.parse("2026-01-14T23:00:00+01:00");
    const morning = Date.parse("2026-01-15T08:00:00+01:00");
    h.town.clock = () => evening;
    await command("oncall quiet 22:00-08:00 Europe/Berlin");
    await until(() => h.town.domain.quietHours.has("*"), "quiet hours set");
    const base = { escalationId: "gt-es77", severity: "low" as const, title: "flaky test", body: "it fails one run in ten", source: "polecat-app-1" };
    h.town.emit({ type: "escalation_held", beadId, rigId: "rig-app", data: { ...base, targets: ["slack:user:U0ONCALL"], until: morning } });
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("held until")), "held note");
    const note = h.slack.posts(ts).find((m) => m.text.includes("held until"))!;
    expect(note.text).toContain("held until 08:00 Europe/Berlin (quiet hours)");
    expect(note.text).not.toContain("<@");

    h.town.clock = () => morning;
    h.town.emit({ type: "escalation_raised", beadId, rigId: "rig-app", data: { ...base, targets: ["slack:user:U0ONCALL"] } });
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("<@U0ONCALL>")), "ping after the window");
    const ping = h.slack.posts(ts).find((m) => m.text.includes("<@U0ONCALL>"))!;
    await settled();

    await h.send(blockActionBody({ actionId: "esc_snooze", value: "gt-es77", userId: "U0ALICE", channelId: CH, messageTs: ping.ts, threadTs: ts }));
    await until(() => ping.edits > 0 && shown(ping).includes("Snoozed"), "card shows the snooze");
    expect(ping.text).toContain("snoozed until 09:00 Europe/Berlin by alice");
    expect(JSON.stringify(ping.blocks)).toContain("esc_ack");

    h.town.emit({ type: "escalation_reescalated", beadId, rigId: "rig-app", data: { escalationId: "gt-es77", severity: "medium", from: "low", count: 1, targets: ["slack:group:S0SRE"], title: "flaky test" } });
    await until(() => h.slack.posts(ts).some((m) => m.text.includes("<!subteam^S0SRE>")), "re-escalation ping");
    const again = h.slack.posts(ts).find((m) => m.text.includes("<!subteam^S0SRE>"))!;
    expect(again.text).toContain("re-escalated to MEDIUM (was LOW)");
    expect(again.text).not.toContain("U0ONCALL");
    expect(shown(again)).toContain("it fails one run in ten");

    const before = h.slack.posts(ts).length;
    h.town.emit({ type: "escalation_reescalated", beadId, rigId: "rig-app", data: { escalationId: "gt-es77", severity: "medium", from: "low", count: 1, targets: ["slack:group:S0SRE"], title: "flaky test", attempt: 2 } });
    await until(() => h.slack.posts(ts).length === before + 1, "re-sent ping");
    expect(h.slack.posts(ts).at(-1)!.text).toContain("sent again");
    expect(h.slack.posts(ts).at(-1)!.text).toContain("<!subteam^S0SRE>");

    // `/gt ack` (no button) still updates the latest card.
    await command("ack gt-es77", "U0BOB");
    await until(() => h.slack.posts(ts).at(-1)!.text.includes("acknowledged by bob"), "ack shown on the latest card");
    expect(JSON.stringify(h.slack.posts(ts).at(-1)!.blocks)).not.toContain("esc_ack");
  });

  it("`/gt oncall` sets targets, a rotation and quiet hours, turns quiet hours off and shows it all; `/gt escalate` keeps the body", async () => {
    await addRig();
    await command("oncall set critical <@U0ONE|one> <!subteam^S0SRE|@sre> channel --rig app");
    await command("oncall rotate high 2026-11-23T09:00+01:00 weekly <@U0A> <@U0B> | <!subteam^S0NIGHT|@night>");
    await command("oncall quiet 22:00-7:00 Europe/Berlin");
    await until(() => h.town.callsTo("PUT", /^\/oncall\/quiet-hours$/).length === 1 && h.town.callsTo("POST", /^\/oncall$/).length === 2, "settings sent");
    const [set, rotate] = h.town.callsTo("POST", /^\/oncall$/).map((c) => c.body);
    expect(set).toMatchObject({ severity: "critical", rig: "app", targets: ["slack:user:U0ONE", "slack:group:S0SRE", "channel"] });
    expect(rotate).toMatchObject({
      severity: "high",
      rotation: { startsAt: Date.parse("2026-11-23T08:00:00Z"), everyHours: 168, shifts: [["slack:user:U0A", "slack:user:U0B"], ["slack:group:S0NIGHT"]] },
    });
    expect(rotate).not.toHaveProperty("rig");
    expect(h.town.callsTo("PUT", /^\/oncall\/quiet-hours$/)[0]!.body).toMatchObject({ start: "22:00", end: "07:00", timeZone: "Europe/Berlin" });

    await command("oncall show");
    await until(() => ephemeralTo("U0ALICE").some((m) => m.text.includes("On-call for the town")), "oncall show");
    const show = ephemeralTo("U0ALICE").find((m) => m.text.includes("On-call for the town"))!.text;
    expect(show).toContain("Quiet hours: 22:00–07:00 Europe/Berlin");
    expect(show).toMatch(/high.*rotation every 168h: `user U0A`, `user U0B` \| `group S0NIGHT`/);
    expect(show).toMatch(/On-call for rig `rig-app`[\s\S]*critical.*`user U0ONE`, `group S0SRE`, `channel`/);
    // The rig has no window of its own: it follows the town's.
    expect(show).toMatch(/On-call for rig `rig-app`[\s\S]*Quiet hours: the town's/);

    await command("oncall quiet off");
    await until(() => h.town.callsTo("DELETE", /^\/oncall\/quiet-hours$/).length === 1, "quiet hours cleared");
    expect(h.town.domain.quietHours.size).toBe(0);

    await command("oncall quiet 25:00-07:00 Mars/Olympus");
    await until(() => ephemeralTo("U0ALICE").some((m) => m.text.includes("Usage")), "usage for a bad window");
    expect(h.town.callsTo("PUT", /^\/oncall\/quiet-hours$/)).toHaveLength(1);

    await command("escalate high prod deploy is stuck -- the canary never turned green\nsee the deploy log");
    await until(() => h.town.callsTo("POST", /^\/escalations$/).length === 1, "escalation raised");
    expect(h.town.callsTo("POST", /^\/escalations$/)[0]!.body).toMatchObject({ severity: "high", title: "prod deploy is stuck", body: "the canary never turned green\nsee the deploy log", rig: "rig-app" });
  });
});

describe("the refinery's LLM review in Slack", () => {
  it("its approval is news in the bead thread (why it goes in without a person); a plain re-queue is not", async () => {
    await addRig();
    const { beadId, ts } = await sling("raise the timeout");
    const mr = h.town.domain.addMergeRequest(h.town.beads.get(beadId)!, { state: "merging" });
    h.town.domain.setMergeState(mr.id, { state: "queued", detail: "the refinery could not reach the container (trying again at …)" });
    h.town.domain.setMergeState(mr.id, { state: "queued", detail: "approved by the LLM review: raises the timeout as asked" }, "refinery:llm-review");
    await settled();
    const news = h.slack.posts(ts).filter((m) => m.text.startsWith("Merge of"));
    expect(news).toHaveLength(1);
    expect(shown(news[0]!)).toContain("approved by the LLM review: raises the timeout as asked");
  });
});

describe("rig settings and quality gates from Slack", () => {
  it("`/gt rig set`, `rig gate add|remove` and `rig show`: the town gets argv words and the person's groups; refusals come back privately", async () => {
    await addRig();
    h.slack.userGroups.set("S0LEADS", ["U0ALICE"]);
    await command('rig set app --max-polecats 5 --merge approve --approvers "<!subteam^S0LEADS|@leads>"');
    await until(() => h.town.callsTo("PATCH", /^\/rigs\/app$/).length === 1, "settings sent");
    expect(h.town.callsTo("PATCH", /^\/rigs\/app$/)[0]!.body).toMatchObject({
      config: { maxPolecats: 5, mergePolicy: "approve", approvers: ["slack:group:S0LEADS"] },
      actor: { kind: "user", id: "slack:user:U0ALICE" },
      memberOf: ["slack:group:S0LEADS"],
    });
    await until(() => h.slack.posts().some((m) => m.text.includes("Rig `app` updated")), "settings announced in the channel");
    expect(h.slack.posts().find((m) => m.text.includes("Rig `app` updated"))!.text).toContain("merges: approve (approvers: `slack:group:S0LEADS`)");

    await command('rig gate add app test --timeout 300 -- npm test -- --grep "login; rm -rf /"');
    await until(() => h.town.callsTo("PATCH", /^\/rigs\/app$/).length === 2, "gate sent");
    expect(h.town.callsTo("PATCH", /^\/rigs\/app$/)[1]!.body).toMatchObject({
      gate: { put: { name: "test", timeoutSec: 300, argv: ["npm", "test", "--", "--grep", "login; rm -rf /"] } },
    });
    expect(h.town.rigs[0]!.config.qualityGates).toEqual([{ name: "test", timeoutSec: 300, argv: ["npm", "test", "--", "--grep", "login; rm -rf /"] }]);

    await command("rig show");
    await until(() => ephemeralTo("U0ALICE").some((m) => m.text.includes("*Rig app*:")), "rig shown");
    const shownRig = ephemeralTo("U0ALICE").find((m) => m.text.includes("*Rig app*:"))!.text;
    expect(shownRig).toContain("up to 5 polecat(s)");
    expect(shownRig).toMatch(/quality gates, in order:\n\s+◦ `test`: `npm test -- --grep login; rm -rf \/` \(up to 300s\)/);

    await command("rig gate remove app lint");
    await until(() => ephemeralTo("U0ALICE").some((m) => m.text.includes("Could not run `rig gate remove`")), "refusal shown");
    expect(ephemeralTo("U0ALICE").find((m) => m.text.includes("Could not run"))!.text).toContain("quality gate lint not found");
    expect(h.town.rigs[0]!.config.qualityGates).toHaveLength(1);

    await command("rig gate remove app test");
    await until(() => h.town.rigs[0]!.config.qualityGates.length === 0, "gate removed");
    await until(() => h.slack.posts().some((m) => m.text.includes("Quality gate `test` removed from rig `app`")), "removal announced");
  });
});
