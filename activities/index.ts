import type { Database } from '../db/connection';
import { createCaseRepository } from '../db/repositories/case.repository';
import { createCaseActivityActivities } from './case-activity.activities';
import { createCaseContextActivities } from './case-context.activities';
import { createCaseEffectsActivities, type EffectActivities } from './case-effects.activities';
import { createCaseProblemActivities } from './case-problem.activities';
import { createCaseRecordActivities } from './case-record.activities';
import { createKnowledgeActivities } from './knowledge.activities';
import { createNotificationActivities } from './notification.activities';
import { createResolutionActivities } from './resolution.activities';
import { createSlaActivities } from './sla.activities';
import { createSurveyActivities } from './survey.activities';

export interface ActivityDependencies {
  readonly db: Database;
  /** HMAC key of survey-link tokens; a secret from the environment, never from the repository. */
  readonly surveySecret: string;
  /** Base URL of the public web pages (survey links), e.g. https://support.example.com. */
  readonly publicBaseUrl: string;
}

/** Every side effect of the case workflow, built from its dependencies so tests can supply their own. */
export function createActivities(deps: ActivityDependencies) {
  const writes = {
    ...createCaseRecordActivities(createCaseRepository(deps.db)),
    ...createCaseContextActivities(deps.db),
    ...createSlaActivities(deps.db),
    ...createCaseActivityActivities(deps.db),
    ...createResolutionActivities(deps.db),
    ...createNotificationActivities(deps.db),
    ...createSurveyActivities(deps.db, { surveySecret: deps.surveySecret, publicBaseUrl: deps.publicBaseUrl }),
    ...createKnowledgeActivities(deps.db),
    ...createCaseProblemActivities(deps.db),
  };
  return withCaseEffects(writes);
}

/**
 * Adds the batch of writes (performCaseEffects) over the very functions registered one by one (the
 * ones older histories name): a test that replaces one of them replaces it in the batch too.
 */
export function withCaseEffects<Writes extends EffectActivities>(writes: Writes) {
  return { ...writes, ...createCaseEffectsActivities(writes) };
}

export type CaseActivities = ReturnType<typeof createActivities>;
