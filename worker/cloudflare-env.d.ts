// Types `env` from "cloudflare:workers" / "cloudflare:test" as the Worker's Env.
import type { Env as WorkerEnv } from "./env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
  }
}
