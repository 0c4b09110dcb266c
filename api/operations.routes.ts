import { z } from 'zod';
import type { CaseProblemRepository } from '../db/repositories/case-problem.repository';
import { OPERATOR_ROLES } from '../domain/actor';
import { CASE_NUMBER_PATTERN } from '../domain/case-number';
import type { CaseWorkService } from '../services/case-work.service';
import type { ReplayCheck } from '../services/replay-check';
import { replayVerdictSchema } from './case-history.schemas';
import { caseNumberParams } from './case.schemas';
import { defineRoute, type RouteDefinition } from './route';

export interface OperationsRouteDependencies {
  readonly problems: Pick<CaseProblemRepository, 'list'>;
  readonly replayCheck: ReplayCheck;
  /** Finds a case the caller may see (404 otherwise). */
  readonly caseWork: Pick<CaseWorkService, 'get'>;
}


const replayCheckQuery = z.object({
  case: z.string().regex(CASE_NUMBER_PATTERN, 'must look like CAS-01000').optional().describe('One case; omitted: every open case (at most 200)'),
});

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
    defineRoute({
      method: 'get',
      path: '/operations/replay-check',
      tag: 'Operations',
      summary: 'Replays live case histories against the workflow code this server would run (before a deploy): ok, or the nondeterminism found',
      roles: OPERATOR_ROLES,
      query: replayCheckQuery,
      responses: { 200: { description: 'One verdict per case', schema: z.object({ items: z.array(replayVerdictSchema) }) } },
      handler: async ({ query }) => ({
        status: 200,
        body: { items: query.case ? await deps.replayCheck.cases([query.case]) : await deps.replayCheck.openCases(200) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/cases/{caseNumber}/replay-check',
      tag: 'Operations',
      summary: "Replays this case's current workflow run against the workflow code this server would run: ok, or the nondeterminism found (changes nothing)",
      roles: OPERATOR_ROLES,
      params: caseNumberParams,
      responses: { 200: { description: "The case's verdict", schema: replayVerdictSchema } },
      reachesTemporal: true,
      handler: async ({ actor, params }) => {
        await deps.caseWork.get(params.caseNumber, actor!);
        const [verdict] = await deps.replayCheck.cases([params.caseNumber]);
        return { status: 200, body: verdict };
      },
    }),
  ];
}
