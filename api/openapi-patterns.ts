/**
 * JSON Schema patterns are ECMAScript regular expressions, but clients read them with their own
 * engine: Python's `re` (schemathesis, hypothesis) takes \d and \w as any Unicode digit or letter,
 * so it would generate "CAS-٠١٠٠٠" that the server (JavaScript) refuses. Each pattern is rewritten
 * with the ASCII classes JavaScript means, and request strings get the rule api/validation.ts
 * applies to every field: no NUL.
 */

type JsonSchema = Record<string, unknown>;

const CLASSES: Readonly<Record<string, string>> = { d: '0-9', w: 'A-Za-z0-9_' };

/** The same regular expression with \d and \w spelled out as JavaScript reads them. */
export function portablePattern(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      const range = CLASSES[next];
      out += range ? (inClass ? range : `[${range}]`) : char + next;
      i++;
      continue;
    }
    if (char === '[' && !inClass) inClass = true;
    else if (char === ']' && inClass) inClass = false;
    out += char;
  }
  return out;
}

/** Text without NUL: api/validation.ts refuses a NUL in any field before a schema runs. */
export const STORABLE_TEXT = '^[^\\u0000]*$';

function isPlainString(node: JsonSchema): boolean {
  return node.type === 'string' && !('pattern' in node) && !('enum' in node) && !('const' in node) && !('allOf' in node);
}

/** The schema with portable patterns; for requests (`input`), plain strings also refuse NUL. */
export function portableSchema(schema: JsonSchema, io: 'input' | 'output'): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    const node = Object.fromEntries(Object.entries(value).map(([key, nested]) => [key, key === 'pattern' && typeof nested === 'string' ? portablePattern(nested) : walk(nested)]));
    if (io === 'input' && isPlainString(node)) node.pattern = STORABLE_TEXT;
    return node;
  };
  return walk(schema) as JsonSchema;
}
