import { MessageFlags, type REST, Routes } from "discord.js";
import type { ChatMessage, ChatMessageRef, ChatTarget, Responder } from "../../core/chat";
import { renderDiscordMessages } from "../../renderers/discord-message";
import { type DiscordMessages, restBody, restError } from "./discord-messages";

/** A responder that also tidies up once the handler is done. */
export interface InteractionResponder extends Responder {
  /** Removes the "thinking…" reply if nothing private was said into it. */
  finish(): Promise<void>;
}

/**
 * Answers an acknowledged interaction over its webhook (`/webhooks/{app}/{token}`), the same
 * way for Gateway and HTTP interactions. A command was deferred as an ephemeral reply, so the
 * first private answer fills that reply and later ones are ephemeral follow-ups; a button was
 * deferred as an update, so private answers are ephemeral follow-ups. Public answers are plain
 * channel messages posted with the bot token, so the projector can edit them for good (an
 * interaction token expires after 15 minutes).
 */
export function createInteractionResponder(deps: {
  rest: REST;
  messages: DiscordMessages;
  applicationId: string;
  token: string;
  target: ChatTarget;
  /** `reply`: deferred ephemeral reply to fill or delete; `update`: deferred update of a message. */
  deferred: "reply" | "update";
}): InteractionResponder {
  const { rest, applicationId, token } = deps;
  let originalUsed = deps.deferred === "update";

  const followUp = async (body: Record<string, unknown>) => {
    try {
      await rest.post(Routes.webhook(applicationId, token), { body: { ...body, flags: MessageFlags.Ephemeral }, query: new URLSearchParams({ wait: "true" }), auth: false });
    } catch (e) {
      throw restError("interaction follow-up", e);
    }
  };

  return {
    async private(msg: ChatMessage): Promise<void> {
      const [head, ...more] = renderDiscordMessages(msg).map(restBody);
      const first = head ?? { content: "\u200b" };
      if (!originalUsed) {
        originalUsed = true;
        try {
          await rest.patch(Routes.webhookMessage(applicationId, token, "@original"), { body: first, auth: false });
        } catch (e) {
          throw restError("interaction reply", e);
        }
      } else {
        await followUp(first);
      }
      for (const body of more) await followUp(body);
    },

    public(msg: ChatMessage): Promise<ChatMessageRef> {
      return deps.messages.post(deps.target, msg);
    },

    async finish(): Promise<void> {
      if (originalUsed) return;
      originalUsed = true;
      try {
        await rest.delete(Routes.webhookMessage(applicationId, token, "@original"), { auth: false });
      } catch (e) {
        throw restError("interaction reply delete", e);
      }
    },
  };
}

/** Answers a message someone wrote: privately by DM (Discord has no ephemeral messages outside interactions). */
export function createMessageResponder(deps: { messages: DiscordMessages; target: ChatTarget; userId: string; dm: boolean }): Responder {
  return {
    async private(msg) {
      if (deps.dm) await deps.messages.post(deps.target, msg);
      else await deps.messages.dm(deps.userId, msg);
    },
    public: (msg) => deps.messages.post(deps.target, msg),
  };
}
