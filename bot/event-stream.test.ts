import { afterEach, describe, expect, it } from "vitest";
import type { TownEvent } from "../core/events";
import { silentLogger } from "../core/logger";
import { FakeTownApi } from "../test/fakes/town-api";
import { EventStream, type EventOutcome } from "./event-stream";
import { TownClient } from "./town-client";

const until = async (pred: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("EventStream", () => {
  let town: FakeTownApi;
  const streams: EventStream[] = [];
  afterEach(async () => {
    for (const s of streams.splice(0)) await s.stop();
    await town.stop();
  });

  const open = async (handle: (e: TownEvent) => Promise<EventOutcome>) => {
    const client = new TownClient({ baseUrl: town.url, town: "local:test", token: town.token });
    const s = new EventStream({ url: (after) => client.eventsUrl(after, "bot-test"), headers: client.authHeaders(), handle, logger: silentLogger, backoff: { initialMs: 10, maxMs: 50 } });
    streams.push(s);
    s.start();
    return s;
  };
  const rig = (n: number) => town.emit({ type: "rig_removed", data: { rigId: `r${n}`, name: `r${n}` } });

  it("handles events in order, acks each after handling, and resumes after a drop without loss or repeats", async () => {
    town = await new FakeTownApi().start();
    rig(1);
    rig(2);
    const seen: number[] = [];
    const s = await open(async (e) => {
      seen.push(e.seq);
      return "handled";
    });
    await until(() => town.acks.includes(2), "first two acked");
    town.dropStreams();
    rig(3); // appended while the bot is disconnected
    await until(() => town.acks.includes(3), "resumed and acked 3");
    rig(4);
    await until(() => town.acks.includes(4), "live event acked");
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(s.lastAcked).toBe(4);
  });

  it("does not ack an event whose projection failed; it is delivered again and then acked", async () => {
    town = await new FakeTownApi().start();
    rig(1);
    let failures = 1;
    const seen: number[] = [];
    await open(async (e) => {
      seen.push(e.seq);
      if (failures-- > 0) return "retry_later";
      return "handled";
    });
    await until(() => town.acks.includes(1), "acked after retry");
    expect(seen).toEqual([1, 1]);
    expect(town.acks.filter((a) => a === 1).length).toBeGreaterThanOrEqual(1);
  });

  it("starts from the consumer's stored cursor when the process is new", async () => {
    town = await new FakeTownApi().start();
    rig(1);
    rig(2);
    town.cursors.set("bot-test", 1);
    const seen: number[] = [];
    await open(async (e) => {
      seen.push(e.seq);
      return "handled";
    });
    await until(() => town.acks.includes(2), "acked 2");
    expect(seen).toEqual([2]);
  });
});
