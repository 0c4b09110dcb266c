/**
 * Text PostgreSQL cannot store: a NUL character (not allowed in `text`), or half of a UTF-16
 * surrogate pair (not valid in `jsonb`, where notifications keep their payload). Such text is
 * refused at the door, naming the field, so it never reaches a workflow whose writes would then
 * fail on every attempt.
 */
export function unstorableTextProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  // With the u flag a paired surrogate is one code point: only an unpaired half matches.
  if (/\p{Cs}/u.test(value)) return 'must not contain an unpaired UTF-16 surrogate';
  return null;
}

/** The same text with anything PostgreSQL cannot store replaced by U+FFFD (for reports that must not fail). */
export function storableText(value: string): string {
  return value.replaceAll('\u0000', '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD');
}

/** The first string field (nested objects by dotted path) that cannot be stored, with why. */
export function findUnstorableText(value: unknown, path = ''): { readonly field: string; readonly problem: string } | null {
  if (typeof value === 'string') {
    const problem = unstorableTextProblem(value);
    return problem ? { field: path || 'body', problem } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, nested] of Object.entries(value)) {
    const found = findUnstorableText(nested, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}
