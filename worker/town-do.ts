import { DurableObject } from "cloudflare:workers";
import { createLogger } from "../core/logger";
import type { AgentRuntime, Logger } from "../core/ports";
import { openTownDb, type TownDb } from "../db/client";
import type { Env } from "./env";
import { startMayor } from "./mayor/start";
import { runReconcilerAlarm } from "./reconciler/alarm";
import { scheduleReconcile } from "./reconciler/schedule";
import { runtimeFor } from "./runtime/create-runtime";
import { EventStream, StreamParams } from "./stream";
import { headSeq } from "./stream-cursor";
import type { TownContext } from "./town/context";
import { runTownOp } from "./town/ops";
import { type Outcome, toOutcome } from "./town/outcome";

/**
 * One town's state. Thin: the Town API reaches it through one RPC method, `call`, which runs
 * a named operation from worker/town/ops.ts (one-liners into db/ and worker/town/*) and then
 * pushes the events it appended to the event stream's sockets.
 */
export class TownDO extends DurableObject<Env> {
  db!: TownDb;
  stream!: EventStream;
  readonly log: Logger;
  /** Where agents run; set by the runtime wiring. Undefined: runtime routes answer 503. */
  runtime: AgentRuntime | undefined = undefined;
  /** The town id this object was addressed by (`slack:T123`, `local:dev`, ...). */
  readonly town: string;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.log = createLogger({ scope: "town" });
    this.town = ctx.id.name ?? ctx.id.toString();
    this.runtime = runtimeFor(env, this.town, this.log.child("runtime"));
    ctx.blockConcurrencyWhile(async () => {
      this.db = await openTownDb(ctx.storage);
      this.stream = new EventStream(ctx, this.db, this.log.child("stream"));
    });
  }

  async ping(): Promise<string> {
    return "pong";
  }

  /**
   * Runs one Town API operation; failures come back as data (see worker/town/outcome.ts).
   * An operation that changed something people see (it appended events) may have made work
   * for the reconciler, so a pass is asked for; then the new events go out on the stream.
   */
  async call(op: string, args: unknown[]): Promise<Outcome> {
    const before = headSeq(this.db);
    const outcome = await toOutcome(() => runTownOp(this.context(), op, args), this.log, op);
    if (headSeq(this.db) !== before) await scheduleReconcile(this.ctx.storage, Date.now());
    this.stream.flush();
    return outcome;
  }

  /** A chat message for the mayor: answered in the background as `mayor_reply` events (worker/mayor). */
  async mayor(input: unknown): Promise<Outcome> {
    const host = {
      t: this.context(),
      town: this.town,
      publish: () => {
        this.stream.flush();
        scheduleReconcile(this.ctx.storage, Date.now()).catch((e: unknown) => this.log.error("could not schedule a reconciler pass", { error: String(e) }));
      },
      waitUntil: (p: Promise<unknown>) => this.ctx.waitUntil(p),
    };
    return toOutcome(() => startMayor(host, input), this.log, "mayor");
  }

  /** The event stream upgrade, forwarded by the Worker after auth. */
  override async fetch(request: Request): Promise<Response> {
    const params = StreamParams.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !params.success) {
      return Response.json({ error: { code: "bad_request", message: "expected a WebSocket upgrade with a valid stream query" } }, { status: 400 });
    }
    return this.stream.accept(params.data);
  }

  /** The reconciler: snapshot -> plan -> apply, then the alarm set for the next pass (worker/reconciler). */
  override async alarm(): Promise<void> {
    const { db, log, env, town } = this;
    const runtime = this.runtime ?? runtimeFor(env, town, log.child("runtime"));
    await runReconcilerAlarm({ db, storage: this.ctx.storage, runtime, log, env, town }, Date.now());
    this.stream.flush();
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.stream.message(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.stream.closed(ws, code);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.stream.closed(ws, 1006);
  }

  private context(): TownContext {
    return { db: this.db, log: this.log, env: this.env, now: () => Date.now(), runtime: this.runtime };
  }
}
