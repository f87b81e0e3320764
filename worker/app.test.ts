import { env } from "cloudflare:test";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { GastownError } from "../core/errors";
import { createLogger } from "../core/logger";
import { createApp } from "./app";
import { api } from "./app-testing";

/** An app with extra routes that throw, and the log lines it wrote. */
function throwingApp() {
  const lines: string[] = [];
  const app = createApp(createLogger({ sink: (line) => lines.push(line) }));
  app.get("/boom/plain", () => {
    throw new Error("db password is hunter2");
  });
  app.get("/boom/typed", () => {
    throw new GastownError("limit", "slow down");
  });
  app.get("/boom/http", () => {
    throw new HTTPException(413, { message: "too big" });
  });
  return { app, lines };
}

describe("the Town API app", () => {
  it("maps typed errors by code and HTTPExceptions by status, in one error shape", async () => {
    const { app } = throwingApp();
    const typed = await app.request("/boom/typed", {}, env);
    expect(typed.status).toBe(429);
    expect(await typed.json()).toEqual({ error: { code: "limit", message: "slow down" } });
    const http = await app.request("/boom/http", {}, env);
    expect(http.status).toBe(413);
    expect(await http.json()).toEqual({ error: { code: "bad_request", message: "too big" } });
  });

  it("answers unknown errors with a bare 500 and keeps the details in the log", async () => {
    const { app, lines } = throwingApp();
    const res = await app.request("/boom/plain", {}, env);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "internal error" } });
    expect(text).not.toContain("hunter2");
    expect(lines.some((l) => l.includes("unhandled error") && l.includes("/boom/plain"))).toBe(true);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await api("GET", "/nowhere", { token: null });
    expect(res).toEqual({ status: 404, json: { error: { code: "not_found", message: "no route GET /nowhere" } } });
  });
});
