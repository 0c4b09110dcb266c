import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../app/reconcile';
import { createReconciliationRepository } from '../../db/repositories/reconciliation.repository';
import { DEMO } from '../../db/seeds/demo';
import { reconcile, temporalCaseWorkflows, type ReconciliationReport } from '../../services/reconciliation';
import { bundleCaseWorkflows } from '../support/case-harness';
import { databaseKinds } from '../support/databases';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * npm run reconcile: the records against the case workflows. A clean installation matches; every
 * kind of mismatch the reconciliation knows, injected into the records or Temporal, is reported
 * naming the case, and the command exits non-zero.
 */
let temporal: TestWorkflowEnvironment;
let bundle: { code: string };

beforeAll(async () => {
  const [env, built] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = env;
  bundle = built;
});

afterAll(async () => {
  await temporal?.teardown();
});

describe.each(databaseKinds)('reconcile on %s', (kind) => {
  let app: RunningApp;
  let alice: string;
  let gina: string;

  beforeAll(async () => {
    app = await startApp(temporal, kind, bundle);
    [alice, gina] = await Promise.all([app.login('alice'), app.login('gina')]);
  });

  afterAll(async () => {
    await app?.stop();
  });

  const check = (options: { graceMs?: number; now?: Date } = {}): Promise<ReconciliationReport> =>
    reconcile({ records: createReconciliationRepository(app.database.db), workflows: temporalCaseWorkflows(app.client) }, options);

  async function act(token: string, path: string, body: unknown = {}): Promise<Record<string, unknown>> {
    const response = await app.request('POST', path, { token, body, headers: { 'idempotency-key': randomUUID() } });
    if (response.status >= 300) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  /** A case opened, worked and resolved through the API, as the soak does it. */
  async function resolvedCase(): Promise<{ caseNumber: string; caseId: string }> {
    const opened = await act(alice, '/cases', { title: 'Printer offline', channel: 'web' });
    const caseNumber = String(opened.caseNumber);
    const product = await app.database.db('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id');
    const article = await app.database.db('knowledge_articles').where({ article_number: 'KA-01002' }).first<{ id: string }>('id');
    await act(gina, `/cases/${caseNumber}/accept`);
    await act(gina, `/cases/${caseNumber}/steps/customer_confirmed/complete`);
    await act(gina, `/cases/${caseNumber}/details`, { productId: product.id, subject: 'Printing' });
    await act(gina, `/cases/${caseNumber}/stage/advance`);
    await act(gina, `/cases/${caseNumber}/articles`, { articleId: article.id, sendToCustomer: true });
    await act(gina, `/cases/${caseNumber}/stage/advance`);
    const resolved = await act(gina, `/cases/${caseNumber}/resolve`, { resolutionText: 'Restarted the spooler', resolutionType: 'problem_solved' });
    expect(resolved.status).toBe('resolved');
    return { caseNumber, caseId: String(opened.id) };
  }

  let resolved: { caseNumber: string; caseId: string };
  let originalUsageId: string;

  it('a clean installation matches: every check compared something, nothing is missing or doubled', async () => {
    resolved = await resolvedCase();
    await act(alice, '/cases', { title: 'Still open', channel: 'web' });
    // Grace 0: nothing unfinished is excused; the survey is written before the resolve answers.
    const report = await check({ graceMs: 0 });
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    const byName = Object.fromEntries(report.checks.map((c) => [c.check, c]));
    expect(byName['reserved numbers']).toMatchObject({ compared: 2, matched: 2 });
    expect(byName['case rows']).toMatchObject({ compared: 2, matched: 2 });
    expect(byName['case workflows']).toMatchObject({ compared: 2, matched: 2 });
    expect(byName['resolution activities']).toMatchObject({ compared: 1, matched: 1 });
    expect(byName['entitlement usages']).toMatchObject({ compared: 1, matched: 1 });
    expect(byName.surveys).toMatchObject({ compared: 1, matched: 1 });
  });

  it('a number reserved a moment ago with nothing behind it yet is in flight, not a mismatch', async () => {
    await app.database.db('case_requests').insert({ request_id: `fresh-${randomUUID()}`, case_number: 'CAS-09980' });
    const report = await check();
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.check === 'reserved numbers')?.inFlight).toBe(1);
    // The same reservation judged ten minutes later is a lost request.
    const later = await check({ now: new Date(Date.now() + 10 * 60_000) });
    expect(later.mismatches).toEqual([expect.objectContaining({ check: 'reserved numbers', caseNumber: 'CAS-09980' })]);
    await app.database.db('case_requests').where({ case_number: 'CAS-09980' }).delete();
  });

  it('reports each injected mismatch naming the case', async () => {
    const db = app.database.db;
    const original = await db('entitlement_usages').where({ case_id: resolved.caseId }).first<{ id: string }>('id');
    originalUsageId = original.id;
    // A number reserved ten minutes ago whose request never started a workflow.
    await db('case_requests').insert({ request_id: `lost-${randomUUID()}`, case_number: 'CAS-09990', created_at: db.raw("now() - interval '10 minutes'") });
    // A usage for an episode that was never resolved (a second charge of the same case).
    await db('entitlement_usages').insert({ entitlement_id: DEMO.goldEntitlementId, case_id: resolved.caseId, resolution_episode: 2, terms_used: 1 });
    // A true duplicate of the resolution's usage: only possible without the unique key, dropped in this test's own database.
    await db.raw('alter table entitlement_usages drop constraint entitlement_usages_case_episode_unique');
    await db('entitlement_usages').insert({ entitlement_id: DEMO.goldEntitlementId, case_id: resolved.caseId, resolution_episode: 1, terms_used: 1 });
    // A row with no workflow behind it.
    await db.raw(
      `insert into cases (case_number, workflow_id, request_id, title, customer_contact_id, customer_account_id, channel, status, stage, version, is_entitled)
       select 'CAS-09991', 'case-CAS-09991', 'copied-' || request_id, title, customer_contact_id, customer_account_id, channel, 'active', 'identify', 1, false
         from cases where case_number = ?`,
      [resolved.caseNumber],
    );
    await db('case_requests').insert({ request_id: `copied-${randomUUID()}`, case_number: 'CAS-09991' });
    // A case workflow that never wrote its row: nobody polls its task queue.
    const stray = await app.client.workflow.start('caseWorkflow', { workflowId: 'case-CAS-09992', taskQueue: `nobody-${randomUUID()}`, args: [{ kind: 'open' }] });

    try {
      const report = await check({ graceMs: 0 });
      const found = report.mismatches.map((m) => `${m.check} ${m.caseNumber ?? '-'}: ${m.problem}`);
      expect(found).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^reserved numbers CAS-09990: .*no workflow and no row/),
          expect.stringMatching(new RegExp(`^entitlement usages ${resolved.caseNumber}: a usage for episode 2, which was never resolved`)),
          expect.stringMatching(new RegExp(`^entitlement usages ${resolved.caseNumber}: 2 usages for episode 1`)),
          expect.stringMatching(/^case rows CAS-09991: no workflow case-CAS-09991/),
          expect.stringMatching(/^case workflows CAS-09992: .*has no case row/),
        ]),
      );
      expect(found).toHaveLength(5);
      expect(report.ok).toBe(false);

      if (app.database.target.kind === 'postgres') {
        // The command itself, configured as the app is: the table, every mismatch, exit status 1.
        const url = new URL(app.database.target.url);
        url.searchParams.set('options', `-c search_path=${app.database.target.schema ?? 'public'}`);
        const printed: string[] = [];
        const run = await runReconcile(
          { DATABASE_URL: url.toString(), TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: app.config.temporal.namespace },
          ['--grace-minutes', '0'],
          (text) => printed.push(text),
        );
        expect(run.exitCode).toBe(1);
        const output = printed.join('\n');
        expect(output).toMatch(/entitlement usages\s+\d+\s+\d+\s+0\s+2/);
        expect(output).toContain('5 mismatch(es):');
        expect(output).toContain('[case rows] CAS-09991: no workflow case-CAS-09991');
      }
    } finally {
      await stray.terminate('test over');
    }
  });

  it('the command exits 0 on a clean state and 2 when it cannot run', async () => {
    if (app.database.target.kind !== 'postgres') return;
    const db = app.database.db;
    await db('cases').where({ case_number: 'CAS-09991' }).delete();
    await db('case_requests').whereIn('case_number', ['CAS-09990', 'CAS-09991']).delete();
    await db('entitlement_usages').where({ case_id: resolved.caseId }).whereNot({ id: originalUsageId }).delete();
    const url = new URL(app.database.target.url);
    url.searchParams.set('options', `-c search_path=${app.database.target.schema ?? 'public'}`);
    const env = { DATABASE_URL: url.toString(), TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: app.config.temporal.namespace };
    const printed: string[] = [];
    // The terminated stray workflow has no row: judged with the default grace it is a minute old at most, in flight.
    const clean = await runReconcile(env, [], (text) => printed.push(text));
    expect(printed.join('\n')).toContain('OK: records and workflows match');
    expect(clean.exitCode).toBe(0);
    const unreachable = await runReconcile({ ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, [], (text) => printed.push(text));
    expect(unreachable.exitCode).toBe(2);
    expect(printed.at(-1)).toMatch(/^reconcile: Cannot reach Temporal at 127\.0\.0\.1:1/);
  });
});
