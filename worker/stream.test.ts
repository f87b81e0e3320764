import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StreamServerFrame } from "../core/events";
import { appendTownEvent } from "../db/outbox";
import { addRig, alice, api, newTown, ok, openStream, type StreamClient } from "./app-testing";

const stub = (town: string) => env.TOWN.get(env.TOWN.idFromName(town));

async function createBeads(town: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await ok("POST", `/towns/${town}/beads`, { rig: "web", title: `task ${i}`, actor: alice });
}

/** Event seqs until (and including) `last`. */
async function seqsUntil(stream: StreamClient, last: number): Promise<number[]> {
  const frames = await stream.until((f) => f.t === "event" && f.event.seq >= last);
  return frames.filter((f): f is Extract<StreamServerFrame, { t: "event" }> => f.t === "event").map((f) => f.event.seq);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("event stream", () => {
  it("says hello, replays the backlog in order, then carries live events", async () => {
    const town = newTown();
    await addRig(town);
    await createBeads(town, 2);
    const stream = await openStream(town, "after=0");
    expect(await stream.next()).toEqual({ t: "hello", town, after: 0, head: 3 });
    const backlog = await stream.until((f) => f.t === "event" && f.event.seq === 3);
    expect(backlog.map((f) => (f.t === "event" ? f.event.type : f.t))).toEqual(["rig_added", "bead_created", "bead_created"]);
    await createBeads(town, 1);
    const live = await stream.next();
    expect(live).toMatchObject({ t: "event", event: { seq: 4, type: "bead_created", data: { bead: { title: "task 0" } } } });
    await stream.close();
  });

  it("after acking N and reconnecting, a client receives exactly N+1.. in order", async () => {
    const town = newTown();
    await addRig(town);
    await createBeads(town, 5);
    const first = await openStream(town, "after=0&consumer=bot");
    expect(await first.next()).toMatchObject({ t: "hello", head: 6 });
    expect(await seqsUntil(first, 6)).toEqual(range(1, 6));
    first.send({ t: "ack", seq: 3 });
    expect(await first.next()).toEqual({ t: "acked", seq: 3 });
    expect(await first.close()).toBe(1000);

    await createBeads(town, 2);
    const again = await openStream(town, "after=3&consumer=bot");
    expect(await again.next()).toEqual({ t: "hello", town, after: 3, head: 8 });
    expect(await seqsUntil(again, 8)).toEqual(range(4, 8));
    await createBeads(town, 1);
    expect(await again.next()).toMatchObject({ t: "event", event: { seq: 9 } });
    await again.close();
  });

  it("a client reconnecting without `after` resumes from its stored cursor", async () => {
    const town = newTown();
    await addRig(town);
    await createBeads(town, 4);
    const first = await openStream(town, "consumer=bot");
    expect(await first.next()).toMatchObject({ t: "hello", after: 0, head: 5 });
    await seqsUntil(first, 5);
    first.send({ t: "ack", seq: 4 });
    expect(await first.next()).toEqual({ t: "acked", seq: 4 });
    await first.close();

    // A different consumer has its own cursor.
    const other = await openStream(town, "consumer=audit");
    expect(await other.next()).toMatchObject({ t: "hello", after: 0 });
    await other.close();

    // Even across an eviction of the DO, the cursor is durable.
    await evictDurableObject(stub(town));
    const resumed = await openStream(town, "consumer=bot");
    expect(await resumed.next()).toEqual({ t: "hello", town, after: 4, head: 5 });
    expect(await seqsUntil(resumed, 5)).toEqual([5]);
    resumed.send({ t: "ping" });
    expect(await resumed.next()).toEqual({ t: "acked", seq: 4 });
    await resumed.close();
  });

  it("never sends an event twice on one connection while events are appended during the replay", async () => {
    const town = newTown();
    await addRig(town);
    // A backlog longer than one turn of the replay, so the replay yields and appends interleave.
    const backlog = 2500;
    await runInDurableObject(stub(town), (instance) => {
      for (let i = 0; i < backlog; i++) {
        appendTownEvent(instance.db, { type: "notification_failed", data: { what: `seed ${i}`, error: "x", attempt: 1 } }, Date.now());
      }
    });
    // Changes made while the replay is still running: the requests race the connection.
    const opening = openStream(town, "after=0");
    const creating = Promise.all(
      Array.from({ length: 10 }, (_, i) => ok("POST", `/towns/${town}/beads`, { rig: "web", title: `racing ${i}`, actor: alice })),
    );
    const stream = await opening;
    expect(await stream.next()).toMatchObject({ t: "hello" });
    await creating;
    expect(await seqsUntil(stream, backlog + 11)).toEqual(range(1, backlog + 11));
    await createBeads(town, 1);
    expect(await stream.next()).toMatchObject({ t: "event", event: { seq: backlog + 12 } });
    expect(stream.pending()).toBe(0);
    await stream.close();
  });

  it("keeps streaming across hibernation: the socket's cursor lives in its attachment", async () => {
    const town = newTown();
    await addRig(town);
    const stream = await openStream(town, "after=0");
    await stream.next();
    expect(await seqsUntil(stream, 1)).toEqual([1]);
    await evictDurableObject(stub(town), { webSockets: "hibernate" });
    await createBeads(town, 2);
    expect(await seqsUntil(stream, 3)).toEqual([2, 3]);
    stream.send({ t: "ack", seq: 3 });
    expect(await stream.next()).toEqual({ t: "acked", seq: 3 });
    await stream.close();
  });

  it("answers bad frames with an error frame and keeps the connection", async () => {
    const town = newTown();
    await addRig(town);
    const stream = await openStream(town, "after=1");
    expect(await stream.next()).toMatchObject({ t: "hello", after: 1, head: 1 });
    stream.send("not json");
    expect(await stream.next()).toMatchObject({ t: "error", message: expect.stringContaining("JSON") });
    stream.send(JSON.stringify({ t: "ack", seq: -1 }));
    expect(await stream.next()).toMatchObject({ t: "error" });
    stream.send(JSON.stringify({ t: "launch" }));
    expect(await stream.next()).toMatchObject({ t: "error" });
    stream.send({ t: "ack", seq: 99 });
    expect(await stream.next()).toMatchObject({ t: "error", message: expect.stringContaining("newest event is 1") });
    stream.send({ t: "ack", seq: 1 });
    expect(await stream.next()).toEqual({ t: "acked", seq: 1 });
    await stream.close();
  });

  it("refuses a plain GET, a bad query and a wrong token", async () => {
    const town = newTown();
    expect((await api("GET", `/towns/${town}/events`)).status).toBe(400);
    const bad = await openStream(town, "after=-2").catch((e: Error) => e.message);
    expect(bad).toContain("400");
    const denied = await openStream(town, "", "wrong").catch((e: Error) => e.message);
    expect(denied).toContain("401");
  });
});

