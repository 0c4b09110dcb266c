import { describe, expect, it } from 'vitest';
import { sumSamples } from '../../bench/worker-metrics';

const exposition = `# HELP temporal_sticky_cache_size Current number of cached workflows
# TYPE temporal_sticky_cache_size gauge
temporal_sticky_cache_size{namespace="bench",service_name="temporal-core-sdk",task_queue="caseflow"} 1999
temporal_sticky_cache_size_total 7
temporal_workflow_task_execution_latency_seconds_count{namespace="bench",workflow_type="caseWorkflow"} 40
temporal_workflow_task_execution_latency_seconds_count{namespace="bench",workflow_type="other"} 2
temporal_workflow_task_execution_latency_seconds_sum{namespace="bench",workflow_type="caseWorkflow"} 0.5
`;

describe("the bench's reading of a worker's Prometheus metrics", () => {
  it('sums every series of exactly the named metric', () => {
    expect(sumSamples(exposition, 'temporal_sticky_cache_size')).toBe(1999);
    expect(sumSamples(exposition, 'temporal_workflow_task_execution_latency_seconds_count')).toBe(42);
  });

  it('reads 0 for a metric the worker has not reported yet', () => {
    expect(sumSamples(exposition, 'temporal_activity_execution_latency_seconds_count')).toBe(0);
  });
});
