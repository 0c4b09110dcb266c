import { describe, expect, it } from 'vitest';
import type { EntitlementRecord, EntitlementRepository } from '../../db/repositories/entitlement.repository';
import type { QueueRecord, QueueRepository } from '../../db/repositories/queue.repository';
import type { Actor, Role } from '../../domain/actor';
import { ForbiddenError, NotFoundError } from '../../services/errors';
import {
  mayReadAccount,
  mayReadContact,
  mayReadEntitlement,
  mayWorkQueue,
  requireManager,
  visibleEntitlement,
  visibleQueue,
} from '../../services/records/record-access';

const actor = (role: Role, over: Partial<Actor> = {}): Actor => ({
  userId: 'u1',
  role,
  displayName: role,
  queueIds: ['q1'],
  contactId: 'c1',
  accountId: 'a1',
  ...over,
});
const STAFF: Role[] = ['agent', 'supervisor', 'admin'];

const entitlement = (customer: EntitlementRecord['customer']): EntitlementRecord => ({
  id: 'e1',
  name: 'Support',
  customer,
  allocationType: 'cases',
  totalTerms: 10,
  remainingTerms: 10,
  startDate: '2026-01-01',
  endDate: '2026-12-31',
  status: 'active',
  slaPolicyId: null,
  isDefault: true,
  channels: [],
  createdAt: '2026-01-01T00:00:00.000Z',
});
const queue: QueueRecord = { id: 'q1', name: 'Gold', email: null, description: '', isDefault: false };

// Only findById is used; the rest of each repository is never called.
const entitlements = (found: EntitlementRecord | undefined) => ({ findById: () => Promise.resolve(found) }) as unknown as EntitlementRepository;
const queues = () => {
  const asked: string[] = [];
  const repository = { findById: (id: string) => (asked.push(id), Promise.resolve(id === queue.id ? queue : undefined)) } as unknown as QueueRepository;
  return { repository, asked };
};

describe('mayReadContact / mayReadAccount', () => {
  it('staff read any contact and account', () => {
    for (const role of STAFF) {
      expect(mayReadContact(actor(role), 'other')).toBe(true);
      expect(mayReadAccount(actor(role), 'other')).toBe(true);
    }
  });

  it('a customer reads only their own contact and account', () => {
    expect(mayReadContact(actor('customer'), 'c1')).toBe(true);
    expect(mayReadContact(actor('customer'), 'c2')).toBe(false);
    expect(mayReadAccount(actor('customer'), 'a1')).toBe(true);
    expect(mayReadAccount(actor('customer'), 'a2')).toBe(false);
  });

  it('an operator reads neither, even with matching ids', () => {
    expect(mayReadContact(actor('operator'), 'c1')).toBe(false);
    expect(mayReadAccount(actor('operator'), 'a1')).toBe(false);
  });
});

describe('mayReadEntitlement', () => {
  it('a contact\'s entitlement: that contact', () => {
    expect(mayReadEntitlement(actor('customer'), entitlement({ type: 'contact', id: 'c1' }))).toBe(true);
    expect(mayReadEntitlement(actor('customer', { contactId: 'c2' }), entitlement({ type: 'contact', id: 'c1' }))).toBe(false);
    // Not the account with the same id as the contact.
    expect(mayReadEntitlement(actor('customer', { contactId: 'x', accountId: 'c1' }), entitlement({ type: 'contact', id: 'c1' }))).toBe(false);
  });

  it('an account\'s entitlement: that account\'s customers', () => {
    expect(mayReadEntitlement(actor('customer'), entitlement({ type: 'account', id: 'a1' }))).toBe(true);
    expect(mayReadEntitlement(actor('customer', { accountId: 'a2', contactId: 'a1' }), entitlement({ type: 'account', id: 'a1' }))).toBe(false);
  });

  it('staff: all', () => {
    expect(mayReadEntitlement(actor('agent', { contactId: null, accountId: null }), entitlement({ type: 'account', id: 'a9' }))).toBe(true);
  });
});

describe('mayWorkQueue', () => {
  it('supervisors and administrators: every queue', () => {
    expect(mayWorkQueue(actor('supervisor', { queueIds: [] }), 'q9')).toBe(true);
    expect(mayWorkQueue(actor('admin', { queueIds: [] }), 'q9')).toBe(true);
  });

  it('an agent: the queues they belong to', () => {
    expect(mayWorkQueue(actor('agent'), 'q1')).toBe(true);
    expect(mayWorkQueue(actor('agent'), 'q2')).toBe(false);
  });

  it('customers and operators: none, whatever their queue ids', () => {
    expect(mayWorkQueue(actor('customer'), 'q1')).toBe(false);
    expect(mayWorkQueue(actor('operator'), 'q1')).toBe(false);
  });
});

describe('visibleEntitlement', () => {
  it('is the entitlement the caller may read', async () => {
    const own = entitlement({ type: 'contact', id: 'c1' });
    await expect(visibleEntitlement(entitlements(own), actor('customer'), 'e1')).resolves.toBe(own);
  });

  it('answers one the caller may not read exactly as an unknown id', async () => {
    const others = entitlement({ type: 'contact', id: 'c2' });
    await expect(visibleEntitlement(entitlements(others), actor('customer'), 'e1')).rejects.toThrow(new NotFoundError('entitlement e1 not found'));
    await expect(visibleEntitlement(entitlements(undefined), actor('customer'), 'e1')).rejects.toThrow(new NotFoundError('entitlement e1 not found'));
    await expect(visibleEntitlement(entitlements(undefined), actor('customer'), 'e1')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('visibleQueue', () => {
  it('is the queue the caller works', async () => {
    const { repository } = queues();
    await expect(visibleQueue(repository, actor('agent'), 'q1')).resolves.toBe(queue);
  });

  it('answers another queue as unknown without looking it up', async () => {
    const { repository, asked } = queues();
    await expect(visibleQueue(repository, actor('agent', { queueIds: ['q2'] }), 'q1')).rejects.toThrow(new NotFoundError('queue q1 not found'));
    expect(asked).toEqual([]);
  });

  it('answers an unknown queue as not found', async () => {
    const { repository, asked } = queues();
    const run = visibleQueue(repository, actor('supervisor'), 'q9');
    await expect(run).rejects.toBeInstanceOf(NotFoundError);
    await expect(run).rejects.toThrow('queue q9 not found');
    expect(asked).toEqual(['q9']);
  });
});

describe('requireManager', () => {
  it('lets supervisors and administrators through', () => {
    expect(() => requireManager(actor('supervisor'))).not.toThrow();
    expect(() => requireManager(actor('admin'))).not.toThrow();
  });

  it('refuses anyone else with 403', () => {
    for (const role of ['customer', 'agent', 'operator'] as const) {
      expect(() => requireManager(actor(role))).toThrow(new ForbiddenError('routing rules are for supervisors and administrators'));
      expect(() => requireManager(actor(role))).toThrow(ForbiddenError);
    }
  });
});
