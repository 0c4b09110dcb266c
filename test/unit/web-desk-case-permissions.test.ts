import { describe, expect, it } from 'vitest';
import type { Role } from '../../domain/actor';
import { casePermissions } from '../../web/desk/src/features/case/case-permissions';

/** The case page shows only what the signed-in role may do, by the workflow's own rules. */
const me = (role: Role, queueIds: string[] = ['gold']) => ({ userId: 'me', role, displayName: role, queueIds, contactId: null, accountId: null });
const facts = (status: string, ownerUserId: string | null) => ({ customer: { type: 'contact' as const, id: 'c1' }, customerAccountId: null, queueId: 'gold', ownerUserId, status });
const allowed = (p: object) => Object.entries(p).filter(([, v]) => v === true).map(([k]) => k).sort();

describe('case permissions in the desk', () => {
  it('an agent of the queue: accept or reject a waiting case; work the one they own; nothing on another agent\'s', () => {
    expect(allowed(casePermissions(me('agent'), facts('active', null)))).toEqual(['accept', 'reject', 'transfer']);
    expect(allowed(casePermissions(me('agent'), facts('active', 'me')))).toEqual(['transfer', 'work']);
    expect(allowed(casePermissions(me('agent'), facts('active', 'someone')))).toEqual(['transfer']);
    expect(allowed(casePermissions(me('agent', ['standard']), facts('active', null)))).toEqual([]);
  });

  it('a supervisor: assign, take back, work any open case', () => {
    expect(allowed(casePermissions(me('supervisor', []), facts('active', 'someone')))).toEqual(['assign', 'manages', 'transfer', 'work', 'yank']);
    expect(allowed(casePermissions(me('supervisor', []), facts('waiting_for_customer', null)))).toEqual(['assign', 'manages', 'transfer', 'work']);
  });

  it('a closed case: only reopen, for its agents and supervisors', () => {
    expect(allowed(casePermissions(me('supervisor', []), facts('resolved', 'someone')))).toEqual(['manages', 'reopen']);
    expect(allowed(casePermissions(me('agent'), facts('cancelled', 'someone')))).toEqual(['reopen']);
    expect(allowed(casePermissions(me('agent', []), facts('resolved', 'someone')))).toEqual([]);
  });

  it('an operator looks and does nothing', () => {
    expect(allowed(casePermissions(me('operator'), facts('active', null)))).toEqual([]);
  });
});
