import { z } from "zod";

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A bead id: `<prefix>-<base36>`, e.g. `gt-4k2m`. Prefixes are 1..8 lowercase letters/digits. */
export const BeadId = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,7}-[0-9a-z]{3,12}$/, "a bead id looks like gt-4k2m");
export type BeadId = z.infer<typeof BeadId>;

export const BeadPrefix = z.string().regex(/^[a-z][a-z0-9]{0,7}$/, "1-8 lowercase letters or digits");

/** Random base36 suffix of `length` characters from crypto randomness. */
export function randomBase36(length: number): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = "";
  for (const b of bytes) out += BASE36[b % 36];
  return out;
}

export function makeBeadId(prefix: string, length = 4): string {
  return `${prefix}-${randomBase36(length)}`;
}

/** Git branch of a polecat's work. Built from the id only, never from a title. */
export function beadBranch(beadId: string): string {
  return `gt/${BeadId.parse(beadId)}`;
}

/** Town ids: `slack:<team>`, `discord:<guild>` or `local:<name>`. */
export const TownId = z
  .string()
  .regex(/^(slack|discord|local):[A-Za-z0-9_.-]{1,64}$/, "a town id looks like slack:T123, discord:42 or local:dev");
export type TownId = z.infer<typeof TownId>;

/** Agent ids are built by the town: `<role>-<rig>-<n>` style, kept to a safe alphabet. */
export const AgentId = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, "agent ids are lowercase letters, digits and -");
export type AgentId = z.infer<typeof AgentId>;

/** Rig names double as directory names in the container: a safe alphabet only. */
export const RigName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "rig names are lowercase letters, digits, . _ -");
