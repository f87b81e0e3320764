import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signAgentToken } from "../core/agent-token";
import { createApp } from "./app";
import { AGENT_SECRET, agentToken, api, newTown } from "./app-testing";

describe("Town API auth", () => {
  it("refuses a wrong or missing bot token with 401", async () => {
    const town = newTown();
    const wrong = await api("GET", `/towns/${town}/rigs`, { token: "not-the-token" });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error: { code: "unauthorized" } });
    expect((await api("GET", `/towns/${town}/rigs`, { token: null })).status).toBe(401);
    expect((await api("GET", `/towns/${town}/rigs`, { token: "test-bot-token-and-more" })).status).toBe(401);
    expect((await api("GET", `/towns/${town}/rigs`)).status).toBe(200);
  });

  it("takes tokens from the Authorization header only, never from the query", async () => {
    const town = newTown();
    expect((await api("GET", `/towns/${town}/rigs?token=test-bot-token`, { token: null })).status).toBe(401);
  });

  it("refuses everything with 503 when GASTOWN_API_TOKEN is not set", async () => {
    const app = createApp();
    const res = await app.request(`/towns/${newTown()}/rigs`, { headers: { Authorization: "Bearer anything" } }, { ...env, GASTOWN_API_TOKEN: undefined });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "unavailable", message: expect.stringContaining("GASTOWN_API_TOKEN") } });
  });

  it("refuses an agent token of another town with 403", async () => {
    const town = newTown();
    const other = await agentToken(newTown(), "polecat-web-1");
    const res = await api("POST", `/towns/${town}/agents/polecat-web-1/heartbeat`, { token: other, body: { status: "working" } });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: "forbidden" } });
  });

  it("refuses an agent token on another agent's routes with 403", async () => {
    const town = newTown();
    const token = await agentToken(town, "polecat-web-1");
    const res = await api("POST", `/towns/${town}/agents/polecat-web-2/heartbeat`, { token, body: { status: "working" } });
    expect(res.status).toBe(403);
  });

  it("refuses an agent token on bot routes with 403, and the bot token on agent routes", async () => {
    const town = newTown();
    const token = await agentToken(town, "polecat-web-1");
    expect((await api("GET", `/towns/${town}/rigs`, { token })).status).toBe(403);
    expect((await api("POST", `/towns/${town}/agents/polecat-web-1/heartbeat`, { body: { status: "working" } })).status).toBe(403);
  });

  it("refuses expired, forged and garbage agent tokens with 401", async () => {
    const town = newTown();
    const expired = await signAgentToken(AGENT_SECRET, { town, agent: "polecat-web-1", exp: Date.now() - 1 });
    const forged = await signAgentToken("some-other-secret", { town, agent: "polecat-web-1", exp: Date.now() + 60_000 });
    for (const token of [expired, forged, "garbage", "a.b", "a.b.c"]) {
      const res = await api("POST", `/towns/${town}/agents/polecat-web-1/heartbeat`, { token, body: { status: "working" } });
      expect(res.status, token).toBe(401);
    }
  });

  it("accepts a percent-encoded town id, as clients build URLs with encodeURIComponent", async () => {
    const town = newTown();
    const token = await agentToken(town, "polecat-web-1");
    expect((await api("GET", `/towns/${encodeURIComponent(town)}/rigs`)).status).toBe(200);
    const res = await api("GET", `/towns/${encodeURIComponent(town)}/agents/polecat-web-1/status`, { token });
    expect(res.json).toMatchObject({ error: { code: "not_found", message: "agent polecat-web-1 not found" } });
  });

  it("validates the town id in the path", async () => {
    const res = await api("GET", "/towns/not-a-town/rigs");
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "bad_request" } });
  });
});
