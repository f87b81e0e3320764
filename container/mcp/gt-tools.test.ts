import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger";
import { type FakeWorkerAgentApi, startFakeWorkerAgentApi } from "../../test/fakes/worker-agent-api";
import { AgentApiClient } from "./agent-api-client";
import { gtMcpCommand } from "./gt-server-command";
import { createGtMcpServer } from "./gt-tools";

const TOWN = "local:dev";
const AGENT = "polecat-app-1";
const TOKEN = "agent-token-abc123";

let worker: FakeWorkerAgentApi;
beforeEach(async () => {
  worker = await startFakeWorkerAgentApi({ [`${TOWN}/${AGENT}`]: TOKEN });
});
afterEach(async () => {
  await worker.close();
});

async function connect(token = TOKEN): Promise<Client> {
  const api = new AgentApiClient({ workerUrl: worker.url, town: TOWN, agent: AGENT, token, branch: "gt/gt-abcd" });
  const server = createGtMcpServer(api, silentLogger);
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: "test", version: "1" });
  await client.connect(b);
  return client;
}

const text = (r: unknown): string => ((r as CallToolResult).content[0] as { text: string }).text;

describe("gt MCP tools", () => {
  it("lists the six gt tools", async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["gt_bead_show", "gt_done", "gt_escalate", "gt_mail_check", "gt_mail_send", "gt_status"]);
  });

  it("gt_done reaches the Worker with the summary, the branch and the agent's token", async () => {
    const client = await connect();
    const r = await client.callTool({ name: "gt_done", arguments: { summary: "Added hello.txt" } });
    expect(r.isError).toBeFalsy();
    expect(worker.calls).toEqual([{ route: "done", town: TOWN, agent: AGENT, body: { summary: "Added hello.txt", branch: "gt/gt-abcd" } }]);
  });

  it("gt_escalate keeps severity, title, body and metadata", async () => {
    const client = await connect();
    await client.callTool({
      name: "gt_escalate",
      arguments: { severity: "high", title: "Tests need a database", body: "No DATABASE_URL", metadata: { file: "db.ts", tries: 3 } },
    });
    expect(worker.calls[0]).toMatchObject({
      route: "escalate",
      body: { severity: "high", title: "Tests need a database", body: "No DATABASE_URL", metadata: { file: "db.ts", tries: 3 } },
    });
  });

  it("mail send, mail check, bead show and status call their routes", async () => {
    worker.inbox.set(AGENT, [{ id: "gt-m1", from: "mayor", subject: "Use pnpm", body: "not npm" }]);
    worker.beads.set("gt-abcd", { id: "gt-abcd", title: "Say hello" });
    const client = await connect();
    await client.callTool({ name: "gt_mail_send", arguments: { to: "gt-wxyz", subject: "API changed", body: "see diff" } });
    expect(text(await client.callTool({ name: "gt_mail_check", arguments: {} }))).toContain("Use pnpm");
    expect(text(await client.callTool({ name: "gt_bead_show", arguments: { bead_id: "gt-abcd" } }))).toContain("Say hello");
    expect(text(await client.callTool({ name: "gt_status", arguments: {} }))).toContain("working");
    expect(worker.calls.map((c) => c.route)).toEqual(["mail", "mail/check", "beads", "status"]);
    expect(worker.calls[0]).toMatchObject({ body: { to: "gt-wxyz", subject: "API changed", body: "see diff" } });
  });

  it("answers bad input with a tool error and calls nothing", async () => {
    const client = await connect();
    const bad = await client.callTool({ name: "gt_escalate", arguments: { severity: "urgent", title: "x" } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/severity/);
    const empty = await client.callTool({ name: "gt_done", arguments: { summary: "   " } });
    expect(empty.isError).toBe(true);
    const badId = await client.callTool({ name: "gt_bead_show", arguments: { bead_id: "../../etc" } });
    expect(badId.isError).toBe(true);
    expect(worker.calls).toEqual([]);
  });

  it("turns a refusal by the town into a readable tool error", async () => {
    const client = await connect("wrong-token");
    const r = await client.callTool({ name: "gt_done", arguments: { summary: "done" } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/refused .*401.*bad agent token/);
    const missing = await (await connect()).callTool({ name: "gt_bead_show", arguments: { bead_id: "gt-zzzz" } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/not found/);
  });
});

describe("gt MCP server over stdio", () => {
  it("runs as a process an agent CLI can start, and reports gt_done", async () => {
    const { command, args } = gtMcpCommand();
    const transport = new StdioClientTransport({
      command,
      args,
      cwd: "/",
      env: { PATH: process.env.PATH ?? "", GASTOWN_WORKER_URL: worker.url, GASTOWN_AGENT_TOKEN: TOKEN, GASTOWN_TOWN: TOWN, GASTOWN_AGENT: AGENT },
      stderr: "pipe",
    });
    const client = new Client({ name: "test", version: "1" });
    await client.connect(transport);
    try {
      const r = await client.callTool({ name: "gt_done", arguments: { summary: "via stdio" } });
      expect(r.isError).toBeFalsy();
      expect(worker.calls).toEqual([{ route: "done", town: TOWN, agent: AGENT, body: { summary: "via stdio" } }]);
    } finally {
      await client.close();
    }
  }, 30_000);

  it("refuses to start without its settings", async () => {
    const { command, args } = gtMcpCommand();
    const transport = new StdioClientTransport({ command, args, cwd: "/", env: { PATH: process.env.PATH ?? "" }, stderr: "pipe" });
    const client = new Client({ name: "test", version: "1" });
    await expect(client.connect(transport)).rejects.toThrow();
    await client.close();
  }, 30_000);
});
