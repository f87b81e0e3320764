import { z } from "zod";
import { Actor } from "../../core/domain";
import { errorMessage } from "../../core/errors";
import { randomBase36 } from "../../core/ids";
import { appendMayorMessage, getOrCreateConversation, listMayorMessages, type MayorConversation, setConversationSummary } from "../../db/mayor";
import { appendTownEvent } from "../../db/outbox";
import { listRigs } from "../../db/rigs";
import { buildMayorPrompt } from "../../prompts/build";
import type { TownContext } from "../town/context";
import { NO_MODEL_REPLY } from "./config";
import { DEFAULT_BUDGET, runMayorTurn, type TurnBudget, type TurnResult } from "./loop";
import { ConversationItem, type ModelClient } from "./model";
import { createMayorTools } from "./tools";

/** A message for the mayor from a chat thread (Town API `POST /towns/:town/mayor`). */
export const MayorRequest = z.object({
  text: z.string().trim().min(1, "say something to the mayor").max(20_000),
  platform: z.enum(["slack", "discord", "console"]),
  channelId: z.string().min(1).max(100),
  /** The thread the conversation lives in (for a top-level mention: that message's own id). */
  threadId: z.string().min(1).max(100),
  actor: Actor,
});
export type MayorRequest = z.input<typeof MayorRequest>;

/** History items kept verbatim; older ones are folded into the conversation summary. */
const KEEP_ITEMS = 60;
/** At most one streamed edit per this many ms (the first text goes out at once). */
const EDIT_EVERY_MS = 250;

export interface MayorTurnDeps {
  model: ModelClient | null;
  /** Push appended events to the stream (and ask for a reconciler pass). */
  publish(): void;
  budget?: TurnBudget;
  townName: string;
}

/**
 * One mayor turn in a thread: reply (streamed as `mayor_reply` events the bot turns into one
 * edited message), tools acting as "mayor on behalf of <user>", history kept per thread.
 */
export async function mayorTurn(t: TownContext, deps: MayorTurnDeps, input: MayorRequest): Promise<TurnResult & { conversationId: string; turnId: string }> {
  const req = MayorRequest.parse(input);
  const conv = getOrCreateConversation(t.db, { platform: req.platform, channelId: req.channelId, threadId: req.threadId, userId: req.actor.id }, t.now());
  const turnId = `mt-${randomBase36(8)}`;
  const reply = (text: string, working: string | null, done: boolean) => {
    appendTownEvent(
      t.db,
      {
        type: "mayor_reply",
        actor: { kind: "mayor", id: "mayor", name: "mayor", onBehalfOf: req.actor.id },
        data: { conversationId: conv.id, turnId, platform: req.platform, channelId: req.channelId, threadId: req.threadId, text, working, done },
      },
      t.now(),
    );
    deps.publish();
  };

  if (!deps.model) {
    appendMayorMessage(t.db, conv.id, "user", { role: "user", text: req.text }, t.now());
    reply(NO_MODEL_REPLY, null, true);
    return { items: [], text: NO_MODEL_REPLY, outcome: "done", steps: 0, tokens: 0, toolCalls: 0, conversationId: conv.id, turnId };
  }

  reply("", "thinking…", false);
  let lastEdit = 0;
  let pending: string | null = null;
  let working: string | null = null;
  const flushText = (text: string, force: boolean) => {
    const now = t.now();
    if (!force && now - lastEdit < EDIT_EVERY_MS && lastEdit !== 0) {
      pending = text;
      return;
    }
    lastEdit = now;
    pending = null;
    reply(text, working, false);
  };

  const actor: Actor = { kind: "mayor", id: "mayor", name: "mayor", onBehalfOf: req.actor.name ? `${req.actor.name} (${req.actor.id})` : req.actor.id };
  const tools = createMayorTools({ db: t.db, now: t.now, actor, runtime: t.runtime });
  let shown = "";
  const result = await runMayorTurn({
    client: deps.model,
    system: buildMayorPrompt({ townName: deps.townName, rigs: listRigs(t.db).map((r) => r.name) }),
    history: historyOf(t, conv),
    userText: req.text,
    tools,
    budget: deps.budget ?? DEFAULT_BUDGET,
    hooks: {
      onText: (text) => {
        shown = text;
        working = null;
        flushText(text, false);
      },
      onTool: (name) => {
        working = `running ${name}…`;
        flushText(pending ?? shown, true);
        // Tools may have changed the town: let people see those events as they happen.
        deps.publish();
      },
    },
  }).catch((e: unknown): TurnResult => {
    const text = `⚠️ The mayor hit an internal error: ${errorMessage(e)}`;
    return { items: [], text, outcome: "model_error", steps: 0, tokens: 0, toolCalls: 0 };
  });

  const now = t.now();
  for (const item of result.items) appendMayorMessage(t.db, conv.id, item.role, item, now);
  reply(result.text, null, true);
  t.log.info("mayor turn", { conversation: conv.id, turn: turnId, outcome: result.outcome, steps: result.steps, tools: result.toolCalls, tokens: result.tokens });
  return { ...result, conversationId: conv.id, turnId };
}

/** The conversation so far as model items; older items folded into a summary first. */
function historyOf(t: TownContext, conv: MayorConversation): ConversationItem[] {
  const rows = listMayorMessages(t.db, conv.id);
  const items = rows.flatMap((r) => {
    const p = ConversationItem.safeParse(r.content);
    return p.success ? [p.data] : [];
  });
  let summary = conv.summary;
  let kept = items;
  if (items.length > KEEP_ITEMS) {
    // Cut at a user item so tool calls and their results stay paired.
    let cut = items.length - KEEP_ITEMS;
    while (cut < items.length && items[cut]?.role !== "user") cut++;
    const folded = items.slice(0, cut);
    kept = items.slice(cut);
    summary = [summary, ...folded.flatMap(summaryLine)].filter(Boolean).join("\n").slice(-4000);
    setConversationSummary(t.db, conv.id, summary, t.now());
  }
  return summary ? [{ role: "user", text: `(Summary of earlier conversation in this thread)\n${summary}` }, { role: "assistant", text: "Noted.", toolCalls: [] }, ...kept] : kept;
}

function summaryLine(item: ConversationItem): string[] {
  if (item.role === "user") return [`- asked: ${item.text.slice(0, 200)}`];
  if (item.role === "assistant") {
    const tools = item.toolCalls.map((c) => c.name).join(", ");
    return [`- mayor: ${item.text.slice(0, 200)}${tools ? ` [tools: ${tools}]` : ""}`];
  }
  return [];
}
