import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { Bead } from "../core/domain";
import { makeTempOrigin, type TempOrigin } from "../container/git/test-repos";
import { type ModelServer, startModelServer } from "./fakes/model-server";
import { type LocalTown, startLocalTown } from "./harness/local-town";

/**
 * The whole chain through `npm start`'s real processes: a sling on the Town API (wrangler
 * dev, TownDO) is dispatched by the reconciler to the container control server, where REAL
 * Claude Code runs in a PTY against a scripted model server; it commits on gt/<bead-id> and
 * calls gt_done through the gt MCP server back to the Worker; the refinery merges the
 * branch into origin's main. Offline.
 */

let origin: TempOrigin;
let model: ModelServer;
let town: LocalTown;
const TOWN = encodeURIComponent("local:e2e");
const actor = { kind: "user", id: "U-E2E", name: "e2e" };

beforeAll(async () => {
  origin = makeTempOrigin("app");
  model = await startModelServer({
    script: [
      { tools: [{ name: "bash", input: { command: "printf 'Hello from the town\\n' > hello.txt && git add hello.txt && git commit -qm 'Add hello.txt'", description: "Write and commit" } }] },
      { tools: [{ name: "gt_done", input: { summary: "Added hello.txt" } }] },
      { text: "Done: hello.txt committed and gt_done called." },
    ],
  });
  town = await startLocalTown({
    parts: ["worker", "container"],
    env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: "sk-ant-e2e-0123456789abcdefghij", GASTOWN_MODEL: "claude-sonnet-4-5", ...origin.env },
  });
}, 180_000);

afterAll(async () => {
  await town?.stop();
  await model?.close();
  origin?.cleanup();
}, 60_000);

async function until<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 150_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${town.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("the local town, end to end", () => {
  it("slings a bead that a real Claude Code polecat finishes and the refinery merges", async () => {
    // On failure, say what the town and the scripted model saw (the reason is usually there).
    onTestFailed(() => console.error(`--- local town output ---\n${town.output().slice(-6000)}\n--- model problems: ${JSON.stringify(model.problems)}`));
    const rig = await town.api("POST", `/towns/${TOWN}/rigs`, { name: "app", gitUrl: origin.origin, config: { agent: "claude", maxPolecats: 1 }, actor });
    expect(rig.status).toBe(201);
    const sling = await town.api<{ bead: Bead }>("POST", `/towns/${TOWN}/sling`, { rig: "app", title: "Add hello.txt", actor });
    expect(sling.status).toBe(201);
    const id = sling.json.bead.id;

    // gt_done arrives at the Worker: the bead leaves in_progress for review, then merges.
    const closed = await until("the bead to be merged and closed", async () => {
      const r = await town.api<{ bead: Bead }>("GET", `/towns/${TOWN}/beads/${id}`);
      return r.json.bead.status === "closed" ? r.json.bead : null;
    });
    expect(closed.status).toBe("closed");
    const { json } = await town.api<{ events: { kind: string; data: Record<string, unknown> }[] }>("GET", `/towns/${TOWN}/beads/${id}/events`);
    expect(json.events).toContainEqual(expect.objectContaining({ kind: "done", data: expect.objectContaining({ summary: "Added hello.txt" }) }));

    // The agent's commit is on origin's main now, made on gt/<bead-id> by the polecat.
    expect(origin.git(origin.origin, "show", "main:hello.txt")).toBe("Hello from the town");
    expect(origin.git(origin.origin, "log", "--format=%s", "main")).toContain("Add hello.txt");
    expect(model.problems).toEqual([]);
  }, 240_000);
});
