import { describe, expect, it } from "vitest";
import { bindChannel } from "./chat";
import { clearQuietHours, getOncall, getQuietHours, quietHoldUntil, routeFor, setOncall, setQuietHours } from "./oncall";
import { addRig } from "./rigs";
import { ALICE, catchGastown, withTown } from "./test-helpers";

const at = (iso: string) => Date.parse(iso);
const targetsOf = (r: ReturnType<typeof routeFor>) => r?.targets ?? [];

describe("on-call routing", () => {
  it("routes to the rig's on-call, then the town's, then lower severities", async () => {
    await withTown((db) => {
      const api = addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      expect(routeFor(db, api.id, "critical", 1)).toBeNull();
      setOncall(db, { severity: "medium", targets: ["slack:user:TOWN-MED"], actor: ALICE }, 2);
      expect(targetsOf(routeFor(db, api.id, "critical", 2))).toEqual(["slack:user:TOWN-MED"]);
      setOncall(db, { severity: "high", rig: "api", targets: ["slack:group:API-HIGH"], actor: ALICE }, 3);
      setOncall(db, { severity: "high", targets: ["slack:user:TOWN-HIGH"], actor: ALICE }, 3);
      expect(routeFor(db, api.id, "high", 3)).toEqual({ scope: api.id, severity: "high", shift: null, targets: ["slack:group:API-HIGH"] });
      expect(targetsOf(routeFor(db, null, "high", 3))).toEqual(["slack:user:TOWN-HIGH"]);
      expect(routeFor(db, api.id, "low", 3)).toBeNull();
      setOncall(db, { severity: "high", rig: "api", targets: ["discord:role:42"], actor: ALICE }, 4);
      expect(getOncall(db, "api", 4)).toMatchObject([{ severity: "high", targets: ["discord:role:42"], onCall: ["discord:role:42"], rotation: null }]);
      expect(getOncall(db, undefined, 4).map((e) => e.severity)).toEqual(["medium", "high"]);
    });
  });

  it("refuses bad on-call input with bad_request", async () => {
    await withTown((db) => {
      const bad = (input: Record<string, unknown>) => catchGastown(() => setOncall(db, { severity: "high", actor: ALICE, ...input } as Parameters<typeof setOncall>[1], 1));
      expect(bad({ severity: "urgent", targets: ["slack:user:U1"] }).code).toBe("bad_request");
      expect(bad({ targets: ["bob"] }).message).toContain("targets.0");
      expect(bad({ targets: [] }).message).toContain("give targets, a rotation, or both");
      expect(bad({ rotation: { shifts: [], startsAt: 0 } }).code).toBe("bad_request");
      expect(bad({ rotation: { shifts: [["slack:user:A"]], startsAt: "next monday" } }).code).toBe("bad_request");
      expect(catchGastown(() => setOncall(db, { severity: "high", rig: "nope", targets: ["channel"], actor: ALICE }, 1)).code).toBe("not_found");
    });
  });

  it("expands `channel` to the rig's bound chat channels", async () => {
    await withTown((db) => {
      const api = addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      setOncall(db, { severity: "high", targets: ["channel", "slack:user:U1"], actor: ALICE }, 1);
      expect(targetsOf(routeFor(db, api.id, "high", 1))).toEqual(["channel", "slack:user:U1"]);
      bindChannel(db, { platform: "slack", channelId: "C1", rig: "api" }, 2);
      bindChannel(db, { platform: "discord", channelId: "99", rig: "api" }, 2);
      expect(targetsOf(routeFor(db, api.id, "high", 2)).sort()).toEqual(["discord:channel:99", "slack:channel:C1", "slack:user:U1"]);
      // a town-wide escalation has no rig channel to ping
      expect(targetsOf(routeFor(db, null, "high", 2))).toEqual(["channel", "slack:user:U1"]);
    });
  });

  it("a rotation puts the right shift on call at a given time, and a re-ping goes to the next shift", async () => {
    await withTown((db) => {
      const startsAt = "2027-01-04T09:00:00+01:00";
      const entry = setOncall(
        db,
        {
          severity: "critical",
          targets: ["slack:group:SRE"],
          rotation: { shifts: [["slack:user:ANNA"], ["slack:user:BEN"], ["discord:user:42", "discord:role:7"]], startsAt, everyHours: 168 },
          actor: ALICE,
        },
        at("2027-01-01T00:00:00Z"),
      );
      expect(entry).toMatchObject({ rotation: { startsAt: at(startsAt), everyHours: 168 }, onCall: ["slack:user:ANNA", "slack:group:SRE"], handoverAt: at(startsAt) });
      const route = (iso: string) => routeFor(db, null, "critical", at(iso));
      expect(route("2027-01-05T03:00:00Z")).toEqual({ scope: "*", severity: "critical", shift: 0, targets: ["slack:user:ANNA", "slack:group:SRE"] });
      expect(route("2027-01-11T08:00:00Z")?.targets).toEqual(["slack:user:BEN", "slack:group:SRE"]); // 09:00 Berlin: BEN's week
      expect(route("2027-01-19T12:00:00Z")?.targets).toEqual(["discord:user:42", "discord:role:7", "slack:group:SRE"]);
      expect(route("2027-01-26T12:00:00Z")?.targets).toEqual(["slack:user:ANNA", "slack:group:SRE"]);
      const first = route("2027-01-19T12:00:00Z");
      const next = routeFor(db, null, "critical", at("2027-01-19T12:05:00Z"), first);
      expect(next).toMatchObject({ shift: 0, targets: ["slack:user:ANNA", "slack:group:SRE"] });
      expect(routeFor(db, null, "critical", at("2027-01-19T12:10:00Z"), next)?.targets[0]).toBe("slack:user:BEN");
      expect(getOncall(db, undefined, at("2027-01-19T12:00:00Z"))[0]).toMatchObject({ onCall: ["discord:user:42", "discord:role:7", "slack:group:SRE"], handoverAt: at("2027-01-25T08:00:00Z") });
    });
  });
});

describe("quiet hours", () => {
  it("holds low and medium pings until the window ends, never high or critical; a rig's own window wins", async () => {
    await withTown((db) => {
      const api = addRig(db, { name: "api", gitUrl: "https://git.example/api.git", actor: ALICE }, 1);
      const night = at("2027-01-15T23:30:00Z"); // 00:30 in Berlin
      expect(quietHoldUntil(db, api.id, "low", night)).toBeNull();
      expect(setQuietHours(db, { start: "22:00", end: "08:00", timeZone: "Europe/Berlin", actor: ALICE }, 1)).toMatchObject({ scope: "*", start: "22:00", end: "08:00" });
      expect(quietHoldUntil(db, api.id, "low", night)).toBe(at("2027-01-16T07:00:00Z"));
      expect(quietHoldUntil(db, null, "medium", night)).toBe(at("2027-01-16T07:00:00Z"));
      expect(quietHoldUntil(db, api.id, "high", night)).toBeNull();
      expect(quietHoldUntil(db, api.id, "critical", night)).toBeNull();
      expect(quietHoldUntil(db, api.id, "low", at("2027-01-16T12:00:00Z"))).toBeNull();

      setQuietHours(db, { rig: "api", start: "00:00", end: "06:00", timeZone: "America/New_York", actor: ALICE }, 2);
      expect(getQuietHours(db, "api")).toMatchObject({ timeZone: "America/New_York" });
      expect(quietHoldUntil(db, api.id, "low", night)).toBeNull(); // 18:30 in New York
      expect(quietHoldUntil(db, api.id, "low", at("2027-01-16T06:00:00Z"))).toBe(at("2027-01-16T11:00:00Z"));
      expect(clearQuietHours(db, { rig: "api", actor: ALICE })).toBe(true);
      expect(clearQuietHours(db, { rig: "api", actor: ALICE })).toBe(false);
      expect(quietHoldUntil(db, api.id, "low", night)).toBe(at("2027-01-16T07:00:00Z"));

      const bad = (input: Record<string, unknown>) => catchGastown(() => setQuietHours(db, { start: "22:00", end: "08:00", timeZone: "UTC", actor: ALICE, ...input }, 3));
      expect(bad({ timeZone: "Mars/Olympus" }).message).toContain("IANA time zone");
      expect(bad({ start: "25:00" }).message).toContain("HH:MM");
      expect(bad({ end: "22:00" }).message).toContain("differ");
      expect(getQuietHours(db)).toMatchObject({ timeZone: "Europe/Berlin" });
    });
  });
});
