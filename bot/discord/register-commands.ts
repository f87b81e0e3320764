import { REST, Routes } from "discord.js";
import { z } from "zod";
import { commandDefinitions } from "./commands";
import { restError } from "./discord-messages";

/** Where and how to register the application commands. */
export interface RegisterOptions {
  token: string;
  applicationId: string;
  /** Register in one guild (instant, good for development) instead of globally. */
  guildId?: string;
  /** REST base (`DISCORD_API_URL`), default `https://discord.com/api`. */
  apiUrl?: string;
}

const Registered = z.array(z.object({ id: z.string(), name: z.string() }));

/**
 * Bulk-overwrites the application's commands with `commandDefinitions()` (`PUT
 * /applications/{id}/commands`, or `/guilds/{guild}/commands`), so what Discord offers is
 * exactly what the adapter parses. Returns the registered command names and ids.
 */
export async function registerDiscordCommands(o: RegisterOptions): Promise<{ id: string; name: string }[]> {
  const rest = new REST({ api: o.apiUrl ?? "https://discord.com/api" }).setToken(o.token);
  const route = o.guildId ? Routes.applicationGuildCommands(o.applicationId, o.guildId) : Routes.applicationCommands(o.applicationId);
  try {
    return Registered.parse(await rest.put(route, { body: commandDefinitions() }));
  } catch (e) {
    throw restError("command registration", e);
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
