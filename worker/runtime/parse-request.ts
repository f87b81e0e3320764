import type { z } from "zod";
import { badRequest } from "../../core/errors";

/** Validates a runtime request before anything runs; bad input is a typed `bad_request` with the zod issues. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first && first.path.length > 0 ? ` (${first.path.join(".")})` : "";
  throw badRequest(`invalid ${what}${where}: ${first?.message ?? "bad input"}`, parsed.error.issues);
}
