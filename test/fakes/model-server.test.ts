import { afterEach, describe, expect, it } from "vitest";
import { matchTool, type ModelServer, startModelServer } from "./model-server";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (path: string, body: unknown) =>
  fetch(`${server?.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Parsed `data:` payloads of an SSE body (without the OpenAI [DONE] marker). */
async function sseData(res: Response): Promise<{ events: string[]; data: Record<string, unknown>[]; done: boolean }> {
  const text = await res.text();
  const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1] as string);
  const payloads = [...text.matchAll(/^data: (.+)$/gm)].map((m) => m[1] as string);
  return { events, data: payloads.filter((p) => p !== "[DONE]").map((p) => JSON.parse(p)), done: payloads.at(-1) === "[DONE]" };
}

describe("scripted model server, Anthropic Messages", () => {
  it("streams a tool call to the advertised tool, then the final text", async () => {
    server = await startModelServer({ script: [{ tools: [{ name: "bash", input: { command: "git status" } }] }, { text: "All done." }] });
    const tools = [{ name: "Bash", input_schema: {} }, { name: "Write", input_schema: {} }];
    const first = await sseData(await post("/v1/messages?beta=true", { model: "m", stream: true, tools, messages: [] }));
    expect(first.events).toEqual([
      "message_start",
      "content_block_start",
      ...first.events.slice(2, -3),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const start = first.data.find((d) => d.type === "content_block_start") as { content_block: { type: string; name: string } };
    expect(start.content_block).toMatchObject({ type: "tool_use", name: "Bash" });
    const json = first.data
      .filter((d) => d.type === "content_block_delta")
      .map((d) => (d.delta as { partial_json: string }).partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ command: "git status" });
    expect(first.data.find((d) => d.type === "message_delta")).toMatchObject({ delta: { stop_reason: "tool_use" } });

    const second = await (await post("/v1/messages", { model: "m", tools, messages: [] })).json();
    expect(second).toMatchObject({ type: "message", content: [{ type: "text", text: "All done." }], stop_reason: "end_turn" });
    expect(server.consumed()).toBe(2);
  });

  it("answers side requests without tools without using up the script, and HEAD probes", async () => {
    server = await startModelServer({ script: [{ text: "real turn" }], sideText: "A title" });
    const side = (await (await post("/v1/messages", { model: "m", messages: [] })).json()) as { content: { text: string }[] };
    expect(side.content[0]?.text).toBe("A title");
    expect(server.consumed()).toBe(0);
    expect((await fetch(server.url, { method: "HEAD" })).status).toBe(200);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ api: "anthropic", turn: null, tools: [] });
  });

  it("waits through the shell tool while a scripted tool is not advertised yet, then plays it", async () => {
    server = await startModelServer({ script: [{ tools: [{ name: "gt_done", input: { summary: "x" } }] }] });
    const early = (await (await post("/v1/messages", { model: "m", tools: [{ name: "Bash" }], messages: [] })).json()) as { content: { type: string; id: string; name: string; input: { command: string } }[] };
    expect(early.content[0]).toMatchObject({ type: "tool_use", name: "Bash", input: { command: "sleep 1" } });
    expect(early.content[0]?.id).toMatch(/^wait_/);
    expect(server.consumed()).toBe(0);
    const ready = (await (await post("/v1/messages", { model: "m", tools: [{ name: "Bash" }, { name: "mcp__gt__gt_done" }], messages: [] })).json()) as { content: { name: string }[] };
    expect(ready.content[0]).toMatchObject({ name: "mcp__gt__gt_done" });
    expect(server.problems).toEqual([]);
  });

  it("logs a scripted tool that a client without a shell tool did not advertise", async () => {
    server = await startModelServer({ script: [{ tools: [{ name: "gt_done", input: { summary: "x" } }] }] });
    await (await post("/v1/messages", { model: "m", tools: [{ name: "Read" }], messages: [] })).json();
    expect(server.problems[0]).toMatch(/no advertised tool matches "gt_done"/);
  });
});

describe("scripted model server, OpenAI chat completions", () => {
  it("streams tool_calls deltas for an MCP-prefixed tool and ends with [DONE]", async () => {
    server = await startModelServer({ script: [{ tools: [{ name: "gt_done", input: { summary: "Added hello.txt" } }] }] });
    const tools = [{ type: "function", function: { name: "bash" } }, { type: "function", function: { name: "gt_gt_done" } }];
    const res = await post("/v1/chat/completions", { model: "m", stream: true, stream_options: { include_usage: true }, tools, messages: [] });
    const { data, done } = await sseData(res);
    expect(done).toBe(true);
    const calls = data.flatMap((d) => ((d.choices as { delta: { tool_calls?: { function: { name?: string; arguments?: string } }[] } }[])[0]?.delta.tool_calls ?? []));
    expect(calls[0]?.function.name).toBe("gt_gt_done");
    expect(JSON.parse(calls.map((c) => c.function.arguments ?? "").join(""))).toEqual({ summary: "Added hello.txt" });
    const finish = data.map((d) => (d.choices as { finish_reason: string | null }[])[0]?.finish_reason).filter(Boolean);
    expect(finish).toEqual(["tool_calls"]);
    expect(data.at(-1)).toHaveProperty("usage");
  });

  it("answers non-streaming completions with the final text", async () => {
    server = await startModelServer({ script: [{ text: "Hello there" }] });
    const body = (await (await post("/v1/chat/completions", { model: "m", tools: [{ type: "function", function: { name: "x" } }], messages: [] })).json()) as { choices: unknown[] };
    expect(body.choices[0]).toMatchObject({ message: { role: "assistant", content: "Hello there" }, finish_reason: "stop" });
  });
});

describe("matchTool", () => {
  it("matches case-insensitively and through MCP prefixes", () => {
    expect(matchTool("bash", ["Read", "Bash"])).toBe("Bash");
    expect(matchTool("gt_done", ["Bash", "mcp__gt__gt_done"])).toBe("mcp__gt__gt_done");
    expect(matchTool("write", ["todowrite", "edit"])).toBeNull();
  });
});
