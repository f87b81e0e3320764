import { describe, expect, it } from "vitest";
import type { Bead } from "../../core/domain";
import { addRig, alice, api, newTown, ok } from "../app-testing";

type Convoy = { id: string; name: string; beadIds: string[]; closed: number; total: number; landedAt: number | null };

describe("/towns/:town/convoys", () => {
  it("creates a convoy, adds to it, and shows it landed once every bead is closed", async () => {
    const town = newTown();
    await addRig(town);
    const mk = async (title: string) => (await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", title, actor: alice })).bead;
    const [a, b, c] = [await mk("a"), await mk("b"), await mk("c")];
    const { convoy } = await ok<{ convoy: Convoy }>("POST", `/towns/${town}/convoys`, { name: "auth", beadIds: [a.id, b.id], actor: alice });
    expect(convoy).toMatchObject({ name: "auth", closed: 0, total: 2, landedAt: null });
    expect([...convoy.beadIds].sort()).toEqual([a.id, b.id].sort());
    const added = await ok<{ convoy: Convoy }>("POST", `/towns/${town}/convoys/${convoy.id}/beads`, { beadIds: [c.id], actor: alice }, 200);
    expect(added.convoy.total).toBe(3);
    for (const bead of [a, b, c]) await ok("POST", `/towns/${town}/beads/${bead.id}/close`, { actor: alice }, 200);
    const landed = await ok<{ convoy: Convoy }>("GET", `/towns/${town}/convoys/${convoy.id}`);
    expect(landed.convoy).toMatchObject({ closed: 3, total: 3, landedAt: expect.any(Number) });
    expect(await ok("GET", `/towns/${town}/convoys?open=true`)).toEqual({ convoys: [] });
    expect(await ok<{ convoys: Convoy[] }>("GET", `/towns/${town}/convoys`)).toMatchObject({ convoys: [{ id: convoy.id }] });
  });

  it("refuses an empty convoy with 400 and creates nothing", async () => {
    const town = newTown();
    const res = await api("POST", `/towns/${town}/convoys`, { body: { name: "empty", beadIds: [], actor: alice } });
    expect(res.status).toBe(400);
    expect(await ok("GET", `/towns/${town}/convoys`)).toEqual({ convoys: [] });
  });
});
