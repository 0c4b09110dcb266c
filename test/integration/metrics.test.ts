import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseProblemRepository } from '../../db/repositories/case-problem.repository';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let app: RunningApp;

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  app = await startApp(temporal, 'pglite', bundle);
});

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

const gauge = (text: string): number => Number(/^caseflow_cases_needing_attention (\d+)$/m.exec(text)?.[1]);

describe('GET /metrics (Prometheus text format)', () => {
  it('counts the cases needing attention, as the operators’ list does', async () => {
    const before = await app.request('GET', '/metrics');
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await before.text();
    expect(text).toContain('# TYPE caseflow_cases_needing_attention gauge');
    expect(gauge(text)).toBe(0);

    const problems = createCaseProblemRepository(app.database.db);
    await problems.report('CAS-09001', 'retrying recordKpiInstance', 'attempt 5 failed: connection refused');
    await problems.report('CAS-09001', 'kpi', 'invalid byte sequence');
    await problems.report('CAS-09002', 'record', 'invalid byte sequence');
    expect(gauge(await (await app.request('GET', '/metrics')).text())).toBe(2);

    await problems.clear('CAS-09002', 'record');
    expect(gauge(await (await app.request('GET', '/metrics')).text())).toBe(1);
  });

  it('is for operators: a customer’s or an agent’s token is refused', async () => {
    for (const user of ['alice', 'gina']) {
      const response = await app.request('GET', '/metrics', { token: await app.login(user) });
      expect(response.status, user).toBe(403);
      expect(await response.text()).not.toContain('caseflow_');
    }
    expect((await app.request('GET', '/metrics', { token: await app.login('adam') })).status).toBe(200);
  });
});
