import { describe, expect, it } from "vitest";
import type { Actor, Rig } from "../../core/domain";
import { alice, api, newTown, ok } from "../app-testing";

const web = { name: "web", gitUrl: "https://example.com/web.git", actor: alice };

describe("/towns/:town/rigs", () => {
  it("adds, lists, reads, updates and removes rigs", async () => {
    const town = newTown();
    const { rig } = await ok<{ rig: Rig }>("POST", `/towns/${town}/rigs`, { ...web, config: { maxPolecats: 2 } });
    expect(rig).toMatchObject({ name: "web", defaultBranch: "main", beadPrefix: "web", config: { maxPolecats: 2, mergePolicy: "auto" } });
    expect(await ok("GET", `/towns/${town}/rigs`)).toEqual({ rigs: [rig] });
    expect(await ok("GET", `/towns/${town}/rigs/web`)).toEqual({ rig });
    expect(await ok("GET", `/towns/${town}/rigs/${rig.id}`)).toEqual({ rig });
    const updated = await ok<{ rig: Rig }>("PATCH", `/towns/${town}/rigs/web`, { defaultBranch: "trunk", config: { mergePolicy: "approve" }, actor: alice });
    expect(updated.rig).toMatchObject({ defaultBranch: "trunk", config: { mergePolicy: "approve" } });
    expect(await ok("DELETE", `/towns/${town}/rigs/web`, { actor: alice }, 200)).toEqual({ removed: true });
    expect(await ok("GET", `/towns/${town}/rigs`)).toEqual({ rigs: [] });
  });

  it("keeps the config fields a partial update leaves out", async () => {
    const town = newTown();
    await ok("POST", `/towns/${town}/rigs`, { ...web, config: { maxPolecats: 2 } });
    const updated = await ok<{ rig: Rig }>("PATCH", `/towns/${town}/rigs/web`, { config: { mergePolicy: "approve" }, actor: alice });
    expect(updated.rig.config).toMatchObject({ maxPolecats: 2, mergePolicy: "approve" });
  });

  it("answers a bad body with 400 and the zod issues, and adds nothing", async () => {
    const town = newTown();
    const res = await api("POST", `/towns/${town}/rigs`, { body: { ...web, name: "Not A Rig!", gitUrl: "https://user:pw@example.com/x.git" } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: {
        code: "bad_request",
        message: expect.stringContaining("name"),
        issues: expect.arrayContaining([expect.objectContaining({ path: ["name"] }), expect.objectContaining({ path: ["gitUrl"] })]),
      },
    });
    expect(await ok("GET", `/towns/${town}/rigs`)).toEqual({ rigs: [] });
  });

  it("answers malformed JSON and a missing body with 400", async () => {
    const town = newTown();
    expect((await api("POST", `/towns/${town}/rigs`, { rawBody: "{nope" })).json).toMatchObject({ error: { code: "bad_request" } });
    expect((await api("POST", `/towns/${town}/rigs`)).status).toBe(400);
    expect(await ok("GET", `/towns/${town}/rigs`)).toEqual({ rigs: [] });
  });

  it("refuses a second rig with the same name (409) and a missing rig (404)", async () => {
    const town = newTown();
    await ok("POST", `/towns/${town}/rigs`, web);
    expect(await ok("POST", `/towns/${town}/rigs`, web, 409)).toMatchObject({ error: { code: "conflict" } });
    expect(await ok("GET", `/towns/${town}/rigs/nope`, undefined, 404)).toMatchObject({ error: { code: "not_found", message: "rig nope not found" } });
  });

  it("adds, replaces (by name, in place) and removes quality gates one at a time", async () => {
    const town = newTown();
    await ok("POST", `/towns/${town}/rigs`, web);
    const gate = (put: unknown) => ok<{ rig: Rig }>("PATCH", `/towns/${town}/rigs/web`, { gate: { put }, actor: alice });
    await gate({ name: "test", argv: ["npm", "test"] });
    await gate({ name: "lint", argv: ["npm", "run", "lint"], timeoutSec: 60 });
    const replaced = await gate({ name: "test", argv: ["npm", "test", "--", "--runInBand"] });
    expect(replaced.rig.config.qualityGates).toEqual([
      { name: "test", argv: ["npm", "test", "--", "--runInBand"], timeoutSec: 600 },
      { name: "lint", argv: ["npm", "run", "lint"], timeoutSec: 60 },
    ]);
    const removed = await ok<{ rig: Rig }>("PATCH", `/towns/${town}/rigs/web`, { gate: { remove: "test" }, actor: alice });
    expect(removed.rig.config.qualityGates.map((g) => g.name)).toEqual(["lint"]);
    // Removing a gate that is not there, or a gate without argv, changes nothing.
    expect(await ok("PATCH", `/towns/${town}/rigs/web`, { gate: { remove: "test" }, actor: alice }, 404)).toMatchObject({ error: { code: "not_found" } });
    expect(await ok("PATCH", `/towns/${town}/rigs/web`, { gate: { put: { name: "x", argv: [] } }, actor: alice }, 400)).toMatchObject({ error: { code: "bad_request" } });
    expect((await ok<{ rig: Rig }>("GET", `/towns/${town}/rigs/web`)).rig.config.qualityGates.map((g) => g.name)).toEqual(["lint"]);
  });

  it("on a rig whose merges need approval, only approvers change policy, approvers, gates and agent", async () => {
    const town = newTown();
    const lead: Actor = { kind: "user", id: "slack:user:U9", name: "lead" };
    await ok("POST", `/towns/${town}/rigs`, { ...web, config: { mergePolicy: "approve", approvers: ["slack:user:U9", "slack:group:S1"] } });
    const patch = (body: Record<string, unknown>, expected?: number) => ok<Record<string, unknown>>("PATCH", `/towns/${town}/rigs/web`, { actor: alice, ...body }, expected);

    for (const body of [{ config: { mergePolicy: "auto" } }, { config: { approvers: ["channel"] } }, { gate: { put: { name: "t", argv: ["true"] } } }, { config: { agent: "command:[\"sh\"]" } }]) {
      expect(await patch(body, 403)).toMatchObject({ error: { code: "forbidden", message: expect.stringContaining("only its approvers") } });
    }
    const unchanged = (await ok<{ rig: Rig }>("GET", `/towns/${town}/rigs/web`)).rig.config;
    expect(unchanged).toMatchObject({ mergePolicy: "approve", approvers: ["slack:user:U9", "slack:group:S1"], qualityGates: [], agent: "claude" });

    // Capacity is anyone's; approvers (by id or by group) may change the rest.
    expect(await patch({ config: { maxPolecats: 1 } })).toMatchObject({ rig: { config: { maxPolecats: 1 } } });
    expect(await patch({ actor: lead, gate: { put: { name: "t", argv: ["true"] } } })).toMatchObject({ rig: { config: { qualityGates: [{ name: "t" }] } } });
    expect(await patch({ memberOf: ["slack:group:S1"], config: { mergePolicy: "auto" } })).toMatchObject({ rig: { config: { mergePolicy: "auto" } } });
    // Auto merges: the channel decides.
    expect(await patch({ config: { agent: "opencode" } })).toMatchObject({ rig: { config: { agent: "opencode" } } });
  });
});
