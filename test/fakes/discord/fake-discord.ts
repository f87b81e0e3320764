import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeGateway } from "./fake-gateway";
import { FakeRest, type RateLimitRule } from "./fake-rest";
import { type FakeChannel, FakeStore } from "./fake-store";
import { buttonInteraction, type CommandOption, type FakeUser, rolePayload, slashCommandInteraction, userMessage } from "./payloads";

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  heartbeatInterval?: number;
}

/**
 * A fake Discord for tests: REST (`/api/v10/...`) and the Gateway (`/gateway`) on one local
 * port, driven by the real discord.js client. Point the client's `rest.api` at `apiUrl`;
 * it finds the Gateway through `GET /gateway/bot`, as it does against Discord.
 */
export class FakeDiscord {
  readonly store: FakeStore;
  readonly gateway: FakeGateway;
  readonly rest: FakeRest;
  readonly guildId: string;
  readonly channelId: string;
  #server: Server;
  #base = "";

  private constructor(opts: FakeDiscordOptions) {
    const token = opts.token ?? "fake-bot-token";
    const applicationId = opts.applicationId ?? "100000000000000001";
    this.guildId = "200000000000000001";
    this.store = new FakeStore(token, applicationId, this.guildId, { id: applicationId, username: "gastown" });
    this.gateway = new FakeGateway(this.store, { heartbeatInterval: opts.heartbeatInterval });
    this.rest = new FakeRest(this.store, this.gateway);
    this.channelId = this.addChannel({ type: 0, name: "general" });
    this.#server = createServer((req, res) => {
      void this.rest.handle(req, res);
    });
    this.#server.on("upgrade", (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
  }

  /** Starts the fake on a free loopback port. */
  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    await new Promise<void>((r) => fake.#server.listen(0, "127.0.0.1", () => r()));
    const { port } = fake.#server.address() as AddressInfo;
    fake.#base = `127.0.0.1:${port}`;
    fake.gateway.setBaseUrl(`ws://${fake.#base}`);
    return fake;
  }

  /** The REST base for `DISCORD_API_URL` / discord.js `rest.api` (the client appends `/v10`). */
  get apiUrl(): string {
    return `http://${this.#base}/api`;
  }
  get token(): string {
    return this.store.token;
  }
  get applicationId(): string {
    return this.store.applicationId;
  }

  addChannel(c: Omit<FakeChannel, "id" | "guild_id">): string {
    const id = this.store.ids.next();
    this.store.channels.set(id, { ...c, id, guild_id: this.guildId });
    return id;
  }

  /** Adds a guild role (announced with GUILD_ROLE_CREATE when a bot is connected); returns its id. */
  addRole(name: string): string {
    const id = this.store.ids.next();
    this.store.roles.set(id, name);
    this.gateway.notify("GUILD_ROLE_CREATE", { guild_id: this.guildId, role: rolePayload(id, name, this.store.roles.size) });
    return id;
  }

  /** Deletes a message, as a person with Manage Messages would. */
  deleteMessage(messageId: string): void {
    const m = this.store.messages.get(messageId);
    if (!m) throw new Error(`fake discord: no message ${messageId}`);
    this.store.messages.delete(messageId);
    this.gateway.notify("MESSAGE_DELETE", { id: messageId, channel_id: m.channel_id, guild_id: this.guildId });
  }

  /** Answers the next `times` matching requests with 429 and `retry_after` seconds. */
  rateLimit(rule: RateLimitRule): void {
    this.rest.rateLimits.push(rule);
  }

  /** Registers an interaction's token (so callbacks and webhooks accept it) without sending it. */
  registerInteraction<T extends { id: string; token: string; channel_id: string }>(i: T): T {
    this.rest.interactions.set(i.token, { id: i.id, channelId: i.channel_id });
    return i;
  }

  /** Discord got our HTTP endpoint's answer to an interaction (the callback, sent as the HTTP response). */
  answeredOverHttp(interactionId: string, response: { type: number; data?: unknown }): void {
    this.store.callbacks.set(interactionId, [response]);
  }

  /** A `/gt ...` interaction as Discord would POST it to an HTTP endpoint (not dispatched). */
  slashCommandPayload(o: { user: FakeUser; channelId?: string; options: CommandOption[] }) {
    return this.registerInteraction(slashCommandInteraction(this.store, { ...o, channelId: o.channelId ?? this.channelId }));
  }

  /** A button press as Discord would POST it to an HTTP endpoint (not dispatched). */
  buttonPayload(o: { user: FakeUser; messageId: string; customId: string }) {
    const message = this.store.messages.get(o.messageId);
    if (!message) throw new Error(`fake discord: no message ${o.messageId}`);
    return this.registerInteraction(buttonInteraction(this.store, { ...o, channelId: message.channel_id, message }));
  }

  /** A person runs `/gt ...`: dispatched over the Gateway as INTERACTION_CREATE. */
  slashCommand(o: { user: FakeUser; channelId?: string; options: CommandOption[] }) {
    const i = this.registerInteraction(slashCommandInteraction(this.store, { ...o, channelId: o.channelId ?? this.channelId }));
    this.gateway.dispatch("INTERACTION_CREATE", i);
    return i;
  }

  /** A person presses a button on one of the bot's messages. */
  pressButton(o: { user: FakeUser; messageId: string; customId: string }) {
    const message = this.store.messages.get(o.messageId);
    if (!message) throw new Error(`fake discord: no message ${o.messageId}`);
    const i = this.registerInteraction(buttonInteraction(this.store, { ...o, channelId: message.channel_id, message }));
    this.gateway.dispatch("INTERACTION_CREATE", i);
    return i;
  }

  /** A person writes a message (in a channel, a thread or a DM). */
  say(o: { user: FakeUser; channelId: string; content: string; mentions?: FakeUser[] }) {
    const m = userMessage(this.store, o);
    this.store.peopleMessages.set(m.id, o.channelId);
    this.gateway.dispatch("MESSAGE_CREATE", m);
    return m;
  }

  /** A DM channel between the bot and `user` (created on first use, as Discord does). */
  dmChannel(user: FakeUser): string {
    const existing = [...this.store.channels.values()].find((c) => c.type === 1 && c.recipients?.[0]?.id === user.id);
    if (existing) return existing.id;
    const id = this.store.ids.next();
    this.store.channels.set(id, { id, type: 1, recipients: [{ id: user.id, username: user.username }] });
    return id;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
