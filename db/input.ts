import type { z } from "zod";
import { badRequest } from "../core/errors";

/**
 * Parses a store function's input with its zod schema. The Town API parses bodies too, but
 * the store is also called by the mayor, the reconciler and agents' callbacks, so it refuses
 * bad input itself with a typed `bad_request` carrying the zod issues.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` (${first.path.join(".")})` : "";
    throw badRequest(`invalid ${what}${where}: ${first?.message ?? "bad input"}`, parsed.error.issues);
  }
  return parsed.data;
}
