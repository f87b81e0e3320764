import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Rig } from "../core/domain";
import { conflict, notFound } from "../core/errors";
import { BeadId } from "../core/ids";
import { BindChannelRequest, BindThreadRequest } from "../core/town-api";
import type { TownDb } from "./client";
import { requireBeadRow } from "./bead-rows";
import { parseInput } from "./input";
import { findRig } from "./rigs";
import { chatChannels, chatThreads } from "./schema";
import { inTransaction } from "./tx";

/**
 * Chat bindings: channel <-> rig and thread <-> bead, with the message ids of the bead card
 * and the live snapshot, so the bot keeps no state and a replayed event edits instead of
 * posting again. Bindings are the bot's bookkeeping, not changes people watch: they write
 * no town events (an event per binding would echo back to the bot that wrote it).
 */

export const ChatPlatform = BindChannelRequest.shape.platform;
export type ChatPlatform = z.infer<typeof ChatPlatform>;

export const ThreadBinding = z.object({
  platform: ChatPlatform,
  beadId: z.string(),
  channelId: z.string(),
  threadId: z.string(),
  cardMessageId: z.string().nullable(),
  snapshotMessageId: z.string().nullable(),
  updatedAt: z.number(),
});
export type ThreadBinding = z.infer<typeof ThreadBinding>;

/** Binds a channel to a rig; binding it again moves it to the given rig. */
export function bindChannel(db: TownDb, input: z.input<typeof BindChannelRequest>, now: number): { platform: ChatPlatform; channelId: string; rigId: string } {
  const req = parseInput(BindChannelRequest, input, "channel binding");
  return inTransaction(db, () => {
    const rig = findRig(db, req.rig);
    if (!rig) throw notFound(`rig ${req.rig}`);
    db.insert(chatChannels)
      .values({ platform: req.platform, channelId: req.channelId, rigId: rig.id, createdAt: now })
      .onConflictDoUpdate({ target: [chatChannels.platform, chatChannels.channelId], set: { rigId: rig.id } })
      .run();
    return { platform: req.platform, channelId: req.channelId, rigId: rig.id };
  });
}

/** The rig bound to a channel, or undefined. */
export function rigForChannel(db: TownDb, platform: ChatPlatform, channelId: string): Rig | undefined {
  const row = db
    .select({ rigId: chatChannels.rigId })
    .from(chatChannels)
    .where(and(eq(chatChannels.platform, platform), eq(chatChannels.channelId, channelId)))
    .get();
  return row ? findRig(db, row.rigId) : undefined;
}

/** Channels bound to a rig on every platform. */
export function channelsForRig(db: TownDb, rigId: string): Array<{ platform: ChatPlatform; channelId: string }> {
  return db
    .select({ platform: chatChannels.platform, channelId: chatChannels.channelId })
    .from(chatChannels)
    .where(eq(chatChannels.rigId, rigId))
    .all()
    .map((r) => ({ platform: ChatPlatform.parse(r.platform), channelId: r.channelId }));
}

/**
 * Binds a bead to its chat thread. Rebinding updates the one row per (platform, bead); a
 * message id left out keeps its stored value. A thread already bound to another bead is a
 * `conflict`.
 */
export function bindThread(db: TownDb, beadId: string, input: z.input<typeof BindThreadRequest>, now: number): ThreadBinding {
  const id = parseInput(BeadId, beadId, "bead id");
  const req = parseInput(BindThreadRequest, input, "thread binding");
  return inTransaction(db, () => {
    requireBeadRow(db, id);
    const other = beadForThread(db, req.platform, req.channelId, req.threadId);
    if (other !== undefined && other !== id) throw conflict(`thread ${req.threadId} is already bound to ${other}`);
    const before = threadForBead(db, req.platform, id);
    const values = {
      platform: req.platform,
      beadId: id,
      channelId: req.channelId,
      threadId: req.threadId,
      cardMessageId: req.cardMessageId ?? before?.cardMessageId ?? null,
      snapshotMessageId: req.snapshotMessageId ?? before?.snapshotMessageId ?? null,
      updatedAt: now,
    };
    db.insert(chatThreads)
      .values(values)
      .onConflictDoUpdate({ target: [chatThreads.platform, chatThreads.beadId], set: values })
      .run();
    return ThreadBinding.parse(values);
  });
}

/** The thread of a bead on a platform, or undefined. */
export function threadForBead(db: TownDb, platform: ChatPlatform, beadId: string): ThreadBinding | undefined {
  const row = db
    .select()
    .from(chatThreads)
    .where(and(eq(chatThreads.platform, platform), eq(chatThreads.beadId, beadId)))
    .get();
  return row ? ThreadBinding.parse(row) : undefined;
}

/** The bead a chat thread belongs to, or undefined. */
export function beadForThread(db: TownDb, platform: ChatPlatform, channelId: string, threadId: string): string | undefined {
  return db
    .select({ beadId: chatThreads.beadId })
    .from(chatThreads)
    .where(and(eq(chatThreads.platform, platform), eq(chatThreads.channelId, channelId), eq(chatThreads.threadId, threadId)))
    .get()?.beadId;
}
