import type { Database } from '../connection';
import type { RoutingConditions } from '../../domain/case-context';

export interface RoutingRuleRecord {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly conditions: RoutingConditions;
  readonly queueId: string;
  readonly queueName: string;
  readonly active: boolean;
}

/** The columns an administrator may set; nothing else is ever written from a request. */
export interface RoutingRuleValues {
  readonly name: string;
  readonly position: number;
  readonly conditions: RoutingConditions;
  readonly queueId: string;
  readonly active: boolean;
}

interface RuleRow {
  id: string;
  name: string;
  position: number;
  conditions: unknown;
  queue_id: string;
  queue_name: string;
  active: boolean;
}

/** PostgreSQL's unique_violation: the insert or update lost a race for a position. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

export function createRoutingRuleRepository(db: Database) {
  const rules = () =>
    db('routing_rules as r')
      .join('queues as q', 'q.id', 'r.queue_id')
      .select<RuleRow[]>('r.id', 'r.name', 'r.position', 'r.conditions', 'r.queue_id', 'q.name as queue_name', 'r.active');

  async function find(id: string): Promise<RoutingRuleRecord | undefined> {
    const row = await rules().where('r.id', id).first();
    return row ? toRecord(row) : undefined;
  }

  function columns(values: Partial<RoutingRuleValues>): Record<string, unknown> {
    return {
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(values.position === undefined ? {} : { position: values.position }),
      ...(values.conditions === undefined ? {} : { conditions: JSON.stringify(values.conditions) }),
      ...(values.queueId === undefined ? {} : { queue_id: values.queueId }),
      ...(values.active === undefined ? {} : { active: values.active }),
    };
  }

  return {
    /** Every rule, in the order routing tries them (position, then id). */
    async list(): Promise<RoutingRuleRecord[]> {
      return (await rules().orderBy([{ column: 'r.position' }, { column: 'r.id' }])).map(toRecord);
    },

    findById: find,

    /** The id of the rule at `position`, if any. */
    async idAtPosition(position: number): Promise<string | undefined> {
      const row = await db('routing_rules').where({ position }).first<{ id: string } | undefined>('id');
      return row?.id;
    },

    async queueExists(queueId: string): Promise<boolean> {
      return (await db('queues').where({ id: queueId }).first('id')) !== undefined;
    },

    async insert(values: RoutingRuleValues): Promise<RoutingRuleRecord> {
      const [inserted] = await db('routing_rules').insert(columns(values)).returning<{ id: string }[]>('id');
      const rule = inserted ? await find(inserted.id) : undefined;
      if (!rule) throw new Error('routing rule insert returned no row');
      return rule;
    },

    /** Applies the given changes; undefined when the rule does not exist. */
    async update(id: string, changes: Partial<RoutingRuleValues>): Promise<RoutingRuleRecord | undefined> {
      const values = columns(changes);
      if (Object.keys(values).length > 0) await db('routing_rules').where({ id }).update(values);
      return find(id);
    },
  };
}

export type RoutingRuleRepository = ReturnType<typeof createRoutingRuleRepository>;

function toRecord(row: RuleRow): RoutingRuleRecord {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    conditions: (typeof row.conditions === 'string' ? JSON.parse(row.conditions) : row.conditions) as RoutingConditions,
    queueId: row.queue_id,
    queueName: row.queue_name,
    active: row.active,
  };
}
