/**
 * Outbound pacing for a chat platform: posts to one channel go one at a time, in order, at
 * most one per `intervalMs` (Slack asks for ~1 message/s/channel), and edits of one message
 * are coalesced so that only the latest content is sent while an earlier edit is in flight.
 */
export class SendQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly lastAt = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(opts: { intervalMs: number; now?: () => number }) {
    this.intervalMs = opts.intervalMs;
    this.now = opts.now ?? Date.now;
  }

  /** Run `fn` after every earlier task of `key`, spaced by the interval. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    // An earlier task's failure belongs to its own caller (who gets the rejection); here it
    // only means "done", so it must not block the tasks queued behind it.
    const settled = prev.then(
      () => undefined,
      () => undefined,
    );
    const task = settled.then(async () => {
      const wait = (this.lastAt.get(key) ?? Number.NEGATIVE_INFINITY) + this.intervalMs - this.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        return await fn();
      } finally {
        this.lastAt.set(key, this.now());
      }
    });
    this.tails.set(key, task);
    // Forget idle keys so the maps do not grow with every channel ever seen.
    void task.then(
      () => this.forget(key, task),
      () => this.forget(key, task),
    );
    return task;
  }

  private forget(key: string, task: Promise<unknown>): void {
    if (this.tails.get(key) !== task) return;
    this.tails.delete(key);
    const at = this.lastAt.get(key);
    if (at !== undefined && this.now() - at >= this.intervalMs) this.lastAt.delete(key);
  }
}

interface PendingEdit {
  send: () => Promise<void>;
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

/** Coalesces edits per message: while one is in flight, later ones collapse into the newest. */
export class EditCoalescer {
  private readonly inFlight = new Set<string>();
  private readonly pending = new Map<string, PendingEdit>();

  /** Send an edit of message `key`; resolves when this content (or newer) has been sent. */
  edit(key: string, send: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const p = this.pending.get(key);
      if (p) {
        p.send = send;
        p.waiters.push({ resolve, reject });
      } else this.pending.set(key, { send, waiters: [{ resolve, reject }] });
      if (!this.inFlight.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.inFlight.add(key);
    try {
      for (let next = this.pending.get(key); next; next = this.pending.get(key)) {
        this.pending.delete(key);
        try {
          await next.send();
          for (const w of next.waiters) w.resolve();
        } catch (e) {
          for (const w of next.waiters) w.reject(e);
        }
      }
    } finally {
      this.inFlight.delete(key);
    }
  }
}
