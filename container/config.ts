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
});

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
  /** Base environment of every agent. */
  baseEnv: Record<string, string>;
  /** Values of secret-looking variables in the container's environment, redacted from snapshots. */
  secrets: string[];
}

/** Parses the container's configuration from `env` (process.env at the composition root). */
export function loadConfig(env: Record<string, string | undefined>, cwd: string): ContainerConfig {
  const parsed = Env.safeParse(env);
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
  const secrets = Object.entries(env)
    .filter(([k, v]) => v !== undefined && SECRET_NAME.test(k))
    .map(([, v]) => v as string);
  return {
    port: e.GASTOWN_CONTAINER_PORT,
    host: e.GASTOWN_CONTAINER_HOST,
    token: e.GASTOWN_CONTAINER_TOKEN,
    dataDir: path.resolve(cwd, e.GASTOWN_DATA_DIR),
    idleMs: e.GASTOWN_IDLE_SECONDS * 1000,
    heartbeatMs: e.GASTOWN_HEARTBEAT_SECONDS * 1000,
    scrollback: e.GASTOWN_SCROLLBACK_LINES,
    logLevel: e.GASTOWN_LOG_LEVEL,
    baseEnv,
    secrets,
  };
}
