import type { Actor, Approver } from "../../core/domain";

/**
 * May this person approve or reject a rig's merges? Only people (never agents or the mayor on
 * their own): `channel` lets anyone in the rig's channel, a user entry matches the person's
 * chat id (`slack:user:U1`), a group or role entry matches when the bot says the person holds
 * it (`memberOf`, e.g. `slack:group:S1`, `discord:role:42`).
 */
export function mayDecide(approvers: readonly Approver[], actor: Actor, memberOf: readonly string[]): boolean {
  if (actor.kind !== "user") return false;
  const held = new Set(memberOf);
  return approvers.some((a) => a === "channel" || a === actor.id || held.has(a));
}
