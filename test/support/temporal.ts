import { randomBytes } from 'node:crypto';
import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalTool } from '../../app/temporal/tools';

/** A real Temporal dev server (the `temporal` CLI from .tools/ or PATH), for integration tests. */
export function startLocalTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: findTemporalTool('temporal') },
      ip: '127.0.0.1',
      extraArgs: ['--log-level', 'error'],
    },
  });
}

/** The time-skipping test server, for workflow logic with time in it. */
export function startTimeSkippingTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: findTemporalTool('temporal-test-server') } },
  });
}

/** A namespace of its own for a suite, so suites sharing one server never see each other's case ids. */
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
      return namespace;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
