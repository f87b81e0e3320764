import type { z } from "zod";
import type { AgentDoneRequest, AgentEscalateRequest, AgentHeartbeatRequest, AgentLifecycleRequest, AgentMailSendRequest } from "../../core/town-api";
import { heartbeat } from "../../db/agents";
import { getBead } from "../../db/beads";
import { sendMail } from "../../db/mail";
import { agentDone, agentEscalate, agentLifecycle, agentMailCheck, agentStatus } from "./agent-self";
import type { TownContext } from "./context";
import { escalationView } from "./escalation-ops";

/** Operations an agent calls about itself (`/towns/:town/agents/:agent/...`, agent token). */
export const agentOps = {
  agentHeartbeat: (t: TownContext, agentId: string, input: z.input<typeof AgentHeartbeatRequest>) => heartbeat(t.db, agentId, input, t.now()),
  agentLifecycle: (t: TownContext, agentId: string, input: z.output<typeof AgentLifecycleRequest>) => agentLifecycle(t, agentId, input),
  agentDone: (t: TownContext, agentId: string, input: z.output<typeof AgentDoneRequest>) => agentDone(t, agentId, input),
  agentMailSend: (t: TownContext, agentId: string, input: z.output<typeof AgentMailSendRequest>) =>
    sendMail(t.db, { ...input, actor: { kind: "agent", id: agentId } }, t.now()),
  agentMailCheck: (t: TownContext, agentId: string) => agentMailCheck(t, agentId),
  agentEscalate: (t: TownContext, agentId: string, input: z.output<typeof AgentEscalateRequest>) => escalationView(agentEscalate(t, agentId, input)),
  /** Any bead of the agent's own town (the DO is the town, so no other town's bead is reachable). */
  agentBeadShow: (t: TownContext, beadId: string) => getBead(t.db, beadId),
  agentStatus: (t: TownContext, agentId: string) => agentStatus(t, agentId),
};
