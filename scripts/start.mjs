#!/usr/bin/env node
// `npm start`: the local town. Runs wrangler dev (Worker + TownDO, local SQLite state kept in
// .wrangler/state across restarts), the container control server as a local Node process, and
// the bot (Slack/Discord when tokens are set, the console chat otherwise). One status line per
// part; Ctrl-C stops everything.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
// The project's own tools first (wrangler, tsx, and the Node 24 that wrangler needs), also
// when this script is run directly rather than through `npm start`.
const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".bin");
env.PATH = `${bin}${path.delimiter}${env.PATH ?? ""}`;
// A .env file is read (values already in the environment win).
if (existsSync(".env")) {
  for (const line of readFileSync(".env", "utf8").split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && env[m[1]] === undefined) env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, "$2");
  }
}
// The local town needs a bot token between the bot and the Worker; make one per run if unset.
env.GASTOWN_API_TOKEN ??= randomBytes(24).toString("hex");
env.GASTOWN_AGENT_SECRET ??= randomBytes(24).toString("hex");
// Ports (DESIGN §8 defaults) can be moved, e.g. for end-to-end tests beside a running town.
const workerPort = Number(env.GASTOWN_WORKER_PORT ?? 8787);
const containerPort = Number(env.GASTOWN_CONTAINER_PORT ?? 8788);
const botPort = Number(env.BOT_PORT ?? 3000);
env.GASTOWN_CONTAINER_PORT = String(containerPort);
env.BOT_PORT = String(botPort);
env.GASTOWN_WORKER_URL ??= `http://127.0.0.1:${workerPort}`;
env.GASTOWN_CONTAINER_URL ??= `http://127.0.0.1:${containerPort}`;
// `--parts=worker,container` runs only some parts (the bot needs a terminal or chat tokens).
const partsArg = process.argv.find((a) => a.startsWith("--parts="));
const parts = new Set((partsArg ? partsArg.slice("--parts=".length) : "worker,container,bot").split(","));

const status = (part, msg) => console.log(`[${part.padEnd(9)}] ${msg}`);
const fail = (msg) => {
  console.error(`npm start: ${msg}`);
  process.exit(1);
};

if (spawnSync("git", ["--version"], { stdio: "ignore" }).status !== 0) fail("git is not installed (polecats work in git worktrees): install git and retry");

const portFree = (port) =>
  new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
const wanted = [
  ["worker", workerPort, "Worker"],
  ["container", containerPort, "container control server"],
  ["bot", botPort, "bot HTTP receiver"],
];
for (const [part, port, what] of wanted) {
  if (parts.has(part) && !(await portFree(port))) fail(`port ${port} (${what}) is busy: stop whatever listens there (\`lsof -i :${port}\`) and retry`);
}

const children = [];
let stopping = false;
function run(part, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { env, stdio: opts.stdio ?? ["ignore", "pipe", "pipe"] });
  children.push(child);
  child.on("error", (e) => {
    status(part, `could not start ${cmd}: ${e.message}${e.code === "ENOENT" ? " (run `npm install` first)" : ""}`);
    shutdown(1);
  });
  const onLine = opts.onLine ?? (() => {});
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let buf = "";
    stream.on("data", (d) => {
      buf += d.toString();
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        onLine(line);
        if (process.env.GASTOWN_VERBOSE) status(part, line);
        nl = buf.indexOf("\n");
      }
    });
  }
  child.on("exit", (code, signal) => {
    if (stopping) return;
    status(part, `exited (${signal ?? code}); stopping the town`);
    shutdown(code ?? 1);
  });
  return child;
}

function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    process.exit(code);
  }, 5000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r))))).then(() => process.exit(code));
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

async function waitHealthy(url, part) {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not up yet: keep polling
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  status(part, `did not answer ${url}`);
  return false;
}

// The mayor's model settings reach the Worker as vars when set (secrets in production).
const modelVars = ["ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY", "GASTOWN_MODEL", "GASTOWN_SNAPSHOT_SECONDS"]
  .filter((k) => env[k])
  .flatMap((k) => ["--var", `${k}:${env[k]}`]);

if (parts.has("worker")) {
  status("worker", `starting wrangler dev on ${env.GASTOWN_WORKER_URL} ...`);
  run("worker", "wrangler", [
    "dev", "--enable-containers=false", "--ip", "127.0.0.1", "--port", String(workerPort), "--show-interactive-dev-session=false",
    "--inspector-port", String(Number(env.GASTOWN_INSPECTOR_PORT ?? workerPort + 10_000)),
    ...(env.GASTOWN_STATE_DIR ? ["--persist-to", env.GASTOWN_STATE_DIR] : []),
    "--var", `GASTOWN_API_TOKEN:${env.GASTOWN_API_TOKEN}`,
    "--var", `GASTOWN_AGENT_SECRET:${env.GASTOWN_AGENT_SECRET}`,
    "--var", "GASTOWN_RUNTIME:local",
    "--var", `GASTOWN_CONTAINER_URL:${env.GASTOWN_CONTAINER_URL}`,
    "--var", `GASTOWN_WORKER_URL:${env.GASTOWN_WORKER_URL}`,
    ...modelVars,
  ]);
}

if (parts.has("container")) {
  status("container", `starting the container control server on ${env.GASTOWN_CONTAINER_URL} ...`);
  run("container", "tsx", ["container/main.ts"]);
}

if (parts.has("worker") && (await waitHealthy(`${env.GASTOWN_WORKER_URL}/health`, "worker"))) {
  status("worker", `ready: ${env.GASTOWN_WORKER_URL} (state in ${env.GASTOWN_STATE_DIR ?? ".wrangler/state"})`);
}
if (parts.has("container") && (await waitHealthy(`${env.GASTOWN_CONTAINER_URL}/health`, "container"))) {
  status("container", `ready: ${env.GASTOWN_CONTAINER_URL}`);
}

if (parts.has("bot")) {
  const chat = [env.SLACK_BOT_TOKEN && "Slack", env.DISCORD_TOKEN && "Discord"].filter(Boolean).join(" + ") || "console chat";
  status("bot", `starting (${chat}); HTTP receiver on http://127.0.0.1:${botPort}`);
  // The console chat needs the terminal.
  run("bot", "tsx", ["bot/main.ts"], { stdio: chat === "console chat" ? ["inherit", "inherit", "inherit"] : undefined });
  if (await waitHealthy(`http://127.0.0.1:${botPort}/health`, "bot")) status("bot", `ready: http://127.0.0.1:${botPort} (/slack/events, /discord/interactions)`);
}
status("town", "up; press Ctrl-C to stop");
