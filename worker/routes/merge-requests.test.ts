import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TownClient } from "../../bot/town-client";
import type { Bead } from "../../core/domain";
import { GastownError } from "../../core/errors";
import { addRig, agentToken, alice, api, BOT_TOKEN, newTown, ok } from "../app-testing";
import { FakeRuntime } from "../runtime/fake-runtime";

type MergeRequestJson = { id: string; sourceBeadId: string; state: string; position: number | null; approvedBy: string | null };

/** People as the bot names them (`<platform>:user:<id>`). */
const carol = { kind: "user" as const, id: "slack:user:U1", name: "carol" };
const bob = { kind: "user" as const, id: "slack:user:U2", name: "bob" };

/** The bot's own Town API client, talking to this Worker. */
function botClient(town: string): TownClient {
  const fetchVia: typeof fetch = (input, init) => SELF.fetch(input instanceof URL ? input.href : input, init);
  return new TownClient({ baseUrl: "http://worker", town, token: BOT_TOKEN, fetch: fetchVia });
}

function stubOf(town: string) {
  return env.TOWN.get(env.TOWN.idFromName(town));
}

/** Runs the town's alarm (reconciler + refinery) until the merge request reaches `state`. */
async function settle(town: string, bead: string, state: string): Promise<MergeRequestJson> {
  for (let i = 0; i < 20; i++) {
    await runDurableObjectAlarm(stubOf(town));
    const { mergeRequest } = await ok<{ mergeRequest: MergeRequestJson }>("GET", `/towns/${town}/merge-requests/${bead}`);
    if (mergeRequest.state === state) return mergeRequest;
  }
  throw new Error(`merge request of ${bead} never reached ${state}`);
}

/** A rig `web` whose one polecat has finished a bead (gt_done): its merge request is queued. */
async function finishedWork(town: string, config: Record<string, unknown>): Promise<{ bead: Bead; agentId: string }> {
  await addRig(town, "web", { maxPolecats: 1, ...config });
  const { bead, agentId } = await ok<{ bead: Bead; agentId: string }>("POST", `/towns/${town}/sling`, { rig: "web", title: "Fix login", actor: alice });
  const token = await agentToken(town, agentId);
  const done = await api("POST", `/towns/${town}/agents/${agentId}/done`, { token, body: { summary: "fixed the timeout" } });
  expect(done).toMatchObject({ status: 200, json: { bead: { id: bead.id, status: "review" } } });
  return { bead, agentId };
}

describe("/towns/:town/merge-queue and /merge-requests", () => {
  it("approve policy: the queue shows it awaiting approval, a stranger's press is 403 and changes nothing, an approver's merges it", async () => {
    const town = newTown();
    const { bead } = await finishedWork(town, { mergePolicy: "approve", approvers: [carol.id] });
    const client = botClient(town);
    await settle(town, bead.id, "awaiting_approval");

    const items = await client.mergeQueue();
    expect(items).toEqual([expect.objectContaining({ sourceBeadId: bead.id, branch: `gt/${bead.id}`, state: "awaiting_approval", position: 1, rig: "web" })]);

    const refused = await client.decideMerge(bead.id, { decision: "approve", actor: bob }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GastownError);
    expect((refused as GastownError).code).toBe("forbidden");
    const still = await ok<{ mergeRequest: MergeRequestJson }>("GET", `/towns/${town}/merge-requests/${bead.id}`);
    expect(still.mergeRequest).toMatchObject({ state: "awaiting_approval", approvedBy: null });

    await client.decideMerge(bead.id, { decision: "approve", actor: carol });
    await settle(town, bead.id, "merged");
    expect((await ok<{ bead: Bead }>("GET", `/towns/${town}/beads/${bead.id}`)).bead.status).toBe("closed");
    await runInDurableObject(stubOf(town), (instance) => {
      if (!(instance.runtime instanceof FakeRuntime)) throw new Error("GASTOWN_RUNTIME=fake should give a FakeRuntime");
      // Checked without pushing first, pushed only after the approval.
      expect(instance.runtime.callsOf("merge").map((c) => [c.req.branch, c.req.push])).toEqual([
        [`gt/${bead.id}`, false],
        [`gt/${bead.id}`, true],
      ]);
    });
    expect(await client.mergeQueue()).toEqual([]);
    const all = await ok<{ items: MergeRequestJson[] }>("GET", `/towns/${town}/merge-queue?all=true&rig=web`);
    expect(all.items).toEqual([expect.objectContaining({ sourceBeadId: bead.id, state: "merged", position: null })]);
    // Decided and merged: another press is a conflict.
    const late = await api("POST", `/towns/${town}/merge-requests/${bead.id}/decision`, { body: { decision: "reject", actor: carol } });
    expect(late.status).toBe(409);
  });

  it("a group member the bot vouches for may reject; the bead goes back to its polecat", async () => {
    const town = newTown();
    const { bead, agentId } = await finishedWork(town, { mergePolicy: "approve", approvers: ["slack:group:S9"] });
    await settle(town, bead.id, "awaiting_approval");
    const noGroup = await api("POST", `/towns/${town}/merge-requests/${bead.id}/decision`, { body: { decision: "reject", actor: bob } });
    expect(noGroup.status).toBe(403);
    const res = await api("POST", `/towns/${town}/merge-requests/${bead.id}/decision`, {
      body: { decision: "reject", reason: "wrong approach", actor: bob, memberOf: ["slack:group:S9"] },
    });
    expect(res).toMatchObject({ status: 200, json: { mergeRequest: { state: "rejected", sourceBeadId: bead.id } } });
    const back = (await ok<{ bead: Bead }>("GET", `/towns/${town}/beads/${bead.id}`)).bead;
    expect(back).toMatchObject({ status: "in_progress", assignee: agentId });
  });

  it("answers 400 for bad input, 404 for unknown beads and rigs, 403 for agent tokens", async () => {
    const town = newTown();
    await finishedWork(town, {});
    expect((await api("GET", `/towns/${town}/merge-queue?all=maybe`)).status).toBe(400);
    expect((await api("GET", `/towns/${town}/merge-queue?rig=nope`)).status).toBe(404);
    expect((await api("POST", `/towns/${town}/merge-requests/web-zzzz/decision`, { body: { decision: "approve", actor: alice } })).status).toBe(404);
    expect((await api("POST", `/towns/${town}/merge-requests/not-a-bead!/decision`, { body: { decision: "approve", actor: alice } })).status).toBe(400);
    const bad = await api("POST", `/towns/${town}/merge-requests/web-zzzz/decision`, { body: { decision: "maybe", actor: alice } });
    expect(bad.status).toBe(400);
    const token = await agentToken(town, "polecat-web-1");
    expect((await api("GET", `/towns/${town}/merge-queue`, { token })).status).toBe(403);
  });
});
