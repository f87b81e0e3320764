import { join } from "node:path";
import { expect, it } from "vitest";
import { GitManager } from "../../container/git/git-manager";
import { makeTempOrigin } from "../../container/git/test-repos";
import { silentLogger } from "../../core/logger";

/**
 * The refinery's throughput with real git: 50 polecat branches, each one small commit made
 * from the same main, queued and merged one after another (as the refinery does per rig)
 * through GitManager.merge with the gate `true`, each pushed to a temp bare origin. The first
 * fast-forwards; every later one is a real merge onto the main the previous one pushed.
 */

const BRANCHES = 50;

it(`merges ${BRANCHES} queued branches`, async () => {
  const o = makeTempOrigin("bench");
  try {
    const gm = new GitManager({ dataDir: join(o.root, "data"), env: o.env, logger: silentLogger });
    const beads = Array.from({ length: BRANCHES }, (_, i) => `ben-${i.toString(36).padStart(4, "0")}`);
    for (const bead of beads) {
      const wt = await gm.addWorktree(o.rig, bead);
      o.commit(wt.path, { [`${bead}.txt`]: `work of ${bead}\n` }, `work on ${bead}`);
    }
    const gates = [{ name: "true", argv: ["true"], timeoutSec: 60 }];
    const t0 = performance.now();
    for (const bead of beads) {
      const r = await gm.merge({ rig: o.rig, branch: `gt/${bead}`, target: "main", gates, push: true });
      expect(r.outcome).toBe("merged");
    }
    const ms = performance.now() - t0;
    expect(o.git(o.origin, "log", "--first-parent", "--oneline", "main").split("\n")).toHaveLength(BRANCHES + 1);
    const merges_per_min = Math.round((BRANCHES / ms) * 60_000 * 10) / 10;
    console.log(`BENCH ${JSON.stringify({ merges_per_min, merge_ms_mean: Math.round(ms / BRANCHES) })}`);
  } finally {
    o.cleanup();
  }
});
