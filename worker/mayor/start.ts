import { badRequest, errorMessage } from "../../core/errors";
import { getOrCreateConversation } from "../../db/mayor";
import type { TownContext } from "../town/context";
import { mayorModelFromEnv } from "./config";
import type { TurnBudget } from "./loop";
import { MayorRequest, mayorTurn } from "./turn";

/** What the TownDO lends a mayor turn that outlives the request that started it. */
export interface MayorHost {
  t: TownContext;
  town: string;
  /** Push new events to the stream and ask for a reconciler pass. */
  publish(): void;
  /** Keep the object alive until the turn ends. */
  waitUntil(p: Promise<unknown>): void;
  fetch?: typeof fetch;
  budget?: TurnBudget;
}

/**
 * Hands a chat message to the mayor: binds (or finds) the thread's conversation at once and
 * answers in the background; the reply streams as `mayor_reply` events.
 */
export function startMayor(host: MayorHost, input: unknown): { conversationId: string } {
  const parsed = MayorRequest.safeParse(input);
  if (!parsed.success) throw badRequest(`invalid mayor message: ${parsed.error.issues[0]?.message ?? "bad input"}`, parsed.error.issues);
  const req = parsed.data;
  const { t } = host;
  const conv = getOrCreateConversation(t.db, { platform: req.platform, channelId: req.channelId, threadId: req.threadId, userId: req.actor.id }, t.now());
  const model = mayorModelFromEnv(t.env, host.fetch);
  const turn = mayorTurn(t, { model, publish: host.publish, budget: host.budget, townName: host.town }, req).catch((e: unknown) => {
    t.log.error("mayor turn crashed", { conversation: conv.id, error: errorMessage(e) });
  });
  host.waitUntil(turn);
  return { conversationId: conv.id };
}
