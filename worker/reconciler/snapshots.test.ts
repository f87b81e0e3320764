import { describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger";
import { setAgentStatus } from "../../db/agents";
import { addRig } from "../../db/rigs";
import { sling } from "../../db/sling";
import { ALICE, allEvents, withTown } from "../../db/test-helpers";
import { FakeRuntime } from "../runtime/fake-runtime";
import { refreshSnapshots, SNAPSHOT_EVERY_MS } from "./snapshots";

const startReq = (agentId: string, beadId: string) => ({
  agentId,
  town: "local:t",
  role: "polecat" as const,
  kind: "claude",
  rig: null,
  beadId,
  prompt: "p",
  workerUrl: "http://127.0.0.1:8787",
  agentToken: "tok",
});

describe("live snapshots", () => {
  it("announces a working agent's screen when it changed, at most once per interval", async () => {
    await withTown(async (db) => {
      addRig(db, { name: "web", gitUrl: "https://example.com/web.git", actor: ALICE }, 1);
      const { bead, agent } = sling(db, { rig: "web", title: "fix login", actor: ALICE }, 2);
      const runtime = new FakeRuntime();
      await runtime.start(startReq(agent!.id, bead.id));
      setAgentStatus(db, agent!.id, "working", null, ALICE, 3);
      const snaps = () => allEvents(db).filter((e) => e.type === "snapshot_updated");
      const pass = (now: number) => refreshSnapshots({ db, runtime, log: silentLogger, now });

      const t0 = 10_000;
      expect(await pass(t0)).toBe(t0 + SNAPSHOT_EVERY_MS);
      expect(snaps()).toHaveLength(1);
      expect(snaps()[0]).toMatchObject({ beadId: bead.id, data: { agentId: agent!.id } });

      // Not due yet: nothing read. Due but unchanged: nothing announced.
      await runtime.nudge(agent!.id, "working on it");
      expect(await pass(t0 + 1000)).toBe(t0 + SNAPSHOT_EVERY_MS);
      expect(snaps()).toHaveLength(1);
      await pass(t0 + SNAPSHOT_EVERY_MS);
      expect(snaps()).toHaveLength(2);
      expect(snaps()[1]?.type === "snapshot_updated" && snaps()[1]?.data.text).toContain("working on it");
      await pass(t0 + 2 * SNAPSHOT_EVERY_MS);
      expect(snaps()).toHaveLength(2);

      // A failing read is logged and retried next interval; an exited agent is left alone.
      await runtime.stop(agent!.id);
      await expect(pass(t0 + 3 * SNAPSHOT_EVERY_MS)).resolves.toBe(t0 + 4 * SNAPSHOT_EVERY_MS);
      setAgentStatus(db, agent!.id, "exited", null, ALICE, 4);
      expect(await pass(t0 + 5 * SNAPSHOT_EVERY_MS)).toBeNull();
      expect(snaps()).toHaveLength(2);
    });
  });
});
