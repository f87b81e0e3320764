import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitManager } from "../container/git/git-manager";
import { makeTempOrigin, type TempOrigin } from "../container/git/test-repos";
import { createControlServer } from "../container/server";
import type { MergeRequest } from "../core/container-api";
import type { QualityGate } from "../core/domain";
import { silentLogger } from "../core/logger";
import { judgeMerge, summarizeRun } from "../worker/refinery/outcome";
import { FakeAgentControl } from "../worker/runtime/fake-agent-control";
import { LocalProcessRuntime } from "../worker/runtime/local-process-runtime";

/**
 * The refinery's merges with real git: the Worker's LocalProcessRuntime over HTTP to the real
 * container control server, whose POST /merge runs the real GitManager (detached worktree,
 * quality gates, push) against a temp bare origin. Each result is read the way the refinery
 * pass reads it (judgeMerge / summarizeRun), so what a person sees in the thread and what the
 * polecat gets as mail come from real git output.
 */

const TOKEN = "container-token-0123456789";
const PASS: QualityGate = { name: "true", argv: ["true"], timeoutSec: 60 };

let o: TempOrigin;
let gm: GitManager;
let runtime: LocalProcessRuntime;
let close: () => Promise<void>;

beforeEach(async () => {
  o = makeTempOrigin("web");
  gm = new GitManager({ dataDir: join(o.root, "data"), env: o.env, logger: silentLogger });
  const app = createControlServer({ supervisor: new FakeAgentControl(), logger: silentLogger, token: TOKEN, merge: (req) => gm.merge(req) });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  runtime = new LocalProcessRuntime({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN });
  close = () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

afterEach(async () => {
  await close();
  o.cleanup();
});

const originMain = () => o.git(o.origin, "rev-parse", "main");

/** A polecat's work: a worktree on gt/<bead> with one commit of `files`. */
async function polecatBranch(beadId: string, files: Record<string, string>): Promise<string> {
  const wt = await gm.addWorktree(o.rig, beadId);
  return o.commit(wt.path, files, `work on ${beadId}`);
}

/** The request the refinery pass sends for a bead (policy auto: push). */
function mergeOf(beadId: string, gates: QualityGate[], push = true): MergeRequest {
  return { rig: o.rig, branch: `gt/${beadId}`, target: "main", gates, push, message: `Merge gt/${beadId}` };
}

describe("refinery merges with real git, through the control server", () => {
  it("merges two polecat branches in queue order: the first fast-forwards, the second is merged on top", async () => {
    const a = await polecatBranch("web-aaaa", { "a.txt": "A\n" });
    await polecatBranch("web-bbbb", { "b.txt": "B\n" });
    const first = await runtime.merge(mergeOf("web-aaaa", [PASS]));
    expect(judgeMerge(first, { branch: "gt/web-aaaa", target: "main", push: true })).toMatchObject({ kind: "merged" });
    expect(first).toMatchObject({ fastForward: true, commit: a });
    expect(originMain()).toBe(a);
    const second = await runtime.merge(mergeOf("web-bbbb", [PASS]));
    const verdict = judgeMerge(second, { branch: "gt/web-bbbb", target: "main", push: true });
    expect(verdict).toMatchObject({ kind: "merged", detail: expect.stringContaining("gt/web-bbbb merged into main") });
    expect(second.fastForward).toBe(false);
    expect(originMain()).toBe(second.commit);
    // Both landed, in order: main's first parent line is the merge, then a's commit.
    expect(o.git(o.origin, "log", "--first-parent", "--format=%s", "main")).toBe(["Merge gt/web-bbbb", "work on web-aaaa", "initial commit"].join("\n"));
    expect(o.git(o.origin, "show", "main:b.txt")).toBe("B");
    expect(summarizeRun(second, true)).toMatchObject({ outcome: "merged", pushed: true, gates: [{ name: "true", ok: true, output: "" }] });
  });

  it("rejects a branch whose gate fails, with the gate's output for the thread and the mail, and pushes nothing", async () => {
    await polecatBranch("web-cccc", { "c.txt": "C\n" });
    const before = originMain();
    const failing: QualityGate = { name: "test", argv: ["sh", "-c", "echo 'FAIL login.test: expected 200, got 500'; false"], timeoutSec: 60 };
    const result = await runtime.merge(mergeOf("web-cccc", [PASS, failing]));
    expect(result.outcome).toBe("gates_failed");
    const verdict = judgeMerge(result, { branch: "gt/web-cccc", target: "main", push: true });
    if (verdict.kind !== "send_back") throw new Error(`expected send_back, got ${verdict.kind}`);
    expect(verdict.state).toBe("rejected");
    expect(verdict.detail).toBe("gate test failed (exit 1)\n\nFAIL login.test: expected 200, got 500");
    expect(verdict.mail.body).toContain("FAIL login.test: expected 200, got 500");
    expect(summarizeRun(result, true).gates.map((g) => [g.name, g.ok])).toEqual([
      ["true", true],
      ["test", false],
    ]);
    expect(originMain()).toBe(before);
    // A plain `false` gate (no output) still rejects, and says so.
    const bare = await runtime.merge(mergeOf("web-cccc", [{ name: "false", argv: ["false"], timeoutSec: 60 }]));
    expect(judgeMerge(bare, { branch: "gt/web-cccc", target: "main", push: true })).toMatchObject({ kind: "send_back", detail: "gate false failed (exit 1)" });
    expect(originMain()).toBe(before);
  });

  it("detects a conflict with the target, names the file, and pushes nothing", async () => {
    await polecatBranch("web-dddd", { "README.md": "# app\n\nline one, the polecat's way\n" });
    // Meanwhile someone changed the same line on main.
    const other = join(o.root, "other");
    o.git(o.root, "clone", "-q", o.origin, other);
    o.commit(other, { "README.md": "# app\n\nline one, main's way\n" }, "main moves on");
    o.git(other, "push", "-q", "origin", "main");
    const before = originMain();
    const result = await runtime.merge(mergeOf("web-dddd", [PASS]));
    expect(result).toMatchObject({ outcome: "conflict", conflicts: ["README.md"] });
    expect(judgeMerge(result, { branch: "gt/web-dddd", target: "main", push: true })).toMatchObject({
      kind: "send_back",
      state: "conflict",
      detail: "gt/web-dddd conflicts with main in: README.md",
    });
    expect(originMain()).toBe(before);
  });

  it("approve policy: the check run gates the merged result without pushing; the approved run pushes", async () => {
    await polecatBranch("web-eeee", { "e.txt": "E\n" });
    const before = originMain();
    const check = await runtime.merge(mergeOf("web-eeee", [PASS], false));
    expect(judgeMerge(check, { branch: "gt/web-eeee", target: "main", push: false })).toMatchObject({ kind: "awaiting_approval" });
    expect(check.diffStat).toContain("e.txt");
    expect(originMain()).toBe(before);
    const approved = await runtime.merge(mergeOf("web-eeee", [PASS], true));
    expect(judgeMerge(approved, { branch: "gt/web-eeee", target: "main", push: true })).toMatchObject({ kind: "merged" });
    expect(o.git(o.origin, "show", "main:e.txt")).toBe("E");
  });
});
