/**
 * The reconciler runs on the TownDO alarm. A DO has one alarm, so every request for a pass
 * keeps the earliest time: asking for "soon" never postpones a pass already due sooner.
 */

/** Delay between a change that makes work (sling, close, mail, escalation) and the pass. */
export const RECONCILE_SOON_MS = 0;

/** Asks for a reconciler pass at `now + delayMs` unless one is already set earlier. */
export async function scheduleReconcile(storage: DurableObjectStorage, now: number, delayMs = RECONCILE_SOON_MS): Promise<void> {
  await armAlarm(storage, now + delayMs);
}

/** Sets the alarm to `at` unless it is already set earlier; null leaves it as it is. */
export async function armAlarm(storage: DurableObjectStorage, at: number | null): Promise<void> {
  if (at === null) return;
  const current = await storage.getAlarm();
  if (current === null || current > at) await storage.setAlarm(at);
}
