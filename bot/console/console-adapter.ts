import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { ChatAdapter, ChatButton, ChatMessage, ChatMessageRef, ChatTarget, Inbound, InboundHandler, Responder } from "../../core/chat";
import { errorMessage } from "../../core/errors";
import type { Logger } from "../../core/ports";
import { renderTerminalConsole } from "../../renderers/terminal";

/** Streams and names of the local console chat (injected, so tests can script it). */
export interface ConsoleAdapterConfig {
  input: Readable;
  output: Writable;
  logger: Logger;
  /** The person at the keyboard. */
  user?: string;
  /** The channel you start in. */
  channel?: string;
  /** Where uploaded pictures (terminal PNGs) are written; none: only announced. */
  imageDir?: string;
}

/** A message as the console chat holds it (the transcript). */
export interface ConsoleMessage {
  ref: ChatMessageRef;
  text: string;
  edits: number;
}

/** The local console chat: channels, threads, buttons as numbered choices. */
export interface ConsoleAdapter extends ChatAdapter {
  readonly platform: "console";
  /** Every public message so far, oldest first, with its latest content (demo transcripts, tests). */
  transcript(): ConsoleMessage[];
  /** Resolves when every line typed so far has been handled (tests). */
  idle(): Promise<void>;
}

interface Thread {
  channelId: string;
  threadId: string;
  name: string;
}

const HELP = [
  "Console chat: type `/gt help` for commands.",
  "  #name        switch to channel #name (channels are rigs once bound with /gt rig add)",
  "  >name        enter a bead thread by bead id or name prefix;  <  leaves the thread",
  "  !cmd         a command (same as /gt cmd), handy in threads",
  "  1..9         press a button of the last message that had buttons",
  "  other text   a message: in a bead thread it is mail to the agent (`@gastown ...` asks the mayor), elsewhere it goes to the mayor",
].join("\n");

/** Build the console adapter over the given streams. */
export function createConsoleAdapter(config: ConsoleAdapterConfig): ConsoleAdapter {
  const out = config.output;
  const user = { id: config.user ?? "you", name: config.user ?? "you" };
  const log = config.logger.child("console");
  let channel = config.channel ?? "town";
  let thread: Thread | undefined;
  let seq = 0;
  let eventSeq = 0;
  let handler: InboundHandler | undefined;
  let rl: Interface | undefined;
  let lastButtons: { ref: ChatMessageRef; buttons: ChatButton[] } | undefined;
  const threads: Thread[] = [];
  const transcript: ConsoleMessage[] = [];
  const plain = (msg: ChatMessage) =>
    [msg.text, msg.card?.title, msg.card?.body, ...(msg.card?.fields ?? []).map((f) => `${f.name}: ${f.value}`), msg.terminal?.text].filter((x): x is string => !!x).join("\n");
  let chain: Promise<void> = Promise.resolve();

  const write = (s: string) => out.write(`${s}\n`);
  const where = (t: ChatTarget) => {
    const th = t.threadId ? threads.find((x) => x.threadId === t.threadId) : undefined;
    return `[#${t.channelId}${t.threadId ? ` > ${th?.name.split(" ")[0] ?? t.threadId}` : ""}]`;
  };
  const render = (prefix: string, msg: ChatMessage, ref?: ChatMessageRef): void => {
    const lines: string[] = [];
    const mentions = (msg.mentions ?? []).map((m) => `@${m}`).join(" ");
    if (msg.card) {
      lines.push(`${prefix} ${mentions ? `${mentions} ` : ""}┌ ${msg.card.title}`);
      if (msg.card.body) for (const l of msg.card.body.split("\n")) lines.push(`│ ${l}`);
      for (const f of msg.card.fields) lines.push(`│ ${f.name}: ${f.value}`);
      if (msg.card.footer) lines.push(`└ ${msg.card.footer}`);
    } else lines.push(`${prefix} ${mentions ? `${mentions} ` : ""}${msg.text}`);
    if (msg.terminal) for (const l of renderTerminalConsole(msg.terminal).split("\n")) lines.push(`  │ ${l}`);
    if (msg.buttons && msg.buttons.length > 0 && ref) {
      lastButtons = { ref, buttons: msg.buttons.slice(0, 9) };
      lines.push(`  ${lastButtons.buttons.map((b, i) => `[${i + 1}] ${b.label}`).join("  ")}`);
    }
    write(lines.join("\n"));
  };

  const target = (): ChatTarget => ({ channelId: channel, ...(thread ? { threadId: thread.threadId } : {}) });
  const post = async (t: ChatTarget, msg: ChatMessage): Promise<ChatMessageRef> => {
    seq += 1;
    const ref = { channelId: t.channelId, messageId: `m${seq}`, ...(t.threadId ? { threadId: t.threadId } : {}) };
    render(`${where(t)} gastown (${ref.messageId}):`, msg, ref);
    transcript.push({ ref, text: plain(msg), edits: 0 });
    return ref;
  };
  const responder = (t: ChatTarget): Responder => ({
    private: async (msg) => render(`${where(t)} (only you):`, msg),
    public: (msg) => post(t, msg),
  });

  const dispatch = async (event: Inbound): Promise<void> => {
    if (!handler) return;
    try {
      await handler(event, responder(event.target));
    } catch (e) {
      log.error("inbound handler failed", { error: errorMessage(e) });
    }
  };

  const onLine = async (raw: string): Promise<void> => {
    const line = raw.trim();
    if (line === "") return;
    const base = { platform: "console" as const, eventId: `console:${++eventSeq}`, user, target: target() };
    if (line === "?" || line === "/help") return void write(HELP);
    if (/^#[\w.-]+$/.test(line)) {
      channel = line.slice(1);
      thread = undefined;
      return void write(`[#${channel}]`);
    }
    if (line === "<") {
      thread = undefined;
      return void write(`[#${channel}]`);
    }
    if (line.startsWith(">")) {
      const key = line.slice(1).trim();
      const t = threads.find((x) => x.threadId === key || x.name.startsWith(key));
      if (!t) return void write(`(no thread ${key}; threads: ${threads.map((x) => x.name.split(" ")[0]).join(", ") || "none yet"})`);
      thread = t;
      channel = t.channelId;
      return void write(`${where(target())} ${t.name}`);
    }
    if (/^[1-9]$/.test(line)) {
      const b = lastButtons?.buttons[Number(line) - 1];
      if (!b || !lastButtons) return void write("(no such button)");
      const ref = lastButtons.ref;
      return dispatch({ ...base, kind: "button", target: { channelId: ref.channelId, ...(ref.threadId ? { threadId: ref.threadId } : {}) }, action: b.action, value: b.value, messageId: ref.messageId });
    }
    const cmd = /^(?:\/gt\s+|\/gt$|!)(.*)$/s.exec(line);
    if (cmd) return dispatch({ ...base, kind: "command", text: (cmd[1] ?? "").trim() });
    // Outside a thread you are talking to the bot; in a thread, `@gastown ...` asks the mayor
    // and anything else is a reply (mail to the bead's agent).
    const at = /^@gastown\b\s*/i.exec(line);
    const text = at ? line.slice(at[0].length) : line;
    return dispatch({ ...base, kind: "message", text, mentioned: !thread || !!at, dm: false });
  };

  let pending = 0;
  let idleWaiters: (() => void)[] = [];
  return {
    platform: "console",
    async start(h) {
      handler = h;
      rl = createInterface({ input: config.input, terminal: false });
      write(`Gastown console chat. You are in #${channel}. Type ? for help.`);
      rl.on("line", (l) => {
        pending += 1;
        chain = chain.then(() => onLine(l)).finally(() => {
          pending -= 1;
          if (pending === 0) {
            const w = idleWaiters;
            idleWaiters = [];
            for (const f of w) f();
          }
        });
      });
    },
    async stop() {
      handler = undefined;
      rl?.close();
      await chain;
    },
    transcript: () => transcript.map((m) => ({ ...m })),
    idle: () => (pending === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r))),
    post,
    async update(ref, msg) {
      const m = transcript.find((x) => x.ref.messageId === ref.messageId);
      if (m) {
        m.text = plain(msg);
        m.edits += 1;
      }
      render(`${where(ref)} gastown (${ref.messageId}, edited):`, msg, ref);
    },
    async uploadImage(t, png, filename, title) {
      seq += 1;
      let saved = "";
      if (config.imageDir) {
        // Only the base name: a filename never picks the folder.
        const file = join(config.imageDir, `m${seq}-${basename(filename)}`);
        await mkdir(config.imageDir, { recursive: true });
        await writeFile(file, png);
        saved = ` → ${file}`;
      }
      write(`${where(t)} gastown (m${seq}): 🖼 ${title} — ${filename}, ${png.length} bytes${saved}`);
      const ref = { channelId: t.channelId, messageId: `m${seq}`, ...(t.threadId ? { threadId: t.threadId } : {}) };
      transcript.push({ ref, text: `[image ${filename}: ${title}]`, edits: 0 });
      return ref;
    },
    async threadUrl() {
      // The console has no links; the bead id in the text is how you find its thread.
      return null;
    },
    async openThread(ref, name) {
      const t = { channelId: ref.channelId, threadId: ref.messageId, name };
      threads.push(t);
      return { channelId: t.channelId, threadId: t.threadId };
    },
  };
}
