import { fileURLToPath } from "node:url";

/** How an agent CLI starts the gt MCP server: a command and its argv. */
export interface McpCommand {
  command: string;
  args: string[];
}

/**
 * The command that runs container/mcp/gt-server.ts under Node with the tsx loader. Paths are
 * absolute because the agent CLI starts the server from the agent's worktree, where neither
 * `tsx` nor the server file would resolve.
 */
export function gtMcpCommand(nodeBin: string = process.execPath): McpCommand {
  const server = fileURLToPath(new URL("./gt-server.ts", import.meta.url));
  const tsxLoader = import.meta.resolve("tsx");
  return { command: nodeBin, args: ["--import", tsxLoader, server] };
}
