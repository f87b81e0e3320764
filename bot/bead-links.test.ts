import { describe, expect, it } from "vitest";
import type { ChatTarget } from "../core/chat";
import { silentLogger } from "../core/logger";
import { BeadLinker, beadIdsIn, linkBeadIds } from "./bead-links";
import type { ThreadBinding } from "./town-client";

describe("bead ids in the mayor's text", () => {
  it("finds whole-word ids, bare or in a code span, once each, in order", () => {
    expect(beadIdsIn("Slung `app-4k2m` and api-9x1c (convoy gt-77aa); app-4k2m again.")).toEqual(["app-4k2m", "api-9x1c", "gt-77aa"]);
  });

  it("leaves ids inside words, code blocks, links and URLs alone", () => {
    const text = "x-app-4k2m app-4k2m-x ```\napp-1111\n``` [app-2222](https://a.test) https://h.test/app-3333 <https://h.test/app-4444|t> `run app-5555`";
    expect(beadIdsIn(text)).toEqual([]);
  });

  it("links only ids that have a URL and keeps everything else as written", () => {
    const urls = new Map([["app-4k2m", "https://chat.test/t/1"]]);
    expect(linkBeadIds("Slung `app-4k2m` and api-9x1c. Again app-4k2m.", urls)).toBe("Slung [app-4k2m](https://chat.test/t/1) and api-9x1c. Again [app-4k2m](https://chat.test/t/1).");
  });
});

describe("BeadLinker", () => {
  const setup = (threads: Record<string, ThreadBinding>) => {
    const lookups: string[] = [];
    const town = {
      async threadOfBead(_platform: string, beadId: string) {
        lookups.push(beadId);
        return threads[beadId] ?? null;
      },
    };
    const adapter = {
      platform: "slack" as const,
      async threadUrl(t: ChatTarget) {
        return `https://chat.test/${t.channelId}/${t.threadId}`;
      },
    };
    return { lookups, linker: new BeadLinker({ town, adapter, logger: silentLogger }) };
  };
  const bound = (channelId: string, threadId: string): ThreadBinding => ({ beadId: "x", platform: "slack", channelId, threadId, cardMessageId: threadId, snapshotMessageId: null });

  it("links bead ids to their threads and asks the town once per bead for the turn", async () => {
    const { linker, lookups } = setup({ "app-4k2m": bound("C1", "1.1"), "api-9x1c": bound("C2", "2.2") });
    expect(await linker.link("t1", "Slung app-4k2m", false)).toBe("Slung [app-4k2m](https://chat.test/C1/1.1)");
    const last = await linker.link("t1", "Slung app-4k2m and api-9x1c.", true);
    expect(last).toBe("Slung [app-4k2m](https://chat.test/C1/1.1) and [api-9x1c](https://chat.test/C2/2.2).");
    expect(lookups).toEqual(["app-4k2m", "api-9x1c"]);
  });

  it("asks again for an id that had no thread yet (its card may be posted since)", async () => {
    const threads: Record<string, ThreadBinding> = {};
    const { linker, lookups } = setup(threads);
    expect(await linker.link("t2", "on app-4k2m", false)).toBe("on app-4k2m");
    threads["app-4k2m"] = bound("C1", "1.1");
    expect(await linker.link("t2", "on app-4k2m", true)).toBe("on [app-4k2m](https://chat.test/C1/1.1)");
    expect(lookups).toEqual(["app-4k2m", "app-4k2m"]);
  });

  it("keeps the text as written when the platform has no links or the lookup fails", async () => {
    const failing = new BeadLinker({
      town: {
        async threadOfBead() {
          throw new Error("town down");
        },
      },
      adapter: { platform: "slack", threadUrl: async () => "https://x.test" },
      logger: silentLogger,
    });
    expect(await failing.link("t3", "see app-4k2m", true)).toBe("see app-4k2m");
    const consoleLike = new BeadLinker({ town: { threadOfBead: async () => bound("C1", "1.1") }, adapter: { platform: "console", threadUrl: async () => null }, logger: silentLogger });
    expect(await consoleLike.link("t4", "see app-4k2m", true)).toBe("see app-4k2m");
  });
});
