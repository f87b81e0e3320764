import type { FakeChannel, FakeMessage, FakeStore } from "./fake-store";

/** Payload shapes as Discord sends them (API v10), built from the fake's state. */

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
  /** Role ids the person holds in the guild. */
  roles?: string[];
}

export function userPayload(u: FakeUser) {
  return { id: u.id, username: u.username, discriminator: "0", global_name: u.username, avatar: null, bot: u.bot ?? false, flags: 0, public_flags: 0 };
}

export function memberPayload(u: FakeUser) {
  return {
    user: userPayload(u),
    nick: null,
    avatar: null,
    roles: u.roles ?? [],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    permissions: "2248473465835073",
  };
}

export function channelPayload(c: FakeChannel) {
  if (c.type === 1) return { id: c.id, type: 1, last_message_id: null, recipients: (c.recipients ?? []).map((r) => userPayload(r)), flags: 0 };
  const base = { id: c.id, type: c.type, guild_id: c.guild_id, name: c.name ?? "channel", position: 0, permission_overwrites: [], flags: 0 };
  if (c.type === 11 || c.type === 12) {
    return {
      ...base,
      parent_id: c.parent_id,
      owner_id: "0",
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      thread_metadata: { archived: false, auto_archive_duration: 10080, archive_timestamp: new Date().toISOString(), locked: false },
      total_message_sent: 0,
    };
  }
  return { ...base, topic: null, nsfw: false, last_message_id: null, rate_limit_per_user: 0, parent_id: null };
}

export function messagePayload(store: FakeStore, m: FakeMessage, author: FakeUser = { ...store.botUser, bot: true }) {
  const ch = store.channels.get(m.channel_id);
  return {
    id: m.id,
    channel_id: m.channel_id,
    ...(ch?.guild_id ? { guild_id: ch.guild_id } : {}),
    author: userPayload(author),
    content: m.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: m.edits > 0 ? new Date().toISOString() : null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: m.attachments.map((a) => ({ ...a, url: `https://cdn.invalid/${a.id}/${a.filename}`, proxy_url: `https://cdn.invalid/${a.id}/${a.filename}` })),
    embeds: m.embeds,
    components: m.components,
    pinned: false,
    type: 0,
    flags: m.flags,
    ...(m.webhook ? { webhook_id: store.applicationId, application_id: store.applicationId } : {}),
  };
}

export function rolePayload(id: string, name: string, position: number) {
  return { id, name, color: 0, hoist: false, position, permissions: "0", managed: false, mentionable: true, flags: 0 };
}

export function guildCreatePayload(store: FakeStore) {
  const channels = [...store.channels.values()].filter((c) => c.guild_id === store.guildId && c.type !== 11 && c.type !== 12);
  const threads = [...store.channels.values()].filter((c) => c.guild_id === store.guildId && (c.type === 11 || c.type === 12));
  return {
    id: store.guildId,
    name: "Fake Town",
    icon: null,
    owner_id: "1",
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: "en-US",
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    features: [],
    roles: [{ id: store.guildId, name: "@everyone" }, ...[...store.roles].map(([id, name]) => ({ id, name }))].map((r, i) => rolePayload(r.id, r.name, i)),
    emojis: [],
    stickers: [],
    unavailable: false,
    large: false,
    member_count: 2,
    joined_at: new Date(0).toISOString(),
    members: [memberPayload({ ...store.botUser, bot: true })],
    channels: channels.map((c) => {
      const { guild_id: _g, ...rest } = channelPayload(c) as Record<string, unknown>;
      return rest;
    }),
    threads: threads.map((c) => channelPayload(c)),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The `channel` object Discord puts on an interaction. */
function interactionChannel(store: FakeStore, channelId: string) {
  const c = store.channels.get(channelId);
  if (!c) throw new Error(`fake discord: no channel ${channelId}`);
  return channelPayload(c);
}

interface InteractionBase {
  user: FakeUser;
  channelId: string;
}

function interactionBase(store: FakeStore, o: InteractionBase, type: number) {
  const ch = store.channels.get(o.channelId);
  const inGuild = ch?.guild_id !== undefined;
  return {
    id: store.ids.next(),
    application_id: store.applicationId,
    type,
    token: `itoken-${store.ids.next()}`,
    version: 1,
    channel: interactionChannel(store, o.channelId),
    channel_id: o.channelId,
    ...(inGuild ? { guild_id: store.guildId, member: memberPayload(o.user), guild_locale: "en-US" } : { user: userPayload(o.user) }),
    locale: "en-US",
    app_permissions: "2248473465835073",
    entitlements: [],
    authorizing_integration_owners: { "0": store.guildId },
    context: inGuild ? 0 : 1,
    attachment_size_limit: 10_485_760,
  };
}

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: CommandOption[];
}

/** An APPLICATION_COMMAND interaction for `/gt ...` (chat input). */
export function slashCommandInteraction(store: FakeStore, o: InteractionBase & { options: CommandOption[]; name?: string }) {
  return {
    ...interactionBase(store, o, 2),
    data: { id: "900000000000000001", name: o.name ?? "gt", type: 1, options: o.options },
  };
}

/** A MESSAGE_COMPONENT interaction: a button pressed on `message`. */
export function buttonInteraction(store: FakeStore, o: InteractionBase & { customId: string; message: FakeMessage }) {
  return {
    ...interactionBase(store, o, 3),
    message: messagePayload(store, o.message),
    data: { custom_id: o.customId, component_type: 2 },
  };
}

/** A MESSAGE_CREATE from a person. */
export function userMessage(store: FakeStore, o: { user: FakeUser; channelId: string; content: string; mentions?: FakeUser[] }) {
  const ch = store.channels.get(o.channelId);
  const id = store.ids.next();
  return {
    id,
    channel_id: o.channelId,
    channel_type: ch?.type ?? 0,
    ...(ch?.guild_id ? { guild_id: ch.guild_id, member: (({ user: _u, ...m }) => m)(memberPayload(o.user)) } : {}),
    author: userPayload(o.user),
    content: o.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: (o.mentions ?? []).map((u) => userPayload(u)),
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: 0,
    flags: 0,
  };
}
