import { z } from "zod";
import { errorMessage } from "../../core/errors";
import { type Clock, type Logger, systemClock } from "../../core/ports";
import { COMMAND_NAME, type ReceivedOption } from "./commands";
import type { DiscordAdapter } from "./discord-adapter";
import type { InteractionFacts } from "./discord-inbound";
import { createEd25519Verifier } from "./verify-signature";

/** Options for the HTTP interactions endpoint. */
export interface DiscordInteractionsOptions {
  /** Application public key, hex (`DISCORD_PUBLIC_KEY`). */
  publicKey: string;
  /** The adapter whose handler, REST client and replay memory the endpoint shares. */
  adapter: Pick<DiscordAdapter, "acceptInteraction">;
  logger: Logger;
  clock?: Clock;
  /** Requests signed longer ago than this are refused (replay protection). Default 300 s. */
  maxAgeSeconds?: number;
  /** Runs the work after the response is on its way; default: the next turn of the event loop. */
  schedule?: (work: () => Promise<void>) => void;
}

const Option: z.ZodType<ReceivedOption> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number().int(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(Option).optional(),
  }),
);

const User = z.object({ id: z.string(), username: z.string(), global_name: z.string().nullish() });

const Interaction = z.object({
  id: z.string(),
  application_id: z.string(),
  type: z.number().int(),
  token: z.string(),
  channel_id: z.string().optional(),
  channel: z.object({ id: z.string(), type: z.number().int(), parent_id: z.string().nullish() }).optional(),
  guild_id: z.string().optional(),
  member: z.object({ user: User, roles: z.array(z.string()).optional() }).optional(),
  user: User.optional(),
  data: z
    .object({
      name: z.string().optional(),
      type: z.number().int().optional(),
      options: z.array(Option).optional(),
      custom_id: z.string().optional(),
      component_type: z.number().int().optional(),
    })
    .optional(),
  message: z.object({ id: z.string() }).optional(),
});
type Interaction = z.infer<typeof Interaction>;

const PING = 1;
const APPLICATION_COMMAND = 2;
const MESSAGE_COMPONENT = 3;
const AUTOCOMPLETE = 4;
const BUTTON = 2;
const THREAD_TYPES = new Set([10, 11, 12]);

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Raw interaction -> facts; null when it is not a `/gt` command or a button. */
function factsOf(i: Interaction): InteractionFacts | null {
  const who = i.member?.user ?? i.user;
  const channelId = i.channel?.id ?? i.channel_id;
  if (!who || !channelId) return null;
  const thread = i.channel && THREAD_TYPES.has(i.channel.type) ? (i.channel.parent_id ?? null) : null;
  const base = {
    id: i.id,
    applicationId: i.application_id,
    token: i.token,
    user: { id: who.id, name: who.global_name ?? who.username, ...(i.member ? { memberOf: (i.member.roles ?? []).map((r) => `discord:role:${r}`) } : {}) },
    channelId,
    parentId: thread,
    dm: i.guild_id === undefined,
  };
  if (i.type === APPLICATION_COMMAND && i.data?.name === COMMAND_NAME) return { ...base, kind: "command", commandName: COMMAND_NAME, options: i.data.options ?? [] };
  if (i.type === MESSAGE_COMPONENT && i.data?.component_type === BUTTON && i.data.custom_id !== undefined) {
    return { ...base, kind: "button", customId: i.data.custom_id, messageId: i.message?.id ?? "" };
  }
  return null;
}

/**
 * The HTTP interactions endpoint (`POST /discord/interactions`) as a fetch-style handler:
 * verifies the Ed25519 signature (401 otherwise), answers PING with PONG, and answers a
 * command or button at once with a deferred response, running the work afterwards and
 * replying over the interaction webhook. Mount it in Hono with
 * `app.post("/discord/interactions", (c) => handler(c.req.raw))`.
 */
export function createDiscordInteractionsHandler(opts: DiscordInteractionsOptions): (req: Request) => Promise<Response> {
  const verify = createEd25519Verifier(opts.publicKey);
  const clock = opts.clock ?? systemClock;
  const maxAge = opts.maxAgeSeconds ?? 300;
  const log = opts.logger.child("discord.interactions");
  const schedule = opts.schedule ?? ((work) => void setImmediate(() => void work()));

  return async (req) => {
    const signature = req.headers.get("x-signature-ed25519");
    const timestamp = req.headers.get("x-signature-timestamp");
    const body = await req.text();
    if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return json(401, { error: "missing or malformed signature headers" });
    if (Math.abs(clock.now() / 1000 - Number(timestamp)) > maxAge) return json(401, { error: "stale signature timestamp" });
    if (!(await verify(signature, timestamp, body))) return json(401, { error: "invalid request signature" });

    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch {
      return json(400, { error: "body is not JSON" });
    }
    const parsed = Interaction.safeParse(raw);
    if (!parsed.success) return json(400, { error: "not an interaction", issues: parsed.error.issues });
    const i = parsed.data;

    if (i.type === PING) return json(200, { type: 1 });
    if (i.type === AUTOCOMPLETE) return json(200, { type: 8, data: { choices: [] } });
    const facts = factsOf(i);
    if (!facts) return json(400, { error: `unsupported interaction type ${i.type}` });
    const accepted = opts.adapter.acceptInteraction(facts);
    schedule(async () => {
      try {
        await accepted.work();
      } catch (e) {
        log.error("interaction work failed", { id: i.id, error: errorMessage(e) });
      }
    });
    return json(200, accepted.response);
  };
}
