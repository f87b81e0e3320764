interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

interface Slot {
  /** The newest edit not yet started; earlier queued edits were replaced by it. */
  pending: { job: () => Promise<void>; waiters: Waiter[] } | null;
}

/**
 * Coalesces edits of one message: while an edit is in flight, later edits wait, and only the
 * newest waiting one is sent when the wire is free. Callers whose edit was superseded resolve
 * when the newer content lands, because their content is no longer what anyone should see.
 */
export class EditCoalescer {
  readonly #slots = new Map<string, Slot>();

  /** Runs `job` for `key` now, or after the edit in flight, unless a newer one replaces it. */
  submit(key: string, job: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      const slot = this.#slots.get(key);
      if (slot) {
        const waiters = slot.pending ? [...slot.pending.waiters, waiter] : [waiter];
        slot.pending = { job, waiters };
        return;
      }
      this.#slots.set(key, { pending: null });
      void this.#run(key, job, [waiter]);
    });
  }

  async #run(key: string, job: () => Promise<void>, waiters: Waiter[]): Promise<void> {
    try {
      await job();
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
    const slot = this.#slots.get(key);
    const next = slot?.pending;
    if (!slot || !next) {
      this.#slots.delete(key);
      return;
    }
    slot.pending = null;
    await this.#run(key, next.job, next.waiters);
  }

  /** Number of messages with an edit in flight (for tests and metrics). */
  get busy(): number {
    return this.#slots.size;
  }
}
