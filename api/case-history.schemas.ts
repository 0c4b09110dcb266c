import { z } from 'zod';

/** GET /cases/{n}/history: the milestones in words, across the workflow's runs. */
const milestoneSchema = z.object({
  at: z.string().describe('When (ISO 8601, UTC)'),
  actor: z.string().describe('Who: a person (name and role), "the customer", or "caseflow" for what the workflow decided itself'),
  kind: z.string().describe('What kind of milestone: opened, entitlement, routed, sla-started, accepted, reply, resolved, charged, survey-sent …'),
  text: z.string().describe('What happened, in words: no codes and no timestamps (those are in times)'),
  times: z.array(z.object({ label: z.string().describe('What the instant is: "first response by", "due at", "open until"'), at: z.string().describe('ISO 8601, UTC') })).describe('The instants the text refers to, to show in the reader\'s time zone'),
  visibility: z.enum(['customer', 'internal', 'system']).describe('customer: the customer saw it too; internal: staff work; system: the engine\'s own events'),
  eventIds: z.array(z.number().int()).describe('The history events of its run it was read from'),
  runId: z.string(),
});

const runSchema = z.object({
  runId: z.string(),
  startedAt: z.string().nullable().describe('When the run started (ISO 8601)'),
  webUiUrl: z.string().nullable().describe('The run\'s event history in the Temporal Web UI (TEMPORAL_UI_URL); null when none is configured'),
});

export const caseTimelineSchema = z.object({
  workflowId: z.string(),
  webUiUrl: z.string().nullable().describe('The workflow in the Temporal Web UI; null when none is configured'),
  runs: z.array(runSchema).describe('The runs of the workflow, oldest first (continue-as-new starts a new run)'),
  entries: z.array(milestoneSchema).describe('Oldest first, run by run'),
});

/** GET /cases/{n}/history?raw=true: the current run's events nearly as recorded. */
export const rawHistorySchema = z.object({
  workflowId: z.string(),
  webUiUrl: z.string().nullable(),
  entries: z.array(
    z.object({
      eventId: z.number().int(),
      at: z.string(),
      kind: z.enum(['opened', 'decided', 'recorded', 'failed', 'timer-set', 'timer-fired', 'action', 'action-done', 'continued', 'closed']),
      title: z.string(),
      details: z.unknown().optional().describe('The activity input or result, or the Update arguments (the actor left out)'),
    }),
  ),
});

/** GET /cases/{n}/replay-check: the current run replayed against the workflow code this server would run. */
export const replayVerdictSchema = z.object({
  caseNumber: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  ok: z.boolean().describe('The current workflow code makes exactly the decisions this history recorded'),
  problem: z.string().optional().describe('The nondeterminism found (event and command), or why the case could not be replayed'),
});
