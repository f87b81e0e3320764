import type { Actor } from "../../core/domain";
import { getAgent, listAgents } from "../../db/agents";
import { getRig } from "../../db/rigs";
import type { TownContext } from "./context";
import { nudgeAgent, peekAgent, stopAgent } from "./control";

/** Agents as the bot sees them (`/towns/:town/agents`, and per bead). */
export const controlOps = {
  listAgents: (t: TownContext, rig: string | undefined) => listAgents(t.db, rig === undefined ? {} : { rigId: getRig(t.db, rig).id }),
  getAgent: (t: TownContext, id: string) => getAgent(t.db, id),
  nudge: (t: TownContext, target: string, text: string, actor: Actor) => nudgeAgent(t, target, text, actor),
  peek: (t: TownContext, target: string) => peekAgent(t, target),
  stop: (t: TownContext, target: string, actor: Actor) => stopAgent(t, target, actor),
};
