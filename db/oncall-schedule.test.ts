import { describe, expect, it } from "vitest";
import { localClock, nextHandoverAt, quietUntil, rotationShift } from "./oncall-schedule";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe("rotation", () => {
  const weekly = { shifts: [["slack:user:A"], ["slack:user:B"], ["slack:user:C"]], startsAt: at("2027-01-04T09:00:00+01:00"), everyMs: 168 * HOUR };

  it("hands over weekly at the start time, in turn, and wraps around", () => {
    expect(rotationShift(weekly, at("2027-01-04T08:59:59+01:00"))).toBe(0);
    expect(rotationShift(weekly, at("2027-01-04T09:00:00+01:00"))).toBe(0);
    expect(rotationShift(weekly, at("2027-01-11T08:59:59+01:00"))).toBe(0);
    expect(rotationShift(weekly, at("2027-01-11T09:00:00+01:00"))).toBe(1);
    expect(rotationShift(weekly, at("2027-01-20T12:00:00+01:00"))).toBe(2);
    expect(rotationShift(weekly, at("2027-01-25T09:00:00+01:00"))).toBe(0);
    expect(nextHandoverAt(weekly, at("2027-01-12T00:00:00+01:00"))).toBe(at("2027-01-18T09:00:00+01:00"));
    expect(nextHandoverAt(weekly, at("2026-12-01T00:00:00Z"))).toBe(weekly.startsAt);
  });
});

describe("quiet hours (Intl in workerd)", () => {
  const night = { start: "22:00", end: "08:00", timeZone: "Europe/Berlin" };

  it("reads local time in the zone", () => {
    expect(localClock(at("2027-01-15T08:00:30Z"), "Europe/Berlin")).toEqual({ minutes: 9 * 60, seconds: 30 });
    expect(localClock(at("2027-07-15T08:00:00Z"), "Europe/Berlin").minutes).toBe(10 * 60);
    expect(localClock(at("2027-01-15T08:00:00Z"), "America/New_York").minutes).toBe(3 * 60);
  });

  it("holds inside a window that crosses midnight and says when it ends", () => {
    expect(quietUntil(night, at("2027-01-15T20:59:59Z"))).toBeNull(); // 21:59:59 in Berlin
    expect(quietUntil(night, at("2027-01-15T21:00:00Z"))).toBe(at("2027-01-16T07:00:00Z")); // 22:00 -> 08:00 CET
    expect(quietUntil(night, at("2027-01-16T02:17:45.123Z"))).toBe(at("2027-01-16T07:00:00Z"));
    expect(quietUntil(night, at("2027-01-16T06:59:59Z"))).toBe(at("2027-01-16T07:00:00Z"));
    expect(quietUntil(night, at("2027-01-16T07:00:00Z"))).toBeNull();
  });

  it("holds inside a same-day window", () => {
    const lunch = { start: "12:00", end: "13:30", timeZone: "Asia/Kolkata" };
    expect(quietUntil(lunch, at("2027-01-15T06:29:00Z"))).toBeNull(); // 11:59 IST
    expect(quietUntil(lunch, at("2027-01-15T06:45:00Z"))).toBe(at("2027-01-15T08:00:00Z")); // 12:15 -> 13:30 IST
  });

  it("ends at the local end time across a DST change inside the window", () => {
    // Europe moves to summer time on 2027-03-28 at 02:00 local: that night is an hour shorter.
    expect(quietUntil(night, at("2027-03-27T22:00:00Z"))).toBe(at("2027-03-28T06:00:00Z")); // 08:00 CEST
    // and back on 2027-10-31: an hour longer.
    expect(quietUntil(night, at("2027-10-30T21:00:00Z"))).toBe(at("2027-10-31T07:00:00Z")); // 08:00 CET
  });
});
