import { describe, expect, it } from "vitest";
import { EditCoalescer, SendQueue } from "./send-queue";

describe("SendQueue", () => {
  it("runs tasks of one key in order, one at a time, and keys independently", async () => {
    const q = new SendQueue({ intervalMs: 0 });
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const a1 = q.run("a", async () => {
      log.push("a1 start");
      await gate;
      log.push("a1 end");
    });
    const a2 = q.run("a", async () => void log.push("a2"));
    const b1 = q.run("b", async () => void log.push("b1"));
    await b1;
    expect(log).toEqual(["a1 start", "b1"]);
    release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(["a1 start", "b1", "a1 end", "a2"]);
  });

  it("spaces tasks of one key by the interval (by the injected clock)", async () => {
    let now = 1000;
    const q = new SendQueue({ intervalMs: 5, now: () => now });
    const starts: number[] = [];
    await q.run("c", async () => void starts.push(now));
    now += 1; // only 1 ms later: the next one must wait ~4 ms of real time
    const t0 = Date.now();
    await q.run("c", async () => void starts.push(now));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3);
  });

  it("a failed task rejects for its caller and does not block the next", async () => {
    const q = new SendQueue({ intervalMs: 0 });
    await expect(q.run("k", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(q.run("k", async () => 7)).resolves.toBe(7);
  });
});

describe("EditCoalescer", () => {
  it("sends only the newest content of edits queued behind one in flight", async () => {
    const c = new EditCoalescer();
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = c.edit("m", async () => {
      await gate;
      sent.push("v1");
    });
    const second = c.edit("m", async () => void sent.push("v2"));
    const third = c.edit("m", async () => void sent.push("v3"));
    release();
    await Promise.all([first, second, third]);
    expect(sent).toEqual(["v1", "v3"]);
  });

  it("rejects the waiters of an edit that failed", async () => {
    const c = new EditCoalescer();
    await expect(c.edit("m", async () => Promise.reject(new Error("nope")))).rejects.toThrow("nope");
    await expect(c.edit("m", async () => undefined)).resolves.toBeUndefined();
  });
});
