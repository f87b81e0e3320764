import WebSocket from "ws";
import { type StreamClientFrame, StreamServerFrame, type TownEvent } from "../core/events";
import { errorMessage } from "../core/errors";
import type { Logger } from "../core/ports";

/** What the projector says about one event: handled (ack it) or not (redeliver later). */
export type EventOutcome = "handled" | "retry_later";

export interface EventStreamOptions {
  /** URL for a connection resuming after `after` (undefined: the server's stored cursor of this consumer). */
  url(after: number | undefined): string;
  headers: Record<string, string>;
  handle(event: TownEvent): Promise<EventOutcome>;
  logger: Logger;
  /** Reconnect backoff: doubles from `initialMs` up to `maxMs`, with jitter. */
  backoff?: { initialMs: number; maxMs: number };
  pingEveryMs?: number;
}

/**
 * Consumer of a town's event stream. Events are handled one at a time in seq order; a seq is
 * acked only after `handle` says it was fully projected. After a disconnect it resumes from the
 * last acked seq, so nothing is lost; events at or below that seq are acked again, never re-run.
 */
export class EventStream {
  private ws: WebSocket | undefined;
  private stopped = true;
  private acked: number | undefined;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly opts: EventStreamOptions;
  private readonly onIdle = new Set<() => void>();
  private pending = 0;

  constructor(opts: EventStreamOptions) {
    this.opts = opts;
  }

  /** Highest seq acknowledged in this process (undefined before the first ack or hello). */
  get lastAcked(): number | undefined {
    return this.acked;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once("close", () => resolve());
        ws.close(1000, "bot stopping");
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    await this.chain;
  }

  /** Resolves when every event received so far has been handled (tests and shutdown). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.onIdle.add(resolve));
  }

  private connect(): void {
    if (this.stopped) return;
    const log = this.opts.logger;
    const ws = new WebSocket(this.opts.url(this.acked), { headers: this.opts.headers });
    this.ws = ws;
    ws.on("open", () => {
      this.attempt = 0;
      log.info("event stream connected", { after: this.acked ?? null });
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send(ws, { t: "ping" }), this.opts.pingEveryMs ?? 30_000);
      this.pingTimer.unref();
    });
    ws.on("message", (raw) => this.onFrame(ws, String(raw)));
    ws.on("error", (e) => log.warn("event stream error", { error: errorMessage(e) }));
    ws.on("close", (code) => {
      clearInterval(this.pingTimer);
      if (this.ws === ws) this.ws = undefined;
      if (this.stopped) return;
      log.warn("event stream closed; reconnecting", { code, after: this.acked ?? null });
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 250, maxMs: 30_000 };
    const base = Math.min(maxMs, initialMs * 2 ** this.attempt);
    this.attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onFrame(ws: WebSocket, raw: string): void {
    let frame: StreamServerFrame;
    try {
      frame = StreamServerFrame.parse(JSON.parse(raw));
    } catch (e) {
      this.opts.logger.warn("bad event stream frame", { error: errorMessage(e) });
      return;
    }
    if (frame.t === "hello") {
      if (this.acked === undefined) this.acked = frame.after;
      return;
    }
    if (frame.t === "error") {
      this.opts.logger.warn("event stream server error", { message: frame.message });
      return;
    }
    if (frame.t !== "event") return;
    const event = frame.event;
    this.pending += 1;
    this.chain = this.chain.then(() => this.project(ws, event)).finally(() => {
      this.pending -= 1;
      if (this.pending === 0) for (const f of this.onIdle) f();
      if (this.pending === 0) this.onIdle.clear();
    });
  }

  private async project(ws: WebSocket, event: TownEvent): Promise<void> {
    // A connection we gave up on: its events come again after the reconnect.
    if (ws !== this.ws) return;
    if (this.acked !== undefined && event.seq <= this.acked) {
      this.send(ws, { t: "ack", seq: this.acked });
      return;
    }
    let outcome: EventOutcome;
    try {
      outcome = await this.opts.handle(event);
    } catch (e) {
      this.opts.logger.error("event projection threw", { seq: event.seq, type: event.type, error: errorMessage(e) });
      outcome = "retry_later";
    }
    if (outcome === "handled") {
      this.acked = event.seq;
      this.send(ws, { t: "ack", seq: event.seq });
      return;
    }
    // Not acked: drop this connection so the event is redelivered after a backoff.
    if (this.ws === ws) {
      this.ws = undefined;
      ws.close(4000, "projection failed; will resume");
    }
  }

  private send(ws: WebSocket, frame: StreamClientFrame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }
}
