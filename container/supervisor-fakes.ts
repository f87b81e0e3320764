import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { StartAgentRequest } from "../core/container-api";
import type { AgentLauncher, Launch, Workspace, WorkspaceProvider } from "./ports";

/**
 * Test doubles for the supervisor's seams and the Worker's callback endpoint. The launcher
 * runs Node programs written by the test (argv arrays, no shell); the Worker is a real HTTP
 * server so callbacks go through real fetch.
 */

/** Polls `probe` until it returns a value that is not undefined/false (or the bound passes). */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, boundMs = 20_000): Promise<T> {
  const until = Date.now() + boundMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Temp-dir workspaces that record releases. */
export class TempWorkspaces implements WorkspaceProvider {
  readonly released: string[] = [];
  private readonly root = mkdtempSync(path.join(tmpdir(), "gastown-sup-"));

  async prepare(req: StartAgentRequest): Promise<Workspace> {
    const cwd = mkdtempSync(path.join(this.root, `${req.agentId}-`));
    return { cwd, branch: req.beadId ? `gt/${req.beadId}` : null };
  }
  async release(req: StartAgentRequest): Promise<void> {
    this.released.push(req.agentId);
  }
  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Runs `node -e <program(req)>` with extra env; `secretEnv` names are marked secret. */
export class NodeProgramLauncher implements AgentLauncher {
  constructor(
    private readonly program: (req: StartAgentRequest) => string,
    private readonly env: Record<string, string> = {},
    private readonly secretEnv: string[] = [],
  ) {}
  async build(req: StartAgentRequest, ws: Workspace): Promise<Launch> {
    return { argv: [process.execPath, "-e", this.program(req)], env: this.env, cwd: ws.cwd, secretEnv: this.secretEnv, files: [] };
  }
}

export interface RecordedCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** An HTTP server standing in for the Worker's agent callback routes. */
export class FakeWorker {
  readonly calls: RecordedCall[] = [];
  /** Status to answer for the next requests (shifted per request); 200 when empty. */
  readonly statuses: number[] = [];
  private server: Server | null = null;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (d: Buffer) => {
        raw += d.toString("utf8");
      });
      req.on("end", () => {
        this.calls.push({ path: req.url ?? "", headers: req.headers, body: raw ? JSON.parse(raw) : null });
        res.writeHead(this.statuses.shift() ?? 200, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Calls to a path ending in `suffix`. */
  to(suffix: string): RecordedCall[] {
    return this.calls.filter((c) => c.path.endsWith(suffix));
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** A start request with test defaults. */
export function startRequest(over: Partial<StartAgentRequest> & { workerUrl: string }): StartAgentRequest {
  return {
    agentId: "polecat-demo-1",
    town: "local:dev",
    role: "polecat",
    kind: "command:test",
    rig: null,
    beadId: "gt-4k2m",
    prompt: "do the work",
    agentToken: "agent-token-0123456789abcdef",
    cols: 80,
    rows: 12,
    ...over,
  };
}
