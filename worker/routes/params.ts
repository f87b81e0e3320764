import { z } from "zod";
import { Actor } from "../../core/domain";
import { AgentId, BeadId } from "../../core/ids";

/**
 * Path and small body schemas the routes share. (Bodies with more than an actor live in
 * core/town-api.ts, where the bot builds them from the same types.)
 */

export const BeadParam = z.object({ bead: BeadId });
export const RigParam = z.object({ rig: z.string().min(1).max(100) });
export const AgentParam = z.object({ agent: AgentId });

/** Body of actions that need nothing but who did them (remove, stop). */
export const ActorBody = z.object({ actor: Actor });
