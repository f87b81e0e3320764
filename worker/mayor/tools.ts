import { z } from "zod";
import { type Actor, BeadStatus, BeadType, Priority, WorkBeadType } from "../../core/domain";
import { BeadId } from "../../core/ids";
import type { AgentRuntime } from "../../core/ports";
import { getBead, listBeads } from "../../db/beads";
import type { TownDb } from "../../db/client";
import { addToConvoy, convoyProgress, createConvoy, listConvoys } from "../../db/convoys";
import { listDependencies } from "../../db/deps";
import { readyQueue } from "../../db/ready";
import { listRigs } from "../../db/rigs";
import { sling } from "../../db/sling";
import type { MayorTool } from "./loop";

/** What the mayor's tools act on: the town's db, its agents, who it acts for. */
export interface MayorToolContext {
  db: TownDb;
  now: () => number;
  /** The mayor, on behalf of the chat user who asked. */
  actor: Actor;
  runtime?: AgentRuntime;
  /** Extra tools from other parts of the town (mail, escalations, merge queue). */
  extra?: MayorTool[];
}

const tool = <I>(t: MayorTool<I>): MayorTool => t as MayorTool;

const beadSummary = (b: { id: string; title: string; status: string; priority: string; type: string; rigId: string | null; assignee: string | null }) => ({
  id: b.id,
  title: b.title,
  type: b.type,
  status: b.status,
  priority: b.priority,
  rig: b.rigId,
  agent: b.assignee,
});

/** The town operations the mayor may use, each with a zod input schema. */
export function createMayorTools(ctx: MayorToolContext): MayorTool[] {
  const { db, actor } = ctx;
  const rigName = (id: string | null) => (id ? (listRigs(db).find((r) => r.id === id)?.name ?? id) : null);
  const tools: MayorTool[] = [
    tool({
      name: "list_rigs",
      description: "List the town's rigs (git repositories bound to chat channels) with their limits and agents.",
      input: z.object({}),
      run: async () => listRigs(db).map((r) => ({ name: r.name, gitUrl: r.gitUrl, defaultBranch: r.defaultBranch, prefix: r.beadPrefix, maxPolecats: r.config.maxPolecats, agent: r.config.agent })),
    }),
    tool({
      name: "list_beads",
      description: "List or search beads (work items and records). Filter by rig name, status, type, or text in the title.",
      input: z.object({
        rig: z.string().optional(),
        status: BeadStatus.optional(),
        type: BeadType.optional(),
        query: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(100).default(25),
      }),
      run: async (i) =>
        listBeads(db, { rig: i.rig, status: i.status, type: i.type, q: i.query, limit: i.limit }).map((b) => ({ ...beadSummary(b), rig: rigName(b.rigId) })),
    }),
    tool({
      name: "show_bead",
      description: "Show one bead: its fields, body, dependencies and dependents.",
      input: z.object({ bead_id: BeadId }),
      run: async (i) => {
        const b = getBead(db, i.bead_id);
        return { ...beadSummary(b), rig: rigName(b.rigId), body: b.body, labels: b.labels, parent: b.parentId, deps: listDependencies(db, b.id) };
      },
    }),
    tool({
      name: "ready_queue",
      description: "The ready queue: open, unblocked work, most urgent first.",
      input: z.object({ rig: z.string().optional(), limit: z.number().int().min(1).max(100).default(20) }),
      run: async (i) => {
        const rigId = i.rig ? listRigs(db).find((r) => r.name === i.rig || r.id === i.rig)?.id : undefined;
        return readyQueue(db, { rigId, limit: i.limit }).map(beadSummary);
      },
    }),
    tool({
      name: "sling",
      description:
        "Create a work bead on a rig and put it on a polecat's hook (a worker agent starts on it). Use one sling per independent piece of work; give a clear title and a body with what done means.",
      input: z.object({
        rig: z.string().min(1).describe("rig name"),
        title: z.string().trim().min(1).max(300),
        body: z.string().max(20_000).default(""),
        type: WorkBeadType.default("task"),
        priority: Priority.default("P2"),
      }),
      run: async (i) => {
        const r = sling(db, { rig: i.rig, title: i.title, body: i.body, type: i.type, priority: i.priority, actor }, ctx.now());
        return { bead: r.bead.id, title: r.bead.title, rig: i.rig, status: r.bead.status, agent: r.agent?.id ?? null, queued: r.queued, queuedReason: r.queuedReason };
      },
    }),
    tool({
      name: "convoy_create",
      description: "Group beads into a convoy that lands when all of them are closed.",
      input: z.object({ name: z.string().trim().min(1).max(100), bead_ids: z.array(BeadId).min(1).max(100) }),
      run: async (i) => createConvoy(db, { name: i.name, beadIds: i.bead_ids, actor }, ctx.now()),
    }),
    tool({
      name: "convoy_add",
      description: "Add beads to an existing convoy.",
      input: z.object({ convoy_id: BeadId, bead_ids: z.array(BeadId).min(1).max(100) }),
      run: async (i) => addToConvoy(db, i.convoy_id, { beadIds: i.bead_ids, actor }, ctx.now()),
    }),
    tool({
      name: "convoy_status",
      description: "Progress of one convoy, or of all open convoys when no id is given.",
      input: z.object({ convoy_id: BeadId.optional() }),
      run: async (i) => (i.convoy_id ? convoyProgress(db, i.convoy_id) : listConvoys(db, { open: true })),
    }),
  ];
  if (ctx.runtime) {
    const runtime = ctx.runtime;
    tools.push(
      tool({
        name: "peek",
        description: "Look at an agent's terminal: returns the text of its screen.",
        input: z.object({ agent_id: z.string().min(1) }),
        run: async (i) => (await runtime.snapshot(i.agent_id)).text,
      }),
      tool({
        name: "nudge",
        description: "Type a short message into a running agent's session.",
        input: z.object({ agent_id: z.string().min(1), text: z.string().trim().min(1).max(2000) }),
        run: async (i) => {
          await runtime.nudge(i.agent_id, i.text);
          return "nudged";
        },
      }),
    );
  }
  return [...tools, ...(ctx.extra ?? [])];
}
