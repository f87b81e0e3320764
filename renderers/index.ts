/** renderers/: pure functions shared by the Slack, Discord and console adapters. */
export { LIMITS, splitText, truncate, truncateStart } from "./limits";
export { escapeDiscordMentions, escapeSlack, neutraliseBackticks } from "./escape";
export { renderTerminalAnsi, renderTerminalConsole, renderTerminalDiscord, renderTerminalSlack, type TerminalScreen } from "./terminal";
export { renderTerminalPng, terminalPngLayout, type TerminalPngInput, type TerminalPngOptions } from "./terminal-png";
export { markdownToSlack } from "./markdown-slack";
export { renderSlackMessage, renderSlackMessages, slackActionBlocks, slackCardBlocks, slackMention, type SlackPayload } from "./slack-message";
export { markdownToDiscord } from "./markdown-discord";
export {
  discordButtonRows,
  discordCardEmbed,
  discordCustomId,
  discordMentions,
  parseDiscordCustomId,
  renderDiscordMessage,
  renderDiscordMessages,
  type DiscordPayload,
} from "./discord-message";
export { consoleButtonChoices, markdownToPlain, renderConsole } from "./console";
export { beadCard, CARD_ACTIONS, type CardAction, convoyCard, escalationCard, mergeRequestCard, progressBar } from "./cards";
export { cardColor, cardEmoji, TONE_COLOR, TONE_EMOJI, SEVERITY_COLOR, type Tone } from "./tones";
