import type { ChatAdapter, ChatMessage, Inbound, Platform, Responder } from "../core/chat";
import type { Actor } from "../core/domain";
import { errorMessage, isGastownError } from "../core/errors";
import { BeadId } from "../core/ids";
import type { Logger } from "../core/ports";
import { type Command, parseCommand } from "./commands/grammar";
import { executeCommand, type Reply } from "./commands/execute";
import { refKeys } from "./project/kit";
import type { TownClient } from "./town-client";

export interface RouterDeps {
  town: TownClient;
  adapter: Pick<ChatAdapter, "platform" | "post" | "update" | "uploadImage" | "openThread">;
  logger: Logger;
  /** Renders a terminal snapshot as PNG; when set, peeks also upload the picture. */
  snapshotPng?: (t: { text: string; ansi: string; cols?: number; rows?: number }) => Uint8Array;
  /** How commands are typed on this platform, for usage replies (`/gt `). */
  prefix?: string;
}

/** The chat user as a town actor (`slack:user:U123`). */
export function actorOf(platform: Platform, user: { id: string; name?: string }): Actor {
  return { kind: "user", id: `${platform}:user:${user.id}`, ...(user.name ? { name: user.name } : {}) };
}

const MAYOR_NOT_CONFIGURED =
  "The mayor is not configured in this town yet, so nobody reads free-form messages here. " +
  "Every `/gt` command works without it: try `/gt help`. A reply in a bead's thread goes to that bead's agent as mail.";

/**
 * Platform-neutral inbound router: commands, thread replies, mentions and buttons in; Town API
 * calls out. Parsing happens before any Town call, so a malformed command changes nothing.
 */
export class Router {
  private readonly deps: RouterDeps;
  private readonly prefix: string;

  constructor(deps: RouterDeps) {
    this.deps = deps;
    this.prefix = deps.prefix ?? "/gt ";
  }

  /** The `InboundHandler` adapters call. */
  readonly handle = async (event: Inbound, respond: Responder): Promise<void> => {
    const log = this.deps.logger.child("router", { platform: event.platform, kind: event.kind });
    try {
      if (event.kind === "command") await this.command(event, respond);
      else if (event.kind === "message") await this.message(event, respond);
      else await this.button(event, respond);
    } catch (e) {
      log.warn("inbound failed", { error: errorMessage(e), code: isGastownError(e) ? e.code : undefined });
      await respond.private({ text: `Sorry, that did not work: ${isGastownError(e) ? e.message : "internal error"}` });
    }
  };

  private fresh(event: Inbound): Promise<boolean> {
    return this.deps.town.inbound({ platform: event.platform, eventId: event.eventId });
  }

  private async threadBead(event: Inbound): Promise<string | undefined> {
    const t = event.target;
    if (!t.threadId) return undefined;
    return (await this.deps.town.beadOfThread(event.platform, t.channelId, t.threadId))?.beadId ?? undefined;
  }

  private async command(event: Extract<Inbound, { kind: "command" }>, respond: Responder): Promise<void> {
    let text = event.text.trim();
    // `!nudge <text>` inside a bead thread nudges that bead's agent without naming it.
    let threadBead: string | undefined;
    const nudge = /^nudge\s+(\S+)/i.exec(text);
    if (event.target.threadId && nudge && !BeadId.safeParse(nudge[1]).success) {
      threadBead = await this.threadBead(event);
      if (threadBead) text = `nudge ${threadBead} ${text.slice(5).trim()}`;
    }
    const parsed = parseCommand(text, event.platform, this.prefix);
    if (!parsed.ok) {
      await respond.private({ text: `${parsed.error}\n${parsed.usage}` });
      return;
    }
    if (!(await this.fresh(event))) return;
    threadBead ??= await this.threadBead(event);
    if (parsed.command.cmd === "mayor") {
      await this.mayor(event, parsed.command.text, respond);
      return;
    }
    const replies = await this.run(parsed.command, event, threadBead);
    for (const r of replies) {
      if (r.visibility === "private") await respond.private(r.msg);
      else await this.publicWithPicture(event, r.msg, respond);
    }
  }

  /** Post publicly; a terminal snapshot also goes up as a PNG when a renderer is wired. */
  private async publicWithPicture(event: Inbound, msg: ChatMessage, respond: Responder): Promise<void> {
    const ref = await respond.public(msg);
    const t = msg.terminal;
    if (!t || !this.deps.snapshotPng) return;
    const png = this.deps.snapshotPng(t);
    const target = { channelId: ref.channelId, ...(ref.threadId ?? event.target.threadId ? { threadId: ref.threadId ?? event.target.threadId } : {}) };
    await this.deps.adapter.uploadImage(target, png, `${t.title ?? "terminal"}.png`, `Terminal of ${t.title ?? "the agent"}`);
  }

  private async run(cmd: Command, event: Inbound, threadBead: string | undefined): Promise<Reply[]> {
    try {
      return await executeCommand(cmd, {
        town: this.deps.town,
        platform: event.platform,
        actor: actorOf(event.platform, event.user),
        memberOf: event.user.memberOf ?? [],
        channelId: event.target.channelId,
        threadId: event.target.threadId,
        threadBead,
        prefix: this.prefix,
      });
    } catch (e) {
      if (!isGastownError(e)) throw e;
      this.deps.logger.info("command refused by the town", { cmd: cmd.cmd, code: e.code });
      return [{ visibility: "private", msg: { text: `Could not run \`${cmd.cmd.replaceAll("_", " ")}\`: ${e.message}` } }];
    }
  }

  private async message(event: Extract<Inbound, { kind: "message" }>, respond: Responder): Promise<void> {
    const bead = await this.threadBead(event);
    // In a bead thread, plain replies are mail to its agent; mentioning the bot asks the mayor.
    if (bead && !event.mentioned) {
      if (!(await this.fresh(event))) return;
      const subject = event.text.split("\n")[0]?.slice(0, 120) || "(no subject)";
      await this.deps.town.sendMail({ to: bead, subject, body: event.text, actor: actorOf(event.platform, event.user) });
      await respond.private({ text: `Sent to the agent on \`${bead}\` as mail.` });
      return;
    }
    // Elsewhere only mentions, DMs and replies in a mayor conversation's thread are for us;
    // other chatter is none of our business.
    if (!event.mentioned && !event.dm && !(await this.inMayorThread(event))) return;
    if (!(await this.fresh(event))) return;
    await this.mayor(event, event.text, respond);
  }

  private async inMayorThread(event: Extract<Inbound, { kind: "message" }>): Promise<boolean> {
    const threadId = event.target.threadId;
    if (!threadId) return false;
    return (await this.deps.town.mayorConversation(event.platform, event.target.channelId, threadId)) !== null;
  }

  /**
   * Hand text to the mayor in a thread: the current one, else under the mention itself, else
   * (a `/gt mayor` in a channel) under a root message posted for the conversation.
   */
  private async mayor(event: Inbound, text: string, respond: Responder): Promise<void> {
    const { adapter } = this.deps;
    const channelId = event.target.channelId;
    const name = `mayor: ${text.replace(/\s+/g, " ")}`.slice(0, 100);
    let threadId = event.target.threadId;
    let reply = respond;
    if (!threadId && event.kind === "message" && event.messageId) {
      // Slack threads hang off the message's ts; Discord opens a thread channel under it.
      threadId = (await adapter.openThread({ channelId, messageId: event.messageId }, name)).threadId ?? event.messageId;
    } else if (!threadId && event.kind === "message" && event.dm) {
      // A DM that cannot hold threads (Discord): the DM itself is the conversation.
      threadId = channelId;
    }
    if (!threadId) {
      const root = await respond.public({ text: `${event.user.name ?? event.user.id} asked the mayor: ${text}` });
      threadId = root.threadId ?? (await adapter.openThread(root, name)).threadId ?? root.messageId;
      const target = { channelId: root.channelId, threadId };
      reply = { private: respond.private, public: (m) => adapter.post(target, m) };
    }
    const r = await this.deps.town.mayor({ text, platform: event.platform, channelId: event.target.channelId, threadId, actor: actorOf(event.platform, event.user) });
    if (r === null) await reply.public({ text: MAYOR_NOT_CONFIGURED });
  }

  private async button(event: Extract<Inbound, { kind: "button" }>, respond: Responder): Promise<void> {
    if (!(await this.fresh(event))) return;
    const { town } = this.deps;
    const actor = actorOf(event.platform, event.user);
    const who = event.user.name ?? event.user.id;
    const ref = { channelId: event.target.channelId, messageId: event.messageId, threadId: event.target.threadId };
    const done = (text: string) => this.deps.adapter.update(ref, { text, card: { title: text, fields: [], tone: "good" }, buttons: [] });
    try {
      switch (event.action) {
        case "esc_ack":
          await town.ackEscalation(event.value, actor);
          return await this.unlessProjected(event, () => done(`Escalation ${event.value} acknowledged by ${who}`));
        case "esc_resolve":
          await town.resolveEscalation(event.value, actor);
          return await this.unlessProjected(event, () => done(`Escalation ${event.value} resolved by ${who}`));
        case "esc_snooze":
          await town.snoozeEscalation(event.value, 60, actor);
          return void (await respond.public({ text: `Escalation \`${event.value}\` snoozed for 1 hour by ${who}.` }));
        case "mr_approve":
          await town.decideMerge(event.value, { decision: "approve", actor, memberOf: event.user.memberOf ?? [] });
          return await done(`Merge of ${event.value} approved by ${who}`);
        case "mr_reject":
          await town.decideMerge(event.value, { decision: "reject", reason: `rejected by ${who}`, actor, memberOf: event.user.memberOf ?? [] });
          return await done(`Merge of ${event.value} rejected by ${who}`);
        case "bead_retry":
          await town.retryBead(event.value, actor);
          return void (await respond.public({ text: `Retrying \`${event.value}\` (${who}).` }));
        case "bead_stop":
          await town.stopBead(event.value, actor);
          return void (await respond.public({ text: `Stopping \`${event.value}\` (${who}).` }));
        // `bead_peek` is the bead card's Peek (renderers/cards.ts); `peek_again` sits under a snapshot.
        case "bead_peek":
        case "peek_again": {
          const s = await town.peek(event.value, BeadId.safeParse(event.value).success);
          const msg: ChatMessage = {
            text: `Terminal of \`${s.agentId}\``,
            terminal: { text: s.text, ansi: s.ansi, title: s.agentId },
            buttons: [{ action: "peek_again", label: "Peek again", value: event.value }],
          };
          await this.publicWithPicture(event, msg, respond);
          return;
        }
        default:
          await respond.private({ text: `Unknown button \`${event.action}\`.` });
      }
    } catch (e) {
      if (!isGastownError(e)) throw e;
      // Refused presses change nothing and only the presser hears about it.
      await respond.private({ text: e.code === "forbidden" ? `You are not allowed to do that: ${e.message}` : `Could not do that: ${e.message}` });
    }
  }

  /**
   * After an Ack or Resolve press: the escalation's latest card is edited by the projector from
   * the town's event (so `/gt ack` updates it too); an older ping that was pressed is edited here.
   */
  private async unlessProjected(event: Extract<Inbound, { kind: "button" }>, edit: () => Promise<void>): Promise<void> {
    const latest = await this.deps.town.chatRef(event.platform, refKeys.escalation(event.value));
    if (latest?.messageId !== event.messageId) await edit();
  }
}
