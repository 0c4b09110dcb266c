import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { paths } from '../../api/schema';
import { api, idempotencyKey, unwrap } from '../../lib/api-client';
import { getToken } from '../../lib/session';

export type CaseRecord = paths['/cases/{caseNumber}']['get']['responses'][200]['content']['application/json'];

/** The parts of GET /cases/{n}/state the pages show (the route declares it as an open record). */
export interface CaseState {
  readonly status: string;
  readonly stage: string;
  readonly ownerUserId?: string | null;
  readonly stages?: readonly { stage: string; label: string; current: boolean; steps: readonly { id: string; label: string; completion: string; done: boolean }[] }[];
  readonly kpis?: readonly { kpi: string; status: string; failureAt: string | null; warningAt: string | null; succeededAt: string | null; pausedAt: string | null }[];
  readonly openActivities?: readonly { id: string; subject: string }[];
  readonly survey?: { rating: number | null; answeredAt: string | null } | null;
  readonly resolution?: { resolutionText: string; resolutionType: string } | null;
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
 * Follows GET /cases/{n}/events (server-sent events, read with fetch so the bearer token goes
 * along) and refreshes the case's queries when it changes; reconnects when a stream ends.
 */
export function useCaseEvents(caseNumber: string): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const abort = new AbortController();
    let last: number | null = null;
    const follow = async () => {
      while (!abort.signal.aborted) {
        try {
          const response = await fetch(`/cases/${encodeURIComponent(caseNumber)}/events`, { headers: { authorization: `Bearer ${getToken() ?? ''}`, accept: 'text/event-stream' }, signal: abort.signal });
          if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let cut: number;
            while ((cut = buffer.indexOf('\n\n')) >= 0) {
              const data = /^data: (.*)$/m.exec(buffer.slice(0, cut))?.[1];
              buffer = buffer.slice(cut + 2);
              const version = data ? (JSON.parse(data) as { version?: number }).version : undefined;
              if (typeof version === 'number' && version !== last) {
                if (last !== null) await queryClient.invalidateQueries({ queryKey: ['case', caseNumber] });
                last = version;
              }
            }
          }
        } catch {
          if (abort.signal.aborted) return;
          // The server is away or refused: try again a little later; polling still refreshes the page.
          await new Promise((resolve) => setTimeout(resolve, 5_000));
        }
      }
    };
    void follow();
    return () => abort.abort();
  }, [caseNumber, queryClient]);
}
