#!/usr/bin/env node
// `npm start`: the local town. Runs wrangler dev (Worker + TownDO, local SQLite state kept in
// .wrangler/state across restarts), the container control server as a local Node process, and
// the bot (Slack/Discord when tokens are set, the console chat otherwise). One status line per
// part; Ctrl-C stops everything.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";

const env = { ...process.env };
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
env.GASTOWN_WORKER_URL ??= "http://127.0.0.1:8787";
env.GASTOWN_CONTAINER_URL ??= "http://127.0.0.1:8788";

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
for (const [port, what] of [[8787, "Worker"], [8788, "container control server"], [3000, "bot HTTP receiver"]]) {
  if (!(await portFree(port))) fail(`port ${port} (${what}) is busy: stop whatever listens there (\`lsof -i :${port}\`) and retry`);
}

const children = [];
let stopping = false;
function run(part, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { env, stdio: opts.stdio ?? ["ignore", "pipe", "pipe"] });
  children.push(child);
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

status("worker", "starting wrangler dev on http://127.0.0.1:8787 ...");
run("worker", "wrangler", [
  "dev", "--enable-containers=false", "--ip", "127.0.0.1", "--port", "8787", "--show-interactive-dev-session=false",
  "--var", `GASTOWN_API_TOKEN:${env.GASTOWN_API_TOKEN}`,
  "--var", `GASTOWN_AGENT_SECRET:${env.GASTOWN_AGENT_SECRET}`,
  "--var", "GASTOWN_RUNTIME:local",
  "--var", `GASTOWN_CONTAINER_URL:${env.GASTOWN_CONTAINER_URL}`,
]);

if (existsSync("container/main.ts")) {
  status("container", "starting the container control server on http://127.0.0.1:8788 ...");
  run("container", "tsx", ["container/main.ts"]);
}

if (await waitHealthy("http://127.0.0.1:8787/health", "worker")) status("worker", "ready: http://127.0.0.1:8787 (state in .wrangler/state)");
if (existsSync("container/main.ts") && (await waitHealthy("http://127.0.0.1:8788/health", "container"))) status("container", "ready: http://127.0.0.1:8788");

if (existsSync("bot/main.ts")) {
  const chat = env.SLACK_BOT_TOKEN ? "Slack" : env.DISCORD_TOKEN ? "Discord" : "console chat";
  status("bot", `starting (${chat}); HTTP receiver on http://127.0.0.1:3000`);
  // The console chat needs the terminal.
  run("bot", "tsx", ["bot/main.ts"], { stdio: chat === "console chat" ? ["inherit", "inherit", "inherit"] : undefined });
} else {
  status("bot", "not built yet: the Worker API is up; press Ctrl-C to stop");
}
