import { GastownError } from "../core/errors";

/** `{{name}}` with a lowercase snake_case name. */
const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** Placeholder names used in a template, in order of first use. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/**
 * Fill a `{{placeholder}}` template in one pass (values are never expanded again, so text
 * from a bead cannot inject placeholders). Throws when the template uses a name without a
 * value, when a value has no placeholder (a typo on either side), or on a malformed `{{`.
 */
export function renderTemplate(name: string, template: string, values: Record<string, string>): string {
  const used = placeholders(template);
  const missing = used.filter((p) => !(p in values));
  if (missing.length > 0) throw new GastownError("internal", `prompt ${name}: no value for {{${missing.join("}}, {{")}}}`);
  const unknown = Object.keys(values).filter((k) => !used.includes(k));
  if (unknown.length > 0) throw new GastownError("internal", `prompt ${name}: unknown placeholder ${unknown.join(", ")}`);
  const stray = template.replace(PLACEHOLDER, "").match(/\{\{[^}]*\}?\}?/);
  if (stray) throw new GastownError("internal", `prompt ${name}: malformed placeholder ${stray[0]}`);
  return template.replace(PLACEHOLDER, (_m, key: string) => values[key] as string);
}
