import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { sqlText } from "./vitest.shared.mts";

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
        test: { name: "workers", include: ["worker/**/*.test.ts", "db/**/*.test.ts"], globalSetup: ["test/global-model-control.ts"], testTimeout: 60_000 },
      },
      {
        plugins: [sqlText],
        test: {
          name: "node",
          environment: "node",
          // Guards against hangs, not speed checks: these tests run real processes, PTYs and
          // servers on a shared 2-core machine, where 5 s is sometimes not enough.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          include: ["core/**/*.test.ts", "container/**/*.test.ts", "bot/**/*.test.ts", "renderers/**/*.test.ts", "prompts/**/*.test.ts", "test/**/*.test.ts"],
        },
      },
    ],
  },
});
