#!/usr/bin/env -S npx tsx
/**
 * `npm run demo`: the whole Gastown story, offline, in the console chat.
 *
 * It creates a local git repository, starts the local town exactly as `npm start` does
 * (wrangler dev + TownDO, the container control server) and the bot with the console chat,
 * with every model call answered by a scripted model server. Then, in chat: a rig is bound,
 * the mayor slings three beads in a convoy, polecats (real Claude Code in PTYs) do the work,
 * live terminal snapshots are posted (and saved as PNGs), one polecat escalates and the
 * escalation is acknowledged, the refinery gates (a quality gate set from chat), reviews (the
 * LLM review, scripted) and merges all three, and the convoy lands.
 * Prints the chat transcript; exits 0 when the convoy has landed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { PassThrough } from "node:stream";
import WebSocket from "ws";
import { makeTempOrigin } from "../container/git/test-repos";
import { TownEvent } from "../core/events";
import { createLogger } from "../core/logger";
import { startBot } from "../bot/bot";
import { parseBotConfig } from "../bot/config";
import { renderTerminalPng } from "../renderers/terminal-png";
import { startModelRouter } from "../test/fakes/model-router";
import { startLocalTown } from "../test/harness/local-town";

const TOWN = "local:demo";
const OUT = resolve(process.env.GASTOWN_DEMO_DIR ?? ".gastown/demo");
const TIMEOUT_MS = Number(process.env.GASTOWN_DEMO_TIMEOUT_MS ?? 300_000);

const say = (s: string) => process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);
const commit = (file: string, text: string, msg: string) => ({
  name: "bash",
  input: { command: `printf '%s\\n' '${text}' > ${file} && git add ${file} && git commit -qm '${msg}' && git log --oneline -1`, description: `Write and commit ${file}` },
});

async function main(): Promise<number> {
  mkdirSync(OUT, { recursive: true });
  const origin = makeTempOrigin("app");
  const model = await startModelRouter([
    {
      // The refinery's LLM review (the rig is set to `--review llm` below): one verdict per merge.
      name: "review",
      match: /You review merges for the Gastown refinery/,
      turns: [{ tools: [{ name: "review_verdict", input: { approve: true, summary: "does what the bead asks; nothing else changes" } }] }],
    },
    {
      name: "mayor",
      match: /You are the mayor/,
      turns: [
        {
          text: "I'll split that into three beads on app and track them as one convoy.",
          tools: [
            { name: "sling", input: { rig: "app", title: "Add a greeting", body: "Create GREETING.md with a friendly hello." } },
            { name: "sling", input: { rig: "app", title: "Add a license", body: "Add a LICENSE file." } },
            { name: "sling", input: { rig: "app", title: "Add a changelog", body: "Start CHANGELOG.md." } },
          ],
        },
        { tools: [{ name: "convoy_create", input: { name: "first-steps", bead_ids: ["$BEAD0", "$BEAD1", "$BEAD2"] } }] },
        { text: "Slung $BEAD0 (greeting), $BEAD1 (license) and $BEAD2 (changelog); convoy $BEAD3 tracks them and lands when all three are merged." },
      ],
    },
    {
      name: "greeting",
      match: /— Add a greeting/,
      turns: [
        { tools: [commit("GREETING.md", "Hello from Gastown!", "Add GREETING.md")] },
        { tools: [{ name: "bash", input: { command: "sleep 4 && echo checks passed", description: "Run the checks" } }] },
        { tools: [{ name: "gt_done", input: { summary: "Added GREETING.md" } }] },
        { text: "Done." },
      ],
    },
    {
      name: "license",
      match: /— Add a license/,
      turns: [
        { tools: [commit("LICENSE", "MIT License", "Add LICENSE (MIT)")] },
        { tools: [{ name: "gt_escalate", input: { severity: "medium", title: "Which license?", body: "I went with MIT. Should it be Apache-2.0 instead?" } }] },
        { tools: [{ name: "bash", input: { command: "sleep 4 && echo license added", description: "Check" } }] },
        { tools: [{ name: "gt_done", input: { summary: "Added an MIT LICENSE" } }] },
        { text: "Done." },
      ],
    },
    {
      name: "changelog",
      match: /— Add a changelog/,
      turns: [
        { tools: [commit("CHANGELOG.md", "# Changelog", "Start CHANGELOG.md")] },
        { tools: [{ name: "bash", input: { command: "sleep 4 && echo ok", description: "Check" } }] },
        { tools: [{ name: "gt_done", input: { summary: "Started CHANGELOG.md" } }] },
        { text: "Done." },
      ],
    },
  ]);

  say("starting the local town (wrangler dev + container control server)");
  const town = await startLocalTown({
    parts: ["worker", "container"],
    env: {
      ...origin.env,
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: "sk-ant-demo-0123456789abcdefghijklmnop",
      GASTOWN_MODEL: "claude-sonnet-4-5",
      GASTOWN_SNAPSHOT_SECONDS: "2",
    },
  });
  const stdin = new PassThrough();
  // The chat goes to the terminal and into a transcript file (and a picture of one thread).
  let transcript = "";
  const stdout = new PassThrough();
  stdout.on("data", (d: Buffer) => {
    transcript += d.toString();
    process.stdout.write(d);
  });
  const logger = createLogger({ level: "warn", sink: (line) => process.stderr.write(`${line}\n`) });
  const bot = await startBot(
    parseBotConfig({ GASTOWN_WORKER_URL: town.workerUrl, GASTOWN_API_TOKEN: town.token, GASTOWN_TOWN: TOWN, BOT_PORT: "0" }),
    { logger, stdin, stdout, imageDir: join(OUT, "peeks") },
  );
  const type = (line: string) => {
    process.stdout.write(`\x1b[36m> ${line}\x1b[0m\n`);
    stdin.write(`${line}\n`);
  };

  // The demo watches the town's event stream too: it saves every live snapshot as a PNG,
  // acknowledges the escalation like a person on call would, and knows when the convoy lands.
  let landed = false;
  let ackedSeen = false;
  let escalatedBead: string | null = null;
  let pngs = 0;
  let reviewed = 0;
  const acked = new Set<string>();
  const ws = new WebSocket(`${town.workerUrl.replace("http", "ws")}/towns/${encodeURIComponent(TOWN)}/events?consumer=demo`, {
    headers: { authorization: `Bearer ${town.token}` },
  });
  ws.on("message", (raw) => {
    const frame = JSON.parse(String(raw)) as { t: string; event?: unknown };
    if (frame.t !== "event") return;
    const ev = TownEvent.parse(frame.event);
    if (process.env.GASTOWN_DEMO_DEBUG) process.stderr.write(`event ${ev.seq} ${ev.type} ${ev.beadId ?? ""} ${ev.type.startsWith("escalation") || ev.type === "agent_status" ? JSON.stringify(ev.data) : ""}\n`);
    ws.send(JSON.stringify({ t: "ack", seq: ev.seq }));
    if (ev.type === "snapshot_updated") {
      const file = join(OUT, `snapshot-${String(++pngs).padStart(2, "0")}-${ev.data.agentId}.png`);
      writeFileSync(file, renderTerminalPng({ ...ev.data }, { title: `${ev.data.agentId} · ${ev.beadId ?? ""}` }));
    }
    if (ev.type === "escalation_raised") escalatedBead = ev.beadId;
    if (ev.type === "escalation_raised" && !acked.has(ev.data.escalationId)) {
      acked.add(ev.data.escalationId);
      setTimeout(() => {
        say(`on call: acknowledging escalation ${ev.data.escalationId}`);
        type(`!ack ${ev.data.escalationId}`);
      }, 500);
    }
    if (ev.type === "escalation_acked") ackedSeen = true;
    if (ev.type === "convoy_landed") landed = true;
    if (ev.type === "merge_request_updated" && ev.data.detail?.startsWith("approved by the LLM review")) reviewed++;
  });

  try {
    say("binding the rig: #app is the app repository");
    type("#app");
    type(`/gt rig add ${origin.origin} --name app`);
    await new Promise((r) => setTimeout(r, 1500));
    say("a quality gate and the LLM review for every merge");
    type("/gt rig gate add app readme --timeout 60 -- test -f README.md");
    type("/gt rig set app --review llm");
    await new Promise((r) => setTimeout(r, 1000));
    say("asking the mayor");
    type("@gastown please add a greeting, a license and a changelog to app, as one convoy");

    const end = Date.now() + TIMEOUT_MS;
    while (!landed && Date.now() < end) await new Promise((r) => setTimeout(r, 500));
    if (!landed) {
      process.stderr.write(`\n--- local town output (tail) ---\n${town.output().slice(-6000)}\n`);
      throw new Error(`the convoy did not land within ${TIMEOUT_MS / 1000}s${model.problems.length ? `; model script problems: ${model.problems.join("; ")}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 1500));
    type("!mq");
    await new Promise((r) => setTimeout(r, 1000));

    writeFileSync(join(OUT, "transcript.txt"), transcript);
    if (escalatedBead) writeFileSync(join(OUT, `thread-${escalatedBead}.png`), threadPicture(transcript, escalatedBead));

    say("result");
    const log = origin.git(origin.origin, "log", "--format=%s", "main");
    process.stdout.write(`origin main now has:\n${log}\n`);
    process.stdout.write(`${pngs} terminal snapshots saved as PNG in ${OUT}\n`);
    if (model.problems.length > 0) process.stdout.write(`model script problems: ${model.problems.join("; ")}\n`);
    const merged = ["Add GREETING.md", "Add LICENSE (MIT)", "Start CHANGELOG.md"].every((m) => log.includes(m));
    if (!merged) throw new Error("not every polecat's commit reached origin main");
    if (!ackedSeen) throw new Error("the license polecat's escalation was never raised and acknowledged");
    if (reviewed !== 3) throw new Error(`the LLM review approved ${reviewed} merges, not 3`);
    say("the convoy landed: all three beads merged");
    return 0;
  } finally {
    ws.close();
    await bot.stop();
    await town.stop();
    await model.close();
    origin.cleanup();
  }
}

/** The console chat's messages in one bead's thread (live terminals left out), as a picture. */
function threadPicture(text: string, bead: string): Uint8Array {
  const blocks: string[][] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("[#")) blocks.push([line]);
    else if (line.startsWith("\x1b[36m> ")) blocks.push([stripVTControlCharacters(line)]);
    else blocks.at(-1)?.push(line);
  }
  const mine = blocks.filter((b) => (b[0]?.includes(`> ${bead}]`) || b[0]?.includes(`] gastown`) && b.join("\n").includes(bead)) && !b[0]?.includes("Terminal of"));
  // Only the latest version of an edited message.
  const latest = new Map<string, string[]>();
  for (const b of mine) latest.set(/\((m\d+)/.exec(b[0] ?? "")?.[1] ?? String(latest.size), b);
  const lines = [...latest.values()].flatMap((b) => [...b.filter((l) => l.trim() !== ""), ""]).slice(-60);
  // The bundled monospace font has no emoji: leave them out of the picture.
  const screen = lines.map((l) => l.replace(/\p{Extended_Pictographic}\uFE0F?\s?/gu, "").slice(0, 110)).join("\n");
  return renderTerminalPng({ text: screen, ansi: screen.replaceAll("\n", "\r\n"), cols: 110, rows: Math.max(10, lines.length) }, { title: `#app › thread of ${bead}` });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
