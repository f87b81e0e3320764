import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StartAgentRequest } from "../../core/container-api";
import type { Launch, Workspace } from "../ports";
import type { AgentLauncherConfig } from "./adapter";
import { CliAgentLauncher } from "./launcher";

const TOKEN = "agent-token-secret-123";
const KEY = "sk-ant-test-key-abcdefghijklmnopqrstuvwxyz";
const OPENAI_KEY = "sk-openai-test-key-000111222";
const MCP = { command: "/usr/bin/node", args: ["--import", "file:///app/node_modules/tsx/dist/loader.mjs", "/app/container/mcp/gt-server.ts"] };

let root: string;
let ws: Workspace;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "gt-launch-"));
  ws = { cwd: join(root, "worktree"), branch: "gt/gt-abcd" };
  mkdirSync(ws.cwd);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const config = (over: Partial<AgentLauncherConfig> = {}): AgentLauncherConfig => ({
  model: { anthropicBaseUrl: "http://127.0.0.1:9999", anthropicApiKey: KEY, model: "claude-sonnet-4-5" },
  stateDir: join(root, "state"),
  mcp: MCP,
  env: { PATH: "/opt/bin:/usr/bin", LANG: "C.UTF-8" },
  bins: { claude: "/opt/bin/claude" },
  ...over,
});

const request = (over: Partial<StartAgentRequest> = {}): StartAgentRequest => ({
  agentId: "polecat-app-1",
  town: "local:dev",
  role: "polecat",
  kind: "claude",
  rig: { id: "r1", name: "app", gitUrl: "/srv/app.git", defaultBranch: "main" },
  beadId: "gt-abcd",
  prompt: "Fix the login timeout.",
  workerUrl: "http://127.0.0.1:8787",
  agentToken: TOKEN,
  ...over,
});

/** Every byte the launch wrote, to check no secret landed in a file. */
const written = (launch: Launch) => launch.files.map((f) => readFileSync(f, "utf8")).join("\n");

describe("Claude Code adapter", () => {
  it("starts the interactive TUI with the prompt, MCP config and a prepared HOME", async () => {
    const launch = await new CliAgentLauncher(config()).build(request(), ws);
    const agentDir = join(root, "state", "agents", "polecat-app-1");
    expect(launch.cwd).toBe(ws.cwd);
    expect(launch.argv).toEqual([
      "/opt/bin/claude",
      "--dangerously-skip-permissions",
      "--strict-mcp-config",
      "--mcp-config",
      join(agentDir, "mcp.json"),
      "--model",
      "claude-sonnet-4-5",
      "--",
      "Fix the login timeout.",
    ]);
    expect(launch.env).toMatchObject({
      PATH: "/opt/bin:/usr/bin",
      HOME: join(agentDir, "home"),
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9999",
      ANTHROPIC_API_KEY: KEY,
      IS_SANDBOX: "1",
      GASTOWN_WORKER_URL: "http://127.0.0.1:8787",
      GASTOWN_TOWN: "local:dev",
      GASTOWN_AGENT: "polecat-app-1",
      GASTOWN_AGENT_TOKEN: TOKEN,
      GASTOWN_BRANCH: "gt/gt-abcd",
      GIT_AUTHOR_NAME: "polecat-app-1",
    });
    expect(launch.secretEnv.sort()).toEqual(["ANTHROPIC_API_KEY", "GASTOWN_AGENT_TOKEN"]);

    const state = JSON.parse(readFileSync(join(agentDir, "home", ".claude.json"), "utf8"));
    expect(state.hasCompletedOnboarding).toBe(true);
    expect(state.projects[ws.cwd].hasTrustDialogAccepted).toBe(true);
    expect(state.customApiKeyResponses.approved).toEqual([KEY.slice(-20)]);

    const mcp = JSON.parse(readFileSync(join(agentDir, "mcp.json"), "utf8"));
    expect(mcp.mcpServers.gt).toMatchObject({ type: "stdio", command: MCP.command, args: MCP.args });
    expect(mcp.mcpServers.gt.env.GASTOWN_AGENT_TOKEN).toBe(`\${GASTOWN_AGENT_TOKEN}`);
    expect(written(launch)).not.toContain(TOKEN);
    expect(statSync(join(agentDir, "mcp.json")).mode & 0o077).toBe(0);
    // Nothing in the worktree: `git add -A` must never pick up agent config.
    expect(readdirSync(ws.cwd)).toEqual([]);
  });

  it("keeps a prompt that looks like an option as the prompt", async () => {
    const launch = await new CliAgentLauncher(config()).build(request({ prompt: "--help me; rm -rf /" }), ws);
    expect(launch.argv.slice(-2)).toEqual(["--", "--help me; rm -rf /"]);
  });

  it("hands a prompt too long for argv over in a file", async () => {
    const prompt = `Start.\n${"x".repeat(150_000)}`;
    const launch = await new CliAgentLauncher(config()).build(request({ prompt }), ws);
    const last = launch.argv.at(-1) ?? "";
    expect(last.length).toBeLessThan(500);
    const file = launch.files.find((f) => f.endsWith("prompt.md"));
    expect(file && readFileSync(file, "utf8")).toBe(prompt);
    expect(last).toContain(file);
  });

  it("takes settings only from its config, not from the container's env", async () => {
    process.env.ANTHROPIC_API_KEY = "leaked-from-process-env";
    try {
      // No key in its config: it refuses (with what to set) rather than use the process env.
      await expect(new CliAgentLauncher(config({ model: {} })).build(request(), ws)).rejects.toThrow(/no model configured for claude agents.*ANTHROPIC_API_KEY/);
      const launch = await new CliAgentLauncher(config({ model: { anthropicApiKey: KEY } })).build(request(), ws);
      expect(launch.env.ANTHROPIC_API_KEY).toBe(KEY);
      expect(launch.argv).not.toContain("--model");
    } finally {
      delete process.env.ANTHROPIC_API_KEY;
    }
  });
});

describe("opencode and Kilo adapters", () => {
  const openai = () =>
    config({ model: { openaiBaseUrl: "http://127.0.0.1:9999/v1", openaiApiKey: OPENAI_KEY, model: "qwen-coder" }, bins: {} });

  it("opencode runs the prompt with a gastown provider and the gt MCP server in OPENCODE_CONFIG_CONTENT", async () => {
    const launch = await new CliAgentLauncher(openai()).build(request({ kind: "opencode" }), ws);
    expect(launch.argv).toEqual(["opencode", "run", "--model", "gastown/qwen-coder", "--", "Fix the login timeout."]);
    const cfg = JSON.parse(launch.env.OPENCODE_CONFIG_CONTENT ?? "{}");
    expect(cfg.provider.gastown).toMatchObject({
      npm: "@ai-sdk/openai-compatible",
      options: { baseURL: "http://127.0.0.1:9999/v1", apiKey: "{env:OPENAI_API_KEY}" },
      models: { "qwen-coder": { tool_call: true } },
    });
    expect(cfg.permission).toMatchObject({ edit: "allow", bash: "allow" });
    expect(cfg.mcp.gt).toMatchObject({ type: "local", command: [MCP.command, ...MCP.args] });
    expect(cfg.mcp.gt.environment.GASTOWN_AGENT_TOKEN).toBe("{env:GASTOWN_AGENT_TOKEN}");
    expect(launch.env.OPENCODE_CONFIG_CONTENT).not.toContain(TOKEN);
    expect(launch.env.OPENCODE_CONFIG_CONTENT).not.toContain(OPENAI_KEY);
    expect(launch.env.OPENAI_API_KEY).toBe(OPENAI_KEY);
    expect(launch.secretEnv.sort()).toEqual(["GASTOWN_AGENT_TOKEN", "OPENAI_API_KEY"]);
    expect(readdirSync(ws.cwd)).toEqual([]);
  });

  it("opencode speaks the Anthropic API when only an Anthropic endpoint is configured", async () => {
    const launch = await new CliAgentLauncher(config()).build(request({ kind: "opencode" }), ws);
    const cfg = JSON.parse(launch.env.OPENCODE_CONFIG_CONTENT ?? "{}");
    expect(cfg.provider.gastown).toMatchObject({ npm: "@ai-sdk/anthropic", options: { baseURL: "http://127.0.0.1:9999/v1" } });
    expect(launch.env.ANTHROPIC_API_KEY).toBe(KEY);
  });

  it("Kilo runs unattended with the same config shape under KILO_ names", async () => {
    const launch = await new CliAgentLauncher(openai()).build(request({ kind: "kilo" }), ws);
    expect(launch.argv).toEqual(["kilo", "run", "--auto", "--model", "gastown/qwen-coder", "--", "Fix the login timeout."]);
    const cfg = JSON.parse(launch.env.KILO_CONFIG_CONTENT ?? "{}");
    expect(cfg.mcp.gt.command[0]).toBe(MCP.command);
    expect(launch.env).toMatchObject({ KILO_DISABLE_AUTOUPDATE: "1", KILO_DISABLE_PROJECT_CONFIG: "1" });
    expect(launch.env.OPENCODE_CONFIG_CONTENT).toBeUndefined();
  });
});

describe("Codex adapter", () => {
  it("runs codex exec with its own CODEX_HOME holding the provider and the gt MCP server", async () => {
    const cfg = config({ model: { openaiBaseUrl: "http://127.0.0.1:9999/v1", openaiApiKey: OPENAI_KEY, model: "gpt-5" }, bins: {} });
    const launch = await new CliAgentLauncher(cfg).build(request({ kind: "codex" }), ws);
    const codexHome = join(root, "state", "agents", "polecat-app-1", "codex");
    expect(launch.argv).toEqual([
      "codex",
      "exec",
      "--dangerously-bypass-approvals-and-sandbox",
      "--skip-git-repo-check",
      "--cd",
      ws.cwd,
      "--model",
      "gpt-5",
      "--",
      "Fix the login timeout.",
    ]);
    expect(launch.env).toMatchObject({ CODEX_HOME: codexHome, OPENAI_API_KEY: OPENAI_KEY });
    const toml = readFileSync(join(codexHome, "config.toml"), "utf8");
    expect(toml).toContain('model_provider = "gastown"');
    expect(toml).toContain('base_url = "http://127.0.0.1:9999/v1"');
    expect(toml).toContain('env_key = "OPENAI_API_KEY"');
    expect(toml).toContain(`command = "${MCP.command}"`);
    expect(toml).toMatch(/env_vars = \[.*"GASTOWN_AGENT_TOKEN".*\]/);
    expect(toml).toContain(`[projects.${JSON.stringify(ws.cwd)}]`);
    expect(written(launch)).not.toContain(TOKEN);
    expect(written(launch)).not.toContain(OPENAI_KEY);
  });
});

describe("command adapter", () => {
  it("runs a JSON argv with the prompt file and MCP config substituted, never through a shell", async () => {
    const launch = await new CliAgentLauncher(config()).build(
      request({ kind: 'command:["my-agent","--prompt-file","{prompt_file}","--mcp","{mcp_config}","$(whoami)"]' }),
      ws,
    );
    const agentDir = join(root, "state", "agents", "polecat-app-1");
    expect(launch.argv).toEqual(["my-agent", "--prompt-file", join(agentDir, "prompt.md"), "--mcp", join(agentDir, "mcp.json"), "$(whoami)"]);
    expect(readFileSync(join(agentDir, "prompt.md"), "utf8")).toBe("Fix the login timeout.");
    expect(JSON.parse(launch.env.GASTOWN_MCP_COMMAND ?? "[]")).toEqual([MCP.command, ...MCP.args]);
    expect(launch.env.GASTOWN_AGENT_TOKEN).toBe(TOKEN);
    expect(launch.secretEnv).toContain("GASTOWN_AGENT_TOKEN");
  });

  it("splits a plain command on whitespace and refuses malformed ones", async () => {
    const launcher = new CliAgentLauncher(config());
    expect((await launcher.build(request({ kind: "command:aider --yes {prompt}" }), ws)).argv).toEqual(["aider", "--yes", "Fix the login timeout."]);
    await expect(launcher.build(request({ kind: "command:[1,2]" }), ws)).rejects.toThrow(/program/);
    await expect(launcher.build(request({ kind: "command:[oops" }), ws)).rejects.toThrow(/JSON/);
  });

  it("refuses unknown kinds and unsafe agent ids before writing anything", async () => {
    const launcher = new CliAgentLauncher(config());
    await expect(launcher.build(request({ kind: "emacs" }), ws)).rejects.toThrow();
    await expect(launcher.build(request({ agentId: "../../etc" }), ws)).rejects.toThrow();
    expect(existsSync(join(root, "state"))).toBe(false);
  });
});
