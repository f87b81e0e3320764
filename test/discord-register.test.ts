import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commandDefinitions } from "../bot/discord/commands";
import { registerDiscordCommands } from "../bot/discord/register-commands";
import { FakeDiscord } from "./fakes/discord/fake-discord";

describe("Discord command registration", () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await FakeDiscord.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("bulk-overwrites the global commands with the one /gt definition", async () => {
    const done = await registerDiscordCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl });
    expect(done.map((c) => c.name)).toEqual(["gt"]);
    const put = fake.store.rest("PUT")[0]!;
    expect(put.path).toBe(`/applications/${fake.applicationId}/commands`);
    expect(put.auth).toBe(`Bot ${fake.token}`);
    expect(fake.store.commands.get("global")).toMatchObject(JSON.parse(JSON.stringify(commandDefinitions())));
  });

  it("registers per guild when a guild id is given", async () => {
    await registerDiscordCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, guildId: fake.guildId });
    expect(fake.store.rest("PUT")[0]?.path).toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
  });

  it("fails with a clear error on a bad token", async () => {
    await expect(registerDiscordCommands({ token: "wrong", applicationId: fake.applicationId, apiUrl: fake.apiUrl })).rejects.toThrow("Discord command registration failed");
  });

  it("runs as a script from the environment", async () => {
    // Asynchronous: the fake answers from this same process.
    const child = spawn("node_modules/.bin/tsx", ["scripts/register-discord-commands.ts"], {
      env: { ...process.env, DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_GUILD_ID: fake.guildId, DISCORD_API_URL: fake.apiUrl },
    });
    const r = { stdout: "", stderr: "", status: null as number | null };
    child.stdout.on("data", (b: Buffer) => {
      r.stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      r.stderr += b.toString();
    });
    r.status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`registered /gt \\(\\d+\\) guild ${fake.guildId}`));
    expect(r.status).toBe(0);
  }, 70_000);
});
