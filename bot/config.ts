import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { GastownError } from "../core/errors";
import { TownId } from "../core/ids";

const optional = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

/** Environment of the bot process (DESIGN §8). Parsed once, at the composition root. */
export const BotConfig = z.object({
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  /** Socket Mode when set. */
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: z.string().url().default("https://slack.com/api/"),
  DISCORD_TOKEN: optional,
  DISCORD_APPLICATION_ID: optional,
  DISCORD_PUBLIC_KEY: optional,
  DISCORD_API_URL: optional,
  /** The guild whose town the Discord adapter serves (`discord:<guild>`); else GASTOWN_TOWN. */
  DISCORD_GUILD_ID: optional,
  GASTOWN_WORKER_URL: z.string().url().default("http://127.0.0.1:8787"),
  GASTOWN_API_TOKEN: optional,
  /** Town of the console chat (and of Slack when the team id should be overridden). */
  GASTOWN_TOWN: TownId.optional(),
  BOT_HOST: z.string().default("127.0.0.1"),
  BOT_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});
export type BotConfig = z.infer<typeof BotConfig>;

/** Which chat platforms the configuration turns on. */
export function enabledPlatforms(c: BotConfig): { slack: boolean; discord: boolean; console: boolean } {
  const slack = c.SLACK_BOT_TOKEN !== undefined && (c.SLACK_SIGNING_SECRET !== undefined || c.SLACK_APP_TOKEN !== undefined);
  const discord = c.DISCORD_TOKEN !== undefined || c.DISCORD_PUBLIC_KEY !== undefined;
  return { slack, discord, console: !slack && !discord };
}

/** Parse the environment; a bad value is a clear startup error, never a silent default. */
export function parseBotConfig(env: Record<string, string | undefined>): BotConfig {
  const r = BotConfig.safeParse(env);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new GastownError("bad_request", `bad bot configuration: ${issues}`, { details: r.error.issues });
  }
  return r.data;
}

/** `KEY=value` lines of a .env file; values already in `env` win. Quotes around values are dropped. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m?.[1] || line.trimStart().startsWith("#")) continue;
    out[m[1]] = (m[2] ?? "").replace(/^(['"])(.*)\1$/, "$2");
  }
  return out;
}

/** The process environment merged over a `.env` file at `path`, if there is one. */
export function loadEnv(env: Record<string, string | undefined>, path = ".env"): Record<string, string | undefined> {
  if (!existsSync(path)) return env;
  return { ...parseDotEnv(readFileSync(path, "utf8")), ...env };
}
