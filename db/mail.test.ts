import { describe, expect, it } from "vitest";
import { getBead } from "./beads";
import { agentsWithPendingMail, inbox, markDelivered, markRead, pendingMail, sendMail } from "./mail";
import { addRig } from "./rigs";
import { sling } from "./sling";
import { ALICE, allEvents, catchGastown, withTown } from "./test-helpers";

describe("mail", () => {
  it("sends to an agent or to the agent hooked on a bead, then delivers and reads once", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const { bead, agent } = sling(db, { rig: "api", title: "fix login", actor: ALICE }, 2);
      if (!agent) throw new Error("setup");
      const byBead = sendMail(db, { to: bead.id, subject: "use the staging db", body: "creds are in vault", actor: ALICE }, 3);
      const byAgent = sendMail(db, { to: agent.id, subject: "also update docs", actor: ALICE }, 4);
      expect(byBead).toMatchObject({ to: agent.id, from: ALICE.id, subject: "use the staging db", body: "creds are in vault", deliveredAt: null });
      expect(allEvents(db).filter((e) => e.type === "mail_sent").map((e) => e.beadId)).toEqual([bead.id, bead.id]);
      expect(getBead(db, byBead.id)).toMatchObject({ type: "message", status: "open", assignee: agent.id });

      expect(agentsWithPendingMail(db)).toEqual([agent.id]);
      expect(pendingMail(db, agent.id).map((m) => m.id)).toEqual([byBead.id, byAgent.id]);
      markDelivered(db, byBead.id, ALICE, 5);
      markDelivered(db, byBead.id, ALICE, 6);
      expect(allEvents(db).filter((e) => e.type === "mail_delivered")).toHaveLength(1);
      expect(pendingMail(db, agent.id).map((m) => m.id)).toEqual([byAgent.id]);

      markRead(db, byBead.id, { kind: "agent", id: agent.id }, 7);
      expect(getBead(db, byBead.id).status).toBe("closed");
      expect(inbox(db, agent.id, { unread: true }).map((m) => m.id)).toEqual([byAgent.id]);
      expect(inbox(db, agent.id).map((m) => m.id)).toEqual([byAgent.id, byBead.id]);
    });
  });

  it("refuses unknown recipients and beads nobody works on", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", config: { maxPolecats: 0 }, actor: ALICE }, 1);
      const queued = sling(db, { rig: "api", title: "waiting", actor: ALICE }, 2);
      expect(queued.queued).toBe(true);
      expect(catchGastown(() => sendMail(db, { to: "polecat-nobody-1", subject: "hi", actor: ALICE }, 3)).code).toBe("not_found");
      expect(catchGastown(() => sendMail(db, { to: queued.bead.id, subject: "hi", actor: ALICE }, 3)).code).toBe("conflict");
      expect(catchGastown(() => sendMail(db, { to: queued.bead.id, subject: " ", actor: ALICE }, 3)).code).toBe("bad_request");
    });
  });
});
