import { createHash, createHmac } from 'node:crypto';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/connection';
import { createCaseContextRepository } from '../db/repositories/case-context.repository';
import { createNotificationRepository, type NotificationChannel } from '../db/repositories/notification.repository';
import { createSurveyRepository } from '../db/repositories/survey.repository';
import type { Channel } from '../domain/case';
import { failFastOnBadData, invalidInput, requireCase } from './support.activities';

export interface SendSurveyInput {
  readonly caseNumber: string;
  readonly episode: number;
  /** The case's channel: chat and web customers also get the survey in the bot. */
  readonly channel: Channel;
  readonly sentAt: string;
  readonly expiresAt: string;
}

export interface RecordSurveyResponseInput {
  readonly caseNumber: string;
  readonly episode: number;
  readonly rating: number;
  readonly comment: string;
  readonly answeredAt: string;
}

export interface SurveyConfig {
  /** HMAC key of the survey links' tokens. */
  readonly surveySecret: string;
  /** Where the survey page is served, e.g. https://support.example.com. */
  readonly publicBaseUrl: string;
}

/**
 * The token in a survey link. Derived, not random, so a retried sendSurvey computes the same one,
 * and unguessable without the secret.
 */
export function surveyToken(secret: string, caseNumber: string, episode: number): string {
  return createHmac('sha256', secret).update(`${caseNumber}:${episode}`).digest('base64url');
}

/** What the database keeps of a token: a leaked table does not let anyone answer surveys. */
export function surveyTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function checkEpisode(episode: number): void {
  if (!Number.isInteger(episode) || episode < 1) throw invalidInput(`episode must be a whole number >= 1, got ${episode}`);
}

export function createSurveyActivities(db: Database, config: SurveyConfig) {
  const baseUrl = config.publicBaseUrl.replace(/\/+$/, '');
  return {
    /**
     * Creates the survey of a resolution and, in the same transaction, puts its link in the outbox
     * for the customer (by email and in their chat). Once per (case, episode):
     * a retry finds the survey and the outbox rows and adds nothing.
     * Returns only the survey's id: the token answers the survey without signing in, so it goes
     * to the customer through the outbox and never into the workflow's history.
     */
    async sendSurvey(input: SendSurveyInput): Promise<{ surveyId: string }> {
      checkEpisode(input.episode);
      if (!config.surveySecret) throw ApplicationFailure.nonRetryable('no survey secret is configured', 'SurveyNotConfigured');
      const token = surveyToken(config.surveySecret, input.caseNumber, input.episode);
      const tokenHash = surveyTokenHash(token);
      const survey = await failFastOnBadData(() =>
        db.transaction(async (trx) => {
          const found = await requireCase(createCaseContextRepository(trx), input.caseNumber);
          const ensured = await createSurveyRepository(trx).ensure({
            caseId: found.id,
            episode: input.episode,
            channel: input.channel,
            tokenHash,
            sentAt: input.sentAt,
            expiresAt: input.expiresAt,
          });
          // Email always; the customer's chat too, whatever channel the case came in on (delivered
          // only where they have a chat bound to their account).
          const channels: NotificationChannel[] = ['bot', 'email'];
          const notifications = createNotificationRepository(trx);
          await notifications.enqueue({
            key: `survey:${input.caseNumber}:${input.episode}`,
            caseId: found.id,
            kind: 'survey',
            channels,
            recipients: await notifications.resolveRecipients(found, { customer: true }),
            payload: { caseNumber: input.caseNumber, title: found.title, link: `${baseUrl}/surveys/${token}`, episode: input.episode },
          });
          return ensured;
        }),
      );
      // Only if the secret was rotated between two attempts: the stored hash belongs to the old token.
      if (survey.tokenHash !== tokenHash) log.warn('survey token no longer matches its stored hash', { caseNumber: input.caseNumber, episode: input.episode });
      return { surveyId: survey.id };
    },

    /** Stores the customer's answer to the survey of (case, episode); the first answer wins, a repeat changes nothing. */
    async recordSurveyResponse(input: RecordSurveyResponseInput): Promise<void> {
      checkEpisode(input.episode);
      if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
        throw invalidInput(`rating must be a whole number from 1 to 5, got ${input.rating}`);
      }
      await failFastOnBadData(() =>
        db.transaction(async (trx) => {
          const found = await requireCase(createCaseContextRepository(trx), input.caseNumber);
          const surveys = createSurveyRepository(trx);
          const survey = await surveys.find(found.id, input.episode);
          if (!survey) throw ApplicationFailure.nonRetryable(`case ${input.caseNumber} has no survey for episode ${input.episode}`, 'SurveyNotFound');
          await surveys.recordAnswer(survey.id, { rating: input.rating, comment: input.comment, answeredAt: input.answeredAt });
        }),
      );
    },
  };
}
