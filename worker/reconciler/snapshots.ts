import { z } from "zod";
import { errorMessage } from "../../core/errors";
import type { AgentRuntime, Logger } from "../../core/ports";
import { listAgents } from "../../db/agents";
import type { TownDb } from "../../db/client";
import { appendTownEvent } from "../../db/outbox";
import { getMeta, setMeta } from "../../db/town-meta";

/**
 * The live terminal in each bead thread: while an agent works, its screen is read every
 * SNAPSHOT_EVERY_MS and, when it changed, announced as `snapshot_updated` (the bot edits one
 * snapshot message per bead). Unchanged screens announce nothing.
 */
export const SNAPSHOT_EVERY_MS = 15_000;

const Seen = z.object({ at: z.number(), hash: z.string() });
const LIVE = new Set(["starting", "working", "idle"]);

/** FNV-1a over the screen text: enough to tell "changed" from "same". */
function screenHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** Snapshot interval from the Worker's GASTOWN_SNAPSHOT_SECONDS (default 15 s). */
export function snapshotEveryMs(setting: string | undefined): number {
  return z.coerce.number().min(1).max(3600).catch(SNAPSHOT_EVERY_MS / 1000).parse(setting ?? SNAPSHOT_EVERY_MS / 1000) * 1000;
}

/** Refreshes due snapshots; returns when the next refresh is due (null: no live agent). */
export async function refreshSnapshots(args: { db: TownDb; runtime: AgentRuntime; log: Logger; now: number; everyMs?: number }): Promise<number | null> {
  const { db, runtime, log, now } = args;
  const every = args.everyMs ?? SNAPSHOT_EVERY_MS;
  let next: number | null = null;
  for (const agent of listAgents(db)) {
    if (!LIVE.has(agent.status) || agent.hookedBeadId === null) continue;
    const key = `snap:${agent.id}`;
    const raw = getMeta(db, key);
    const seen = raw === undefined ? null : Seen.safeParse(JSON.parse(raw));
    const last = seen?.success ? seen.data : null;
    const due = last === null ? now : last.at + every;
    if (due > now) {
      next = next === null ? due : Math.min(next, due);
      continue;
    }
    next = next === null ? now + every : Math.min(next, now + every);
    try {
      const snap = await runtime.snapshot(agent.id);
      const hash = screenHash(snap.text);
      setMeta(db, key, JSON.stringify({ at: now, hash }));
      if (last?.hash === hash) continue;
      appendTownEvent(
        db,
        {
          type: "snapshot_updated",
          beadId: agent.hookedBeadId,
          rigId: agent.rigId,
          data: { agentId: agent.id, text: snap.text, ansi: snap.ansi, cols: snap.cols, rows: snap.rows },
        },
        now,
      );
    } catch (e) {
      // The screen is read again on the next pass; the agent's own health is the witness's job.
      setMeta(db, key, JSON.stringify({ at: now, hash: last?.hash ?? "" }));
      log.warn("snapshot refresh failed", { agent: agent.id, error: errorMessage(e) });
    }
  }
  return next;
}
