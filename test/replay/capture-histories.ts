import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { expect, it } from 'vitest';
import { actorFor } from '../support/actors';
import { bundleCaseWorkflows, createCaseHarness, type CaseHarness } from '../support/case-harness';
import { startTimeSkippingTemporal } from '../support/temporal';
import { SCENARIOS, type CaseHandle } from './scenarios';

/**
 * Records the history of every scenario in scenarios.ts that has no file in histories/ yet:
 * `npm run capture:histories` (vitest with test/replay/vitest.capture.config.mts; it needs
 * PostgreSQL, as `npm test` does). Not a test: the normal run does not include this file.
 *
 * Each missing scenario is driven on the time-skipping server under the current workflow code and
 * its history written as histories/<name>.json (the `temporal workflow show --output json`
 * format). Existing files are never overwritten: they are the histories of cases that were running
 * under older workflow code (see README.md here).
 */

const HISTORIES_DIR = join(import.meta.dirname, 'histories');

interface HistoryJson {
  readonly events: readonly { readonly eventType: string }[];
}

const historyFile = (name: string): string => join(HISTORIES_DIR, `${name}.json`);

/**
 * What `historyToJSON` from @temporalio/common/lib/proto-utils does (canonical proto JSON, as
 * `temporal workflow show --output json` writes it), with protobufjs's protojson taken from the
 * copy @temporalio/proto resolves: in this install @temporalio/common has a second protobufjs
 * copy, whose `instanceof Type` check refuses @temporalio/proto's types ("type must be a Type").
 */
function historyToJson(history: proto.temporal.api.history.v1.IHistory): string {
  const requireFromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
  const protojson = requireFromProto('protobufjs/ext/protojson') as { toJson(type: unknown, message: unknown): unknown };
  const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

/** The history once nothing is in flight: no workflow task or activity pending, and no new events. */
async function settledHistory(handle: CaseHandle): Promise<string> {
  const deadline = Date.now() + 30_000;
  let previous = '';
  for (;;) {
    const json = historyToJson(await handle.fetchHistory());
    const { events } = JSON.parse(json) as HistoryJson;
    const count = (suffix: string) => events.filter((e) => e.eventType.startsWith('EVENT_TYPE_ACTIVITY_TASK_') && e.eventType.endsWith(suffix)).length;
    const activitiesClosed = count('_SCHEDULED') === count('_COMPLETED') + count('_FAILED') + count('_TIMED_OUT') + count('_CANCELED');
    const last = events.at(-1)?.eventType ?? '';
    const taskInFlight = last === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED' || last === 'EVENT_TYPE_WORKFLOW_TASK_STARTED';
    if (activitiesClosed && !taskInFlight && json === previous) return json;
    if (Date.now() > deadline) throw new Error(`history of ${handle.workflowId} did not settle within 30 s (last event ${last})`);
    previous = json;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

it('captures the history of every scenario that has no file yet', async () => {
  const missing = SCENARIOS.filter((scenario) => !existsSync(historyFile(scenario.name)));
  console.log(missing.length === 0 ? 'every scenario has its history: nothing to capture' : `capturing ${missing.map((s) => s.name).join(', ')}`);
  if (missing.length === 0) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const [env, bundle] = await Promise.all([startTimeSkippingTemporal(), bundleCaseWorkflows()]);
  let harness: CaseHarness | undefined;
  let worker: { stop(): Promise<void> } | undefined;
  try {
    harness = await createCaseHarness(env, bundle);
    worker = await harness.startWorker();
    const db = harness.database.db;
    const [gina, sue, alice] = await Promise.all([actorFor(db, 'gina'), actorFor(db, 'sue'), actorFor(db, 'alice')]);
    for (const scenario of missing) {
      const handle = await scenario.run({ env, harness, gina, sue, alice });
      const file = historyFile(scenario.name);
      // 'wx': fail rather than overwrite a file that appeared meanwhile.
      writeFileSync(file, `${await settledHistory(handle)}\n`, { flag: 'wx' });
      console.log(`wrote ${file}`);
    }
  } finally {
    await worker?.stop();
    await harness?.close();
    await env.teardown();
  }
  for (const { name } of missing) expect(existsSync(historyFile(name)), `${name}.json was not written`).toBe(true);
});
