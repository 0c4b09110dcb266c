/**
 * Bounds on a parsed JSON body before anything walks it: botbuilder, the transcript store and
 * PostgreSQL's jsonb all recurse, so a body nested thousands of levels deep failed deep inside them
 * (a 500) instead of being refused at the door. The walk here is iterative, so it cannot overflow.
 */

/** Deeper than any activity a channel sends (an Adaptive Card submission is a few levels). */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests objects or arrays more than `maxDepth` levels (a scalar is depth 0). */
export function jsonDepthExceeds(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

export const TOO_DEEP_DETAIL = `the body is nested too deeply (at most ${MAX_JSON_DEPTH} levels of objects and arrays)`;
