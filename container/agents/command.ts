import { join } from "node:path";
import { GastownError } from "../../core/errors";
import type { Launch } from "../ports";
import type { AdapterContext, AgentAdapter } from "./adapter";
import { baseEnv, gtEnv, secretNames, writePrivate } from "./common";

/**
 * Any program, from `command:<argv>`: a JSON array (`command:["my-agent","--fast"]`) or
 * words split on whitespace (`command:my-agent --fast`); never a shell. The prompt and the
 * gt MCP config are written to files; argv items `{prompt}`, `{prompt_file}`,
 * `{mcp_config}` and `{cwd}` are replaced whole, and GASTOWN_PROMPT_FILE,
 * GASTOWN_MCP_CONFIG and GASTOWN_MCP_COMMAND (JSON argv) are set in the env.
 */
export class CommandAdapter implements AgentAdapter {
  /** Build argv/env and write the prompt and MCP config files. */
  async build(ctx: AdapterContext): Promise<Launch> {
    const { cfg, ws, agentDir, req } = ctx;
    const words = parseCommand(req.kind);
    const files: string[] = [];
    const promptFile = await writePrivate(join(agentDir, "prompt.md"), req.prompt);
    files.push(promptFile);
    const mcpEnv = Object.fromEntries(Object.keys(gtEnv(ctx)).map((k) => [k, `\${${k}}`]));
    const mcpConfig = await writePrivate(
      join(agentDir, "mcp.json"),
      JSON.stringify({ mcpServers: { gt: { type: "stdio", command: cfg.mcp.command, args: cfg.mcp.args, env: mcpEnv } } }, null, 2),
    );
    files.push(mcpConfig);
    const subst: Record<string, string> = { "{prompt}": req.prompt, "{prompt_file}": promptFile, "{mcp_config}": mcpConfig, "{cwd}": ws.cwd };
    const [bin, ...args] = words.map((w) => subst[w] ?? w) as [string, ...string[]];
    const env: Record<string, string> = {
      ...baseEnv(ctx, cfg.env.HOME ?? agentDir),
      GASTOWN_PROMPT_FILE: promptFile,
      GASTOWN_MCP_CONFIG: mcpConfig,
      GASTOWN_MCP_COMMAND: JSON.stringify([cfg.mcp.command, ...cfg.mcp.args]),
    };
    return { argv: [bin, ...args], env, cwd: ws.cwd, secretEnv: secretNames(env), files };
  }
}

/** argv of a `command:` agent kind. */
export function parseCommand(kind: string): [string, ...string[]] {
  const spec = kind.replace(/^command:/, "").trim();
  let words: unknown;
  if (spec.startsWith("[")) {
    try {
      words = JSON.parse(spec);
    } catch (cause) {
      throw new GastownError("bad_request", "command:<argv> as JSON must be an array of strings", { cause });
    }
  } else {
    words = spec.split(/\s+/).filter(Boolean);
  }
  if (!Array.isArray(words) || words.length === 0 || !words.every((w) => typeof w === "string" && w !== ""))
    throw new GastownError("bad_request", "command:<argv> needs a program and its arguments");
  return words as [string, ...string[]];
}
