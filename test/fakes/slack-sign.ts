import { createHmac } from "node:crypto";

/** Headers of a Slack request signed the way Slack signs them (v0 HMAC-SHA256 over `v0:ts:body`). */
export function slackSignature(secret: string, body: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = `v0=${createHmac("sha256", secret).update(`v0:${timestampSec}:${body}`).digest("hex")}`;
  return { "x-slack-request-timestamp": String(timestampSec), "x-slack-signature": sig };
}

/** A slash command as Slack POSTs it (form encoded). */
export function slashCommandBody(p: { text: string; userId?: string; userName?: string; channelId?: string; teamId?: string; triggerId?: string; command?: string }): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: p.teamId ?? "T0TEST",
    team_domain: "fake",
    channel_id: p.channelId ?? "C0RIG",
    channel_name: "rig",
    user_id: p.userId ?? "U0ALICE",
    user_name: p.userName ?? "alice",
    command: p.command ?? "/gt",
    text: p.text,
    api_app_id: "A0APP",
    is_enterprise_install: "false",
    response_url: "https://hooks.invalid/commands/1",
    trigger_id: p.triggerId ?? `trig.${Math.random().toString(36).slice(2)}`,
  }).toString();
}

/** An Events API envelope (JSON) around one event. */
export function eventBody(event: Record<string, unknown>, eventId: string, teamId = "T0TEST"): string {
  return JSON.stringify({
    token: "deprecated-verification-token",
    team_id: teamId,
    api_app_id: "A0APP",
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: "UBOT", is_bot: true }],
    event,
  });
}

/** An interactivity request (block_actions) as Slack POSTs it: form field `payload`. */
export function blockActionBody(p: { actionId: string; value: string; userId?: string; channelId: string; messageTs: string; threadTs?: string; teamId?: string }): string {
  const payload = {
    type: "block_actions",
    team: { id: p.teamId ?? "T0TEST", domain: "fake" },
    user: { id: p.userId ?? "U0ALICE", username: "alice", name: "alice", team_id: p.teamId ?? "T0TEST" },
    api_app_id: "A0APP",
    token: "deprecated-verification-token",
    container: { type: "message", message_ts: p.messageTs, channel_id: p.channelId, is_ephemeral: false, ...(p.threadTs ? { thread_ts: p.threadTs } : {}) },
    trigger_id: `trig.${Math.random().toString(36).slice(2)}`,
    channel: { id: p.channelId, name: "rig" },
    message: { type: "message", ts: p.messageTs, text: "", ...(p.threadTs ? { thread_ts: p.threadTs } : {}) },
    actions: [{ type: "button", action_id: p.actionId, block_id: "b1", value: p.value, action_ts: String(Date.now() / 1000) }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POST a signed request to the bot's /slack/events. */
export async function postSigned(
  url: string,
  secret: string,
  body: string,
  opts: { contentType?: string; timestampSec?: number; headers?: Record<string, string>; signature?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": opts.contentType ?? (body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded"),
    ...slackSignature(secret, body, opts.timestampSec),
    ...opts.headers,
  };
  if (opts.signature !== undefined) headers["x-slack-signature"] = opts.signature;
  return fetch(url, { method: "POST", headers, body });
}
