import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/process/config';
import { registerCaseSearchAttributes, registrationCommand } from '../../app/temporal/search-attributes';
import type { CaseContext } from '../../domain/case-context';
import { DEFAULT_CASE_SETTINGS, openCaseState, type CaseState } from '../../workflows/case-state';
import { CASE_SEARCH_ATTRIBUTES, CaseSearchIndex, caseSearchValues } from '../../workflows/search-attributes';

/**
 * The case's search attributes: what they hold, that the workflow upserts only what changed (each
 * upsert is an event in the case's history), and how registration reports a server that refuses.
 */

const context: CaseContext = {
  customer: { contactId: 'contact-alice', accountId: 'account-contoso', displayName: 'Alice', email: null, tier: 'gold' },
  entitlements: [],
  routingRules: [],
  defaultQueueId: 'queue-gold',
  slaPolicies: [
    {
      id: 'sla',
      name: 'Default',
      appliesWhenNoEntitlement: true,
      calendar: null,
      pauseOn: ['on_hold'],
      kpis: [{ kpi: 'first_response', priority: null, customerTier: null, warnAfterMinutes: 10, failAfterMinutes: 15 }],
    },
  ],
  today: '2030-03-04',
};

function newCase(): CaseState {
  return openCaseState(
    {
      caseNumber: 'CAS-01042',
      requestId: 'request-1',
      title: 'Printer offline',
      description: 'Since this morning',
      customer: { type: 'contact', id: 'contact-alice' },
      channel: 'email',
      priority: 'normal',
      productId: null,
      subject: null,
      openedByUserId: null,
    },
    context,
    DEFAULT_CASE_SETTINGS,
    '2030-03-04T09:00:00.000Z',
  );
}

/** The upserts a CaseSearchIndex makes, as name → value maps. */
function recordingIndex() {
  const upserts: Record<string, unknown>[] = [];
  const index = new CaseSearchIndex((updates) => {
    if (!Array.isArray(updates)) throw new Error('expected the typed form');
    upserts.push(Object.fromEntries(updates.map(({ key, value }) => [key.name, value])));
  });
  return { index, upserts };
}

describe('the case search attributes', () => {
  it('hold the case number, status, queue, priority, SLA state, customer and owner; empty when absent', () => {
    const s = newCase();
    expect(caseSearchValues(s)).toEqual({
      CaseNumber: 'CAS-01042',
      CaseStatus: 'active',
      CaseQueue: 'queue-gold',
      CasePriority: 'normal',
      SlaState: 'in_progress',
      CaseCustomer: 'contact-alice',
      CaseOwner: '',
    });
    s.queueId = null;
    s.kpis = [];
    expect(caseSearchValues(s)).toMatchObject({ CaseQueue: '', SlaState: '' });
  });

  it('are upserted all at once at opening, then only the ones that changed, and not at all when nothing did', () => {
    const s = newCase();
    const { index, upserts } = recordingIndex();
    index.sync(s);
    expect(Object.keys(upserts[0]!).sort()).toEqual([...CASE_SEARCH_ATTRIBUTES].sort());
    index.sync(s);
    s.version += 1; // a change that touches none of them (a note, a step) upserts nothing
    index.sync(s);
    s.ownerUserId = 'gina';
    index.sync(s);
    s.status = 'on_hold';
    s.priority = 'high';
    index.sync(s);
    s.status = 'active';
    s.ownerUserId = null;
    index.sync(s);
    expect(upserts).toEqual([upserts[0], { CaseOwner: 'gina' }, { CaseStatus: 'on_hold', CasePriority: 'high' }, { CaseStatus: 'active', CaseOwner: '' }]);
  });

  it('are off unless the case is started saying the namespace has them', () => {
    expect(DEFAULT_CASE_SETTINGS.searchAttributes).toBe(false);
    const env = { NODE_ENV: 'test', DATA_DIR: '/tmp/caseflow-test-data' };
    expect(loadConfig(env).caseSettings.searchAttributes).toBe(true);
    expect(loadConfig({ ...env, TEMPORAL_SEARCH_ATTRIBUTES: 'false' }).caseSettings.searchAttributes).toBe(false);
    expect(() => loadConfig({ ...env, TEMPORAL_SEARCH_ATTRIBUTES: 'yes' })).toThrow(/TEMPORAL_SEARCH_ATTRIBUTES .*\(got 'yes'\)/);
  });

  it('are registered by docker-compose, every one of them, as Keyword', () => {
    const compose = readFileSync(join(import.meta.dirname, '../../docker-compose.yml'), 'utf8');
    const service = compose.slice(compose.indexOf('  temporal-search-attributes:'), compose.indexOf('  # caseflow HTTP server'));
    const names = /for name in ([\w ]+);/.exec(service)?.[1]?.split(' ');
    expect(names).toEqual([...CASE_SEARCH_ATTRIBUTES]);
    expect(service).toContain('temporal operator search-attribute create --name "$$name" --type Keyword || exit 1');
    expect(registrationCommand('cases')).toBe(
      'temporal operator search-attribute create --namespace cases --name CaseNumber --name CaseStatus --name CaseQueue --name CasePriority --name SlaState --name CaseCustomer --name CaseOwner --type Keyword',
    );
  });
});

describe('registering them on a server', () => {
  const KEYWORD = 2;
  const operator = (listed: () => Record<string, number>, add: () => void) => ({
    operatorService: {
      listSearchAttributes: () => Promise.resolve({ customAttributes: listed() }),
      addSearchAttributes: () => Promise.resolve(add()),
    },
  }) as unknown as Parameters<typeof registerCaseSearchAttributes>[0];

  it('reports a refusal with what is missing, and a server that would not list them as unknown', async () => {
    const refusing = operator(() => ({ CaseNumber: KEYWORD }), () => {
      throw new Error('7 PERMISSION_DENIED: Request unauthorized.');
    });
    expect(await registerCaseSearchAttributes(refusing, 'cases')).toEqual({
      outcome: 'refused',
      missing: CASE_SEARCH_ATTRIBUTES.filter((name) => name !== 'CaseNumber'),
      reason: '7 PERMISSION_DENIED: Request unauthorized.',
    });
    const silent = operator(() => {
      throw new Error('12 UNIMPLEMENTED: ListSearchAttributes');
    }, () => undefined);
    expect(await registerCaseSearchAttributes(silent, 'cases')).toEqual({ outcome: 'unknown', reason: '12 UNIMPLEMENTED: ListSearchAttributes' });
  });

  it('takes "already exists" from a process that registered them meanwhile as present', async () => {
    let listed: Record<string, number> = {};
    const racing = operator(() => listed, () => {
      listed = Object.fromEntries(CASE_SEARCH_ATTRIBUTES.map((name) => [name, KEYWORD]));
      throw new Error('6 ALREADY_EXISTS: search attribute CaseNumber already exists');
    });
    expect(await registerCaseSearchAttributes(racing, 'cases')).toEqual({ outcome: 'present' });
  });
});
