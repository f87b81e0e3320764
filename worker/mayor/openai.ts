import { GastownError } from "../../core/errors";
import { type ConversationItem, type ModelClient, type ModelRequest, type ModelStreamEvent, parseToolInput, streamBody } from "./model";
import { readSse } from "./sse";

type Fetch = typeof fetch;

/** OpenAI-compatible chat completions (`POST {base}/chat/completions`, base includes /v1). */
export function createOpenAiClient(cfg: { baseUrl: string; apiKey: string; model: string; fetch?: Fetch }): ModelClient {
  const doFetch = cfg.fetch ?? fetch;
  const url = `${cfg.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  return {
    provider: "openai",
    async *stream(req: ModelRequest, signal?: AbortSignal): AsyncGenerator<ModelStreamEvent> {
      const body = {
        model: cfg.model,
        max_tokens: req.maxTokens,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "system", content: req.system }, ...toOpenAiMessages(req.items)],
        tools: req.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.inputSchema } })),
      };
      const res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${cfg.apiKey}` },
        body: JSON.stringify(body),
        signal,
      });
      let inputTokens = 0;
      let outputTokens = 0;
      let stopReason = "stop";
      const calls = new Map<number, { id: string; name: string; args: string }>();
      for await (const ev of readSse(await streamBody(res))) {
        if (!ev.data || ev.data === "[DONE]") continue;
        const chunk = JSON.parse(ev.data) as OpenAiChunk;
        if (chunk.error) throw new GastownError("unavailable", `model stream error: ${chunk.error.message ?? "unknown"}`);
        if (chunk.usage) {
          inputTokens = chunk.usage.prompt_tokens ?? inputTokens;
          outputTokens = chunk.usage.completion_tokens ?? outputTokens;
        }
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.delta?.content) yield { type: "text", delta: choice.delta.content };
        for (const tc of choice.delta?.tool_calls ?? []) {
          const cur = calls.get(tc.index) ?? { id: "", name: "", args: "" };
          if (tc.id) cur.id = tc.id;
          if (tc.function?.name) cur.name += tc.function.name;
          if (tc.function?.arguments) cur.args += tc.function.arguments;
          calls.set(tc.index, cur);
        }
        if (choice.finish_reason) stopReason = choice.finish_reason;
      }
      for (const [, c] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
        yield { type: "tool_call", call: { id: c.id, name: c.name, input: parseToolInput(c.args) } };
      }
      yield { type: "done", stopReason, inputTokens, outputTokens };
    },
  };
}

interface OpenAiChunk {
  choices?: {
    delta?: { content?: string | null; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  error?: { message?: string };
}

function toOpenAiMessages(items: ConversationItem[]): unknown[] {
  return items.flatMap((it): unknown[] => {
    if (it.role === "user") return [{ role: "user", content: it.text }];
    if (it.role === "assistant") {
      return [
        {
          role: "assistant",
          content: it.text || null,
          ...(it.toolCalls.length
            ? { tool_calls: it.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) } })) }
            : {}),
        },
      ];
    }
    return it.results.map((r) => ({ role: "tool", tool_call_id: r.id, content: r.isError ? `ERROR: ${r.content}` : r.content }));
  });
}
