import { describe, expect, it } from "vitest";
import type { Bead } from "../../core/domain";
import { addRig, alice, api, newTown, ok } from "../app-testing";

describe("/towns/:town/{sling,ready,molecules,mail}", () => {
  it("slings a new bead onto a free polecat, then queues when the rig is full", async () => {
    const town = newTown();
    await addRig(town, "web", { maxPolecats: 1 });
    const first = await ok<{ bead: Bead; agentId: string | null; queued: boolean }>("POST", `/towns/${town}/sling`, {
      rig: "web",
      title: "Fix login",
      priority: "P1",
      actor: alice,
    });
    expect(first).toMatchObject({ bead: { title: "Fix login", status: "hooked" }, agentId: "polecat-web-1", queued: false, created: true });
    const second = await ok("POST", `/towns/${town}/sling`, { rig: "web", title: "Bump SDK", actor: alice });
    expect(second).toMatchObject({ agentId: null, queued: true, queuedReason: "no_free_polecat" });
  });

  it("refuses a sling with both a title and a bead id (400) and creates nothing", async () => {
    const town = newTown();
    await addRig(town);
    const res = await api("POST", `/towns/${town}/sling`, { body: { rig: "web", title: "x", beadId: "web-abcd", actor: alice } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "bad_request", message: expect.stringContaining("either a title or a beadId") } });
    expect(await ok("GET", `/towns/${town}/beads`)).toEqual({ beads: [] });
  });

  it("lists ready work most urgent first and honours blocks edges", async () => {
    const town = newTown();
    await addRig(town);
    const mk = async (title: string, priority: string) =>
      (await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", title, priority, actor: alice })).bead;
    const low = await mk("low", "P3");
    const urgent = await mk("urgent", "P0");
    const blocked = await mk("blocked", "P0");
    await ok("POST", `/towns/${town}/beads/${blocked.id}/deps`, { dependsOn: low.id, actor: alice });
    const { beads } = await ok<{ beads: Bead[] }>("GET", `/towns/${town}/ready?rig=web`);
    expect(beads.map((b) => b.id)).toEqual([urgent.id, low.id]);
    expect((await api("GET", `/towns/${town}/ready?limit=0`)).status).toBe(400);
  });

  it("creates a molecule whose steps become ready one at a time", async () => {
    const town = newTown();
    await addRig(town);
    const { molecule, steps } = await ok<{ molecule: Bead; steps: Bead[] }>("POST", `/towns/${town}/molecules`, {
      rig: "web",
      title: "Release",
      steps: [{ title: "build" }, { title: "ship" }],
      actor: alice,
    });
    expect(molecule.type).toBe("molecule");
    expect(steps.map((s) => s.title)).toEqual(["build", "ship"]);
    const { beads } = await ok<{ beads: Bead[] }>("GET", `/towns/${town}/ready?rig=web`);
    expect(beads.map((b) => b.id)).toEqual([steps[0]?.id]);
  });

  it("sends mail to an agent, and refuses mail to a bead nobody works on", async () => {
    const town = newTown();
    await addRig(town, "web", { maxPolecats: 1 });
    const { bead, agentId } = await ok<{ bead: Bead; agentId: string }>("POST", `/towns/${town}/sling`, { rig: "web", title: "x", actor: alice });
    const { mail } = await ok<{ mail: { to: string; subject: string } }>("POST", `/towns/${town}/mail`, { to: bead.id, subject: "use the v2 API", actor: alice });
    expect(mail).toMatchObject({ to: agentId, subject: "use the v2 API" });
    const idle = (await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", title: "y", actor: alice })).bead;
    expect((await api("POST", `/towns/${town}/mail`, { body: { to: idle.id, subject: "hi", actor: alice } })).status).toBe(409);
  });
});
