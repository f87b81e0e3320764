import { describe, expect, it } from "vitest";
import type { ChatAdapter, ChatMessageRef, ChatTarget } from "../core/chat";
import { isGastownError } from "../core/errors";

/**
 * The contract every ChatAdapter keeps, as a vitest suite each implementation runs against its
 * platform fake (Slack Web API fake, Discord REST fake, the console). Imported by tests only.
 */
export interface ChatAdapterHarness {
  adapter: ChatAdapter;
  /** A channel the adapter may post in. */
  channelId: string;
  /** What the platform holds for a message: its visible text (any rendering) and edit count. */
  read(ref: ChatMessageRef): Promise<{ text: string; edits: number } | null>;
  /** Messages at the top of a channel (no threadId) or in a thread, oldest first. */
  list(target: ChatTarget): Promise<{ messageId: string; text: string }[]>;
  /** Delete a message as a person would (platforms that cannot delete leave this out). */
  remove?(ref: ChatMessageRef): Promise<void>;
  close(): Promise<void>;
}

/** Register the contract suite for one adapter. */
export function chatAdapterContract(name: string, make: () => Promise<ChatAdapterHarness>): void {
  describe(`ChatAdapter contract: ${name}`, () => {
    const withHarness = (fn: (h: ChatAdapterHarness) => Promise<void>) => async () => {
      const h = await make();
      try {
        await fn(h);
      } finally {
        await h.close();
      }
    };

    it(
      "posts to a channel and returns a ref that reads back",
      withHarness(async (h) => {
        const ref = await h.adapter.post({ channelId: h.channelId }, { text: "hello contract" });
        expect(ref.channelId).toBe(h.channelId);
        expect(ref.messageId).not.toBe("");
        expect((await h.read(ref))?.text).toContain("hello contract");
      }),
    );

    it(
      "opens a thread under a message; replies stay in the thread, in order",
      withHarness(async (h) => {
        const root = await h.adapter.post({ channelId: h.channelId }, { text: "root card" });
        const thread = await h.adapter.openThread(root, "gt-0001 a bead");
        const texts = ["one", "two", "three", "four", "five"].map((w) => `reply ${w}`);
        await Promise.all(texts.map((text) => h.adapter.post(thread, { text })));
        const inThread = (await h.list(thread)).map((m) => m.text);
        const idx = texts.map((t) => inThread.findIndex((x) => x.includes(t)));
        expect(idx.every((v, i) => v >= 0 && (i === 0 || v > (idx[i - 1] as number)))).toBe(true);
        const top = (await h.list({ channelId: h.channelId })).map((m) => m.text);
        expect(top.some((t) => t.includes("reply one"))).toBe(false);
      }),
    );

    it(
      "edits in place: no new message, the latest content wins",
      withHarness(async (h) => {
        const ref = await h.adapter.post({ channelId: h.channelId }, { text: "version 0" });
        const before = (await h.list({ channelId: h.channelId })).length;
        await Promise.all([1, 2, 3, 4, 5].map((v) => h.adapter.update(ref, { text: `version ${v}` })));
        const now = await h.read(ref);
        expect(now?.text).toContain("version 5");
        expect(now?.edits).toBeGreaterThanOrEqual(1);
        expect((await h.list({ channelId: h.channelId })).length).toBe(before);
      }),
    );

    it(
      "fails an edit of a deleted message with not_found, so the projector posts it again",
      withHarness(async (h) => {
        if (!h.remove) return;
        const ref = await h.adapter.post({ channelId: h.channelId }, { text: "soon gone" });
        await h.remove(ref);
        const err = await h.adapter.update(ref, { text: "too late" }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(isGastownError(err) && err.code).toBe("not_found");
      }),
    );

    it(
      "posts text longer than any platform limit without losing its start or end",
      withHarness(async (h) => {
        const text = `START ${"lorem ipsum dolor sit amet ".repeat(2_000)} END`;
        await h.adapter.post({ channelId: h.channelId }, { text });
        const all = (await h.list({ channelId: h.channelId })).map((m) => m.text).join("\n");
        expect(all).toContain("START");
        expect(all).toContain("END");
      }),
    );

    it(
      "links a thread with an https URL naming it, or says it has no links (null)",
      withHarness(async (h) => {
        const root = await h.adapter.post({ channelId: h.channelId }, { text: "linked card" });
        const thread = await h.adapter.openThread(root, "gt-0002 linked");
        const url = await h.adapter.threadUrl(thread);
        if (url === null) return;
        expect(url).toMatch(/^https:\/\/\S+$/);
        expect(url).toContain(thread.threadId ?? root.messageId);
        expect(await h.adapter.threadUrl(thread)).toBe(url);
      }),
    );

    it(
      "uploads a PNG into a thread",
      withHarness(async (h) => {
        const root = await h.adapter.post({ channelId: h.channelId }, { text: "peek" });
        const thread = await h.adapter.openThread(root, "peek");
        const ref = await h.adapter.uploadImage(thread, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "screen.png", "Terminal");
        expect(ref.channelId).toBe(h.channelId);
        expect(ref.messageId).not.toBe("");
      }),
    );
  });
}
