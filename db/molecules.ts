import type { z } from "zod";
import type { Bead } from "../core/domain";
import { notFound } from "../core/errors";
import { CreateMoleculeRequest } from "../core/town-api";
import type { TownDb } from "./client";
import { createBeadIn, requireBeadRow, toBead } from "./bead-rows";
import { insertDependency } from "./deps";
import { parseInput } from "./input";
import { findRig } from "./rigs";
import { inTransaction } from "./tx";

/**
 * Molecules: a multi-step plan. One `molecule` bead is the parent; each step is a task bead
 * with a parent-child edge to it, and each step after the first is blocked by the one before,
 * so the ready queue hands out the steps one at a time, in order. Closing the last step
 * closes the molecule (see closeBeadIn).
 */

export interface Molecule {
  molecule: Bead;
  steps: Bead[];
}

/** Creates the molecule bead and its ordered step beads, all in one transaction. */
export function createMolecule(db: TownDb, input: z.input<typeof CreateMoleculeRequest>, now: number): Molecule {
  const req = parseInput(CreateMoleculeRequest, input, "molecule");
  return inTransaction(db, () => {
    let rigId: string | null = null;
    if (req.rig !== undefined) {
      const rig = findRig(db, req.rig);
      if (!rig) throw notFound(`rig ${req.rig}`);
      rigId = rig.id;
    }
    const molecule = createBeadIn(db, { type: "molecule", title: req.title, body: req.body, priority: req.priority, rigId }, req.actor, now);
    const stepIds: string[] = [];
    for (const [i, step] of req.steps.entries()) {
      const bead = createBeadIn(
        db,
        { type: "task", title: step.title, body: step.body, priority: req.priority, rigId, parentId: molecule.id, labels: [`step:${i + 1}`] },
        req.actor,
        now,
      );
      insertDependency(db, bead.id, molecule.id, "parent-child", req.actor, now);
      const previous = stepIds[stepIds.length - 1];
      if (previous !== undefined) insertDependency(db, bead.id, previous, "blocks", req.actor, now);
      stepIds.push(bead.id);
    }
    return { molecule: toBead(requireBeadRow(db, molecule.id)), steps: stepIds.map((id) => toBead(requireBeadRow(db, id))) };
  });
}
