import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { sqlText } from "../vitest.shared.mts";

/** Benchmarks: figures printed as `BENCH {json}` lines, collected by scripts/bench.mjs. */
export default defineConfig({
  test: {
    // One benchmark at a time: figures from files racing each other for 2 cores mean little.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    projects: [
      {
        plugins: [
          sqlText,
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { GASTOWN_API_TOKEN: "bench-token", GASTOWN_AGENT_SECRET: "bench-secret", GASTOWN_RUNTIME: "fake" } },
          }),
        ],
        test: { name: "bench-workers", include: ["bench/worker/**/*.bench-test.ts"], testTimeout: 300_000, globalSetup: ["test/global-model-control.ts"] },
      },
      { plugins: [sqlText], test: { name: "bench-node", environment: "node", include: ["bench/node/**/*.bench-test.ts"], testTimeout: 300_000 } },
    ],
  },
});
