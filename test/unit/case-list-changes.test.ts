import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../domain/actor';
import type { CaseChange } from '../../db/repositories/case.repository';
import { createCaseListChanges } from '../../services/case-list-changes';

const actor = (role: Role, extra: Partial<Actor> = {}): Actor => ({ userId: `${role}-1`, role, displayName: role, queueIds: [], contactId: null, accountId: null, ...extra });
const gina = actor('agent', { userId: 'gina', queueIds: ['gold'] });
const sam = actor('agent', { userId: 'sam', queueIds: ['standard'] });
const sue = actor('supervisor');
const alice = actor('customer', { contactId: 'alice', accountId: 'contoso' });
const bob = actor('customer', { contactId: 'bob', accountId: null });

const change = (caseNumber: string, version: number, facts: Partial<CaseChange> = {}): CaseChange => ({
  caseNumber,
  version,
  queueId: 'gold',
  ownerUserId: null,
  customerContactId: 'alice',
  customerAccountId: null,
  contactAccountId: 'contoso',
  ...facts,
});

/** A hub over a read model the test writes; `heard` collects what each listener was told. */
function hub() {
  let rows: CaseChange[] = [];
  const changes = createCaseListChanges({ recentlyChanged: () => Promise.resolve(rows) }, { pollMs: 3_600_000 });
  const heard = new Map<string, string[][]>();
  const listen = (name: string, who: Actor) => {
    heard.set(name, []);
    return changes.subscribe(who, (numbers) => heard.get(name)!.push([...numbers]));
  };
  return { changes, heard, listen, write: (next: CaseChange[]) => (rows = next) };
}

describe('case list changes (GET /cases/events)', () => {
  it('tells each listener only of the changed cases its caller may see', async () => {
    const { changes, heard, listen, write } = hub();
    write([change('CAS-1', 1)]);
    const stops = [listen('gina', gina), listen('sam', sam), listen('sue', sue), listen('alice', alice), listen('bob', bob)];
    await changes.look(); // the first look only learns what is there
    write([change('CAS-1', 2, { ownerUserId: 'gina' }), change('CAS-2', 1, { queueId: 'standard', customerContactId: 'bob', contactAccountId: null })]);
    await changes.look();
    expect(Object.fromEntries(heard)).toEqual({ gina: [['CAS-1']], sam: [['CAS-2']], sue: [['CAS-1', 'CAS-2']], alice: [['CAS-1']], bob: [['CAS-2']] });
    stops.forEach((stop) => stop());
  });

  it('says nothing while no version moved, and once per new version', async () => {
    const { changes, heard, listen, write } = hub();
    write([change('CAS-1', 1)]);
    const stop = listen('sue', sue);
    await changes.look();
    await changes.look();
    expect(heard.get('sue')).toEqual([]);
    write([change('CAS-1', 2)]);
    await changes.look();
    await changes.look();
    expect(heard.get('sue')).toEqual([['CAS-1']]);
    stop();
  });

  it('tells an agent when a case leaves their queues (transferred away), but not those who never saw it', async () => {
    const { changes, heard, listen, write } = hub();
    write([change('CAS-1', 1, { queueId: 'gold' })]);
    const stops = [listen('gina', gina), listen('sam', sam)];
    await changes.look();
    write([change('CAS-1', 2, { queueId: 'elsewhere' })]);
    await changes.look();
    expect(heard.get('gina')).toEqual([['CAS-1']]);
    expect(heard.get('sam')).toEqual([]);
    stops.forEach((stop) => stop());
  });

  it('keeps looking after a failed look, and stops looking when the last listener leaves', async () => {
    let calls = 0;
    let fail = true;
    const warnings: string[] = [];
    const changes = createCaseListChanges(
      {
        recentlyChanged: () => {
          calls++;
          return fail ? Promise.reject(new Error('database away')) : Promise.resolve([change('CAS-1', calls)]);
        },
        logger: { warn: (_o, message) => warnings.push(message) },
      },
      { pollMs: 20 },
    );
    const heard: string[][] = [];
    const stop = changes.subscribe(sue, (numbers) => heard.push([...numbers]));
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect(warnings.length).toBeGreaterThan(0);
    fail = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard.length).toBeGreaterThan(0);
    stop();
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls).toBe(after);
  });
});
