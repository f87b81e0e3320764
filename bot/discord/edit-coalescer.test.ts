import { describe, expect, it } from "vitest";
import { EditCoalescer } from "./edit-coalescer";

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

describe("EditCoalescer", () => {
  it("sends the first edit and then only the newest of those that piled up", async () => {
    const c = new EditCoalescer();
    const sent: number[] = [];
    const first = gate();
    const results = [1, 2, 3, 4, 5].map((n) =>
      c.submit("m1", async () => {
        sent.push(n);
        if (n === 1) await first.promise;
      }),
    );
    first.open();
    await Promise.all(results);
    expect(sent).toEqual([1, 5]);
    expect(c.busy).toBe(0);
  });

  it("keeps edits of different messages independent", async () => {
    const c = new EditCoalescer();
    const sent: string[] = [];
    await Promise.all([c.submit("a", async () => void sent.push("a1")), c.submit("b", async () => void sent.push("b1"))]);
    expect(sent.sort()).toEqual(["a1", "b1"]);
  });

  it("rejects the callers of a failed edit and still runs the next one", async () => {
    const c = new EditCoalescer();
    const sent: number[] = [];
    const failing = c.submit("m", async () => {
      sent.push(1);
      throw new Error("boom");
    });
    const next = c.submit("m", async () => void sent.push(2));
    await expect(failing).rejects.toThrow("boom");
    await next;
    expect(sent).toEqual([1, 2]);
  });
});
