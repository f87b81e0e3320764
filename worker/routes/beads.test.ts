import { describe, expect, it } from "vitest";
import type { Bead } from "../../core/domain";
import { addRig, alice, api, newTown, ok } from "../app-testing";

async function townWithRig(): Promise<string> {
  const town = newTown();
  await addRig(town);
  return town;
}
const create = async (town: string, body: Record<string, unknown>) =>
  (await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", actor: alice, ...body })).bead;

describe("/towns/:town/beads", () => {
  it("creates, lists, reads, updates and closes beads, with an audit trail", async () => {
    const town = await townWithRig();
    const bead = await create(town, { title: "Login times out on Safari", type: "bug", priority: "P1", labels: ["safari"] });
    expect(bead).toMatchObject({ id: expect.stringMatching(/^web-[0-9a-z]{4}$/), status: "open", priority: "P1", createdBy: alice });
    expect(await ok("GET", `/towns/${town}/beads/${bead.id}`)).toEqual({ bead });
    expect(await ok("GET", `/towns/${town}/beads?q=safari&type=bug`)).toEqual({ beads: [bead] });
    const { bead: updated } = await ok<{ bead: Bead }>("PATCH", `/towns/${town}/beads/${bead.id}`, { priority: "P0", actor: alice });
    expect(updated.priority).toBe("P0");
    const { bead: closed } = await ok<{ bead: Bead }>("POST", `/towns/${town}/beads/${bead.id}/close`, { reason: "fixed", actor: alice }, 200);
    expect(closed).toMatchObject({ status: "closed", closedAt: expect.any(Number) });
    const { events } = await ok<{ events: Array<{ kind: string }> }>("GET", `/towns/${town}/beads/${bead.id}/events`);
    expect(events.map((e) => e.kind)).toEqual(["created", "updated", "closed"]);
  });

  it("answers bad bodies with 400 and the zod issues, and changes nothing", async () => {
    const town = await townWithRig();
    const bead = await create(town, { title: "stay as I am" });
    const bad = await api("PATCH", `/towns/${town}/beads/${bead.id}`, { body: { priority: "P9", title: "", actor: alice } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: "bad_request", issues: expect.arrayContaining([expect.objectContaining({ path: ["priority"] })]) } });
    expect((await api("PATCH", `/towns/${town}/beads/${bead.id}`, { body: { actor: alice } })).json).toMatchObject({
      error: { code: "bad_request", message: expect.stringContaining("nothing to update") },
    });
    expect((await api("POST", `/towns/${town}/beads`, { body: { rig: "web", title: "no actor" } })).status).toBe(400);
    expect(await ok("GET", `/towns/${town}/beads/${bead.id}`)).toEqual({ bead });
    expect(await ok("GET", `/towns/${town}/beads`)).toEqual({ beads: [bead] });
    const { events } = await ok<{ events: unknown[] }>("GET", `/towns/${town}/beads/${bead.id}/events`);
    expect(events).toHaveLength(1);
  });

  it("validates bead ids in the path (400) and reports missing beads (404)", async () => {
    const town = await townWithRig();
    expect((await api("GET", `/towns/${town}/beads/NOT_AN_ID`)).status).toBe(400);
    expect((await api("GET", `/towns/${town}/beads/web-zzzz`)).json).toMatchObject({ error: { code: "not_found" } });
  });

  it("adds, lists and removes dependencies, refusing cycles with 409", async () => {
    const town = await townWithRig();
    const a = await create(town, { title: "a" });
    const b = await create(town, { title: "b" });
    expect(await ok("POST", `/towns/${town}/beads/${b.id}/deps`, { dependsOn: a.id, actor: alice })).toMatchObject({
      dep: { beadId: b.id, dependsOnId: a.id, type: "blocks" },
    });
    const cycle = await api("POST", `/towns/${town}/beads/${a.id}/deps`, { body: { dependsOn: b.id, actor: alice } });
    expect(cycle.status).toBe(409);
    expect(cycle.json).toMatchObject({ error: { code: "cycle" } });
    expect(await ok("GET", `/towns/${town}/beads/${a.id}/deps`)).toMatchObject({ dependsOn: [], dependents: [{ beadId: b.id }] });
    expect(await ok("DELETE", `/towns/${town}/beads/${b.id}/deps/${a.id}?type=blocks`, { actor: alice }, 200)).toEqual({ removed: true });
    expect(await ok("DELETE", `/towns/${town}/beads/${b.id}/deps/${a.id}`, { actor: alice }, 200)).toEqual({ removed: false });
  });
});
