import type { Database } from '../connection';
import type { Channel } from '../../domain/case';
import type { AllocationType } from '../../domain/case-context';

export interface EntitlementCharge {
  readonly entitlementId: string;
  readonly caseId: string;
  readonly episode: number;
  readonly channel: Channel;
  /** Cases (usually 1) or minutes, by the entitlement's allocation type; 0 records the usage only. */
  readonly terms: number;
}

/**
 * What a resolution consumes from an entitlement: the usage ledger and the balances it moves.
 * Call inside a transaction: the ledger row and the decrement must commit together.
 */
export function createResolutionRepository(db: Database) {
  return {
    async findEntitlement(id: string): Promise<{ id: string; allocationType: AllocationType; remainingTerms: number } | undefined> {
      const row = await db('entitlements')
        .where({ id })
        .first<{ id: string; allocation_type: AllocationType; remaining_terms: string } | undefined>('id', 'allocation_type', 'remaining_terms');
      return row && { id: row.id, allocationType: row.allocation_type, remainingTerms: Number(row.remaining_terms) };
    },

    /**
     * Records the usage of (case, episode) and, only if this call recorded it, draws the terms from
     * the entitlement and from the channel's own allowance when it has one. The unique key on
     * (case_id, resolution_episode) makes the decrement exactly-once: a retry, or a concurrent call
     * (which waits on the key until the first commits), inserts nothing and draws nothing.
     *
     * Balances: a `minutes` entitlement may run below zero (the time was spent; the overage is
     * visible), a `cases` entitlement never does: it stops at 0 (or stays where it stood, if an
     * operator had set it below), while the usage row still records the full terms.
     */
    async charge(charge: EntitlementCharge): Promise<{ charged: boolean; remainingTerms: number }> {
      const inserted = await db('entitlement_usages')
        .insert({
          entitlement_id: charge.entitlementId,
          case_id: charge.caseId,
          resolution_episode: charge.episode,
          terms_used: charge.terms,
        })
        .onConflict(['case_id', 'resolution_episode'])
        .ignore()
        .returning('id');
      const charged = inserted.length > 0;
      if (charged && charge.terms > 0) {
        const bindings = { terms: charge.terms, id: charge.entitlementId, channel: charge.channel };
        await db.raw(
          `update entitlements
              set remaining_terms = case when allocation_type = 'cases'
                                         then greatest(remaining_terms - :terms, least(remaining_terms, 0))
                                         else remaining_terms - :terms end
            where id = :id`,
          bindings,
        );
        await db.raw(
          `update entitlement_channels as ch
              set remaining_terms = case when e.allocation_type = 'cases'
                                         then greatest(ch.remaining_terms - :terms, least(ch.remaining_terms, 0))
                                         else ch.remaining_terms - :terms end
             from entitlements as e
            where e.id = ch.entitlement_id
              and ch.entitlement_id = :id and ch.channel = :channel and ch.remaining_terms is not null`,
          bindings,
        );
      }
      const row = await db('entitlements')
        .where({ id: charge.entitlementId })
        .first<{ remaining_terms: string } | undefined>('remaining_terms');
      if (!row) throw new Error(`entitlement ${charge.entitlementId} disappeared during the resolution`);
      return { charged, remainingTerms: Number(row.remaining_terms) };
    },
  };
}

export type ResolutionRepository = ReturnType<typeof createResolutionRepository>;
