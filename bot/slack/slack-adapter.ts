import type { RequestListener } from "node:http";
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger, SocketModeReceiver } from "@slack/bolt";
import { type RetryOptions, WebClient } from "@slack/web-api";
import { z } from "zod";
import type { ChatAdapter, ChatMessage, ChatMessageRef, ChatTarget, Inbound, InboundHandler, Responder } from "../../core/chat";
import { GastownError, errorMessage } from "../../core/errors";
import type { Logger } from "../../core/ports";
import { EditCoalescer, SendQueue } from "../send-queue";
import { BlockActionPayload, classifyMessage, MessageEventPayload, SlashCommandPayload } from "./slack-inbound";
import { renderSlackMessage, renderSlackMessages } from "../../renderers/slack-message";

/** Configuration of the Slack adapter (tokens from the bot config; never logged). */
export interface SlackAdapterConfig {
  botToken: string;
  /** Required for the HTTP receiver (request signatures). */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** Web API base (SLACK_API_URL). */
  apiUrl?: string;
  logger: Logger;
  /** Minimum spacing of posts in one channel (Slack: ~1 message/s/channel). */
  postIntervalMs?: number;
  /** WebClient retries (429 Retry-After, server errors); Slack's client default when unset. */
  retryConfig?: RetryOptions;
}

/** The Slack `ChatAdapter`, plus what the composition root needs to serve it. */
export interface SlackAdapter extends ChatAdapter {
  readonly platform: "slack";
  /** Node handler of POST /slack/events (events, commands, interactivity); undefined in Socket Mode. */
  readonly requestListener: RequestListener | undefined;
  readonly client: WebClient;
  /** The workspace and bot user this token belongs to (town id = `slack:<teamId>`). */
  identity(): Promise<Identity>;
}

const AuthTest = z.looseObject({ team_id: z.string(), user_id: z.string(), bot_id: z.string().optional() });
type Identity = { teamId: string; botUserId: string; botId?: string };
const Posted = z.looseObject({ ts: z.string() });

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  return {
    // Bolt logs every request at debug with whole payloads: format them only when asked to.
    debug: (...m: unknown[]) => {
      if (level === LogLevel.DEBUG) log.debug(text(m));
    },
    info: (...m: unknown[]) => log.info(text(m)),
    warn: (...m: unknown[]) => log.warn(text(m)),
    error: (...m: unknown[]) => log.error(text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** A Slack API failure as a typed error (the Web API's `error` string kept in the message). */
function slackError(method: string, e: unknown): GastownError {
  const data = (e as { data?: { error?: unknown } }).data;
  const code = typeof data?.error === "string" ? data.error : errorMessage(e);
  // A message or channel that is gone is not an outage: the projector re-posts instead of retrying.
  const gone = code === "message_not_found" || code === "channel_not_found" || code === "thread_not_found";
  return new GastownError(gone ? "not_found" : "unavailable", `Slack ${method} failed: ${code}`, { cause: e });
}

/** Build the Slack adapter: Bolt with an HTTP receiver, or Socket Mode when an app token is set. */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  const log = config.logger.child("slack");
  const logger = boltLogger(log);
  const clientOptions = { slackApiUrl: config.apiUrl ?? "https://slack.com/api/", ...(config.retryConfig ? { retryConfig: config.retryConfig } : {}) };
  const socketMode = config.appToken !== undefined;
  // Our own client for everything we send (Bolt's is tokenless: we authorize requests ourselves).
  const client = new WebClient(config.botToken, { ...clientOptions, logger });
  // auth.test once (and again only after a failure), not per request: Bolt's single-token mode
  // without token verification would call it before every ack.
  let identity: Promise<Identity> | undefined;
  const identify = (): Promise<Identity> => {
    identity ??= client.auth.test().then(
      (r) => {
        const a = AuthTest.parse(r);
        return { teamId: a.team_id, botUserId: a.user_id, ...(a.bot_id ? { botId: a.bot_id } : {}) };
      },
      (e: unknown) => {
        identity = undefined;
        throw slackError("auth.test", e);
      },
    );
    return identity;
  };
  const authorize = async () => {
    const id = await identify();
    return { botToken: config.botToken, botUserId: id.botUserId, teamId: id.teamId, ...(id.botId ? { botId: id.botId } : {}) };
  };
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (socketMode) {
    // Our own receiver so that apps.connections.open also goes to SLACK_API_URL.
    const socket = new SocketModeReceiver({ appToken: config.appToken as string, logger, installerOptions: { clientOptions } });
    app = new App({ authorize, receiver: socket, logger, clientOptions });
  } else {
    if (!config.signingSecret) throw new GastownError("bad_request", "SLACK_SIGNING_SECRET is required without SLACK_APP_TOKEN (HTTP events)");
    // Ack first, work after: Bolt answers Slack at ack(), the listener goes on afterwards.
    receiver = new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: "/slack/events", processBeforeResponse: false, logger });
    app = new App({ authorize, receiver, logger, clientOptions });
  }
  const queue = new SendQueue({ intervalMs: config.postIntervalMs ?? 1000 });
  const edits = new EditCoalescer();
  let handler: InboundHandler | undefined;

  const post = async (target: ChatTarget, msg: ChatMessage): Promise<ChatMessageRef> => {
    const payloads = renderSlackMessages(msg);
    // Queued together so the parts of one message stay adjacent in the channel.
    const sent = payloads.map((p) =>
      queue.run(target.channelId, async () => {
        try {
          const r = await client.chat.postMessage({
            channel: target.channelId,
            ...(target.threadId ? { thread_ts: target.threadId } : {}),
            text: p.text,
            blocks: p.blocks,
            unfurl_links: false,
            unfurl_media: false,
          });
          return Posted.parse(r).ts;
        } catch (e) {
          throw slackError("chat.postMessage", e);
        }
      }),
    );
    const ts = await Promise.all(sent);
    return { channelId: target.channelId, messageId: ts[0] as string, ...(target.threadId ? { threadId: target.threadId } : {}) };
  };

  const responder = (target: ChatTarget, userId: string): Responder => ({
    // Ephemeral replies are not channel posts (their own, higher rate tier): not paced per channel.
    private: async (msg) => {
      // A long answer (help, a status list) goes out whole, as consecutive ephemeral messages.
      for (const p of renderSlackMessages(msg)) {
        try {
          await client.chat.postEphemeral({ channel: target.channelId, user: userId, text: p.text, blocks: p.blocks, ...(target.threadId ? { thread_ts: target.threadId } : {}) });
        } catch (e) {
          throw slackError("chat.postEphemeral", e);
        }
      }
    },
    public: (msg) => post(target, msg),
  });

  // Slack user groups with their members, fetched at most once a minute (merge approvals).
  let groups: { at: number; list: { id: string; users: string[] }[] } | undefined;
  const UserGroups = z.looseObject({ usergroups: z.array(z.looseObject({ id: z.string(), users: z.array(z.string()).default([]) })) });
  const memberOf = async (userId: string): Promise<string[]> => {
    try {
      if (!groups || Date.now() - groups.at > 60_000) {
        groups = { at: Date.now(), list: UserGroups.parse(await client.usergroups.list({ include_users: true })).usergroups };
      }
      return groups.list.filter((g) => g.users.includes(userId)).map((g) => `slack:group:${g.id}`);
    } catch (e) {
      log.warn("could not list user groups (usergroups:read scope?)", { error: errorMessage(e) });
      return [];
    }
  };
  /** Groups matter only where the town checks approvers: merge buttons and commands, rig settings and gates. */
  const needsGroups = (event: Inbound) =>
    (event.kind === "button" && event.action.startsWith("mr_")) || (event.kind === "command" && /^(merge|rig\s+(set|gate))\b/i.test(event.text.trim()));

  const dispatch = async (event: Inbound, userId: string): Promise<void> => {
    if (needsGroups(event)) event.user.memberOf = await memberOf(userId);
    if (!handler) {
      log.warn("inbound before start; dropped", { kind: event.kind });
      return;
    }
    try {
      await handler(event, responder(event.target, userId));
    } catch (e) {
      log.error("inbound handler failed", { kind: event.kind, error: errorMessage(e) });
    }
  };

  app.command("/gt", async ({ command, ack }) => {
    await ack();
    const c = SlashCommandPayload.parse(command);
    await dispatch(
      { kind: "command", platform: "slack", eventId: `cmd:${c.trigger_id}`, user: { id: c.user_id, ...(c.user_name ? { name: c.user_name } : {}) }, target: { channelId: c.channel_id }, text: c.text },
      c.user_id,
    );
  });

  const onMessage = async (raw: unknown, botUserId: string | undefined) => {
    const parsed = MessageEventPayload.safeParse(raw);
    if (!parsed.success) return;
    const e = parsed.data;
    const m = classifyMessage(e, botUserId);
    if (m.kind === "ignore" || !e.user) return;
    // channel+ts names the message itself: Slack retries and the app_mention/message pair
    // of one message collapse to one id in the town's dedupe ledger.
    const base = { platform: "slack" as const, eventId: `msg:${e.channel}:${e.ts}`, user: { id: e.user }, target: { channelId: e.channel, ...(e.thread_ts ? { threadId: e.thread_ts } : {}) } };
    await dispatch(
      m.kind === "command" ? { ...base, kind: "command", text: m.text } : { ...base, kind: "message", text: m.text, mentioned: m.mentioned, dm: m.dm, messageId: e.ts },
      e.user,
    );
  };
  app.event("message", async ({ event, context }) => onMessage(event, context.botUserId));
  app.event("app_mention", async ({ event, context }) => onMessage(event, context.botUserId));

  app.action(/.*/, async ({ ack, body }) => {
    await ack();
    const parsed = BlockActionPayload.safeParse(body);
    if (!parsed.success) {
      log.warn("unexpected interaction payload", { error: errorMessage(parsed.error) });
      return;
    }
    const b = parsed.data;
    const a = b.actions[0];
    const channelId = b.channel?.id ?? b.container?.channel_id;
    const messageTs = b.message?.ts ?? b.container?.message_ts;
    if (!a || !channelId || !messageTs) return;
    const threadId = b.message?.thread_ts ?? b.container?.thread_ts;
    const name = b.user.username ?? b.user.name;
    await dispatch(
      {
        kind: "button",
        platform: "slack",
        eventId: `act:${b.trigger_id}`,
        user: { id: b.user.id, ...(name ? { name } : {}) },
        target: { channelId, ...(threadId && threadId !== messageTs ? { threadId } : {}) },
        action: a.action_id,
        value: a.value ?? "",
        messageId: messageTs,
      },
      b.user.id,
    );
  });

  app.error(async (e) => {
    log.error("bolt error", { error: errorMessage(e) });
  });

  return {
    platform: "slack",
    requestListener: receiver?.requestListener,
    client,
    identity: identify,
    async start(h) {
      handler = h;
      if (socketMode) await app.start();
    },
    async stop() {
      handler = undefined;
      if (socketMode) await app.stop();
    },
    post,
    async update(ref, msg) {
      // An edit cannot add messages: one payload, shortened with a note when it is too long.
      const p = renderSlackMessage(msg);
      await edits.edit(`${ref.channelId}:${ref.messageId}`, async () => {
        try {
          await client.chat.update({ channel: ref.channelId, ts: ref.messageId, text: p.text, blocks: p.blocks });
        } catch (e) {
          throw slackError("chat.update", e);
        }
      });
    },
    async uploadImage(target, png, filename, title) {
      return queue.run(target.channelId, async () => {
        try {
          const file = { file: Buffer.from(png), filename, title };
          const r = await client.filesUploadV2(
            target.threadId ? { ...file, channel_id: target.channelId, thread_ts: target.threadId } : { ...file, channel_id: target.channelId },
          );
          const id = z.looseObject({ files: z.array(z.looseObject({ files: z.array(z.looseObject({ id: z.string() })) })) }).parse(r).files[0]?.files[0]?.id;
          return { channelId: target.channelId, messageId: id ?? filename, ...(target.threadId ? { threadId: target.threadId } : {}) };
        } catch (e) {
          throw e instanceof GastownError ? e : slackError("files upload", e);
        }
      });
    },
    async openThread(ref) {
      // A Slack thread is the replies to a message: its id is the root message's ts.
      return { channelId: ref.channelId, threadId: ref.threadId ?? ref.messageId };
    },
    async threadUrl(target) {
      // Built from the cached auth.test rather than chat.getPermalink: no Web API call per link.
      const { teamId } = await identify();
      const base = `https://app.slack.com/client/${encodeURIComponent(teamId)}/${encodeURIComponent(target.channelId)}`;
      return target.threadId ? `${base}/thread/${encodeURIComponent(`${target.channelId}-${target.threadId}`)}` : base;
    },
  };
}
