import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/process/config';

const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/caseflow-test-data' };

describe('TEMPORAL_MAX_CACHED_WORKFLOWS', () => {
  it("leaves the worker's workflow cache to the SDK unless set; then is that many", () => {
    expect(loadConfig(base).temporal.maxCachedWorkflows).toBeUndefined();
    expect(loadConfig({ ...base, TEMPORAL_MAX_CACHED_WORKFLOWS: '12000' }).temporal.maxCachedWorkflows).toBe(12_000);
    expect(loadConfig({ ...base, TEMPORAL_MAX_CACHED_WORKFLOWS: '0' }).temporal.maxCachedWorkflows).toBe(0);
  });

  it('refuses a count that is not a whole number from 0 to 1000000, naming the variable', () => {
    expect(() => loadConfig({ ...base, TEMPORAL_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(/TEMPORAL_MAX_CACHED_WORKFLOWS/);
    expect(() => loadConfig({ ...base, TEMPORAL_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/TEMPORAL_MAX_CACHED_WORKFLOWS/);
    expect(() => loadConfig({ ...base, TEMPORAL_MAX_CACHED_WORKFLOWS: '2.5' })).toThrow(/TEMPORAL_MAX_CACHED_WORKFLOWS/);
  });
});
