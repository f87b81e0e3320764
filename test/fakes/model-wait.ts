import type { Reply } from "./model-server-wire";

/**
 * Agent CLIs start their MCP servers (the gt tools) alongside the first model request, and on
 * a loaded machine a scripted turn can come before `gt_done` is advertised. A model would do
 * something else meanwhile; the scripted servers do the same: a short wait through the
 * agent's own shell tool, not counted as a script turn (ids start with `wait_`).
 */
export const WAIT_ID_PREFIX = "wait_";

/** A wait turn through an advertised shell tool, or null when the agent has none. */
export function waitReply(advertised: string[], n: number): Reply | null {
  const shell = advertised.find((a) => a.toLowerCase() === "bash");
  if (!shell) return null;
  return { text: "", tools: [{ id: `${WAIT_ID_PREFIX}${n}`, name: shell, input: { command: "sleep 1", description: "Wait for the gt tools to connect" } }] };
}

/** True for an assistant message that was a wait turn (Anthropic or OpenAI shape). */
export function isWaitTurn(message: { content?: unknown; tool_calls?: unknown }): boolean {
  const ids: string[] = [];
  if (Array.isArray(message.content)) for (const p of message.content as { type?: string; id?: string }[]) if (p.type === "tool_use" && p.id) ids.push(p.id);
  if (Array.isArray(message.tool_calls)) for (const c of message.tool_calls as { id?: string }[]) if (c.id) ids.push(c.id);
  return ids.length > 0 && ids.every((id) => id.startsWith(WAIT_ID_PREFIX));
}

/** Gives up waiting after this many waits in one conversation (then the problem is reported). */
export const MAX_WAITS = 30;
