import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { paths } from '../../api/schema';
import { api, idempotencyKey, unwrap } from '../../lib/api-client';
import { followEvents } from '../../lib/event-stream';

export type CaseRecord = paths['/cases/{caseNumber}']['get']['responses'][200]['content']['application/json'];

/** The parts of GET /cases/{n}/state the pages show (the route declares it as an open record). */
export interface CaseState {
  readonly status: string;
  readonly stage: string;
  readonly ownerUserId?: string | null;
  readonly queueId?: string | null;
  readonly priority?: string;
  readonly stages?: readonly { stage: string; label: string; current: boolean; steps: readonly { id: string; label: string; completion: string; done: boolean }[] }[];
  readonly kpis?: readonly { kpi: string; status: string; failureAt: string | null; warningAt: string | null; succeededAt: string | null; pausedAt: string | null }[];
  readonly openActivities?: readonly { id: string; type: string; subject: string; minutesSpent: number; dueAt: string | null }[];
  readonly survey?: { rating: number | null; answeredAt: string | null } | null;
  readonly resolution?: { resolutionText: string; resolutionType: string } | null;
  /** Staff: every article linked to the case, and whether it went to the customer. */
  readonly linkedArticles?: readonly { articleId: string; articleNumber: string; title: string; sentToCustomer: boolean }[];
  /** The customer's view: the articles support sent them. */
  readonly articlesSent?: readonly { articleNumber: string; title: string }[];
}

/** An entry of GET /cases/{n}/activities (customers get fewer fields, and only what is shared with them). */
export interface CaseActivity {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly body: string;
  readonly direction: string | null;
  readonly state?: string;
  readonly minutesSpent?: number;
  readonly createdAt: string;
  readonly byCustomer?: boolean;
}

const path = (caseNumber: string) => ({ path: { caseNumber } });

export function useCase(caseNumber: string) {
  return useQuery({ queryKey: ['case', caseNumber, 'record'], queryFn: async () => unwrap(await api.GET('/cases/{caseNumber}', { params: path(caseNumber) })), refetchInterval: 15_000 });
}

export function useCaseState(caseNumber: string) {
  return useQuery({ queryKey: ['case', caseNumber, 'state'], queryFn: async () => unwrap<unknown>(await api.GET('/cases/{caseNumber}/state', { params: path(caseNumber) })) as CaseState, refetchInterval: 15_000 });
}

export function useCaseActivities(caseNumber: string) {
  return useQuery({
    queryKey: ['case', caseNumber, 'activities'],
    queryFn: async () => (unwrap<unknown>(await api.GET('/cases/{caseNumber}/activities', { params: path(caseNumber) })) as { items: CaseActivity[] }).items,
    refetchInterval: 15_000,
  });
}

/**
 * One action on the case. Its Idempotency-Key is kept until the action succeeds, so sending the
 * same thing again after a lost answer (a 503, a dropped connection) cannot act twice; anything
 * different gets a new key.
 */
export function useCaseAction<V>(caseNumber: string, send: (key: string, vars: V) => Promise<{ data?: unknown; error?: unknown; response: Response }>) {
  const queryClient = useQueryClient();
  const key = useRef<{ readonly vars: string; readonly key: string } | null>(null);
  return useMutation({
    mutationFn: async (vars: V) => {
      const same = JSON.stringify(vars ?? null);
      if (key.current?.vars !== same) key.current = { vars: same, key: idempotencyKey() };
      return unwrap(await send(key.current.key, vars));
    },
    onSuccess: async (view) => {
      key.current = null;
      // An action answers with the case as its workflow now sees it; the read model follows shortly.
      if (view && typeof view === 'object' && 'status' in view) queryClient.setQueryData(['case', caseNumber, 'state'], view);
      await queryClient.invalidateQueries({ queryKey: ['case', caseNumber] });
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
    },
  });
}

export const actionParams = (caseNumber: string, key: string) => ({ path: { caseNumber }, header: { 'Idempotency-Key': key } });

/**
 * Follows GET /cases/{n}/events (server-sent events) and refreshes the case's queries when its
 * version moves; reconnects when a stream ends.
 */
export function useCaseEvents(caseNumber: string): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const abort = new AbortController();
    let last: number | null = null;
    void followEvents(`/cases/${encodeURIComponent(caseNumber)}/events`, abort.signal, async ({ data }) => {
      const version = (data as { version?: unknown }).version;
      if (typeof version === 'number' && version !== last) {
        if (last !== null) await queryClient.invalidateQueries({ queryKey: ['case', caseNumber] });
        last = version;
      }
    });
    return () => abort.abort();
  }, [caseNumber, queryClient]);
}

/** The members of a queue (to assign a case to, and to name its owner); off when `enabled` is false or there is no queue. */
export function useQueueMembers(queueId: string | null, enabled = true) {
  return useQuery({
    queryKey: ['queue', queueId, 'members'],
    enabled: enabled && queueId !== null,
    queryFn: async () => unwrap(await api.GET('/queues/{id}/members', { params: { path: { id: queueId! } } })).items,
    staleTime: 60_000,
  });
}
