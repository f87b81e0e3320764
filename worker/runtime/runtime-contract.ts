import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentInfo, MergeResult, Snapshot, type StartAgentRequest } from "../../core/container-api";
import { isGastownError } from "../../core/errors";
import type { AgentRuntime } from "../../core/ports";

/**
 * The AgentRuntime contract: what the reconciler relies on from any runtime. Every
 * implementation registers it with a factory (FakeRuntime in workerd, LocalProcessRuntime over
 * the real control server in Node), so a behaviour the planner depends on cannot drift.
 */

export interface RuntimeUnderTest {
  runtime: AgentRuntime;
  /** Called after each test (close servers, ...). */
  close?: () => Promise<void> | void;
}

/** A valid start request for `agentId` on a bead of a rig called `web`. */
export function startRequest(agentId: string, beadId = "web-a1b2"): StartAgentRequest {
  return {
    agentId,
    town: "local:contract",
    role: "polecat",
    kind: "command:/bin/cat",
    rig: { id: "rig-contract", name: "web", gitUrl: "https://example.com/web.git", defaultBranch: "main" },
    beadId,
    prompt: "Fix the login page.",
    workerUrl: "http://127.0.0.1:8787",
    agentToken: "token-for-the-contract",
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isGastownError(e) ? e.code : `untyped:${e instanceof Error ? e.name : typeof e}`;
  }
  return "resolved";
}

/** Registers the AgentRuntime contract tests for one implementation. */
export function runtimeContract(name: string, factory: () => Promise<RuntimeUnderTest> | RuntimeUnderTest): void {
  describe(`AgentRuntime contract: ${name}`, () => {
    let sut: RuntimeUnderTest;
    beforeEach(async () => {
      sut = await factory();
    });
    afterEach(async () => {
      await sut.close?.();
    });

    it("starts an agent for a bead and lists it as running", async () => {
      const info = AgentInfo.parse(await sut.runtime.start(startRequest("polecat-web-1")));
      expect(info).toMatchObject({ agentId: "polecat-web-1", role: "polecat", beadId: "web-a1b2", running: true });
      const listed = (await sut.runtime.list()).find((a) => a.agentId === "polecat-web-1");
      expect(listed?.running).toBe(true);
    });

    it("refuses to start an agent that is already running (conflict), so a retry cannot double-run it", async () => {
      await sut.runtime.start(startRequest("polecat-web-1"));
      expect(await codeOf(sut.runtime.start(startRequest("polecat-web-1")))).toBe("conflict");
      expect((await sut.runtime.list()).filter((a) => a.agentId === "polecat-web-1")).toHaveLength(1);
    });

    it("refuses a malformed start request (bad_request) before anything runs", async () => {
      const bad = { ...startRequest("polecat-web-1"), agentId: "Bad Id; rm -rf /" };
      expect(await codeOf(sut.runtime.start(bad))).toBe("bad_request");
      expect((await sut.runtime.list()).some((a) => a.agentId === bad.agentId)).toBe(false);
    });

    it("nudges a running agent and shows its screen in a snapshot", async () => {
      await sut.runtime.start(startRequest("polecat-web-1"));
      await sut.runtime.nudge("polecat-web-1", "please keep going");
      const snap = Snapshot.parse(await sut.runtime.snapshot("polecat-web-1"));
      expect(snap.agentId).toBe("polecat-web-1");
      expect(snap.rows).toBeGreaterThan(0);
      expect(snap.cols).toBeGreaterThan(0);
    });

    it("answers not_found for agents it does not know", async () => {
      expect(await codeOf(sut.runtime.nudge("polecat-nobody-1", "hello"))).toBe("not_found");
      expect(await codeOf(sut.runtime.snapshot("polecat-nobody-1"))).toBe("not_found");
      expect(await codeOf(sut.runtime.stop("polecat-nobody-1"))).toBe("not_found");
    });

    it("stops an agent; the same id can then be started again (the witness's restart)", async () => {
      await sut.runtime.start(startRequest("polecat-web-1"));
      await sut.runtime.stop("polecat-web-1");
      expect((await sut.runtime.list()).some((a) => a.agentId === "polecat-web-1" && a.running)).toBe(false);
      const again = await sut.runtime.start(startRequest("polecat-web-1", "web-c3d4"));
      expect(again).toMatchObject({ running: true, beadId: "web-c3d4" });
    });

    it("merges a polecat branch and reports the outcome", async () => {
      const result = MergeResult.parse(
        await sut.runtime.merge({
          rig: { id: "rig-contract", name: "web", gitUrl: "https://example.com/web.git", defaultBranch: "main" },
          branch: "gt/web-a1b2",
          target: "main",
        }),
      );
      expect(["merged", "conflict", "gates_failed", "nothing_to_merge", "error"]).toContain(result.outcome);
    });
  });
}
