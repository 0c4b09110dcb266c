import { randomBytes } from 'node:crypto';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerCaseSearchAttributes } from '../../app/temporal/search-attributes';
import { findTemporalTool } from '../../app/temporal/tools';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * A real Temporal dev server (the `temporal` CLI from .tools/ or PATH), for integration tests, with
 * the case's search attributes registered on its default namespace (as the embedded server has them).
 */
export function startLocalTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: findTemporalTool('temporal') },
      ip: '127.0.0.1',
      extraArgs: ['--log-level', 'error'],
      searchAttributes: CASE_SEARCH_ATTRIBUTES.map((name) => ({ name, type: 'KEYWORD' as const })),
    },
  });
}

/**
 * The time-skipping test server, for workflow logic with time in it. It accepts custom search
 * attributes once added through its operator service (and refuses an upsert of any other, as a
 * real server does), so the case's are registered here and workflow tests run with them on.
 */
export async function startTimeSkippingTemporal(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: findTemporalTool('temporal-test-server') } },
  });
  try {
    // It does not implement listSearchAttributes, so registerCaseSearchAttributes cannot check: add them.
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(CASE_SEARCH_ATTRIBUTES.map((name) => [name, keyword])),
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

/**
 * A namespace of its own for a suite, so suites sharing one server never see each other's case ids;
 * with the case search attributes registered on it.
 */
export async function createNamespace(env: TestWorkflowEnvironment, prefix: string): Promise<string> {
  const namespace = `${prefix}-${randomBytes(4).toString('hex')}`;
  await env.connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  // Registration is eventually consistent: wait until the namespace answers.
  for (let attempt = 0; ; attempt++) {
    try {
      await env.connection.workflowService.describeNamespace({ namespace });
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // The app's cases upsert the case search attributes (as with the embedded server): register them.
  const registration = await registerCaseSearchAttributes(env.connection, namespace);
  if (registration.outcome !== 'present' && registration.outcome !== 'registered') {
    throw new Error(`the case search attributes could not be registered on ${namespace}: ${JSON.stringify(registration)}`);
  }
  return namespace;
}
