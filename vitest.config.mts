import { readFileSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig, type Plugin } from "vitest/config";

/** drizzle-kit migrations import .sql files; wrangler loads them as Text, vite needs this. */
const sqlText: Plugin = {
  name: "sql-text",
  transform(_code, id) {
    if (id.endsWith(".sql")) return { code: `export default ${JSON.stringify(readFileSync(id, "utf8"))};`, map: null };
  },
};

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print one plain "N passed, N failed" closing line.
    reporters: ["default", ["json", { outputFile: ".tmp/vitest-report.json" }]],
    projects: [
      {
        plugins: [
          sqlText,
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { GASTOWN_API_TOKEN: "test-bot-token", GASTOWN_AGENT_SECRET: "test-agent-secret", GASTOWN_RUNTIME: "fake" },
            },
          }),
        ],
        test: { name: "workers", include: ["worker/**/*.test.ts", "db/**/*.test.ts"], globalSetup: ["test/global-model-control.ts"] },
      },
      {
        plugins: [sqlText],
        test: {
          name: "node",
          environment: "node",
          include: ["core/**/*.test.ts", "container/**/*.test.ts", "bot/**/*.test.ts", "renderers/**/*.test.ts", "prompts/**/*.test.ts", "test/**/*.test.ts"],
        },
      },
    ],
  },
});
