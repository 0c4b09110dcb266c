import { z } from 'zod';
import type { CaseProblemRepository } from '../db/repositories/case-problem.repository';
import { OPERATOR_ROLES } from '../domain/actor';
import { defineRoute, type RouteDefinition } from './route';

export interface OperationsRouteDependencies {
  readonly problems: Pick<CaseProblemRepository, 'list'>;
}

const caseProblemSchema = z.object({
  caseNumber: z.string(),
  effect: z.string().describe('What the workflow was recording: record (the case row), kpi, activity, notify …; or "retrying <activity>" for an activity that keeps failing (removed when it succeeds)'),
  error: z.string().describe('What the database said'),
  occurrences: z.number().int(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
});

/** What operators watch besides a case's history. */
export function operationsRoutes(deps: OperationsRouteDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/operations/cases-needing-attention',
      tag: 'Operations',
      summary: 'Cases needing attention: a write the database refused for good (bad data no retry can fix) or an activity still failing after 5 attempts; most recent first',
      roles: OPERATOR_ROLES,
      responses: { 200: { description: 'The cases and what was refused', schema: z.object({ items: z.array(caseProblemSchema) }) } },
      handler: async () => ({ status: 200, body: { items: await deps.problems.list(200) } }),
    }),
  ];
}
