import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { DIFF_CHARS, MergeRequest, type MergeResult, type RigSpec } from "../../core/container-api";
import { errorMessage, GastownError } from "../../core/errors";
import { beadBranch, RigName } from "../../core/ids";
import type { Logger } from "../../core/ports";
import { runGates } from "./gate-runner";
import { checkRemoteUrl, type GitCredential, GitRunner } from "./git-runner";
import { KeyedLock } from "./keyed-lock";

/**
 * One clone per rig (a bare repository under the data dir whose objects every worktree
 * shares), one worktree per bead on `gt/<bead-id>`, and the refinery's merges in throw-away
 * detached worktrees. Directory and branch names are built from ids only.
 *
 * Layout under dataDir:
 *   rigs/<rig>.git             bare clone, remote "origin" = the rig's URL
 *   worktrees/<rig>/<bead-id>  polecat worktrees
 *   merges/<rig>/<uuid>        refinery merge worktrees (removed after each merge)
 */

export interface GitManagerConfig {
  dataDir: string;
  /** Base environment for git and quality gates (PATH, HOME, LANG); no secrets. */
  env: Record<string, string>;
  credentials?: GitCredential[];
  logger: Logger;
  gitBin?: string;
  /** Identity of refinery merge commits. */
  mergeIdentity?: { name: string; email: string };
}

/** A bead's worktree. */
export interface BeadWorktree {
  path: string;
  branch: string;
  /** True when an existing worktree or branch was picked up again (restart). */
  reused: boolean;
}

const LOCAL_TIMEOUT_MS = 2 * 60_000;

/** The first `max` characters of a patch, saying how much was left out. */
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}\n[… ${text.length - max} more characters of diff left out]`);

export class GitManager {
  private readonly git: GitRunner;
  private readonly repoLock = new KeyedLock();
  private readonly mergeLock = new KeyedLock();
  private readonly log: Logger;

  constructor(private readonly cfg: GitManagerConfig) {
    this.git = new GitRunner({ gitBin: cfg.gitBin, env: cfg.env, credentials: cfg.credentials, logger: cfg.logger });
    this.log = cfg.logger.child("git");
  }

  /** Path of the rig's bare clone. */
  repoPath(rig: RigSpec): string {
    return join(this.cfg.dataDir, "rigs", `${RigName.parse(rig.name)}.git`);
  }

  /** Path of a bead's worktree. */
  worktreePath(rig: RigSpec, beadId: string): string {
    // beadBranch validates the id, so the path below is built from a checked id only.
    beadBranch(beadId);
    return join(this.cfg.dataDir, "worktrees", RigName.parse(rig.name), beadId);
  }

  /** Clone the rig if needed, then fetch so work starts from the remote's latest. */
  async sync(rig: RigSpec): Promise<string> {
    return this.repoLock.with(rig.name, () => this.syncLocked(rig));
  }

  private async syncLocked(rig: RigSpec): Promise<string> {
    checkRemoteUrl(rig.gitUrl);
    const repo = this.repoPath(rig);
    if (!existsSync(join(repo, "HEAD"))) {
      await mkdir(repo, { recursive: true });
      await this.git.run(["init", "--bare", "--quiet"], { cwd: repo, timeoutMs: LOCAL_TIMEOUT_MS });
      await this.git.run(["remote", "add", "origin", rig.gitUrl], { cwd: repo, timeoutMs: LOCAL_TIMEOUT_MS });
      // Fallback identity for commits made in worktrees; adapters set the agent's own.
      await this.git.run(["config", "user.name", "Gastown"], { cwd: repo });
      await this.git.run(["config", "user.email", "gastown@localhost"], { cwd: repo });
      this.log.info("rig cloned", { rig: rig.name });
    } else {
      await this.git.run(["remote", "set-url", "origin", rig.gitUrl], { cwd: repo, timeoutMs: LOCAL_TIMEOUT_MS });
    }
    await this.git.run(["fetch", "--prune", "--quiet", "origin"], { cwd: repo, remoteUrl: rig.gitUrl });
    return repo;
  }

  /**
   * A worktree for the bead on `gt/<bead-id>`: reused when it is still there, on the existing
   * branch when one survives a restart, else a new branch from origin/<default branch>.
   */
  async addWorktree(rig: RigSpec, beadId: string): Promise<BeadWorktree> {
    const branch = beadBranch(beadId);
    const path = this.worktreePath(rig, beadId);
    return this.repoLock.with(rig.name, async () => {
      const repo = await this.syncLocked(rig);
      if (existsSync(path)) {
        const head = await this.git.run(["rev-parse", "--abbrev-ref", "HEAD"], { cwd: path, allowFail: true });
        if (head.exitCode === 0 && head.stdout.trim() === branch) return { path, branch, reused: true };
        this.log.warn("replacing a broken worktree", { rig: rig.name, bead: beadId });
        await rm(path, { recursive: true, force: true });
      }
      await this.git.run(["worktree", "prune"], { cwd: repo });
      await mkdir(join(path, ".."), { recursive: true });
      if (await this.git.hasRef(`refs/heads/${branch}`, repo)) {
        await this.git.run(["worktree", "add", "--quiet", path, branch], { cwd: repo });
        return { path, branch, reused: true };
      }
      const remoteBranch = `refs/remotes/origin/${branch}`;
      const reused = await this.git.hasRef(remoteBranch, repo);
      const start = reused ? remoteBranch : `refs/remotes/origin/${rig.defaultBranch}`;
      if (!reused && !(await this.git.hasRef(start, repo)))
        throw new GastownError("not_found", `branch ${rig.defaultBranch} not found on the rig's remote`);
      await this.git.run(["worktree", "add", "--quiet", "--no-track", "-b", branch, path, start], { cwd: repo });
      this.log.info("worktree added", { rig: rig.name, bead: beadId, reused });
      return { path, branch, reused };
    });
  }

  /** Remove a finished bead's worktree; the branch (and its commits) stays. */
  async removeWorktree(rig: RigSpec, beadId: string): Promise<void> {
    const path = this.worktreePath(rig, beadId);
    await this.repoLock.with(rig.name, async () => {
      const repo = this.repoPath(rig);
      if (existsSync(path)) {
        // Uncommitted edits die with the worktree; say so, since the agent had its chance to commit.
        const dirty = await this.git.run(["status", "--porcelain"], { cwd: path, allowFail: true });
        const files = dirty.stdout.split("\n").filter(Boolean).length;
        if (files > 0) this.log.warn("removing a worktree with uncommitted changes", { rig: rig.name, bead: beadId, files });
        await this.git.run(["worktree", "remove", "--force", "--force", path], { cwd: repo, allowFail: true });
      }
      await rm(path, { recursive: true, force: true });
      if (existsSync(repo)) await this.git.run(["worktree", "prune"], { cwd: repo });
    });
  }

  /** Does the bead's branch have commits the default branch lacks? */
  async branchAhead(rig: RigSpec, beadId: string): Promise<number> {
    const repo = this.repoPath(rig);
    const n = await this.git.out(["rev-list", "--count", `refs/remotes/origin/${rig.defaultBranch}..refs/heads/${beadBranch(beadId)}`], {
      cwd: repo,
    });
    return Number.parseInt(n, 10) || 0;
  }

  /**
   * The refinery's merge: in a detached worktree of origin/<target>, fast-forward or merge
   * `--no-ff`, stop on conflicts (listing them), run the gates, then push to the target.
   * Merges of one rig run one at a time (a queue), gates included.
   */
  async merge(input: MergeRequest): Promise<MergeResult> {
    const req = MergeRequest.parse(input);
    return this.mergeLock.with(req.rig.name, async () => {
      try {
        return await this.mergeLocked(req);
      } catch (e) {
        this.log.error("merge failed", { rig: req.rig.name, branch: req.branch, error: errorMessage(e) });
        return { outcome: "error", commit: null, fastForward: false, gates: [], conflicts: [], diffStat: "", detail: errorMessage(e) };
      }
    });
  }

  private async mergeLocked(req: ReturnType<typeof MergeRequest.parse>): Promise<MergeResult> {
    const { rig, branch, target } = req;
    const repo = await this.sync(rig);
    const result = (outcome: MergeResult["outcome"], detail: string, extra: Partial<MergeResult> = {}): MergeResult => ({
      outcome,
      commit: null,
      fastForward: false,
      gates: [],
      conflicts: [],
      diffStat: "",
      detail,
      ...extra,
    });

    const targetRef = `refs/remotes/origin/${target}`;
    if (!(await this.git.hasRef(targetRef, repo))) return result("error", `target branch ${target} not found on the remote`);
    const local = `refs/heads/${branch}`;
    const remote = `refs/remotes/origin/${branch}`;
    const source = (await this.git.hasRef(local, repo)) ? local : (await this.git.hasRef(remote, repo)) ? remote : null;
    if (source === null) return result("error", `branch ${branch} not found`);

    const base = await this.git.out(["rev-parse", targetRef], { cwd: repo });
    const head = await this.git.out(["rev-parse", source], { cwd: repo });
    const isAncestor = async (a: string, b: string) =>
      (await this.git.run(["merge-base", "--is-ancestor", a, b], { cwd: repo, allowFail: true })).exitCode === 0;
    if (await isAncestor(head, base)) return result("nothing_to_merge", `${branch} has no commits that ${target} lacks`);
    const fastForward = await isAncestor(base, head);

    const dir = join(this.cfg.dataDir, "merges", RigName.parse(rig.name), randomUUID());
    await mkdir(join(dir, ".."), { recursive: true });
    await this.repoLock.with(rig.name, () => this.git.run(["worktree", "add", "--quiet", "--detach", dir, base], { cwd: repo }));
    try {
      const identity = this.cfg.mergeIdentity ?? { name: "Gastown Refinery", email: "refinery@gastown.local" };
      const config = { "user.name": identity.name, "user.email": identity.email };
      const message = req.message ?? `Merge ${branch} into ${target}`;
      const args = fastForward ? ["merge", "--ff-only", head] : ["merge", "--no-ff", "--no-edit", "-m", message, head];
      const merged = await this.git.run(args, { cwd: dir, allowFail: true, config, timeoutMs: LOCAL_TIMEOUT_MS });
      if (merged.exitCode !== 0) {
        const conflicts = (await this.git.out(["diff", "--name-only", "--diff-filter=U"], { cwd: dir })).split("\n").filter(Boolean);
        await this.git.run(["merge", "--abort"], { cwd: dir, allowFail: true });
        if (conflicts.length > 0) return result("conflict", `${branch} conflicts with ${target} in ${conflicts.length} file(s)`, { conflicts });
        return result("error", `git merge failed: ${merged.stderr.trim().slice(-2000)}`);
      }
      const commit = await this.git.out(["rev-parse", "HEAD"], { cwd: dir });
      const diffStat = await this.git.out(["diff", "--stat", base, commit], { cwd: dir });

      const gates = await runGates(req.gates, { cwd: dir, env: this.cfg.env, logger: this.log });
      const failed = gates.find((g) => !g.ok);
      if (failed) {
        const why = failed.timedOut ? "exceeded its time limit" : `exited with ${failed.exitCode ?? "a signal"}`;
        return result("gates_failed", `gate ${failed.name} ${why}`, { gates, diffStat, fastForward });
      }

      if (req.push) {
        const pushed = await this.git.run(["push", "--quiet", "origin", `${commit}:refs/heads/${target}`], {
          cwd: repo,
          remoteUrl: rig.gitUrl,
          allowFail: true,
        });
        if (pushed.exitCode !== 0)
          return result("error", `push to ${target} was refused (did ${target} move?): ${pushed.stderr.trim().slice(-1000)}`, {
            gates,
            diffStat,
            fastForward,
          });
        await this.git.run(["update-ref", targetRef, commit], { cwd: repo });
      } else {
        await this.git.run(["update-ref", `refs/heads/${target}`, commit], { cwd: repo });
      }
      this.log.info("merged", { rig: rig.name, branch, target, fastForward, pushed: req.push });
      const diff = req.diff ? cut(await this.git.out(["diff", "--no-color", "--no-ext-diff", base, commit], { cwd: dir }), DIFF_CHARS) : undefined;
      return {
        outcome: "merged",
        commit,
        fastForward,
        gates,
        conflicts: [],
        diffStat,
        ...(diff === undefined ? {} : { diff }),
        detail: `${branch} ${fastForward ? "fast-forwarded" : "merged"} into ${target}${req.push ? "" : " (not pushed)"}`,
      };
    } finally {
      await this.repoLock.with(rig.name, async () => {
        await this.git.run(["worktree", "remove", "--force", "--force", dir], { cwd: repo, allowFail: true });
        await rm(dir, { recursive: true, force: true });
        await this.git.run(["worktree", "prune"], { cwd: repo, allowFail: true });
      });
    }
  }
}
