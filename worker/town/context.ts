import type { TownDb } from "../../db/client";
import type { AgentRuntime, Logger } from "../../core/ports";
import type { Env } from "../env";

/** What a town operation gets from the TownDO: its database, clock, logger and runtime. */
export interface TownContext {
  db: TownDb;
  log: Logger;
  env: Env;
  now(): number;
  /** Where agents run; undefined until a runtime is configured for this town. */
  runtime: AgentRuntime | undefined;
}
