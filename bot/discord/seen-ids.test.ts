import { describe, expect, it } from "vitest";
import { SeenIds } from "./seen-ids";

describe("SeenIds", () => {
  it("reports a repeated id once it has been recorded", () => {
    const seen = new SeenIds(10);
    expect(seen.checkAndAdd("a")).toBe(false);
    expect(seen.checkAndAdd("a")).toBe(true);
    expect(seen.checkAndAdd("b")).toBe(false);
  });

  it("stays bounded and forgets the least recently seen id first", () => {
    const seen = new SeenIds(2);
    seen.checkAndAdd("a");
    seen.checkAndAdd("b");
    seen.checkAndAdd("a"); // refreshes a, so b is now the oldest
    seen.checkAndAdd("c");
    expect(seen.size).toBe(2);
    expect(seen.checkAndAdd("a")).toBe(true);
    expect(seen.checkAndAdd("b")).toBe(false);
  });
});
