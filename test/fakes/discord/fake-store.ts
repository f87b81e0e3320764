import { EventEmitter } from "node:events";

/** One thing the fake saw, in arrival order: a REST call or a Gateway frame from the client. */
export type FakeRecord =
  | { seq: number; kind: "rest"; method: string; path: string; query: Record<string, string>; auth: string | null; body: unknown; files: FakeFile[]; status: number; at: number }
  | { seq: number; kind: "gateway"; op: number; d: unknown; at: number };

export interface FakeFile {
  field: string;
  name: string;
  size: number;
  contentType: string;
  bytes: Uint8Array;
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id?: string;
  name?: string;
  parent_id?: string;
  recipients?: { id: string; username: string }[];
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: { id: string; filename: string; size: number }[];
  /** Interaction webhook messages: `${app}:${token}`; bot messages: null. */
  webhook: string | null;
  flags: number;
  edits: number;
}

/** Discord ids are snowflakes: decimal strings of a 64-bit number. */
export class Snowflakes {
  #n = 0n;
  readonly #base: bigint;
  constructor(start = Date.now()) {
    // Timestamp part (ms since the Discord epoch) shifted into place, so discord.js can read a date.
    this.#base = (BigInt(start) - 1420070400000n) << 22n;
  }
  next(): string {
    this.#n += 1n;
    return (this.#base + this.#n).toString();
  }
}

/** The fake's world: a guild, channels, messages, and the ordered log of what clients did. */
export class FakeStore {
  readonly ids = new Snowflakes();
  readonly events = new EventEmitter();
  readonly log: FakeRecord[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  /** Messages people wrote (id -> channel id): a bot may start a thread from one. */
  readonly peopleMessages = new Map<string, string>();
  /** Interaction callbacks by interaction id, in arrival order. */
  readonly callbacks = new Map<string, { type: number; data?: unknown }[]>();
  readonly commands = new Map<string, unknown[]>();
  /** Guild roles besides @everyone: id -> name. */
  readonly roles = new Map<string, string>();
  #seq = 0;

  constructor(
    readonly token: string,
    readonly applicationId: string,
    readonly guildId: string,
    readonly botUser: { id: string; username: string },
  ) {}

  record(r: Omit<Extract<FakeRecord, { kind: "rest" }>, "seq" | "at"> | Omit<Extract<FakeRecord, { kind: "gateway" }>, "seq" | "at">): void {
    const full = { ...r, seq: ++this.#seq, at: Date.now() } as FakeRecord;
    this.log.push(full);
    this.events.emit("record", full);
  }

  /** Tells waiters that state changed without a new record (a connection came or went). */
  changed(): void {
    this.events.emit("record");
  }

  rest(method?: string, pathPattern?: RegExp): Extract<FakeRecord, { kind: "rest" }>[] {
    return this.log.filter(
      (r): r is Extract<FakeRecord, { kind: "rest" }> =>
        r.kind === "rest" && (method === undefined || r.method === method) && (pathPattern === undefined || pathPattern.test(r.path)),
    );
  }

  /** Resolves once `pred` holds for the log (checked now and after every new record). */
  until<T>(pred: () => T | undefined | false, timeoutMs = 30_000, what = "condition"): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = pred();
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake discord: timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off("record", check);
      };
      this.events.on("record", check);
      check();
    });
  }
}
