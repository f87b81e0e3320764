import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { SEVERITIES, Severity } from "../core/domain";
import { notFound } from "../core/errors";
import { ClearQuietHoursRequest, OncallSetRequest, QuietHoursRequest } from "../core/town-api";
import { channelsForRig } from "./chat";
import type { TownDb } from "./client";
import { parseInput } from "./input";
import { nextHandoverAt, type QuietWindow, quietUntil, rotationShift, type StoredRotation } from "./oncall-schedule";
import { findRig } from "./rigs";
import { oncall, quietHours } from "./schema";
import { inTransaction } from "./tx";

/**
 * On-call routing: who hears an escalation of each severity, town-wide (`*`) or per rig,
 * optionally on a rotation; and quiet hours, during which low and medium pings wait.
 */

/** Town-wide scope of on-call entries and quiet hours. */
export const TOWN_SCOPE = "*";

const HOUR_MS = 3_600_000;

/** Severities whose ping waits out quiet hours; high and critical never wait. */
export const QUIET_SEVERITIES: readonly Severity[] = ["low", "medium"];

export const OncallEntry = z.object({
  scope: z.string(),
  severity: Severity,
  targets: z.array(z.string()),
  rotation: z.object({ shifts: z.array(z.array(z.string())), startsAt: z.number(), everyHours: z.number() }).nullable(),
  /** Who is pinged right now: `targets` plus the rotation's shift on call. */
  onCall: z.array(z.string()),
  /** When the rotation hands over next, if it has one. */
  handoverAt: z.number().nullable(),
  updatedAt: z.number(),
});
export type OncallEntry = z.infer<typeof OncallEntry>;

/** Which entry and rotation shift served a ping: the next ping of the same escalation moves on from it. */
export interface RouteRef {
  scope: string;
  severity: Severity;
  /** Rotation shift index, or null for an entry without a rotation. */
  shift: number | null;
}

/** Where a ping goes: the entry it came from and the targets to mention. */
export interface Route extends RouteRef {
  targets: string[];
}

type OncallRow = typeof oncall.$inferSelect;

function scopeOf(db: TownDb, rig: string | undefined): string {
  if (rig === undefined) return TOWN_SCOPE;
  const found = findRig(db, rig);
  if (!found) throw notFound(`rig ${rig}`);
  return found.id;
}

function toEntry(row: OncallRow, now: number): OncallEntry {
  const r = row.rotation;
  const shift = r ? (r.shifts[rotationShift(r, now)] ?? []) : [];
  return OncallEntry.parse({
    scope: row.scope,
    severity: row.severity,
    targets: row.targets,
    rotation: r ? { shifts: r.shifts, startsAt: r.startsAt, everyHours: r.everyMs / HOUR_MS } : null,
    onCall: unique([...shift, ...row.targets]),
    handoverAt: r ? nextHandoverAt(r, now) : null,
    updatedAt: row.updatedAt,
  });
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** Sets the on-call targets (and rotation) for a severity, town-wide or for one rig, replacing earlier ones. */
export function setOncall(db: TownDb, input: z.input<typeof OncallSetRequest>, now: number): OncallEntry {
  const req = parseInput(OncallSetRequest, input, "on-call");
  return inTransaction(db, () => {
    const scope = scopeOf(db, req.rig);
    const r = req.rotation;
    const rotation: StoredRotation | null = r
      ? { shifts: r.shifts, startsAt: typeof r.startsAt === "number" ? r.startsAt : Date.parse(r.startsAt), everyMs: r.everyHours * HOUR_MS }
      : null;
    const row = db
      .insert(oncall)
      .values({ scope, severity: req.severity, targets: req.targets, rotation, updatedAt: now })
      .onConflictDoUpdate({ target: [oncall.scope, oncall.severity], set: { targets: req.targets, rotation, updatedAt: now } })
      .returning()
      .get();
    return toEntry(row, now);
  });
}

/** On-call entries: the town's, or one rig's (by id or name), by severity, with who is on call at `now`. */
export function getOncall(db: TownDb, rig: string | undefined, now: number): OncallEntry[] {
  const scope = scopeOf(db, rig);
  return db
    .select()
    .from(oncall)
    .where(eq(oncall.scope, scope))
    .all()
    .map((r) => toEntry(r, now))
    .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}

/** `channel` -> the rig's bound channels (`slack:channel:C1`, ...); kept as is when there are none. */
function expandChannel(db: TownDb, rigId: string | null, targets: readonly string[]): string[] {
  if (rigId === null || !targets.includes("channel")) return [...targets];
  const bound = channelsForRig(db, rigId).map((c) => `${c.platform}:channel:${c.channelId}`);
  if (bound.length === 0) return [...targets];
  return unique(targets.flatMap((t) => (t === "channel" ? bound : [t])));
}

/**
 * Where a ping of `severity` goes: at that severity the rig's own entry, then the town's;
 * when neither exists, the same search at each lower severity (someone must hear it).
 * With a rotation, the shift on call at `now` is pinged; when `previous` (the escalation's
 * last ping) came from this same entry, the NEXT shift is, so a re-ping reaches someone new.
 * Null when nobody is on call at all.
 */
export function routeFor(db: TownDb, rigId: string | null, severity: Severity, now: number, previous: RouteRef | null = null): Route | null {
  const scopes = rigId === null ? [TOWN_SCOPE] : [rigId, TOWN_SCOPE];
  for (let i = SEVERITIES.indexOf(severity); i >= 0; i--) {
    const sev = SEVERITIES[i];
    if (sev === undefined) continue;
    for (const scope of scopes) {
      const row = db
        .select()
        .from(oncall)
        .where(and(eq(oncall.scope, scope), eq(oncall.severity, sev)))
        .get();
      if (!row || (row.targets.length === 0 && !row.rotation)) continue;
      const r = row.rotation;
      let shift: number | null = null;
      if (r && r.shifts.length > 0) {
        const same = previous !== null && previous.scope === scope && previous.severity === sev && previous.shift !== null;
        shift = same ? ((previous.shift ?? 0) + 1) % r.shifts.length : rotationShift(r, now);
      }
      const onShift = r && shift !== null ? (r.shifts[shift] ?? []) : [];
      return { scope, severity: sev, shift, targets: expandChannel(db, rigId, unique([...onShift, ...row.targets])) };
    }
  }
  return null;
}

export const QuietHours = z.object({ scope: z.string(), start: z.string(), end: z.string(), timeZone: z.string(), updatedAt: z.number() });
export type QuietHours = z.infer<typeof QuietHours>;

/** Sets quiet hours for the town or one rig (a rig's own window replaces the town's for it). */
export function setQuietHours(db: TownDb, input: z.input<typeof QuietHoursRequest>, now: number): QuietHours {
  const req = parseInput(QuietHoursRequest, input, "quiet hours");
  return inTransaction(db, () => {
    const scope = scopeOf(db, req.rig);
    const values = { start: req.start, end: req.end, timeZone: req.timeZone, updatedAt: now };
    const row = db
      .insert(quietHours)
      .values({ scope, ...values })
      .onConflictDoUpdate({ target: quietHours.scope, set: values })
      .returning()
      .get();
    return QuietHours.parse(row);
  });
}

/** Removes the town's (or a rig's) quiet hours; true when there were some. */
export function clearQuietHours(db: TownDb, input: z.input<typeof ClearQuietHoursRequest>): boolean {
  const req = parseInput(ClearQuietHoursRequest, input, "quiet hours");
  const scope = scopeOf(db, req.rig);
  return db.delete(quietHours).where(eq(quietHours.scope, scope)).returning({ scope: quietHours.scope }).all().length > 0;
}

/** The town's quiet hours, or one rig's own; null when none are set. */
export function getQuietHours(db: TownDb, rig?: string): QuietHours | null {
  const row = db.select().from(quietHours).where(eq(quietHours.scope, scopeOf(db, rig))).get();
  return row ? QuietHours.parse(row) : null;
}

function windowFor(db: TownDb, rigId: string | null): QuietWindow | null {
  const own = rigId === null ? undefined : db.select().from(quietHours).where(eq(quietHours.scope, rigId)).get();
  return own ?? db.select().from(quietHours).where(eq(quietHours.scope, TOWN_SCOPE)).get() ?? null;
}

/**
 * When a ping of `severity` about `rigId` may go if it must wait out quiet hours (the end of
 * the rig's window, else the town's), or null when it may go now. High and critical: always null.
 */
export function quietHoldUntil(db: TownDb, rigId: string | null, severity: Severity, now: number): number | null {
  if (!QUIET_SEVERITIES.includes(severity)) return null;
  const w = windowFor(db, rigId);
  return w ? quietUntil(w, now) : null;
}
