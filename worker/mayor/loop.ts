import { z } from "zod";
import { errorMessage, isGastownError } from "../../core/errors";
import type { ConversationItem, ModelClient, ToolCall, ToolResult, ToolSpec } from "./model";

/** A town operation the mayor may call. Input is parsed with zod before it runs. */
export interface MayorTool<I = unknown> {
  name: string;
  description: string;
  input: z.ZodType<I>;
  run(input: I): Promise<unknown>;
}

export interface TurnBudget {
  /** Model calls per turn (each may call tools). */
  maxSteps: number;
  /** Input + output tokens per turn, as reported by the provider. */
  maxTokens: number;
  /** max_tokens of one model call. */
  maxOutputTokens: number;
}

export const DEFAULT_BUDGET: TurnBudget = { maxSteps: 12, maxTokens: 200_000, maxOutputTokens: 4096 };

export type TurnOutcome = "done" | "step_budget" | "token_budget" | "model_error";

export interface TurnResult {
  /** New conversation items of this turn (to append to history). */
  items: ConversationItem[];
  /** What the thread shows at the end of the turn. */
  text: string;
  outcome: TurnOutcome;
  steps: number;
  tokens: number;
  toolCalls: number;
}

export interface TurnHooks {
  /** Called with the whole visible reply so far whenever it changes (the bot edits one message). */
  onText?(text: string): void | Promise<void>;
  /** Called before a tool runs ("working…" state). */
  onTool?(name: string): void | Promise<void>;
}

export function toolSpecs(tools: MayorTool[]): ToolSpec[] {
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
  }));
}

/**
 * One mayor turn: stream the model, run the tools it asks for, feed results back, until it
 * answers without tools or a budget runs out. Tool errors go back to the model; model errors
 * end the turn with a clear message (what tools already did stays done and recorded).
 */
export async function runMayorTurn(args: {
  client: ModelClient;
  system: string;
  history: ConversationItem[];
  userText: string;
  tools: MayorTool[];
  budget?: TurnBudget;
  hooks?: TurnHooks;
  signal?: AbortSignal;
}): Promise<TurnResult> {
  const budget = args.budget ?? DEFAULT_BUDGET;
  const specs = toolSpecs(args.tools);
  const byName = new Map(args.tools.map((t) => [t.name, t]));
  const items: ConversationItem[] = [{ role: "user", text: args.userText }];
  let shown = "";
  let tokens = 0;
  let toolCalls = 0;
  const show = async (text: string) => {
    shown = text;
    await args.hooks?.onText?.(shown);
  };

  for (let step = 1; step <= budget.maxSteps; step++) {
    let text = "";
    const calls: ToolCall[] = [];
    const prefix = shown ? `${shown}\n\n` : "";
    try {
      for await (const ev of args.client.stream(
        { system: args.system, items: [...args.history, ...items], tools: specs, maxTokens: budget.maxOutputTokens },
        args.signal,
      )) {
        if (ev.type === "text") {
          text += ev.delta;
          await show(prefix + text);
        } else if (ev.type === "tool_call") calls.push(ev.call);
        else tokens += ev.inputTokens + ev.outputTokens;
      }
    } catch (e) {
      const msg = `${prefix}${text}${text ? "\n\n" : ""}⚠️ The model stopped answering mid-turn (${errorMessage(e)}). Anything listed above as done is done; ask again to continue.`;
      if (text || calls.length) items.push({ role: "assistant", text, toolCalls: [] });
      await show(msg);
      return { items, text: msg, outcome: "model_error", steps: step, tokens, toolCalls };
    }
    items.push({ role: "assistant", text, toolCalls: calls });
    if (calls.length === 0) return { items, text: shown, outcome: "done", steps: step, tokens, toolCalls };

    const results: ToolResult[] = [];
    for (const call of calls) {
      toolCalls++;
      await args.hooks?.onTool?.(call.name);
      results.push(await runTool(byName.get(call.name), call));
    }
    items.push({ role: "tool", results });
    if (tokens > budget.maxTokens) {
      const msg = `${shown}${shown ? "\n\n" : ""}⚠️ Stopped: this turn used its token budget (${tokens} of ${budget.maxTokens}). Ask me to continue.`;
      await show(msg);
      return { items, text: msg, outcome: "token_budget", steps: step, tokens, toolCalls };
    }
  }
  const msg = `${shown}${shown ? "\n\n" : ""}⚠️ Stopped after ${budget.maxSteps} steps without finishing (step budget). What is done so far is recorded; ask me to continue.`;
  await show(msg);
  return { items, text: msg, outcome: "step_budget", steps: budget.maxSteps, tokens, toolCalls };
}

async function runTool(tool: MayorTool | undefined, call: ToolCall): Promise<ToolResult> {
  const base = { id: call.id, name: call.name };
  if (!tool) return { ...base, isError: true, content: `unknown tool "${call.name}"` };
  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ");
    return { ...base, isError: true, content: `invalid arguments for ${call.name}: ${issues}` };
  }
  try {
    const out = await tool.run(parsed.data);
    return { ...base, isError: false, content: typeof out === "string" ? out : JSON.stringify(out) };
  } catch (e) {
    const code = isGastownError(e) ? `${e.code}: ` : "";
    return { ...base, isError: true, content: `${call.name} failed: ${code}${errorMessage(e)}` };
  }
}
