import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../lib/api-client';
import { followEvents } from '../../lib/event-stream';

export type CaseListQuery = NonNullable<paths['/cases']['get']['parameters']['query']>;
export type CaseList = paths['/cases']['get']['responses'][200]['content']['application/json'];
export type QueueList = paths['/queues']['get']['responses'][200]['content']['application/json'];
export type TakenCase = paths['/cases/take-next']['post']['responses'][200]['content']['application/json'];

/** Lists poll only as a fallback: every 15 s without the live stream, every 2 min with it. */
const POLL_MS = { live: 120_000, fallback: 15_000 } as const;

export function useCases(query: CaseListQuery, live = false) {
  return useQuery({ queryKey: ['cases', query], queryFn: async () => unwrap(await api.GET('/cases', { params: { query } })), refetchInterval: live ? POLL_MS.live : POLL_MS.fallback });
}

export function useQueues(enabled = true, live = false) {
  return useQuery({ queryKey: ['queues'], enabled, queryFn: async () => unwrap(await api.GET('/queues')), refetchInterval: live ? POLL_MS.live : 30_000 });
}

/**
 * Follows GET /cases/events: when a case the signed-in person may see changes (another agent took
 * it, the customer wrote, a timer turned its SLA, an email came in), the lists and queue counts are
 * fetched again. Returns whether the stream is connected (the lists then poll rarely).
 */
export function useCaseListEvents(): boolean {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    void followEvents(
      '/cases/events',
      abort.signal,
      async ({ event }) => {
        if (event !== 'changed') return;
        await Promise.all([queryClient.invalidateQueries({ queryKey: ['cases'] }), queryClient.invalidateQueries({ queryKey: ['queues'] })]);
      },
      setLive,
    );
    return () => abort.abort();
  }, [queryClient]);
  return live;
}
