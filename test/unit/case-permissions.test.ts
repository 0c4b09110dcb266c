import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../domain/actor';
import { canWorkCase, isCaseCustomer, isOwner, isQueueMember, type CaseAccessFacts } from '../../domain/case-permissions';

const actor = (role: Role, over: Partial<Actor> = {}): Actor => ({
  userId: 'u1',
  role,
  displayName: role,
  queueIds: ['q1'],
  contactId: null,
  accountId: null,
  ...over,
});

const facts = (over: Partial<CaseAccessFacts> = {}): CaseAccessFacts => ({
  customer: { type: 'contact', id: 'c1' },
  customerAccountId: 'a1',
  queueId: 'q1',
  ownerUserId: 'u1',
  ...over,
});

describe('isCaseCustomer', () => {
  it('is the case\'s contact', () => {
    expect(isCaseCustomer(actor('customer', { contactId: 'c1' }), facts())).toBe(true);
  });

  it('is anyone of the account a contact\'s case belongs to', () => {
    expect(isCaseCustomer(actor('customer', { contactId: 'c2', accountId: 'a1' }), facts())).toBe(true);
  });

  it('is anyone of the account that is the case\'s customer', () => {
    const accountCase = facts({ customer: { type: 'account', id: 'a2' }, customerAccountId: null });
    expect(isCaseCustomer(actor('customer', { accountId: 'a2' }), accountCase)).toBe(true);
    // An account case: the account is the customer, not customerAccountId.
    expect(isCaseCustomer(actor('customer', { accountId: 'a1' }), facts({ customer: { type: 'account', id: 'a2' } }))).toBe(false);
  });

  it('an account case is not matched by a contact with the account\'s id as its contact id', () => {
    const accountCase = facts({ customer: { type: 'account', id: 'x' }, customerAccountId: null });
    expect(isCaseCustomer(actor('customer', { contactId: 'x', accountId: null }), accountCase)).toBe(false);
  });

  it('is not another contact without the account', () => {
    expect(isCaseCustomer(actor('customer', { contactId: 'c2', accountId: 'a2' }), facts())).toBe(false);
  });

  it('a case without an account does not match a customer without one', () => {
    expect(isCaseCustomer(actor('customer', { contactId: 'c2', accountId: null }), facts({ customerAccountId: null }))).toBe(false);
  });

  it('is never staff, even with the same contact or account id', () => {
    for (const role of ['agent', 'supervisor', 'admin', 'operator'] as const) {
      expect(isCaseCustomer(actor(role, { contactId: 'c1', accountId: 'a1' }), facts())).toBe(false);
    }
  });
});

describe('isQueueMember', () => {
  it('is staff in the case\'s queue', () => {
    for (const role of ['agent', 'supervisor', 'admin'] as const) expect(isQueueMember(actor(role), facts())).toBe(true);
  });

  it('is not staff of other queues', () => {
    expect(isQueueMember(actor('agent', { queueIds: ['q2'] }), facts())).toBe(false);
  });

  it('is nobody for a case without a queue', () => {
    expect(isQueueMember(actor('agent'), facts({ queueId: null }))).toBe(false);
  });

  it('is never a customer or an operator, whatever their queue ids', () => {
    expect(isQueueMember(actor('customer'), facts())).toBe(false);
    expect(isQueueMember(actor('operator'), facts())).toBe(false);
  });
});

describe('isOwner', () => {
  it('is the owning user', () => {
    expect(isOwner(actor('agent'), facts())).toBe(true);
    expect(isOwner(actor('agent', { userId: 'u2' }), facts())).toBe(false);
  });

  it('is nobody for an unowned case', () => {
    expect(isOwner(actor('agent'), facts({ ownerUserId: null }))).toBe(false);
  });
});

describe('canWorkCase', () => {
  it('the owner, an agent, may work it', () => {
    expect(canWorkCase(actor('agent'), facts())).toBe(true);
  });

  it('another agent may not, even in the queue', () => {
    expect(canWorkCase(actor('agent', { userId: 'u2' }), facts())).toBe(false);
  });

  it('supervisors and administrators may work any case', () => {
    expect(canWorkCase(actor('supervisor', { userId: 'u2' }), facts({ ownerUserId: null }))).toBe(true);
    expect(canWorkCase(actor('admin', { userId: 'u2' }), facts())).toBe(true);
  });

  it('a customer or operator may not, even recorded as owner', () => {
    expect(canWorkCase(actor('customer'), facts())).toBe(false);
    expect(canWorkCase(actor('operator'), facts())).toBe(false);
  });
});
