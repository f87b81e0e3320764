import { type Actor, LLM_REVIEWER } from "../../core/domain";

/** The refinery acts under this name in bead events, town events, mail and escalations. */
export const REFINERY: Actor = { kind: "system", id: "refinery", name: "refinery" };

/** Who approved a merge its LLM review let through (the merge request's `approvedBy`). */
export const LLM_REVIEW = LLM_REVIEWER;

/** Source recorded on the escalations the refinery raises. */
export const REFINERY_SOURCE = "refinery";

/** Knobs of the refinery; tests and the DO use `DEFAULT_REFINERY_POLICY`. */
export interface RefineryPolicy {
  /** Failed merge runs of one merge request before it is parked and a person is asked. */
  maxAttempts: number;
  /** Wait before retrying after a refinery error (container down); doubles per failed run. */
  errorBackoffMs: number;
  errorBackoffMaxMs: number;
  /** Merges of one rig in one pass; the pass asks to run again when more are waiting. */
  mergesPerPass: number;
  /** A merge still `merging` this long past its gates' time limits was lost (the DO restarted). */
  leaseSlackMs: number;
}

export const DEFAULT_REFINERY_POLICY: RefineryPolicy = {
  maxAttempts: 3,
  errorBackoffMs: 30_000,
  errorBackoffMaxMs: 10 * 60_000,
  mergesPerPass: 10,
  leaseSlackMs: 10 * 60_000,
};

/** Backoff after the `attempts`-th failed run (attempts >= 1). */
export function errorBackoffMs(policy: RefineryPolicy, attempts: number): number {
  return Math.min(policy.errorBackoffMs * 2 ** Math.min(Math.max(attempts - 1, 0), 20), policy.errorBackoffMaxMs);
}
