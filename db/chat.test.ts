import { describe, expect, it } from "vitest";
import { createBead } from "./beads";
import { beadForThread, bindChannel, bindThread, channelsForRig, rigForChannel, threadForBead } from "./chat";
import { addRig } from "./rigs";
import { chatThreads } from "./schema";
import { ALICE, catchGastown, counts, withTown } from "./test-helpers";

describe("chat bindings", () => {
  it("binds channels to rigs and rebinding moves the channel", async () => {
    await withTown((db) => {
      const api = addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const web = addRig(db, { name: "web", gitUrl: "https://git.example/web.git", actor: ALICE }, 1);
      bindChannel(db, { platform: "slack", channelId: "C1", rig: "api" }, 2);
      expect(rigForChannel(db, "slack", "C1")?.id).toBe(api.id);
      expect(rigForChannel(db, "discord", "C1")).toBeUndefined();
      bindChannel(db, { platform: "slack", channelId: "C1", rig: web.id }, 3);
      expect(rigForChannel(db, "slack", "C1")?.id).toBe(web.id);
      expect(channelsForRig(db, api.id)).toEqual([]);
      expect(catchGastown(() => bindChannel(db, { platform: "slack", channelId: "C2", rig: "nope" }, 4)).code).toBe("not_found");
    });
  });

  it("rebinding a thread updates message ids and never duplicates", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const bead = createBead(db, { rig: "api", title: "a", actor: ALICE }, 2);
      const other = createBead(db, { rig: "api", title: "b", actor: ALICE }, 2);
      bindThread(db, bead.id, { platform: "slack", channelId: "C1", threadId: "1700.01", cardMessageId: "1700.01" }, 3);
      const before = counts(db);
      bindThread(db, bead.id, { platform: "slack", channelId: "C1", threadId: "1700.01", snapshotMessageId: "1700.05" }, 4);
      expect(threadForBead(db, "slack", bead.id)).toMatchObject({ cardMessageId: "1700.01", snapshotMessageId: "1700.05", updatedAt: 4 });
      expect(beadForThread(db, "slack", "C1", "1700.01")).toBe(bead.id);
      expect(db.select().from(chatThreads).all()).toHaveLength(1);
      expect(counts(db)).toEqual(before);
      expect(catchGastown(() => bindThread(db, other.id, { platform: "slack", channelId: "C1", threadId: "1700.01" }, 5)).code).toBe("conflict");
      expect(catchGastown(() => bindThread(db, "api-zzzz", { platform: "slack", channelId: "C1", threadId: "9" }, 5)).code).toBe("not_found");
    });
  });
});
