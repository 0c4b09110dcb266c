import { describe, expect, it } from 'vitest';
import { isManager, isStaff, isStaffRole, MANAGER_ROLES, OPERATOR_ROLES, ROLES, STAFF_ROLES, type Actor, type Role } from '../../domain/actor';

const actor = (role: Role): Actor => ({ userId: `u-${role}`, role, displayName: role, queueIds: [], contactId: null, accountId: null });

describe('roles', () => {
  it('are the five roles, in this order', () => {
    expect(ROLES).toEqual(['customer', 'agent', 'supervisor', 'admin', 'operator']);
  });

  it('staff work cases, managers assign and yank, operators inspect histories', () => {
    expect(STAFF_ROLES).toEqual(['agent', 'supervisor', 'admin']);
    expect(MANAGER_ROLES).toEqual(['supervisor', 'admin']);
    expect(OPERATOR_ROLES).toEqual(['operator', 'supervisor', 'admin']);
  });

  it.each<[Role, boolean, boolean]>([
    ['customer', false, false],
    ['agent', true, false],
    ['supervisor', true, true],
    ['admin', true, true],
    ['operator', false, false],
  ])('%s: staff %s, manager %s', (role, staff, manager) => {
    expect(isStaff(actor(role))).toBe(staff);
    expect(isStaffRole(role)).toBe(staff);
    expect(isManager(actor(role))).toBe(manager);
  });

  it('isStaffRole refuses any other string', () => {
    expect(isStaffRole('')).toBe(false);
    expect(isStaffRole('Agent')).toBe(false);
  });
});
