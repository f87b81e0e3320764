import { Container } from "@cloudflare/containers";
import { createLogger } from "../../core/logger";
import type { Env } from "../env";
import { AgentList } from "./container-client";

/** Port of the container control server inside the image (same as the local one). */
export const CONTAINER_PORT = 8788;

/**
 * One container per town (addressed by town id), running the control server and every agent
 * of the town. Declarative: the base class starts it on the first request and forwards HTTP
 * to `defaultPort`.
 */
export class TownContainer extends Container<Env> {
  override defaultPort = CONTAINER_PORT;
  /** Requests from the Worker keep it awake; agents working quietly are checked below. */
  override sleepAfter = "15m";
  private readonly log = createLogger({ scope: "town-container" });

  constructor(ctx: ConstructorParameters<typeof Container<Env>>[0], env: Env) {
    super(ctx, env);
    // The control server listens on all interfaces inside the container; secrets and model
    // settings reach it as env vars, never baked into the image.
    const pass: Record<string, string | undefined> = {
      GASTOWN_CONTAINER_HOST: "0.0.0.0",
      GASTOWN_CONTAINER_PORT: String(CONTAINER_PORT),
      GASTOWN_CONTAINER_TOKEN: env.GASTOWN_CONTAINER_TOKEN,
      ANTHROPIC_BASE_URL: env.ANTHROPIC_BASE_URL,
      ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY,
      OPENAI_BASE_URL: env.OPENAI_BASE_URL,
      OPENAI_API_KEY: env.OPENAI_API_KEY,
      GASTOWN_MODEL: env.GASTOWN_MODEL,
    };
    this.envVars = Object.fromEntries(Object.entries(pass).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
  }

  /**
   * The activity timer only sees requests from the Worker, but agents work for a long time
   * without one. Sleep only when no agent process is running; otherwise keep going (not
   * stopping here renews the timer).
   */
  override async onActivityExpired(): Promise<void> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.env.GASTOWN_CONTAINER_TOKEN) headers.authorization = `Bearer ${this.env.GASTOWN_CONTAINER_TOKEN}`;
    const res = await this.containerFetch("http://container/agents", { headers }, CONTAINER_PORT);
    if (res.ok) {
      const agents = AgentList.safeParse(await res.json());
      if (agents.success && agents.data.some((a) => a.running)) {
        this.log.info("container kept awake", { running: agents.data.filter((a) => a.running).length });
        return;
      }
      if (!agents.success) this.log.warn("agent list unreadable; stopping the idle container", { status: res.status });
    } else {
      this.log.warn("agent list failed; stopping the idle container", { status: res.status });
    }
    await this.stop();
  }
}
