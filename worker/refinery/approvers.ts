import type { Actor, Approver } from "../../core/domain";

const MEMBERSHIP = /^[a-z]+:(group|role):/;

/**
 * May this person approve or reject a rig's merges? Only people (never agents or the mayor on
 * their own): `channel` lets anyone in the rig's channel, a user entry matches the person's
 * chat id (`slack:user:U1`), a group or role entry matches when the bot says the person holds
 * it (`memberOf`, e.g. `slack:group:S1`, `discord:role:42`).
 */
export function mayDecide(approvers: readonly Approver[], actor: Actor, memberOf: readonly string[]): boolean {
  if (actor.kind !== "user") return false;
  const held = new Set(memberOf);
  // Memberships only stand for groups and roles: a user entry is matched by the actor's own id.
  return approvers.some((a) => a === "channel" || a === actor.id || (MEMBERSHIP.test(a) && held.has(a)));
}
