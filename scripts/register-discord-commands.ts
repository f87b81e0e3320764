// Registers Gastown's Discord application commands (`/gt ...`), from bot/discord/commands.ts.
//   DISCORD_TOKEN=... DISCORD_APPLICATION_ID=... [DISCORD_GUILD_ID=...] [DISCORD_API_URL=...] \
//     npx tsx scripts/register-discord-commands.ts
// With DISCORD_GUILD_ID the commands are registered in that guild only (they appear at once);
// without it they are global. A .env file is read; values already in the environment win.
import { z } from "zod";
import { loadEnv } from "../bot/config";
import { registerDiscordCommands } from "../bot/discord/register-commands";
import { errorMessage } from "../core/errors";

const Env = z.object({
  DISCORD_TOKEN: z.string().min(1, "DISCORD_TOKEN is required"),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d{5,25}$/, "DISCORD_APPLICATION_ID is the numeric application id"),
  DISCORD_GUILD_ID: z.string().regex(/^\d{5,25}$/).optional(),
  DISCORD_API_URL: z.string().url().optional(),
});

const parsed = Env.safeParse(loadEnv(process.env));
if (!parsed.success) {
  console.error(`register-discord-commands: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(2);
}
const env = parsed.data;
try {
  const done = await registerDiscordCommands({
    token: env.DISCORD_TOKEN,
    applicationId: env.DISCORD_APPLICATION_ID,
    ...(env.DISCORD_GUILD_ID ? { guildId: env.DISCORD_GUILD_ID } : {}),
    ...(env.DISCORD_API_URL ? { apiUrl: env.DISCORD_API_URL } : {}),
  });
  const where = env.DISCORD_GUILD_ID ? `guild ${env.DISCORD_GUILD_ID}` : "globally";
  console.log(`registered ${done.map((c) => `/${c.name} (${c.id})`).join(", ")} ${where}`);
} catch (e) {
  const cause = e instanceof Error && e.cause ? `: ${errorMessage(e.cause)}` : "";
  console.error(`register-discord-commands: ${errorMessage(e)}${cause}`);
  process.exit(1);
}
