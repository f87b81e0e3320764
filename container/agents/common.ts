import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AdapterContext } from "./adapter";

/** Env names whose values never show on a snapshot. */
export const MODEL_SECRET_ENV = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"] as const;
export const AGENT_TOKEN_ENV = "GASTOWN_AGENT_TOKEN";

/** Linux caps one argv string at 128 KiB; longer prompts go through a file. */
const MAX_ARG_PROMPT_BYTES = 100_000;

/**
 * Settings of the gt MCP server. The agent CLI gets them in its own env and passes them on
 * (by reference where the CLI supports it), so the token is not written into config files.
 */
export function gtEnv(ctx: AdapterContext): Record<string, string> {
  const env: Record<string, string> = {
    GASTOWN_WORKER_URL: ctx.req.workerUrl,
    GASTOWN_TOWN: ctx.req.town,
    GASTOWN_AGENT: ctx.req.agentId,
    [AGENT_TOKEN_ENV]: ctx.req.agentToken,
  };
  if (ctx.ws.branch) env.GASTOWN_BRANCH = ctx.ws.branch;
  if (ctx.req.beadId) env.GASTOWN_BEAD = ctx.req.beadId;
  return env;
}

/** Env shared by every agent: its own HOME, a terminal, git identity = the agent id. */
export function baseEnv(ctx: AdapterContext, home: string): Record<string, string> {
  const email = `${ctx.req.agentId}@gastown.local`;
  return {
    ...ctx.cfg.env,
    HOME: home,
    TERM: "xterm-256color",
    COLORTERM: "truecolor",
    GIT_AUTHOR_NAME: ctx.req.agentId,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: ctx.req.agentId,
    GIT_COMMITTER_EMAIL: email,
    GIT_TERMINAL_PROMPT: "0",
    ...gtEnv(ctx),
  };
}

/** Names of the env vars in `env` that hold secrets. */
export function secretNames(env: Record<string, string>): string[] {
  return [...MODEL_SECRET_ENV, AGENT_TOKEN_ENV].filter((k) => env[k] !== undefined && env[k] !== "");
}

/** Write a private config file (owner-only) and return its path. */
export async function writePrivate(path: string, content: string): Promise<string> {
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

/**
 * The prompt as one argv string, or (when too long for argv) a short instruction to read it
 * from a file in the agent's dir; `files` gets the file to remove on release.
 */
export async function promptArg(ctx: AdapterContext, files: string[]): Promise<string> {
  if (Buffer.byteLength(ctx.req.prompt, "utf8") <= MAX_ARG_PROMPT_BYTES) return ctx.req.prompt;
  const path = join(ctx.agentDir, "prompt.md");
  files.push(await writePrivate(path, ctx.req.prompt));
  return `Your instructions are in ${path}. Read that file first and follow it.`;
}

/** The last `n` characters of a key (Claude Code approves custom API keys by their tail). */
export const keyTail = (key: string, n = 20): string => key.slice(-n);
