import { isManager, isStaff, type Actor } from '../domain/actor';
import type { RoutingConditions } from '../domain/case-context';
import { validateRoutingConditions } from '../domain/routing';
import type { CaseRepository } from '../db/repositories/case.repository';
import type { AccountRecord, CaseCounts, ContactRecord, DirectoryRepository, ProductRecord } from '../db/repositories/directory.repository';
import type { EntitlementOwners, EntitlementRecord, EntitlementRepository, EntitlementUsageRecord } from '../db/repositories/entitlement.repository';
import type { GoalRecord, GoalRepository } from '../db/repositories/goal.repository';
import type { QueueCounts, QueueItemRecord, QueueMemberRecord, QueueRecord, QueueRepository } from '../db/repositories/queue.repository';
import { isUniqueViolation, type RoutingRuleRecord, type RoutingRuleRepository, type RoutingRuleValues } from '../db/repositories/routing-rule.repository';
import type { SlaKpiInstanceRecord, SlaPolicyRecord, SlaPolicyRepository } from '../db/repositories/sla-policy.repository';
import { caseScopeFor } from './case-scope';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors';
import { isUuid } from '../domain/ids';

/**
 * The service's reference records (DOMAIN.md, "Records"): customers, entitlements, queues, SLA
 * policies, routing rules and goals. Routes check the caller's role; this checks every row against
 * the caller, and answers what they may not see exactly as an unknown id (NotFoundError).
 */
export interface RecordsServiceDependencies {
  readonly directory: DirectoryRepository;
  readonly entitlements: EntitlementRepository;
  readonly queues: QueueRepository;
  readonly slaPolicies: SlaPolicyRepository;
  readonly routingRules: RoutingRuleRepository;
  readonly goals: GoalRepository;
  readonly cases: CaseRepository;
}

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export interface Paged<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface ContactView extends ContactRecord {
  readonly cases: CaseCounts;
}

export interface AccountView extends AccountRecord {
  readonly contacts: readonly ContactRecord[];
  readonly entitlements: readonly EntitlementRecord[];
  readonly cases: CaseCounts;
}

export interface QueueView extends QueueRecord {
  /** Whether the caller belongs to the queue. */
  readonly isMember: boolean;
  /** Null for a queue whose work the caller may not see (an agent outside it). */
  readonly counts: QueueCounts | null;
}

export interface GoalView extends GoalRecord {
  /** actual / target in percent, one decimal. */
  readonly percent: number;
}

export interface CaseSlaView {
  readonly caseNumber: string;
  readonly slaPolicyId: string | null;
  readonly slaState: string | null;
  readonly firstResponseBy: string | null;
  readonly resolveBy: string | null;
  readonly items: readonly SlaKpiInstanceRecord[];
}

export type RoutingRuleInput = Omit<RoutingRuleValues, 'conditions'> & { readonly conditions: unknown };
export type RoutingRuleChanges = Partial<RoutingRuleInput>;

/** An account's contacts and entitlements are short lists: shown whole on the account. */
const ACCOUNT_ENTITLEMENTS_SHOWN = 100;

/** A JSON-pointer segment (RFC 6901) for a key typed by the caller. */
const pointerSegment = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

export function createRecordsService(deps: RecordsServiceDependencies) {
  const { directory, entitlements, queues } = deps;

  // ---- who may see what ------------------------------------------------------------------------

  /** Staff see every customer; a customer only their own contact. */
  function mayReadContact(actor: Actor, contactId: string): boolean {
    return isStaff(actor) || (actor.role === 'customer' && actor.contactId === contactId);
  }

  /** Staff see every account; a customer only their own account. */
  function mayReadAccount(actor: Actor, accountId: string): boolean {
    return isStaff(actor) || (actor.role === 'customer' && actor.accountId === accountId);
  }

  /** Staff see every entitlement; a customer those of their own contact and account. */
  function mayReadEntitlement(actor: Actor, entitlement: EntitlementRecord): boolean {
    return entitlement.customer.type === 'contact' ? mayReadContact(actor, entitlement.customer.id) : mayReadAccount(actor, entitlement.customer.id);
  }

  /** A queue's work (items, members) is for its members, supervisors and administrators. */
  function mayWorkQueue(actor: Actor, queueId: string): boolean {
    return isManager(actor) || (actor.role === 'agent' && actor.queueIds.includes(queueId));
  }

  async function visibleEntitlement(actor: Actor, id: string): Promise<EntitlementRecord> {
    const entitlement = await entitlements.findById(id);
    if (!entitlement || !mayReadEntitlement(actor, entitlement)) throw new NotFoundError(`entitlement ${id} not found`);
    return entitlement;
  }

  async function visibleQueue(actor: Actor, id: string): Promise<QueueRecord> {
    const queue = mayWorkQueue(actor, id) ? await queues.findById(id) : undefined;
    if (!queue) throw new NotFoundError(`queue ${id} not found`);
    return queue;
  }

  function requireManager(actor: Actor): void {
    if (!isManager(actor)) throw new ForbiddenError('routing rules are for supervisors and administrators');
  }

  // ---- routing rules ---------------------------------------------------------------------------

  /**
   * Checks conditions with the domain's own validator (the one routing uses), one field at a time so
   * the error names the field as a pointer (conditions/customerTier/0); product ids must exist.
   */
  async function cleanConditions(input: unknown): Promise<RoutingConditions> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('must be an object', 'conditions');
    for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
      try {
        validateRoutingConditions({ [key]: value });
      } catch (error) {
        const prefix = `Invalid routing conditions: ${key}`;
        const message = error instanceof Error ? error.message : String(error);
        const rest = message.startsWith(prefix) ? message.slice(prefix.length) : ` ${message}`;
        const index = /^\[(\d+)\]/.exec(rest);
        const field = `conditions/${pointerSegment(key)}${index ? `/${index[1]}` : ''}`;
        throw new ValidationError(rest.slice(index?.[0].length ?? 0).trim(), field);
      }
    }
    const conditions = validateRoutingConditions(input);
    const productIds = conditions.productId ?? [];
    const malformed = productIds.findIndex((id) => !isUuid(id));
    if (malformed >= 0) throw new ValidationError('must be a product id (a UUID)', `conditions/productId/${malformed}`);
    const known = await directory.existingProductIds(productIds);
    const unknown = productIds.findIndex((id) => !known.has(id));
    if (unknown >= 0) throw new ValidationError(`no product ${productIds[unknown]}`, `conditions/productId/${unknown}`);
    return conditions;
  }

  async function checkQueue(queueId: string): Promise<void> {
    if (!(await deps.routingRules.queueExists(queueId))) throw new ValidationError(`no queue ${queueId}`, 'queueId');
  }

  async function checkPositionFree(position: number, ruleId: string | null): Promise<void> {
    const holder = await deps.routingRules.idAtPosition(position);
    if (holder !== undefined && holder !== ruleId) throw positionTaken(position, holder);
  }

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

  return {
    async searchContacts(actor: Actor, text: string | undefined, page: Page): Promise<Paged<ContactRecord>> {
      if (!isStaff(actor)) throw new ForbiddenError('searching contacts is for agents, supervisors and administrators');
      const result = await directory.searchContacts(text, page.limit, page.offset);
      return { ...result, ...page };
    },

    async getContact(actor: Actor, id: string): Promise<ContactView> {
      const contact = mayReadContact(actor, id) ? await directory.findContact(id) : undefined;
      if (!contact) throw new NotFoundError(`contact ${id} not found`);
      return { ...contact, cases: await directory.contactCaseCounts(id, caseScopeFor(actor)) };
    },

    async getAccount(actor: Actor, id: string): Promise<AccountView> {
      const account = mayReadAccount(actor, id) ? await directory.findAccount(id) : undefined;
      if (!account) throw new NotFoundError(`account ${id} not found`);
      const [contacts, contracted, cases] = await Promise.all([
        directory.contactsOfAccount(id),
        entitlements.list({ contactIds: [], accountIds: [id] }, ACCOUNT_ENTITLEMENTS_SHOWN, 0),
        directory.accountCaseCounts(id, caseScopeFor(actor)),
      ]);
      return { ...account, contacts, entitlements: contracted.items, cases };
    },

    listProducts(): Promise<ProductRecord[]> {
      return directory.listProducts();
    },

    /**
     * Staff: every entitlement, or one customer's (a contact or an account id). A customer: their own
     * contact's and account's; naming anyone else's id is answered as an unknown customer.
     */
    async listEntitlements(actor: Actor, customerId: string | undefined, page: Page): Promise<Paged<EntitlementRecord>> {
      let owners: EntitlementOwners;
      if (customerId !== undefined) {
        let visible: 'contact' | 'account' | undefined;
        if (actor.role === 'customer') visible = customerId === actor.contactId ? 'contact' : customerId === actor.accountId ? 'account' : undefined;
        else if (isStaff(actor)) visible = await directory.customerKind(customerId);
        if (!visible) throw new NotFoundError(`customer ${customerId} not found`);
        owners = visible === 'contact' ? { contactIds: [customerId], accountIds: [] } : { contactIds: [], accountIds: [customerId] };
      } else if (actor.role === 'customer') {
        owners = { contactIds: actor.contactId ? [actor.contactId] : [], accountIds: actor.accountId ? [actor.accountId] : [] };
      } else if (isStaff(actor)) {
        owners = null;
      } else {
        throw new ForbiddenError('entitlements are for customers and staff');
      }
      const result = await entitlements.list(owners, page.limit, page.offset);
      return { ...result, ...page };
    },

    getEntitlement: visibleEntitlement,

    async entitlementUsages(actor: Actor, id: string): Promise<{ entitlementId: string; items: readonly EntitlementUsageRecord[] }> {
      await visibleEntitlement(actor, id);
      return { entitlementId: id, items: await entitlements.usages(id) };
    },

    /** Every queue (agents dispatch and transfer to any); work counts only where the caller may work. */
    async listQueues(actor: Actor): Promise<QueueView[]> {
      if (!isStaff(actor)) throw new ForbiddenError('queues are for agents, supervisors and administrators');
      const [all, counts] = await Promise.all([queues.list(), queues.counts()]);
      return all.map((queue) => ({
        ...queue,
        isMember: actor.queueIds.includes(queue.id),
        counts: mayWorkQueue(actor, queue.id) ? (counts.get(queue.id) ?? { waiting: 0, inProgress: 0, slaAtRisk: 0 }) : null,
      }));
    },

    async queueItems(actor: Actor, id: string, page: Page): Promise<Paged<QueueItemRecord> & { queueId: string }> {
      await visibleQueue(actor, id);
      const result = await queues.waitingItems(id, page.limit, page.offset);
      return { queueId: id, ...result, ...page };
    },

    async queueMembers(actor: Actor, id: string): Promise<{ queueId: string; items: readonly QueueMemberRecord[] }> {
      await visibleQueue(actor, id);
      return { queueId: id, items: await queues.members(id) };
    },

    async listSlaPolicies(actor: Actor): Promise<SlaPolicyRecord[]> {
      if (!isStaff(actor)) throw new ForbiddenError('SLA policies are for agents, supervisors and administrators');
      return deps.slaPolicies.list();
    },

    /** The case's KPI clocks, for whoever may see the case (the same rule as GET /cases/{caseNumber}). */
    async caseSla(actor: Actor, caseNumber: string): Promise<CaseSlaView> {
      const record = await deps.cases.findVisible(caseNumber, caseScopeFor(actor));
      if (!record) throw new NotFoundError(`case ${caseNumber} not found`);
      return {
        caseNumber: record.caseNumber,
        slaPolicyId: record.slaPolicyId,
        slaState: record.slaState,
        firstResponseBy: record.firstResponseBy,
        resolveBy: record.resolveBy,
        items: await deps.slaPolicies.kpiInstances(record.id),
      };
    },

    async listRoutingRules(actor: Actor): Promise<RoutingRuleRecord[]> {
      requireManager(actor);
      return deps.routingRules.list();
    },

    /** 422 naming the field for bad conditions or an unknown queue; 409 when the position is taken. */
    async createRoutingRule(actor: Actor, input: RoutingRuleInput): Promise<RoutingRuleRecord> {
      requireManager(actor);
      const conditions = await cleanConditions(input.conditions);
      await checkQueue(input.queueId);
      await checkPositionFree(input.position, null);
      const values: RoutingRuleValues = { name: input.name, position: input.position, conditions, queueId: input.queueId, active: input.active };
      return guardPosition(input.position, () => deps.routingRules.insert(values));
    },

    async updateRoutingRule(actor: Actor, id: string, changes: RoutingRuleChanges): Promise<RoutingRuleRecord> {
      requireManager(actor);
      if (!(await deps.routingRules.findById(id))) throw new NotFoundError(`routing rule ${id} not found`);
      const conditions = changes.conditions === undefined ? undefined : await cleanConditions(changes.conditions);
      if (changes.queueId !== undefined) await checkQueue(changes.queueId);
      if (changes.position !== undefined) await checkPositionFree(changes.position, id);
      const values: Partial<RoutingRuleValues> = {
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.position === undefined ? {} : { position: changes.position }),
        ...(conditions === undefined ? {} : { conditions }),
        ...(changes.queueId === undefined ? {} : { queueId: changes.queueId }),
        ...(changes.active === undefined ? {} : { active: changes.active }),
      };
      const updated = await guardPosition(changes.position, () => deps.routingRules.update(id, values));
      if (!updated) throw new NotFoundError(`routing rule ${id} not found`);
      return updated;
    },

    /** Supervisors and administrators: every goal; an agent: their own and their queues'. */
    async listGoals(actor: Actor): Promise<GoalView[]> {
      if (!isStaff(actor)) throw new ForbiddenError('goals are for agents, supervisors and administrators');
      const goals = await deps.goals.list(isManager(actor) ? null : { userId: actor.userId, queueIds: actor.queueIds });
      return goals.map((goal) => ({ ...goal, percent: Math.round((goal.actual / goal.target) * 1000) / 10 }));
    },
  };
}

export type RecordsService = ReturnType<typeof createRecordsService>;
