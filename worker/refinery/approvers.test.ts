import { describe, expect, it } from "vitest";
import { mayDecide } from "./approvers";

const alice = { kind: "user" as const, id: "slack:user:U1", name: "alice" };

describe("mayDecide", () => {
  it("lets anyone in the channel decide when the rig says `channel`, but never an agent or the mayor", () => {
    expect(mayDecide(["channel"], alice, [])).toBe(true);
    expect(mayDecide(["channel"], { kind: "agent", id: "polecat-web-1" }, [])).toBe(false);
    expect(mayDecide(["channel"], { kind: "mayor", id: "mayor", onBehalfOf: "slack:user:U1" }, [])).toBe(false);
  });

  it("matches a named user by chat id, and groups or roles only through the memberships the bot reports", () => {
    expect(mayDecide(["slack:user:U1"], alice, [])).toBe(true);
    expect(mayDecide(["slack:user:U2"], alice, [])).toBe(false);
    expect(mayDecide(["slack:group:S1"], alice, ["slack:group:S1"])).toBe(true);
    expect(mayDecide(["slack:group:S1"], alice, ["slack:group:S2", "discord:role:S1"])).toBe(false);
    expect(mayDecide(["discord:role:42"], { kind: "user", id: "discord:user:7" }, ["discord:role:42"])).toBe(true);
    // A person cannot claim to be someone else through memberOf.
    expect(mayDecide(["slack:user:U2"], alice, ["slack:user:U2"])).toBe(false);
  });
});
