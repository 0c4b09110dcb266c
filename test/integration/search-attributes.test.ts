import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemporalTool } from '../../app/temporal/tools';
import { DEMO } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * Operators find cases with Temporal's own tools: every case carries CaseNumber, CaseStatus,
 * CaseQueue, CasePriority, SlaState, CaseCustomer and CaseOwner as search attributes, kept current
 * as the case changes (workflows/search-attributes.ts), on a real dev server through the app.
 */

let temporal: TestWorkflowEnvironment;
let app: RunningApp;

beforeAll(async () => {
  const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = env;
  app = await startApp(temporal, 'pglite', bundle);
});

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

/** The executions a visibility query finds (visibility is eventually consistent: callers wait). */
async function listed(query: string): Promise<WorkflowExecutionInfo[]> {
  const executions: WorkflowExecutionInfo[] = [];
  for await (const execution of app.client.workflow.list({ query })) executions.push(execution);
  return executions;
}

const found = async (query: string): Promise<string[]> => (await listed(query)).map((e) => e.workflowId);

async function idOf(table: string, column: string, value: string): Promise<string> {
  return (await app.database.db(table).where({ [column]: value }).first<{ id: string }>('id')).id;
}

describe('case search attributes', () => {
  it('find an opened case by its number and status, and follow its owner, status, priority and queue', async () => {
    const [alice, gina] = [await app.login('alice'), await app.login('gina')];
    const opened = await app.request('POST', '/cases', { token: alice, body: { title: 'Printer shows offline', description: 'Since this morning', channel: 'email' } });
    expect(opened.status).toBe(201);
    const { caseNumber, workflowId } = (await opened.json()) as { caseNumber: string; workflowId?: string };
    const goldQueue = await idOf('queues', 'name', DEMO.goldQueueName);
    const aliceContact = await idOf('contacts', 'email', DEMO.goldContactEmail);
    const ginaUser = await idOf('users', 'username', 'gina');

    await eventually(() => found(`CaseStatus='active' AND CaseNumber='${caseNumber}'`), (ids) => ids.length === 1);
    const [execution] = await listed(`CaseNumber='${caseNumber}'`);
    if (workflowId !== undefined) expect(execution!.workflowId).toBe(workflowId);
    expect(execution!.searchAttributes).toMatchObject({
      CaseNumber: [caseNumber],
      CaseStatus: ['active'],
      CaseQueue: [goldQueue],
      CasePriority: ['normal'],
      CaseCustomer: [aliceContact],
      CaseOwner: [''],
    });
    expect(execution!.searchAttributes.SlaState?.[0]).toMatch(/^(in_progress|nearing_noncompliance|noncompliant)$/);

    const act = async (path: string, body: Record<string, unknown> = {}) => {
      const response = await app.request('POST', `/cases/${caseNumber}/${path}`, { token: gina, body });
      expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    };
    await act('accept');
    await act('hold', { status: 'on_hold', reason: 'Waiting for a spare part' });
    await act('priority', { priority: 'high' });
    await eventually(() => found(`CaseNumber='${caseNumber}' AND CaseStatus='on_hold' AND CaseOwner='${ginaUser}' AND CasePriority='high'`), (ids) => ids.length === 1);
    expect(await found(`CaseNumber='${caseNumber}' AND CaseStatus='active'`)).toEqual([]);

    const standardQueue = await idOf('queues', 'name', DEMO.standardQueueName);
    await act('resume');
    await act('transfer', { queueId: standardQueue });
    await eventually(() => found(`CaseNumber='${caseNumber}' AND CaseStatus='active' AND CaseQueue='${standardQueue}' AND CaseOwner=''`), (ids) => ids.length === 1);
    expect(await found(`CaseNumber='${caseNumber}' AND CaseQueue='${goldQueue}'`)).toEqual([]);

    // The same query from the Temporal CLI, as an operator would type it.
    const { stdout } = await promisify(execFile)(findTemporalTool('temporal'), [
      'workflow', 'list',
      '--address', temporal.address,
      '--namespace', app.config.temporal.namespace,
      '--query', `CaseNumber='${caseNumber}' AND CaseQueue='${standardQueue}'`,
      '--output', 'json',
    ]);
    const fromCli = JSON.parse(stdout) as { execution: { workflowId: string } }[];
    expect(fromCli.map((w) => w.execution.workflowId)).toEqual([execution!.workflowId]);
  });
});
