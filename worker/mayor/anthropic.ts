import { GastownError } from "../../core/errors";
import { type ConversationItem, type ModelClient, type ModelRequest, type ModelStreamEvent, parseToolInput, streamBody } from "./model";
import { readSse } from "./sse";

type Fetch = typeof fetch;

/** Anthropic Messages API (`POST {base}/v1/messages`, streaming SSE). */
export function createAnthropicClient(cfg: { baseUrl: string; apiKey: string; model: string; fetch?: Fetch }): ModelClient {
  const doFetch = cfg.fetch ?? fetch;
  const url = `${cfg.baseUrl.replace(/\/+$/, "")}/v1/messages`;
  return {
    provider: "anthropic",
    async *stream(req: ModelRequest, signal?: AbortSignal): AsyncGenerator<ModelStreamEvent> {
      const body = {
        model: cfg.model,
        max_tokens: req.maxTokens,
        system: req.system,
        stream: true,
        messages: toAnthropicMessages(req.items),
        tools: req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema })),
      };
      const res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": cfg.apiKey, "anthropic-version": "2023-06-01" },
        body: JSON.stringify(body),
        signal,
      });
      let inputTokens = 0;
      let outputTokens = 0;
      let stopReason = "end_turn";
      const blocks = new Map<number, { id: string; name: string; json: string }>();
      for await (const ev of readSse(await streamBody(res))) {
        if (!ev.data) continue;
        const msg = JSON.parse(ev.data) as AnthropicEvent;
        switch (msg.type) {
          case "message_start":
            inputTokens = msg.message?.usage?.input_tokens ?? 0;
            break;
          case "content_block_start":
            if (msg.content_block?.type === "tool_use") {
              blocks.set(msg.index ?? 0, { id: msg.content_block.id ?? "", name: msg.content_block.name ?? "", json: "" });
            }
            break;
          case "content_block_delta":
            if (msg.delta?.type === "text_delta" && msg.delta.text) yield { type: "text", delta: msg.delta.text };
            else if (msg.delta?.type === "input_json_delta") {
              const b = blocks.get(msg.index ?? 0);
              if (b) b.json += msg.delta.partial_json ?? "";
            }
            break;
          case "content_block_stop": {
            const b = blocks.get(msg.index ?? 0);
            if (b) {
              blocks.delete(msg.index ?? 0);
              yield { type: "tool_call", call: { id: b.id, name: b.name, input: parseToolInput(b.json) } };
            }
            break;
          }
          case "message_delta":
            stopReason = msg.delta?.stop_reason ?? stopReason;
            outputTokens = msg.usage?.output_tokens ?? outputTokens;
            break;
          case "error":
            throw new GastownError("unavailable", `model stream error: ${msg.error?.message ?? "unknown"}`);
          default:
            break;
        }
      }
      yield { type: "done", stopReason, inputTokens, outputTokens };
    },
  };
}

interface AnthropicEvent {
  type: string;
  index?: number;
  message?: { usage?: { input_tokens?: number } };
  content_block?: { type: string; id?: string; name?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string };
  usage?: { output_tokens?: number };
  error?: { message?: string };
}

function toAnthropicMessages(items: ConversationItem[]): unknown[] {
  return items.map((it) => {
    if (it.role === "user") return { role: "user", content: it.text };
    if (it.role === "assistant") {
      const content: unknown[] = [];
      if (it.text) content.push({ type: "text", text: it.text });
      for (const c of it.toolCalls) content.push({ type: "tool_use", id: c.id, name: c.name, input: c.input ?? {} });
      return { role: "assistant", content };
    }
    return {
      role: "user",
      content: it.results.map((r) => ({ type: "tool_result", tool_use_id: r.id, content: r.content, is_error: r.isError })),
    };
  });
}
