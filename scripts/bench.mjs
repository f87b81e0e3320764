#!/usr/bin/env node
// Runs every benchmark in bench/ and writes bench/results/latest.json.
// A benchmark is a vitest file named *.bench-test.ts: workerd ones (bench/worker/) run
// inside the Durable Object runtime, node ones (bench/node/) in Node. Each prints lines
// `BENCH {"figure_name": number, ...}`; this script merges them into one flat object.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";

const figures = {};
const run = (args) =>
  new Promise((resolve) => {
    const child = spawn("vitest", args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, GASTOWN_BENCH: "1" } });
    let buf = "";
    child.stdout.on("data", (d) => {
      process.stdout.write(d);
      buf += d.toString();
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /BENCH (\{.*\})\s*$/.exec(line);
        if (m) Object.assign(figures, JSON.parse(m[1]));
        nl = buf.indexOf("\n");
      }
    });
    child.on("exit", (code) => resolve(code ?? 1));
  });

const code = await run(["run", "--config", "bench/vitest.config.mts"]);
const report = {
  ...figures,
  machine: { cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()}-${os.arch()}` },
  at: new Date().toISOString(),
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/latest.json", `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
process.exit(code);
