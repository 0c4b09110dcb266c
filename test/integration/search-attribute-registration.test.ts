import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal as proto } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/process/config';
import { freePort } from '../../app/process/network';
import { connectClient } from '../../app/temporal/connection';
import { startDevServer } from '../../app/temporal/dev-server';
import { registerCaseSearchAttributes } from '../../app/temporal/search-attributes';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { startLocalTemporal } from '../support/temporal';

/**
 * An upsert of a search attribute the namespace lacks fails the case's workflow task (the case
 * stalls), so the processes that open cases make sure the namespace has them before any case starts.
 */

const KEYWORD = proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
const TEXT = proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT;
const dataDir = mkdtempSync(join(tmpdir(), 'caseflow-search-attributes-'));
const silent = pino({ level: 'silent' });
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startLocalTemporal();
});

afterAll(async () => {
  await env?.teardown();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A namespace with nothing registered on it (createNamespace would register the case's). */
async function bareNamespace(name: string): Promise<string> {
  await env.connection.workflowService.registerNamespace({ namespace: name, workflowExecutionRetentionPeriod: msToTs('1 day') });
  for (let attempt = 0; ; attempt++) {
    try {
      await env.connection.workflowService.describeNamespace({ namespace: name });
      return name;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function customAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string) {
  return (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
}

describe('registering the case search attributes', () => {
  it('the embedded dev server starts with them on the configured namespace, again on its existing database file', async () => {
    const [port, uiPort] = [await freePort(), await freePort()];
    for (const start of ['first', 'again']) {
      const server = await startDevServer({ dataDir, host: '127.0.0.1', port, uiPort, namespace: 'caseflow', logger: silent });
      const connection = await Connection.connect({ address: server.address });
      try {
        const attributes = await customAttributes(connection, 'caseflow');
        for (const name of CASE_SEARCH_ATTRIBUTES) expect(attributes[name], `${start}: ${name}`).toBe(KEYWORD);
        expect(await registerCaseSearchAttributes(connection, 'caseflow')).toEqual({ outcome: 'present' });
      } finally {
        await connection.close();
        await server.stop();
      }
    }
  });

  it('on an external server, the process that opens cases adds the missing ones at start, once', async () => {
    const namespace = await bareNamespace('external-fresh');
    expect(Object.keys(await customAttributes(env.connection, namespace))).not.toContain('CaseStatus');
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: namespace });
    expect(config.caseSettings.searchAttributes).toBe(true);

    const { connection } = await connectClient(env.address, config, silent);
    await connection.close();
    const attributes = await customAttributes(env.connection, namespace);
    for (const name of CASE_SEARCH_ATTRIBUTES) expect(attributes[name], name).toBe(KEYWORD);
    expect(await registerCaseSearchAttributes(env.connection, namespace)).toEqual({ outcome: 'present' });
  });

  it('refuses to start when a name is taken with another type, naming the fix; with TEMPORAL_SEARCH_ATTRIBUTES=false it starts', async () => {
    const namespace = await bareNamespace('external-clash');
    await env.connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { CaseStatus: TEXT } });
    const base = { NODE_ENV: 'test', DATA_DIR: dataDir, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: namespace };

    await expect(connectClient(env.address, loadConfig(base), silent)).rejects.toThrow(
      /^Temporal namespace external-clash has CaseStatus registered with another type than the Keyword cases need: use a namespace of caseflow's own \(TEMPORAL_NAMESPACE\), or set TEMPORAL_SEARCH_ATTRIBUTES=false$/,
    );

    const off = loadConfig({ ...base, TEMPORAL_SEARCH_ATTRIBUTES: 'false' });
    expect(off.caseSettings.searchAttributes).toBe(false);
    const { connection } = await connectClient(env.address, off, silent);
    await connection.close();
  });
});
