import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentInfo, ContainerHealth, type MergeResult, Snapshot } from "../core/container-api";
import { silentLogger } from "../core/logger";
import { WorkerCallbacks } from "./callbacks";
import { REDACTED } from "./redact";
import { createControlServer, type Merger } from "./server";
import { Supervisor, type Ticker } from "./supervisor";
import { FakeWorker, NodeProgramLauncher, startRequest, TempWorkspaces, waitFor } from "./supervisor-fakes";

const noTicks: Ticker = { every: () => () => {} };
const TOKEN = "container-shared-secret-0123";

let worker: FakeWorker;
let workspaces: TempWorkspaces;
let sup: Supervisor;
let server: ServerType | null;
let base: string;

/** Serves the control app on a free port; `merge` and `token` as given. */
async function listen(opts: { merge?: Merger; token?: string } = {}): Promise<void> {
  const app = createControlServer({ supervisor: sup, logger: silentLogger, version: "test", ...opts });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
}

beforeEach(async () => {
  worker = await new FakeWorker().start();
  workspaces = new TempWorkspaces();
  sup = new Supervisor({
    workspace: workspaces,
    // The prompt is the program: each test decides what its agent prints.
    launcher: new NodeProgramLauncher((req) => req.prompt, { API_KEY_FOR_TEST: "model-key-abcdef-123" }, ["API_KEY_FOR_TEST"]),
    logger: silentLogger,
    callbacks: new WorkerCallbacks({ logger: silentLogger, backoffMs: () => 0 }),
    ticker: noTicks,
    baseEnv: { PATH: process.env.PATH ?? "" },
    enterDelayMs: 10,
  });
  server = null;
});
afterEach(async () => {
  await sup.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await worker.stop();
  workspaces.cleanup();
});

const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

const AGENT_PROGRAM = [
  `console.log("key " + process.env.API_KEY_FOR_TEST);`,
  `require("readline").createInterface({ input: process.stdin }).on("line", (l) => console.log("heard " + l));`,
  `console.log("ready");`,
].join("");

describe("control server over HTTP", () => {
  it("round trip: start, list, nudge, snapshot (redacted), resize, stop", async () => {
    await listen();
    const started = await json("POST", "/agents", startRequest({ workerUrl: worker.url, prompt: AGENT_PROGRAM }));
    expect(started.status).toBe(201);
    const info = AgentInfo.parse(await started.json());
    expect(info).toMatchObject({ agentId: "polecat-demo-1", running: true });

    const list = AgentInfo.array().parse(await (await json("GET", "/agents")).json());
    expect(list.map((a) => a.agentId)).toEqual(["polecat-demo-1"]);
    expect(ContainerHealth.parse(await (await json("GET", "/health")).json())).toEqual({ ok: true, agents: 1, version: "test" });

    expect((await json("POST", "/agents/polecat-demo-1/nudge", { text: "hello" })).status).toBe(200);
    const snap = await waitFor(async () => {
      const s = Snapshot.parse(await (await json("GET", "/agents/polecat-demo-1/snapshot")).json());
      return s.text.includes("heard hello") ? s : undefined;
    }, "nudge echoed in the snapshot");
    expect(snap.text).toContain(`key ${REDACTED}`);
    expect(JSON.stringify(snap)).not.toContain("model-key-abcdef-123");

    const resized = await json("POST", "/agents/polecat-demo-1/resize", { cols: 100, rows: 30 });
    expect(resized.status).toBe(200);
    const after = Snapshot.parse(await (await json("GET", "/agents/polecat-demo-1/snapshot")).json());
    expect([after.cols, after.rows]).toEqual([100, 30]);

    expect((await json("DELETE", "/agents/polecat-demo-1")).status).toBe(200);
    expect(await (await json("GET", "/agents")).json()).toEqual([]);
    await sup.drain();
    expect(worker.to("/lifecycle").map((c) => (c.body as { event: string }).event)).toEqual(["started", "exited"]);
  });

  it("answers 400 with zod issues for bad bodies and params", async () => {
    await listen();
    const missing = await json("POST", "/agents", { agentId: "polecat-demo-1" });
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { error: { code: string; issues: Array<{ path: string[] }> } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.issues.map((i) => i.path[0])).toEqual(expect.arrayContaining(["town", "role", "workerUrl", "agentToken"]));

    expect((await json("POST", "/agents", "{not json")).status).toBe(400);
    expect((await json("POST", "/agents/polecat-demo-1/nudge", { text: "" })).status).toBe(400);
    expect((await json("POST", "/agents/polecat-demo-1/resize", { cols: 5, rows: 10 })).status).toBe(400);
    expect((await json("GET", "/agents/Bad..Id/snapshot")).status).toBe(400);
    expect((await json("POST", "/merge", { branch: "main; rm -rf /" })).status).toBe(400);
  });

  it("answers 404 for an unknown agent and an unknown route", async () => {
    await listen();
    for (const [method, path, body] of [
      ["GET", "/agents/nobody-here/snapshot", undefined],
      ["DELETE", "/agents/nobody-here", undefined],
      ["POST", "/agents/nobody-here/nudge", { text: "hi" }],
      ["POST", "/agents/nobody-here/resize", { cols: 80, rows: 24 }],
      ["GET", "/nope", undefined],
    ] as const) {
      const res = await json(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
  });

  it("answers 409 when the agent is already running", async () => {
    await listen();
    const req = startRequest({ workerUrl: worker.url, prompt: AGENT_PROGRAM });
    expect((await json("POST", "/agents", req)).status).toBe(201);
    expect((await json("POST", "/agents", req)).status).toBe(409);
  });

  it("merge: 501 without a merger, delegates with a parsed request when given one", async () => {
    const mergeBody = {
      rig: { id: "r1", name: "demo", gitUrl: "file:///tmp/demo.git", defaultBranch: "main" },
      branch: "gt/gt-4k2m",
      target: "main",
    };
    await listen();
    expect((await json("POST", "/merge", mergeBody)).status).toBe(501);
    await new Promise<void>((r) => server?.close(() => r()));

    const seen: unknown[] = [];
    const result: MergeResult = { outcome: "merged", commit: "abc", fastForward: true, gates: [], conflicts: [], diffStat: "", detail: "ok" };
    await listen({
      merge: async (req) => {
        seen.push(req);
        return result;
      },
    });
    const res = await json("POST", "/merge", mergeBody);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(result);
    // Defaults applied by the schema reach the merger.
    expect(seen).toEqual([{ ...mergeBody, gates: [], push: true, diff: false }]);
  });

  it("requires the shared bearer token when configured (health stays open)", async () => {
    await listen({ token: TOKEN });
    expect((await json("GET", "/agents")).status).toBe(401);
    expect((await json("GET", "/agents", undefined, { authorization: "Bearer wrong-token-0000000000" })).status).toBe(401);
    expect((await json("GET", "/agents", undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await json("GET", "/health")).status).toBe(200);
  });
});
