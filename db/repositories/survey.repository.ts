import type { Database } from '../connection';
import type { Channel } from '../../domain/case';

export interface SurveyWrite {
  readonly caseId: string;
  readonly episode: number;
  readonly channel: Channel;
  /** sha256 of the link's token, hex: the token itself is never stored. */
  readonly tokenHash: string;
  readonly sentAt: string;
  readonly expiresAt: string;
}

export interface SurveyRecord {
  readonly id: string;
  readonly tokenHash: string;
  readonly answeredAt: string | null;
}

export interface SurveyAnswer {
  readonly rating: number;
  readonly comment: string;
  readonly answeredAt: string;
}

/** Post-resolution surveys (one per case resolution) and their single answer. */
export function createSurveyRepository(db: Database) {
  async function find(caseId: string, episode: number): Promise<SurveyRecord | undefined> {
    const row = await db('surveys')
      .where({ case_id: caseId, resolution_episode: episode })
      .first<{ id: string; token_hash: string; answered_at: Date | string | null } | undefined>('id', 'token_hash', 'answered_at');
    return row && { id: row.id, tokenHash: row.token_hash, answeredAt: row.answered_at === null ? null : new Date(row.answered_at).toISOString() };
  }

  return {
    find,

    /** The survey of (case, episode): created by the first call, found by every later one. */
    async ensure(survey: SurveyWrite): Promise<SurveyRecord & { readonly created: boolean }> {
      const inserted = await db('surveys')
        .insert({
          case_id: survey.caseId,
          resolution_episode: survey.episode,
          channel: survey.channel,
          token_hash: survey.tokenHash,
          sent_at: survey.sentAt,
          expires_at: survey.expiresAt,
        })
        .onConflict(['case_id', 'resolution_episode'])
        .ignore()
        .returning('id');
      const row = await find(survey.caseId, survey.episode);
      if (!row) throw new Error(`survey of case ${survey.caseId} episode ${survey.episode} vanished after insert`);
      return { ...row, created: inserted.length > 0 };
    },

    /**
     * Stores the first answer to a survey and marks it answered; a repeated answer changes nothing.
     * Returns whether this call stored it.
     */
    async recordAnswer(surveyId: string, answer: SurveyAnswer): Promise<boolean> {
      const inserted = await db('survey_responses')
        .insert({ survey_id: surveyId, rating: answer.rating, comment: answer.comment, created_at: answer.answeredAt })
        .onConflict('survey_id')
        .ignore()
        .returning('survey_id');
      await db('surveys').where({ id: surveyId }).whereNull('answered_at').update({ answered_at: answer.answeredAt });
      return inserted.length > 0;
    },
  };
}

export type SurveyRepository = ReturnType<typeof createSurveyRepository>;
