import { readFileSync } from "node:fs";
import type { Plugin } from "vitest/config";

/** drizzle-kit migrations import .sql files; wrangler loads them as Text, vite needs this. */
export const sqlText: Plugin = {
  name: "sql-text",
  transform(_code, id) {
    if (id.endsWith(".sql")) return { code: `export default ${JSON.stringify(readFileSync(id, "utf8"))};`, map: null };
  },
};
