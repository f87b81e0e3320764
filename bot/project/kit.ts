import type { ChatAdapter, ChatMessage, ChatMessageRef, ChatTarget, Platform } from "../../core/chat";
import type { TownEvent } from "../../core/events";
import type { Logger } from "../../core/ports";
import type { TownClient } from "../town-client";

/**
 * What the projector lends the per-domain projections (escalations, merges, convoys): the
 * town, the chat adapter and its idempotency helpers. Every helper is safe to repeat.
 */
export interface ProjectionKit {
  town: TownClient;
  adapter: Pick<ChatAdapter, "platform" | "post" | "update" | "openThread">;
  platform: Platform;
  log: Logger;
  /**
   * Post a one-off message of `event` once across replays (ref `out:<seq>`); `alsoAs` also
   * names it (`esc:<id>`), so later events can edit it. Null when it was already posted.
   */
  postOnce(event: TownEvent, target: ChatTarget, msg: ChatMessage, alsoAs?: string): Promise<ChatMessageRef | null>;
  /** Edit a message; false when it is gone. */
  edited(ref: ChatMessageRef, msg: ChatMessage): Promise<boolean>;
  /** A bead's thread, else its rig's channel. */
  placeFor(beadId: string | null, rigId: string | null): Promise<ChatTarget | null>;
  rigChannel(rigId: string | null): Promise<string | null>;
}

/** Ref names of messages later events edit. */
export const refKeys = {
  /** The latest ping (or quiet note) of an escalation. */
  escalation: (id: string) => `esc:${id}`,
  /** The approval request of a merge request. */
  approval: (mergeRequestId: string) => `mr:${mergeRequestId}`,
};
