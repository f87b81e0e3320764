import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ErrorCode, ERROR_STATUS, isGastownError } from "../core/errors";
import type { Logger } from "../core/ports";

/** The one error body of the Town API. `issues` carries zod issues (or other details). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: unknown };
}

const STATUS_CODE: Partial<Record<number, ErrorCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  429: "limit",
  502: "runtime_failed",
  503: "unavailable",
};

/**
 * Maps any thrown value to a response: GastownError by its code, HTTPException by its
 * status, anything else to a 500 that says nothing about internals (it is logged instead).
 */
export function errorResponse(err: unknown, c: Context, log: Logger): Response {
  if (isGastownError(err)) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.details !== undefined) body.error.issues = err.details;
    if (err.code === "internal") log.error("internal error", { path: c.req.path, error: err.message });
    return c.json(body, ERROR_STATUS[err.code] as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    const code = STATUS_CODE[err.status] ?? (err.status >= 500 ? "internal" : "bad_request");
    const body: ErrorBody = { error: { code, message: err.message || "request refused" } };
    return c.json(body, err.status as ContentfulStatusCode);
  }
  log.error("unhandled error", { path: c.req.path, error: err instanceof Error ? err.message : String(err) });
  const body: ErrorBody = { error: { code: "internal", message: "internal error" } };
  return c.json(body, 500);
}
