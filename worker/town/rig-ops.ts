import type { z } from "zod";
import type { Actor } from "../../core/domain";
import type { AddRigRequest, UpdateRigRequest } from "../../core/town-api";
import { addRig, getRig, listRigs, removeRig, updateRig } from "../../db/rigs";
import type { TownContext } from "./context";

/** Rig operations of the Town API (`/towns/:town/rigs`). */
export const rigOps = {
  addRig: (t: TownContext, input: z.input<typeof AddRigRequest>) => addRig(t.db, input, t.now()),
  listRigs: (t: TownContext) => listRigs(t.db),
  getRig: (t: TownContext, rig: string) => getRig(t.db, rig),
  updateRig: (t: TownContext, rig: string, input: z.input<typeof UpdateRigRequest>) => updateRig(t.db, rig, input, t.now()),
  removeRig: (t: TownContext, rig: string, actor: Actor) => removeRig(t.db, rig, actor, t.now()),
};
