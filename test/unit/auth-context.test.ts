import type { Request } from 'restify';
import { describe, expect, it } from 'vitest';
import { actorOf, actorWithRole } from '../../api/auth-context';
import type { Actor, Role } from '../../domain/actor';
import { ForbiddenError, UnauthorizedError } from '../../services/errors';

const actor = (role: Role): Actor => ({ userId: 'u1', role, displayName: role, queueIds: [], contactId: null, accountId: null });
const request = (who?: Actor): Request => ({ actor: who }) as unknown as Request;

describe('actorOf', () => {
  it('is the authenticated caller', () => {
    const agent = actor('agent');
    expect(actorOf(request(agent))).toBe(agent);
  });

  it('answers 401 (UnauthorizedError) without one, saying how to sign in', () => {
    expect(() => actorOf(request())).toThrow(UnauthorizedError);
    expect(() => actorOf(request())).toThrow('sign in: send "Authorization: Bearer <token>" (POST /auth/token)');
  });
});

describe('actorWithRole', () => {
  it('is the caller when their role is one of those allowed', () => {
    const supervisor = actor('supervisor');
    expect(actorWithRole(request(supervisor), ['agent', 'supervisor'])).toBe(supervisor);
  });

  it('answers 403 (ForbiddenError) naming the allowed roles and the caller\'s', () => {
    const run = () => actorWithRole(request(actor('customer')), ['agent', 'supervisor']);
    expect(run).toThrow(ForbiddenError);
    expect(run).toThrow('this needs the role agent or supervisor (you are customer)');
  });

  it('answers 401 before any role check without a caller', () => {
    expect(() => actorWithRole(request(), ['customer'])).toThrow(UnauthorizedError);
  });
});
