#!/usr/bin/env node
// Local town: wrangler dev (Worker + TownDO with local SQLite state on 127.0.0.1:8787).
import { spawn } from "node:child_process";

const wrangler = spawn("wrangler", ["dev", "--enable-containers=false", "--ip", "127.0.0.1", "--port", "8787"], {
  stdio: "inherit",
});
const stop = () => wrangler.kill("SIGINT");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => process.exit(code ?? 0));
