import type { Actor } from '../../domain/actor';
import { isUniqueViolation, type RoutingRuleRecord, type RoutingRuleRepository, type RoutingRuleValues } from '../../db/repositories/routing-rule.repository';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { requireManager } from './record-access';
import { cleanConditions } from './routing-conditions';
import type { RecordsServiceDependencies } from './types';

export type RoutingRuleInput = Omit<RoutingRuleValues, 'conditions'> & { readonly conditions: unknown };
export type RoutingRuleChanges = Partial<RoutingRuleInput>;

function positionTaken(position: number, holder?: string): ConflictError {
  return new ConflictError(`another routing rule already has position ${position}; rules are tried in position order, so positions must not tie`, {
    field: 'position',
    ...(holder ? { routingRuleId: holder } : {}),
  });
}

/** Turns a unique violation (a concurrent writer took the position) into the same 409. */
async function guardPosition<T>(position: number | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (position !== undefined && isUniqueViolation(error)) throw positionTaken(position);
    throw error;
  }
}

/** The changed fields only, with the conditions already checked. */
function changedValues(changes: RoutingRuleChanges, conditions: RoutingRuleValues['conditions'] | undefined): Partial<RoutingRuleValues> {
  return {
    ...(changes.name === undefined ? {} : { name: changes.name }),
    ...(changes.position === undefined ? {} : { position: changes.position }),
    ...(conditions === undefined ? {} : { conditions }),
    ...(changes.queueId === undefined ? {} : { queueId: changes.queueId }),
    ...(changes.active === undefined ? {} : { active: changes.active }),
  };
}

/** Routing rules, for supervisors and administrators: tried in position order, so positions are unique. */
export function routingRuleRecords(deps: Pick<RecordsServiceDependencies, 'directory' | 'routingRules'>) {
  const rules: RoutingRuleRepository = deps.routingRules;

  async function checkQueue(queueId: string): Promise<void> {
    if (!(await rules.queueExists(queueId))) throw new ValidationError(`no queue ${queueId}`, 'queueId');
  }

  async function checkPositionFree(position: number, ruleId: string | null): Promise<void> {
    const holder = await rules.idAtPosition(position);
    if (holder !== undefined && holder !== ruleId) throw positionTaken(position, holder);
  }

  return {
    async listRoutingRules(actor: Actor): Promise<RoutingRuleRecord[]> {
      requireManager(actor);
      return rules.list();
    },

    /** 422 naming the field for bad conditions or an unknown queue; 409 when the position is taken. */
    async createRoutingRule(actor: Actor, input: RoutingRuleInput): Promise<RoutingRuleRecord> {
      requireManager(actor);
      const conditions = await cleanConditions(deps.directory, input.conditions);
      await checkQueue(input.queueId);
      await checkPositionFree(input.position, null);
      const values: RoutingRuleValues = { name: input.name, position: input.position, conditions, queueId: input.queueId, active: input.active };
      return guardPosition(input.position, () => rules.insert(values));
    },

    async updateRoutingRule(actor: Actor, id: string, changes: RoutingRuleChanges): Promise<RoutingRuleRecord> {
      requireManager(actor);
      if (!(await rules.findById(id))) throw new NotFoundError(`routing rule ${id} not found`);
      const conditions = changes.conditions === undefined ? undefined : await cleanConditions(deps.directory, changes.conditions);
      if (changes.queueId !== undefined) await checkQueue(changes.queueId);
      if (changes.position !== undefined) await checkPositionFree(changes.position, id);
      const updated = await guardPosition(changes.position, () => rules.update(id, changedValues(changes, conditions)));
      if (!updated) throw new NotFoundError(`routing rule ${id} not found`);
      return updated;
    },
  };
}
