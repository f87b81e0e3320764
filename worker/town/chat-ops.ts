import { and, like, sql } from "drizzle-orm";
import { z } from "zod";
import type { BindChannelRequest, BindThreadRequest } from "../../core/town-api";
import { beadForThread, bindChannel, bindThread, type ChatPlatform, channelsForRig, rigForChannel, threadForBead } from "../../db/chat";
import { seenInbound } from "../../db/inbound";
import { getRig } from "../../db/rigs";
import { townMeta } from "../../db/schema";
import { getMeta, setMeta } from "../../db/town-meta";
import { type NotificationFailure, recordNotificationFailure } from "../escalation/ping-retry";
import type { TownContext } from "./context";

/** A posted chat message the bot must find again (a mayor turn's reply, a one-off ping). */
export const ChatRef = z.object({ channelId: z.string().min(1), threadId: z.string().min(1).nullable(), messageId: z.string().min(1) });
export type ChatRef = z.infer<typeof ChatRef>;

/** Chat refs live in town_meta, one row per platform and key, stamped with when they were stored. */
const refKey = (platform: ChatPlatform, key: string) => `chat_ref:${platform}:${key}`;

/** Refs older than this are forgotten: nothing edits or re-posts a month-old message. */
export const CHAT_REF_TTL_MS = 30 * 24 * 3_600_000;
/** The forgetting runs at most this often (it scans every ref). */
const PRUNE_EVERY_MS = 3_600_000;
const PRUNED_AT = "chat_ref_pruned_at";

/** Forgets refs stored more than CHAT_REF_TTL_MS ago (refs without a stamp, from before stamps, stay). */
function pruneChatRefs(t: TownContext): void {
  const now = t.now();
  if (now - Number(getMeta(t.db, PRUNED_AT) ?? 0) < PRUNE_EVERY_MS) return;
  t.db
    .delete(townMeta)
    .where(and(like(townMeta.key, "chat_ref:%"), sql`json_extract(${townMeta.value}, '$.at') < ${now - CHAT_REF_TTL_MS}`))
    .run();
  setMeta(t.db, PRUNED_AT, String(now));
}

/** Chat bindings, inbound dedupe and failed notifications (`/towns/:town/chat`, `/inbound`). */
export const chatOps = {
  bindChannel: (t: TownContext, input: z.input<typeof BindChannelRequest>) => bindChannel(t.db, input, t.now()),
  /** Bindings of one channel (0 or 1), or of every channel bound to a rig. */
  channels: (t: TownContext, platform: ChatPlatform, by: { channelId: string } | { rig: string }) => {
    if ("channelId" in by) {
      const rig = rigForChannel(t.db, platform, by.channelId);
      return rig ? [{ platform, channelId: by.channelId, rigId: rig.id }] : [];
    }
    const rigId = getRig(t.db, by.rig).id;
    return channelsForRig(t.db, rigId)
      .filter((c) => c.platform === platform)
      .map((c) => ({ ...c, rigId }));
  },
  bindThread: (t: TownContext, beadId: string, input: z.input<typeof BindThreadRequest>) => bindThread(t.db, beadId, input, t.now()),
  threadForBead: (t: TownContext, platform: ChatPlatform, beadId: string) => threadForBead(t.db, platform, beadId) ?? null,
  /** The binding of a chat thread (0 or 1). */
  threadsAt: (t: TownContext, platform: ChatPlatform, channelId: string, threadId: string) => {
    const beadId = beadForThread(t.db, platform, channelId, threadId);
    const binding = beadId === undefined ? undefined : threadForBead(t.db, platform, beadId);
    return binding ? [binding] : [];
  },
  /** Remember the message posted for `key` (`mayor:<turnId>`, `out:<seq>`), replacing any earlier one. */
  setChatRef: (t: TownContext, platform: ChatPlatform, key: string, ref: ChatRef) => {
    const value = ChatRef.parse(ref);
    pruneChatRefs(t);
    setMeta(t.db, refKey(platform, key), JSON.stringify({ ...value, at: t.now() }));
    return { platform, key, ...value };
  },
  /** The message posted for `key`, or null. */
  chatRef: (t: TownContext, platform: ChatPlatform, key: string) => {
    const raw = getMeta(t.db, refKey(platform, key));
    if (raw === undefined) return null;
    return { platform, key, ...ChatRef.parse(JSON.parse(raw)) };
  },
  /** True the first time a platform event id is seen (then it is recorded). */
  inbound: (t: TownContext, platform: ChatPlatform, eventId: string) => !seenInbound(t.db, platform, eventId, t.now()),
  /** A failed chat side effect the bot reports (`notification_failed`); a failed escalation ping is also sent again later. */
  notificationFailed: (t: TownContext, f: NotificationFailure) => {
    recordNotificationFailure(t.db, f, t.now());
  },
};
