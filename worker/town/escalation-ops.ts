import type { z } from "zod";
import type { Actor } from "../../core/domain";
import type { OncallSetRequest, RaiseEscalationRequest } from "../../core/town-api";
import { ackEscalation, type Escalation, getEscalation, getOncall, listEscalations, raiseEscalation, resolveEscalation, setOncall } from "../../db/escalations";
import type { TownContext } from "./context";

/** An escalation as the API shows it: the stored record plus `beadId` and a one-word status. */
export type EscalationView = Escalation & { beadId: string | null; status: "open" | "acked" | "resolved" };

/** Adds the derived fields chat clients read (the thread's bead and where it stands). */
export function escalationView(e: Escalation): EscalationView {
  const status = e.resolvedAt !== null ? "resolved" : e.ackedAt !== null ? "acked" : "open";
  return { ...e, beadId: e.subjectBeadId, status };
}

/** Escalations and on-call (`/towns/:town/escalations`, `/towns/:town/oncall`). */
export const escalationOps = {
  raiseEscalation: (t: TownContext, input: z.input<typeof RaiseEscalationRequest>) => escalationView(raiseEscalation(t.db, input, t.now())),
  listEscalations: (t: TownContext, open: boolean, limit: number) => listEscalations(t.db, { open, limit }).map(escalationView),
  getEscalation: (t: TownContext, id: string) => escalationView(getEscalation(t.db, id)),
  ackEscalation: (t: TownContext, id: string, actor: Actor) => escalationView(ackEscalation(t.db, id, actor, t.now())),
  resolveEscalation: (t: TownContext, id: string, actor: Actor) => escalationView(resolveEscalation(t.db, id, actor, t.now())),
  setOncall: (t: TownContext, input: z.input<typeof OncallSetRequest>) => setOncall(t.db, input, t.now()),
  getOncall: (t: TownContext, rig: string | undefined) => getOncall(t.db, rig),
};
