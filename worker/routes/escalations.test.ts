import { describe, expect, it } from "vitest";
import { addRig, alice, api, newTown, ok } from "../app-testing";

type Escalation = { id: string; severity: string; status: string; targets: string[]; metadata: Record<string, unknown>; body: string };

describe("/towns/:town/{escalations,oncall}", () => {
  it("routes to on-call, then acks and resolves", async () => {
    const town = newTown();
    await addRig(town);
    expect(await ok("POST", `/towns/${town}/oncall`, { severity: "high", targets: ["slack:group:S1"], actor: alice }, 200)).toMatchObject({
      oncall: { scope: "*", severity: "high", targets: ["slack:group:S1"] },
    });
    expect(await ok("GET", `/towns/${town}/oncall`)).toMatchObject({ oncall: [{ severity: "high" }] });
    const { escalation } = await ok<{ escalation: Escalation }>("POST", `/towns/${town}/escalations`, {
      severity: "high",
      title: "CI is red on main",
      body: "three runs in a row",
      metadata: { run: 42 },
      actor: alice,
    });
    expect(escalation).toMatchObject({ status: "open", targets: ["slack:group:S1"], body: "three runs in a row", metadata: { run: 42 } });
    expect(await ok("GET", `/towns/${town}/escalations`)).toMatchObject({ escalations: [{ id: escalation.id }] });
    const acked = await ok<{ escalation: Escalation }>("POST", `/towns/${town}/escalations/${escalation.id}/ack`, { actor: alice }, 200);
    expect(acked.escalation.status).toBe("acked");
    const resolved = await ok<{ escalation: Escalation }>("POST", `/towns/${town}/escalations/${escalation.id}/resolve`, { actor: alice }, 200);
    expect(resolved.escalation.status).toBe("resolved");
    expect(await ok("GET", `/towns/${town}/escalations?open=true`)).toEqual({ escalations: [] });
  });

  it("refuses an unknown severity with 400 and raises nothing", async () => {
    const town = newTown();
    const res = await api("POST", `/towns/${town}/escalations`, { body: { severity: "apocalyptic", title: "x", actor: alice } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { issues: [expect.objectContaining({ path: ["severity"] })] } });
    expect(await ok("GET", `/towns/${town}/escalations?open=false`)).toEqual({ escalations: [] });
  });
});
