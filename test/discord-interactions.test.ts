import { ApplicationCommandOptionType as T } from "discord.js";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Inbound, Responder } from "../core/chat";
import { silentLogger } from "../core/logger";
import { createDiscordAdapter, type DiscordAdapter } from "../bot/discord/discord-adapter";
import { createDiscordInteractionsHandler } from "../bot/discord/interactions";
import { FakeDiscord } from "./fakes/discord/fake-discord";

const ada = { id: "300000000000000001", username: "ada" };
const hex = (b: ArrayBuffer) => Buffer.from(b).toString("hex");

/** A signing key pair like the application's, made with WebCrypto. */
async function keyPair() {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const publicKey = hex(await crypto.subtle.exportKey("raw", pair.publicKey));
  const sign = async (timestamp: string, body: string) => hex(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, new TextEncoder().encode(timestamp + body)));
  return { publicKey, sign };
}

describe("Discord HTTP interactions endpoint", () => {
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  let app: Hono;
  let keys: Awaited<ReturnType<typeof keyPair>>;
  let got: { event: Inbound; respond: Responder }[];
  let pending: (() => Promise<void>)[];

  /** Sends a body signed as Discord does (or as `override` says) to the mounted endpoint. */
  async function send(body: string, override: { signature?: string; timestamp?: string } = {}) {
    const timestamp = override.timestamp ?? String(Math.floor(Date.now() / 1000));
    const signature = override.signature ?? (await keys.sign(timestamp, body));
    return app.request("/discord/interactions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-signature-ed25519": signature, "x-signature-timestamp": timestamp },
      body,
    });
  }

  beforeEach(async () => {
    fake = await FakeDiscord.start();
    keys = await keyPair();
    got = [];
    pending = [];
    adapter = createDiscordAdapter({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, logger: silentLogger, gateway: false });
    await adapter.start(async (event, respond) => {
      got.push({ event, respond });
      await respond.private({ text: `got ${event.kind}` });
    });
    const handler = createDiscordInteractionsHandler({
      publicKey: keys.publicKey,
      adapter,
      logger: silentLogger,
      // The test plays Discord: the work may only start once Discord has the response.
      schedule: (work) => pending.push(work),
    });
    app = new Hono();
    app.post("/discord/interactions", (c) => handler(c.req.raw));
  });

  afterEach(async () => {
    await adapter.stop();
    await fake.close();
  });

  it("answers a signed PING with PONG", async () => {
    const res = await send(JSON.stringify({ id: "1", application_id: fake.applicationId, type: 1, token: "t", version: 1 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it("refuses a bad, missing or stale signature with 401 and does nothing", async () => {
    const body = JSON.stringify(fake.slashCommandPayload({ user: ada, options: [{ name: "mq", type: T.Subcommand, options: [] }] }));
    const ts = String(Math.floor(Date.now() / 1000));
    const forged = await keys.sign(ts, `${body} `);
    expect((await send(body, { signature: forged, timestamp: ts })).status).toBe(401);
    expect((await send(body, { signature: "zz" })).status).toBe(401);
    const other = await keyPair();
    expect((await send(body, { signature: await other.sign(ts, body), timestamp: ts })).status).toBe(401);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await send(body, { signature: await keys.sign(old, body), timestamp: old })).status).toBe(401);
    const missing = await app.request("/discord/interactions", { method: "POST", body });
    expect(missing.status).toBe(401);
    expect(pending).toHaveLength(0);
    expect(fake.store.log.filter((r) => r.kind === "rest")).toHaveLength(0);
  });

  it("defers a /gt command at once, then runs it and fills the deferred reply over the webhook", async () => {
    const i = fake.slashCommandPayload({ user: ada, options: [{ name: "status", type: T.Subcommand, options: [{ name: "bead", type: T.String, value: "gt-4k2m" }] }] });
    const res = await send(JSON.stringify(i));
    expect(res.status).toBe(200);
    const response = (await res.json()) as { type: number; data?: unknown };
    expect(response).toEqual({ type: 5, data: { flags: 64 } });
    // Nothing has run yet: the response went out first.
    expect(got).toHaveLength(0);
    fake.answeredOverHttp(i.id, response);
    await Promise.all(pending.splice(0).map((w) => w()));
    expect(got[0]?.event).toMatchObject({ kind: "command", eventId: i.id, text: "status gt-4k2m", target: { channelId: fake.channelId } });
    const edit = fake.store.rest("PATCH", /\/webhooks\/.*\/messages\/@original$/);
    expect(edit).toHaveLength(1);
    expect(edit[0]?.body).toMatchObject({ content: "got command" });
    expect(edit[0]?.path).toContain(i.token);
  });

  it("defers a button press as an update and answers privately with an ephemeral follow-up", async () => {
    const card = await adapter.post({ channelId: fake.channelId }, { text: "escalation", buttons: [{ action: "esc_ack", label: "Ack", value: "gt-e1xx" }] });
    const i = fake.buttonPayload({ user: ada, messageId: card.messageId, customId: "esc_ack:gt-e1xx" });
    const res = await send(JSON.stringify(i));
    const response = (await res.json()) as { type: number };
    expect(response).toEqual({ type: 6 });
    fake.answeredOverHttp(i.id, response);
    await Promise.all(pending.splice(0).map((w) => w()));
    expect(got[0]?.event).toMatchObject({ kind: "button", action: "esc_ack", value: "gt-e1xx", messageId: card.messageId });
    const followUp = fake.store.rest("POST", new RegExp(`^/webhooks/${fake.applicationId}/${i.token}$`));
    expect(followUp[0]?.body).toMatchObject({ content: "got button", flags: 64 });
  });

  it("runs an interaction delivered twice only once", async () => {
    const i = fake.slashCommandPayload({ user: ada, options: [{ name: "mq", type: T.Subcommand, options: [] }] });
    await send(JSON.stringify(i));
    await send(JSON.stringify(i));
    fake.answeredOverHttp(i.id, { type: 5, data: { flags: 64 } });
    await Promise.all(pending.splice(0).map((w) => w()));
    expect(got).toHaveLength(1);
  });

  it("answers malformed JSON with 400", async () => {
    expect((await send("{not json")).status).toBe(400);
    expect((await send(JSON.stringify({ hello: "world" }))).status).toBe(400);
  });
});
