import { useMutation, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api-client';

/** The business timeline of a case: its milestones and the runs of its workflow (GET /cases/{n}/history). */
export interface CaseTimeline {
  readonly workflowId: string;
  readonly webUiUrl: string | null;
  readonly runs: readonly { readonly runId: string; readonly startedAt: string | null; readonly webUiUrl: string | null }[];
  readonly entries: readonly Milestone[];
}

export type Visibility = 'customer' | 'internal' | 'system';

export interface Milestone {
  readonly at: string;
  readonly actor: string;
  readonly kind: string;
  readonly text: string;
  readonly times: readonly { readonly label: string; readonly at: string }[];
  readonly visibility: Visibility;
  readonly eventIds: readonly number[];
  readonly runId: string;
}

/** The current run's events nearly as recorded (GET /cases/{n}/history?raw=true). */
export interface RawHistory {
  readonly workflowId: string;
  readonly webUiUrl: string | null;
  readonly entries: readonly { readonly eventId: number; readonly at: string; readonly kind: string; readonly title: string; readonly details?: unknown }[];
}

export function useCaseTimeline(caseNumber: string) {
  return useQuery({
    queryKey: ['case', caseNumber, 'history'],
    queryFn: async () => unwrap(await api.GET('/cases/{caseNumber}/history', { params: { path: { caseNumber } } })) as CaseTimeline,
  });
}

export function useRawHistory(caseNumber: string, enabled: boolean) {
  return useQuery({
    queryKey: ['case', caseNumber, 'history', 'raw'],
    enabled,
    queryFn: async () => unwrap(await api.GET('/cases/{caseNumber}/history', { params: { path: { caseNumber }, query: { raw: 'true' } } })) as RawHistory,
  });
}

export function useCaseTitle(caseNumber: string) {
  return useQuery({
    queryKey: ['case', caseNumber, 'title'],
    queryFn: async () => unwrap(await api.GET('/cases/{caseNumber}', { params: { path: { caseNumber } } })),
    select: (c) => ({ title: c.title }),
  });
}

/** POST /cases/{n}/replay-check: ok, or the nondeterminism the current workflow code would meet. */
export function useReplayCheck(caseNumber: string) {
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/cases/{caseNumber}/replay-check', { params: { path: { caseNumber } } })),
  });
}
