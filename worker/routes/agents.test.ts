import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Agent, Bead } from "../../core/domain";
import { addRig, alice, api, newTown, ok } from "../app-testing";
import type { FakeRuntime } from "../runtime/fake-runtime";

const stub = (town: string) => env.TOWN.get(env.TOWN.idFromName(town));

/** Slings a bead and waits until the reconciler has started its polecat in the fake runtime. */
async function runningPolecat(town: string): Promise<{ bead: Bead; agentId: string }> {
  await addRig(town, "web", { maxPolecats: 1 });
  const { bead, agentId } = await ok<{ bead: Bead; agentId: string }>("POST", `/towns/${town}/sling`, { rig: "web", title: "Fix login", actor: alice });
  for (let i = 0; i < 50; i++) {
    await runDurableObjectAlarm(stub(town));
    if ((await api("GET", `/towns/${town}/agents/${agentId}/snapshot`)).status === 200) return { bead, agentId };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the reconciler never started the polecat");
}

describe("/towns/:town/agents (bot)", () => {
  it("lists agents and reads one", async () => {
    const town = newTown();
    await addRig(town, "web", { maxPolecats: 1 });
    await ok("POST", `/towns/${town}/sling`, { rig: "web", title: "x", actor: alice });
    const { agents } = await ok<{ agents: Agent[] }>("GET", `/towns/${town}/agents?rig=web`);
    expect(agents.map((a) => a.id)).toEqual(["polecat-web-1"]);
    expect(await ok("GET", `/towns/${town}/agents/polecat-web-1`)).toMatchObject({ agent: { role: "polecat" } });
    expect((await api("GET", `/towns/${town}/agents/polecat-web-9`)).status).toBe(404);
  });

  it("nudges, peeks and stops a running agent, by agent id or by its bead", async () => {
    const town = newTown();
    const { bead, agentId } = await runningPolecat(town);
    expect(await ok("POST", `/towns/${town}/beads/${bead.id}/nudge`, { text: "use the v2 API", actor: alice }, 200)).toEqual({ agentId });
    const { snapshot } = await ok<{ snapshot: { text: string } }>("GET", `/towns/${town}/beads/${bead.id}/snapshot`);
    expect(snapshot.text).toContain("use the v2 API");
    expect(await ok("POST", `/towns/${town}/agents/${agentId}/nudge`, { text: "again", actor: alice }, 200)).toEqual({ agentId });

    const { agent } = await ok<{ agent: Agent }>("POST", `/towns/${town}/agents/${agentId}/stop`, { actor: alice }, 200);
    expect(agent).toMatchObject({ status: "exited", hookedBeadId: null });
    const stops = await runInDurableObject(stub(town), (instance) => (instance.runtime as FakeRuntime).callsOf("stop"));
    expect(stops[0]).toEqual({ op: "stop", agentId });
    // The bead is parked: held out of the ready queue, so the reconciler does not restart it.
    const { events } = await ok<{ events: Array<{ kind: string; data: Record<string, unknown> }> }>("GET", `/towns/${town}/beads/${bead.id}/events`);
    expect(events).toContainEqual(expect.objectContaining({ kind: "unhooked", data: { agentId, reason: "stopped by alice" } }));
    await runInDurableObject(stub(town), async (instance) => {
      await instance.alarm();
    });
    expect(await ok("GET", `/towns/${town}/beads/${bead.id}`)).toMatchObject({ bead: { status: "parked", assignee: null } });
    expect(await ok("GET", `/towns/${town}/ready`)).toEqual({ beads: [] });
    // Slinging it again takes it back to work.
    const again = await ok<{ bead: { id: string; status: string } }>("POST", `/towns/${town}/sling`, { rig: "web", beadId: bead.id, actor: alice }, 201);
    expect(again.bead).toMatchObject({ id: bead.id, status: "hooked" });
  });

  it("refuses an empty nudge with 400 and sends nothing", async () => {
    const town = newTown();
    const { agentId } = await runningPolecat(town);
    const res = await api("POST", `/towns/${town}/agents/${agentId}/nudge`, { body: { text: "   ", actor: alice } });
    expect(res.status).toBe(400);
    const { snapshot } = await ok<{ snapshot: { text: string } }>("GET", `/towns/${town}/agents/${agentId}/snapshot`);
    expect(snapshot.text.split("\n")).toHaveLength(1);
  });
});
