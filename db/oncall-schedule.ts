/**
 * Time rules of on-call, as pure functions of an instant: which rotation shift is on call,
 * and whether quiet hours hold a ping (and until when). Local time comes from
 * Intl.DateTimeFormat, which workerd ships with full time zone data.
 */

/** A rotation as stored: shifts take turns, each `everyMs` long, the first starting at `startsAt`. */
export interface StoredRotation {
  shifts: string[][];
  startsAt: number;
  everyMs: number;
}

/** A quiet-hours window: local `HH:MM` start and end in an IANA time zone (start > end crosses midnight). */
export interface QuietWindow {
  start: string;
  end: string;
  timeZone: string;
}

const DAY_MIN = 24 * 60;
const MIN_MS = 60_000;

/** Index of the shift on call at `now`; before the rotation starts, the first shift is. */
export function rotationShift(r: StoredRotation, now: number): number {
  if (now < r.startsAt || r.shifts.length === 0) return 0;
  return Math.floor((now - r.startsAt) / r.everyMs) % r.shifts.length;
}

/** When the shift on call at `now` hands over (the next shift boundary after `now`). */
export function nextHandoverAt(r: StoredRotation, now: number): number {
  if (now < r.startsAt) return r.startsAt;
  return r.startsAt + (Math.floor((now - r.startsAt) / r.everyMs) + 1) * r.everyMs;
}

/** Minutes since local midnight, and seconds into the minute, at `now` in `timeZone`. */
export function localClock(now: number, timeZone: string): { minutes: number; seconds: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minutes: (part("hour") % 24) * 60 + part("minute"), seconds: part("second") };
}

/** `HH:MM` -> minutes since midnight. */
export function parseLocalTime(hhmm: string): number {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** True when local minute-of-day `m` lies in [start, end), the window possibly crossing midnight. */
function inWindow(m: number, start: number, end: number): boolean {
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/**
 * The instant quiet hours end when `now` falls inside them, else null. The end is found in
 * wall-clock minutes and then corrected against the zone, so a DST change inside the
 * window still ends it at the local `end` time.
 */
export function quietUntil(w: QuietWindow, now: number): number | null {
  const start = parseLocalTime(w.start);
  const end = parseLocalTime(w.end);
  const here = localClock(now, w.timeZone);
  if (!inWindow(here.minutes, start, end)) return null;
  const startOfMinute = now - (now % 1000) - here.seconds * 1000;
  let at = startOfMinute + (((end - here.minutes + DAY_MIN) % DAY_MIN) * MIN_MS);
  for (let i = 0; i < 2; i++) {
    const local = localClock(at, w.timeZone).minutes;
    // Signed distance to the wanted local minute, in (-12h, 12h].
    const off = ((end - local + DAY_MIN + DAY_MIN / 2) % DAY_MIN) - DAY_MIN / 2;
    if (off === 0) break;
    at += off * MIN_MS;
  }
  return at;
}
