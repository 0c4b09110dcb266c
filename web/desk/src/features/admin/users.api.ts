import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { operations } from '../../api/schema';
import { api, unwrap } from '../../lib/api-client';

type UserPage = operations['getUsers']['responses'][200]['content']['application/json'];
export type User = UserPage['items'][number];
export type NewUser = operations['postUsers']['requestBody'] extends { content: { 'application/json': infer B } } ? B : never;
export type UserChange = operations['patchUsersByUserId']['requestBody'] extends { content: { 'application/json': infer B } } ? B : never;
export type Role = User['role'];

export interface UserFilter {
  readonly q: string;
  readonly role: Role | '';
  readonly offset: number;
}

export const PAGE_SIZE = 25;

/** GET /users: administrators only. */
export function useUsers(filter: UserFilter) {
  return useQuery({
    queryKey: ['users', filter],
    queryFn: async () =>
      unwrap(
        await api.GET('/users', {
          params: { query: { ...(filter.q.trim() ? { q: filter.q.trim() } : {}), ...(filter.role ? { role: filter.role } : {}), limit: PAGE_SIZE, offset: filter.offset } },
        }),
      ),
    placeholderData: (previous) => previous,
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewUser) => unwrap(await api.POST('/users', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useChangeUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, change }: { userId: string; change: UserChange }) => unwrap(await api.PATCH('/users/{userId}', { params: { path: { userId } }, body: change })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}
