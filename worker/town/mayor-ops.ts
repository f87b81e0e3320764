import type { z } from "zod";
import { type ConversationThread, findConversation } from "../../db/mayor";
import type { TownContext } from "./context";

/** Mayor conversations the bot asks about (the turns themselves run through TownDO.mayor). */
export const mayorOps = {
  mayorConversation: (t: TownContext, thread: z.input<typeof ConversationThread>) => findConversation(t.db, thread),
};
