/**
 * Wire formats of the scripted model server: Anthropic Messages (JSON and SSE events) and
 * OpenAI chat completions (JSON and `data:` chunks ending in `[DONE]`). Pure functions from a
 * reply to what the provider would send.
 */

export interface ReplyToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface Reply {
  text: string;
  tools: ReplyToolCall[];
}

/** Split text into a few deltas, as a real stream would. */
function chunks(text: string, size = 24): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const usage = (reply: Reply) => ({ input_tokens: 100, output_tokens: Math.max(1, Math.ceil((reply.text.length + JSON.stringify(reply.tools).length) / 4)) });

function anthropicEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Anthropic SSE events for one assistant message. */
export function anthropicStream(reply: Reply, model: string): string[] {
  const id = `msg_${Math.random().toString(36).slice(2, 12)}`;
  const out = [
    anthropicEvent("message_start", {
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 100, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (reply.text !== "" || reply.tools.length === 0) {
    out.push(anthropicEvent("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const c of chunks(reply.text || " ")) out.push(anthropicEvent("content_block_delta", { index, delta: { type: "text_delta", text: c } }));
    out.push(anthropicEvent("content_block_stop", { index }));
    index++;
  }
  for (const t of reply.tools) {
    out.push(anthropicEvent("content_block_start", { index, content_block: { type: "tool_use", id: t.id, name: t.name, input: {} } }));
    for (const c of chunks(JSON.stringify(t.input), 40))
      out.push(anthropicEvent("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: c } }));
    out.push(anthropicEvent("content_block_stop", { index }));
    index++;
  }
  out.push(
    anthropicEvent("message_delta", {
      delta: { stop_reason: reply.tools.length > 0 ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: usage(reply).output_tokens },
    }),
  );
  out.push(anthropicEvent("message_stop", {}));
  return out;
}

/** Anthropic non-streaming message body. */
export function anthropicMessage(reply: Reply, model: string): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (reply.text !== "" || reply.tools.length === 0) content.push({ type: "text", text: reply.text || " " });
  for (const t of reply.tools) content.push({ type: "tool_use", id: t.id, name: t.name, input: t.input });
  return {
    id: `msg_${Math.random().toString(36).slice(2, 12)}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: reply.tools.length > 0 ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: usage(reply),
  };
}

function openaiChunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null): string {
  const chunk = { id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: finish }] };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** OpenAI chat-completion chunks for one assistant message, ending with `[DONE]`. */
export function openaiStream(reply: Reply, model: string, includeUsage: boolean): string[] {
  const id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
  const out = [openaiChunk(id, model, { role: "assistant", content: "" }, null)];
  for (const c of chunks(reply.text)) out.push(openaiChunk(id, model, { content: c }, null));
  reply.tools.forEach((t, index) => {
    out.push(openaiChunk(id, model, { tool_calls: [{ index, id: t.id, type: "function", function: { name: t.name, arguments: "" } }] }, null));
    for (const c of chunks(JSON.stringify(t.input), 40)) out.push(openaiChunk(id, model, { tool_calls: [{ index, function: { arguments: c } }] }, null));
  });
  out.push(openaiChunk(id, model, {}, reply.tools.length > 0 ? "tool_calls" : "stop"));
  if (includeUsage) {
    const u = usage(reply);
    const chunk = {
      id,
      object: "chat.completion.chunk",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [],
      usage: { prompt_tokens: u.input_tokens, completion_tokens: u.output_tokens, total_tokens: u.input_tokens + u.output_tokens },
    };
    out.push(`data: ${JSON.stringify(chunk)}\n\n`);
  }
  out.push("data: [DONE]\n\n");
  return out;
}

/** OpenAI non-streaming chat completion body. */
export function openaiCompletion(reply: Reply, model: string): Record<string, unknown> {
  const u = usage(reply);
  const message: Record<string, unknown> = { role: "assistant", content: reply.text === "" ? null : reply.text };
  if (reply.tools.length > 0)
    message.tool_calls = reply.tools.map((t) => ({ id: t.id, type: "function", function: { name: t.name, arguments: JSON.stringify(t.input) } }));
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 12)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: reply.tools.length > 0 ? "tool_calls" : "stop" }],
    usage: { prompt_tokens: u.input_tokens, completion_tokens: u.output_tokens, total_tokens: u.input_tokens + u.output_tokens },
  };
}
