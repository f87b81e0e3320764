import { signAgentToken } from "../../core/agent-token";
import type { StartAgentRequest } from "../../core/container-api";
import type { Agent, Bead, Rig } from "../../core/domain";
import { GastownError } from "../../core/errors";
import { AGENT_TOKEN_TTL_MS, type ReconcileContext } from "./context";
import { polecatPrompt } from "./polecat-prompt";

/**
 * What the runtime gets to start (or restart) an agent on its bead: the prompt, the rig to
 * work in, and a fresh token scoped to this town and this agent.
 */
export async function buildStartRequest(ctx: ReconcileContext, agent: Agent, bead: Bead, rig: Rig | null, now: number): Promise<StartAgentRequest> {
  if (!ctx.agentSecret) {
    throw new GastownError("internal", "no agent token secret: set GASTOWN_AGENT_SECRET (or GASTOWN_API_TOKEN)");
  }
  const agentToken = await signAgentToken(ctx.agentSecret, { town: ctx.town, agent: agent.id, exp: now + AGENT_TOKEN_TTL_MS });
  return {
    agentId: agent.id,
    town: ctx.town,
    role: agent.role,
    kind: rig?.config.agent ?? agent.kind,
    rig: rig ? { id: rig.id, name: rig.name, gitUrl: rig.gitUrl, defaultBranch: rig.defaultBranch } : null,
    beadId: bead.id,
    prompt: polecatPrompt(agent.id, bead, rig),
    workerUrl: ctx.workerUrl,
    agentToken,
  };
}
