import { DiscordAPIError, HTTPError, type REST, type RawFile, Routes } from "discord.js";
import { z } from "zod";
import type { ChatMessage, ChatMessageRef, ChatTarget } from "../../core/chat";
import { type ErrorCode, GastownError } from "../../core/errors";
import { type DiscordPayload, renderDiscordMessage, renderDiscordMessages } from "../../renderers/discord-message";
import { LIMITS, truncate } from "../../renderers/limits";
import { EditCoalescer } from "./edit-coalescer";

const Created = z.object({ id: z.string() });
const ChannelGuild = z.looseObject({ guild_id: z.string().nullish() });
const L = LIMITS.discord;

/** A rendered payload as the REST body (the API spells it `allowed_mentions`). */
export function restBody(p: DiscordPayload): Record<string, unknown> {
  return { content: p.content, embeds: p.embeds, components: p.components, allowed_mentions: p.allowedMentions };
}

/** Discord's JSON error codes for a thing that is gone: Unknown Channel, Unknown Message. */
const GONE = new Set([10003, 10008]);

/**
 * A REST call failed: Discord's status (and, for a deleted channel or message, its JSON error
 * code) decides the code people and the router see. `not_found` tells the projector to post
 * the message again instead of retrying an edit that can never land.
 */
export function restError(what: string, e: unknown): GastownError {
  const status = e instanceof DiscordAPIError || e instanceof HTTPError ? e.status : 0;
  const gone = e instanceof DiscordAPIError && typeof e.code === "number" && GONE.has(e.code);
  const code: ErrorCode =
    gone || status === 404 ? "not_found" : status === 403 ? "forbidden" : status === 429 ? "limit" : status >= 400 && status < 500 ? "bad_request" : "unavailable";
  return new GastownError(code, `Discord ${what} failed`, { cause: e });
}

/**
 * Outbound messages over Discord REST (discord.js's REST client, which keeps per-route
 * buckets from the X-RateLimit headers, waits out 429 `retry_after` and retries). Long
 * content is split across messages on post and truncated on edit; edits of one message
 * are coalesced.
 */
export class DiscordMessages {
  readonly #edits = new EditCoalescer();
  /** Channel id -> guild id (null: a DM channel). */
  readonly #guilds = new Map<string, string | null>();

  constructor(private readonly rest: REST) {}

  /** Posts a message; content past 2,000 characters continues in follow-on messages. */
  async post(target: ChatTarget, msg: ChatMessage): Promise<ChatMessageRef> {
    const where = target.threadId ?? target.channelId;
    // The first payload carries the card and buttons: it is the one edited later and the one
    // a thread is opened under. Further payloads hold text that did not fit in 2,000 characters.
    const [first, ...more] = renderDiscordMessages(msg);
    if (!first) throw new GastownError("internal", "renderer produced no Discord payload");
    const head = await this.#create(where, restBody(first));
    for (const p of more) await this.#create(where, { content: p.content, allowed_mentions: p.allowedMentions });
    return { channelId: target.channelId, messageId: head, ...(target.threadId ? { threadId: target.threadId } : {}) };
  }

  /** Edits a posted message in place (coalesced: only the newest pending content is sent). */
  update(ref: ChatMessageRef, msg: ChatMessage): Promise<void> {
    const where = ref.threadId ?? ref.channelId;
    return this.#edits.submit(`${where}/${ref.messageId}`, async () => {
      // One payload, cut to fit: an edit cannot add messages.
      const body = restBody(renderDiscordMessage(msg));
      try {
        await this.rest.patch(Routes.channelMessage(where, ref.messageId), { body });
      } catch (e) {
        throw restError("message edit", e);
      }
    });
  }

  /** Posts a PNG as an attachment, titled. */
  async uploadImage(target: ChatTarget, png: Uint8Array, filename: string, title: string): Promise<ChatMessageRef> {
    const where = target.threadId ?? target.channelId;
    const file: RawFile = { name: filename, data: png, contentType: "image/png" };
    let res: unknown;
    try {
      res = await this.rest.post(Routes.channelMessages(where), {
        files: [file],
        body: { content: truncate(title, L.content), attachments: [{ id: 0, filename, description: truncate(title, 1024) }], allowed_mentions: { parse: [] } },
      });
    } catch (e) {
      throw restError("image upload", e);
    }
    return { channelId: target.channelId, messageId: Created.parse(res).id, ...(target.threadId ? { threadId: target.threadId } : {}) };
  }

  /** Starts a public thread under a posted message; Discord gives it the message's id. */
  async openThread(ref: ChatMessageRef, name: string): Promise<ChatTarget> {
    let res: unknown;
    try {
      res = await this.rest.post(Routes.threads(ref.channelId, ref.messageId), {
        body: { name: truncate(name.replace(/\s+/g, " ").trim() || "bead", L.threadName), auto_archive_duration: 10080 },
      });
    } catch (e) {
      throw restError("thread start", e);
    }
    return { channelId: ref.channelId, threadId: Created.parse(res).id };
  }

  /**
   * A thread's link: `https://discord.com/channels/<guild>/<thread>` (`@me` for a DM). The
   * guild of a channel is looked up once over REST and kept (channels never change guild).
   */
  async threadUrl(target: ChatTarget): Promise<string | null> {
    let guild = this.#guilds.get(target.channelId);
    if (guild === undefined) {
      let res: unknown;
      try {
        res = await this.rest.get(Routes.channel(target.channelId));
      } catch (e) {
        throw restError("channel lookup", e);
      }
      guild = ChannelGuild.parse(res).guild_id ?? null;
      // Bounded: drop the oldest entry (a Map iterates in insertion order).
      const oldest = this.#guilds.size >= 1_000 ? this.#guilds.keys().next() : null;
      if (oldest && !oldest.done) this.#guilds.delete(oldest.value);
      this.#guilds.set(target.channelId, guild);
    }
    return `https://discord.com/channels/${guild ?? "@me"}/${target.threadId ?? target.channelId}`;
  }

  /** Sends a direct message to a user (the closest Discord has to "only you can see this" outside interactions). */
  async dm(userId: string, msg: ChatMessage): Promise<ChatMessageRef> {
    let res: unknown;
    try {
      res = await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } });
    } catch (e) {
      throw restError("DM channel", e);
    }
    return this.post({ channelId: Created.parse(res).id }, msg);
  }

  async #create(channelId: string, body: Record<string, unknown>): Promise<string> {
    try {
      return Created.parse(await this.rest.post(Routes.channelMessages(channelId), { body })).id;
    } catch (e) {
      throw restError("message post", e);
    }
  }
}
