import type { Database } from '../connection';

export interface BusinessCalendarRecord {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  /** {"mon": [["09:00","18:00"]], ...}; a missing day has no working hours. */
  readonly weeklyHours: Record<string, unknown>;
  /** YYYY-MM-DD in the calendar's time zone. */
  readonly holidays: readonly string[];
}

export interface SlaKpiTargetRecord {
  readonly id: string;
  readonly kpi: 'first_response' | 'resolve';
  /** Null: any priority / any tier; a more specific row wins. */
  readonly priority: string | null;
  readonly customerTier: string | null;
  readonly warnAfterMinutes: number;
  readonly failAfterMinutes: number;
}

export interface SlaPolicyRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly appliesWhenNoEntitlement: boolean;
  readonly pauseOn: readonly string[];
  /** Null: the clock runs around the clock (24x7). */
  readonly calendar: BusinessCalendarRecord | null;
  readonly kpis: readonly SlaKpiTargetRecord[];
}

export interface SlaKpiInstanceRecord {
  readonly id: string;
  readonly kpi: 'first_response' | 'resolve';
  readonly status: string;
  readonly warningAt: string | null;
  readonly failureAt: string | null;
  readonly succeededAt: string | null;
  readonly pausedAt: string | null;
  readonly elapsedBusinessMinutes: number;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
/** jsonb comes back parsed from pg; PGlite may hand over text. */
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

export function createSlaPolicyRepository(db: Database) {
  return {
    /** Every policy with its KPI targets and its calendar, by name. */
    async list(): Promise<SlaPolicyRecord[]> {
      const policies = await db('sla_policies')
        .orderBy([{ column: 'name' }, { column: 'id' }])
        .select<{ id: string; name: string; description: string; applies_when_no_entitlement: boolean; pause_on: unknown; business_calendar_id: string | null }[]>(
          'id',
          'name',
          'description',
          'applies_when_no_entitlement',
          'pause_on',
          'business_calendar_id',
        );
      const calendarIds = [...new Set(policies.map((p) => p.business_calendar_id).filter((id): id is string => id !== null))];
      const calendars = calendarIds.length
        ? await db('business_calendars').whereIn('id', calendarIds).select<{ id: string; name: string; time_zone: string; weekly_hours: unknown; holidays: unknown }[]>('id', 'name', 'time_zone', 'weekly_hours', 'holidays')
        : [];
      const kpis = policies.length
        ? await db('sla_kpis')
            .whereIn('sla_policy_id', policies.map((p) => p.id))
            .orderByRaw(`sla_policy_id, kpi, priority nulls first, customer_tier nulls first, id`)
            .select<{ id: string; sla_policy_id: string; kpi: 'first_response' | 'resolve'; priority: string | null; customer_tier: string | null; warn_after_minutes: number; fail_after_minutes: number }[]>(
              'id',
              'sla_policy_id',
              'kpi',
              'priority',
              'customer_tier',
              'warn_after_minutes',
              'fail_after_minutes',
            )
        : [];
      return policies.map((p) => {
        const calendar = calendars.find((c) => c.id === p.business_calendar_id);
        return {
          id: p.id,
          name: p.name,
          description: p.description,
          appliesWhenNoEntitlement: p.applies_when_no_entitlement,
          pauseOn: json<string[]>(p.pause_on),
          calendar: calendar
            ? { id: calendar.id, name: calendar.name, timeZone: calendar.time_zone, weeklyHours: json<Record<string, unknown>>(calendar.weekly_hours), holidays: json<string[]>(calendar.holidays) }
            : null,
          kpis: kpis
            .filter((k) => k.sla_policy_id === p.id)
            .map((k) => ({ id: k.id, kpi: k.kpi, priority: k.priority, customerTier: k.customer_tier, warnAfterMinutes: k.warn_after_minutes, failAfterMinutes: k.fail_after_minutes })),
        };
      });
    },

    /** The time zone of the policy's business calendar; null when the policy has no calendar (24x7) or does not exist. */
    async calendarTimeZone(policyId: string): Promise<string | null> {
      const row = await db('sla_policies as p')
        .leftJoin('business_calendars as c', 'c.id', 'p.business_calendar_id')
        .where('p.id', policyId)
        .first<{ time_zone: string | null } | undefined>('c.time_zone');
      return row?.time_zone ?? null;
    },

    /** The case's KPI clocks as the workflow last recorded them: first response, then resolve. */
    async kpiInstances(caseId: string): Promise<SlaKpiInstanceRecord[]> {
      const rows = await db('sla_kpi_instances')
        .where({ case_id: caseId })
        .orderByRaw(`array_position(array['first_response','resolve']::text[], kpi)`)
        .select<
          {
            id: string;
            kpi: 'first_response' | 'resolve';
            status: string;
            warning_at: Date | null;
            failure_at: Date | null;
            succeeded_at: Date | null;
            paused_at: Date | null;
            elapsed_business_minutes: number;
          }[]
        >('id', 'kpi', 'status', 'warning_at', 'failure_at', 'succeeded_at', 'paused_at', 'elapsed_business_minutes');
      return rows.map((r) => ({
        id: r.id,
        kpi: r.kpi,
        status: r.status,
        warningAt: iso(r.warning_at),
        failureAt: iso(r.failure_at),
        succeededAt: iso(r.succeeded_at),
        pausedAt: iso(r.paused_at),
        elapsedBusinessMinutes: r.elapsed_business_minutes,
      }));
    },
  };
}

export type SlaPolicyRepository = ReturnType<typeof createSlaPolicyRepository>;
