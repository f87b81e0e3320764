import { z } from "zod";
import { GastownError } from "../../core/errors";
import type { AgentDoneRequest, AgentEscalateRequest, AgentMailSendRequest } from "../../core/town-api";

/**
 * The Worker's agent API as seen from inside the container: every gt tool is one call to
 * `{workerUrl}/towns/{town}/agents/{agent}/...` with the agent's scoped bearer token.
 */

export const AgentApiConfig = z.object({
  workerUrl: z.string().url(),
  town: z.string().min(1),
  agent: z.string().min(1),
  token: z.string().min(1),
  /** Branch the agent works on, sent with gt_done so the refinery knows what to merge. */
  branch: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(30_000),
});
export type AgentApiConfig = z.input<typeof AgentApiConfig>;

type DoneBody = z.input<typeof AgentDoneRequest>;
type MailBody = z.input<typeof AgentMailSendRequest>;
type EscalateBody = z.input<typeof AgentEscalateRequest>;

/** Longest piece of a Worker error body we pass on to the agent. */
const MAX_ERROR_TEXT = 2000;

/** Typed client of the agent routes; answers are returned as parsed JSON for the tool text. */
export class AgentApiClient {
  private readonly cfg: z.output<typeof AgentApiConfig>;
  private readonly fetchFn: typeof fetch;

  constructor(cfg: AgentApiConfig, fetchFn: typeof fetch = fetch) {
    this.cfg = AgentApiConfig.parse(cfg);
    this.fetchFn = fetchFn;
  }

  /** Report the bead's work finished (enters the refinery queue). */
  done(body: DoneBody): Promise<unknown> {
    return this.call("POST", "done", { ...body, branch: body.branch ?? this.cfg.branch });
  }
  /** Send mail to another agent or to the agent hooked on a bead. */
  sendMail(body: MailBody): Promise<unknown> {
    return this.call("POST", "mail", body);
  }
  /** Fetch unread mail for this agent. */
  checkMail(): Promise<unknown> {
    return this.call("GET", "mail/check");
  }
  /** Ask for human attention. */
  escalate(body: EscalateBody): Promise<unknown> {
    return this.call("POST", "escalate", body);
  }
  /** Read one bead. */
  showBead(beadId: string): Promise<unknown> {
    return this.call("GET", `beads/${encodeURIComponent(beadId)}`);
  }
  /** This agent's hook and the town's view of it. */
  status(): Promise<unknown> {
    return this.call("GET", "status");
  }

  private async call(method: "GET" | "POST", route: string, body?: unknown): Promise<unknown> {
    const base = this.cfg.workerUrl.replace(/\/+$/, "");
    const url = `${base}/towns/${encodeURIComponent(this.cfg.town)}/agents/${encodeURIComponent(this.cfg.agent)}/${route}`;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
        headers: {
          authorization: `Bearer ${this.cfg.token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (cause) {
      throw new GastownError("unavailable", `the town did not answer ${method} ${route}`, { cause });
    }
    const text = await res.text();
    if (!res.ok) {
      const code = res.status === 401 ? "unauthorized" : res.status === 404 ? "not_found" : res.status === 400 ? "bad_request" : "runtime_failed";
      throw new GastownError(code, `the town refused ${method} ${route} (${res.status}): ${errorText(text)}`, { details: { status: res.status } });
    }
    if (text === "") return {};
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new GastownError("runtime_failed", `the town answered ${method} ${route} with non-JSON`, { cause });
    }
  }
}

/** The error message from a Worker error body (`{error:{message}}` or `{error:"..."}`), bounded. */
function errorText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
      const err = (parsed as { error: unknown }).error;
      if (typeof err === "string") return err.slice(0, MAX_ERROR_TEXT);
      if (typeof err === "object" && err !== null && "message" in err && typeof err.message === "string") return err.message.slice(0, MAX_ERROR_TEXT);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, MAX_ERROR_TEXT) || "no details";
}
