import type { TownId } from "../core/ids";
import type { Env } from "./env";

/** Who is calling: the bot/operator (API token) or one agent of this town (agent token). */
export type Principal = { kind: "bot" } | { kind: "agent"; agent: string };

/** The Hono environment every Town API app shares. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** The validated town id from the path. */
    town: TownId;
    principal: Principal;
  };
}
