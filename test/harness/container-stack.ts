import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { silentLogger } from "../../core/logger";
import { LocalProcessRuntime } from "../../worker/runtime/local-process-runtime";
import { CliAgentLauncher } from "../../container/agents/launcher";
import { WorkerCallbacks } from "../../container/callbacks";
import { GitManager } from "../../container/git/git-manager";
import { GitWorkspaceProvider } from "../../container/git/workspace-provider";
import { makeTempOrigin, type TempOrigin } from "../../container/git/test-repos";
import { gtMcpCommand } from "../../container/mcp/gt-server-command";
import { createControlServer } from "../../container/server";
import { Supervisor } from "../../container/supervisor";
import { FakeWorker } from "../../container/supervisor-fakes";

/**
 * Test helper: the container as main.ts composes it (real GitManager and worktrees, the real
 * agent launcher, the real Supervisor with PTYs, the control server over real HTTP), against a
 * temp bare origin, with a fake Worker recording callbacks. The Worker's own client
 * (LocalProcessRuntime) talks to it.
 */

export const STACK_TOKEN = "container-token-0123456789";

export interface ContainerStack {
  origin: TempOrigin;
  /** Everything the container writes lives under here. */
  dataDir: string;
  git: GitManager;
  supervisor: Supervisor;
  /** The Worker's client of the control API. */
  runtime: LocalProcessRuntime;
  /** Base URL of the control server (for raw requests). */
  url: string;
  worker: FakeWorker;
  close(): Promise<void>;
}

/** Starts the stack on 127.0.0.1 (random port) for a rig named `rigName`. */
export async function startContainerStack(rigName = "web"): Promise<ContainerStack> {
  const origin = makeTempOrigin(rigName);
  const dataDir = join(origin.root, "data");
  const worker = await new FakeWorker().start();
  const git = new GitManager({ dataDir, env: origin.env, logger: silentLogger });
  const supervisor = new Supervisor({
    workspace: new GitWorkspaceProvider({ git, scratchDir: join(dataDir, "scratch"), logger: silentLogger }),
    launcher: new CliAgentLauncher({ model: {}, stateDir: join(dataDir, "state"), mcp: gtMcpCommand(), env: origin.env }),
    logger: silentLogger,
    callbacks: new WorkerCallbacks({ logger: silentLogger, backoffMs: () => 0 }),
    baseEnv: origin.env,
    stopGraceMs: 2_000,
    enterDelayMs: 10,
  });
  const app = createControlServer({ supervisor, logger: silentLogger, token: STACK_TOKEN, merge: (req) => git.merge(req) });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    dataDir,
    git,
    supervisor,
    runtime: new LocalProcessRuntime({ baseUrl: url, token: STACK_TOKEN }),
    url,
    worker,
    async close() {
      await supervisor.close();
      await supervisor.drain();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      await worker.stop();
      origin.cleanup();
    },
  };
}
