import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createControlServer } from "../container/server";
import { isGastownError } from "../core/errors";
import { silentLogger } from "../core/logger";
import { FakeAgentControl, MERGED } from "../worker/runtime/fake-agent-control";
import { LocalProcessRuntime } from "../worker/runtime/local-process-runtime";
import { runtimeContract, startRequest } from "../worker/runtime/runtime-contract";

/**
 * LocalProcessRuntime against the real control server (container/server.ts: its routes, zod
 * validation, error bodies and bearer auth) over real HTTP. Only the supervisor behind it is
 * an in-memory stand-in, so no PTY or agent CLI is needed here.
 */

const TOKEN = "container-token-0123456789";

async function listen(app: Hono): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

async function controlServer() {
  const app = createControlServer({ supervisor: new FakeAgentControl(), logger: silentLogger, token: TOKEN, merge: async () => MERGED });
  return listen(app);
}

runtimeContract("LocalProcessRuntime over the container control server", async () => {
  const server = await controlServer();
  return { runtime: new LocalProcessRuntime({ baseUrl: server.url, token: TOKEN }), close: server.close };
});

describe("LocalProcessRuntime failures", () => {
  it("treats a wrong bearer token as a runtime failure (a Worker misconfiguration) and starts nothing", async () => {
    const server = await controlServer();
    try {
      const rt = new LocalProcessRuntime({ baseUrl: server.url, token: "wrong-token-0123456789" });
      const err = await rt.start(startRequest("polecat-web-1")).catch((e: unknown) => e);
      expect(isGastownError(err) && err.code).toBe("runtime_failed");
      expect((err as Error).message).toContain("401: missing or wrong bearer token");
      const ok = new LocalProcessRuntime({ baseUrl: server.url, token: TOKEN });
      expect(await ok.list()).toEqual([]);
      expect(await ok.health()).toMatchObject({ ok: true, agents: 0 });
    } finally {
      await server.close();
    }
  });

  it("reports an unreachable control server as runtime_failed with the route", async () => {
    const server = await controlServer();
    await server.close();
    const rt = new LocalProcessRuntime({ baseUrl: server.url, token: TOKEN });
    const err = await rt.start(startRequest("polecat-web-1")).catch((e: unknown) => e);
    expect(isGastownError(err) && err.code).toBe("runtime_failed");
    expect(String((err as Error).message)).toContain("container unreachable (POST /agents)");
  });

  it("refuses a drifted server's answer instead of trusting it", async () => {
    const drifted = new Hono().post("/agents", (c) => c.json({ agent: "polecat-web-1", ok: true }, 201));
    const server = await listen(drifted);
    try {
      const rt = new LocalProcessRuntime({ baseUrl: server.url });
      const err = await rt.start(startRequest("polecat-web-1")).catch((e: unknown) => e);
      expect(isGastownError(err) && err.code).toBe("runtime_failed");
      expect((err as Error).message).toContain("unexpected body");
    } finally {
      await server.close();
    }
  });

  it("carries the server's error message for refused requests", async () => {
    const server = await controlServer();
    try {
      const rt = new LocalProcessRuntime({ baseUrl: server.url, token: TOKEN });
      await rt.start(startRequest("polecat-web-1"));
      const err = await rt.start(startRequest("polecat-web-1")).catch((e: unknown) => e);
      expect(isGastownError(err) && err.code).toBe("conflict");
      expect((err as Error).message).toContain("already running");
    } finally {
      await server.close();
    }
  });
});
