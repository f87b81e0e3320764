import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Bead } from "../core/domain";
import { addRig, alice, newTown, ok } from "./app-testing";

const stub = (town: string) => env.TOWN.get(env.TOWN.idFromName(town));

describe("TownDO", () => {
  it("keeps its state across eviction", async () => {
    const town = newTown();
    await addRig(town);
    const a = (await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", title: "first", actor: alice })).bead;
    const b = (await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", title: "second", priority: "P0", actor: alice })).bead;
    await ok("POST", `/towns/${town}/beads/${b.id}/deps`, { dependsOn: a.id, actor: alice });

    await evictDurableObject(stub(town));

    const { beads } = await ok<{ beads: Bead[] }>("GET", `/towns/${town}/beads?rig=web`);
    expect(beads.map((x) => x.title).sort()).toEqual(["first", "second"]);
    expect(await ok("GET", `/towns/${town}/beads/${b.id}/deps`)).toMatchObject({ dependsOn: [{ beadId: b.id, dependsOnId: a.id, type: "blocks" }] });
    const ready = await ok<{ beads: Bead[] }>("GET", `/towns/${town}/ready?rig=web`);
    expect(ready.beads.map((x) => x.id)).toEqual([a.id]);
  });

  it("answers an unknown operation with a typed error instead of crashing", async () => {
    const town = newTown();
    const outcome = await stub(town).call("dropAllTables", []);
    expect(outcome).toEqual({ ok: false, error: { code: "not_found", message: "unknown town operation dropAllTables" } });
  });

  it("keeps towns apart: one town's beads are not visible in another", async () => {
    const [one, two] = [newTown(), newTown()];
    await ok("POST", `/towns/${one}/rigs`, { name: "web", gitUrl: "https://example.com/web.git", actor: alice });
    const bead = (await ok<{ bead: Bead }>("POST", `/towns/${one}/beads`, { rig: "web", title: "mine", actor: alice })).bead;
    expect(await ok("GET", `/towns/${two}/beads/${bead.id}`, undefined, 404)).toMatchObject({ error: { code: "not_found" } });
  });
});
