import type { Readable, Writable } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { GastownError } from "../core/errors";
import type { Logger } from "../core/ports";
import { renderTerminalPng } from "../renderers/terminal-png";
import { type BotConfig, enabledPlatforms } from "./config";
import { createConsoleAdapter } from "./console/console-adapter";
import { createDiscordAdapter } from "./discord/discord-adapter";
import { createDiscordInteractionsHandler } from "./discord/interactions";
import { type BotHttpRoutes, startBotHttpServer } from "./http-server";
import { createSlackAdapter } from "./slack/slack-adapter";
import { linkTown, type TownLink } from "./town-link";

/** A running bot: its town links and its HTTP receiver. */
export interface RunningBot {
  links: TownLink[];
  url: string;
  stop(): Promise<void>;
}

export interface BotIo {
  logger: Logger;
  /** The console chat's terminal (used only when no chat tokens are set). */
  stdin?: Readable;
  stdout?: Writable;
  /** Where the console chat writes uploaded pictures (the demo's PNG snapshots). */
  imageDir?: string;
}

const snapshotPng = (t: { text: string; ansi: string; cols?: number; rows?: number }) => renderTerminalPng(t);

/**
 * Compose the bot from its configuration: Slack when its tokens are set, Discord when its are,
 * the console chat otherwise; each joined to its town (router + projector + event stream);
 * one HTTP receiver for Slack events and Discord interactions.
 */
export async function startBot(config: BotConfig, io: BotIo): Promise<RunningBot> {
  const { logger } = io;
  const enabled = enabledPlatforms(config);
  const common = { workerUrl: config.GASTOWN_WORKER_URL, ...(config.GASTOWN_API_TOKEN ? { token: config.GASTOWN_API_TOKEN } : {}), logger };
  const links: TownLink[] = [];
  const routes: BotHttpRoutes = {};
  if (config.SLACK_BOT_TOKEN && !enabled.slack) logger.warn("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN: Slack stays off");
  try {
    if (enabled.slack && config.SLACK_BOT_TOKEN) {
      const slack = createSlackAdapter({
        botToken: config.SLACK_BOT_TOKEN,
        ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
        ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
        apiUrl: config.SLACK_API_URL,
        logger,
      });
      const { teamId } = await slack.identity().catch((e: unknown) => {
        throw new GastownError("unauthorized", "Slack auth.test failed: check SLACK_BOT_TOKEN and SLACK_API_URL", { cause: e });
      });
      const town = config.GASTOWN_TOWN?.startsWith("slack:") ? config.GASTOWN_TOWN : `slack:${teamId}`;
      links.push(await linkTown({ ...common, adapter: slack, town, snapshotPng }));
      if (slack.requestListener) routes.slack = slack.requestListener;
      logger.info("slack connected", { town, mode: config.SLACK_APP_TOKEN ? "socket" : "http" });
    }
    if (enabled.discord) {
      if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
        throw new GastownError("bad_request", "Discord needs DISCORD_TOKEN and DISCORD_APPLICATION_ID (and DISCORD_PUBLIC_KEY for HTTP interactions)");
      }
      const discord = createDiscordAdapter({
        token: config.DISCORD_TOKEN,
        applicationId: config.DISCORD_APPLICATION_ID,
        ...(config.DISCORD_API_URL ? { apiUrl: config.DISCORD_API_URL } : {}),
        logger,
      });
      const town = config.DISCORD_GUILD_ID
        ? `discord:${config.DISCORD_GUILD_ID}`
        : config.GASTOWN_TOWN?.startsWith("discord:")
          ? config.GASTOWN_TOWN
          : `discord:${config.DISCORD_APPLICATION_ID}`;
      links.push(await linkTown({ ...common, adapter: discord, town, snapshotPng }));
      if (config.DISCORD_PUBLIC_KEY) {
        routes.discord = getRequestListener(createDiscordInteractionsHandler({ publicKey: config.DISCORD_PUBLIC_KEY, adapter: discord, logger }));
      }
      logger.info("discord connected", { town });
    }
    if (enabled.console) {
      const adapter = createConsoleAdapter({ input: io.stdin ?? process.stdin, output: io.stdout ?? process.stdout, logger, channel: "town", ...(io.imageDir ? { imageDir: io.imageDir } : {}) });
      links.push(await linkTown({ ...common, adapter, town: config.GASTOWN_TOWN ?? "local:dev", snapshotPng }));
    }
    const http = await startBotHttpServer(routes, config.BOT_HOST, config.BOT_PORT);
    logger.info("bot HTTP receiver listening", { url: http.url, slack: !!routes.slack, discord: !!routes.discord });
    return {
      links,
      url: http.url,
      async stop() {
        await http.close();
        for (const l of links) await l.stop();
      },
    };
  } catch (e) {
    for (const l of links) await l.stop();
    throw e;
  }
}
