import { describe, expect, it } from "vitest";
import { DETAIL_OUTPUT_CHARS, judgeMerge, MAIL_OUTPUT_CHARS, STORED_OUTPUT_CHARS, summarizeRun, tail } from "./outcome";
import { conflicted, gateFailed, mergeResult } from "./test-kit";

const RUN = { branch: "gt/web-4k2m", target: "main", push: true };

describe("judgeMerge", () => {
  it("reads a pushed merge as merged and an unpushed one as waiting for approval", () => {
    expect(judgeMerge(mergeResult(), RUN)).toEqual({ kind: "merged", detail: `gt/web-4k2m fast-forwarded into main as ${"a".repeat(12)} (✓ test)` });
    expect(judgeMerge(mergeResult({ fastForward: false, gates: [] }), RUN).detail).toContain("merged into main");
    expect(judgeMerge(mergeResult({ gates: [] }), RUN).detail).toContain("no quality gates configured");
    const waiting = judgeMerge(mergeResult(), { ...RUN, push: false });
    expect(waiting.kind).toBe("awaiting_approval");
  });

  it("sends back failing gates, conflicts and empty branches with mail that says what to do; retries errors", () => {
    const gate = judgeMerge(gateFailed("lint", "src/a.ts:1 unused variable", 2), RUN);
    expect(gate).toMatchObject({ kind: "send_back", state: "rejected", mail: { subject: "Merge of gt/web-4k2m rejected: gate lint failed (exit 2)" } });
    const timedOut = mergeResult({ outcome: "gates_failed", gates: [{ name: "e2e", ok: false, exitCode: null, timedOut: true, output: "", ms: 1 }] });
    expect(judgeMerge(timedOut, RUN).detail).toContain("gate e2e exceeded its time limit");
    const conflict = judgeMerge(conflicted(["a.ts"]), RUN);
    expect(conflict).toMatchObject({ kind: "send_back", state: "conflict", detail: "gt/web-4k2m conflicts with main in: a.ts" });
    const many = judgeMerge(conflicted(Array.from({ length: 60 }, (_, i) => `f${i}.ts`)), RUN);
    expect(many.detail).toContain("and 10 more");
    expect(judgeMerge(mergeResult({ outcome: "nothing_to_merge" }), RUN)).toMatchObject({ kind: "send_back", state: "rejected" });
    expect(judgeMerge(mergeResult({ outcome: "error", detail: "push to main was refused" }), RUN)).toEqual({
      kind: "retry",
      detail: "the refinery could not merge gt/web-4k2m: push to main was refused",
    });
  });

  it("bounds gate output everywhere, keeping the end where test runners print failures", () => {
    const output = `${"x".repeat(200_000)}\nTHE FAILURE\n`;
    const v = judgeMerge(gateFailed("test", output), RUN);
    if (v.kind !== "send_back") throw new Error("expected send_back");
    expect(v.detail.length).toBeLessThan(DETAIL_OUTPUT_CHARS + 200);
    expect(v.detail).toContain("THE FAILURE");
    expect(v.mail.body.length).toBeLessThan(MAIL_OUTPUT_CHARS + 600);
    const stored = summarizeRun(gateFailed("test", output), true);
    expect(stored.gates[0]?.output.length).toBeLessThan(STORED_OUTPUT_CHARS + 100);
    expect(stored.gates[0]?.output).toContain("THE FAILURE");
    expect(stored.pushed).toBe(false);
    expect(summarizeRun(mergeResult(), true).gates[0]?.output).toBe("");
    expect(tail("short", 10)).toBe("short");
    expect(tail("0123456789", 4)).toBe("[… 6 earlier characters cut]\n6789");
  });
});
