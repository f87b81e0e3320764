import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const FORBIDDEN = [/^node:/, /^cloudflare:/, /^@slack\//, /^discord\.js/, /^@discordjs\//, /^hono/, /^drizzle-orm/, /^node-pty/, /^@xterm\//];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

describe("core/ boundary", () => {
  it("imports no platform package", () => {
    const offenders: string[] = [];
    for (const file of files("core")) {
      const src = readFileSync(file, "utf8");
      for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
        const spec = m[1] ?? m[2] ?? "";
        if (FORBIDDEN.some((re) => re.test(spec))) offenders.push(`${file}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
  it("flags a platform import when one is present", () => {
    const src = `import { App } from "@slack/bolt";`;
    const spec = /from\s*["']([^"']+)["']/.exec(src)?.[1] ?? "";
    expect(FORBIDDEN.some((re) => re.test(spec))).toBe(true);
  });
});
