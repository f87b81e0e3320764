import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger";
import { testClock, withTown } from "../../db/test-helpers";
import { CHAT_REF_TTL_MS, chatOps } from "./chat-ops";
import type { TownContext } from "./context";

const HOUR = 3_600_000;
const ref = (messageId: string) => ({ channelId: "C1", threadId: null, messageId });

describe("chat refs", () => {
  it("are forgotten a month after they were stored; stamps do not show in what is read back", async () => {
    await withTown(async (db) => {
      const clock = testClock(1_800_000_000_000);
      const t: TownContext = { db, log: silentLogger, env, now: () => clock.now(), runtime: undefined };
      chatOps.setChatRef(t, "slack", "out:1", ref("1.1"));
      clock.tick(CHAT_REF_TTL_MS - 2 * HOUR);
      chatOps.setChatRef(t, "slack", "out:2", ref("2.2"));
      expect(chatOps.chatRef(t, "slack", "out:1")).toEqual({ platform: "slack", key: "out:1", ...ref("1.1") });

      // Past the month for out:1 only; the next store forgets it.
      clock.tick(3 * HOUR);
      chatOps.setChatRef(t, "slack", "out:3", ref("3.3"));
      expect(chatOps.chatRef(t, "slack", "out:1")).toBeNull();
      expect(chatOps.chatRef(t, "slack", "out:2")).toEqual({ platform: "slack", key: "out:2", ...ref("2.2") });
      expect(chatOps.chatRef(t, "slack", "out:3")).not.toBeNull();
    });
  });
});
