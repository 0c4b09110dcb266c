import type { Database } from '../connection';
import { isUuid } from '../../domain/ids';

/** The names of queues, users and products, by id, for the operators' case timeline. */
export function createTimelineNamesRepository(db: Database) {
  const byId = async (table: string, column: string, ids: Iterable<string>): Promise<Record<string, string>> => {
    const wanted = [...new Set(ids)].filter(isUuid);
    if (wanted.length === 0) return {};
    const rows = await db(table).whereIn('id', wanted).select<{ id: string; name: string }[]>('id', `${column} as name`);
    return Object.fromEntries(rows.map((row) => [row.id, row.name]));
  };
  return {
    async names(ids: { queues: Iterable<string>; users: Iterable<string>; products: Iterable<string> }) {
      const [queues, users, products] = await Promise.all([byId('queues', 'name', ids.queues), byId('users', 'display_name', ids.users), byId('products', 'name', ids.products)]);
      return { queues, users, products };
    },
  };
}

export type TimelineNamesRepository = ReturnType<typeof createTimelineNamesRepository>;
