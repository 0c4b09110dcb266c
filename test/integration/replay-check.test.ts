import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../app/replay';
import { createReplayCheck } from '../../services/replay-check';
import { bundleCaseWorkflows, silentBundlerLogger } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let app: RunningApp;
let adam: string;
let caseNumber: string;

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  app = await startApp(temporal, 'pglite', bundle);
  adam = await app.login('adam');
  const alice = await app.login('alice');
  const opened = await app.request('POST', '/cases', { token: alice, body: { title: 'Printer offline', channel: 'web' } });
  expect(opened.status).toBe(201);
  caseNumber = ((await opened.json()) as { caseNumber: string }).caseNumber;
  expect((await app.request('POST', `/cases/${caseNumber}/accept`, { token: await app.login('gina') })).status).toBe(200);
});

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

type Verdicts = { items: { caseNumber: string; ok: boolean; problem?: string }[] };

describe('the replay check', () => {
  it('replays a live case against the current code: ok, for one case and for every open case', async () => {
    const one = await app.request('GET', `/operations/replay-check?case=${caseNumber}`, { token: adam });
    expect(one.status).toBe(200);
    expect(((await one.json()) as Verdicts).items).toEqual([expect.objectContaining({ caseNumber, ok: true })]);

    const open = (await (await app.request('GET', '/operations/replay-check', { token: adam })).json()) as Verdicts;
    expect(open.items.find((v) => v.caseNumber === caseNumber)).toMatchObject({ ok: true });
  });

  it("checks one case from its own route (the desk's button): its verdict, 404 for a case nobody has, operators only", async () => {
    const checked = await app.request('POST', `/cases/${caseNumber}/replay-check`, { token: adam });
    expect(checked.status).toBe(200);
    expect(await checked.json()).toMatchObject({ caseNumber, workflowId: `case-${caseNumber}`, ok: true, runId: expect.stringMatching(/.+/) as unknown });
    expect((await app.request('POST', '/cases/CAS-99999/replay-check', { token: adam })).status).toBe(404);
    expect((await app.request('POST', `/cases/${caseNumber}/replay-check`, { token: await app.login('gina') })).status).toBe(403);
  });

  it('flags the nondeterminism a changed workflow would meet', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: join(import.meta.dirname, '../replay/changed-workflow'), logger: silentBundlerLogger() });
    const check = createReplayCheck({ temporal: app.client, workflowBundle: () => Promise.resolve({ code }) });
    const [verdict] = await check.cases([caseNumber]);
    expect(verdict).toMatchObject({ caseNumber, ok: false });
    expect(verdict?.problem).toMatch(/nondetermin/i);
  });

  it('says when a case has no workflow, and is for operators only', async () => {
    const missing = (await (await app.request('GET', '/operations/replay-check?case=CAS-99999', { token: adam })).json()) as Verdicts;
    expect(missing.items).toHaveLength(1);
    expect(missing.items[0]).toMatchObject({ caseNumber: 'CAS-99999', ok: false });
    expect(missing.items[0]?.problem).toContain('no workflow');
    expect((await app.request('GET', `/operations/replay-check?case=${caseNumber}`, { token: await app.login('gina') })).status).toBe(403);
    expect((await app.request('GET', '/operations/replay-check?case=nonsense', { token: adam })).status).toBe(422);
  });

  it('npm run replay prints one line per case and exits 0, 1 or 2', async () => {
    const env = { NODE_ENV: 'test', DATA_DIR: '/tmp/caseflow-test-data', TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: app.client.options.namespace };
    const lines: string[] = [];
    expect(await runReplay(env, ['--case', caseNumber], (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${caseNumber}  ok  \\(run `)), '1 case(s) replayed: 1 ok, 0 not']);

    lines.length = 0;
    expect(await runReplay(env, ['--case', caseNumber, '--case', 'CAS-99999'], (line) => lines.push(line))).toBe(1);
    expect(lines.at(-1)).toBe('2 case(s) replayed: 1 ok, 1 not');

    lines.length = 0;
    expect(await runReplay(env, [], (line) => lines.push(line))).toBe(2);
    expect(lines).toEqual(['replay: say which cases: --case CAS-01000 (repeatable) or --open (every open case)']);
  });
});
