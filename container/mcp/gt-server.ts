import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { errorMessage } from "../../core/errors";
import { createLogger } from "../../core/logger";
import { AgentApiClient } from "./agent-api-client";
import { createGtMcpServer } from "./gt-tools";

/**
 * Entry point of the gt MCP server (stdio), started by the agent CLI from its MCP config:
 * `node --import tsx container/mcp/gt-server.ts`. The agent adapter passes the settings in env;
 * this is the process's composition root, so it is the one place that reads process.env.
 */

const Env = z.object({
  GASTOWN_WORKER_URL: z.string().url(),
  GASTOWN_AGENT_TOKEN: z.string().min(1),
  GASTOWN_TOWN: z.string().min(1),
  GASTOWN_AGENT: z.string().min(1),
  GASTOWN_BRANCH: z.string().min(1).optional(),
});

// stdout carries the MCP protocol: logs go to stderr only.
const logger = createLogger({ scope: "gt-mcp", sink: (line) => process.stderr.write(`${line}\n`) });

async function main(): Promise<void> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new Error(`gt MCP server: missing or bad settings: ${missing}`);
  }
  const env = parsed.data;
  const api = new AgentApiClient({
    workerUrl: env.GASTOWN_WORKER_URL,
    town: env.GASTOWN_TOWN,
    agent: env.GASTOWN_AGENT,
    token: env.GASTOWN_AGENT_TOKEN,
    branch: env.GASTOWN_BRANCH,
  });
  const server = createGtMcpServer(api, logger.child("tools", { agent: env.GASTOWN_AGENT }));
  await server.connect(new StdioServerTransport());
}

main().catch((e: unknown) => {
  logger.error("gt MCP server failed to start", { error: errorMessage(e) });
  process.exit(1);
});
