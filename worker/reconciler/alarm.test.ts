import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { addRig } from "../../db/rigs";
import { sling } from "../../db/sling";
import { ALICE } from "../../db/test-helpers";
import { FakeRuntime } from "../runtime/fake-runtime";
import { scheduleReconcile } from "./schedule";

function freshTown() {
  const town = `local:alarm-${crypto.randomUUID().slice(0, 8)}`;
  return { town, stub: env.TOWN.get(env.TOWN.idFromName(town)) };
}

describe("TownDO alarm", () => {
  it("runs a reconciler pass with the configured runtime and arms the next pass", async () => {
    const { town, stub } = freshTown();
    const beadId = await runInDurableObject(stub, async (instance, state) => {
      addRig(instance.db, { name: "web", gitUrl: "https://example.com/web.git", actor: ALICE }, Date.now());
      const { bead } = sling(instance.db, { rig: "web", title: "fix login", actor: ALICE }, Date.now());
      // A minute ahead, so the test (not the clock) decides when it runs.
      await scheduleReconcile(state.storage, Date.now(), 60_000);
      return bead.id;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (instance, state) => {
      if (!(instance.runtime instanceof FakeRuntime)) throw new Error("GASTOWN_RUNTIME=fake should give a FakeRuntime");
      expect(instance.runtime.callsOf("start").map((c) => [c.req.town, c.req.agentId, c.req.beadId])).toEqual([[town, "polecat-web-1", beadId]]);
      // A hooked agent is watched: the next pass is armed (stale or patrol deadline).
      expect(await state.storage.getAlarm()).toBeGreaterThan(Date.now());
    });
  });

  it("scheduleReconcile keeps the earliest pass", async () => {
    const { stub } = freshTown();
    await runInDurableObject(stub, async (_instance, state) => {
      const now = Date.now();
      await scheduleReconcile(state.storage, now, 60_000);
      await scheduleReconcile(state.storage, now, 120_000);
      expect(await state.storage.getAlarm()).toBe(now + 60_000);
      await scheduleReconcile(state.storage, now);
      // workerd never stores an alarm in the past: "now" may come back a millisecond later.
      expect(await state.storage.getAlarm()).toBeLessThan(now + 1_000);
    });
  });
});
