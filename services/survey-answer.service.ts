import { createHash } from 'node:crypto';
import type { Actor } from '../domain/actor';
import type { SurveyByToken } from '../db/repositories/survey.repository';
import type { CaseWorkService } from './case-work.service';
import { ConflictError, NotFoundError, ValidationError } from './errors';

/**
 * The survey link in the survey email and chat card (`/surveys/{token}`): the token is the
 * customer's credential, so no sign-in. The answer goes through the case-work service as the chat
 * card's does (the workflow's `answerSurvey` Update), so it is recorded once, by the workflow.
 */
export interface SurveyAnswerDependencies {
  /** The survey whose link token hashes to this (sha256, hex), as db/repositories/survey.repository.ts finds it. */
  readonly findByTokenHash: (tokenHash: string) => Promise<SurveyByToken | undefined>;
  readonly caseWork: Pick<CaseWorkService, 'act'>;
  readonly now?: () => Date;
}

/** Why a link cannot be answered: not ours (forged, mistyped), answered already, expired, or its case closed. */
export type SurveyRefusal = 'unknown' | 'answered' | 'expired' | 'closed';

export type SurveyLink =
  | { readonly state: 'open'; readonly survey: SurveyByToken }
  | { readonly state: Exclude<SurveyRefusal, 'unknown'>; readonly survey: SurveyByToken }
  | { readonly state: 'unknown' };

export type SurveyAnswerResult =
  | { readonly outcome: 'recorded'; readonly caseNumber: string; readonly caseTitle: string; readonly rating: number }
  | { readonly outcome: 'refused'; readonly reason: SurveyRefusal; readonly detail: string };

export interface SurveyAnswerInput {
  readonly rating: number;
  readonly comment: string;
}

/** Tokens are 43 base64url characters (an HMAC-SHA256); anything else is not worth a query. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** sha256 hex of the token: what the survey row keeps (activities/survey.activities.ts `surveyTokenHash`). */
export function hashSurveyToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const REFUSAL_TEXT: Record<SurveyRefusal, string> = {
  unknown: 'This survey link is not valid. Check that the whole link was copied from the email.',
  answered: 'This survey has already been answered. Thank you!',
  expired: 'This survey has expired: answers are taken for a limited time after the case is resolved.',
  closed: 'This case is closed, so the survey can no longer be answered.',
};

export function refusalText(reason: SurveyRefusal): string {
  return REFUSAL_TEXT[reason];
}

export function createSurveyAnswerService(deps: SurveyAnswerDependencies) {
  const now = deps.now ?? (() => new Date());

  async function look(token: string): Promise<SurveyLink> {
    if (!TOKEN.test(token)) return { state: 'unknown' };
    const survey = await deps.findByTokenHash(hashSurveyToken(token));
    if (!survey) return { state: 'unknown' };
    if (survey.answeredAt) return { state: 'answered', survey };
    if (new Date(survey.expiresAt).getTime() <= now().getTime()) return { state: 'expired', survey };
    return { state: 'open', survey };
  }

  /** The case's customer, as the link stands for them: allowed to answer this case's survey and nothing else. */
  function customerOf(survey: SurveyByToken): Actor {
    return { userId: `survey-link:${survey.surveyId}`, role: 'customer', displayName: 'Customer (survey link)', queueIds: [], contactId: survey.contactId, accountId: survey.accountId };
  }

  return {
    look,

    /**
     * Answers the survey once. The database says early whether the link is spent; the workflow
     * decides for good (two answers at once: one is recorded, the other refused).
     */
    async answer(token: string, input: SurveyAnswerInput): Promise<SurveyAnswerResult> {
      if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw new ValidationError('must be a whole number from 1 to 5', 'rating');
      if (input.comment.length > 2_000) throw new ValidationError('must be at most 2000 characters', 'comment');
      const link = await look(token);
      if (link.state !== 'open') return { outcome: 'refused', reason: link.state, detail: REFUSAL_TEXT[link.state] };
      const { survey } = link;
      try {
        await deps.caseWork.act(survey.caseNumber, customerOf(survey), 'answerSurvey', { rating: input.rating, comment: input.comment.trim() });
      } catch (error) {
        if (error instanceof NotFoundError) return { outcome: 'refused', reason: 'unknown', detail: REFUSAL_TEXT.unknown };
        if (error instanceof ConflictError) {
          const reason: SurveyRefusal = /already been answered/i.test(error.message) ? 'answered' : /expired/i.test(error.message) ? 'expired' : 'closed';
          return { outcome: 'refused', reason, detail: REFUSAL_TEXT[reason] };
        }
        throw error;
      }
      return { outcome: 'recorded', caseNumber: survey.caseNumber, caseTitle: survey.caseTitle, rating: input.rating };
    },
  };
}

export type SurveyAnswerService = ReturnType<typeof createSurveyAnswerService>;
