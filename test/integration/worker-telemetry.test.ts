import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../app/process/network';
import { installTemporalRuntime } from '../../app/temporal/runtime';
import { createCaseRepository } from '../../db/repositories/case.repository';
import type { CaseOpening } from '../../domain/case';
import { caseWorkflowId } from '../../domain/case-number';
import type { caseWorkflow } from '../../workflows';
import * as messages from '../../workflows/messages';
import { bundleCaseWorkflows, createCaseHarness, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { metricFamilies } from '../support/prometheus';
import { startLocalTemporal } from '../support/temporal';

/**
 * The worker as operators watch it: its own Prometheus endpoint (TEMPORAL_WORKER_METRICS_PORT)
 * and its log lines about a case, which carry the case number and the workflow id. The runtime is
 * installed once per process, before any worker, as app/main.ts and app/worker.ts do.
 */

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
let metricsUrl: string;
let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  installTemporalRuntime(pino({ level: 'info' }, sink), { metricsAddress: `127.0.0.1:${port}` });
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  env = environment;
  harness = await createCaseHarness(env, bundle);
  const worker = await harness.startWorker();
  stopWorker = () => worker.stop();
});

afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
  await env?.teardown();
});

/** A case under its real workflow id (case-CAS-…), as the app starts it. */
async function openCase(overrides: Partial<CaseOpening> = {}) {
  const requestId = randomUUID();
  const caseNumber = await createCaseRepository(harness.database.db).reserveCaseNumber(requestId);
  const opening: CaseOpening = {
    caseNumber,
    requestId,
    title: 'Printer shows offline',
    description: 'Since this morning',
    customer: { type: 'contact', id: await harness.goldContactId() },
    channel: 'web',
    priority: 'normal',
    productId: null,
    subject: null,
    openedByUserId: null,
    ...overrides,
  };
  const handle = await env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
    workflowId: caseWorkflowId(caseNumber),
    taskQueue: harness.taskQueue,
    args: [{ kind: 'open', opening, settings: { searchAttributes: true } }],
  });
  await harness.waitForState(handle, (s) => s.version >= 1);
  return { caseNumber, handle };
}

describe('the worker for operators', () => {
  it('serves its own Prometheus metrics: task slots, workflow and activity outcomes, latencies', async () => {
    await openCase();
    const families = await eventually(
      async () => metricFamilies(await (await fetch(metricsUrl)).text()),
      (found) => found.has('temporal_workflow_completed_total') || found.has('temporal_local_activity_execution_latency_seconds'),
    );
    const names = [...families.keys()];
    // The opening's context load and writes are local activities (local-effects): their latency is the worker's own metric.
    expect(names).toEqual(expect.arrayContaining(['temporal_worker_task_slots_available', 'temporal_local_activity_execution_latency_seconds']));
    const slots = families.get('temporal_worker_task_slots_available')!;
    expect(slots.type).toBe('GAUGE');
    expect(slots.metrics.some((m) => m.labels?.task_queue === harness.taskQueue)).toBe(true);
  });

  it('names the case number and workflow id in its log lines about a case', async () => {
    // A product that does not exist, sent straight to Temporal: the workflow logs the refused write.
    const { caseNumber, handle } = await openCase();
    const gina = (await harness.database.db('users').where({ username: 'gina' }).first<{ id: string }>('id')).id;
    const queueIds = (await harness.database.db('queue_members').where({ user_id: gina }).pluck('queue_id')) as string[];
    const actor = { userId: gina, role: 'agent' as const, displayName: 'Gina', queueIds, contactId: null, accountId: null };
    await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor }] });
    await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor, productId: randomUUID() }] });
    const refused = await eventually(
      () => Promise.resolve(lines.filter((line) => line.msg === 'effect refused permanently' && line.workflowId === handle.workflowId)),
      (found) => found.length > 0,
    );
    expect(refused[0]).toMatchObject({ caseNumber, workflowId: `case-${caseNumber}`, component: 'temporal', effect: 'record' });
  });
});
