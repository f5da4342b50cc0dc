import type { z } from 'zod';
import { errors } from './errors';

function hasNul(value: unknown, depth = 0): boolean {
  if (depth > 20) return false;
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  if (value && typeof value === 'object') return Object.values(value).some((v) => hasNul(v, depth + 1));
  return false;
}

/**
 * Parses untrusted input with a schema: unknown fields are dropped, wrong
 * types become `400 bad_request` naming the field. NUL characters are refused
 * here because the embedded store cannot hold them.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  if (hasNul(input)) throw errors.badRequest('text must not contain NUL characters');
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const details = result.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const first = details[0];
    throw errors.badRequest(first ? `${first.path || 'input'}: ${first.message}` : 'invalid input', details);
  }
  return result.data;
}

/**
 * Parses a query string (Express's "simple" parser, so values are strings or
 * arrays of strings, never objects). A key such as `parentId[$ne]` or `$where`
 * is refused with `400 bad_request` rather than ignored as an unknown field:
 * it is an operator-smuggling attempt or a malformed field, and a silent 200
 * would answer something other than what was asked.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  for (const key of Object.keys((query ?? {}) as object)) {
    if (/^\$|[[\]]/.test(key))
      throw errors.badRequest(`query parameter "${key.slice(0, 40)}" is not allowed: no brackets or $ in parameter names`);
  }
  return parse(schema, query);
}
