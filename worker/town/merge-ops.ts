import type { z } from "zod";
import type { MergeDecisionRequest } from "../../core/town-api";
import { listMergeQueue, mergeRequestView, resolveMergeRequest } from "../../db/merge-requests";
import { getRig } from "../../db/rigs";
import { decideMerge } from "../refinery/decision";
import type { TownContext } from "./context";

/** The refinery's merge queue and people's decisions (`/towns/:town/merge-queue`, `/merge-requests`). */
export const mergeOps = {
  mergeQueue: (t: TownContext, rig: string | undefined, all: boolean) =>
    listMergeQueue(t.db, { rigId: rig === undefined ? undefined : getRig(t.db, rig).id, all }),
  getMergeRequest: (t: TownContext, beadId: string) => mergeRequestView(t.db, resolveMergeRequest(t.db, beadId).beadId),
  decideMerge: (t: TownContext, beadId: string, input: z.input<typeof MergeDecisionRequest>) => decideMerge(t.db, beadId, input, t.now()),
};
