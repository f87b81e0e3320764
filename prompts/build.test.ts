import { describe, expect, it } from "vitest";
import { buildMayorPrompt, buildPolecatPrompt, buildRefineryPrompt } from "./build";
import { readTemplate, TEMPLATE_NAMES, templatesModule } from "./generate-templates";
import { placeholders, renderTemplate } from "./render";
import { TEMPLATES } from "./templates";

const bead = { id: "gt-4k2m", title: "Login times out on Safari", body: "Repro: open /login in Safari 17.", priority: "P1", type: "bug" };

describe("renderTemplate", () => {
  it("fills every placeholder once, without expanding values", () => {
    expect(renderTemplate("t", "Hi {{name}}, {{ name }} on {{rig}}.", { name: "{{rig}}", rig: "app" })).toBe("Hi {{rig}}, {{rig}} on app.");
  });

  it("throws on a placeholder without a value", () => {
    expect(() => renderTemplate("t", "Hi {{name}} on {{rig}}", { name: "x" })).toThrow(/no value for \{\{rig\}\}/);
  });

  it("throws on a value the template does not use (an unknown placeholder)", () => {
    expect(() => renderTemplate("t", "Hi {{name}}", { name: "x", nmae: "y" })).toThrow(/unknown placeholder nmae/);
  });

  it("throws on a malformed placeholder", () => {
    expect(() => renderTemplate("t", "Hi {{Name}}", {})).toThrow(/malformed placeholder \{\{Name\}\}/);
    expect(() => renderTemplate("t", "Hi {{name", {})).toThrow(/malformed/);
  });
});

describe("polecat prompt", () => {
  it("tells the agent its bead, worktree branch, to commit there and to call gt_done or gt_escalate", () => {
    const p = buildPolecatPrompt({ agentId: "polecat-app-1", bead, rig: { name: "app", defaultBranch: "main" } });
    expect(p).toContain("gt-4k2m — Login times out on Safari");
    expect(p).toContain("Repro: open /login in Safari 17.");
    expect(p).toContain("branch `gt/gt-4k2m`, made from `main`");
    expect(p).toMatch(/Commit your work on this\s+branch/);
    expect(p).toContain("`gt_done`");
    expect(p).toContain("`gt_escalate`");
    expect(p).toContain("Priority: P1");
    expect(p).not.toContain("{{");
  });

  it("keeps placeholder-looking text from a bead body as plain text", () => {
    const p = buildPolecatPrompt({ agentId: "polecat-app-1", bead: { ...bead, body: "use {{branch}} literally" }, rig: { name: "app", defaultBranch: "main" } });
    expect(p).toContain("use {{branch}} literally");
  });
});

describe("refinery and mayor prompts", () => {
  it("the refinery sees the summary and the failing gate's output tail", () => {
    const p = buildRefineryPrompt({
      agentId: "refinery-app",
      rig: { name: "app" },
      bead,
      branch: "gt/gt-4k2m",
      target: "main",
      summary: "Raised the Safari timeout",
      gates: [
        { name: "lint", ok: true, exitCode: 0, timedOut: false, output: "" },
        { name: "test", ok: false, exitCode: 1, timedOut: false, output: "FAIL login.test.ts\nexpected 200 got 504\n" },
      ],
    });
    expect(p).toContain("Raised the Safari timeout");
    expect(p).toContain("- lint: passed");
    expect(p).toContain("- test: FAILED (exit 1)");
    expect(p).toContain("expected 200 got 504");
    expect(p).toContain("git diff main...gt/gt-4k2m");
  });

  it("the mayor knows the town's rigs", () => {
    expect(buildMayorPrompt({ townName: "acme", rigs: ["app", "api"] })).toContain("Rigs in this town: app, api");
  });
});

describe("templates", () => {
  it("templates.ts is generated from the markdown files (run: npx tsx prompts/generate-templates.ts)", async () => {
    const { readFileSync } = await import("node:fs");
    const current = readFileSync(new URL("./templates.ts", import.meta.url), "utf8");
    expect(current).toBe(templatesModule(readTemplate));
    for (const name of TEMPLATE_NAMES) expect(TEMPLATES[name]).toBe(readTemplate(name));
  });

  it("every template uses only well-formed placeholders", () => {
    for (const name of TEMPLATE_NAMES) {
      const values = Object.fromEntries(placeholders(TEMPLATES[name]).map((p) => [p, "x"]));
      expect(() => renderTemplate(name, TEMPLATES[name], values)).not.toThrow();
    }
  });
});
