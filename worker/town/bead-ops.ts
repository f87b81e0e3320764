import type { z } from "zod";
import type { Actor, DepType } from "../../core/domain";
import type { AddDepRequest, CloseBeadRequest, CreateBeadRequest, ListBeadsQuery, UpdateBeadRequest } from "../../core/town-api";
import { closeBead, createBead, getBead, listBeads, updateBead } from "../../db/beads";
import { addDependency, listDependencies, removeDependency } from "../../db/deps";
import { beadAudit } from "./bead-audit";
import type { TownContext } from "./context";

/** Bead and dependency operations of the Town API (`/towns/:town/beads`). */
export const beadOps = {
  createBead: (t: TownContext, input: CreateBeadRequest) => createBead(t.db, input, t.now()),
  listBeads: (t: TownContext, query: z.input<typeof ListBeadsQuery>) => listBeads(t.db, query),
  getBead: (t: TownContext, id: string) => getBead(t.db, id),
  updateBead: (t: TownContext, id: string, input: UpdateBeadRequest) => updateBead(t.db, id, input, t.now()),
  closeBead: (t: TownContext, id: string, input: z.input<typeof CloseBeadRequest>) => closeBead(t.db, id, input, t.now()),
  addDependency: (t: TownContext, beadId: string, input: z.input<typeof AddDepRequest>) =>
    addDependency(t.db, { beadId, dependsOn: input.dependsOn, type: input.type, actor: input.actor }, t.now()),
  removeDependency: (t: TownContext, beadId: string, dependsOn: string, type: DepType, actor: Actor) =>
    removeDependency(t.db, beadId, dependsOn, type, actor, t.now()),
  listDependencies: (t: TownContext, beadId: string) => listDependencies(t.db, beadId),
  beadAudit: (t: TownContext, beadId: string, after: number, limit: number) => beadAudit(t.db, beadId, after, limit),
};
