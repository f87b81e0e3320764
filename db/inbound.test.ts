import { describe, expect, it } from "vitest";
import { INBOUND_TTL_MS, seenInbound } from "./inbound";
import { inboundDedupe } from "./schema";
import { withTown } from "./test-helpers";

describe("inbound dedupe", () => {
  it("reports a repeated platform event id as seen, per platform", async () => {
    await withTown((db) => {
      expect(seenInbound(db, "slack", "Ev1", 1000)).toBe(false);
      expect(seenInbound(db, "slack", "Ev1", 2000)).toBe(true);
      expect(seenInbound(db, "discord", "Ev1", 2000)).toBe(false);
    });
  });

  it("forgets entries older than a day", async () => {
    await withTown((db) => {
      const t0 = 1_800_000_000_000;
      seenInbound(db, "slack", "old", t0);
      seenInbound(db, "slack", "new", t0 + INBOUND_TTL_MS);
      seenInbound(db, "slack", "later", t0 + INBOUND_TTL_MS + 2 * 3_600_000);
      expect(db.select().from(inboundDedupe).all().map((r) => r.eventId).sort()).toEqual(["later", "new"]);
      expect(seenInbound(db, "slack", "new", t0 + INBOUND_TTL_MS + 2 * 3_600_000)).toBe(true);
    });
  });
});
