/**
 * A bounded memory of platform event ids. The Gateway may deliver a dispatch twice (a resume
 * replays from the last sequence the client acknowledged), so the adapter drops an id it has
 * already handled. The router also checks the town's dedupe ledger; this set only keeps a
 * replay from reaching the router (and from acknowledging an interaction twice) at all.
 */
export class SeenIds {
  readonly #max: number;
  // A Map keeps insertion order, so the oldest id is the first key.
  readonly #ids = new Map<string, true>();

  constructor(max = 5_000) {
    this.#max = Math.max(1, max);
  }

  /** Records `id` and reports whether it had been seen before. */
  checkAndAdd(id: string): boolean {
    if (this.#ids.has(id)) {
      this.#ids.delete(id);
      this.#ids.set(id, true);
      return true;
    }
    this.#ids.set(id, true);
    if (this.#ids.size > this.#max) {
      const oldest = this.#ids.keys().next();
      if (!oldest.done) this.#ids.delete(oldest.value);
    }
    return false;
  }

  get size(): number {
    return this.#ids.size;
  }
}
