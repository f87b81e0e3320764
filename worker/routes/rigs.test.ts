import { describe, expect, it } from "vitest";
import type { Rig } from "../../core/domain";
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
});
