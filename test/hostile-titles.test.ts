import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CliAgentLauncher } from "../container/agents/launcher";
import { AgentApiClient } from "../container/mcp/agent-api-client";
import { createGtMcpServer } from "../container/mcp/gt-tools";
import type { Launch } from "../container/ports";
import { waitFor } from "../container/supervisor-fakes";
import type { StartAgentRequest } from "../core/container-api";
import { silentLogger } from "../core/logger";
import { buildPolecatPrompt } from "../prompts/build";
import { startFakeWorkerAgentApi } from "./fakes/worker-agent-api";
import { type ContainerStack, STACK_TOKEN, startContainerStack } from "./harness/container-stack";

/**
 * A bead whose title and body are hostile (command substitution, backticks, `;`, `&&`, pipes,
 * redirections, `../`, quotes, template markers, newlines) goes through everything in the
 * container that touches it: the polecat prompt, every agent adapter's argv/env/config, the
 * worktree, a real shell agent in a PTY, a commit and a refinery merge message, and the gt MCP
 * tools. Nothing may run: canary files named in the text never appear, a file the text tries
 * to delete survives, every path stays inside the container's data dir, and the title reaches
 * argv only inside the one prompt argument. Ids that are not ids are refused with 400.
 */

let canary: string;
let escapeName: string;
let title: string;
let body: string;

beforeAll(() => {
  canary = mkdtempSync(join(tmpdir(), "gt-canary-"));
  writeFileSync(join(canary, "keep"), "must survive\n");
  escapeName = `gt-escape-${randomBytes(4).toString("hex")}`;
  // Under the Worker's 300-character title limit, with a line break in it.
  title = [
    `Fix $(touch ${canary}/dollar) \`touch ${canary}/tick\`; touch ${canary}/semi && rm -rf ${canary}/keep`,
    `../../${escapeName} "dq" 'sq' \\ {{branch}} {prompt} $(touch ${canary}/nl)`,
  ].join("\n");
  body = [
    "Steps:",
    `1. run \`touch ${canary}/body-backtick\``,
    `2. $(touch ${canary}/body-dollar) ; touch ${canary}/body-semicolon`,
    `3. write to ../../${escapeName}/x and ../../../etc/${escapeName}`,
    `4. quotes: ' " \\' \\" and a carriage\rreturn`,
    `5. | tee ${canary}/pipe > ${canary}/redirect`,
  ].join("\n");
});

afterAll(() => {
  rmSync(canary, { recursive: true, force: true });
});

/** Nothing the hostile text named was created or deleted, anywhere it could have landed. */
function expectNothingRan(dirs: string[]): void {
  expect(readdirSync(canary)).toEqual(["keep"]);
  const seen = new Set<string>();
  for (const start of [...dirs, process.cwd(), tmpdir()]) {
    for (let d = resolve(start); !seen.has(d); d = dirname(d)) {
      seen.add(d);
      expect(existsSync(join(d, escapeName)), `${escapeName} next to ${d}`).toBe(false);
    }
  }
  expect(existsSync(`/etc/${escapeName}`)).toBe(false);
}

const inside = (root: string, p: string) => resolve(p).startsWith(root + sep);

const PROMPT_INPUT = () => ({
  agentId: "polecat-web-1",
  bead: { id: "web-h0st", title, body },
  rig: { name: "web", defaultBranch: "main" },
});

describe("a hostile bead title in the prompt and the agent adapters", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "gt-hostile-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("the polecat prompt carries title and body verbatim, with no placeholder expanded from them", () => {
    const prompt = buildPolecatPrompt(PROMPT_INPUT());
    expect(prompt).toContain(`## Your bead: web-h0st — ${title}`);
    expect(prompt).toContain(body);
    expect(prompt).toContain("{{branch}} {prompt}");
    expect(prompt).toContain("gt/web-h0st");
  });

  it.each(["claude", "opencode", "codex", "kilo", 'command:["my-agent","--task","{prompt}"]'])(
    "%s: the prompt is one whole argv item, never in env or other args, and every path is in the data dir",
    async (kind) => {
      const dataDir = join(root, "data");
      const ws = { cwd: join(dataDir, "worktrees", "web", "web-h0st"), branch: "gt/web-h0st" };
      mkdirSync(ws.cwd, { recursive: true });
      const prompt = buildPolecatPrompt(PROMPT_INPUT());
      const launcher = new CliAgentLauncher({
        model: { anthropicBaseUrl: "http://127.0.0.1:9", anthropicApiKey: "sk-ant-test-0123456789abcdefghij", model: "m" },
        stateDir: join(dataDir, "state"),
        mcp: { command: "/usr/bin/node", args: ["/app/gt-server.ts"] },
        env: { PATH: "/usr/bin:/bin" },
      });
      const req: StartAgentRequest = {
        agentId: "polecat-web-1",
        town: "local:dev",
        role: "polecat",
        kind,
        rig: { id: "r1", name: "web", gitUrl: "/srv/web.git", defaultBranch: "main" },
        beadId: "web-h0st",
        prompt,
        workerUrl: "http://127.0.0.1:8787",
        agentToken: "agent-token-0123456789",
      };
      const launch: Launch = await launcher.build(req, ws);

      expect(launch.argv.filter((a) => a === prompt)).toHaveLength(1);
      expect(launch.argv.filter((a) => a !== prompt && a.includes("touch"))).toEqual([]);
      if (!kind.startsWith("command:")) expect(launch.argv.slice(-2)).toEqual(["--", prompt]);
      expect(Object.entries(launch.env).filter(([, v]) => v.includes("touch"))).toEqual([]);

      // Every path the launch names (cwd, files, HOME-like env, absolute argv items) is ours.
      const paths = [
        launch.cwd,
        ...launch.files,
        ...Object.entries(launch.env)
          .filter(([k, v]) => /HOME$|^XDG_|_FILE$|_CONFIG$/.test(k) && isAbsolute(v))
          .map(([, v]) => v),
        ...launch.argv.filter((a) => a !== prompt && isAbsolute(a) && !a.startsWith("/usr/bin/")),
      ];
      for (const p of paths) expect(inside(dataDir, p), p).toBe(true);
      for (const f of launch.files) {
        const text = readFileSync(f, "utf8");
        // Only the command adapter's prompt file holds the prompt; configs never do.
        if (f.endsWith("prompt.md")) expect(text).toBe(prompt);
        else expect(text).not.toContain("touch");
      }
      expect(readdirSync(ws.cwd)).toEqual([]);
      expectNothingRan([dataDir, ws.cwd]);
    },
  );
});

describe("a hostile bead through the running container", () => {
  let s: ContainerStack;
  beforeEach(async () => {
    s = await startContainerStack("web");
  });
  afterEach(async () => {
    await s.close();
  });

  // A stand-in agent in a real shell: the prompt arrives as $1 and is echoed, written to a
  // file and used whole as the commit message. The script is the test's own constant.
  const SHELL_AGENT = [
    "sh",
    "-c",
    'printf "PROMPT<%s>END\\n" "$1"; printf "%s" "$1" > task.md && git add -A && printf "%s" "$1" | git commit -q --cleanup=verbatim -F - && echo "agent done"; exec sleep 60',
    "sh",
    "{prompt}",
  ];

  it("a shell agent gets the prompt as data: shown on screen, committed verbatim, merged with the title as message; nothing runs", async () => {
    const prompt = buildPolecatPrompt(PROMPT_INPUT());
    const info = await s.runtime.start({
      agentId: "polecat-web-1",
      town: "local:dev",
      role: "polecat",
      kind: `command:${JSON.stringify(SHELL_AGENT)}`,
      rig: s.origin.rig,
      beadId: "web-h0st",
      prompt,
      workerUrl: s.worker.url,
      agentToken: "agent-token-0123456789",
      cols: 200,
      rows: 60,
    });
    // Worktree and branch come from the ids alone.
    expect(info).toMatchObject({ branch: "gt/web-h0st", worktree: join(s.dataDir, "worktrees", "web", "web-h0st") });

    const snap = await waitFor(async () => {
      const sn = await s.runtime.snapshot("polecat-web-1");
      return sn.text.includes("agent done") ? sn : undefined;
    }, "the agent to finish");
    const screen = `${snap.scrollbackTail}\n${snap.text}`;
    expect(screen).toContain(`$(touch ${canary}/dollar)`);
    expect(screen).toContain(`\`touch ${canary}/tick\``);
    expect(screen).toContain(`../../${escapeName}`);

    const wt = info.worktree ?? "";
    expect(readFileSync(join(wt, "task.md"), "utf8")).toBe(prompt);
    expect(s.origin.git(wt, "log", "-1", "--format=%B")).toBe(prompt.trim());
    // Every file the container made is under its data dir.
    for (const f of walk(s.origin.root).filter((p) => !isTestOwned(s, p))) expect(inside(s.dataDir, f), f).toBe(true);

    await s.runtime.stop("polecat-web-1");
    // main moves on first, so the merge makes a commit whose message carries the title.
    const other = join(s.origin.root, "other");
    s.origin.git(s.origin.root, "clone", "-q", s.origin.origin, other);
    s.origin.commit(other, { "other.txt": "x\n" }, "main moves on");
    s.origin.git(other, "push", "-q", "origin", "main");
    const merged = await s.runtime.merge({ rig: s.origin.rig, branch: "gt/web-h0st", target: "main", message: `Merge web-h0st: ${title}` });
    expect(merged).toMatchObject({ outcome: "merged", fastForward: false });
    expect(s.origin.git(s.origin.origin, "log", "-1", "--format=%B", "main")).toBe(`Merge web-h0st: ${title}`);
    expect(s.origin.git(s.origin.origin, "show", "main:task.md")).toBe(prompt.trim());
    expectNothingRan([s.dataDir, wt, s.origin.root]);
  });

  it("ids that are not ids are refused with 400 before anything touches the disk", async () => {
    const good = {
      agentId: "polecat-web-1",
      town: "local:dev",
      role: "polecat",
      kind: "command:true",
      rig: s.origin.rig,
      beadId: "web-h0st",
      prompt: title,
      workerUrl: s.worker.url,
      agentToken: "agent-token-0123456789",
    };
    const post = (path: string, body: unknown) =>
      fetch(`${s.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${STACK_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const bad: Array<[string, unknown]> = [
      ["/agents", { ...good, beadId: "../x" }],
      ["/agents", { ...good, beadId: "web-h0st/../../x" }],
      ["/agents", { ...good, beadId: "web-h0st; touch x" }],
      ["/agents", { ...good, agentId: "polecat/web" }],
      ["/agents", { ...good, agentId: "../../etc" }],
      ["/agents", { ...good, rig: { ...s.origin.rig, name: "../x" } }],
      ["/agents", { ...good, rig: { ...s.origin.rig, name: "web/../../x" } }],
      ["/agents", { ...good, rig: { ...s.origin.rig, defaultBranch: "main; touch x" } }],
      ["/agents/..%2F..%2Fx/nudge", { text: "hi" }],
      ["/merge", { rig: s.origin.rig, branch: "gt/../../x", target: "main" }],
      ["/merge", { rig: s.origin.rig, branch: "gt/web-h0st; touch x", target: "main" }],
      ["/merge", { rig: s.origin.rig, branch: "gt/web-h0st", target: "main$(touch x)" }],
    ];
    for (const [path, body] of bad) {
      const res = await post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    }
    for (const path of ["/agents/a%2Fb/snapshot", "/agents/..%2F..%2Fetc/snapshot"]) {
      const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${STACK_TOKEN}` } });
      expect(res.status, path).toBe(400);
    }
    const del = await fetch(`${s.url}/agents/..%2Fx`, { method: "DELETE", headers: { authorization: `Bearer ${STACK_TOKEN}` } });
    expect(del.status).toBe(400);
    expect(await s.runtime.list()).toEqual([]);
    expect(existsSync(s.dataDir)).toBe(false);
    expectNothingRan([s.origin.root]);
  });
});

describe("a hostile bead through the gt MCP tools", () => {
  it("titles and bodies reach the Worker byte for byte; a bead id with ../ is a tool error and no request", async () => {
    const worker = await startFakeWorkerAgentApi({ "local:dev/polecat-web-1": "agent-token-0123456789" });
    try {
      worker.beads.set("web-h0st", { id: "web-h0st", title, body });
      const api = new AgentApiClient({ workerUrl: worker.url, town: "local:dev", agent: "polecat-web-1", token: "agent-token-0123456789", branch: "gt/web-h0st" });
      const [a, b] = InMemoryTransport.createLinkedPair();
      await createGtMcpServer(api, silentLogger).connect(a);
      const client = new Client({ name: "test", version: "1" });
      await client.connect(b);
      const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

      await client.callTool({ name: "gt_escalate", arguments: { severity: "high", title, body, metadata: { path: `../../${escapeName}` } } });
      await client.callTool({ name: "gt_mail_send", arguments: { to: "mayor", subject: title, body } });
      await client.callTool({ name: "gt_done", arguments: { summary: `${title}\n${body}` } });
      expect(worker.calls.map((c) => c.body)).toEqual([
        { severity: "high", title: title.trim(), body, metadata: { path: `../../${escapeName}` } },
        { to: "mayor", subject: title.trim(), body },
        { summary: `${title}\n${body}`.trim(), branch: "gt/web-h0st" },
      ]);
      const shown = await client.callTool({ name: "gt_bead_show", arguments: { bead_id: "web-h0st" } });
      expect(text(shown)).toContain(JSON.stringify(title).slice(1, -1));

      const refused = await client.callTool({ name: "gt_bead_show", arguments: { bead_id: "../../etc/passwd" } });
      expect(refused.isError).toBe(true);
      expect(worker.calls.filter((c) => c.route === "beads").map((c) => c.body.beadId)).toEqual(["web-h0st"]);
      await client.close();
    } finally {
      await worker.close();
    }
    expectNothingRan([]);
  });
});

/** Every file under `dir` (symlinks not followed). */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p, { throwIfNoEntry: false })?.isDirectory() ? walk(p) : [p];
  });
}

/** The test's own repos (origin, its seed clone, git's HOME), not the container's. */
function isTestOwned(s: ContainerStack, p: string): boolean {
  return ["origin.git", "seed", "home", "other"].some((d) => p.startsWith(join(s.origin.root, d) + sep));
}
