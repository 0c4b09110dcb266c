import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/process/config';
import { withCaseNumber } from '../../app/temporal/runtime';

const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/caseflow-test-data' };

describe('the worker telemetry settings', () => {
  it('serves no worker metrics unless TEMPORAL_WORKER_METRICS_PORT is set; then on HOST', () => {
    expect(loadConfig(base).temporal.workerMetricsAddress).toBeUndefined();
    expect(loadConfig({ ...base, TEMPORAL_WORKER_METRICS_PORT: '9464' }).temporal.workerMetricsAddress).toBe('127.0.0.1:9464');
    expect(loadConfig({ ...base, HOST: 'localhost', TEMPORAL_WORKER_METRICS_PORT: '9464' }).temporal.workerMetricsAddress).toBe('127.0.0.1:9464');
    expect(loadConfig({ ...base, HOST: '::1', TEMPORAL_WORKER_METRICS_PORT: '9464' }).temporal.workerMetricsAddress).toBe('[::1]:9464');
  });

  it('refuses a port that is not one, or the HTTP port, naming the variable', () => {
    expect(() => loadConfig({ ...base, TEMPORAL_WORKER_METRICS_PORT: '70000' })).toThrow(/TEMPORAL_WORKER_METRICS_PORT .*\(got '70000'\)/);
    expect(() => loadConfig({ ...base, PORT: '3000', TEMPORAL_WORKER_METRICS_PORT: '3000' })).toThrow(/TEMPORAL_WORKER_METRICS_PORT \(3000\) must differ from PORT/);
  });
});

describe('log lines from workflows and activities', () => {
  it('carry the case number of a case workflow beside its workflow id', () => {
    expect(withCaseNumber({ workflowId: 'case-CAS-01042', activityType: 'recordCase' })).toEqual({ workflowId: 'case-CAS-01042', activityType: 'recordCase', caseNumber: 'CAS-01042' });
    // Already named (an activity's own line), another workflow, or none: left as they are.
    expect(withCaseNumber({ workflowId: 'case-CAS-01042', caseNumber: 'CAS-01042' })).toEqual({ workflowId: 'case-CAS-01042', caseNumber: 'CAS-01042' });
    expect(withCaseNumber({ workflowId: 'reconcile-nightly' })).toEqual({ workflowId: 'reconcile-nightly' });
    expect(withCaseNumber({ workflowId: 'case-not-a-number' })).toEqual({ workflowId: 'case-not-a-number' });
    expect(withCaseNumber(undefined)).toEqual({});
  });
});
