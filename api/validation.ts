import type { z } from 'zod';
import { findUnstorableText } from '../domain/text';
import { problem, type Problem } from './problem';

/** Parses input with a schema; on failure returns a 422 problem naming every offending field. */
export function parseOrProblem<T extends z.ZodType>(schema: T, input: unknown, where: 'body' | 'query' | 'params'):
  | { ok: true; value: z.infer<T> }
  | { ok: false; problem: Problem } {
  // Text PostgreSQL cannot store (a NUL, half a surrogate pair) is refused on every route, in any
  // field: it would fail a query (a 500) or a workflow's writes (a wedged case).
  const unstorable = findUnstorableText(input);
  if (unstorable) {
    const pointer = `/${[where, ...unstorable.field.split('.')].join('/')}`;
    return { ok: false, problem: problem(422, 'validation', 'The request is not valid', { detail: `${unstorable.field}: ${unstorable.problem}`, errors: [{ pointer, detail: unstorable.problem }] }) };
  }
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, value: result.data };
  const errors = result.error.issues.flatMap((issue) =>
    // An unknown field (e.g. a customer sending "status") is named by its own pointer.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ pointer: `/${[where, ...issue.path.map(String), key].join('/')}`, detail: 'is not a field you may set here' }))
      : [{ pointer: `/${[where, ...issue.path.map(String)].join('/')}`, detail: issue.message }],
  );
  const first = errors[0];
  return {
    ok: false,
    problem: problem(422, 'validation', 'The request is not valid', {
      detail: first ? `${first.pointer.replace(/^\/(body|query|params)\//, '')}: ${first.detail}` : 'invalid input',
      errors,
    }),
  };
}
