import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("worker", () => {
  it("answers the health route", async () => {
    const res = await SELF.fetch("http://town/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });
  it("opens a town DO with migrated SQLite", async () => {
    const stub = env.TOWN.get(env.TOWN.idFromName(`t-${crypto.randomUUID()}`));
    expect(await stub.ping()).toBe("pong");
  });
});
