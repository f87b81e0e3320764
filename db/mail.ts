import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor, Agent, Bead } from "../core/domain";
import { conflict, notFound } from "../core/errors";
import { SendMailRequest } from "../core/town-api";
import { findAgent } from "./agents";
import type { TownDb } from "./client";
import { findBeadRow, insertBead, requireBeadRow, setBeadStatus } from "./bead-rows";
import { parseInput } from "./input";
import { appendBeadEvent, appendTownEvent } from "./outbox";
import { agents, beads, mail } from "./schema";
import { inTransaction } from "./tx";

/**
 * Mail: messages to agents, kept as `message` beads (subject = title) with a `mail` row for
 * delivery. The reconciler delivers pending mail to running agents (markDelivered); agents
 * read it with gt_mail_check (markRead closes the message bead).
 */

export const Mail = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  createdAt: z.number(),
  deliveredAt: z.number().nullable(),
  readAt: z.number().nullable(),
  attempts: z.number().int(),
});
export type Mail = z.infer<typeof Mail>;

type MailJoin = { mail: typeof mail.$inferSelect; bead: typeof beads.$inferSelect };

function toMail({ mail: m, bead }: MailJoin): Mail {
  return Mail.parse({
    id: m.beadId,
    from: m.fromId,
    to: m.toAgentId,
    subject: bead.title,
    body: bead.body,
    createdAt: m.createdAt,
    deliveredAt: m.deliveredAt,
    readAt: m.readAt,
    attempts: m.attempts,
  });
}

function selectMail(db: TownDb) {
  return db.select({ mail, bead: beads }).from(mail).innerJoin(beads, eq(beads.id, mail.beadId));
}

/** The mail with this id; `not_found` otherwise. */
export function getMail(db: TownDb, mailId: string): Mail {
  const row = selectMail(db).where(eq(mail.beadId, mailId)).get();
  if (!row) throw notFound(`mail ${mailId}`);
  return toMail(row);
}

/** `to` is an agent id, or a bead id meaning the agent with that bead on its hook. */
export function resolveRecipient(db: TownDb, to: string): Agent {
  const agent = findAgent(db, to);
  if (agent) return agent;
  const bead = findBeadRow(db, to);
  if (!bead) throw notFound(`agent or bead ${to}`);
  const holder = db.select({ id: agents.id }).from(agents).where(eq(agents.hookedBeadId, to)).get();
  const agentId = holder?.id ?? bead.assignee;
  const hooked = agentId ? findAgent(db, agentId) : undefined;
  if (!hooked) throw conflict(`no agent is working on ${to}`);
  return hooked;
}

/** Sends mail: a message bead plus its delivery row; announced as `mail_sent`. */
export function sendMail(db: TownDb, input: z.input<typeof SendMailRequest>, now: number): Mail {
  const req = parseInput(SendMailRequest, input, "mail");
  return inTransaction(db, () => {
    const agent = resolveRecipient(db, req.to);
    const bead: Bead = insertBead(
      db,
      { type: "message", title: req.subject, body: req.body, rigId: agent.rigId, assignee: agent.id, labels: [] },
      req.actor,
      now,
    );
    db.insert(mail).values({ beadId: bead.id, fromId: req.actor.id, toAgentId: agent.id, createdAt: now }).run();
    appendTownEvent(
      db,
      {
        type: "mail_sent",
        // Shown in the thread of the work the recipient is on, if any.
        beadId: agent.hookedBeadId ?? bead.id,
        rigId: agent.rigId,
        actor: req.actor,
        data: { mailId: bead.id, from: req.actor.id, to: agent.id, subject: req.subject },
      },
      now,
    );
    return getMail(db, bead.id);
  });
}

/** Undelivered mail for an agent, oldest first. */
export function pendingMail(db: TownDb, agentId: string, limit = 50): Mail[] {
  return selectMail(db)
    .where(and(eq(mail.toAgentId, agentId), isNull(mail.deliveredAt)))
    .orderBy(asc(mail.createdAt), asc(mail.beadId))
    .limit(limit)
    .all()
    .map(toMail);
}

/** Agents that have undelivered mail (for the reconciler's delivery pass). */
export function agentsWithPendingMail(db: TownDb): string[] {
  return db
    .selectDistinct({ id: mail.toAgentId })
    .from(mail)
    .where(isNull(mail.deliveredAt))
    .all()
    .map((r) => r.id);
}

/** Marks mail delivered to the running agent (once; later calls change nothing). */
export function markDelivered(db: TownDb, mailId: string, actor: Actor, now: number): Mail {
  return inTransaction(db, () => {
    const before = getMail(db, mailId);
    if (before.deliveredAt !== null) return before;
    db.update(mail)
      .set({ deliveredAt: now, attempts: sql`${mail.attempts} + 1` })
      .where(eq(mail.beadId, mailId))
      .run();
    appendBeadEvent(db, mailId, "delivered", actor, { to: before.to }, now);
    const to = findAgent(db, before.to);
    appendTownEvent(db, { type: "mail_delivered", beadId: to?.hookedBeadId ?? mailId, rigId: to?.rigId ?? null, actor, data: { mailId, to: before.to } }, now);
    return getMail(db, mailId);
  });
}

/** Counts a failed delivery attempt (the reconciler retries; the count drives backoff). */
export function noteDeliveryFailure(db: TownDb, mailId: string, error: string, actor: Actor, now: number): Mail {
  return inTransaction(db, () => {
    getMail(db, mailId);
    db.update(mail)
      .set({ attempts: sql`${mail.attempts} + 1` })
      .where(eq(mail.beadId, mailId))
      .run();
    appendBeadEvent(db, mailId, "delivery_failed", actor, { error }, now);
    return getMail(db, mailId);
  });
}

/** Marks mail read by its recipient and closes its message bead. */
export function markRead(db: TownDb, mailId: string, actor: Actor, now: number): Mail {
  return inTransaction(db, () => {
    const before = getMail(db, mailId);
    if (before.readAt !== null) return before;
    db.update(mail)
      .set({ readAt: now, deliveredAt: before.deliveredAt ?? now })
      .where(eq(mail.beadId, mailId))
      .run();
    if (requireBeadRow(db, mailId).status !== "closed") setBeadStatus(db, mailId, "closed", actor, now, { reason: "read" });
    return getMail(db, mailId);
  });
}

/** An agent's mail, newest first; `unread` keeps only what it has not read. */
export function inbox(db: TownDb, agentId: string, opts: { unread?: boolean; limit?: number } = {}): Mail[] {
  const where = opts.unread ? and(eq(mail.toAgentId, agentId), isNull(mail.readAt)) : eq(mail.toAgentId, agentId);
  return selectMail(db)
    .where(where)
    .orderBy(desc(mail.createdAt), desc(mail.beadId))
    .limit(opts.limit ?? 50)
    .all()
    .map(toMail);
}
