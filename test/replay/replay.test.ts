import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { bundleCaseWorkflows } from '../support/case-harness';

/**
 * Replays every committed case-workflow history (test/replay/histories/*.json) against the current
 * workflow code. A change that would make running cases non-deterministic fails here: put it
 * behind patched('<change-id>') instead of re-capturing (README.md in this folder).
 */

const HISTORIES_DIR = join(import.meta.dirname, 'histories');
const REQUIRED = ['gold-sla-breach', 'full-resolution', 'hold-resume-priority', 'reopen-and-cancel'];

/**
 * What `historyFromJSON` from @temporalio/common/lib/proto-utils does for canonical proto JSON
 * (`temporal workflow show --output json`), with protobufjs's protojson taken from the copy
 * @temporalio/proto resolves: in this install @temporalio/common has a second protobufjs copy,
 * whose `instanceof Type` check refuses @temporalio/proto's types ("type must be a Type"). The
 * Worker would call that broken helper itself if handed the raw JSON.
 */
function historyFromJson(json: unknown): proto.temporal.api.history.v1.History {
  const requireFromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
  const protojson = requireFromProto('protobufjs/ext/protojson') as { fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown };
  const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a workflow history');
  return history as proto.temporal.api.history.v1.History;
}

function historyFiles(): string[] {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => join(HISTORIES_DIR, file));
}

describe('committed workflow histories', () => {
  it('include every required scenario', () => {
    const names = historyFiles().map((file) => basename(file, '.json'));
    expect(names).toEqual(expect.arrayContaining(REQUIRED));
  });

  it('replay against the current workflow code without a determinism error', async () => {
    const files = historyFiles();
    expect(files.length).toBeGreaterThanOrEqual(REQUIRED.length);
    // The file name is the workflow id of the replay, so each result names its history.
    const histories = files.map((file) => ({ workflowId: basename(file), history: historyFromJson(JSON.parse(readFileSync(file, 'utf8'))) }));
    const workflowBundle = await bundleCaseWorkflows();

    const failures: string[] = [];
    const replayed: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'caseflow-replay' }, histories)) {
      replayed.push(result.workflowId);
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }

    expect(failures, `replay failed for:\n${failures.join('\n')}`).toEqual([]);
    expect(replayed.sort()).toEqual(histories.map((h) => h.workflowId).sort());
  }, 120_000);
});
