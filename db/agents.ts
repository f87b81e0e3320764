import { and, asc, eq, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { Actor, Agent, AgentRole, AgentStatus, type Rig, RigConfig } from "../core/domain";
import { conflict, notFound } from "../core/errors";
import { AgentId } from "../core/ids";
import { AgentHeartbeatRequest } from "../core/town-api";
import type { TownDb } from "./client";
import { requireBeadRow, toBead } from "./bead-rows";
import { noteConvoyMember } from "./convoys";
import { parseInput } from "./input";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { agents, beads, rigs } from "./schema";
import { inTransaction } from "./tx";

/**
 * Agents (mayor, polecats, refinery, witness) and their hooks. A hook binds one agent to one
 * bead; GUPP says an agent with work on its hook must be working on it, so the reconciler
 * starts any hooked agent that is not running. Nothing here starts or stops a process.
 */

type AgentRow = typeof agents.$inferSelect;

function toAgent(row: AgentRow): Agent {
  return Agent.parse(row);
}

/** The agent with this id, or undefined. */
export function findAgent(db: TownDb, id: string): Agent | undefined {
  const row = db.select().from(agents).where(eq(agents.id, id)).get();
  return row ? toAgent(row) : undefined;
}

/** The agent with this id; `not_found` otherwise. */
export function getAgent(db: TownDb, id: string): Agent {
  const agent = findAgent(db, id);
  if (!agent) throw notFound(`agent ${id}`);
  return agent;
}

/** Agents, optionally of one rig and/or role, by id. */
export function listAgents(db: TownDb, filter: { rigId?: string; role?: AgentRole } = {}): Agent[] {
  const where: SQL[] = [];
  if (filter.rigId !== undefined) where.push(eq(agents.rigId, filter.rigId));
  if (filter.role !== undefined) where.push(eq(agents.role, filter.role));
  return db
    .select()
    .from(agents)
    .where(and(...where))
    .orderBy(asc(agents.id))
    .all()
    .map(toAgent);
}

const RegisterAgentInput = z.object({
  id: AgentId,
  role: AgentRole,
  rigId: z.string().nullable().default(null),
  kind: z.string().min(1).max(200),
  /** A registered agent has no process yet: `exited` until the reconciler starts it. */
  status: AgentStatus.default("exited"),
  actor: Actor,
});
export type RegisterAgentInput = z.input<typeof RegisterAgentInput>;

function announceStatus(db: TownDb, agent: Agent, actor: Actor | null, detail: string | null, now: number): void {
  appendTownEvent(
    db,
    {
      type: "agent_status",
      beadId: agent.hookedBeadId,
      rigId: agent.rigId,
      actor,
      data: { agentId: agent.id, role: agent.role, status: agent.status, beadId: agent.hookedBeadId, detail },
    },
    now,
  );
}

function insertAgent(db: TownDb, req: z.output<typeof RegisterAgentInput>, now: number): Agent {
  if (findAgent(db, req.id)) throw conflict(`agent ${req.id} already exists`);
  const row = db
    .insert(agents)
    .values({ id: req.id, role: req.role, rigId: req.rigId, status: req.status, kind: req.kind, hookedBeadId: null, createdAt: now })
    .returning()
    .get();
  const agent = toAgent(row);
  announceStatus(db, agent, req.actor, "registered", now);
  return agent;
}

/** Registers an agent (e.g. the mayor or a rig's refinery); `conflict` if the id is taken. */
export function registerAgent(db: TownDb, input: RegisterAgentInput, now: number): Agent {
  const req = parseInput(RegisterAgentInput, input, "agent");
  return inTransaction(db, () => insertAgent(db, req, now));
}

/** Rig names allow `.` and `_`; agent ids do not. */
function polecatBase(rigName: string): string {
  const slug = rigName.replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
  return `polecat-${slug.length > 0 ? slug : "rig"}`;
}

/**
 * A polecat of the rig free to take a bead, or null when the rig's `maxPolecats` polecats
 * are all hooked. Reuses an unhooked polecat before registering `polecat-<rig>-<n>`.
 * The caller holds the transaction.
 */
export function ensurePolecat(db: TownDb, rigId: string, actor: Actor, now: number): Agent | null {
  const row = db.select().from(rigs).where(eq(rigs.id, rigId)).get();
  if (!row) throw notFound(`rig ${rigId}`);
  return ensurePolecatFor(db, { id: row.id, name: row.name, config: RigConfig.parse(row.config) }, actor, now);
}

/** ensurePolecat for a rig the caller has already read. */
export function ensurePolecatFor(db: TownDb, rig: Pick<Rig, "id" | "name" | "config">, actor: Actor, now: number): Agent | null {
  const rigId = rig.id;
  const { maxPolecats } = rig.config;
  const mine = and(eq(agents.rigId, rigId), eq(agents.role, "polecat"));
  const busy = db.select({ n: sql<number>`count(*)` }).from(agents).where(and(mine, isNotNull(agents.hookedBeadId))).get()?.n ?? 0;
  if (busy >= maxPolecats) return null;
  const free = db.select().from(agents).where(and(mine, isNull(agents.hookedBeadId))).orderBy(asc(agents.createdAt), asc(agents.id)).get();
  if (free) return toAgent(free);
  const base = polecatBase(rig.name);
  for (let n = 1; ; n++) {
    const id = `${base}-${n}`;
    if (!findAgent(db, id)) {
      return insertAgent(db, { id, role: "polecat", rigId, kind: rig.config.agent, status: "exited", actor }, now);
    }
  }
}

/** Records a heartbeat (and activity); a changed status is announced like setAgentStatus. */
export function heartbeat(db: TownDb, agentId: string, input: z.input<typeof AgentHeartbeatRequest>, now: number): Agent {
  const req = parseInput(AgentHeartbeatRequest, input, "heartbeat");
  return inTransaction(db, () => {
    const before = getAgent(db, agentId);
    db.update(agents)
      .set({ lastHeartbeatAt: now, lastActivityAt: req.activityAt ?? (req.status === "working" ? now : before.lastActivityAt) })
      .where(eq(agents.id, agentId))
      .run();
    if (before.status === req.status) return getAgent(db, agentId);
    return setStatusIn(db, agentId, req.status, null, { kind: "agent", id: agentId }, now);
  });
}

function setStatusIn(db: TownDb, agentId: string, status: AgentStatus, detail: string | null, actor: Actor, now: number): Agent {
  const before = getAgent(db, agentId);
  if (before.status === status) return before;
  const row = db.update(agents).set({ status }).where(eq(agents.id, agentId)).returning().get();
  if (!row) throw notFound(`agent ${agentId}`);
  const agent = toAgent(row);
  if (agent.hookedBeadId !== null) appendBeadEvent(db, agent.hookedBeadId, "agent_status", actor, { agentId, from: before.status, to: status, detail }, now);
  announceStatus(db, agent, actor, detail, now);
  return agent;
}

/** Sets an agent's status (announced as `agent_status`); the same status changes nothing. */
export function setAgentStatus(db: TownDb, agentId: string, status: AgentStatus, detail: string | null, actor: Actor, now: number): Agent {
  const s = parseInput(AgentStatus, status, "agent status");
  return inTransaction(db, () => setStatusIn(db, agentId, s, detail, actor, now));
}

/**
 * Puts a bead on an agent's hook inside the caller's transaction: bead `hooked`, assignee
 * the agent, events `hooked` + `bead_hooked`. Refuses closed beads and double hooks.
 */
export function hookBeadIn(db: TownDb, agentId: string, beadId: string, actor: Actor, now: number): Agent {
  const agent = getAgent(db, agentId);
  const bead = requireBeadRow(db, beadId);
  if (agent.hookedBeadId === beadId) return agent;
  if (agent.hookedBeadId !== null) throw conflict(`${agentId} already has ${agent.hookedBeadId} on its hook`);
  if (bead.status === "closed") throw conflict(`${beadId} is closed`);
  const holder = db.select({ id: agents.id }).from(agents).where(eq(agents.hookedBeadId, beadId)).get();
  if (holder) throw conflict(`${beadId} is already on ${holder.id}'s hook`);
  const row = db.update(agents).set({ hookedBeadId: beadId, restarts: 0, dispatchFailures: 0, nextDispatchAt: null }).where(eq(agents.id, agentId)).returning().get();
  if (!row) throw notFound(`agent ${agentId}`);
  const hooked = db.update(beads).set({ status: "hooked", assignee: agentId, updatedAt: now }).where(eq(beads.id, beadId)).returning().get();
  if (!hooked) throw notFound(`bead ${beadId}`);
  const b = toBead(hooked);
  appendBeadEvent(db, beadId, "hooked", actor, { agentId, from: bead.status }, now);
  appendTownEvent(db, { type: "bead_hooked", beadId, rigId: b.rigId, actor, data: { bead: b, agentId } }, now);
  noteConvoyMember(db, beadId, actor, now);
  return toAgent(row);
}

/** Hooks a bead to an agent (see hookBeadIn) in its own transaction. */
export function hookBead(db: TownDb, agentId: string, beadId: string, actor: Actor, now: number): Agent {
  return inTransaction(db, () => hookBeadIn(db, agentId, beadId, actor, now));
}

/**
 * Takes the bead off an agent's hook; an unfinished bead goes back to `open` (and so back
 * into the ready queue), or to `parked` when a person stopped it, with no assignee. Returns the agent; no hook changes nothing.
 */
export function unhook(db: TownDb, agentId: string, actor: Actor, now: number, reason: string | null = null, opts: { park?: boolean } = {}): Agent {
  return inTransaction(db, () => {
    const agent = getAgent(db, agentId);
    const beadId = agent.hookedBeadId;
    if (beadId === null) return agent;
    const row = db.update(agents).set({ hookedBeadId: null }).where(eq(agents.id, agentId)).returning().get();
    if (!row) throw notFound(`agent ${agentId}`);
    const bead = requireBeadRow(db, beadId);
    appendBeadEvent(db, beadId, "unhooked", actor, { agentId, reason }, now);
    if (bead.status !== "closed") {
      // Parked work stays out of the ready queue until a person slings it again.
      const status = opts.park ? "parked" : "open";
      const reopened = db.update(beads).set({ status, assignee: null, updatedAt: now }).where(eq(beads.id, beadId)).returning().get();
      if (reopened) {
        const b = toBead(reopened);
        appendTownEvent(db, { type: "bead_updated", beadId, rigId: b.rigId, actor, data: { bead: b, changed: ["status", "assignee"] } }, now);
        noteConvoyMember(db, beadId, actor, now);
      }
    }
    return toAgent(row);
  });
}

/**
 * Frees the hooks of agents holding a bead that just closed (their slot opens for the next
 * ready bead; the reconciler stops a running agent left without a hook). Caller's transaction.
 */
export function releaseHooksOn(db: TownDb, beadId: string, actor: Actor, now: number): void {
  const holders = db.update(agents).set({ hookedBeadId: null }).where(eq(agents.hookedBeadId, beadId)).returning({ id: agents.id }).all();
  for (const h of holders) appendBeadEvent(db, beadId, "unhooked", actor, { agentId: h.id, reason: "closed" }, now);
}
