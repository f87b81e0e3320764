import { describe, expect, it } from "vitest";
import type { Bead } from "../core/domain";
import { beadCard, CARD_ACTIONS, convoyCard, escalationCard, mergeRequestCard, progressBar } from "./cards";

const bead = (over: Partial<Bead> = {}): Bead => ({
  id: "gt-4k2m",
  type: "bug",
  status: "in_progress",
  priority: "P1",
  title: "Fix login",
  body: "Users are logged out after 5 minutes.",
  labels: ["auth"],
  rigId: "r1",
  assignee: "polecat-1",
  parentId: null,
  createdBy: { kind: "user", id: "U1", name: "ana" },
  createdAt: 1,
  updatedAt: 2,
  closedAt: null,
  ...over,
});

const field = (msg: ReturnType<typeof beadCard>, name: string) => msg.card?.fields.find((f) => f.name === name)?.value;

describe("beadCard", () => {
  it("says who created the bead, and for the mayor whom it acted for", () => {
    expect(beadCard(bead()).card?.footer).toBe("by ana");
    const byMayor = bead({ createdBy: { kind: "mayor", id: "mayor", name: "mayor", onBehalfOf: "alice (slack:user:U0ALICE)" } });
    expect(beadCard(byMayor, { rigName: "web" }).card?.footer).toBe("rig web · by the mayor for alice (slack:user:U0ALICE)");
  });

  it("shows status, agent, branch and merge state, with Peek and Stop while an agent works", () => {
    const msg = beadCard(bead(), { agent: "polecat-1", agentStatus: "working", branch: "gt/gt-4k2m", threadUrl: "https://chat/t/1", rigName: "web" });
    expect(msg.card?.title).toBe("gt-4k2m · Fix login");
    expect(msg.card?.url).toBe("https://chat/t/1");
    expect(field(msg, "Status")).toContain("In progress");
    expect(field(msg, "Agent")).toContain("`polecat-1`");
    expect(field(msg, "Branch")).toBe("`gt/gt-4k2m`");
    expect(msg.card?.tone).toBe("info");
    expect(msg.buttons?.map((b) => [b.action, b.value])).toEqual([
      [CARD_ACTIONS.beadPeek, "gt-4k2m"],
      [CARD_ACTIONS.beadStop, "gt-4k2m"],
    ]);
  });

  it("turns green without buttons when closed, and follows the merge state", () => {
    const closed = beadCard(bead({ status: "closed" }), { mergeState: "merged" });
    expect(closed.card?.tone).toBe("good");
    expect(closed.buttons).toBeUndefined();
    expect(field(closed, "Merge")).toBe("Merged");
    expect(beadCard(bead({ status: "review" }), { mergeState: "conflict" }).card?.tone).toBe("danger");
  });
});

describe("mergeRequestCard", () => {
  it("offers Approve/Reject only while awaiting approval, Retry after a failure", () => {
    const base = { mergeRequestId: "gt-mr1", sourceBeadId: "gt-4k2m", branch: "gt/gt-4k2m", target: "main" };
    expect(mergeRequestCard({ ...base, state: "awaiting_approval" }).buttons?.map((b) => b.action)).toEqual(["mr_approve", "mr_reject"]);
    expect(mergeRequestCard({ ...base, state: "conflict" }).buttons?.map((b) => b.action)).toEqual(["mr_retry"]);
    expect(mergeRequestCard({ ...base, state: "merged" }).buttons).toBeUndefined();
    const gated = mergeRequestCard({ ...base, state: "failed", gates: [{ name: "test", ok: true }, { name: "lint", ok: false }] });
    expect(gated.card?.fields.find((f) => f.name === "Gates")?.value).toBe("✅ test  ❌ lint");
    expect(gated.card?.title).toBe("Merge gt/gt-4k2m → main");
  });
});

describe("convoyCard", () => {
  it("shows progress as a bar and says when the convoy landed", () => {
    expect(progressBar(3, 10)).toBe("▰▰▰▱▱▱▱▱▱▱ 3/10 (30%)");
    expect(progressBar(0, 0)).toBe("▱▱▱▱▱▱▱▱▱▱ 0/0 (0%)");
    const moving = convoyCard({ convoyId: "gt-c1", name: "auth", closed: 1, total: 2, beads: [{ id: "gt-1", title: "a", status: "closed" }] });
    expect(moving.card?.title).toBe("Convoy auth");
    expect(moving.card?.body).toContain("`gt-1` a");
    const landed = convoyCard({ convoyId: "gt-c1", name: "auth", closed: 2, total: 2 });
    expect(landed.card?.title).toContain("landed");
    expect(landed.card?.tone).toBe("good");
  });
});

describe("escalationCard", () => {
  const base = { escalationId: "gt-e1", severity: "high" as const, title: "Stuck", body: "no heartbeat", source: "witness", targets: ["user:U1"] };

  it("pings targets and offers Ack/Resolve/Snooze while open", () => {
    const msg = escalationCard(base);
    expect(msg.mentions).toEqual(["user:U1"]);
    expect(msg.card?.severity).toBe("high");
    expect(msg.buttons?.map((b) => b.action)).toEqual(["esc_ack", "esc_resolve", "esc_snooze"]);
  });

  it("stops pinging once acknowledged and drops every button once resolved", () => {
    const acked = escalationCard({ ...base, acked: { by: "ana" } });
    expect(acked.mentions).toBeUndefined();
    expect(acked.buttons?.map((b) => b.action)).toEqual(["esc_resolve", "esc_snooze"]);
    expect(acked.card?.fields.find((f) => f.name === "Status")?.value).toContain("ana");
    const resolved = escalationCard({ ...base, acked: { by: "ana" }, resolved: { by: "bo" } });
    expect(resolved.buttons).toBeUndefined();
    expect(resolved.card?.tone).toBe("good");
    expect(resolved.card?.severity).toBeUndefined();
  });
});
