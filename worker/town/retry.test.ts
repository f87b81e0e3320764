import { describe, expect, it } from "vitest";
import type { Bead } from "../../core/domain";
import { addRig, alice, api, newTown, ok } from "../app-testing";

type Retried = { bead: Bead; agentId: string | null; queued: boolean };

/** A work bead of rig `web` in a fresh town whose rig has `slots` polecat slots. */
async function beadIn(slots: number): Promise<{ town: string; bead: Bead }> {
  const town = newTown();
  await addRig(town, "web", { maxPolecats: slots });
  const { bead } = await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", title: "Fix login", actor: alice });
  return { town, bead };
}

describe("POST /towns/:town/beads/:bead/retry (the Retry button)", () => {
  it("puts a parked bead back to work: unparked and hooked to a free polecat", async () => {
    // Parked while the rig had no slots (so the reconciler could not hook it first), then a slot opens.
    const { town, bead } = await beadIn(0);
    await ok("PATCH", `/towns/${town}/beads/${bead.id}`, { status: "parked", actor: alice }, 200);
    await ok("PATCH", `/towns/${town}/rigs/web`, { config: { maxPolecats: 1 }, actor: alice }, 200);
    expect(await ok("GET", `/towns/${town}/beads/${bead.id}`)).toMatchObject({ bead: { status: "parked" } });
    const r = await ok<Retried>("POST", `/towns/${town}/beads/${bead.id}/retry`, { actor: alice }, 200);
    expect(r).toMatchObject({ bead: { id: bead.id, status: "hooked" }, agentId: "polecat-web-1", queued: false });
    const { events } = await ok<{ events: Array<{ kind: string }> }>("GET", `/towns/${town}/beads/${bead.id}/events`);
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(["unparked", "hooked"]));
  });

  it("queues an open bead when every polecat slot is taken, and says so", async () => {
    const { town, bead } = await beadIn(0);
    const r = await ok<Retried>("POST", `/towns/${town}/beads/${bead.id}/retry`, { actor: alice }, 200);
    expect(r).toMatchObject({ bead: { id: bead.id, status: "open" }, agentId: null, queued: true });
    expect(await ok("GET", `/towns/${town}/ready`)).toMatchObject({ beads: [{ id: bead.id }] });
  });

  it("refuses a bead already on a hook and a closed bead with 409, changing nothing", async () => {
    const town = newTown();
    await addRig(town, "web", { maxPolecats: 1 });
    const { bead } = await ok<{ bead: Bead }>("POST", `/towns/${town}/sling`, { rig: "web", title: "Fix login", actor: alice });
    const busy = await api("POST", `/towns/${town}/beads/${bead.id}/retry`, { body: { actor: alice } });
    expect(busy.status).toBe(409);
    expect(busy.json).toMatchObject({ error: { code: "conflict", message: expect.stringContaining("already being worked on") } });
    await ok("POST", `/towns/${town}/beads/${bead.id}/close`, { reason: "done", actor: alice }, 200);
    const closed = await api("POST", `/towns/${town}/beads/${bead.id}/retry`, { body: { actor: alice } });
    expect(closed.status).toBe(409);
    expect(await ok("GET", `/towns/${town}/beads/${bead.id}`)).toMatchObject({ bead: { status: "closed" } });
  });

  it("answers 404 for a missing bead and 400 for a bad id or a body without an actor", async () => {
    const { town, bead } = await beadIn(0);
    expect((await api("POST", `/towns/${town}/beads/web-zzzz/retry`, { body: { actor: alice } })).status).toBe(404);
    expect((await api("POST", `/towns/${town}/beads/NOT_AN_ID/retry`, { body: { actor: alice } })).status).toBe(400);
    expect((await api("POST", `/towns/${town}/beads/${bead.id}/retry`, { body: {} })).status).toBe(400);
    expect(await ok("GET", `/towns/${town}/beads/${bead.id}`)).toMatchObject({ bead: { status: "open" } });
  });
});
