import type { ChatAdapter, Platform } from "../core/chat";
import { errorMessage } from "../core/errors";
import { BeadId } from "../core/ids";
import type { Logger } from "../core/ports";
import type { TownClient } from "./town-client";

/**
 * Bead ids in the mayor's text become links to the beads' threads, so "I slung app-4k2m and
 * api-9x1c" takes people straight to the work. Only ids outside code blocks, links and URLs
 * are touched; a code span holding just an id (`app-4k2m`) becomes a link too.
 */

/** Whole-word bead ids (core/ids BeadId, unanchored), and the spans we leave alone. */
const TOKENS =
  /```[\s\S]*?```|`([^`\n]+)`|\[[^\]\n]*\]\([^)\s]*\)|<[^>\s]+>|https?:\/\/\S+|(?<![\w-])([a-z][a-z0-9]{0,7}-[0-9a-z]{3,12})(?![\w-])/g;

/** At most this many distinct ids are looked up per message (the text is the model's). */
export const MAX_LINKED_IDS = 20;

/** The distinct bead ids a text names outside code blocks and links, in order of appearance. */
export function beadIdsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKENS)) {
    const id = m[2] ?? m[1]?.trim();
    if (id && BeadId.safeParse(id).success && !out.includes(id)) out.push(id);
  }
  return out;
}

/** The text with each id that has a URL written as the markdown link `[id](url)`. */
export function linkBeadIds(text: string, urls: ReadonlyMap<string, string>): string {
  return text.replace(TOKENS, (whole, code: string | undefined, bare: string | undefined) => {
    const id = bare ?? code?.trim();
    const url = id ? urls.get(id) : undefined;
    return id && url ? `[${id}](${url})` : whole;
  });
}

export interface BeadLinkerDeps {
  town: Pick<TownClient, "threadOfBead">;
  adapter: { platform: Platform; threadUrl?: ChatAdapter["threadUrl"] };
  logger: Logger;
}

/**
 * Looks up the threads of the ids in a mayor turn's text. Found links are kept for the rest of
 * the turn (a streamed reply names the same beads in every edit); ids without a thread are
 * asked again on the next edit, once per edit, since the card may have been posted meanwhile.
 */
export class BeadLinker {
  private readonly deps: BeadLinkerDeps;
  private readonly log: Logger;
  /** turnId -> bead id -> thread URL. */
  private readonly turns = new Map<string, Map<string, string>>();

  constructor(deps: BeadLinkerDeps) {
    this.deps = deps;
    this.log = deps.logger.child("bead-links");
  }

  /** The turn's text with links; the turn's cache is dropped when `done`. */
  async link(turnId: string, text: string, done: boolean): Promise<string> {
    const threadUrl = this.deps.adapter.threadUrl?.bind(this.deps.adapter);
    const ids = beadIdsIn(text).slice(0, MAX_LINKED_IDS);
    const known = this.turns.get(turnId) ?? new Map<string, string>();
    if (threadUrl) {
      for (const id of ids) {
        if (known.has(id)) continue;
        try {
          const bound = await this.deps.town.threadOfBead(this.deps.adapter.platform, id);
          const url = bound ? await threadUrl({ channelId: bound.channelId, threadId: bound.threadId }) : null;
          if (url) known.set(id, url);
        } catch (e) {
          // The reply matters more than its links: the id stays plain text this time.
          this.log.warn("could not link a bead id", { bead: id, error: errorMessage(e) });
        }
      }
    }
    if (done) this.turns.delete(turnId);
    else if (known.size > 0) this.keep(turnId, known);
    return known.size > 0 ? linkBeadIds(text, known) : text;
  }

  private keep(turnId: string, links: Map<string, string>): void {
    this.turns.set(turnId, links);
    // Bounded: turns that never finished are forgotten oldest first.
    for (const k of this.turns.keys()) {
      if (this.turns.size <= 200) break;
      this.turns.delete(k);
    }
  }
}
