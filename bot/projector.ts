import type { ChatAdapter, ChatMessage, ChatMessageRef, ChatTarget } from "../core/chat";
import type { Bead } from "../core/domain";
import { errorMessage, isGastownError } from "../core/errors";
import type { TownEvent, TownEventOf } from "../core/events";
import type { Logger } from "../core/ports";
import { BeadLinker } from "./bead-links";
import { type BeadCardExtras, beadCard, snapshotMessage, threadName } from "./cards";
import type { EventOutcome } from "./event-stream";
import { projectConvoy } from "./project/convoys";
import { projectDispatchFailed } from "./project/problems";
import { projectEscalationState, projectHeld, projectPing } from "./project/escalations";
import type { ProjectionKit } from "./project/kit";
import { projectMerge } from "./project/merges";
import type { ThreadBinding, TownClient } from "./town-client";

export interface ProjectorDeps {
  town: TownClient;
  /** `threadUrl`, when the platform has links: bead ids in the mayor's replies link to their threads. */
  adapter: Pick<ChatAdapter, "platform" | "post" | "update" | "openThread"> & Partial<Pick<ChatAdapter, "threadUrl">>;
  logger: Logger;
  /** Attempts per event before the failure is reported (default 3). */
  attempts?: number;
  /** Wait before attempt n (n >= 1), default 250 ms doubling. */
  retryDelayMs?: (attempt: number) => number;
}

const WORK = new Set(["task", "bug", "feature", "epic"]);
/** Bead states in which a bead may have a merge request the card should show. */
const MERGING = new Set(["review", "closed"]);

/**
 * Town events -> chat. Message ids go back to the town (thread bindings) before the event is
 * acked, so a replayed event edits the message it made instead of posting it again.
 */
export class Projector {
  private readonly deps: ProjectorDeps;
  private readonly log: Logger;
  /**
   * The message of each mayor turn still being written (turnId -> message). A cache of the
   * town's `mayor:<turnId>` ref, which is what survives a restart mid-turn.
   */
  private readonly mayorMessages = new Map<string, ChatMessageRef>();
  private readonly beadLinks: BeadLinker;

  constructor(deps: ProjectorDeps) {
    this.deps = deps;
    this.log = deps.logger.child("projector", { platform: deps.adapter.platform });
    this.beadLinks = new BeadLinker({ town: deps.town, adapter: deps.adapter, logger: this.log });
  }

  private get platform() {
    return this.deps.adapter.platform;
  }

  /** Project one event with bounded retries; the outcome tells the stream whether to ack. */
  readonly handle = async (event: TownEvent): Promise<EventOutcome> => {
    const attempts = this.deps.attempts ?? 3;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.project(event);
        return "handled";
      } catch (e) {
        last = e;
        this.log.warn("projection failed", { seq: event.seq, type: event.type, attempt, error: errorMessage(e) });
        if (attempt < attempts) await sleep(this.deps.retryDelayMs?.(attempt) ?? 250 * 2 ** (attempt - 1));
      }
    }
    const what = `${this.platform} projection of event ${event.seq} (${event.type})`;
    try {
      // Recorded by the town (a notification_failed event people can see): safe to move on.
      const failure = { what, error: errorMessage(last).slice(0, 2000), attempt: attempts, seq: event.seq, ...(event.beadId ? { beadId: event.beadId } : {}) };
      if (await this.deps.town.reportNotificationFailed(failure)) return "handled";
    } catch (e) {
      this.log.error("could not record a failed notification", { seq: event.seq, error: errorMessage(e) });
    }
    this.log.error("event not projected; it will be redelivered", { seq: event.seq, type: event.type, error: errorMessage(last) });
    return "retry_later";
  };

  /** One attempt at an event's chat side effects. Idempotent through the thread bindings. */
  async project(event: TownEvent): Promise<void> {
    switch (event.type) {
      case "bead_created":
      case "bead_updated":
      case "bead_closed":
        return this.card(event.data.bead, {});
      case "bead_hooked":
        return this.card(event.data.bead, { agentId: event.data.agentId });
      case "snapshot_updated":
        return this.snapshot(event);
      case "escalation_raised":
      case "escalation_reescalated":
        return projectPing(this.kit, event);
      case "escalation_held":
        return projectHeld(this.kit, event);
      case "escalation_acked":
      case "escalation_resolved":
      case "escalation_snoozed":
        return projectEscalationState(this.kit, event);
      case "merge_request_updated":
        return projectMerge(this.kit, event);
      case "convoy_created":
      case "convoy_progress":
      case "convoy_landed":
        return projectConvoy(this.kit, event);
      case "mayor_reply":
        return this.mayorReply(event);
      case "dispatch_failed":
        return projectDispatchFailed(this.kit, event);
      default:
        return;
    }
  }

  /**
   * Post a one-off message of an event (a ping, a merge result) once across replays: after
   * posting, its id goes to the town as the ref `out:<seq>`; a replay that finds the ref does
   * not post again. Recording after the post means a crash in between can at worst repeat the
   * message, never lose it. A replay leaves the message as it is rather than editing it back
   * to the event's rendering: buttons edit these messages (an acked ping loses its Ack button),
   * and the event only knows how the message looked when it was first posted.
   */
  private async postOnce(event: TownEvent, target: ChatTarget, msg: ChatMessage, alsoAs?: string): Promise<ChatMessageRef | null> {
    const key = `out:${event.seq}`;
    const { town, adapter } = this.deps;
    if (await town.chatRef(this.platform, key)) {
      this.log.info("one-off message already posted; not posting it again", { seq: event.seq, type: event.type });
      return null;
    }
    const ref = await adapter.post(target, msg);
    await town.setChatRef(this.platform, key, ref);
    if (alsoAs) await town.setChatRef(this.platform, alsoAs, ref);
    return ref;
  }

  /** The helpers the per-domain projections (bot/project/) work with. */
  private get kit(): ProjectionKit {
    return {
      town: this.deps.town,
      adapter: this.deps.adapter,
      platform: this.platform,
      log: this.log,
      postOnce: (event, target, msg, alsoAs) => this.postOnce(event, target, msg, alsoAs),
      edited: (ref, msg) => this.edited(ref, msg),
      placeFor: (beadId, rigId) => this.placeFor(beadId, rigId),
      rigChannel: (rigId) => this.rigChannel(rigId),
    };
  }

  /** Edit a message; false when it is gone (deleted by someone), so the caller posts anew. */
  private async edited(ref: ChatMessageRef, msg: ChatMessage): Promise<boolean> {
    try {
      await this.deps.adapter.update(ref, msg);
      return true;
    } catch (e) {
      if (isGastownError(e) && e.code === "not_found") {
        this.log.info("message gone; posting a new one", { messageId: ref.messageId });
        return false;
      }
      throw e;
    }
  }

  /** A message inside the bound thread (the live snapshot). */
  private inThread(b: ThreadBinding, messageId: string): ChatMessageRef {
    return { channelId: b.channelId, messageId, threadId: b.threadId };
  }

  /**
   * The card: the thread's root, which lives in the channel, not in the thread. Discord keeps
   * a thread's starter message in the parent channel (editing it through the thread is 10008).
   */
  private cardOf(b: ThreadBinding & { cardMessageId: string }): ChatMessageRef {
    return { channelId: b.channelId, messageId: b.cardMessageId };
  }

  private async rigChannel(rigId: string | null): Promise<string | null> {
    if (!rigId) return null;
    return (await this.deps.town.channelsOfRig(this.platform, rigId))[0]?.channelId ?? null;
  }

  /** Post the bead card (and open its thread) once; after that, edit it. */
  private async card(bead: Bead, extras: BeadCardExtras): Promise<void> {
    if (!WORK.has(bead.type)) return;
    const { town, adapter } = this.deps;
    // A bead in review or closed shows how its merge went (the bead's own events do not say).
    const mergeState = extras.mergeState ?? (MERGING.has(bead.status) ? ((await town.getMergeRequest(bead.id))?.state ?? null) : null);
    const msg = beadCard(bead, { ...extras, mergeState });
    const bound = await town.threadOfBead(this.platform, bead.id);
    if (bound?.cardMessageId && (await this.edited(this.cardOf({ ...bound, cardMessageId: bound.cardMessageId }), msg))) return;
    const channelId = await this.rigChannel(bead.rigId);
    if (!channelId) return;
    const ref = await adapter.post({ channelId }, msg);
    const thread = await adapter.openThread(ref, threadName(bead));
    await town.bindThread(bead.id, {
      platform: this.platform,
      channelId,
      threadId: thread.threadId ?? ref.messageId,
      cardMessageId: ref.messageId,
      ...(bound?.snapshotMessageId ? { snapshotMessageId: bound.snapshotMessageId } : {}),
    });
  }

  /** One live terminal message per bead, edited as the screen changes. */
  private async snapshot(event: TownEventOf<"snapshot_updated">): Promise<void> {
    if (!event.beadId) return;
    const { town, adapter } = this.deps;
    const bound = await town.threadOfBead(this.platform, event.beadId);
    if (!bound) return;
    const msg = snapshotMessage(event.data);
    if (bound.snapshotMessageId && (await this.edited(this.inThread(bound, bound.snapshotMessageId), msg))) return;
    const ref = await adapter.post({ channelId: bound.channelId, threadId: bound.threadId }, msg);
    await town.bindThread(event.beadId, {
      platform: this.platform,
      channelId: bound.channelId,
      threadId: bound.threadId,
      ...(bound.cardMessageId ? { cardMessageId: bound.cardMessageId } : {}),
      snapshotMessageId: ref.messageId,
    });
  }

  /** Where a bead's news goes: its thread, else its rig's channel. */
  private async placeFor(beadId: string | null, rigId: string | null): Promise<ChatTarget | null> {
    if (beadId) {
      const bound = await this.deps.town.threadOfBead(this.platform, beadId);
      if (bound) return { channelId: bound.channelId, threadId: bound.threadId };
    }
    const channelId = await this.rigChannel(rigId);
    return channelId ? { channelId } : null;
  }

  /**
   * One message per mayor turn in its thread: posted on the first event, edited after. The
   * message id is kept by the town (`mayor:<turnId>`), so a bot restarted mid-turn, or a replay
   * of the whole turn, edits the same message.
   */
  private async mayorReply(event: TownEventOf<"mayor_reply">): Promise<void> {
    const d = event.data;
    if (d.platform !== this.platform) return;
    const { town, adapter } = this.deps;
    const key = `mayor:${d.turnId}`;
    const msg = { text: mayorText({ ...d, text: await this.beadLinks.link(d.turnId, d.text, d.done) }) };
    const ref = this.mayorMessages.get(d.turnId) ?? (await town.chatRef(this.platform, key));
    if (ref && (await this.edited(ref, msg))) this.remember(d.turnId, ref);
    else if (!d.done || d.text.trim() !== "") {
      const posted = await adapter.post({ channelId: d.channelId, threadId: d.threadId }, msg);
      await town.setChatRef(this.platform, key, posted);
      this.remember(d.turnId, posted);
    }
    if (d.done) this.mayorMessages.delete(d.turnId);
  }

  private remember(turnId: string, ref: ChatMessageRef): void {
    this.mayorMessages.set(turnId, ref);
    // Bounded: forget the oldest turns (a Map iterates in insertion order); the town has them.
    for (const k of this.mayorMessages.keys()) {
      if (this.mayorMessages.size <= 500) break;
      this.mayorMessages.delete(k);
    }
  }

}

/** The mayor's reply text as shown while it works. */
export function mayorText(d: { text: string; working: string | null; done: boolean }): string {
  const status = d.working ? `_${d.working}_` : d.done ? "" : "_working…_";
  return [d.text.trim(), status].filter((s) => s !== "").join("\n\n") || "_working…_";
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
