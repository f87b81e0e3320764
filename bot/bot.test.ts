import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger";
import { FakeTownApi } from "../test/fakes/town-api";
import { type RunningBot, startBot } from "./bot";
import { parseBotConfig } from "./config";

describe("startBot without chat tokens", () => {
  let bot: RunningBot | undefined;
  let town: FakeTownApi;
  afterEach(async () => {
    await bot?.stop();
    await town.stop();
  });

  it("runs the console chat against the configured local town", async () => {
    town = await new FakeTownApi().start();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let text = "";
    stdout.on("data", (d) => {
      text += String(d);
    });
    const config = parseBotConfig({ GASTOWN_WORKER_URL: town.url, GASTOWN_API_TOKEN: town.token, GASTOWN_TOWN: "local:demo", BOT_PORT: "0" });
    bot = await startBot(config, { logger: silentLogger, stdin, stdout });
    expect(bot.links.map((l) => l.town.town)).toEqual(["local:demo"]);
    stdin.write("/gt rig list\n");
    const deadline = Date.now() + 10_000;
    while (!text.includes("No rigs yet")) {
      if (Date.now() > deadline) throw new Error(`no reply:\n${text}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(town.calls.some((c) => c.path === "/inbound")).toBe(true);
    const health = await fetch(`${bot.url}/health`);
    expect(await health.json()).toMatchObject({ ok: true, slack: false, discord: false });
  });
});
