import type { z } from "zod";
import type { AddToConvoyRequest, CreateConvoyRequest } from "../../core/town-api";
import { addToConvoy, type ConvoyProgress, convoyProgress, createConvoy, listConvoys } from "../../db/convoys";
import type { TownContext } from "./context";

/** A convoy as the API shows it: its progress plus `id` and the member ids. */
export type ConvoyView = ConvoyProgress & { id: string; beadIds: string[] };

function view(p: ConvoyProgress): ConvoyView {
  return { ...p, id: p.convoyId, beadIds: p.beads.map((b) => b.id) };
}

/** Convoy operations (`/towns/:town/convoys`). */
export const convoyOps = {
  createConvoy: (t: TownContext, input: z.input<typeof CreateConvoyRequest>) => view(createConvoy(t.db, input, t.now())),
  addToConvoy: (t: TownContext, convoyId: string, input: z.input<typeof AddToConvoyRequest>) => view(addToConvoy(t.db, convoyId, input, t.now())),
  convoyStatus: (t: TownContext, convoyId: string) => view(convoyProgress(t.db, convoyId)),
  listConvoys: (t: TownContext, open: boolean) => listConvoys(t.db, { open }).map(view),
};
