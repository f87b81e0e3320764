import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StartAgentRequest } from "../../core/container-api";
import { silentLogger } from "../../core/logger";
import { GitManager } from "./git-manager";
import { makeTempOrigin, type TempOrigin } from "./test-repos";
import { GitWorkspaceProvider } from "./workspace-provider";

let t: TempOrigin;
let provider: GitWorkspaceProvider;
beforeEach(() => {
  t = makeTempOrigin();
  const git = new GitManager({ dataDir: join(t.root, "data"), env: t.env, logger: silentLogger });
  provider = new GitWorkspaceProvider({ git, scratchDir: join(t.root, "scratch"), logger: silentLogger });
});
afterEach(() => t.cleanup());

const base = (over: Partial<StartAgentRequest>): StartAgentRequest => ({
  agentId: "polecat-app-1",
  town: "local:dev",
  role: "polecat",
  kind: "claude",
  rig: t.rig,
  beadId: "gt-abcd",
  prompt: "work",
  workerUrl: "http://127.0.0.1:8787",
  agentToken: "tok",
  ...over,
});

describe("GitWorkspaceProvider", () => {
  it("gives a polecat the bead's worktree and keeps the branch on release", async () => {
    const req = base({});
    const ws = await provider.prepare(req);
    expect(ws.branch).toBe("gt/gt-abcd");
    const head = t.commit(ws.cwd, { "x.txt": "x\n" }, "work");
    await provider.release(req, ws);
    expect(existsSync(ws.cwd)).toBe(false);
    const again = await provider.prepare(req);
    expect(t.git(again.cwd, "rev-parse", "HEAD")).toBe(head);
  });

  it("gives an agent without a bead a scratch dir and removes it on release", async () => {
    const req = base({ agentId: "refinery-app", role: "refinery", beadId: null });
    const ws = await provider.prepare(req);
    expect(ws).toEqual({ cwd: join(t.root, "scratch", "refinery-app"), branch: null });
    expect(existsSync(ws.cwd)).toBe(true);
    await provider.release(req, ws);
    expect(existsSync(ws.cwd)).toBe(false);
  });
});
