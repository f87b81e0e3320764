import { validator } from "hono/validator";
import type { z } from "zod";
import { badRequest } from "../core/errors";

/**
 * Route validator over zod: parses the body (`json`), the query or the path params with a core/town-api
 * schema and makes the result typed through `c.req.valid(target)`. Bad input throws a
 * `bad_request` GastownError carrying the zod issues; the one onError turns it into a 400.
 * (Our own small replacement for @hono/zod-validator, so every 400 has the same shape.)
 */
export function valid<T extends "json" | "query" | "param", S extends z.ZodType>(target: T, schema: S) {
  return validator(target, (value): z.output<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` (${first.path.join(".")})` : "";
    const what = target === "json" ? "body" : target === "query" ? "query" : "path";
    throw badRequest(`invalid ${what}${where}: ${first?.message ?? "bad input"}`, parsed.error.issues);
  });
}
