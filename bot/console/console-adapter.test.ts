import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger";
import { FakeTownApi } from "../../test/fakes/town-api";
import { linkTown, type TownLink } from "../town-link";
import { type ConsoleAdapter, createConsoleAdapter } from "./console-adapter";

describe("console chat", () => {
  let town: FakeTownApi;
  let link: TownLink;
  afterEach(async () => {
    await link.stop();
    await town.stop();
  });

  it("binds a channel, slings a bead with its card and thread, presses a button and mails the agent from the thread", async () => {
    town = await new FakeTownApi().start();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (d) => {
      text += String(d);
    });
    const adapter: ConsoleAdapter = createConsoleAdapter({ input, output, logger: silentLogger, user: "ada", channel: "app" });
    link = await linkTown({ adapter, workerUrl: town.url, token: town.token, town: "local:test", logger: silentLogger, backoff: { initialMs: 10, maxMs: 50 } });
    const type = async (line: string) => {
      input.write(`${line}\n`);
      await new Promise((r) => setImmediate(r));
      await adapter.idle();
      await link.stream.idle();
    };
    const until = async (pred: () => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out: ${what}\n${text}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    await type("/gt rig add https://x.test/acme/app.git");
    expect(text).toContain("Rig `app`");
    await type("/gt sling write the docs --priority P1");
    await until(() => text.includes("┌ gt-0001 · write the docs") && town.acks.includes(3), "card");
    expect(text).toContain("(only you): Slung `gt-0001`");
    expect(text).toMatch(/\[1\] Peek {2}\[2\] Stop/);

    await type("1"); // Peek
    await until(() => text.includes("│ all green"), "snapshot shown");

    await type(">gt-0001");
    await type("please add examples");
    await until(() => town.mail.length === 1, "mail");
    expect(town.mail[0]).toMatchObject({ to: "gt-0001", body: "please add examples", actor: { id: "console:user:ada" } });

    await type("!frobnicate");
    expect(text).toContain("(only you): unknown command `frobnicate`");
  });
});
