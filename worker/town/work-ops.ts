import type { z } from "zod";
import type { Actor } from "../../core/domain";
import type { ReadyQuery, SlingRequest } from "../../core/town-api";
import { readyQueue } from "../../db/ready";
import { getRig } from "../../db/rigs";
import { sling } from "../../db/sling";
import type { TownContext } from "./context";
import { retryBead } from "./retry";

/** The ready queue and sling (`/towns/:town/ready`, `/towns/:town/sling`). */
export const workOps = {
  ready: (t: TownContext, query: z.output<typeof ReadyQuery>) =>
    readyQueue(t.db, { rigId: query.rig === undefined ? undefined : getRig(t.db, query.rig).id, limit: query.limit }),
  sling: (t: TownContext, input: SlingRequest) => sling(t.db, input, t.now()),
  /** Put an open or parked bead back to work (the Retry button). */
  retry: (t: TownContext, beadId: string, actor: Actor) => retryBead(t.db, beadId, actor, t.now()),
};
