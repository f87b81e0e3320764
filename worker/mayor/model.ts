import { z } from "zod";
import { GastownError } from "../../core/errors";

/** A tool the model may call: JSON schema of its input (from zod). */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

export interface ToolResult {
  id: string;
  name: string;
  content: string;
  isError: boolean;
}

/** Provider-neutral conversation items (stored as mayor history). */
export const ConversationItem = z.discriminatedUnion("role", [
  z.object({ role: z.literal("user"), text: z.string() }),
  z.object({
    role: z.literal("assistant"),
    text: z.string(),
    toolCalls: z.array(z.object({ id: z.string(), name: z.string(), input: z.unknown() })),
  }),
  z.object({
    role: z.literal("tool"),
    results: z.array(z.object({ id: z.string(), name: z.string(), content: z.string(), isError: z.boolean() })),
  }),
]);
export type ConversationItem = z.infer<typeof ConversationItem>;

export interface ModelRequest {
  system: string;
  items: ConversationItem[];
  tools: ToolSpec[];
  maxTokens: number;
}

export type ModelStreamEvent =
  | { type: "text"; delta: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "done"; stopReason: string; inputTokens: number; outputTokens: number };

/** A model provider speaking its own HTTP API; streams text and tool calls. */
export interface ModelClient {
  readonly provider: "anthropic" | "openai";
  stream(req: ModelRequest, signal?: AbortSignal): AsyncGenerator<ModelStreamEvent>;
}

export const ModelConfig = z.discriminatedUnion("provider", [
  z.object({ provider: z.literal("anthropic"), baseUrl: z.string().url(), apiKey: z.string().min(1), model: z.string().min(1) }),
  z.object({ provider: z.literal("openai"), baseUrl: z.string().url(), apiKey: z.string().min(1), model: z.string().min(1) }),
]);
export type ModelConfig = z.infer<typeof ModelConfig>;

/** Tool arguments as the model streamed them; malformed JSON stays a string so the tool's schema rejects it with a message. */
export function parseToolInput(s: string): unknown {
  if (s.trim() === "") return {};
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** The streamed body of a provider answer, or an `unavailable` error carrying what it said. */
export async function streamBody(res: Response): Promise<ReadableStream<Uint8Array>> {
  if (!res.ok || !res.body) throw new GastownError("unavailable", `model API answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.body;
}
