import type { z } from "zod";
import type { Actor } from "../../core/domain";
import type { ClearQuietHoursRequest, OncallSetRequest, QuietHoursRequest, RaiseEscalationRequest, SnoozeEscalationRequest } from "../../core/town-api";
import {
  ackEscalation,
  type Escalation,
  getEscalation,
  listEscalations,
  raiseEscalation,
  resolveEscalation,
  snoozeEscalation,
} from "../../db/escalations";
import { clearQuietHours, getOncall, getQuietHours, setOncall, setQuietHours } from "../../db/oncall";
import type { TownContext } from "./context";

/** An escalation as the API shows it: the stored record plus `beadId` and a one-word status. */
export type EscalationView = Escalation & { beadId: string | null; status: "held" | "open" | "acked" | "resolved" };

/** Adds the derived fields chat clients read (the thread's bead and where it stands; `held`: waiting out quiet hours). */
export function escalationView(e: Escalation): EscalationView {
  const status = e.resolvedAt !== null ? "resolved" : e.ackedAt !== null ? "acked" : e.heldUntil !== null ? "held" : "open";
  return { ...e, beadId: e.subjectBeadId, status };
}

/** Escalations, on-call and quiet hours (`/towns/:town/escalations`, `/towns/:town/oncall`). */
export const escalationOps = {
  raiseEscalation: (t: TownContext, input: z.input<typeof RaiseEscalationRequest>) => escalationView(raiseEscalation(t.db, input, t.now())),
  listEscalations: (t: TownContext, open: boolean, limit: number) => listEscalations(t.db, { open, limit }).map(escalationView),
  getEscalation: (t: TownContext, id: string) => escalationView(getEscalation(t.db, id)),
  ackEscalation: (t: TownContext, id: string, actor: Actor) => escalationView(ackEscalation(t.db, id, actor, t.now())),
  resolveEscalation: (t: TownContext, id: string, actor: Actor) => escalationView(resolveEscalation(t.db, id, actor, t.now())),
  snoozeEscalation: (t: TownContext, id: string, input: z.input<typeof SnoozeEscalationRequest>) => escalationView(snoozeEscalation(t.db, id, input, t.now())),
  setOncall: (t: TownContext, input: z.input<typeof OncallSetRequest>) => setOncall(t.db, input, t.now()),
  getOncall: (t: TownContext, rig: string | undefined) => getOncall(t.db, rig, t.now()),
  setQuietHours: (t: TownContext, input: z.input<typeof QuietHoursRequest>) => setQuietHours(t.db, input, t.now()),
  getQuietHours: (t: TownContext, rig: string | undefined) => getQuietHours(t.db, rig),
  clearQuietHours: (t: TownContext, input: z.input<typeof ClearQuietHoursRequest>) => clearQuietHours(t.db, input),
};
