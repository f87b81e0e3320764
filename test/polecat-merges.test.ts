import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MergeRequest, StartAgentRequest } from "../core/container-api";
import type { QualityGate } from "../core/domain";
import { waitFor } from "../container/supervisor-fakes";
import { type ContainerStack, startContainerStack } from "./harness/container-stack";

/**
 * Two (and more) polecats on one rig, end to end through the container as main.ts builds it:
 * the Worker's LocalProcessRuntime starts real processes in PTYs over HTTP, each in its own
 * git worktree on gt/<bead>, each commits; then the refinery's merges are requested at the
 * same time and land on the temp origin's main through detached worktrees. A branch that
 * conflicts comes back as outcome "conflict" with its files, and the server stays healthy.
 */

const GATE: QualityGate = { name: "true", argv: ["true"], timeoutSec: 60 };

// A stand-in polecat: writes $2 into file $1, commits on its branch, says so, stays up.
// The script is the test's own constant; file and content arrive as separate argv items.
const WORK = 'printf "%s\\n" "$2" > "$1" && git add -A && git commit -q -m "work on $GASTOWN_BEAD" && echo "committed $GASTOWN_BEAD" && exec sleep 60';

let s: ContainerStack;
beforeEach(async () => {
  s = await startContainerStack("web");
});
afterEach(async () => {
  await s.close();
});

function polecat(n: number, beadId: string, file: string, content: string): StartAgentRequest {
  return {
    agentId: `polecat-web-${n}`,
    town: "local:dev",
    role: "polecat",
    kind: `command:${JSON.stringify(["sh", "-c", WORK, "sh", file, content])}`,
    rig: s.origin.rig,
    beadId,
    prompt: `Work on ${beadId}.`,
    workerUrl: s.worker.url,
    agentToken: `agent-token-${beadId}-0123456789`,
  };
}

const mergeOf = (beadId: string): MergeRequest => ({ rig: s.origin.rig, branch: `gt/${beadId}`, target: "main", gates: [GATE], push: true });
const originMain = () => s.origin.git(s.origin.origin, "rev-parse", "main");
const originFile = (file: string) => s.origin.git(s.origin.origin, "show", `main:${file}`);

/** Starts the polecats at the same time and waits until each has committed (all still running). */
async function runPolecats(reqs: StartAgentRequest[]): Promise<void> {
  const infos = await Promise.all(reqs.map((r) => s.runtime.start(r)));
  expect(new Set(infos.map((i) => i.worktree)).size).toBe(reqs.length);
  for (const r of reqs) {
    await waitFor(async () => (await s.runtime.snapshot(r.agentId)).text.includes(`committed ${r.beadId}`), `${r.agentId} to commit`);
  }
  // They worked side by side: every one is still up in its own worktree.
  const running = (await s.runtime.list()).filter((a) => a.running).map((a) => a.agentId);
  expect(running).toEqual(expect.arrayContaining(reqs.map((r) => r.agentId)));
  await Promise.all(reqs.map((r) => s.runtime.stop(r.agentId)));
}

describe("polecats on one rig, merged concurrently", () => {
  it("two polecats' branches merged at the same time both land on origin main; a conflicting third is reported as a conflict", async () => {
    const base = originMain();
    await runPolecats([
      polecat(1, "web-aaaa", "README.md", "# app\n\nline one, as polecat A has it"),
      polecat(2, "web-bbbb", "b.txt", "B"),
      // Started from the same main as A and edits the same line: it must conflict once A lands.
      polecat(3, "web-cccc", "README.md", "# app\n\nline one, as polecat C has it"),
    ]);
    for (const bead of ["web-aaaa", "web-bbbb", "web-cccc"]) {
      expect(s.origin.git(join(s.dataDir, "rigs", "web.git"), "rev-list", "--count", `origin/main..gt/${bead}`)).toBe("1");
    }

    // Both merges requested at once, while a fourth polecat starts on the same rig (a fetch).
    const [a, b, started] = await Promise.all([
      s.runtime.merge(mergeOf("web-aaaa")),
      s.runtime.merge(mergeOf("web-bbbb")),
      s.runtime.start(polecat(4, "web-dddd", "d.txt", "D")),
    ]);
    expect([a.outcome, b.outcome]).toEqual(["merged", "merged"]);
    expect(started).toMatchObject({ running: true, branch: "gt/web-dddd" });
    // One of them went first (fast-forward from base); the other was merged on top of it.
    expect([a.fastForward, b.fastForward].sort()).toEqual([false, true]);
    expect(originMain()).toBe(a.fastForward ? b.commit : a.commit);
    expect(originFile("README.md")).toBe("# app\n\nline one, as polecat A has it");
    expect(originFile("b.txt")).toBe("B");
    expect(s.origin.git(s.origin.origin, "rev-list", "--count", `${base}..main`)).toBe("3");

    // C and D at the same time: C conflicts with A on README.md, D merges cleanly.
    await waitFor(async () => (await s.runtime.snapshot("polecat-web-4")).text.includes("committed web-dddd"), "polecat 4 to commit");
    await s.runtime.stop("polecat-web-4");
    const beforeC = originMain();
    const [c, d] = await Promise.all([s.runtime.merge(mergeOf("web-cccc")), s.runtime.merge(mergeOf("web-dddd"))]);
    expect(c).toMatchObject({ outcome: "conflict", conflicts: ["README.md"], commit: null });
    expect(c.detail).toContain("conflicts with main");
    expect(d.outcome).toBe("merged");
    expect(originFile("README.md")).toBe("# app\n\nline one, as polecat A has it");
    expect(originFile("d.txt")).toBe("D");
    expect(s.origin.git(s.origin.origin, "rev-list", "--count", `${beforeC}..main`)).not.toBe("0");

    // The server is fine, and no merge worktree or polecat worktree is left behind.
    expect(await s.runtime.health()).toMatchObject({ ok: true, agents: 0 });
    expect(readdirSync(join(s.dataDir, "merges", "web"))).toEqual([]);
    expect(readdirSync(join(s.dataDir, "worktrees", "web"))).toEqual([]);
    expect(s.origin.git(join(s.dataDir, "rigs", "web.git"), "worktree", "list").split("\n")).toHaveLength(1);
  });

  it("many merges of one rig requested at once all land, one after another, none lost", async () => {
    const beads = ["web-e001", "web-e002", "web-e003", "web-e004", "web-e005", "web-e006"];
    for (const bead of beads) {
      const wt = await s.git.addWorktree(s.origin.rig, bead);
      s.origin.commit(wt.path, { [`${bead}.txt`]: `${bead}\n` }, `work on ${bead}`);
    }
    const results = await Promise.all(beads.map((bead) => s.runtime.merge(mergeOf(bead))));
    expect(results.map((r) => r.outcome)).toEqual(beads.map(() => "merged"));
    expect(results.filter((r) => r.fastForward)).toHaveLength(1);
    for (const bead of beads) expect(originFile(`${bead}.txt`)).toBe(bead);
    expect(readdirSync(join(s.dataDir, "merges", "web"))).toEqual([]);
  });
});
