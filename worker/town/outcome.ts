import { type ErrorCode, GastownError, isGastownError } from "../../core/errors";
import type { Logger } from "../../core/ports";

/**
 * What crosses the Worker -> TownDO RPC boundary. Workers RPC keeps only an error's message,
 * not our `code`, so operations answer with a plain outcome and the Worker rebuilds the
 * typed GastownError on its side (see worker/town/client.ts).
 */
export interface OpFailure {
  code: ErrorCode;
  message: string;
  details?: unknown;
}
export type Outcome = { ok: true; value: unknown } | { ok: false; error: OpFailure };

/** Runs `fn`, turning a thrown GastownError into a failure and anything else into `internal`. */
export async function toOutcome(fn: () => unknown, log: Logger, op: string): Promise<Outcome> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (isGastownError(err)) {
      const error: OpFailure = { code: err.code, message: err.message };
      if (err.details !== undefined) error.details = err.details;
      if (err.code === "internal") log.error("operation failed", { op, error: err.message });
      return { ok: false, error };
    }
    log.error("operation crashed", { op, error: err instanceof Error ? err.message : String(err) });
    return { ok: false, error: { code: "internal", message: "internal error" } };
  }
}

/** The value of an outcome, or its failure thrown again as a GastownError. */
export function unwrapOutcome(outcome: Outcome): unknown {
  if (outcome.ok) return outcome.value;
  throw new GastownError(outcome.error.code, outcome.error.message, { details: outcome.error.details });
}
