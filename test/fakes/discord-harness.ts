import { type RunningBot, startBot } from "../../bot/bot";
import { parseBotConfig } from "../../bot/config";
import { silentLogger } from "../../core/logger";
import type { Logger } from "../../core/ports";
import { FakeDiscord } from "./discord/fake-discord";
import { FakeTownApi } from "./town-api";

const hex = (b: ArrayBuffer) => Buffer.from(b).toString("hex");

/** An Ed25519 key pair like a Discord application's, made with WebCrypto. */
export async function discordKeyPair(): Promise<{ publicKey: string; sign(timestamp: string, body: string): Promise<string> }> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const publicKey = hex(await crypto.subtle.exportKey("raw", pair.publicKey));
  return {
    publicKey,
    sign: async (timestamp, body) => hex(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, new TextEncoder().encode(timestamp + body))),
  };
}

/**
 * The whole bot process as `npm start` composes it (bot/bot.ts startBot: discord.js adapter,
 * router, projector, event stream, HTTP receiver) between the fake Discord (REST + Gateway)
 * and the fake Town API.
 */
export interface DiscordHarness {
  discord: FakeDiscord;
  town: FakeTownApi;
  bot: RunningBot;
  keys: Awaited<ReturnType<typeof discordKeyPair>>;
  /** POST a body to the bot's /discord/interactions, signed with the application's key unless overridden. */
  sendInteraction(body: string, o?: { signature?: string; timestamp?: string }): Promise<Response>;
  /** Stop the bot process part and start a fresh one against the same fakes (a restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDiscordHarness(opts: { logger?: Logger } = {}): Promise<DiscordHarness> {
  const discord = await FakeDiscord.start();
  const town = await new FakeTownApi().start();
  const keys = await discordKeyPair();
  const config = parseBotConfig({
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_PUBLIC_KEY: keys.publicKey,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: discord.guildId,
    GASTOWN_WORKER_URL: town.url,
    GASTOWN_API_TOKEN: town.token,
    BOT_PORT: "0",
    LOG_LEVEL: "warn",
  });
  const io = { logger: opts.logger ?? silentLogger };
  let bot = await startBot(config, io);
  return {
    discord,
    town,
    get bot() {
      return bot;
    },
    keys,
    async sendInteraction(body, o = {}) {
      const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000));
      const signature = o.signature ?? (await keys.sign(timestamp, body));
      return fetch(`${bot.url}/discord/interactions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-signature-ed25519": signature, "x-signature-timestamp": timestamp },
        body,
      });
    },
    async restart() {
      await bot.stop();
      bot = await startBot(config, io);
    },
    async stop() {
      await bot.stop();
      await discord.close();
      await town.stop();
    },
  };
}
