import { describe, expect, it } from "vitest";
import type { Bead } from "../../core/domain";
import { addRig, agentToken, alice, api, newTown, ok } from "../app-testing";

/** A town with a polecat holding a bead, and that polecat's token. */
async function polecat(): Promise<{ town: string; bead: Bead; agent: string; token: string }> {
  const town = newTown();
  await addRig(town, "web", { maxPolecats: 1 });
  const { bead, agentId } = await ok<{ bead: Bead; agentId: string }>("POST", `/towns/${town}/sling`, { rig: "web", title: "Fix login", actor: alice });
  return { town, bead, agent: agentId, token: await agentToken(town, agentId) };
}

describe("/towns/:town/agents/:agent/... (agent token)", () => {
  it("takes heartbeats and lifecycle callbacks", async () => {
    const { town, agent, token } = await polecat();
    const beat = await api("POST", `/towns/${town}/agents/${agent}/heartbeat`, { token, body: { status: "working" } });
    expect(beat).toMatchObject({ status: 200, json: { agent: { id: agent, lastHeartbeatAt: expect.any(Number) } } });
    const idle = await api("POST", `/towns/${town}/agents/${agent}/lifecycle`, { token, body: { event: "idle" } });
    expect(idle.json).toMatchObject({ agent: { status: "idle" } });
    const exited = await api("POST", `/towns/${town}/agents/${agent}/lifecycle`, { token, body: { event: "exited", exitCode: 1 } });
    expect(exited.json).toMatchObject({ agent: { status: "exited" } });
    expect((await api("POST", `/towns/${town}/agents/${agent}/lifecycle`, { token, body: { event: "exploded" } })).status).toBe(400);
  });

  it("shows its status and any bead of its town", async () => {
    const { town, bead, agent, token } = await polecat();
    const status = await api("GET", `/towns/${town}/agents/${agent}/status`, { token });
    expect(status.json).toMatchObject({ agent: { id: agent, hookedBeadId: bead.id }, bead: { id: bead.id, title: "Fix login" } });
    const other = (await ok<{ bead: Bead }>("POST", `/towns/${town}/beads`, { rig: "web", title: "someone else's", actor: alice })).bead;
    expect((await api("GET", `/towns/${town}/agents/${agent}/beads/${other.id}`, { token })).json).toMatchObject({ bead: { id: other.id } });
  });

  it("sends mail and checks its own, which marks it read", async () => {
    const { town, bead, agent, token } = await polecat();
    await ok("POST", `/towns/${town}/mail`, { to: bead.id, subject: "use the v2 API", body: "see docs", actor: alice });
    const check = await api("GET", `/towns/${town}/agents/${agent}/mail/check`, { token });
    expect(check.json).toMatchObject({ mail: [{ to: agent, subject: "use the v2 API", body: "see docs", readAt: expect.any(Number) }] });
    expect((await api("POST", `/towns/${town}/agents/${agent}/mail/check`, { token })).json).toEqual({ mail: [] });
    const sent = await api("POST", `/towns/${town}/agents/${agent}/mail`, { token, body: { to: agent, subject: "note to self" } });
    expect(sent).toMatchObject({ status: 201, json: { mail: { from: agent, to: agent, subject: "note to self" } } });
  });

  it("escalates about its bead, keeping body, metadata and the source agent", async () => {
    const { town, bead, agent, token } = await polecat();
    const res = await api("POST", `/towns/${town}/agents/${agent}/escalate`, {
      token,
      body: { severity: "high", title: "tests need a database", body: "no DATABASE_URL", metadata: { tried: 3 } },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      escalation: { severity: "high", body: "no DATABASE_URL", metadata: { tried: 3 }, source: agent, sourceAgentId: agent, subjectBeadId: bead.id },
    });
  });

  it("reports its work done: the bead goes to review with the summary in its audit trail", async () => {
    const { town, bead, agent, token } = await polecat();
    const done = await api("POST", `/towns/${town}/agents/${agent}/done`, { token, body: { summary: "fixed the timeout", branch: `gt/${bead.id}` } });
    expect(done).toMatchObject({ status: 200, json: { bead: { id: bead.id, status: "review" } } });
    const { events } = await ok<{ events: Array<{ kind: string; data: Record<string, unknown> }> }>("GET", `/towns/${town}/beads/${bead.id}/events`);
    expect(events).toContainEqual(expect.objectContaining({ kind: "done", data: { summary: "fixed the timeout", branch: `gt/${bead.id}` } }));
    expect((await api("POST", `/towns/${town}/agents/${agent}/done`, { token, body: { summary: "" } })).status).toBe(400);
  });

  it("keeps each agent to its own routes and town", async () => {
    const { town, agent } = await polecat();
    const stranger = await agentToken(town, "polecat-web-2");
    expect((await api("GET", `/towns/${town}/agents/${agent}/status`, { token: stranger })).status).toBe(403);
    const elsewhere = await agentToken(newTown(), agent);
    expect((await api("GET", `/towns/${town}/agents/${agent}/status`, { token: elsewhere })).status).toBe(403);
    const own = await agentToken(town, agent);
    expect((await api("POST", `/towns/${town}/agents/${agent}/nudge`, { token: own, body: { text: "hi", actor: alice } })).status).toBe(403);
  });
});
