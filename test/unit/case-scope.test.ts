import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../domain/actor';
import { caseScopeFor, isInScope } from '../../services/case-scope';

const actor = (role: Role): Actor => ({ userId: 'u1', role, displayName: role, queueIds: ['q1', 'q2'], contactId: 'c1', accountId: 'a1' });

describe('caseScopeFor (which cases a caller sees)', () => {
  it('a customer: their contact\'s and their account\'s', () => {
    expect(caseScopeFor(actor('customer'))).toEqual({ kind: 'customer', contactId: 'c1', accountId: 'a1' });
  });

  it('an agent: their queues\' and their own', () => {
    expect(caseScopeFor(actor('agent'))).toEqual({ kind: 'agent', userId: 'u1', queueIds: ['q1', 'q2'] });
  });

  it.each<Role>(['supervisor', 'admin', 'operator'])('%s: all', (role) => {
    expect(caseScopeFor(actor(role))).toEqual({ kind: 'all' });
  });
});

describe('isInScope (the same rule in memory, for the live lists)', () => {
  const facts = { queueId: 'q1', ownerUserId: 'u9', customerContactId: 'c9', customerAccountId: null, contactAccountId: 'a9' };
  it('an agent sees the cases of their queues and their own, not the others', () => {
    const scope = caseScopeFor(actor('agent'));
    expect(isInScope(scope, facts)).toBe(true);
    expect(isInScope(scope, { ...facts, queueId: 'q3' })).toBe(false);
    expect(isInScope(scope, { ...facts, queueId: 'q3', ownerUserId: 'u1' })).toBe(true);
    expect(isInScope(scope, { ...facts, queueId: null })).toBe(false);
  });

  it("a customer sees their contact's cases and their account's (directly, or through its contacts)", () => {
    const scope = caseScopeFor(actor('customer'));
    expect(isInScope(scope, facts)).toBe(false);
    expect(isInScope(scope, { ...facts, customerContactId: 'c1' })).toBe(true);
    expect(isInScope(scope, { ...facts, customerContactId: null, customerAccountId: 'a1' })).toBe(true);
    expect(isInScope(scope, { ...facts, contactAccountId: 'a1' })).toBe(true);
    expect(isInScope({ kind: 'customer', contactId: null, accountId: null }, { ...facts, customerContactId: null, contactAccountId: null })).toBe(false);
  });

  it.each<Role>(['supervisor', 'admin', 'operator'])('%s: every case', (role) => {
    expect(isInScope(caseScopeFor(actor(role)), facts)).toBe(true);
  });
});
