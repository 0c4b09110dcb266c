import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/connection';
import { createCaseActivityRepository } from '../db/repositories/case-activity.repository';
import { createCaseArticleRepository } from '../db/repositories/case-article.repository';
import { createCaseContextRepository } from '../db/repositories/case-context.repository';
import { createResolutionRepository } from '../db/repositories/resolution.repository';
import type { Channel } from '../domain/case';
import { failFastOnBadData, invalidInput, isUuid, requireCase } from './support.activities';

export interface ApplyResolutionInput {
  readonly caseNumber: string;
  /** 1 for the first resolution, 2 after a reopen and a second resolution, … */
  readonly episode: number;
  readonly resolutionActivityId: string;
  readonly resolutionText: string;
  readonly resolutionType: string;
  readonly totalMinutesSpent: number;
  readonly resolvedAt: string;
  readonly resolvedByUserId: string | null;
  /** What the workflow decided this resolution consumes; null when it consumes nothing (no entitlement). */
  readonly charge: { readonly entitlementId: string; readonly channel: Channel; readonly terms: number } | null;
}

export interface ApplyResolutionResult {
  /** Whether this call recorded the usage (false on a repeat, or without a charge). */
  readonly charged: boolean;
  /** The entitlement's remaining terms after the resolution; null without a charge. */
  readonly remainingTerms: number | null;
}

export function createResolutionActivities(db: Database) {
  return {
    /**
     * Everything a resolution writes, in one transaction: the resolution activity, the entitlement
     * usage and decrement, and the credit to the knowledge articles used. Exactly once per
     * (case, episode), by the usage's unique key: a retry, a repeat or a concurrent duplicate finds
     * the work done, returns charged false and the current balance.
     */
    async applyResolution(input: ApplyResolutionInput): Promise<ApplyResolutionResult> {
      if (!Number.isInteger(input.episode) || input.episode < 1) throw invalidInput(`episode must be a whole number >= 1, got ${input.episode}`);
      if (!isUuid(input.resolutionActivityId)) throw invalidInput(`resolutionActivityId must be a uuid, got ${JSON.stringify(input.resolutionActivityId)}`);
      if (!Number.isFinite(input.totalMinutesSpent) || input.totalMinutesSpent < 0) {
        throw invalidInput(`totalMinutesSpent must be >= 0, got ${input.totalMinutesSpent}`);
      }
      const { charge } = input;
      if (charge !== null) {
        if (!isUuid(charge.entitlementId)) throw invalidInput(`charge.entitlementId must be a uuid, got ${JSON.stringify(charge.entitlementId)}`);
        if (!Number.isFinite(charge.terms) || charge.terms < 0) throw invalidInput(`charge.terms must be >= 0, got ${charge.terms}`);
      }

      const result = await failFastOnBadData(() =>
        db.transaction(async (trx) => {
          const found = await requireCase(createCaseContextRepository(trx), input.caseNumber);
          const activityInserted = await createCaseActivityRepository(trx).insertResolution(found.id, {
            id: input.resolutionActivityId,
            episode: input.episode,
            resolutionType: input.resolutionType,
            resolutionText: input.resolutionText,
            // The column counts whole minutes.
            totalMinutesSpent: Math.round(input.totalMinutesSpent),
            resolvedAt: input.resolvedAt,
            resolvedByUserId: input.resolvedByUserId,
          });
          let outcome: ApplyResolutionResult = { charged: false, remainingTerms: null };
          if (charge !== null) {
            const resolutions = createResolutionRepository(trx);
            if (!(await resolutions.findEntitlement(charge.entitlementId))) {
              throw ApplicationFailure.nonRetryable(`no entitlement ${charge.entitlementId}`, 'EntitlementNotFound');
            }
            outcome = await resolutions.charge({ ...charge, caseId: found.id, episode: input.episode });
          }
          // The articles are credited once per resolution: by whichever write marks it as new.
          if (charge !== null ? outcome.charged : activityInserted) await createCaseArticleRepository(trx).creditResolution(found.id);
          return outcome;
        }),
      );
      if (charge !== null && !result.charged) {
        log.info('resolution already applied', { caseNumber: input.caseNumber, episode: input.episode, remainingTerms: result.remainingTerms });
      }
      return result;
    },
  };
}
