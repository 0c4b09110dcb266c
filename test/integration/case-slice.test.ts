import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Server } from 'restify';
import pino from 'pino';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../api/server';
import { close, listen } from '../../app/http';
import { caseWorkflowId } from '../../app/names';
import { createServices } from '../../app/services';
import type { AppConfig } from '../../app/config';
import { DEFAULT_CASE_SETTINGS } from '../../workflows/case-state';
import { createCaseWorker } from '../../app/worker-runtime';
import { migrateToLatest } from '../../db/migrate';
import { seedDemoData, DEMO } from '../../db/seeds/demo';
import { getCaseStateQuery } from '../../workflows/messages';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';
import { createNamespace, startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let workflowBundle: { code: string };

beforeAll(async () => {
  [temporal, workflowBundle] = await Promise.all([
    startLocalTemporal(),
    bundleWorkflowCode({ workflowsPath: join(import.meta.dirname, '../../workflows'), logger: silentBundlerLogger() }),
  ]);
});

afterAll(async () => {
  await temporal?.teardown();
});

describe.each(databaseKinds)('opening a case over HTTP on a real Temporal server (%s)', (kind) => {
  let database: TestDatabase;
  let worker: Worker;
  let running: Promise<void>;
  let server: Server;
  let baseUrl: string;
  let goldContactId: string;
  let client: Client;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await migrateToLatest(database.db);
    await seedDemoData(database.db);
    const contact = await database.db('contacts').where({ email: DEMO.goldContactEmail }).first<{ id: string }>('id');
    goldContactId = contact.id;
    const namespace = await createNamespace(temporal, `slice-${kind}`);
    client = new Client({ connection: temporal.connection, namespace });
    const taskQueue = 'caseflow';
    worker = await createCaseWorker({ connection: temporal.nativeConnection, namespace, taskQueue, db: database.db, workflowBundle, surveySecret: 'slice-test-survey-secret', publicBaseUrl: 'http://caseflow.test' });
    running = worker.run();
    server = createApiServer({
      logger: pino({ level: 'silent' }),
      health: { db: database.db, temporal: temporal.connection, describe: { database: kind, temporal: 'test' } },
      cases: createServices(database.db, client, { temporal: { taskQueue } as AppConfig['temporal'], caseSettings: DEFAULT_CASE_SETTINGS }).cases,
    });
    await listen(server, '127.0.0.1', 0);
    baseUrl = `http://127.0.0.1:${server.address().port}`;
  });

  afterAll(async () => {
    await close(server);
    worker.shutdown();
    await running;
    await database.close();
  });

  function openCase(body: unknown, idempotencyKey?: string): Promise<Response> {
    return fetch(`${baseUrl}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body: JSON.stringify(body),
    });
  }

  const printerCase = () => ({
    title: 'Printer shows offline',
    description: 'The office printer has been offline since this morning.',
    customer: { type: 'contact', id: goldContactId },
    channel: 'email',
  });

  it('reports Temporal and the database healthy', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', checks: { temporal: { status: 'ok' }, database: { status: 'ok' } } });
  });

  it('starts a case workflow whose activity writes the row that GET returns', async () => {
    const created = await openCase(printerCase());
    expect(created.status).toBe(201);
    const body = (await created.json()) as { caseNumber: string; workflowId: string };
    expect(body).toMatchObject({ title: 'Printer shows offline', status: 'active', stage: 'identify', channel: 'email', priority: 'normal', version: 1 });
    expect(body.caseNumber).toMatch(/^CAS-\d{5}$/);
    expect(body.workflowId).toBe(caseWorkflowId(body.caseNumber));
    expect(created.headers.get('location')).toBe(`/cases/${body.caseNumber}`);

    const workflow = client.workflow.getHandle(body.workflowId);
    const description = await workflow.describe();
    expect(description.status.name).toBe('RUNNING');
    expect(await workflow.query(getCaseStateQuery)).toMatchObject({ caseNumber: body.caseNumber, customer: { type: 'contact', id: goldContactId } });

    const read = await fetch(`${baseUrl}${created.headers.get('location')}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ caseNumber: body.caseNumber, title: 'Printer shows offline', customer: { type: 'contact', id: goldContactId } });
  });

  it('gives the same case for the same Idempotency-Key, and a new one for another', async () => {
    const key = randomUUID();
    const first = (await (await openCase(printerCase(), key)).json()) as { caseNumber: string };
    const again = await openCase(printerCase(), key);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { caseNumber: string }).caseNumber).toBe(first.caseNumber);
    const other = (await (await openCase(printerCase(), randomUUID())).json()) as { caseNumber: string };
    expect(other.caseNumber).not.toBe(first.caseNumber);
    const rows = await database.db('cases').where({ case_number: first.caseNumber }).count<{ count: string }[]>('* as count');
    expect(Number(rows[0]?.count)).toBe(1);
  });

  it('refuses bad input with problem+json naming the field, and opens nothing', async () => {
    const before = await database.db('cases').count<{ count: string }[]>('* as count');
    const response = await openCase({ ...printerCase(), channel: 'pigeon' });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((e) => e.pointer)).toEqual(['/body/channel']);

    const unknownCustomer = await openCase({ ...printerCase(), customer: { type: 'contact', id: randomUUID() } });
    expect(unknownCustomer.status).toBe(422);
    expect(((await unknownCustomer.json()) as { detail: string }).detail).toContain('customer.id');

    const notJson = await fetch(`${baseUrl}/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toContain('application/problem+json');

    const after = await database.db('cases').count<{ count: string }[]>('* as count');
    expect(after[0]?.count).toBe(before[0]?.count);
  });

  it('answers 404 problem+json for an unknown case and 422 for a malformed number', async () => {
    const unknown = await fetch(`${baseUrl}/cases/CAS-99999`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { type: string }).type).toMatch(/not-found$/);
    const malformed = await fetch(`${baseUrl}/cases/hello`);
    expect(malformed.status).toBe(422);
  });
});

function silentBundlerLogger() {
  const noop = (): void => undefined;
  return { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
}
