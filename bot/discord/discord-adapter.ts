import { once } from "node:events";
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type GuildMember,
  GuildMemberRoleManager,
  type Interaction,
  type Message,
  MessageFlags,
  Partials,
  type REST,
} from "discord.js";
import type { ChatAdapter, ChatMessage, ChatMessageRef, ChatTarget, Inbound, InboundHandler, Responder } from "../../core/chat";
import { errorMessage, GastownError } from "../../core/errors";
import type { Logger } from "../../core/ports";
import { COMMAND_NAME } from "./commands";
import { type InteractionFacts, interactionInbound, messageInbound, targetOf } from "./discord-inbound";
import { DiscordMessages } from "./discord-messages";
import { createInteractionResponder, createMessageResponder, type InteractionResponder } from "./interaction-responder";
import { SeenIds } from "./seen-ids";

/** Settings for the Discord adapter, parsed from the environment at the composition root. */
export interface DiscordAdapterConfig {
  /** Bot token (`DISCORD_TOKEN`). */
  token: string;
  /** Application id (`DISCORD_APPLICATION_ID`). */
  applicationId: string;
  /** REST base (`DISCORD_API_URL`), default `https://discord.com/api`; the Gateway URL comes from its `GET /gateway/bot`. */
  apiUrl?: string;
  logger: Logger;
  /** Connect to the Gateway on start (messages, and interactions when no HTTP endpoint is set). Default true. */
  gateway?: boolean;
  /** How many recent event ids to remember for dropping Gateway replays. */
  dedupeSize?: number;
}

/** What an interaction needs as its immediate HTTP answer, plus the work to run after it. */
export interface AcceptedInteraction {
  /** Interaction response body: deferred reply (type 5, ephemeral) or deferred update (type 6). */
  response: { type: 5; data: { flags: number } } | { type: 6 };
  /** Runs the handler and answers over the webhook; call it after the response is sent. */
  work: () => Promise<void>;
}

const DEFAULT_API = "https://discord.com/api";

/**
 * Discord through discord.js: Gateway for messages, `/gt` commands and buttons (or the HTTP
 * endpoint for interactions, see interactions.ts), REST for everything it posts. Every
 * interaction is acknowledged before any work runs, so the 3-second deadline never depends
 * on the town.
 */
export class DiscordAdapter implements ChatAdapter {
  readonly platform = "discord" as const;
  readonly client: Client;
  readonly rest: REST;
  readonly applicationId: string;
  readonly #config: DiscordAdapterConfig;
  readonly #log: Logger;
  readonly #seen: SeenIds;
  readonly #messages: DiscordMessages;
  #handler: InboundHandler | null = null;

  constructor(config: DiscordAdapterConfig) {
    this.#config = config;
    this.applicationId = config.applicationId;
    this.#log = config.logger.child("discord");
    this.#seen = new SeenIds(config.dedupeSize ?? 5_000);
    // No `rejectOnRateLimit`: the REST client waits out 429s and bucket resets and retries.
    this.client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
      // DM channels are never cached up front; without this discord.js drops DMs.
      partials: [Partials.Channel],
      rest: { api: config.apiUrl ?? DEFAULT_API },
    });
    this.rest = this.client.rest;
    this.rest.setToken(config.token);
    this.#messages = new DiscordMessages(this.rest);
    this.client.on(Events.InteractionCreate, (i) => void this.#onInteraction(i));
    this.client.on(Events.MessageCreate, (m) => void this.#onMessage(m));
    this.client.on(Events.Error, (e) => this.#log.error("client error", { error: errorMessage(e) }));
    this.client.on(Events.ShardError, (e) => this.#log.warn("gateway error", { error: errorMessage(e) }));
    this.client.on(Events.ShardResume, (_id, replayed) => this.#log.info("gateway resumed", { replayed }));
    this.rest.on("rateLimited", (r) => this.#log.info("rate limited", { route: r.route, retryAfterMs: r.retryAfter, global: r.global }));
  }

  async start(handler: InboundHandler): Promise<void> {
    this.#handler = handler;
    if (this.#config.gateway === false) return;
    const ready = once(this.client, Events.ClientReady);
    await this.client.login(this.#config.token);
    await ready;
    this.#log.info("connected", { user: this.client.user?.id });
  }

  async stop(): Promise<void> {
    this.#handler = null;
    await this.client.destroy();
  }

  post(target: ChatTarget, msg: ChatMessage): Promise<ChatMessageRef> {
    return this.#messages.post(target, msg);
  }

  update(ref: ChatMessageRef, msg: ChatMessage): Promise<void> {
    return this.#messages.update(ref, msg);
  }

  uploadImage(target: ChatTarget, png: Uint8Array, filename: string, title: string): Promise<ChatMessageRef> {
    return this.#messages.uploadImage(target, png, filename, title);
  }

  openThread(ref: ChatMessageRef, name: string): Promise<ChatTarget> {
    return this.#messages.openThread(ref, name);
  }

  threadUrl(target: ChatTarget): Promise<string | null> {
    return this.#messages.threadUrl(target);
  }

  /**
   * Takes an interaction that arrived over HTTP: returns the deferred response to send now
   * and the work to run after it (nothing, for a replay already handled).
   */
  acceptInteraction(facts: InteractionFacts): AcceptedInteraction {
    const response = facts.kind === "command" ? ({ type: 5, data: { flags: MessageFlags.Ephemeral } } as const) : ({ type: 6 } as const);
    if (this.#seen.checkAndAdd(facts.id)) {
      this.#log.info("duplicate interaction dropped", { id: facts.id });
      return { response, work: async () => {} };
    }
    return { response, work: () => this.#runInteraction(facts) };
  }

  async #onInteraction(i: Interaction): Promise<void> {
    const facts = factsOf(i);
    if (!facts) return;
    if (this.#seen.checkAndAdd(facts.id)) {
      this.#log.info("duplicate interaction dropped", { id: facts.id });
      return;
    }
    try {
      // Acknowledge first, always: the handler may take longer than Discord's 3 seconds.
      if (facts.kind === "command") await (i as ChatInputCommandInteraction).deferReply({ flags: MessageFlags.Ephemeral });
      else await (i as ButtonInteraction).deferUpdate();
    } catch (e) {
      // Unacknowledged, the person already sees "interaction failed"; acting now would surprise them.
      this.#log.error("interaction ack failed", { id: facts.id, error: errorMessage(e) });
      return;
    }
    await this.#runInteraction(facts);
  }

  async #runInteraction(facts: InteractionFacts): Promise<void> {
    const target = targetOf(facts.channelId, facts.parentId);
    const respond = createInteractionResponder({
      rest: this.rest,
      messages: this.#messages,
      applicationId: facts.applicationId,
      token: facts.token,
      target,
      deferred: facts.kind === "command" ? "reply" : "update",
    });
    await this.#deliver(interactionInbound(facts), respond);
  }

  async #onMessage(m: Message): Promise<void> {
    if (m.author.bot || m.webhookId) return;
    if (this.#seen.checkAndAdd(m.id)) {
      this.#log.info("duplicate message dropped", { id: m.id });
      return;
    }
    try {
      let parentId: string | null = null;
      const channel = m.channel.partial ? await m.channel.fetch() : m.channel;
      if (channel.isThread()) parentId = channel.parentId ?? (await this.client.channels.fetch(channel.id).then((c) => (c?.isThread() ? c.parentId : null)));
      const botId = this.client.user?.id ?? this.applicationId;
      const inbound = messageInbound({
        id: m.id,
        user: { id: m.author.id, name: m.author.globalName ?? m.author.username, ...memberOf(m.member, m.guildId) },
        content: m.content,
        channelId: m.channelId,
        parentId,
        dm: m.guildId === null,
        mentioned: m.mentions.users.has(botId),
        botUserId: botId,
      });
      await this.#deliver(inbound, createMessageResponder({ messages: this.#messages, target: inbound.target, userId: m.author.id, dm: m.guildId === null }));
    } catch (e) {
      this.#log.error("message handling failed", { id: m.id, error: errorMessage(e) });
    }
  }

  /** Runs the handler; a failure is told to the person privately, never swallowed silently. */
  async #deliver(inbound: Inbound, respond: Responder | InteractionResponder): Promise<void> {
    const handler = this.#handler;
    const log = this.#log.child("inbound", { kind: inbound.kind, eventId: inbound.eventId });
    try {
      if (!handler) throw new GastownError("unavailable", "Gastown is starting up; try again in a moment.");
      await handler(inbound, respond);
    } catch (e) {
      log.error("handler failed", { error: errorMessage(e) });
      await respond.private({ text: `Sorry, that did not work: ${e instanceof GastownError ? e.message : "internal error"}` }).catch((e2: unknown) => {
        log.error("could not tell the user", { error: errorMessage(e2) });
      });
    }
    if ("finish" in respond) {
      await respond.finish().catch((e: unknown) => log.warn("could not tidy the interaction reply", { error: errorMessage(e) }));
    }
  }
}

/**
 * The roles a guild member holds, as town targets (`discord:role:<id>`), for merge approvals.
 * A cached member lists roles through the guild's role cache; an uncached one (raw API member)
 * carries the ids. `@everyone` (the guild's own id) is left out: everyone holds it.
 */
export function memberOf(member: GuildMember | { roles: readonly string[] } | null | undefined, guildId: string | null): { memberOf?: string[] } {
  if (!member) return {};
  const ids = member.roles instanceof GuildMemberRoleManager ? [...member.roles.cache.keys()] : [...(member.roles as readonly string[])];
  return { memberOf: ids.filter((id) => id !== guildId).map((id) => `discord:role:${id}`) };
}

/** discord.js interaction -> facts; null for interactions we do not handle. */
function factsOf(i: Interaction): InteractionFacts | null {
  const isCommand = i.isChatInputCommand() && i.commandName === COMMAND_NAME;
  if (!isCommand && !i.isButton()) return null;
  const channel = i.channel;
  const base = {
    id: i.id,
    applicationId: i.applicationId,
    token: i.token,
    user: { id: i.user.id, name: i.user.globalName ?? i.user.username, ...memberOf(i.member, i.guildId) },
    channelId: i.channelId ?? "",
    parentId: channel?.isThread() ? channel.parentId : null,
    dm: !i.inGuild(),
  };
  if (i.isButton()) return { ...base, kind: "button", customId: i.customId, messageId: i.message.id };
  if (i.isChatInputCommand()) return { ...base, kind: "command", commandName: i.commandName, options: i.options.data };
  return null;
}

/** Builds the Discord adapter (start() connects; post/update work as soon as it exists). */
export function createDiscordAdapter(config: DiscordAdapterConfig): DiscordAdapter {
  return new DiscordAdapter(config);
}
