import { DurableObject } from "cloudflare:workers";
import { openTownDb, type TownDb } from "../db/client";
import type { Env } from "./env";

/** One town's state. Thin: every method delegates to db/ and worker/town/*. */
export class TownDO extends DurableObject<Env> {
  db!: TownDb;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.db = await openTownDb(ctx.storage);
    });
  }

  async ping(): Promise<string> {
    return "pong";
  }
}
