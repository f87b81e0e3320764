import type { z } from "zod";
import type { Actor, Agent, Bead } from "../../core/domain";
import { GastownError } from "../../core/errors";
import type { AgentDoneRequest, AgentEscalateRequest, AgentLifecycleRequest } from "../../core/town-api";
import { getAgent, setAgentStatus } from "../../db/agents";
import { getBead, updateBead } from "../../db/beads";
import { type Escalation, raiseEscalation } from "../../db/escalations";
import { inbox, type Mail, markDelivered, markRead } from "../../db/mail";
import { submitMergeRequestIn } from "../../db/merge-requests";
import { appendBeadEvent } from "../../db/outbox";
import { inTransaction } from "../../db/tx";
import { submitExitedWork } from "../refinery/submit";
import type { TownContext } from "./context";

/**
 * What an agent may do about itself through its gt tools and the container's callbacks.
 * Every action is attributed to the agent (actor kind `agent`).
 */

const asActor = (agentId: string): Actor => ({ kind: "agent", id: agentId });

/**
 * Lifecycle callback from the container: started -> working, idle -> idle, exited -> exited.
 * A polecat that exits cleanly with commits on its branch (the container reports
 * `commitsAhead`) without calling gt_done has its work queued for the refinery all the same.
 */
export function agentLifecycle(t: TownContext, agentId: string, req: z.output<typeof AgentLifecycleRequest>): Agent {
  const status = req.event === "started" ? "working" : req.event;
  const detail =
    req.event === "exited" ? [`exit code ${req.exitCode ?? "unknown"}`, req.detail].filter(Boolean).join(": ") : (req.detail ?? req.event);
  const now = t.now();
  return inTransaction(t.db, () => {
    if (req.event === "exited") submitExitedWork(t.db, agentId, { exitCode: req.exitCode ?? null, commitsAhead: req.commitsAhead ?? 0 }, now);
    return setAgentStatus(t.db, agentId, status, detail, asActor(agentId), now);
  });
}

/** The bead on the agent's hook; `conflict` when it has none. */
function hookedBead(t: TownContext, agentId: string): Bead {
  const agent = getAgent(t.db, agentId);
  if (agent.hookedBeadId === null) throw new GastownError("conflict", `${agentId} has no bead on its hook`);
  return getBead(t.db, agent.hookedBeadId);
}

/**
 * gt_done: the agent says its bead's work is finished. The bead moves to `review` and its
 * branch `gt/<bead>` enters the rig's merge queue (a merge request; the refinery takes it on
 * the next alarm); the summary and branch are kept in the bead's audit trail.
 */
export function agentDone(t: TownContext, agentId: string, req: z.output<typeof AgentDoneRequest>): Bead {
  const bead = hookedBead(t, agentId);
  if (bead.status === "closed") throw new GastownError("conflict", `${bead.id} is already closed`);
  const now = t.now();
  return inTransaction(t.db, () => {
    appendBeadEvent(t.db, bead.id, "done", asActor(agentId), { summary: req.summary, branch: req.branch ?? null }, now);
    // Work outside any rig has no branch to merge: it only waits for review.
    if (bead.rigId === null) return updateBead(t.db, bead.id, { status: "review", actor: asActor(agentId) }, now);
    submitMergeRequestIn(t.db, { sourceBeadId: bead.id, agentId, summary: req.summary, actor: asActor(agentId) }, now);
    return getBead(t.db, bead.id);
  });
}

/** gt_mail_check: the agent's unread mail, oldest first, marked delivered and read. */
export function agentMailCheck(t: TownContext, agentId: string): Mail[] {
  getAgent(t.db, agentId);
  const now = t.now();
  const actor = asActor(agentId);
  return inTransaction(t.db, () =>
    inbox(t.db, agentId, { unread: true, limit: 50 })
      .reverse()
      .map((m) => {
        if (m.deliveredAt === null) markDelivered(t.db, m.id, actor, now);
        return markRead(t.db, m.id, actor, now);
      }),
  );
}

/** gt_escalate: raised about the agent's hooked bead (if any), with its body and metadata kept. */
export function agentEscalate(t: TownContext, agentId: string, req: z.output<typeof AgentEscalateRequest>): Escalation {
  const agent = getAgent(t.db, agentId);
  return raiseEscalation(
    t.db,
    {
      severity: req.severity,
      title: req.title,
      body: req.body,
      metadata: req.metadata,
      beadId: agent.hookedBeadId ?? undefined,
      rig: agent.rigId ?? undefined,
      source: agentId,
      sourceAgentId: agentId,
      actor: asActor(agentId),
    },
    t.now(),
  );
}

/** gt_status: the agent as the town sees it and the bead on its hook. */
export function agentStatus(t: TownContext, agentId: string): { agent: Agent; bead: Bead | null } {
  const agent = getAgent(t.db, agentId);
  return { agent, bead: agent.hookedBeadId === null ? null : getBead(t.db, agent.hookedBeadId) };
}
