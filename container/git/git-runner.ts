import { GastownError } from "../../core/errors";
import type { Logger } from "../../core/ports";
import { type RunResult, runProcess } from "./run-process";

/**
 * Runs git with argv arrays and a fixed, credential-safe environment. Credentials come from
 * configuration through a credential helper that reads two env vars set only on the git
 * process, so they never appear in URLs, argv (visible in `ps`), logs or snapshots.
 */

/** Username/password (or token) for one git host, e.g. github.com. */
export interface GitCredential {
  host: string;
  username: string;
  password: string;
}

export interface GitRunnerConfig {
  gitBin?: string;
  /** Base environment (PATH, HOME, ...) for every git process; no secrets. */
  env: Record<string, string>;
  credentials?: GitCredential[];
  logger: Logger;
}

export interface GitCallOptions {
  cwd: string;
  /** Remote URL this call talks to, to pick the credential. */
  remoteUrl?: string;
  timeoutMs?: number;
  input?: string;
  /** Return the result instead of throwing on a non-zero exit. */
  allowFail?: boolean;
  /** Extra `-c key=value` settings for this call (identity for merge commits). */
  config?: Record<string, string>;
}

/**
 * A constant helper script (no user text in it): git runs `!...` helpers through the shell
 * with git's own environment, where the two variables below hold the credential.
 */
export const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || exit 0; echo "username=$GASTOWN_GIT_USERNAME"; echo "password=$GASTOWN_GIT_PASSWORD"; }; f';

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const MAX_OUTPUT = 4 * 1024 * 1024;

/** Git URLs we accept: no option-looking values, no credentials in the URL. */
export function checkRemoteUrl(url: string): void {
  if (!/^(https?:\/\/|ssh:\/\/|git@|file:\/\/|\/)/.test(url)) throw new GastownError("bad_request", "unsupported git URL");
  if (/^[a-z+]+:\/\/[^/@]*@/i.test(url) && /^https?:/i.test(url))
    throw new GastownError("bad_request", "put git credentials in configuration, not in the URL");
}

/** Host of an http(s) URL, or null for other transports. */
function httpHost(url: string): string | null {
  if (!/^https?:\/\//i.test(url)) return null;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

export class GitRunner {
  private readonly gitBin: string;
  constructor(private readonly cfg: GitRunnerConfig) {
    this.gitBin = cfg.gitBin ?? "git";
  }

  /** Run `git <args>`; throws GastownError(runtime_failed) on failure unless allowFail. */
  async run(args: string[], opts: GitCallOptions): Promise<RunResult> {
    const cred = this.credentialFor(opts.remoteUrl);
    const env: Record<string, string> = {
      ...this.cfg.env,
      GIT_TERMINAL_PROMPT: "0",
      GCM_INTERACTIVE: "never",
      GIT_CONFIG_NOSYSTEM: "1",
      LC_ALL: "C",
    };
    if (cred) {
      env.GASTOWN_GIT_USERNAME = cred.username;
      env.GASTOWN_GIT_PASSWORD = cred.password;
    }
    const settings = ["-c", "credential.helper=", "-c", `credential.helper=${CREDENTIAL_HELPER}`, "-c", "protocol.ext.allow=never"];
    for (const [k, v] of Object.entries(opts.config ?? {})) settings.push("-c", `${k}=${v}`);
    const argv: [string, ...string[]] = [this.gitBin, ...settings, ...args];
    const result = await runProcess(argv, {
      cwd: opts.cwd,
      env,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxOutput: MAX_OUTPUT,
      input: opts.input,
    });
    const ok = result.exitCode === 0 && result.spawnError === null;
    if (!ok) this.cfg.logger.debug("git failed", { cmd: args[0], exitCode: result.exitCode, timedOut: result.timedOut });
    if (!ok && !opts.allowFail) {
      const why = result.spawnError ?? (result.timedOut ? "timed out" : this.redact(result.stderr.trim() || result.stdout.trim(), cred));
      throw new GastownError("runtime_failed", `git ${args[0]} failed: ${why.slice(-2000)}`, {
        details: { exitCode: result.exitCode, timedOut: result.timedOut },
      });
    }
    return result;
  }

  /** stdout of a git command, trimmed. */
  async out(args: string[], opts: GitCallOptions): Promise<string> {
    return (await this.run(args, opts)).stdout.trim();
  }

  /** Does the ref exist? */
  async hasRef(ref: string, cwd: string): Promise<boolean> {
    const r = await this.run(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd, allowFail: true });
    return r.exitCode === 0;
  }

  private credentialFor(url: string | undefined): GitCredential | null {
    const host = url ? httpHost(url) : null;
    if (!host) return null;
    return this.cfg.credentials?.find((c) => c.host.toLowerCase() === host) ?? null;
  }

  /** Git may echo URLs or prompts; never let a configured password through. */
  private redact(text: string, cred: GitCredential | null): string {
    let out = text.replace(/(https?:\/\/)[^/@\s]+@/gi, "$1[redacted]@");
    if (cred && cred.password !== "") out = out.split(cred.password).join("[redacted]");
    return out;
  }
}
