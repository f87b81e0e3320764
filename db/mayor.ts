import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import { notFound } from "../core/errors";
import { randomBase36 } from "../core/ids";
import type { ChatPlatform } from "./chat";
import type { TownDb } from "./client";
import { parseInput } from "./input";
import { mayorConversations, mayorMessages } from "./schema";
import { inTransaction } from "./tx";

/**
 * Mayor conversation history, one conversation per chat thread. History is bounded: only
 * the newest MAX_MAYOR_MESSAGES messages are kept; the mayor folds older context into the
 * conversation's summary (setConversationSummary) before it falls off.
 */

export const MAX_MAYOR_MESSAGES = 200;

export const MayorRole = z.enum(["user", "assistant", "tool", "system"]);
export type MayorRole = z.infer<typeof MayorRole>;

export const MayorConversation = z.object({
  id: z.string(),
  platform: z.string(),
  channelId: z.string(),
  threadId: z.string(),
  userId: z.string(),
  summary: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type MayorConversation = z.infer<typeof MayorConversation>;

export const MayorMessage = z.object({ id: z.number().int(), conversationId: z.string(), role: MayorRole, content: z.unknown(), at: z.number() });
export type MayorMessage = z.infer<typeof MayorMessage>;

const ConversationKey = z.object({
  platform: z.enum(["slack", "discord", "console"]),
  channelId: z.string().min(1).max(100),
  threadId: z.string().min(1).max(100),
  userId: z.string().min(1).max(200),
});

/** Where a conversation lives: one chat thread. */
export const ConversationThread = ConversationKey.omit({ userId: true });

/** The conversation bound to this chat thread, if there is one. */
export function findConversation(db: TownDb, thread: { platform: ChatPlatform; channelId: string; threadId: string }): MayorConversation | null {
  const k = parseInput(ConversationThread, thread, "conversation thread");
  const row = db
    .select()
    .from(mayorConversations)
    .where(and(eq(mayorConversations.platform, k.platform), eq(mayorConversations.channelId, k.channelId), eq(mayorConversations.threadId, k.threadId)))
    .get();
  return row ? MayorConversation.parse(row) : null;
}

/** The conversation bound to this chat thread, created on first use. */
export function getOrCreateConversation(
  db: TownDb,
  key: { platform: ChatPlatform; channelId: string; threadId: string; userId: string },
  now: number,
): MayorConversation {
  const k = parseInput(ConversationKey, key, "conversation");
  return inTransaction(db, () => {
    const existing = findConversation(db, k);
    if (existing) return existing;
    const row = db
      .insert(mayorConversations)
      .values({ id: `mc-${randomBase36(10)}`, ...k, summary: "", createdAt: now, updatedAt: now })
      .returning()
      .get();
    return MayorConversation.parse(row);
  });
}

/** The conversation with this id; `not_found` otherwise. */
export function getConversation(db: TownDb, id: string): MayorConversation {
  const row = db.select().from(mayorConversations).where(eq(mayorConversations.id, id)).get();
  if (!row) throw notFound(`conversation ${id}`);
  return MayorConversation.parse(row);
}

/** Appends a message and drops the oldest beyond MAX_MAYOR_MESSAGES. */
export function appendMayorMessage(db: TownDb, conversationId: string, role: MayorRole, content: unknown, now: number): MayorMessage {
  const r = parseInput(MayorRole, role, "mayor message role");
  return inTransaction(db, () => {
    getConversation(db, conversationId);
    const row = db.insert(mayorMessages).values({ conversationId, role: r, content, at: now }).returning().get();
    db.update(mayorConversations).set({ updatedAt: now }).where(eq(mayorConversations.id, conversationId)).run();
    const cutoff = db
      .select({ id: mayorMessages.id })
      .from(mayorMessages)
      .where(eq(mayorMessages.conversationId, conversationId))
      .orderBy(desc(mayorMessages.id))
      .limit(1)
      .offset(MAX_MAYOR_MESSAGES - 1)
      .get();
    if (cutoff) {
      db.delete(mayorMessages)
        .where(and(eq(mayorMessages.conversationId, conversationId), lt(mayorMessages.id, cutoff.id)))
        .run();
    }
    return MayorMessage.parse(row);
  });
}

/** The newest `limit` messages of a conversation, oldest first. */
export function listMayorMessages(db: TownDb, conversationId: string, limit = MAX_MAYOR_MESSAGES): MayorMessage[] {
  const rows = db
    .select()
    .from(mayorMessages)
    .where(eq(mayorMessages.conversationId, conversationId))
    .orderBy(desc(mayorMessages.id))
    .limit(limit)
    .all();
  return rows.reverse().map((r) => MayorMessage.parse(r));
}

/** Replaces the conversation's running summary (what older, dropped messages said). */
export function setConversationSummary(db: TownDb, conversationId: string, summary: string, now: number): MayorConversation {
  return inTransaction(db, () => {
    getConversation(db, conversationId);
    db.update(mayorConversations).set({ summary, updatedAt: now }).where(eq(mayorConversations.id, conversationId)).run();
    return getConversation(db, conversationId);
  });
}

