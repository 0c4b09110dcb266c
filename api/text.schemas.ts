import { z } from 'zod';

/**
 * Text fields the server trims before checking their length. A JSON Schema `minLength` counts the
 * spaces the server strips, so each field also carries a pattern that says the same as the server:
 * enough characters other than whitespace, and no NUL (which PostgreSQL cannot store; refused on
 * every field by api/validation.ts). The patterns use explicit character classes, not \s, so a
 * client in another language (schemathesis in Python) reads them as JavaScript does.
 */

/** Exactly what String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const ANY = '[^\\u0000]';
const SOLID = `[^${SPACE}\\u0000]`;

/** A pattern matching text that, trimmed, is at least `min` characters long and has no NUL. */
export function trimmedAtLeast(min: number): RegExp {
  if (min <= 1) return new RegExp(`^${ANY}*${SOLID}${ANY}*$`);
  return new RegExp(`^${ANY}*${SOLID}${ANY}{${min - 2},}${SOLID}${ANY}*$`);
}

/**
 * Text that must not be blank: trimmed, then `min`..`max` characters. The pattern is documentation
 * (the checks after trim() are what the server runs; NUL is refused before any schema).
 */
export function trimmedText(max: number, min = 1): z.ZodString {
  const short = min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
  return z
    .string()
    .trim()
    .min(min, short)
    .max(max, `must be at most ${max} characters`)
    .meta({ pattern: trimmedAtLeast(min).source });
}
