import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StartAgentRequest } from "../core/container-api";
import { silentLogger } from "../core/logger";
import { CliAgentLauncher } from "../container/agents/launcher";
import { GitManager } from "../container/git/git-manager";
import { makeTempOrigin, type TempOrigin } from "../container/git/test-repos";
import { GitWorkspaceProvider } from "../container/git/workspace-provider";
import { gtMcpCommand } from "../container/mcp/gt-server-command";
import { Supervisor } from "../container/supervisor";
import { type ModelServer, type ScriptTurn, startModelServer } from "./fakes/model-server";
import { type FakeWorkerAgentApi, startFakeWorkerAgentApi } from "./fakes/worker-agent-api";

/**
 * The container's acceptance test: a REAL agent CLI (Claude Code, opencode) runs in a PTY
 * under the Supervisor, in a git worktree on gt/<bead-id>, against a scripted model server
 * speaking the provider's HTTP API. The "model" writes a file, commits it through the
 * agent's shell tool and calls gt_done over MCP; the test checks the commit in git and the
 * gt_done call at a fake Worker. Offline.
 */

const TOWN = "local:e2e";
const BEAD = "gt-abcd";
const AGENT = "polecat-app-1";
const AGENT_TOKEN = "agent-token-e2e-7f3a9c";
const API_KEY = "sk-ant-scripted-e2e-0123456789abcdef";
const COMMIT_MSG = "Add hello.txt for gt-abcd";
const SUMMARY = "Added hello.txt with a greeting";

let t: TempOrigin;
let worker: FakeWorkerAgentApi;
let model: ModelServer | undefined;
let supervisor: Supervisor | undefined;
let git: GitManager;

beforeEach(async () => {
  t = makeTempOrigin("app");
  worker = await startFakeWorkerAgentApi({ [`${TOWN}/${AGENT}`]: AGENT_TOKEN });
  git = new GitManager({ dataDir: join(t.root, "data"), env: t.env, logger: silentLogger });
});
afterEach(async () => {
  await supervisor?.close();
  supervisor = undefined;
  await model?.close();
  model = undefined;
  await worker.close();
  t.cleanup();
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return cond();
}

async function runAgent(kind: "claude" | "opencode", script: ScriptTurn[]): Promise<{ ms: number }> {
  model = await startModelServer({ script });
  const launcher = new CliAgentLauncher({
    model:
      kind === "claude"
        ? { anthropicBaseUrl: model.url, anthropicApiKey: API_KEY, model: "claude-sonnet-4-5" }
        : { openaiBaseUrl: `${model.url}/v1`, openaiApiKey: API_KEY, model: "scripted-model" },
    stateDir: join(t.root, "state"),
    mcp: gtMcpCommand(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    bins: { claude: join(process.cwd(), "node_modules/.bin/claude"), opencode: join(process.cwd(), "node_modules/.bin/opencode") },
  });
  const workspace = new GitWorkspaceProvider({ git, scratchDir: join(t.root, "scratch"), logger: silentLogger });
  supervisor = new Supervisor({ workspace, launcher, logger: silentLogger, baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  const req: StartAgentRequest = {
    agentId: AGENT,
    town: TOWN,
    role: "polecat",
    kind,
    rig: t.rig,
    beadId: BEAD,
    prompt: `You are a polecat working on bead ${BEAD}. Add hello.txt, commit it, then call gt_done.`,
    workerUrl: worker.url,
    agentToken: AGENT_TOKEN,
    cols: 120,
    rows: 40,
  };
  const started = Date.now();
  await supervisor.start(req);
  const done = await waitFor(() => worker.calls.some((c) => c.route === "done"), 120_000);
  const ms = Date.now() - started;
  if (!done) {
    const snap = await supervisor.snapshot(AGENT);
    throw new Error(
      `gt_done never arrived; model requests: ${model.requests.length}, problems: ${model.problems.join("; ")}\nscreen:\n${snap.text}`,
    );
  }
  return { ms };
}

function expectCommitAndDone(): void {
  const repo = git.repoPath(t.rig);
  expect(t.git(repo, "log", "-1", "--format=%s", `gt/${BEAD}`)).toBe(COMMIT_MSG);
  expect(t.git(repo, "show", `gt/${BEAD}:hello.txt`)).toBe("Hello from gt-abcd");
  expect(t.git(repo, "log", "-1", "--format=%an", `gt/${BEAD}`)).toBe(AGENT);
  // The commit is on the bead's branch only: origin's main is untouched.
  expect(t.git(t.origin, "log", "--format=%s", "main")).toBe("initial commit");
  const done = worker.calls.find((c) => c.route === "done");
  expect(done).toEqual({ route: "done", town: TOWN, agent: AGENT, body: { summary: SUMMARY, branch: `gt/${BEAD}` } });
  expect(worker.refused).toEqual([]);
}

describe("a real agent CLI in a PTY", () => {
  it("Claude Code edits, commits on gt/<bead-id> and calls gt_done over MCP", async () => {
    const wt = git.worktreePath(t.rig, BEAD);
    const { ms } = await runAgent("claude", [
      { tools: [{ name: "write", input: { file_path: join(wt, "hello.txt"), content: "Hello from gt-abcd\n" } }] },
      { tools: [{ name: "bash", input: { command: `git add -A && git commit -m '${COMMIT_MSG}'`, description: "Commit the change" } }] },
      { tools: [{ name: "gt_done", input: { summary: SUMMARY } }] },
      { text: "Finished: hello.txt is committed and the town is told." },
    ]);
    console.log(`BENCH ${JSON.stringify({ agent_e2e_claude_ms: ms })}`);
    expectCommitAndDone();
    expect(model?.problems).toEqual([]);

    // Interactive mode: the screen shows the TUI with the tool calls; the token never shows.
    const snap = await supervisor!.snapshot(AGENT);
    expect(snap.text + snap.scrollbackTail).toMatch(/Write|hello\.txt/);
    expect(snap.text + snap.scrollbackTail + snap.ansi).not.toContain(AGENT_TOKEN);
  }, 180_000);

  it("opencode does the same through its own tools", async () => {
    const wt = git.worktreePath(t.rig, BEAD);
    const { ms } = await runAgent("opencode", [
      { tools: [{ name: "write", input: { filePath: join(wt, "hello.txt"), content: "Hello from gt-abcd\n" } }] },
      { tools: [{ name: "bash", input: { command: `git add -A && git commit -m '${COMMIT_MSG}'`, description: "Commit the change" } }] },
      { tools: [{ name: "gt_done", input: { summary: SUMMARY } }] },
      { text: "Finished." },
    ]);
    console.log(`BENCH ${JSON.stringify({ agent_e2e_opencode_ms: ms })}`);
    expectCommitAndDone();
    expect(model?.problems).toEqual([]);
  }, 180_000);
});
