import { CASE_STATUSES, type CaseStatus } from '../../domain/case';
import type { SlaKpiName } from '../../domain/case-context';
import type { Database } from '../connection';
import { SLA_KPI_STATUSES, type SlaKpiStatus } from './sla-kpi-instance.repository';

/** The KPI clocks every case runs (sla_kpi_instances.kpi). */
export const SLA_KPI_NAMES: readonly SlaKpiName[] = ['first_response', 'resolve'];

/** KPI clocks per KPI and status, every pair present (0 when none). */
export type SlaKpiCounts = Record<SlaKpiName, Record<SlaKpiStatus, number>>;

export type OutboxChannel = 'email' | 'bot';

/** The notification outbox of one channel, as GET /metrics exports it. */
export interface OutboxBacklog {
  readonly channel: OutboxChannel;
  /** Not delivered and still to be tried. */
  readonly pending: number;
  /** Not delivered, and the delivery loop gave up on them (attempts used up, or refused for good). */
  readonly givenUp: number;
  /** Seconds since the oldest pending notification was queued; 0 when none is pending. */
  readonly oldestPendingAgeSeconds: number;
}

/**
 * After how many attempts each delivery loop gives a notification up: the defaults of
 * email/mail-delivery.ts (DEFAULT_MAX_ATTEMPTS) and bot/proactive.ts, which no deployment changes.
 */
export const OUTBOX_GIVE_UP_AFTER: Readonly<Record<OutboxChannel, number>> = { email: 10, bot: 5 };

/** The read-model figures GET /metrics reads at each scrape: a few aggregate queries, no rows. */
export function createOperationsMetricsRepository(db: Database, giveUpAfter: Readonly<Record<OutboxChannel, number>> = OUTBOX_GIVE_UP_AFTER) {
  return {
    /** Cases per status in the read model, every status present (0 when none). */
    async casesByStatus(): Promise<Record<CaseStatus, number>> {
      const rows = await db('cases').groupBy('status').select<{ status: CaseStatus; count: string | number }[]>('status', db.raw('count(*) as count'));
      const counts = Object.fromEntries(CASE_STATUSES.map((status) => [status, 0])) as Record<CaseStatus, number>;
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    },

    /** The cases' SLA KPI clocks (sla_kpi_instances) per KPI and status, as the workflows last wrote them. */
    async slaKpisByStatus(): Promise<SlaKpiCounts> {
      const rows = await db('sla_kpi_instances')
        .groupBy('kpi', 'status')
        .select<{ kpi: SlaKpiName; status: SlaKpiStatus; count: string | number }[]>('kpi', 'status', db.raw('count(*) as count'));
      const counts = Object.fromEntries(SLA_KPI_NAMES.map((kpi) => [kpi, Object.fromEntries(SLA_KPI_STATUSES.map((status) => [status, 0]))])) as SlaKpiCounts;
      for (const row of rows) counts[row.kpi][row.status] = Number(row.count);
      return counts;
    },

    /** Every channel's undelivered notifications. */
    async outboxBacklog(): Promise<OutboxBacklog[]> {
      const channels = Object.keys(giveUpAfter) as OutboxChannel[];
      return Promise.all(
        channels.map(async (channel) => {
          const row = await db('notifications')
            .where({ channel })
            .whereNull('delivered_at')
            .first<{ pending: string | number; given_up: string | number; oldest_age: string | number | null }>(
              db.raw('count(*) filter (where attempts < ?) as pending', [giveUpAfter[channel]]),
              db.raw('count(*) filter (where attempts >= ?) as given_up', [giveUpAfter[channel]]),
              db.raw('extract(epoch from now() - min(created_at) filter (where attempts < ?)) as oldest_age', [giveUpAfter[channel]]),
            );
          return {
            channel,
            pending: Number(row?.pending ?? 0),
            givenUp: Number(row?.given_up ?? 0),
            oldestPendingAgeSeconds: Math.max(0, Number(row?.oldest_age ?? 0)),
          };
        }),
      );
    },
  };
}

export type OperationsMetricsRepository = ReturnType<typeof createOperationsMetricsRepository>;
