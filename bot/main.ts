import { createLogger } from "../core/logger";
import { errorMessage } from "../core/errors";
import { startBot } from "./bot";
import { enabledPlatforms, loadEnv, parseBotConfig } from "./config";

/**
 * The bot process (`tsx bot/main.ts`, run by `npm start`): configuration is parsed once here,
 * everything below receives typed values.
 */
async function main(): Promise<void> {
  const config = parseBotConfig(loadEnv(process.env));
  const consoleChat = enabledPlatforms(config).console;
  // The console chat owns stdout; logs go to stderr (and only warnings, unless asked for more).
  const logger = createLogger({
    level: consoleChat && process.env.LOG_LEVEL === undefined ? "warn" : config.LOG_LEVEL,
    scope: "bot",
    sink: (line) => process.stderr.write(`${line}\n`),
  });
  const bot = await startBot(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    bot.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error("unclean stop", { error: errorMessage(e) });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((e: unknown) => {
  process.stderr.write(`bot: ${errorMessage(e)}\n`);
  process.exit(1);
});
