import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/connection';
import { hashPassword } from '../../db/password-hash';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * Which cases a customer sees through the API (README, "Rows"): their own, their account's
 * (account-level cases and their colleagues' cases), and nothing of another account's; what they
 * may not see answers 404, like an unknown case.
 */

let temporal: TestWorkflowEnvironment;
let app: RunningApp;

type Json = Record<string, unknown>;

/** Two accounts of our own (Acme with two contacts, Beta with one) and a contact with no account. */
interface Customers {
  readonly acmeId: string;
  readonly betaId: string;
  readonly annContactId: string;
}

/** Case numbers, by whose case it is. */
interface Cases {
  readonly ann: string;
  readonly andy: string;
  readonly acme: string;
  readonly bea: string;
  readonly beta: string;
  readonly carl: string;
}

let customers: Customers;
let cases: Cases;
const tokens: Record<string, string> = {};

/** A customer login for a new contact, with the password the app's login() uses. */
async function addCustomer(db: Database, username: string, first: string, last: string, accountId: string | null): Promise<string> {
  const email = `${username}@${accountId ? 'customer' : 'private'}.example`;
  const [contact] = await db('contacts').insert({ account_id: accountId, first_name: first, last_name: last, email }).returning<{ id: string }[]>('id');
  await db('users').insert({ username, display_name: `${first} ${last}`, email, role: 'customer', contact_id: contact!.id, password_hash: await hashPassword('demo') });
  return contact!.id;
}

async function json(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

async function openCase(user: string, title: string, customer?: { type: 'contact' | 'account'; id: string }): Promise<string> {
  const response = await app.request('POST', '/cases', { token: tokens[user]!, body: { title, description: 'Visibility check', channel: 'web', ...(customer ? { customer } : {}) } });
  expect(response.status).toBe(201);
  return String((await json(response)).caseNumber);
}

beforeAll(async () => {
  const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = env;
  app = await startApp(temporal, 'postgres', bundle);
  const db = app.database.db;
  const [acme] = await db('accounts').insert({ name: 'Acme Visibility Ltd', tier: 'standard' }).returning<{ id: string }[]>('id');
  const [beta] = await db('accounts').insert({ name: 'Beta Visibility GmbH', tier: 'standard' }).returning<{ id: string }[]>('id');
  customers = {
    acmeId: acme!.id,
    betaId: beta!.id,
    annContactId: await addCustomer(db, 'ann', 'Ann', 'Acme', acme!.id),
  };
  await addCustomer(db, 'andy', 'Andy', 'Acme', acme!.id);
  await addCustomer(db, 'bea', 'Bea', 'Beta', beta!.id);
  await addCustomer(db, 'carl', 'Carl', 'Private', null);
  for (const user of ['ann', 'andy', 'bea', 'carl', 'sue']) tokens[user] = await app.login(user);

  cases = {
    ann: await openCase('ann', 'Ann: laptop will not boot'),
    andy: await openCase('andy', 'Andy: VPN drops'),
    // Account-level cases, opened by a supervisor for the account, not by any of its contacts.
    acme: await openCase('sue', 'Acme: office network down', { type: 'account', id: customers.acmeId }),
    bea: await openCase('bea', 'Bea: invoice question'),
    beta: await openCase('sue', 'Beta: printer fleet offline', { type: 'account', id: customers.betaId }),
    carl: await openCase('carl', 'Carl: password reset'),
  };
});

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

describe('which cases a customer sees', () => {
  async function listed(user: string, query = ''): Promise<{ numbers: string[]; total: number }> {
    const response = await app.request('GET', `/cases${query}`, { token: tokens[user]! });
    expect(response.status).toBe(200);
    const page = await json(response);
    return { numbers: (page.items as Json[]).map((c) => String(c.caseNumber)).sort(), total: page.total as number };
  }

  it('lists their own cases, their colleagues’ and their account’s, and none of another account’s', async () => {
    const acmeCases = [cases.ann, cases.andy, cases.acme].sort();
    expect(await listed('ann')).toEqual({ numbers: acmeCases, total: 3 });
    expect(await listed('andy')).toEqual({ numbers: acmeCases, total: 3 });
    expect(await listed('bea')).toEqual({ numbers: [cases.bea, cases.beta].sort(), total: 2 });
    // A contact of no account sees their own cases only, no account's.
    expect(await listed('carl')).toEqual({ numbers: [cases.carl], total: 1 });
    // Naming another account as the customer filter finds nothing either.
    expect(await listed('ann', `?customerId=${customers.betaId}`)).toEqual({ numbers: [], total: 0 });
    expect(await listed('ann', `?customerId=${customers.acmeId}`)).toEqual({ numbers: [cases.acme], total: 1 });
  });

  it('opens their account’s account-level case, and answers 404 for another account’s as for an unknown case', async () => {
    const get = (user: string, caseNumber: string) => app.request('GET', `/cases/${caseNumber}`, { token: tokens[user]! });
    const own = await get('ann', cases.acme);
    expect(own.status).toBe(200);
    expect(await json(own)).toMatchObject({ caseNumber: cases.acme, title: 'Acme: office network down', customer: { type: 'account', id: customers.acmeId } });
    const colleagues = await get('ann', cases.andy);
    expect(colleagues.status).toBe(200);
    expect(await json(colleagues)).toMatchObject({ caseNumber: cases.andy });

    const unknown = await json(await get('ann', 'CAS-99999'));
    for (const [user, caseNumber] of [['ann', cases.beta], ['ann', cases.bea], ['bea', cases.acme], ['carl', cases.acme], ['carl', cases.beta]] as const) {
      const hidden = await get(user, caseNumber);
      expect({ user, caseNumber, status: hidden.status }).toEqual({ user, caseNumber, status: 404 });
      expect(String((await json(hidden)).detail).replace(caseNumber, 'X')).toBe(String(unknown.detail).replace('CAS-99999', 'X'));
    }
  });

  it('counts on the customer records only what the customer may see', async () => {
    const account = await app.request('GET', `/accounts/${customers.acmeId}`, { token: tokens.ann! });
    expect(account.status).toBe(200);
    expect((await json(account)).cases).toEqual({ open: 3, resolved: 0 });
    const contact = await app.request('GET', `/contacts/${customers.annContactId}`, { token: tokens.ann! });
    expect(contact.status).toBe(200);
    expect((await json(contact)).cases).toEqual({ open: 1, resolved: 0 });
    expect((await app.request('GET', `/accounts/${customers.betaId}`, { token: tokens.ann! })).status).toBe(404);
  });
});
