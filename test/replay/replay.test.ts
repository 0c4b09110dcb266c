import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { Worker } from '@temporalio/worker';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { toTimeline } from '../../services/case-history.service';
import { caseMilestones } from '../../services/case-timeline';
import { bundleCaseWorkflows } from '../support/case-harness';
import { SCENARIOS } from './scenarios';

/**
 * Replays every committed case-workflow history (test/replay/histories/*.json) against the current
 * workflow code. A change that would make running cases non-deterministic fails here: put it
 * behind patched('<change-id>') instead of re-capturing (README.md in this folder). Every patch
 * id must also appear in a history recorded after it, so its new branch is replayed too.
 */

const HISTORIES_DIR = join(import.meta.dirname, 'histories');
const WORKFLOWS_DIR = join(import.meta.dirname, '../../workflows');
const ROOT = join(import.meta.dirname, '../..');
/** The marker core writes for patched()/deprecatePatch() (sdk-core constants.rs PATCH_MARKER_NAME). */
const PATCH_MARKER_NAME = 'core_patch';

interface Payload {
  readonly metadata?: Record<string, string>;
  readonly data?: string;
}

interface HistoryEvent {
  readonly eventId?: string;
  readonly eventType: string;
  readonly workflowExecutionStartedEventAttributes?: { readonly workflowType?: { readonly name?: string } };
  readonly markerRecordedEventAttributes?: { readonly markerName?: string; readonly details?: Record<string, { readonly payloads?: readonly Payload[] }> };
}

interface HistoryJson {
  readonly events?: readonly HistoryEvent[];
}

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

const readHistory = (file: string): HistoryJson => JSON.parse(readFileSync(file, 'utf8')) as HistoryJson;

/**
 * The patch ids in the history's patch markers. Current core writes `patch-data` (a json/plain
 * payload `{"id": ..., "deprecated": ...}`); older cores wrote the id as plain bytes in `patch_id`.
 */
function patchIdsIn(history: HistoryJson): Set<string> {
  const ids = new Set<string>();
  for (const event of history.events ?? []) {
    const marker = event.markerRecordedEventAttributes;
    if (event.eventType !== 'EVENT_TYPE_MARKER_RECORDED' || marker?.markerName !== PATCH_MARKER_NAME) continue;
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    if (data !== undefined) {
      ids.add((JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id);
      continue;
    }
    const legacy = marker.details?.patch_id?.payloads?.[0]?.data;
    if (legacy !== undefined) ids.add(Buffer.from(legacy, 'base64').toString('utf8'));
  }
  return ids;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

interface PatchUse {
  readonly id: string;
  readonly where: string;
}

/**
 * Every patch id the workflow code uses, read from its source: the string values of each
 * `PATCHES` object, and the argument of each patched()/deprecatePatch() call (a string literal or
 * `PATCHES.<name>`). An argument it cannot resolve is returned in `unresolved`, so a patch is never
 * silently left out.
 */
function workflowPatches(): { patches: PatchUse[]; unresolved: string[] } {
  const files = sourceFiles(WORKFLOWS_DIR).map((file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
  const where = (node: ts.Node): string => {
    const source = node.getSourceFile();
    return `${relative(ROOT, source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  const constants = new Map<string, string>(); // PATCHES.<name> -> id
  const patches: PatchUse[] = [];
  const calls: ts.CallExpression[] = [];
  const patchFunctions = new Set<string>(); // local names of patched/deprecatePatch
  const namespaces = new Set<string>(); // local names of `import * as wf from '@temporalio/workflow'`

  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === '@temporalio/workflow') {
        const bindings = node.importClause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) {
            const imported = (element.propertyName ?? element.name).text;
            if (imported === 'patched' || imported === 'deprecatePatch') patchFunctions.add(element.name.text);
          }
        }
      }
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'PATCHES' && node.initializer) {
        let init: ts.Expression = node.initializer;
        while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
        if (ts.isObjectLiteralExpression(init)) {
          for (const property of init.properties) {
            if (ts.isPropertyAssignment(property) && ts.isStringLiteralLike(property.initializer)) {
              constants.set(property.name.getText(), property.initializer.text);
              patches.push({ id: property.initializer.text, where: where(property) });
            }
          }
        }
      }
      if (ts.isCallExpression(node)) calls.push(node);
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  const unresolved: string[] = [];
  for (const call of calls) {
    const callee = call.expression;
    const isPatchCall =
      (ts.isIdentifier(callee) && patchFunctions.has(callee.text)) ||
      (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && namespaces.has(callee.expression.text) && ['patched', 'deprecatePatch'].includes(callee.name.text));
    if (!isPatchCall) continue;
    const [arg] = call.arguments;
    if (arg && ts.isStringLiteralLike(arg)) patches.push({ id: arg.text, where: where(call) });
    else if (arg && ts.isPropertyAccessExpression(arg) && arg.expression.getText() === 'PATCHES' && constants.has(arg.name.text)) patches.push({ id: constants.get(arg.name.text)!, where: where(call) });
    else unresolved.push(`${where(call)}: ${call.getText()}`);
  }
  return { patches, unresolved };
}

describe('committed workflow histories', () => {
  it('include every scenario in scenarios.ts', () => {
    const names = historyFiles().map((file) => basename(file, '.json'));
    const missing = SCENARIOS.map((s) => s.name).filter((name) => !names.includes(name));
    expect(missing, `no history for ${missing.join(', ')}: run npm run capture:histories`).toEqual([]);
  });

  it('are well-formed case-workflow histories', () => {
    const files = historyFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const name = basename(file);
      const { events } = readHistory(file);
      expect(events?.length, `${name} has no events`).toBeGreaterThan(0);
      expect(events![0]!.eventType, `${name} does not start with the workflow's start`).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
      expect(events![0]!.workflowExecutionStartedEventAttributes?.workflowType?.name, `${name} is not a case workflow`).toBe('caseWorkflow');
      expect(events!.map((e) => Number(e.eventId)), `${name}: event ids are not 1..n`).toEqual(events!.map((_, i) => i + 1));
    }
  });

  it('include, for every patch in the workflow code, a history recorded after it (with its marker)', () => {
    const { patches, unresolved } = workflowPatches();
    expect(unresolved, 'patched()/deprecatePatch() calls whose patch id this test cannot read: use a string literal or PATCHES.<name>').toEqual([]);
    const recorded = new Map(historyFiles().map((file) => [basename(file), patchIdsIn(readHistory(file))]));
    const uncovered = [...new Map(patches.map((p) => [p.id, p])).values()].filter(({ id }) => ![...recorded.values()].some((ids) => ids.has(id)));
    expect(
      uncovered.map(({ id, where }) => `${id} (${where})`),
      'patches with no committed history recorded after them: add a scenario that takes the patched path to scenarios.ts and run npm run capture:histories',
    ).toEqual([]);
  });

  it('show operators no survey token, though the older ones hold it in sendSurvey results', () => {
    let surveysSeen = 0;
    for (const file of historyFiles()) {
      const timeline = toTimeline(historyFromJson(readHistory(file)).events ?? []);
      for (const entry of timeline.filter((e) => e.title === 'sendSurvey done')) {
        surveysSeen++;
        expect(JSON.stringify(entry.details), basename(file)).not.toMatch(/"token":"[A-Za-z0-9_-]{43}"/);
      }
    }
    expect(surveysSeen).toBeGreaterThan(0);
  });

  it('read as milestones in words, in order: SLA breach, reopen and cancel, a refused write, the same from local activities', () => {
    const read = (name: string) => caseMilestones(historyFromJson(readHistory(join(HISTORIES_DIR, `${name}.json`))).events ?? [], 'run');
    const milestones = (name: string) => read(name).map((m) => `${m.kind}: ${m.text}`);
    // The instants are data (times), for the desk to show in the reader's time zone; the words carry none.
    expect(
      read('gold-sla-breach')
        .slice(-3)
        .map((m) => [`${m.kind}: ${m.text}`, m.times]),
    ).toEqual([
      ['sla-warning: First response SLA warning', [{ label: 'due at', at: '2026-11-24T04:13:18.087Z' }]],
      ['sla-failure: First response SLA failed', [{ label: 'it was due at', at: '2026-11-24T04:13:18.087Z' }]],
      ['priority: Priority raised to high (SLA failure)', []],
    ]);
    expect(milestones('reopen-and-cancel').filter((m) => !m.startsWith('sla-')).slice(-7)).toEqual([
      'resolved: Resolved (problem solved): “Replaced the cable”',
      'charged: Entitlement charged once: 13 left',
      'survey-sent: Satisfaction survey sent by email',
      'reopened: Reopened: “It went offline again”',
      'cancelled: Cancelled: “The customer bought a new printer”',
      'closed: Closed',
      'workflow-completed: Workflow completed: the case is closed for good',
    ]);
    // Since `local-effects` the writes are local activities (markers): the same milestones read from them.
    const local = milestones('local-effects-v5');
    expect(local.slice(1, 4)).toEqual([
      'entitlement: Entitled: Contoso Gold support: 15 cases a year (15 cases left)',
      expect.stringMatching(/^routed: Routed to queue .* by the rule “Gold customers to the gold queue”$/),
      expect.stringMatching(/^sla-started: SLA “Gold” clocks started/),
    ]);
    expect(local[4]).toMatch(/^sla-warning: First response SLA warning/);
    expect(local).toContain('refused-write: The database refused a recordCase for good: insert or update on table "cases" violates foreign key constraint "cases_product_id_foreign" (the case is on the operators\' list)');
    expect(local.filter((m) => /^(sla-met|charged|survey-sent|closed)/.test(m))).toEqual([
      'sla-met: First response SLA met',
      'sla-met: Resolve-by SLA met',
      'charged: Entitlement charged once: 14 left',
      expect.stringMatching(/^survey-sent: Satisfaction survey sent by email/),
      'closed: Closed',
    ]);
    expect(local.some((m) => m.includes('caseRecorded'))).toBe(false);
    expect(milestones('refused-write-reported').at(-1)).toBe(
      'refused-write: The database refused a recordCase for good: insert or update on table "cases" violates foreign key constraint "cases_product_id_foreign" (the case is on the operators\' list)',
    );
  });

  it('replay against the current workflow code without a determinism error', async () => {
    const files = historyFiles();
    expect(files.length).toBeGreaterThanOrEqual(SCENARIOS.length);
    // The file name is the workflow id of the replay, so each result names its history.
    const histories = files.map((file) => ({ workflowId: basename(file), history: historyFromJson(readHistory(file)) }));
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
