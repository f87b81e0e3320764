import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../core/logger";
import { WorkerCallbacks } from "./callbacks";
import { FakeWorker } from "./supervisor-fakes";

let worker: FakeWorker;
let lines: string[];
const logger = () => createLogger({ sink: (l) => lines.push(l) });

beforeEach(async () => {
  worker = await new FakeWorker().start();
  lines = [];
});
afterEach(async () => {
  await worker.stop();
});

const target = () => ({ workerUrl: `${worker.url}/`, town: "slack:T123", agentId: "polecat-a-1", agentToken: "tok-abc.def" });

describe("WorkerCallbacks", () => {
  it("posts lifecycle events to the agent's route with its bearer token", async () => {
    const cb = new WorkerCallbacks({ logger: logger() });
    expect(await cb.lifecycle(target(), { event: "exited", exitCode: 2 })).toBe(true);
    expect(worker.calls).toHaveLength(1);
    const call = worker.calls[0];
    expect(call?.path).toBe("/towns/slack%3AT123/agents/polecat-a-1/lifecycle");
    expect(call?.headers.authorization).toBe("Bearer tok-abc.def");
    expect(call?.body).toEqual({ event: "exited", exitCode: 2 });
  });

  it("retries server errors and succeeds", async () => {
    worker.statuses.push(503, 500);
    const cb = new WorkerCallbacks({ logger: logger(), backoffMs: () => 0 });
    expect(await cb.heartbeat(target(), { status: "idle", activityAt: 5 })).toBe(true);
    expect(worker.to("/heartbeat")).toHaveLength(3);
    expect(lines.filter((l) => l.includes("retrying"))).toHaveLength(2);
  });

  it("does not retry a refused token, and logs the failure without the token", async () => {
    worker.statuses.push(401);
    const cb = new WorkerCallbacks({ logger: logger(), backoffMs: () => 0 });
    expect(await cb.lifecycle(target(), { event: "started" })).toBe(false);
    expect(worker.calls).toHaveLength(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/"level":"error".*worker callback failed.*HTTP 401/);
    expect(lines.join("\n")).not.toContain("tok-abc.def");
  });

  it("gives up on an unreachable Worker with a logged error, never a throw", async () => {
    await worker.stop();
    const cb = new WorkerCallbacks({ logger: logger(), attempts: 2, backoffMs: () => 0 });
    await expect(cb.lifecycle(target(), { event: "idle" })).resolves.toBe(false);
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(["warn", "error"]);
  });
});
