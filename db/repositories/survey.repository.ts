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

/** A survey found by its link's token hash, with what the survey page shows and who may answer. */
export interface SurveyByToken {
  readonly surveyId: string;
  readonly episode: number;
  readonly expiresAt: string;
  readonly answeredAt: string | null;
  readonly rating: number | null;
  readonly caseNumber: string;
  readonly caseTitle: string;
  /** The case's customer: the contact (and its account) or the account alone. */
  readonly contactId: string | null;
  readonly accountId: string | null;
}

/** The survey a link's token stands for (by the token's sha256), or undefined for an unknown token. */
export async function findSurveyByTokenHash(db: Database, tokenHash: string): Promise<SurveyByToken | undefined> {
  const row = await db('surveys as s')
    .join('cases as k', 'k.id', 's.case_id')
    .leftJoin('contacts as c', 'c.id', 'k.customer_contact_id')
    .leftJoin('survey_responses as r', 'r.survey_id', 's.id')
    .where('s.token_hash', tokenHash)
    .first<
      | {
          id: string;
          resolution_episode: number;
          expires_at: Date | string;
          answered_at: Date | string | null;
          rating: number | null;
          case_number: string;
          title: string;
          customer_contact_id: string | null;
          customer_account_id: string | null;
          contact_account_id: string | null;
        }
      | undefined
    >('s.id', 's.resolution_episode', 's.expires_at', 's.answered_at', 'r.rating', 'k.case_number', 'k.title', 'k.customer_contact_id', 'k.customer_account_id', 'c.account_id as contact_account_id');
  if (!row) return undefined;
  return {
    surveyId: row.id,
    episode: row.resolution_episode,
    expiresAt: new Date(row.expires_at).toISOString(),
    answeredAt: row.answered_at === null ? null : new Date(row.answered_at).toISOString(),
    rating: row.rating,
    caseNumber: row.case_number,
    caseTitle: row.title,
    contactId: row.customer_contact_id,
    accountId: row.customer_account_id ?? row.contact_account_id,
  };
}
