import { useQuery } from '@tanstack/react-query';
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../lib/api-client';

export type CaseListQuery = NonNullable<paths['/cases']['get']['parameters']['query']>;
export type CaseList = paths['/cases']['get']['responses'][200]['content']['application/json'];
export type QueueList = paths['/queues']['get']['responses'][200]['content']['application/json'];

export function useCases(query: CaseListQuery) {
  return useQuery({ queryKey: ['cases', query], queryFn: async () => unwrap(await api.GET('/cases', { params: { query } })), refetchInterval: 15_000 });
}

export function useQueues(enabled = true) {
  return useQuery({ queryKey: ['queues'], enabled, queryFn: async () => unwrap(await api.GET('/queues')), refetchInterval: 30_000 });
}
