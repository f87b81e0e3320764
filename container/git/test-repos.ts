import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RigSpec } from "../../core/container-api";

/**
 * Test helpers: real git repositories in temp dirs. An "origin" bare repo with one commit on
 * main stands in for the rig's remote (pushes to it are real `git push`).
 */

export interface TempOrigin {
  root: string;
  origin: string;
  rig: RigSpec;
  env: Record<string, string>;
  /** Run git in a dir (test-side, plain argv). */
  git(cwd: string, ...args: string[]): string;
  /** Commit `files` in `cwd` with a message. */
  commit(cwd: string, files: Record<string, string>, message: string): string;
  cleanup(): void;
}

/** A temp dir with a bare origin repo whose main holds README.md. */
export function makeTempOrigin(name = "app"): TempOrigin {
  const root = mkdtempSync(join(tmpdir(), "gt-git-"));
  const home = join(root, "home");
  execFileSync("mkdir", ["-p", home]);
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
      cwd,
      env: { ...env, GIT_CONFIG_NOSYSTEM: "1" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  const commit = (cwd: string, files: Record<string, string>, message: string) => {
    for (const [f, content] of Object.entries(files)) writeFileSync(join(cwd, f), content);
    git(cwd, "add", "-A");
    git(cwd, "commit", "-q", "-m", message);
    return git(cwd, "rev-parse", "HEAD");
  };
  const origin = join(root, "origin.git");
  git(root, "init", "-q", "--bare", "-b", "main", origin);
  const seed = join(root, "seed");
  git(root, "clone", "-q", origin, seed);
  git(seed, "checkout", "-q", "-b", "main");
  commit(seed, { "README.md": "# app\n\nline one\n" }, "initial commit");
  git(seed, "push", "-q", "origin", "main");
  return {
    root,
    origin,
    rig: { id: "rig-1", name, gitUrl: origin, defaultBranch: "main" },
    env,
    git,
    commit,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
