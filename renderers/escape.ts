/** Escaping rules of the chat platforms, in one place. */

const ZWSP = "\u200b";

/** Break runs of backticks so text can never close the code fence around it. */
export function neutraliseBackticks(text: string): string {
  return text.replace(/`(?=`)/g, `\`${ZWSP}`);
}

/** Escape the three characters Slack reserves for its own markup (&, <, >). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Defuse Discord mentions written in text: `@everyone`, `@here` and raw `<@id>`, `<@&id>`,
 * `<@!id>` forms. The payload's allowed_mentions is the real guard; this also stops them
 * from looking like pings.
 */
export function escapeDiscordMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/g, `@${ZWSP}$1`).replace(/<@([!&]?\d)/g, `<@${ZWSP}$1`);
}
