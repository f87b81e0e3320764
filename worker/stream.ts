import { z } from "zod";
import { StreamClientFrame, type StreamServerFrame } from "../core/events";
import { TownId } from "../core/ids";
import type { Logger } from "../core/ports";
import type { TownDb } from "../db/client";
import { readTownEvents } from "../db/outbox";
import { advanceCursor, headSeq, readCursor } from "./stream-cursor";

/**
 * The town event stream on the TownDO: hibernatable WebSockets that replay the outbox from a
 * cursor and then carry live events, in seq order, never twice on one connection.
 *
 * Each socket's cursor (the last seq sent on it) lives in its attachment, so it survives
 * hibernation, and every send path (the backlog replay, the push after a change) reads and
 * advances that one cursor synchronously; two paths can never send the same event.
 */

/** Query of the stream request (the Worker forwards its validated query plus the town). */
export const StreamParams = z.object({
  town: TownId,
  /** Replay events with seq > after; omitted: resume from the consumer's acked cursor. */
  after: z.coerce.number().int().nonnegative().optional(),
  /** Whose durable cursor acks move, e.g. `bot`. */
  consumer: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "consumer names are letters, digits and _ . : -")
    .default("bot"),
});
export type StreamParams = z.infer<typeof StreamParams>;

const SocketState = z.object({ town: z.string(), consumer: z.string(), cursor: z.number().int().nonnegative() });
type SocketState = z.infer<typeof SocketState>;

/** Events read per query; a long backlog is sent a few batches per turn of the event loop. */
const BATCH = 200;
const BATCHES_PER_TURN = 5;

export class EventStream {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly db: TownDb,
    private readonly log: Logger,
  ) {}

  /** Accepts a stream connection: hello, then the backlog after the cursor, then live events. */
  accept(params: StreamParams): Response {
    const after = params.after ?? readCursor(this.db, params.consumer);
    const head = headSeq(this.db);
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [params.consumer]);
    const state: SocketState = { town: params.town, consumer: params.consumer, cursor: after };
    server.serializeAttachment(state);
    this.send(server, { t: "hello", town: params.town, after, head });
    this.pump(server);
    this.log.info("stream connected", { consumer: params.consumer, after, head });
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends every socket the events it has not had yet (call after anything appended events). */
  flush(): void {
    for (const ws of this.ctx.getWebSockets()) this.pump(ws);
  }

  /** Handles a client frame: `ack` moves the consumer's durable cursor, `ping` reports it. */
  message(ws: WebSocket, raw: string | ArrayBuffer): void {
    const state = this.state(ws);
    if (!state) return;
    const frame = parseFrame(raw);
    if (typeof frame === "string") {
      this.send(ws, { t: "error", message: frame });
      return;
    }
    if (frame.t === "ping") {
      this.send(ws, { t: "acked", seq: readCursor(this.db, state.consumer) });
      return;
    }
    const head = headSeq(this.db);
    if (frame.seq > head) {
      this.send(ws, { t: "error", message: `cannot ack ${frame.seq}: the newest event is ${head}` });
      return;
    }
    this.send(ws, { t: "acked", seq: advanceCursor(this.db, state.consumer, frame.seq) });
  }

  /**
   * A client went away; its durable cursor stays where its last ack put it. The close frame
   * is answered so the client sees a clean close instead of waiting for its own timeout.
   */
  closed(ws: WebSocket, code: number): void {
    const state = this.state(ws);
    this.log.info("stream closed", { consumer: state?.consumer, code, sent: state?.cursor });
    if (ws.readyState === WebSocket.CLOSED) return;
    try {
      // 1005/1006/1015 describe a close but may not be sent in one.
      ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code, "closed");
    } catch (err) {
      this.log.debug("stream close reply failed", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private state(ws: WebSocket): SocketState | undefined {
    const parsed = SocketState.safeParse(ws.deserializeAttachment());
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * Sends the socket the events after its cursor. Each batch is read, sent and recorded in
   * one synchronous step; a long backlog yields between turns so the town keeps answering,
   * and whichever call runs next simply continues from the recorded cursor.
   */
  private pump(ws: WebSocket): void {
    try {
      for (let turn = 0; turn < BATCHES_PER_TURN; turn++) {
        const state = this.state(ws);
        if (!state || ws.readyState !== WebSocket.OPEN) return;
        const events = readTownEvents(this.db, state.cursor, BATCH);
        const last = events.at(-1);
        if (!last) return;
        for (const event of events) ws.send(JSON.stringify({ t: "event", event } satisfies StreamServerFrame));
        ws.serializeAttachment({ ...state, cursor: last.seq } satisfies SocketState);
        if (events.length < BATCH) return;
      }
      setTimeout(() => this.pump(ws), 0);
    } catch (err) {
      // A socket that cannot be written to is useless: close it so the client reconnects
      // and resumes from its last ack instead of waiting on a stream that will never come.
      this.log.warn("stream send failed; closing the socket", { error: err instanceof Error ? err.message : String(err) });
      if (ws.readyState === WebSocket.OPEN) ws.close(1011, "stream send failed; reconnect to resume");
    }
  }

  private send(ws: WebSocket, frame: StreamServerFrame): void {
    ws.send(JSON.stringify(frame));
  }
}

/** A client frame, or the message of an error frame explaining what is wrong with it. */
function parseFrame(raw: string | ArrayBuffer): StreamClientFrame | string {
  if (typeof raw !== "string") return "frames are JSON text, not binary";
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return "frames are JSON: could not parse this one";
  }
  const parsed = StreamClientFrame.safeParse(json);
  if (parsed.success) return parsed.data;
  return `bad frame: ${parsed.error.issues[0]?.message ?? "unknown frame"} (expected {"t":"ack","seq":n} or {"t":"ping"})`;
}
