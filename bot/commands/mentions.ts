import type { Platform } from "../../core/chat";

/**
 * Platform mention syntax -> town targets: `<@U123>` -> `slack:user:U123`,
 * `<!subteam^S123|@devs>` -> `slack:group:S123`, Discord `<@42>`/`<@!42>` -> `discord:user:42`,
 * `<@&7>` -> `discord:role:7`, `<#C1>` -> `<platform>:channel:C1`. Anything else: null.
 */
export function mentionToTarget(platform: Platform, word: string): string | null {
  let m = /^<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (m) return `${platform}:group:${m[1]}`;
  m = /^<@&(\d+)>$/.exec(word);
  if (m) return `${platform}:role:${m[1]}`;
  m = /^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (m) return `${platform}:user:${m[1]}`;
  m = /^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (m) return `${platform}:channel:${m[1]}`;
  m = /^@([a-z0-9][a-z0-9._-]{0,79})$/i.exec(word);
  if (m && platform === "console") return `console:user:${m[1]}`;
  return null;
}

/** Town target -> the chat port's mention form (`user:U1`), or null if it is another platform's. */
export function targetToMention(platform: Platform, target: string): string | null {
  const m = /^(slack|discord|console):(user|group|role|channel):(.+)$/.exec(target);
  if (!m || m[1] !== platform) return null;
  return m[2] === "channel" ? `channel:${m[3]}` : `${m[2]}:${m[3]}`;
}
