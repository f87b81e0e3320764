import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs the local town exactly as `npm start` does (scripts/start.mjs: wrangler dev, the
 * container control server, the bot) on free ports with a fresh state dir, for end-to-end
 * tests of the real processes.
 */

export interface LocalTown {
  workerUrl: string;
  containerUrl: string;
  botUrl: string;
  token: string;
  dir: string;
  /** Everything the processes printed (status lines; all output with GASTOWN_VERBOSE). */
  output(): string;
  /** Calls the Town API with the bot token. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }>;
  stop(): Promise<void>;
}

/** Whether `port` can be bound on 127.0.0.1 right now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/**
 * A port that is free now, picked below the kernel's ephemeral range (32768+): ports the OS
 * hands out for `listen(0)` and for outgoing connections come from that range, so a port
 * chosen there can be taken again (by another test's connection) before wrangler binds it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
}

type StartOptions = { parts?: string[]; env?: Record<string, string>; readyTimeoutMs?: number };

/** Starts the town; a port taken between choosing and binding it means a fresh try on new ports. */
export async function startLocalTown(opts: StartOptions = {}): Promise<LocalTown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof PortTaken)) throw e;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(opts: StartOptions): Promise<LocalTown> {
  const dir = mkdtempSync(join(tmpdir(), "gt-town-"));
  const [workerPort, containerPort, botPort, inspectorPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const token = randomBytes(16).toString("hex");
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    GASTOWN_WORKER_PORT: String(workerPort),
    GASTOWN_CONTAINER_PORT: String(containerPort),
    GASTOWN_INSPECTOR_PORT: String(inspectorPort),
    BOT_PORT: String(botPort),
    GASTOWN_API_TOKEN: token,
    GASTOWN_AGENT_SECRET: randomBytes(16).toString("hex"),
    GASTOWN_STATE_DIR: join(dir, "state"),
    GASTOWN_DATA_DIR: join(dir, "data"),
    GASTOWN_VERBOSE: "1",
    ...opts.env,
  };
  const parts = opts.parts ?? ["worker", "container", "bot"];
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs", `--parts=${parts.join(",")}`], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  while (!out.includes("[town     ] up")) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      const message = `the local town exited early:\n${out}`;
      throw /EADDRINUSE|Address already in use|is busy: stop whatever listens/.test(out) ? new PortTaken(message) : new Error(message);
    }
    if (Date.now() > deadline) {
      process.kill(-(child.pid ?? 0), "SIGKILL");
      throw new Error(`the local town did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const workerUrl = `http://127.0.0.1:${workerPort}`;
  return {
    workerUrl,
    containerUrl: `http://127.0.0.1:${containerPort}`,
    botUrl: `http://127.0.0.1:${botPort}`,
    token,
    dir,
    output: () => out,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${workerUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGINT");
        const timer = setTimeout(() => {
          try {
            process.kill(-(child.pid ?? 0), "SIGKILL");
          } catch {
            // already gone
          }
        }, 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
