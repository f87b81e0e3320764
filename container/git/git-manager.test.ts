import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger";
import { GitManager } from "./git-manager";
import { checkRemoteUrl, GitRunner } from "./git-runner";
import { makeTempOrigin, type TempOrigin } from "./test-repos";

let t: TempOrigin;
let gm: GitManager;
beforeEach(() => {
  t = makeTempOrigin();
  gm = new GitManager({ dataDir: join(t.root, "data"), env: t.env, logger: silentLogger });
});
afterEach(() => t.cleanup());

/** Alive and not a zombie (an unreaped, killed child still answers kill(pid, 0)). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

const originMain = () => t.git(t.origin, "rev-parse", "main");
const originFile = (file: string) => t.git(t.origin, "show", `main:${file}`);

describe("bead worktrees", () => {
  it("adds a worktree on gt/<bead-id> from origin's default branch", async () => {
    const wt = await gm.addWorktree(t.rig, "gt-abcd");
    expect(wt).toMatchObject({ branch: "gt/gt-abcd", reused: false });
    expect(wt.path).toBe(join(t.root, "data", "worktrees", "app", "gt-abcd"));
    expect(t.git(wt.path, "rev-parse", "--abbrev-ref", "HEAD")).toBe("gt/gt-abcd");
    expect(t.git(wt.path, "rev-parse", "HEAD")).toBe(originMain());
    expect(readFileSync(join(wt.path, "README.md"), "utf8")).toContain("line one");
  });

  it("picks the branch up again after a restart, with its commits", async () => {
    const wt = await gm.addWorktree(t.rig, "gt-abcd");
    const work = t.commit(wt.path, { "a.txt": "A\n" }, "work in progress");
    const restarted = new GitManager({ dataDir: join(t.root, "data"), env: t.env, logger: silentLogger });
    expect(await restarted.addWorktree(t.rig, "gt-abcd")).toMatchObject({ path: wt.path, reused: true });
    await restarted.removeWorktree(t.rig, "gt-abcd");
    expect(existsSync(wt.path)).toBe(false);
    const again = await restarted.addWorktree(t.rig, "gt-abcd");
    expect(again.reused).toBe(true);
    expect(t.git(again.path, "rev-parse", "HEAD")).toBe(work);
    expect(await restarted.branchAhead(t.rig, "gt-abcd")).toBe(1);
  });

  it("refuses ids that are not bead ids before touching the disk", async () => {
    await expect(gm.addWorktree(t.rig, "../../etc")).rejects.toThrow(/bead id/);
    await expect(gm.addWorktree({ ...t.rig, name: "../x" }, "gt-abcd")).rejects.toThrow();
  });
});

describe("refinery merges", () => {
  it("merges two branches in order: fast-forward first, then a merge commit", async () => {
    const a = await gm.addWorktree(t.rig, "gt-aaaa");
    const b = await gm.addWorktree(t.rig, "gt-bbbb");
    const aHead = t.commit(a.path, { "a.txt": "A\n" }, "add a");
    t.commit(b.path, { "b.txt": "B\n" }, "add b");

    const first = await gm.merge({ rig: t.rig, branch: "gt/gt-aaaa", target: "main" });
    expect(first).toMatchObject({ outcome: "merged", fastForward: true, commit: aHead });
    expect(originMain()).toBe(aHead);
    expect(first.diffStat).toContain("a.txt");

    const second = await gm.merge({ rig: t.rig, branch: "gt/gt-bbbb", target: "main" });
    expect(second).toMatchObject({ outcome: "merged", fastForward: false });
    expect(originMain()).toBe(second.commit);
    expect(t.git(t.origin, "log", "-1", "--format=%s", "main")).toBe("Merge gt/gt-bbbb into main");
    expect(t.git(t.origin, "rev-list", "--parents", "-1", "main").split(" ")).toHaveLength(3);
    expect(originFile("a.txt")).toBe("A");
    expect(originFile("b.txt")).toBe("B");
    expect(second.diffStat).toContain("b.txt");
    expect(readdirSync(join(t.root, "data", "merges", "app"))).toEqual([]);

    const again = await gm.merge({ rig: t.rig, branch: "gt/gt-aaaa", target: "main" });
    expect(again.outcome).toBe("nothing_to_merge");
  });

  it("returns the merged change as a patch when asked (for the LLM review), without pushing on a dry run", async () => {
    const a = await gm.addWorktree(t.rig, "gt-aaaa");
    t.commit(a.path, { "a.txt": "first line\nsecond line\n" }, "add a");
    const before = originMain();
    const dry = await gm.merge({ rig: t.rig, branch: "gt/gt-aaaa", target: "main", push: false, diff: true });
    expect(dry.outcome).toBe("merged");
    expect(dry.diff).toContain("+++ b/a.txt");
    expect(dry.diff).toContain("+second line");
    expect(originMain()).toBe(before);
    expect((await gm.merge({ rig: t.rig, branch: "gt/gt-aaaa", target: "main" })).diff).toBeUndefined();
  });

  it("detects a conflict, lists the files and leaves the target alone", async () => {
    const a = await gm.addWorktree(t.rig, "gt-aaaa");
    const b = await gm.addWorktree(t.rig, "gt-bbbb");
    t.commit(a.path, { "README.md": "# app\n\nline from a\n" }, "a edits readme");
    t.commit(b.path, { "README.md": "# app\n\nline from b\n" }, "b edits readme");
    expect((await gm.merge({ rig: t.rig, branch: "gt/gt-aaaa", target: "main" })).outcome).toBe("merged");
    const before = originMain();

    const r = await gm.merge({ rig: t.rig, branch: "gt/gt-bbbb", target: "main" });
    expect(r.outcome).toBe("conflict");
    expect(r.conflicts).toEqual(["README.md"]);
    expect(originMain()).toBe(before);
    expect(readdirSync(join(t.root, "data", "merges", "app"))).toEqual([]);
  });

  it("rejects a merge whose gate fails, with the gate's output", async () => {
    const a = await gm.addWorktree(t.rig, "gt-aaaa");
    t.commit(a.path, { "a.txt": "A\n" }, "add a");
    const before = originMain();
    const r = await gm.merge({
      rig: t.rig,
      branch: "gt/gt-aaaa",
      target: "main",
      gates: [
        { name: "lint", argv: ["sh", "-c", "test -f a.txt && echo lint ok"] },
        { name: "test", argv: ["sh", "-c", "echo 1 test failed: expected 2 got 3 >&2; exit 3"] },
        { name: "never", argv: ["sh", "-c", "echo should not run"] },
      ],
    });
    expect(r.outcome).toBe("gates_failed");
    expect(r.gates.map((g) => [g.name, g.ok, g.exitCode])).toEqual([
      ["lint", true, 0],
      ["test", false, 3],
    ]);
    expect(r.gates[0]?.output).toContain("lint ok");
    expect(r.gates[1]?.output).toContain("expected 2 got 3");
    expect(r.detail).toContain("test");
    expect(originMain()).toBe(before);
  });

  it("kills a gate that exceeds its limit, children included, and reports it", async () => {
    const a = await gm.addWorktree(t.rig, "gt-aaaa");
    t.commit(a.path, { "a.txt": "A\n" }, "add a");
    const pidFile = join(t.root, "sleeper.pid");
    const r = await gm.merge({
      rig: t.rig,
      branch: "gt/gt-aaaa",
      target: "main",
      gates: [{ name: "slow", argv: ["sh", "-c", `echo started; sleep 60 & echo $! > ${pidFile}; wait`], timeoutSec: 1 }],
    });
    expect(r.outcome).toBe("gates_failed");
    expect(r.gates[0]).toMatchObject({ name: "slow", ok: false, timedOut: true });
    expect(r.gates[0]?.output).toContain("started");
    expect(r.detail).toMatch(/time limit/);
    const sleeper = Number(readFileSync(pidFile, "utf8").trim());
    expect(isRunning(sleeper)).toBe(false);
  });

  it("reports a missing branch as an error outcome", async () => {
    const r = await gm.merge({ rig: t.rig, branch: "gt/gt-zzzz", target: "main" });
    expect(r).toMatchObject({ outcome: "error", commit: null });
    expect(r.detail).toMatch(/not found/);
  });
});

describe("git credentials", () => {
  it("come from configuration through the helper, only for their host", async () => {
    const runner = new GitRunner({
      env: t.env,
      logger: silentLogger,
      credentials: [{ host: "git.example.com", username: "bot", password: "s3cret-token" }],
    });
    const fill = (host: string) =>
      runner.run(["credential", "fill"], {
        cwd: t.root,
        remoteUrl: `https://${host}/org/app.git`,
        input: `protocol=https\nhost=${host}\n\n`,
        allowFail: true,
      });
    const mine = await fill("git.example.com");
    expect(mine.stdout).toContain("username=bot");
    expect(mine.stdout).toContain("password=s3cret-token");
    const other = await fill("elsewhere.example.com");
    expect(other.stdout).not.toContain("s3cret-token");
  });

  it("refuses URLs with credentials or option-looking values", () => {
    expect(() => checkRemoteUrl("https://bot:tok@github.com/org/app.git")).toThrow(/configuration/);
    expect(() => checkRemoteUrl("--upload-pack=touch /tmp/x")).toThrow();
    expect(() => checkRemoteUrl("https://github.com/org/app.git")).not.toThrow();
  });
});
