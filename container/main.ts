import { createRequire } from "node:module";
import path from "node:path";
import { serve } from "@hono/node-server";
import { z } from "zod";
import { errorMessage } from "../core/errors";
import { createLogger } from "../core/logger";
import { CliAgentLauncher } from "./agents/launcher";
import { loadConfig } from "./config";
import { GitManager } from "./git/git-manager";
import { GitWorkspaceProvider } from "./git/workspace-provider";
import { gtMcpCommand } from "./mcp/gt-server-command";
import { createRedactor, redactMergeResult } from "./redact";
import { createControlServer } from "./server";
import { Supervisor } from "./supervisor";

/**
 * Composition root of the container: configuration parsed once, real git workspaces and agent
 * CLIs, the supervisor, the control server on 127.0.0.1:8788 (0.0.0.0 in the image), and a
 * clean shutdown that stops every agent.
 */

const config = loadConfig(process.env, process.cwd());
const logger = createLogger({ level: config.logLevel, scope: "container" });
const { version } = z.object({ version: z.string() }).parse(createRequire(import.meta.url)("../package.json"));

const git = new GitManager({ dataDir: config.dataDir, env: config.baseEnv, credentials: config.gitCredentials, logger });
const supervisor = new Supervisor({
  workspace: new GitWorkspaceProvider({ git, scratchDir: path.join(config.dataDir, "scratch"), logger }),
  launcher: new CliAgentLauncher({ model: config.model, stateDir: path.join(config.dataDir, "state"), mcp: gtMcpCommand(), env: config.baseEnv }),
  logger,
  baseEnv: config.baseEnv,
  secrets: config.secrets,
  idleMs: config.idleMs,
  heartbeatMs: config.heartbeatMs,
  scrollback: config.scrollback,
});
// What merges report goes to chat, mail and the LLM review: the container's secrets never do.
const mergeRedactor = createRedactor({ secrets: config.secrets });
const app = createControlServer({ supervisor, merge: async (req) => redactMergeResult(await git.merge(req), mergeRedactor), logger, token: config.token, version });

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  logger.info("control server listening", { url: `http://${config.host}:${info.port}`, dataDir: config.dataDir, auth: config.token !== undefined });
});
server.on("error", (e) => {
  logger.error("control server failed", { error: errorMessage(e) });
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    // A second Ctrl-C means now.
    process.exit(1);
  }
  stopping = true;
  logger.info("shutting down", { signal, agents: supervisor.runningCount });
  server.close();
  const bound = new Promise<void>((r) => setTimeout(r, 15_000).unref());
  await Promise.race([supervisor.close().then(() => supervisor.drain()), bound]);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
