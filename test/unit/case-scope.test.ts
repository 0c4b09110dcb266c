import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../domain/actor';
import { caseScopeFor } from '../../services/case-scope';

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
