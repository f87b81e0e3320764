import type { z } from "zod";
import type { Actor } from "../../core/domain";
import { GastownError } from "../../core/errors";
import { type AddRigRequest, UpdateRigRequest } from "../../core/town-api";
import { parseInput } from "../../db/input";
import { addRig, getRig, listRigs, removeRig, updateRig } from "../../db/rigs";
import { mayDecide } from "../refinery/approvers";
import type { TownContext } from "./context";

/**
 * On a rig whose merges need approval, these settings decide what reaches its branch (merge
 * policy, approvers, quality gates, LLM review) or what runs in the container (the agent, which may be a
 * command): only the rig's approvers, or the operator (`system`), may change them.
 */
function guardApproval(t: TownContext, rigName: string, input: z.input<typeof UpdateRigRequest>): void {
  const req = parseInput(UpdateRigRequest, input, "rig update");
  const rig = getRig(t.db, rigName);
  if (rig.config.mergePolicy !== "approve" || req.actor.kind === "system") return;
  const c = req.config ?? {};
  const touched = [c.mergePolicy && "the merge policy", c.approvers && "the approvers", (c.qualityGates || req.gate) && "the quality gates", c.review && "the review", c.agent && "the agent"].filter(
    (x): x is string => typeof x === "string",
  );
  if (touched.length === 0 || mayDecide(rig.config.approvers, req.actor, req.memberOf)) return;
  throw new GastownError(
    "forbidden",
    `${req.actor.name ?? req.actor.id} may not change ${touched.join(", ")} of rig ${rig.name}: its merges need approval, and only its approvers (${rig.config.approvers.join(", ")}) may`,
  );
}

/** Rig operations of the Town API (`/towns/:town/rigs`). */
export const rigOps = {
  addRig: (t: TownContext, input: z.input<typeof AddRigRequest>) => addRig(t.db, input, t.now()),
  listRigs: (t: TownContext) => listRigs(t.db),
  getRig: (t: TownContext, rig: string) => getRig(t.db, rig),
  updateRig: (t: TownContext, rig: string, input: z.input<typeof UpdateRigRequest>) => {
    guardApproval(t, rig, input);
    return updateRig(t.db, rig, input, t.now());
  },
  removeRig: (t: TownContext, rig: string, actor: Actor) => removeRig(t.db, rig, actor, t.now()),
};
