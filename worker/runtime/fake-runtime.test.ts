import { describe, expect, it } from "vitest";
import { isGastownError } from "../../core/errors";
import { FakeRuntime } from "./fake-runtime";
import { runtimeContract, startRequest } from "./runtime-contract";

runtimeContract("FakeRuntime", () => ({ runtime: new FakeRuntime() }));

describe("FakeRuntime controls", () => {
  it("fails exactly the next N starts, then starts normally", async () => {
    const rt = new FakeRuntime();
    rt.failNextStarts(2, "container is down");
    for (let i = 0; i < 2; i++) {
      const err = await rt.start(startRequest("polecat-web-1")).catch((e: unknown) => e);
      expect(isGastownError(err) && err.code === "runtime_failed" && err.message === "container is down").toBe(true);
    }
    await expect(rt.start(startRequest("polecat-web-1"))).resolves.toMatchObject({ running: true });
    expect(rt.callsOf("start")).toHaveLength(3);
  });

  it("records nudges in order and can fail them", async () => {
    const rt = new FakeRuntime();
    await rt.start(startRequest("polecat-web-1"));
    rt.failNextNudges(1);
    await expect(rt.nudge("polecat-web-1", "one")).rejects.toThrow("nudge refused");
    await rt.nudge("polecat-web-1", "two");
    expect(rt.callsOf("nudge").map((c) => c.text)).toEqual(["one", "two"]);
    expect((await rt.snapshot("polecat-web-1")).text).toContain("two");
  });
});
