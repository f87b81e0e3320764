import path from "node:path";
import { z } from "zod";
import { GastownError } from "../core/errors";

const seconds = (def: number) => z.coerce.number().positive().default(def);

/** Environment of the container process, parsed once at start-up. */
const Env = z.object({
  GASTOWN_CONTAINER_PORT: z.coerce.number().int().min(1).max(65535).default(8788),
  /** 127.0.0.1 locally; the Dockerfile sets 0.0.0.0 so Cloudflare can reach it. */
  GASTOWN_CONTAINER_HOST: z.string().min(1).default("127.0.0.1"),
  GASTOWN_CONTAINER_TOKEN: z.string().min(16).optional(),
  /** Clones and worktrees live here. */
  GASTOWN_DATA_DIR: z.string().min(1).default(".gastown/data"),
  GASTOWN_IDLE_SECONDS: seconds(60),
  GASTOWN_HEARTBEAT_SECONDS: seconds(30),
  GASTOWN_SCROLLBACK_LINES: z.coerce.number().int().min(100).max(100_000).default(2000),
  GASTOWN_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  GASTOWN_MODEL: z.string().min(1).optional(),
  /** JSON list of `{host, username, password}` for HTTPS remotes, handed to git's credential helper. */
  GASTOWN_GIT_CREDENTIALS: z.string().optional(),
  /** Shorthand for a github.com credential. */
  GITHUB_TOKEN: z.string().min(1).optional(),
});

const GitCredentials = z.array(z.object({ host: z.string().min(1), username: z.string().min(1), password: z.string().min(1) })).max(50);

/** HTTPS credential for one git host. */
export interface GitCredential {
  host: string;
  username: string;
  password: string;
}

/** Names whose values are secrets wherever they show up on an agent's screen. */
const SECRET_NAME = /token|secret|password|api[_-]?key|private[_-]?key|credential/i;

/** Variables every agent inherits; the rest of the container's environment stays private. */
const INHERITED = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE"];

export interface ContainerConfig {
  port: number;
  host: string;
  token: string | undefined;
  dataDir: string;
  idleMs: number;
  heartbeatMs: number;
  scrollback: number;
  logLevel: "debug" | "info" | "warn" | "error";
  model: { anthropicBaseUrl?: string; anthropicApiKey?: string; openaiBaseUrl?: string; openaiApiKey?: string; model?: string };
  gitCredentials: GitCredential[];
  /** Base environment of every agent. */
  baseEnv: Record<string, string>;
  /** Values of secret-looking variables in the container's environment, redacted from snapshots. */
  secrets: string[];
}

/** Parses the container's configuration from `env` (process.env at the composition root). */
export function loadConfig(env: Record<string, string | undefined>, cwd: string): ContainerConfig {
  // An empty value (`FOO=` in .env) means unset.
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new GastownError("bad_request", `container configuration: ${lines}`, { details: parsed.error.issues });
  }
  const e = parsed.data;
  const baseEnv: Record<string, string> = {};
  for (const k of INHERITED) {
    const v = env[k];
    if (v !== undefined) baseEnv[k] = v;
  }
  let gitCredentials: GitCredential[] = [];
  if (e.GASTOWN_GIT_CREDENTIALS) {
    let raw: unknown;
    try {
      raw = JSON.parse(e.GASTOWN_GIT_CREDENTIALS);
    } catch (cause) {
      throw new GastownError("bad_request", "container configuration: GASTOWN_GIT_CREDENTIALS is not JSON", { cause });
    }
    const creds = GitCredentials.safeParse(raw);
    // The issues would quote the passwords; say only where it is wrong.
    if (!creds.success) throw new GastownError("bad_request", "container configuration: GASTOWN_GIT_CREDENTIALS must be [{host, username, password}]");
    gitCredentials = creds.data;
  }
  if (e.GITHUB_TOKEN && !gitCredentials.some((c) => c.host === "github.com")) {
    gitCredentials.push({ host: "github.com", username: "x-access-token", password: e.GITHUB_TOKEN });
  }
  const secrets = [
    ...Object.entries(env)
      .filter(([k, v]) => v !== undefined && SECRET_NAME.test(k))
      .map(([, v]) => v as string),
    ...gitCredentials.map((c) => c.password),
  ];
  return {
    port: e.GASTOWN_CONTAINER_PORT,
    host: e.GASTOWN_CONTAINER_HOST,
    token: e.GASTOWN_CONTAINER_TOKEN,
    dataDir: path.resolve(cwd, e.GASTOWN_DATA_DIR),
    idleMs: e.GASTOWN_IDLE_SECONDS * 1000,
    heartbeatMs: e.GASTOWN_HEARTBEAT_SECONDS * 1000,
    scrollback: e.GASTOWN_SCROLLBACK_LINES,
    logLevel: e.GASTOWN_LOG_LEVEL,
    model: {
      anthropicBaseUrl: e.ANTHROPIC_BASE_URL,
      anthropicApiKey: e.ANTHROPIC_API_KEY,
      openaiBaseUrl: e.OPENAI_BASE_URL,
      openaiApiKey: e.OPENAI_API_KEY,
      model: e.GASTOWN_MODEL,
    },
    gitCredentials,
    baseEnv,
    secrets,
  };
}
