import { and, asc, eq, isNotNull, or } from "drizzle-orm";
import type { z } from "zod";
import { type Actor, type QualityGate, Rig, RigConfig } from "../core/domain";
import { badRequest, conflict, notFound } from "../core/errors";
import { randomBase36 } from "../core/ids";
import { AddRigRequest, UpdateRigRequest } from "../core/town-api";
import type { TownDb } from "./client";
import { TOWN_BEAD_PREFIX } from "./bead-rows";
import { parseInput } from "./input";
import { appendTownEvent } from "./outbox";
import { agents, chatChannels, oncall, rigs } from "./schema";
import { inTransaction } from "./tx";

/** Rigs: the git repositories a town works on. */

/** Quality gates per rig (RigConfigPatch's limit). */
const MAX_GATES = 20;

type RigRow = typeof rigs.$inferSelect;

function toRig(row: RigRow): Rig {
  return Rig.parse({ ...row, config: RigConfig.parse(row.config) });
}

/**
 * A short prefix people can type: initials of a multi-part name (`my-web-app` -> `mwa`),
 * else the first three letters/digits (`backend` -> `bac`). Always starts with a letter.
 */
export function derivePrefix(name: string): string {
  const parts = name
    .toLowerCase()
    .replace(/^[^a-z]+/, "")
    .split(/[^a-z0-9]+/)
    .filter((p) => p.length > 0);
  const raw = parts.length > 1 ? parts.map((p) => p[0]).join("") : (parts[0] ?? "").slice(0, 3);
  const prefix = raw.slice(0, 8);
  return prefix.length > 0 ? prefix : "r";
}

function prefixTaken(db: TownDb, prefix: string): boolean {
  if (prefix === TOWN_BEAD_PREFIX) return true;
  return db.select({ id: rigs.id }).from(rigs).where(eq(rigs.beadPrefix, prefix)).get() !== undefined;
}

/** First free derived prefix: `bac`, then `bac2`, `bac3`, ... within the 8 characters allowed. */
function freePrefix(db: TownDb, base: string): string {
  if (!prefixTaken(db, base)) return base;
  for (let n = 2; n < 1000; n++) {
    const suffix = String(n);
    const candidate = base.slice(0, 8 - suffix.length) + suffix;
    if (!prefixTaken(db, candidate)) return candidate;
  }
  throw conflict(`no free bead prefix near ${base}`);
}

/** The rig with this id or name, or undefined. */
export function findRig(db: TownDb, idOrName: string): Rig | undefined {
  const row = db
    .select()
    .from(rigs)
    .where(or(eq(rigs.id, idOrName), eq(rigs.name, idOrName)))
    .get();
  return row ? toRig(row) : undefined;
}

/** The rig with this id or name; `not_found` otherwise. */
export function getRig(db: TownDb, idOrName: string): Rig {
  const rig = findRig(db, idOrName);
  if (!rig) throw notFound(`rig ${idOrName}`);
  return rig;
}

/** Every rig, by name. */
export function listRigs(db: TownDb): Rig[] {
  return db.select().from(rigs).orderBy(asc(rigs.name)).all().map(toRig);
}

/** Adds a rig: unique name, unique bead prefix (derived from the name unless given). */
export function addRig(db: TownDb, input: z.input<typeof AddRigRequest>, now: number): Rig {
  const req = parseInput(AddRigRequest, input, "rig");
  return inTransaction(db, () => {
    if (findRig(db, req.name)) throw conflict(`a rig named ${req.name} already exists`);
    let beadPrefix: string;
    if (req.beadPrefix !== undefined) {
      if (prefixTaken(db, req.beadPrefix)) throw conflict(`bead prefix ${req.beadPrefix} is already used`);
      beadPrefix = req.beadPrefix;
    } else {
      beadPrefix = freePrefix(db, derivePrefix(req.name));
    }
    const row = db
      .insert(rigs)
      .values({
        id: `rig-${randomBase36(8)}`,
        name: req.name,
        gitUrl: req.gitUrl,
        defaultBranch: req.defaultBranch,
        beadPrefix,
        config: RigConfig.parse(req.config ?? {}),
        createdAt: now,
      })
      .returning()
      .get();
    const rig = toRig(row);
    appendTownEvent(db, { type: "rig_added", rigId: rig.id, actor: req.actor, data: { rig } }, now);
    return rig;
  });
}

/** Changes a rig's default branch and/or config (the keys given merge over the current config). */
/** The gates after one `put` (replacing a gate of the same name in place) or `remove`. */
function withGate(rig: Rig, gates: QualityGate[], change: z.infer<typeof UpdateRigRequest>["gate"]): QualityGate[] {
  if (!change) return gates;
  if ("remove" in change) {
    if (!gates.some((g) => g.name === change.remove)) throw notFound(`quality gate ${change.remove} on rig ${rig.name}`);
    return gates.filter((g) => g.name !== change.remove);
  }
  const at = gates.findIndex((g) => g.name === change.put.name);
  if (at >= 0) return gates.map((g, i) => (i === at ? change.put : g));
  if (gates.length >= MAX_GATES) throw badRequest(`rig ${rig.name} has ${MAX_GATES} quality gates already; remove one first`);
  return [...gates, change.put];
}

export function updateRig(db: TownDb, idOrName: string, input: z.input<typeof UpdateRigRequest>, now: number): Rig {
  const req = parseInput(UpdateRigRequest, input, "rig update");
  return inTransaction(db, () => {
    const current = getRig(db, idOrName);
    // The patch has no defaults: keys it leaves out keep their current values.
    const config = RigConfig.parse({ ...current.config, ...req.config, qualityGates: withGate(current, req.config?.qualityGates ?? current.config.qualityGates, req.gate) });
    const row = db
      .update(rigs)
      .set({ defaultBranch: req.defaultBranch ?? current.defaultBranch, config })
      .where(eq(rigs.id, current.id))
      .returning()
      .get();
    if (!row) throw notFound(`rig ${idOrName}`);
    const rig = toRig(row);
    appendTownEvent(db, { type: "rig_updated", rigId: rig.id, actor: req.actor, data: { rig } }, now);
    return rig;
  });
}

/**
 * Removes a rig with its channel bindings, on-call entries and idle agents. Refused while
 * any of its agents holds a hook: stop that work first. Its beads stay as history.
 */
export function removeRig(db: TownDb, idOrName: string, actor: Actor, now: number): void {
  inTransaction(db, () => {
    const rig = getRig(db, idOrName);
    const busy = db
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.rigId, rig.id), isNotNull(agents.hookedBeadId)))
      .get();
    if (busy) throw conflict(`rig ${rig.name} still has work hooked on ${busy.id}; stop it first`);
    db.delete(chatChannels).where(eq(chatChannels.rigId, rig.id)).run();
    db.delete(oncall).where(eq(oncall.scope, rig.id)).run();
    db.delete(agents).where(eq(agents.rigId, rig.id)).run();
    db.delete(rigs).where(eq(rigs.id, rig.id)).run();
    appendTownEvent(db, { type: "rig_removed", rigId: rig.id, actor, data: { rigId: rig.id, name: rig.name } }, now);
  });
}
